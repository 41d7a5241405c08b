-- The event log. Sequences are handed out in commit order: every appending transaction takes the advisory lock
-- of PostgresDatabase.BeforeAppendingEvents first (see docs/decisions.md).
CREATE TABLE IF NOT EXISTS events
(
    sequence          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    aggregate_id      TEXT    NOT NULL,
    aggregate_version BIGINT  NOT NULL,
    ordinal           INTEGER NOT NULL,
    event_type        TEXT    NOT NULL,
    at_ms             BIGINT  NOT NULL,
    actor             TEXT    NOT NULL,
    court_id          TEXT    NULL,
    kind              INTEGER NOT NULL,
    payload           BYTEA   NOT NULL,
    UNIQUE (aggregate_id, aggregate_version, ordinal)
);
