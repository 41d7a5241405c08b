-- Tickets: the whole record in payload (Orleans binary serialization of TicketRecord), plus the columns the
-- engine queries by. Written only by the silos' group committers; the version column is the optimistic check.
CREATE TABLE IF NOT EXISTS tickets
(
    ticket_id       TEXT     NOT NULL PRIMARY KEY,
    version         BIGINT   NOT NULL,
    channel         INTEGER  NOT NULL,
    idempotency_key TEXT     NOT NULL,
    kind            INTEGER  NOT NULL,
    state           INTEGER  NOT NULL,
    court_id        TEXT     NULL,
    case_number     TEXT     NULL,
    assignee_type   INTEGER  NOT NULL,
    assignee_id     TEXT     NOT NULL,
    created_at_ms   BIGINT   NOT NULL,
    updated_at_ms   BIGINT   NOT NULL,
    payload         BYTEA    NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_tickets_assignee ON tickets (assignee_type, assignee_id, ticket_id);
CREATE INDEX IF NOT EXISTS ix_tickets_court ON tickets (court_id, ticket_id);
CREATE INDEX IF NOT EXISTS ix_tickets_case ON tickets (case_number, ticket_id);

-- One ticket per (channel, idempotency key), claimed in the transaction that creates the ticket.
CREATE TABLE IF NOT EXISTS ticket_idempotency
(
    channel         INTEGER NOT NULL,
    idempotency_key TEXT    NOT NULL,
    ticket_id       TEXT    NOT NULL,
    PRIMARY KEY (channel, idempotency_key)
);
