-- Aggregates kept as Orleans grain state (cases, courts) write their events in two steps: the state with its
-- outbox, then the log. A row here is written before the state and removed after the log append, so a crash in
-- between leaves a row that the start-up sweep uses to finish the append. Appends are idempotent (unique events key).
CREATE TABLE IF NOT EXISTS outbox_pending
(
    grain_type TEXT NOT NULL,
    grain_key  TEXT NOT NULL,
    PRIMARY KEY (grain_type, grain_key)
) WITHOUT ROWID;
