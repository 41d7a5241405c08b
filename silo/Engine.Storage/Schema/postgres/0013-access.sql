-- API keys (only the SHA-256 of each secret is kept) and the audit log of administrative actions. The revision row
-- goes up in the transaction of every key change, so that front-ends reload the keys only when they changed.
CREATE TABLE IF NOT EXISTS api_keys
(
    key_id             TEXT    NOT NULL PRIMARY KEY,
    name               TEXT    NOT NULL,
    role               INTEGER NOT NULL,
    channels           TEXT    NOT NULL,
    court_ids          TEXT    NOT NULL,
    judge_id           TEXT,
    personal_data      INTEGER NOT NULL,
    secret_sha256      BYTEA   NOT NULL,
    certificate_sha256 TEXT UNIQUE,
    rate_per_second    INTEGER NOT NULL,
    created_at_ms      BIGINT  NOT NULL,
    created_by         TEXT    NOT NULL,
    expires_at_ms      BIGINT,
    revoked_at_ms      BIGINT,
    revoked_by         TEXT
);

CREATE TABLE IF NOT EXISTS access_revision
(
    id       INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    revision BIGINT  NOT NULL
);
INSERT INTO access_revision (id, revision) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS audit_log
(
    id              BIGSERIAL PRIMARY KEY,
    at_ms           BIGINT NOT NULL,
    actor           TEXT   NOT NULL,
    action          TEXT   NOT NULL,
    target          TEXT   NOT NULL,
    detail          TEXT   NOT NULL,
    outcome         TEXT,
    completed_at_ms BIGINT
);
