-- Statistics, kept by the stats projector (Stats/StatsProjector.cs) from the event log: it reads the events after
-- its cursor (stats_cursor), adds them up, and writes the sums and the cursor in one transaction, so every event is
-- counted exactly once. Dropping every row and the cursor rebuilds them. On SQLite these tables have a file of their
-- own (stats.db), so that counting never holds the writer of the engine's file.

CREATE TABLE IF NOT EXISTS stats_cursor
(
    id       INTEGER NOT NULL PRIMARY KEY CHECK (id = 0),
    sequence INTEGER NOT NULL
) WITHOUT ROWID;

-- Counters per day (yyyymmdd in the engine's time zone) and group, as of each event. Empty text: no such part
-- (a ticket in the triage queue has no division or judge).
CREATE TABLE IF NOT EXISTS stats_daily
(
    day                  INTEGER NOT NULL,
    court_id             TEXT    NOT NULL,
    division_id          TEXT    NOT NULL,
    judge_id             TEXT    NOT NULL,
    kind                 INTEGER NOT NULL,
    sub_kind             INTEGER NOT NULL,
    channel              INTEGER NOT NULL,
    received             INTEGER NOT NULL DEFAULT 0,
    answered_on_spot     INTEGER NOT NULL DEFAULT 0,
    dispatched           INTEGER NOT NULL DEFAULT 0,
    replied              INTEGER NOT NULL DEFAULT 0,
    replied_on_time      INTEGER NOT NULL DEFAULT 0,
    reply_seconds        INTEGER NOT NULL DEFAULT 0,
    urged                INTEGER NOT NULL DEFAULT 0,
    supervised           INTEGER NOT NULL DEFAULT 0,
    specially_supervised INTEGER NOT NULL DEFAULT 0,
    transferred          INTEGER NOT NULL DEFAULT 0,
    returned             INTEGER NOT NULL DEFAULT 0,
    merged               INTEGER NOT NULL DEFAULT 0,
    reopened             INTEGER NOT NULL DEFAULT 0,
    callbacks            INTEGER NOT NULL DEFAULT 0,
    service_satisfied    INTEGER NOT NULL DEFAULT 0,
    result_satisfied     INTEGER NOT NULL DEFAULT 0,
    dispatched_replied   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, court_id, division_id, judge_id, kind, sub_kind, channel)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_stats_daily_court ON stats_daily (court_id, day);

-- Times to reply, as a histogram (Engine.Domain.Stats.ReplyTimeBuckets) per day and group.
CREATE TABLE IF NOT EXISTS stats_reply_times
(
    day         INTEGER NOT NULL,
    court_id    TEXT    NOT NULL,
    division_id TEXT    NOT NULL,
    judge_id    TEXT    NOT NULL,
    kind        INTEGER NOT NULL,
    sub_kind    INTEGER NOT NULL,
    channel     INTEGER NOT NULL,
    bucket      INTEGER NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (day, court_id, division_id, judge_id, kind, sub_kind, channel, bucket)
) WITHOUT ROWID;

-- Terms of callers' text (Engine.Domain.Stats.TopicTerms): tickets per day, court and term.
CREATE TABLE IF NOT EXISTS stats_terms
(
    day      INTEGER NOT NULL,
    court_id TEXT    NOT NULL,
    term     TEXT    NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (court_id, day, term)
) WITHOUT ROWID;

-- What the projector remembers of each ticket: the group it is counted in now, where it was dispatched (for the
-- effective reply rate), whether it was replied to, and since when it is overdue (NULL: it is not).
CREATE TABLE IF NOT EXISTS stats_tickets
(
    ticket_id         TEXT    NOT NULL PRIMARY KEY,
    court_id          TEXT    NOT NULL,
    division_id       TEXT    NOT NULL,
    judge_id          TEXT    NOT NULL,
    kind              INTEGER NOT NULL,
    sub_kind          INTEGER NOT NULL,
    channel           INTEGER NOT NULL,
    dispatch_day      INTEGER NULL,
    dispatch_court    TEXT    NULL,
    dispatch_division TEXT    NULL,
    dispatch_judge    TEXT    NULL,
    replied           INTEGER NOT NULL DEFAULT 0,
    overdue_since_ms  INTEGER NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_stats_tickets_overdue ON stats_tickets (overdue_since_ms) WHERE overdue_since_ms IS NOT NULL;

-- Each judge's division, as the directory events said it (so a rebuild counts a judge where they sat then).
CREATE TABLE IF NOT EXISTS stats_judges
(
    judge_id    TEXT NOT NULL PRIMARY KEY,
    division_id TEXT NOT NULL
) WITHOUT ROWID;
