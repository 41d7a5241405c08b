-- Which court a judge sits in, so that a call naming only a judge finds the court grain that holds them.
CREATE TABLE IF NOT EXISTS judge_courts
(
    judge_id TEXT NOT NULL PRIMARY KEY,
    court_id TEXT NOT NULL
);
