-- The caller's phone finds an open ticket a new one duplicates (same caller, case and kind);
-- delegated_from keeps a ticket visible to the judge who is on leave while their delegate holds it.
ALTER TABLE tickets ADD COLUMN caller_phone TEXT NULL;
ALTER TABLE tickets ADD COLUMN delegated_from TEXT NULL;
CREATE INDEX IF NOT EXISTS ix_tickets_delegated ON tickets (delegated_from, ticket_id) WHERE delegated_from IS NOT NULL;
