-- The next deadline step of an open ticket and its deadline shard (docs/decisions.md, entry 18).
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS due_at_ms BIGINT NULL;
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS due_shard INTEGER NULL;
CREATE INDEX IF NOT EXISTS ix_tickets_due ON tickets (due_shard, due_at_ms) WHERE due_at_ms IS NOT NULL;
