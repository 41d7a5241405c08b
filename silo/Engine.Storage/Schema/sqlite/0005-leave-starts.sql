-- Leaves that begin in the future: when one begins, the judge's open tickets move to the delegate.
-- Polled by LeaveStartService; a row is removed only after its tickets were routed again.
CREATE TABLE IF NOT EXISTS leave_starts
(
    judge_id     TEXT    NOT NULL PRIMARY KEY,
    court_id     TEXT    NOT NULL,
    starts_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS ix_leave_starts_due ON leave_starts (starts_at_ms);
