-- The working calendars, one row a year, the same for every silo; see the SQLite script of the same name.
CREATE TABLE IF NOT EXISTS calendars
(
    year          INTEGER NOT NULL PRIMARY KEY,
    document      TEXT    NOT NULL,
    version       BIGINT  NOT NULL,
    change        BIGINT  NOT NULL,
    source        TEXT    NOT NULL,
    updated_at_ms BIGINT  NOT NULL,
    updated_by    TEXT    NOT NULL
);

CREATE TABLE IF NOT EXISTS calendar_sweep
(
    id            INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    swept_change  BIGINT  NOT NULL
);
INSERT INTO calendar_sweep (id, swept_change) VALUES (1, -1) ON CONFLICT (id) DO NOTHING;

ALTER TABLE tickets ADD COLUMN IF NOT EXISTS plan_stamp BIGINT NULL;
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS plan_first_year INTEGER NULL;
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS plan_last_year INTEGER NULL;
CREATE INDEX IF NOT EXISTS ix_tickets_plan ON tickets (plan_last_year, plan_stamp) WHERE plan_stamp IS NOT NULL;

-- Open states: received 1, dispatched 3, accepted 4, returned 7, reopened 8 (TicketLifecycle.IsOpen).
UPDATE tickets SET plan_stamp = -1, plan_first_year = 0, plan_last_year = 9999
WHERE state IN (1, 3, 4, 7, 8) AND due_at_ms IS NULL;
