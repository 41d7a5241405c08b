-- A caller follows their own tickets (CaseService.LookupMyTickets, docs/decisions.md entry 58); see the SQLite script
-- of the same name (sqlite/0015-caller-lookups.sql). Building the index holds writes to tickets for about 2 s per
-- million tickets; on a large table create it beforehand without holding them (docs/deployment.md):
--   CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_tickets_caller ON tickets (caller_phone, ticket_id) WHERE caller_phone IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_tickets_caller ON tickets (caller_phone, ticket_id) WHERE caller_phone IS NOT NULL;

CREATE TABLE IF NOT EXISTS caller_lookups
(
    phone                TEXT    NOT NULL PRIMARY KEY,
    code_hash            BYTEA   NULL,
    code_salt            BYTEA   NULL,
    code_expires_at_ms   BIGINT  NULL,
    code_issued_at_ms    BIGINT  NULL,
    failures             INTEGER NOT NULL DEFAULT 0,
    locked_until_ms      BIGINT  NULL,
    lockouts             INTEGER NOT NULL DEFAULT 0,
    refused_while_locked INTEGER NOT NULL DEFAULT 0
);
