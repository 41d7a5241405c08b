-- The knowledge base (docs/knowledge.md). knowledge_versions keeps every version of every entry as its author wrote
-- it; knowledge_entries says which version is current and whether the entry is retired. change is the knowledge
-- base's own change number, taken under the knowledge lock: every silo reads the changes above the last it saw to
-- keep its in-memory index current. Lists (variants, kinds, sub-kinds, tags) are JSON arrays; kinds and sub-kinds by
-- their short proto names (CONSULTATION, CONSULTATION_PROCEDURE); dates are yyyy-MM-dd, court time.
CREATE TABLE IF NOT EXISTS knowledge_versions
(
    entry_id       TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    question       TEXT    NOT NULL,
    variants       TEXT    NOT NULL,
    answer         TEXT    NOT NULL,
    kinds          TEXT    NOT NULL,
    sub_kinds      TEXT    NOT NULL,
    tags           TEXT    NOT NULL,
    court_id       TEXT,
    effective_from TEXT,
    effective_to   TEXT,
    author         TEXT    NOT NULL,
    retired        INTEGER NOT NULL,
    changed_at_ms  INTEGER NOT NULL,
    changed_by     TEXT    NOT NULL,
    change         INTEGER NOT NULL,
    PRIMARY KEY (entry_id, version)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS knowledge_entries
(
    entry_id TEXT    NOT NULL PRIMARY KEY,
    version  INTEGER NOT NULL,
    change   INTEGER NOT NULL,
    court_id TEXT,
    retired  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_knowledge_entries_change ON knowledge_entries (change);

-- Searches recorded for the figures: self-service searches (PublicSearch) and suggestions (SubmitTicket,
-- SuggestAnswers). good says whether the best entry reached Engine:Knowledge:GoodScore; ticket_id is the ticket a
-- self-service search's person opened anyway (SubmitTicket's knowledge_search_id). The text is the citizen's question
-- as asked: it is read only by the figures (hot topics of the questions that found no good entry).
CREATE TABLE IF NOT EXISTS knowledge_searches
(
    search_id     TEXT    NOT NULL PRIMARY KEY,
    at_ms         INTEGER NOT NULL,
    source        INTEGER NOT NULL,
    court_id      TEXT,
    kind          INTEGER NOT NULL,
    channel       INTEGER NOT NULL,
    text          TEXT    NOT NULL,
    best_entry_id TEXT,
    best_score    REAL    NOT NULL,
    good          INTEGER NOT NULL,
    ticket_id     TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_knowledge_searches_at ON knowledge_searches (at_ms);
