-- Who takes part in which case, for related-case notices (docs/design.md, "Related-case notices"): one row per key of
-- a case's party ("id:" and the identity number, "phone:" and the canonical phone; agents and lawyers are not matched)
-- and per case it lists as related ("listed:" and that case's number, so that a case finds the cases that list it).
-- Written by the case's grain with each upsert; a case stored before this script is indexed at its next activation.
CREATE TABLE IF NOT EXISTS case_parties
(
    party_key   TEXT NOT NULL,
    case_number TEXT NOT NULL,
    PRIMARY KEY (party_key, case_number)
);
CREATE INDEX IF NOT EXISTS ix_case_parties_case ON case_parties (case_number);
