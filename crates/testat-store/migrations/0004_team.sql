-- Schema 4: what the team server needs, kept in the database so that several server
-- processes on one PostgreSQL database work side by side and sessions survive restarts.

-- People who sign in, with an Argon2id password hash (PHC string) and one role.
CREATE TABLE users (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    disabled_at BIGINT
);

-- Browser sessions: the SHA-256 of the cookie's secret, never the secret itself.
CREATE TABLE sessions (
    token_sha256 TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- API tokens: shown once, kept as SHA-256, scoped to a role, with expiry, revocable.
CREATE TABLE api_tokens (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- Failed sign-ins, per account and per address, for rate limiting.
CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

-- Scan results uploaded from CI: the same upload (same key) records one run.
CREATE TABLE run_uploads (
    upload_key TEXT PRIMARY KEY,
    run_id BIGINT NOT NULL
);

-- Revoking a stored exception is a record of its own; the exception is never changed.
CREATE TABLE exception_revocations (
    exception_id BIGINT PRIMARY KEY,
    reason TEXT NOT NULL,
    revoked_by TEXT NOT NULL,
    revoked_at BIGINT NOT NULL
);

-- File contents kept in the database (evidence of a PostgreSQL store, published
-- documents), in chunks of at most 1 MiB, addressed by the SHA-256 of the whole file.
CREATE TABLE blob_chunks (
    sha256 TEXT NOT NULL,
    seq BIGINT NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (sha256, seq)
);

-- Snapshots of the public trust page: frozen JSON, newest counts.
CREATE TABLE trust_snapshots (
    id BIGINT PRIMARY KEY,
    content TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at BIGINT NOT NULL
);

-- Documents offered on the trust page, public or gated behind an NDA.
CREATE TABLE trust_documents (
    id BIGINT PRIMARY KEY,
    title TEXT NOT NULL,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    gated BIGINT NOT NULL,
    added_by TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    withdrawn_at BIGINT
);

-- The NDA text outsiders accept for gated documents; every change is a new version.
CREATE TABLE nda_versions (
    version BIGINT PRIMARY KEY,
    text TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at BIGINT NOT NULL
);

-- Requests for gated documents and what an admin decided.
CREATE TABLE access_requests (
    id BIGINT PRIMARY KEY,
    document_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    company TEXT NOT NULL,
    nda_version BIGINT NOT NULL,
    accepted_at BIGINT NOT NULL,
    address TEXT NOT NULL,
    decision TEXT,
    decided_by TEXT,
    decided_at BIGINT,
    link_sha256 TEXT UNIQUE,
    link_expires_at BIGINT
);
