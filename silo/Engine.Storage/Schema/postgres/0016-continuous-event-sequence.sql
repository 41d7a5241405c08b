-- The event log's numbers are continuous (docs/decisions.md, 42): the last number handed out is a row, written in
-- the appending transaction under the append lock, so a rolled-back or crashed append gives its numbers back. (The
-- identity column's own sequence is not transactional: a rollback skipped numbers.) Starts at the highest number the
-- log has handed out, trimmed or not.
CREATE TABLE IF NOT EXISTS event_head
(
    id            INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    last_sequence BIGINT  NOT NULL
);
INSERT INTO event_head (id, last_sequence)
SELECT 1, GREATEST(COALESCE((SELECT MAX(sequence) FROM events), 0), COALESCE(pg_sequence_last_value('events_sequence_seq'), 0))
ON CONFLICT (id) DO NOTHING;
