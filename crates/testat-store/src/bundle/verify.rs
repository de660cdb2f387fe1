//! Checking an audit bundle offline, without the store: the signature, every file
//! against the manifest, and the chain of the audit-log slice.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::{Component, Path};

use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::manifest::{
    BUNDLE_FORMAT, EVENTS, EventsFile, MANIFEST, Manifest, ManifestAudit, SIGNATURE,
};
use crate::verify::Problem;
use crate::{Result, StoreError};

/// What `verify_bundle` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BundleReport {
    /// The manifest, when it could be read.
    pub manifest: Option<Manifest>,
    /// Files checked against the manifest.
    pub files: usize,
    /// Audit events whose chain was checked.
    pub events: usize,
    /// Failures, each naming a file, an event or the signature.
    pub problems: Vec<Problem>,
}

impl BundleReport {
    /// Whether everything checked out.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    fn problem(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            place: place.into(),
            message: message.into(),
        });
    }
}

/// Parses a public key given as 64 hex digits.
pub fn parse_public_key(hex_key: &str) -> std::result::Result<VerifyingKey, String> {
    let bytes = hex::decode(hex_key.trim()).map_err(|e| format!("expected 64 hex digits: {e}"))?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| "expected 32 bytes (64 hex digits)".to_owned())?;
    VerifyingKey::from_bytes(&bytes).map_err(|e| format!("not an Ed25519 public key: {e}"))
}

/// A name inside the archive that is safe: relative, only normal components.
fn safe_name(path: &Path) -> bool {
    !path.as_os_str().is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)))
}

/// Largest JSON file of a bundle read into memory (evidence files are only hashed).
const MAX_JSON: u64 = 1 << 30;

/// Checks a bundle without the store: the signature (with the embedded public key, or
/// `key`, which must then be the embedded one), every file against the manifest, no
/// extra or missing files, and the chain of the audit-log slice. Writes nothing.
/// An `Err` only when the file cannot be opened; everything else is a problem.
pub fn verify_bundle(path: &Path, key: Option<&VerifyingKey>) -> Result<BundleReport> {
    let file = std::fs::File::open(path).map_err(|e| StoreError::io(path, e))?;
    let mut report = BundleReport::default();
    // path -> (sha256, size); JSON files also kept.
    let mut seen: BTreeMap<String, (String, u64)> = BTreeMap::new();
    let mut kept: HashMap<String, Vec<u8>> = HashMap::new();
    let read = (|| -> std::result::Result<(), (String, String)> {
        let archive = path.display().to_string();
        let decoder =
            zstd::Decoder::new(file).map_err(|e| (archive.clone(), format!("not zstd: {e}")))?;
        let mut tar = tar::Archive::new(decoder);
        let entries = tar
            .entries()
            .map_err(|e| (archive.clone(), format!("not a tar archive: {e}")))?;
        for entry in entries {
            let mut entry =
                entry.map_err(|e| (archive.clone(), format!("damaged archive: {e}")))?;
            let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let name = Path::new(&raw);
            if !safe_name(name) {
                return Err((
                    raw.clone(),
                    "unsafe name in the archive (absolute, or with `..`); refused, nothing was written".into(),
                ));
            }
            if entry.header().entry_type() != tar::EntryType::Regular {
                return Err((
                    raw.clone(),
                    format!(
                        "not a regular file ({:?}); a bundle holds only files",
                        entry.header().entry_type()
                    ),
                ));
            }
            let name = name.to_string_lossy().into_owned();
            if seen.contains_key(&name) {
                return Err((name, "appears twice in the archive".into()));
            }
            let keep = !name.starts_with("evidence/");
            let mut hasher = Sha256::new();
            let mut size: u64 = 0;
            let mut bytes = Vec::new();
            let mut buf = vec![0u8; 256 * 1024];
            loop {
                let n = entry
                    .read(&mut buf)
                    .map_err(|e| (name.clone(), format!("cannot be read: {e}")))?;
                if n == 0 {
                    break;
                }
                let chunk = buf.get(..n).unwrap_or_default();
                hasher.update(chunk);
                size += n as u64;
                if keep {
                    if size > MAX_JSON {
                        return Err((name, "too large for a record file".into()));
                    }
                    bytes.extend_from_slice(chunk);
                }
            }
            if keep {
                kept.insert(name.clone(), bytes);
            }
            seen.insert(name, (hex::encode(hasher.finalize()), size));
        }
        Ok(())
    })();
    if let Err((place, message)) = read {
        report.problem(place, message);
        return Ok(report);
    }

    let (Some(manifest_bytes), Some(signature)) = (kept.get(MANIFEST), kept.get(SIGNATURE)) else {
        for name in [MANIFEST, SIGNATURE] {
            if !kept.contains_key(name) {
                report.problem(name, "missing from the bundle");
            }
        }
        return Ok(report);
    };
    let manifest: Manifest = match serde_json::from_slice(manifest_bytes) {
        Ok(m) => m,
        Err(e) => {
            report.problem(MANIFEST, format!("not a Testat manifest: {e}"));
            return Ok(report);
        }
    };
    if manifest.format != BUNDLE_FORMAT {
        report.problem(
            MANIFEST,
            format!("format {:?}, expected {BUNDLE_FORMAT:?}", manifest.format),
        );
    }

    // 1. The signature.
    let embedded = parse_public_key(&manifest.public_key);
    let verifying = match (key, &embedded) {
        (Some(given), Ok(embedded)) if given != embedded => {
            report.problem(
                MANIFEST,
                format!(
                    "signed for public key {}, not the key given ({}); the bundle does not come from the store you expected",
                    manifest.public_key,
                    hex::encode(given.to_bytes())
                ),
            );
            Some(*given)
        }
        (Some(given), _) => Some(*given),
        (None, Ok(embedded)) => Some(*embedded),
        (None, Err(e)) => {
            report.problem(MANIFEST, format!("public_key: {e}"));
            None
        }
    };
    let sig = std::str::from_utf8(signature)
        .ok()
        .and_then(|s| hex::decode(s.trim()).ok())
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b));
    match (sig, verifying) {
        (None, _) => report.problem(SIGNATURE, "not an Ed25519 signature (128 hex digits)"),
        (Some(sig), Some(k)) => {
            if k.verify(manifest_bytes, &sig).is_err() {
                report.problem(
                    SIGNATURE,
                    "does not match manifest.json: the manifest or the signature was altered",
                );
            }
        }
        (Some(_), None) => {}
    }

    // 2. Every file against the manifest; nothing extra, nothing missing.
    let mut listed: BTreeSet<&str> = BTreeSet::new();
    for f in &manifest.files {
        report.files += 1;
        if !listed.insert(f.path.as_str()) {
            report.problem(&f.path, "listed twice in the manifest");
            continue;
        }
        match seen.get(&f.path) {
            None => report.problem(
                &f.path,
                "missing: listed in the manifest, not in the bundle",
            ),
            Some((sha, size)) => {
                if *sha != f.sha256 || *size != f.size {
                    report.problem(
                        &f.path,
                        format!(
                            "altered: SHA-256 {sha} ({size} bytes), the manifest says {} ({} bytes)",
                            f.sha256, f.size
                        ),
                    );
                }
                if let Some(name) = f.path.strip_prefix("evidence/")
                    && *sha != name
                {
                    report.problem(&f.path, format!("does not hash to its name (got {sha})"));
                }
            }
        }
    }
    for name in seen.keys() {
        if name != MANIFEST && name != SIGNATURE && !listed.contains(name.as_str()) {
            report.problem(name, "added: in the bundle, not in the manifest");
        }
    }

    // 3. The audit-log slice.
    if let Some(bytes) = kept.get(EVENTS) {
        check_events(&mut report, &manifest.audit, bytes);
    }
    // 4. Every evidence record's file is in the bundle.
    if let Some(bytes) = kept.get("records/evidence.json")
        && let Ok(list) = serde_json::from_slice::<Vec<serde_json::Value>>(bytes)
    {
        for e in list {
            if let Some(sha) = e.get("sha256").and_then(|s| s.as_str())
                && !seen.contains_key(&format!("evidence/{sha}"))
            {
                report.problem(
                    format!(
                        "evidence {}",
                        e.get("id").unwrap_or(&serde_json::Value::Null)
                    ),
                    format!("its file evidence/{sha} is not in the bundle"),
                );
            }
        }
    }
    report.manifest = Some(manifest);
    Ok(report)
}

