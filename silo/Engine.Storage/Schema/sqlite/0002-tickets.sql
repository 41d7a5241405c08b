-- Tickets live in the engine's own table so that many tickets commit in one transaction (group commit):
-- one grain-state write per ticket tops out near 2k/s on this kind of machine (docs/decisions.md).
-- The indexed columns serve ListTickets; the payload is the whole ticket (Orleans binary serialization).

CREATE TABLE IF NOT EXISTS tickets
(
    ticket_id       TEXT    NOT NULL PRIMARY KEY,
    version         INTEGER NOT NULL,
    channel         INTEGER NOT NULL,
    idempotency_key TEXT    NOT NULL,
    kind            INTEGER NOT NULL,
    state           INTEGER NOT NULL,
    court_id        TEXT    NULL,
    case_number     TEXT    NULL,
    assignee_type   INTEGER NOT NULL,
    assignee_id     TEXT    NOT NULL,
    created_at_ms   INTEGER NOT NULL,
    updated_at_ms   INTEGER NOT NULL,
    payload         BLOB    NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_tickets_assignee ON tickets (assignee_type, assignee_id, ticket_id);
CREATE INDEX IF NOT EXISTS ix_tickets_court ON tickets (court_id, ticket_id);
CREATE INDEX IF NOT EXISTS ix_tickets_case ON tickets (case_number, ticket_id);

-- (channel, idempotency key) → the ticket it made. Written in the same transaction as the ticket.
CREATE TABLE IF NOT EXISTS ticket_idempotency
(
    channel         INTEGER NOT NULL,
    idempotency_key TEXT    NOT NULL,
    ticket_id       TEXT    NOT NULL,
    PRIMARY KEY (channel, idempotency_key)
) WITHOUT ROWID;
