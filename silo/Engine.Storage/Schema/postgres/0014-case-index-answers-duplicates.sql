-- The case index also answers intake's open-duplicate look-up (same case, caller and kind) by itself; it replaces
-- the (case_number, ticket_id) index (docs/decisions.md, entry 29). Building it holds writes to tickets for about
-- 2 s per million tickets; on a large table create it beforehand without holding them (docs/deployment.md):
--   CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_tickets_case_caller ON tickets (case_number, caller_phone, kind, created_at_ms, ticket_id, state);
CREATE INDEX IF NOT EXISTS ix_tickets_case_caller ON tickets (case_number, caller_phone, kind, created_at_ms, ticket_id, state);
DROP INDEX IF EXISTS ix_tickets_case;
