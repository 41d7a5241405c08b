-- The knowledge base; see the SQLite script of the same name (0013-knowledge.sql).
CREATE TABLE IF NOT EXISTS knowledge_versions
(
    entry_id       TEXT             NOT NULL,
    version        INTEGER          NOT NULL,
    question       TEXT             NOT NULL,
    variants       TEXT             NOT NULL,
    answer         TEXT             NOT NULL,
    kinds          TEXT             NOT NULL,
    sub_kinds      TEXT             NOT NULL,
    tags           TEXT             NOT NULL,
    court_id       TEXT,
    effective_from TEXT,
    effective_to   TEXT,
    author         TEXT             NOT NULL,
    retired        INTEGER          NOT NULL,
    changed_at_ms  BIGINT           NOT NULL,
    changed_by     TEXT             NOT NULL,
    change         BIGINT           NOT NULL,
    PRIMARY KEY (entry_id, version)
);

CREATE TABLE IF NOT EXISTS knowledge_entries
(
    entry_id TEXT    NOT NULL PRIMARY KEY,
    version  INTEGER NOT NULL,
    change   BIGINT  NOT NULL,
    court_id TEXT,
    retired  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_knowledge_entries_change ON knowledge_entries (change);

CREATE TABLE IF NOT EXISTS knowledge_searches
(
    search_id     TEXT             NOT NULL PRIMARY KEY,
    at_ms         BIGINT           NOT NULL,
    source        INTEGER          NOT NULL,
    court_id      TEXT,
    kind          INTEGER          NOT NULL,
    channel       INTEGER          NOT NULL,
    text          TEXT             NOT NULL,
    best_entry_id TEXT,
    best_score    DOUBLE PRECISION NOT NULL,
    good          INTEGER          NOT NULL,
    ticket_id     TEXT
);
CREATE INDEX IF NOT EXISTS ix_knowledge_searches_at ON knowledge_searches (at_ms);
