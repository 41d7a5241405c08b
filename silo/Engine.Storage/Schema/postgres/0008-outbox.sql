-- Grains whose state holds events not yet in the log; swept at start-up.
CREATE TABLE IF NOT EXISTS outbox_pending
(
    grain_type TEXT NOT NULL,
    grain_key  TEXT NOT NULL,
    PRIMARY KEY (grain_type, grain_key)
);
