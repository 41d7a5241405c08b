-- A caller follows their own tickets (CaseService.LookupMyTickets, docs/decisions.md entry 58).
-- The phone → tickets look-up by one-time code reads this index alone, newest first, in keyset pages: a seek, however
-- many tickets the engine holds.
CREATE INDEX IF NOT EXISTS ix_tickets_caller ON tickets (caller_phone, ticket_id) WHERE caller_phone IS NOT NULL;

-- One row per phone that asked for a code or tried one: the live code (salted SHA-256, never the code; cleared when
-- used), when it expires, and the phone's failed tries and lockout, kept like a (case, phone) pair's for LookupCase.
CREATE TABLE IF NOT EXISTS caller_lookups
(
    phone                TEXT    NOT NULL PRIMARY KEY,
    code_hash            BLOB    NULL,
    code_salt            BLOB    NULL,
    code_expires_at_ms   INTEGER NULL,
    code_issued_at_ms    INTEGER NULL,
    failures             INTEGER NOT NULL DEFAULT 0,
    locked_until_ms      INTEGER NULL,
    lockouts             INTEGER NOT NULL DEFAULT 0,
    refused_while_locked INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
