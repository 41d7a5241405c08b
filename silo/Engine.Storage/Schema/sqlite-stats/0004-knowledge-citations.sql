-- Issue 23 (the knowledge base's figures): answers on the spot that cite a knowledge-base entry
-- (ticket.answered_on_spot's knowledge_entry_id), per day (yyyymmdd in the engine's time zone), the ticket's court
-- then, and entry. Counted by the stats projector like every other figure, so each citation is counted once and
-- RebuildStats counts them again; citations logged before this script are counted after RebuildStats.
CREATE TABLE IF NOT EXISTS stats_citations
(
    day      INTEGER NOT NULL,
    court_id TEXT    NOT NULL,
    entry_id TEXT    NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (day, court_id, entry_id)
) WITHOUT ROWID;
