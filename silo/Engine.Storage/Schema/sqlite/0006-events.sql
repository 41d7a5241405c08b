-- The event log: every change of a ticket appends its events in the same transaction as the ticket's row.
-- sequence increases in commit order (one writer at a time); subscribers resume after the last one they processed.
CREATE TABLE IF NOT EXISTS events
(
    sequence          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    aggregate_id      TEXT    NOT NULL,
    aggregate_version INTEGER NOT NULL,
    ordinal           INTEGER NOT NULL,
    event_type        TEXT    NOT NULL,
    at_ms             INTEGER NOT NULL,
    actor             TEXT    NOT NULL,
    court_id          TEXT    NULL,
    kind              INTEGER NOT NULL,
    payload           BLOB    NOT NULL,
    UNIQUE (aggregate_id, aggregate_version, ordinal)
);
