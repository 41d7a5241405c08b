-- One court's figures of a period (GetStats, satisfaction, knowledge citations) read that court's rows, not every
-- court's: these tables are keyed by day first, so without an index led by the court a court's year read the whole
-- country's year (docs/decisions.md, entry 72). stats_daily has had one since 0001.
CREATE INDEX IF NOT EXISTS ix_stats_reply_times_court ON stats_reply_times (court_id, day);
CREATE INDEX IF NOT EXISTS ix_stats_ratings_court ON stats_ratings (court_id, day);
CREATE INDEX IF NOT EXISTS ix_stats_citations_court ON stats_citations (court_id, day);
-- stats_terms is keyed by court first: the country's hot topics of a week read every court's whole history without
-- an index led by the day.
CREATE INDEX IF NOT EXISTS ix_stats_terms_day ON stats_terms (day);
