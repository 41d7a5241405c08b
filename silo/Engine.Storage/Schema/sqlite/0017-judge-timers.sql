-- What a judge's own timers have done (decision 63): the court's day of the last morning list made, and the edges of
-- a leave acted on. Written in the same group-committed transaction as the events they made and the judge's due_timers
-- row, one transaction for many judges, instead of Orleans grain state behind the outbox (decision 16: four synced
-- writes a change). A judge without a row reads its older Orleans state once, and writes its row from then on.
CREATE TABLE IF NOT EXISTS judge_timers
(
    judge_id          TEXT    NOT NULL PRIMARY KEY,
    version           INTEGER NOT NULL,
    last_list_day     TEXT    NULL,
    leave_started_ms  INTEGER NULL,
    leave_ended_ms    INTEGER NULL
) WITHOUT ROWID;
