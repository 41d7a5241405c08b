-- The next due moment of each grain that carries timers of its own besides tickets (a judge: the morning list and the
-- edges of a leave; decision 60). One row per owner, woken by the timer shards as ticket rows are by the deadline
-- shards (decision 18): the owner works out what is due from its own state and records it taken with its events, so a
-- second wake fires nothing twice. due_shard only spreads the work: any shard may wake any owner.
CREATE TABLE IF NOT EXISTS due_timers
(
    owner_key  TEXT   NOT NULL PRIMARY KEY,
    due_at_ms  BIGINT NOT NULL,
    due_shard  INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_due_timers_due ON due_timers (due_shard, due_at_ms);

-- Every person already in the directory wakes once at the first start (a leave that was to begin later under decision
-- 14 included: its judge acts on it then) and plans their own timers from there. The shard is spread at random.
INSERT INTO due_timers (owner_key, due_at_ms, due_shard)
SELECT 'judge:' || judge_id, 0, floor(random() * 16)::int FROM judge_courts
ON CONFLICT (owner_key) DO NOTHING;
DELETE FROM leave_starts;
