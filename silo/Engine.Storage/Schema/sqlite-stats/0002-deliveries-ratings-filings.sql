-- Issue 24 (closing the loop): replies split by how they reached the caller, on-the-spot ratings, and the filing
-- division's decisions on online filings. Counters go to stats_daily (one column per Engine.Contracts.StatsCounter);
-- ratings also per person or window rated (stats_ratings); an online filing waiting for its decision is remembered
-- in stats_tickets (filing_pending_since_ms, NULL once decided) for the list of decisions still pending.
ALTER TABLE stats_daily ADD COLUMN delivered_public_reply INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN delivered_phone_call INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN delivered_sms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN delivered_we_chat_message INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN delivered_in_person INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN ratings INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN rated_service_satisfied INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN rated_result_satisfied INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN filings_decided INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN filings_registered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN filings_material_requested INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN filings_refused INTEGER NOT NULL DEFAULT 0;

ALTER TABLE stats_tickets ADD COLUMN filing_pending_since_ms INTEGER NULL;
ALTER TABLE stats_tickets ADD COLUMN filing_due_ms INTEGER NULL;
CREATE INDEX IF NOT EXISTS ix_stats_tickets_filing_pending ON stats_tickets (filing_pending_since_ms) WHERE filing_pending_since_ms IS NOT NULL;

-- Ratings per day, court and subject: subject_type 1 a staff member (the handler who replied), 2 a platform agent
-- (who answered on the spot), 3 a counter or window of the service hall.
CREATE TABLE IF NOT EXISTS stats_ratings
(
    day               INTEGER NOT NULL,
    court_id          TEXT    NOT NULL,
    subject_type      INTEGER NOT NULL,
    subject_id        TEXT    NOT NULL,
    ratings           INTEGER NOT NULL DEFAULT 0,
    service_satisfied INTEGER NOT NULL DEFAULT 0,
    result_satisfied  INTEGER NOT NULL DEFAULT 0,
    dissatisfied      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, court_id, subject_type, subject_id)
) WITHOUT ROWID;
