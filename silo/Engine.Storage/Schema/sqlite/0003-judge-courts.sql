-- Which court each person belongs to, so that commands naming only a judge (SetAvailability) find the court grain.
-- An engine table rather than a grain per judge: a national import writes 120,000 of these in a few transactions.
CREATE TABLE IF NOT EXISTS judge_courts
(
    judge_id TEXT NOT NULL PRIMARY KEY,
    court_id TEXT NOT NULL
) WITHOUT ROWID;
