-- Issue 24 (closing the loop): replies split by how they reached the caller, on-the-spot ratings, and the filing
-- division's decisions on online filings. Counters go to stats_daily (one column per Engine.Contracts.StatsCounter);
-- ratings also per person or window rated (stats_ratings); an online filing waiting for its decision is remembered
-- in stats_tickets (filing_pending_since_ms, NULL once decided) for the list of decisions still pending. (On SQLite
-- these are in stats.db, sqlite-stats/0002.)
ALTER TABLE stats_daily ADD COLUMN IF NOT EXISTS delivered_public_reply BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN IF NOT EXISTS delivered_phone_call BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN IF NOT EXISTS delivered_sms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN IF NOT EXISTS delivered_we_chat_message BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN IF NOT EXISTS delivered_in_person BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN IF NOT EXISTS ratings BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN IF NOT EXISTS rated_service_satisfied BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN IF NOT EXISTS rated_result_satisfied BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN IF NOT EXISTS filings_decided BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN IF NOT EXISTS filings_registered BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN IF NOT EXISTS filings_material_requested BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN IF NOT EXISTS filings_refused BIGINT NOT NULL DEFAULT 0;

ALTER TABLE stats_tickets ADD COLUMN IF NOT EXISTS filing_pending_since_ms BIGINT NULL;
ALTER TABLE stats_tickets ADD COLUMN IF NOT EXISTS filing_due_ms BIGINT NULL;
CREATE INDEX IF NOT EXISTS ix_stats_tickets_filing_pending ON stats_tickets (filing_pending_since_ms) WHERE filing_pending_since_ms IS NOT NULL;

-- Ratings per day, court and subject: subject_type 1 a staff member (the handler who replied), 2 a platform agent
-- (who answered on the spot), 3 a counter or window of the service hall.
CREATE TABLE IF NOT EXISTS stats_ratings
(
    day               INTEGER NOT NULL,
    court_id          TEXT    NOT NULL,
    subject_type      INTEGER NOT NULL,
    subject_id        TEXT    NOT NULL,
    ratings           BIGINT  NOT NULL DEFAULT 0,
    service_satisfied BIGINT  NOT NULL DEFAULT 0,
    result_satisfied  BIGINT  NOT NULL DEFAULT 0,
    dissatisfied      BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (day, court_id, subject_type, subject_id)
);
