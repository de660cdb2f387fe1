-- Testat store schema 1. Portable SQL: the same text runs on SQLite and PostgreSQL.
-- Times are BIGINT microseconds since 1970-01-01 UTC; dates are TEXT YYYY-MM-DD;
-- hashes are lower-case hex TEXT. IDs are assigned by the writer under the write lock.

CREATE TABLE write_lock (id BIGINT PRIMARY KEY, counter BIGINT NOT NULL);
INSERT INTO write_lock (id, counter) VALUES (1, 0);

CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    payload TEXT NOT NULL,
    payload_sha256 TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE audit_head (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE runs (
    id BIGINT PRIMARY KEY,
    scope TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    catalog_version TEXT NOT NULL,
    ruleset_sha256 TEXT NOT NULL,
    rule_count BIGINT NOT NULL,
    resource_count BIGINT NOT NULL,
    passed BIGINT NOT NULL,
    failed BIGINT NOT NULL,
    excepted BIGINT NOT NULL,
    other BIGINT NOT NULL,
    changed BIGINT NOT NULL
);

CREATE TABLE run_inputs (
    run_id BIGINT NOT NULL,
    path TEXT NOT NULL,
    kind TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    PRIMARY KEY (run_id, path)
);

CREATE TABLE run_criteria (
    run_id BIGINT NOT NULL,
    criterion TEXT NOT NULL,
    passed BIGINT NOT NULL,
    failed BIGINT NOT NULL,
    excepted BIGINT NOT NULL,
    other BIGINT NOT NULL,
    PRIMARY KEY (run_id, criterion)
);

CREATE TABLE current_findings (
    scope TEXT NOT NULL,
    rule TEXT NOT NULL,
    address TEXT NOT NULL,
    outcome TEXT NOT NULL,
    since_run BIGINT NOT NULL,
    PRIMARY KEY (scope, rule, address)
);

CREATE TABLE finding_changes (
    run_id BIGINT NOT NULL,
    rule TEXT NOT NULL,
    address TEXT NOT NULL,
    old_outcome TEXT,
    new_outcome TEXT,
    PRIMARY KEY (run_id, rule, address)
);

CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, size BIGINT NOT NULL, stored_at BIGINT NOT NULL);
CREATE TABLE pending_blobs (sha256 TEXT PRIMARY KEY, started_at BIGINT NOT NULL);

CREATE TABLE evidence (
    id BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,
    sha256 TEXT,
    name TEXT,
    size BIGINT,
    media_type TEXT,
    url TEXT,
    note TEXT,
    effective TEXT,
    valid_until TEXT,
    added_by TEXT NOT NULL,
    added_at BIGINT NOT NULL
);

CREATE TABLE evidence_criteria (
    evidence_id BIGINT NOT NULL,
    criterion TEXT NOT NULL,
    PRIMARY KEY (evidence_id, criterion)
);

CREATE TABLE attestations (
    id BIGINT PRIMARY KEY,
    criterion TEXT NOT NULL,
    status TEXT NOT NULL,
    statement TEXT NOT NULL,
    owner TEXT NOT NULL,
    next_review TEXT,
    attested_by TEXT NOT NULL,
    attested_at BIGINT NOT NULL
);

CREATE TABLE exceptions (
    id BIGINT PRIMARY KEY,
    rule TEXT NOT NULL,
    resource TEXT NOT NULL,
    justification TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    risk_owner TEXT,
    expires TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at BIGINT NOT NULL
);
