-- The directory's court tree as the event log tells it (directory.court_upserted, directory.court_imported): each
-- court and the court it is under (NULL: none). Figures "with the courts under it" (GetStats' include_subordinate,
-- the circulated report, the supervision page) sum the court and every court beneath it, at any depth; the
-- projector keeps this table in the same transaction as the figures, so both answer as of the same event. The tree
-- is the directory, not a figure: RebuildStats keeps it and counts the directory events the log still holds over it
-- (decision 59).
CREATE TABLE IF NOT EXISTS stats_courts
(
    court_id        TEXT NOT NULL PRIMARY KEY,
    parent_court_id TEXT NULL
) WITHOUT ROWID;
