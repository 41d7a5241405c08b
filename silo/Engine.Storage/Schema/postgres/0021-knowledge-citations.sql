-- Answers on the spot that cite a knowledge-base entry; see the SQLite stats script of the same name
-- (sqlite-stats/0004-knowledge-citations.sql).
CREATE TABLE IF NOT EXISTS stats_citations
(
    day      INTEGER NOT NULL,
    court_id TEXT    NOT NULL,
    entry_id TEXT    NOT NULL,
    count    BIGINT  NOT NULL,
    PRIMARY KEY (day, court_id, entry_id)
);