fn check_events(report: &mut BundleReport, audit: &ManifestAudit, bytes: &[u8]) {
    let file: EventsFile = match serde_json::from_slice(bytes) {
        Ok(f) => f,
        Err(e) => {
            report.problem(EVENTS, format!("not an audit-log slice: {e}"));
            return;
        }
    };
    report.events = file.events.len();
    if file.prev_hash != audit.prev_hash {
        report.problem(EVENTS, "prev_hash differs from the manifest's");
    }
    let mut prev = file.prev_hash.clone();
    let mut expected = file.events.first().map_or(0, |e| e.seq);
    if expected != audit.first_seq {
        report.problem(
            EVENTS,
            format!(
                "starts at event {expected}, the manifest says {}",
                audit.first_seq
            ),
        );
    }
    for e in &file.events {
        let place = format!("audit event {}", e.seq);
        if e.seq != expected {
            report.problem(
                &place,
                format!("out of sequence: expected event {expected} (events removed or added)"),
            );
        }
        if crate::sha256_hex(e.payload.as_bytes()) != e.payload_sha256 {
            report.problem(&place, "altered: its payload does not match payload_sha256");
        }
        let hash = crate::audit::event_hash(
            e.seq,
            e.at,
            &e.actor,
            &e.action,
            &e.object,
            &e.payload_sha256,
            &e.prev_hash,
        );
        if hash != e.hash {
            report.problem(&place, "altered: its hash does not match its fields");
        } else if e.prev_hash != prev {
            report.problem(
                &place,
                "chain broken: prev_hash does not match the event before it",
            );
        }
        prev = e.hash.clone();
        expected = e.seq + 1;
    }
    let last = file.events.last().map_or(0, |e| e.seq);
    if last != audit.last_seq {
        report.problem(
            EVENTS,
            format!("ends at event {last}, the manifest says {}", audit.last_seq),
        );
    }
    if last > 0 && last == audit.head_seq && prev != audit.head_hash {
        report.problem(
            format!("audit event {last}"),
            "does not match the head recorded in the manifest",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_be_plain_relative_paths() {
        assert!(safe_name(Path::new("evidence/abc")));
        assert!(safe_name(Path::new("manifest.json")));
        assert!(!safe_name(Path::new("../x")));
        assert!(!safe_name(Path::new("a/../../x")));
        assert!(!safe_name(Path::new("/etc/passwd")));
        assert!(!safe_name(Path::new("./x")));
        assert!(!safe_name(Path::new("")));
    }
}
