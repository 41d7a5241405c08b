-- People follow their own requests: their tickets by the caller's phone, and one-time codes (stored as SHA-256
-- digests only; used once; docs/security.md, "One-time codes"). The statistics of issue 24 are in stats.db
-- (sqlite-stats/0002).
CREATE INDEX IF NOT EXISTS ix_tickets_caller_phone ON tickets (caller_phone, created_at_ms) WHERE caller_phone IS NOT NULL;
CREATE TABLE IF NOT EXISTS caller_codes
(
    phone       TEXT    NOT NULL PRIMARY KEY,
    code_sha256 TEXT    NOT NULL,
    issued_ms   INTEGER NOT NULL,
    expires_ms  INTEGER NOT NULL,
    used_ms     INTEGER NULL
) WITHOUT ROWID;
