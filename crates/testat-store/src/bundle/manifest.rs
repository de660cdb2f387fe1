//! The manifest of an audit bundle and the other file formats inside it: the types,
//! and the one JSON encoding (pretty-printed, ending in a newline) that every record
//! file and the signed manifest are written in. Nothing here touches a store.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Result, StoreError};

/// The format named in every manifest.
pub const BUNDLE_FORMAT: &str = "testat-bundle-v1";
/// Name of the manifest inside the archive.
pub const MANIFEST: &str = "manifest.json";
/// Name of the signature inside the archive.
pub const SIGNATURE: &str = "manifest.sig";
pub(super) const EVENTS: &str = "audit/events.json";

/// The period of a bundle: whole days, both included (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundlePeriod {
    /// First day.
    pub from: NaiveDate,
    /// Last day, included.
    pub to: NaiveDate,
}

impl BundlePeriod {
    pub(super) fn bounds(self) -> (i64, i64) {
        let start = self.from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        let end = self
            .to
            .succ_opt()
            .unwrap_or(self.to)
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc();
        (start.timestamp_micros(), end.timestamp_micros())
    }
}

/// One file of the bundle, as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    /// Path inside the archive.
    pub path: String,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// Where the audit log stood at export, and which slice the bundle holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestAudit {
    /// Seq of the last event in the store at export.
    pub head_seq: i64,
    /// Hash of that event.
    pub head_hash: String,
    /// First seq of the slice (0 when the slice is empty).
    pub first_seq: i64,
    /// Last seq of the slice (0 when the slice is empty).
    pub last_seq: i64,
    /// `prev_hash` of the first event of the slice.
    pub prev_hash: String,
}

/// The signed manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`BUNDLE_FORMAT`].
    pub format: String,
    /// Testat's version that exported it.
    pub tool_version: String,
    /// The period.
    pub period: BundlePeriod,
    /// When it was exported (RFC 3339).
    pub exported_at: String,
    /// Who exported it.
    pub exported_by: String,
    /// The store's Ed25519 public key (hex) that signed it.
    pub public_key: String,
    /// The audit log at export.
    pub audit: ManifestAudit,
    /// Every other file in the archive.
    pub files: Vec<ManifestFile>,
}

/// The audit-log slice, as `audit/events.json` holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct EventsFile {
    pub(super) prev_hash: String,
    pub(super) events: Vec<SliceEvent>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SliceEvent {
    pub(super) seq: i64,
    pub(super) at: i64,
    pub(super) actor: String,
    pub(super) action: String,
    pub(super) object: String,
    pub(super) payload: String,
    pub(super) payload_sha256: String,
    pub(super) prev_hash: String,
    pub(super) hash: String,
}

/// The encoding of every JSON file of a bundle: pretty-printed, ending in a newline.
pub(super) fn json<T: Serialize>(what: &str, value: &T) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| StoreError::encode(what, &e))?;
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_whole_days() {
        let p = BundlePeriod {
            from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
            to: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
        };
        let (a, b) = p.bounds();
        assert_eq!(b - a, 86_400_000_000);
        assert_eq!(
            testat_records::micros::from_micros(a).unwrap().date_naive(),
            p.from
        );
    }
}
