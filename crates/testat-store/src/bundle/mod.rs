//! Audit bundles: what the store holds about a period, in one signed `.tar.zst` that an
//! auditor can check on any machine without the store.
//!
//! Layout of the archive:
//!
//! ```text
//! records/runs.json          runs that started in the period, with inputs and criteria
//! records/evidence.json      evidence added in, or covering, the period
//! records/attestations.json  attestations in the period and the one in force at its start
//! records/exceptions.json    exceptions in force during the period
//! audit/events.json          the audit-log slice (contiguous seqs) and its prev_hash
//! evidence/<sha256>          the evidence files, named by their SHA-256
//! manifest.json              tool version, period, public key, audit head, every file's hash and size
//! manifest.sig               Ed25519 signature (hex) over the bytes of manifest.json
//! ```
//!
//! `manifest` holds the formats, `export` writes a bundle from the store, `verify`
//! checks one without the store.

mod export;
mod manifest;
mod verify;

pub use self::export::{BundledRun, ExportSummary};
pub use self::manifest::{
    BUNDLE_FORMAT, BundlePeriod, MANIFEST, Manifest, ManifestAudit, ManifestFile, SIGNATURE,
};
pub use self::verify::{BundleReport, parse_public_key, verify_bundle};
