-- The caller's phone (for merging duplicates) and the judge a delegated ticket came from (for the delegate's list).
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS caller_phone TEXT NULL;
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS delegated_from TEXT NULL;
CREATE INDEX IF NOT EXISTS ix_tickets_delegated ON tickets (delegated_from, ticket_id) WHERE delegated_from IS NOT NULL;
