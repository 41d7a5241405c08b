-- The supervision page's lists, paged on the server by keyset (docs/supervision.md): every urging, supervision and
-- special supervision step as a row (the list behind the urged/supervised counters and the circulated report), and
-- indexes that serve each list's filter and order from the index alone, so a page costs the same at 100 000 open
-- overdue tickets as at 100. Steps counted before this script are in stats_steps after RebuildStats.

-- step: 1 urging, 2 supervision, 3 special supervision (Engine.Domain.Calendar.DeadlineStep). Court, division,
-- judge, kind and sub-kind are the ticket's group when the step fired; due_ms its reply deadline then (the delay is
-- counted from it); replied_ms when it was next replied to (NULL: not yet).
CREATE TABLE IF NOT EXISTS stats_steps
(
    ticket_id   TEXT    NOT NULL,
    step        INTEGER NOT NULL,
    fired_ms    INTEGER NOT NULL,
    court_id    TEXT    NOT NULL,
    division_id TEXT    NOT NULL,
    judge_id    TEXT    NOT NULL,
    kind        INTEGER NOT NULL,
    sub_kind    INTEGER NOT NULL,
    due_ms      INTEGER NULL,
    replied_ms  INTEGER NULL,
    PRIMARY KEY (ticket_id, step, fired_ms)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_stats_steps_fired ON stats_steps (fired_ms, ticket_id, step);
CREATE INDEX IF NOT EXISTS ix_stats_steps_court ON stats_steps (court_id, fired_ms, ticket_id, step);
CREATE INDEX IF NOT EXISTS ix_stats_steps_judge ON stats_steps (judge_id, fired_ms, ticket_id, step);

-- Overdue tickets by court (filter and order "by court"), by court and division, and by judge (filter and order
-- "by judge"); each then by how long overdue. ix_stats_tickets_overdue serves the whole list.
CREATE INDEX IF NOT EXISTS ix_stats_tickets_overdue_court ON stats_tickets (court_id, overdue_since_ms, ticket_id) WHERE overdue_since_ms IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_stats_tickets_overdue_division ON stats_tickets (court_id, division_id, overdue_since_ms, ticket_id) WHERE overdue_since_ms IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_stats_tickets_overdue_judge ON stats_tickets (judge_id, overdue_since_ms, ticket_id) WHERE overdue_since_ms IS NOT NULL;
