-- Schema 6: fingerprints of each scope's current findings, so that recording a run
-- reads back only the parts of `current_findings` where something changed.
--
-- The findings of a scope are spread over 2^bits buckets by `key_hash`, a keyed 64-bit
-- hash of (rule, address) stored as a signed BIGINT (the unsigned value with its top bit
-- flipped, so that a bucket is one range of it). NULL in rows written before schema 4:
-- the next run of their scope rewrites them. Computed by the writer (runs/record.rs);
-- nothing else reads it.
ALTER TABLE current_findings ADD COLUMN key_hash BIGINT;
CREATE INDEX current_findings_key_hash ON current_findings (scope, key_hash);

-- Per scope: how many bits pick a bucket, and the secret key (hex) of its hashes.
CREATE TABLE finding_scopes (
    scope TEXT PRIMARY KEY,
    bits BIGINT NOT NULL,
    hash_key TEXT NOT NULL
);

-- Per scope: the fingerprint of every bucket, the sum (modulo 2^128) of a keyed hash of
-- (rule, address, outcome) over the bucket's current findings (0 when empty), as 32 hex
-- digits a bucket; part n holds buckets 1024n to 1024n + 1023.
CREATE TABLE finding_buckets (
    scope TEXT NOT NULL,
    part BIGINT NOT NULL,
    fingerprints TEXT NOT NULL,
    PRIMARY KEY (scope, part)
);
