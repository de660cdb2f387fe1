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

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::{Component, Path};

use chrono::NaiveDate;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::audit::AuditEvent;
use crate::error::EvidenceProblem;
use crate::evidence::blob_path;
use crate::keys::KeyPair;
use crate::verify::Problem;
use crate::{
    Attestation, CriterionCounts, Evidence, Result, Run, RunInput, Store, StoreError, micros,
};

/// The format named in every manifest.
pub const BUNDLE_FORMAT: &str = "testat-bundle-v1";
/// Name of the manifest inside the archive.
pub const MANIFEST: &str = "manifest.json";
/// Name of the signature inside the archive.
pub const SIGNATURE: &str = "manifest.sig";
const EVENTS: &str = "audit/events.json";

/// The period of a bundle: whole days, both included (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundlePeriod {
    /// First day.
    pub from: NaiveDate,
    /// Last day, included.
    pub to: NaiveDate,
}

impl BundlePeriod {
    fn bounds(self) -> (i64, i64) {
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

/// A run with its inputs and criteria summaries, as `records/runs.json` holds it.
#[derive(Debug, Clone, Serialize)]
pub struct BundledRun {
    /// The run.
    pub run: Run,
    /// Its inputs.
    pub inputs: Vec<RunInput>,
    /// Its per-criterion counts.
    pub criteria: Vec<CriterionCounts>,
}

/// The audit-log slice, as `audit/events.json` holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct EventsFile {
    prev_hash: String,
    events: Vec<SliceEvent>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SliceEvent {
    seq: i64,
    at: i64,
    actor: String,
    action: String,
    object: String,
    payload: String,
    payload_sha256: String,
    prev_hash: String,
    hash: String,
}

impl From<&AuditEvent> for SliceEvent {
    fn from(e: &AuditEvent) -> Self {
        Self {
            seq: e.seq,
            at: e.at,
            actor: e.actor.clone(),
            action: e.action.clone(),
            object: e.object.clone(),
            payload: e.payload.clone(),
            payload_sha256: e.payload_sha256.clone(),
            prev_hash: e.prev_hash.clone(),
            hash: e.hash.clone(),
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ExportSummary {
    /// Runs in the bundle.
    pub runs: usize,
    /// Evidence records.
    pub evidence: usize,
    /// Evidence files.
    pub files: usize,
    /// Attestations.
    pub attestations: usize,
    /// Exceptions.
    pub exceptions: usize,
    /// Audit events in the slice.
    pub events: usize,
    /// The public key that signed it (hex).
    pub public_key: String,
}

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

fn json<T: Serialize>(what: &str, value: &T) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| StoreError::encode(what, &e))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Reads and hashes at once.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    size: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(buf.get(..n).unwrap_or_default());
        self.size += n as u64;
        Ok(n)
    }
}

fn header(size: u64, mtime: u64) -> tar::Header {
    let mut h = tar::Header::new_ustar();
    h.set_size(size);
    h.set_mode(0o644);
    h.set_mtime(mtime);
    h.set_entry_type(tar::EntryType::Regular);
    h
}

impl Store {
    /// Writes an audit bundle of `period` to `out` (refusing to overwrite), signed with
    /// `keys`. The archive is written beside `out` and renamed into place when whole.
    pub async fn export_bundle(
        &self,
        period: BundlePeriod,
        keys: &KeyPair,
        tool_version: &str,
        stamp: &crate::Stamp,
        out: &Path,
    ) -> Result<ExportSummary> {
        if period.to < period.from {
            return Err(StoreError::Period {
                from: period.from,
                to: period.to,
            });
        }
        if out.exists() {
            return Err(StoreError::Exists {
                path: out.to_owned(),
            });
        }
        let (start, end) = period.bounds();
        let in_period = |us: i64| us >= start && us < end;

        // The head first: the slice never goes past it.
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(self.pool())
            .await
            .map_err(|e| self.err(&e))?;
        let head_seq: i64 = head.try_get("seq").map_err(|e| self.err(&e))?;
        let head_hash: String = head.try_get("hash").map_err(|e| self.err(&e))?;
        let all_events = self.audit_events(None, None).await?;
        let all_events: Vec<&AuditEvent> =
            all_events.iter().filter(|e| e.seq <= head_seq).collect();
        // A contiguous range of seqs: from the first event in the period to the last,
        // so the chain can be checked even if a clock went backwards in between.
        let first = all_events.iter().position(|e| in_period(e.at));
        let last = all_events.iter().rposition(|e| in_period(e.at));
        let slice: Vec<SliceEvent> = match (first, last) {
            (Some(a), Some(b)) => all_events
                .get(a..=b)
                .unwrap_or_default()
                .iter()
                .map(|e| SliceEvent::from(*e))
                .collect(),
            _ => Vec::new(),
        };
        let events_file = EventsFile {
            prev_hash: slice
                .first()
                .map_or_else(|| head_hash.clone(), |e| e.prev_hash.clone()),
            events: slice,
        };

        let mut runs = Vec::new();
        for run in self.runs().await? {
            if in_period(micros(run.started_at)) {
                let inputs = self.run_inputs(run.id).await?;
                let criteria = self.run_criteria(run.id).await?;
                runs.push(BundledRun {
                    run,
                    inputs,
                    criteria,
                });
            }
        }
        let evidence: Vec<Evidence> = self
            .evidence(None)
            .await?
            .into_iter()
            .filter(|e| {
                let covers = e.effective.is_some_and(|eff| {
                    eff <= period.to && e.valid_until.is_none_or(|v| v >= period.from)
                });
                in_period(micros(e.added_at)) || covers
            })
            .collect();
        let mut in_force: HashMap<String, Attestation> = HashMap::new();
        let mut attestations = Vec::new();
        for a in self.attestations(None).await? {
            let at = micros(a.attested_at);
            if at < start {
                in_force.insert(a.criterion.clone(), a);
            } else if at < end {
                attestations.push(a);
            }
        }
        let mut before: Vec<Attestation> = in_force.into_values().collect();
        before.append(&mut attestations);
        before.sort_by_key(|a| a.id);
        let attestations = before;
        let exceptions: Vec<_> = self
            .exceptions()
            .await?
            .into_iter()
            .filter(|x| micros(x.added_at) < end && x.exception.expires >= period.from)
            .collect();

        let dir = self.evidence_dir.clone();
        let shas: BTreeSet<String> = evidence.iter().filter_map(|e| e.sha256.clone()).collect();
        if !shas.is_empty() && dir.is_none() {
            return Err(StoreError::NoEvidenceFolder {
                url: self.url().to_owned(),
            });
        }

        let summary = ExportSummary {
            runs: runs.len(),
            evidence: evidence.len(),
            files: shas.len(),
            attestations: attestations.len(),
            exceptions: exceptions.len(),
            events: events_file.events.len(),
            public_key: keys.public_hex(),
        };
        let records: Vec<(&str, Vec<u8>)> = vec![
            ("records/runs.json", json("runs", &runs)?),
            ("records/evidence.json", json("evidence", &evidence)?),
            (
                "records/attestations.json",
                json("attestations", &attestations)?,
            ),
            ("records/exceptions.json", json("exceptions", &exceptions)?),
            (EVENTS, json("audit events", &events_file)?),
        ];
        let audit = ManifestAudit {
            head_seq,
            head_hash,
            first_seq: events_file.events.first().map_or(0, |e| e.seq),
            last_seq: events_file.events.last().map_or(0, |e| e.seq),
            prev_hash: events_file.prev_hash.clone(),
        };
        let mtime = u64::try_from(stamp.at.timestamp()).unwrap_or(0);
        let manifest_base = Manifest {
            format: BUNDLE_FORMAT.into(),
            tool_version: tool_version.into(),
            period,
            exported_at: stamp.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            exported_by: stamp.actor.clone(),
            public_key: keys.public_hex(),
            audit,
            files: Vec::new(),
        };

        let tmp = out.with_file_name(format!(
            ".{}.partial-{}",
            out.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        let written = write_archive(
            &tmp,
            &records,
            dir.as_deref(),
            &shas,
            manifest_base,
            keys,
            mtime,
        );
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        // Never replace a file that appeared meanwhile.
        if let Err(e) = std::fs::hard_link(&tmp, out) {
            let _ = std::fs::remove_file(&tmp);
            return Err(StoreError::io(out, e));
        }
        let _ = std::fs::remove_file(&tmp);
        Ok(summary)
    }
}

fn write_archive(
    tmp: &Path,
    records: &[(&str, Vec<u8>)],
    dir: Option<&Path>,
    shas: &BTreeSet<String>,
    mut manifest: Manifest,
    keys: &KeyPair,
    mtime: u64,
) -> Result<()> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)
        .map_err(|e| StoreError::io(tmp, e))?;
    let io = |e: std::io::Error| StoreError::io(tmp, e);
    let encoder = zstd::Encoder::new(file, 3).map_err(io)?;
    let mut tar = tar::Builder::new(encoder);
    for (path, bytes) in records {
        let mut h = header(bytes.len() as u64, mtime);
        tar.append_data(&mut h, path, bytes.as_slice())
            .map_err(io)?;
        manifest.files.push(ManifestFile {
            path: (*path).to_owned(),
            sha256: hex::encode(Sha256::digest(bytes)),
            size: bytes.len() as u64,
        });
    }
    if let Some(dir) = dir {
        for sha in shas {
            let src = blob_path(dir, sha);
            let f = std::fs::File::open(&src).map_err(|e| StoreError::io(&src, e))?;
            let size = f.metadata().map_err(|e| StoreError::io(&src, e))?.len();
            let mut reader = Hashing {
                inner: f.take(size),
                hasher: Sha256::new(),
                size: 0,
            };
            let name = format!("evidence/{sha}");
            let mut h = header(size, mtime);
            tar.append_data(&mut h, &name, &mut reader)
                .map_err(|e| StoreError::io(&src, e))?;
            let got = hex::encode(reader.hasher.finalize());
            if got != *sha || reader.size != size {
                return Err(StoreError::Evidence {
                    path: src,
                    problem: EvidenceProblem::Altered {
                        sha256: sha.clone(),
                    },
                });
            }
            manifest.files.push(ManifestFile {
                path: name,
                sha256: got,
                size,
            });
        }
    }
    let manifest_bytes = json("the manifest", &manifest)?;
    let signature = format!("{}\n", keys.sign_hex(&manifest_bytes));
    let mut h = header(manifest_bytes.len() as u64, mtime);
    tar.append_data(&mut h, MANIFEST, manifest_bytes.as_slice())
        .map_err(io)?;
    let mut h = header(signature.len() as u64, mtime);
    tar.append_data(&mut h, SIGNATURE, signature.as_bytes())
        .map_err(io)?;
    let encoder = tar.into_inner().map_err(io)?;
    let file = encoder.finish().map_err(io)?;
    file.sync_all().map_err(io)?;
    Ok(())
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
