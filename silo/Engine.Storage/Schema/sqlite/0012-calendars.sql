-- The working calendars, one row a year (holidays and make-up working days, as the JSON of
-- samples/calendar-cn-2026.json), the same for every silo. change is the engine-wide number of the write that made
-- the row as it is: a clock counted with calendars of a lower version is counted again (docs/decisions.md, 33).
-- source is "built-in", "file" (Engine:Deadlines:CalendarFiles) or "api" (CalendarService.PutCalendar).
CREATE TABLE IF NOT EXISTS calendars
(
    year          INTEGER NOT NULL PRIMARY KEY,
    document      TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    change        INTEGER NOT NULL,
    source        TEXT    NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    updated_by    TEXT    NOT NULL
);

-- How far the re-counting of open clocks has gone: every change up to swept_change is counted into them.
CREATE TABLE IF NOT EXISTS calendar_sweep
(
    id            INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    swept_change  INTEGER NOT NULL
);
INSERT INTO calendar_sweep (id, swept_change) VALUES (1, -1) ON CONFLICT (id) DO NOTHING;

-- Which open clocks a calendar change touches: the calendar version each was counted with, and the years (UTC, a
-- day's margin either side) from its start to its last pending step. NULL for tickets with nothing to count.
ALTER TABLE tickets ADD COLUMN plan_stamp INTEGER NULL;
ALTER TABLE tickets ADD COLUMN plan_first_year INTEGER NULL;
ALTER TABLE tickets ADD COLUMN plan_last_year INTEGER NULL;
CREATE INDEX IF NOT EXISTS ix_tickets_plan ON tickets (plan_last_year, plan_stamp) WHERE plan_stamp IS NOT NULL;

-- Clocks written before this version kept no plan. Those of open tickets with nothing pending may be the ones a
-- missing calendar left without a ladder (or paused, or with every step fired): each is looked at once.
-- Open states: received 1, dispatched 3, accepted 4, returned 7, reopened 8 (TicketLifecycle.IsOpen).
UPDATE tickets SET plan_stamp = -1, plan_first_year = 0, plan_last_year = 9999
WHERE state IN (1, 3, 4, 7, 8) AND due_at_ms IS NULL;
