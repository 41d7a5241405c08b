-- Future-dated leave: when it starts, the judge's open tickets are re-routed.
CREATE TABLE IF NOT EXISTS leave_starts
(
    judge_id     TEXT   NOT NULL PRIMARY KEY,
    court_id     TEXT   NOT NULL,
    starts_at_ms BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_leave_starts_due ON leave_starts (starts_at_ms);
