-- When a ticket's next deadline step is due, kept in the ticket's own row so that it is written in the same
-- statement as the ticket (a step and its schedule cannot part). due_shard splits the due tickets among the deadline
-- shard grains; the partial index holds only tickets with a step pending, so it stays small however many tickets
-- are closed. Tickets stored before this version have no clock (due_at_ms stays NULL).
ALTER TABLE tickets ADD COLUMN due_at_ms INTEGER NULL;
ALTER TABLE tickets ADD COLUMN due_shard INTEGER NULL;

CREATE INDEX IF NOT EXISTS ix_tickets_due ON tickets (due_shard, due_at_ms) WHERE due_at_ms IS NOT NULL;
