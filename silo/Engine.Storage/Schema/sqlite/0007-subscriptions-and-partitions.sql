-- Consumer groups split the log by aggregate: aggregate_hash is a stable hash of aggregate_id (FNV-1a, 31 bits),
-- member i of n reads the events with aggregate_hash % n = i, so one aggregate's events stay in order on one reader.
ALTER TABLE events ADD COLUMN aggregate_hash INTEGER NOT NULL DEFAULT 0;

-- Named subscriptions: the last sequence each member processed, as it committed it.
CREATE TABLE IF NOT EXISTS subscription_cursors
(
    name          TEXT    NOT NULL,
    member_index  INTEGER NOT NULL,
    sequence      INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (name, member_index)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_events_at ON events (at_ms);
