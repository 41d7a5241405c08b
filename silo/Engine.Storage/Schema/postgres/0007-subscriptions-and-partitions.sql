-- Consumer groups split the log by a stable hash of the aggregate; named subscriptions keep a committed cursor.
ALTER TABLE events ADD COLUMN IF NOT EXISTS aggregate_hash INTEGER NOT NULL DEFAULT 0;

CREATE TABLE IF NOT EXISTS subscription_cursors
(
    name          TEXT    NOT NULL,
    member_index  INTEGER NOT NULL,
    sequence      BIGINT  NOT NULL,
    updated_at_ms BIGINT  NOT NULL,
    PRIMARY KEY (name, member_index)
);

CREATE INDEX IF NOT EXISTS ix_events_at ON events (at_ms);
