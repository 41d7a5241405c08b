-- The case index also answers intake's open-duplicate look-up (same case, caller and kind) by itself: the look-up
-- goes straight to the caller's entries and reads no ticket row, however many tickets the case has. It replaces the
-- (case_number, ticket_id) index rather than joining it, so that a new ticket still touches one case-index page:
-- a listing by case sorts its page instead (docs/decisions.md, entry 29).
CREATE INDEX IF NOT EXISTS ix_tickets_case_caller ON tickets (case_number, caller_phone, kind, created_at_ms, ticket_id, state);
DROP INDEX IF EXISTS ix_tickets_case;
