//! Writing an audit bundle from the store: the records of a period, the audit-log
//! slice and the evidence files, with a signed manifest, in one `.tar.zst`.

use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::manifest::{
    BUNDLE_FORMAT, BundlePeriod, EVENTS, EventsFile, MANIFEST, Manifest, ManifestAudit,
    ManifestFile, SIGNATURE, SliceEvent, json,
};
use crate::audit::AuditEvent;
use crate::error::EvidenceProblem;
use crate::evidence::blob_path;
use crate::keys::KeyPair;
use crate::{
    Attestation, CriterionCounts, Evidence, Result, Run, RunInput, Store, StoreError, micros,
};

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

        let shas: BTreeSet<String> = evidence.iter().filter_map(|e| e.sha256.clone()).collect();
        // Evidence files: on disk beside a SQLite store, in the database of a team
        // server's (read into memory before the archive is written).
        let mut blobs = Vec::with_capacity(shas.len());
        for sha in &shas {
            let blob = if self.files_in_db {
                Blob::Bytes(self.file_content(sha).await?)
            } else if let Some(dir) = &self.evidence_dir {
                Blob::File(blob_path(dir, sha))
            } else {
                return Err(StoreError::NoEvidenceFolder {
                    url: self.url().to_owned(),
                });
            };
            blobs.push((sha.clone(), blob));
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
        let written = write_archive(&tmp, &records, &blobs, manifest_base, keys, mtime);
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

/// Where an evidence file's bytes come from.
enum Blob {
    /// A file in the evidence folder, checked against its SHA-256 as it is copied.
    File(PathBuf),
    /// Content read from the database, already checked.
    Bytes(Vec<u8>),
}

fn write_archive(
    tmp: &Path,
    records: &[(&str, Vec<u8>)],
    blobs: &[(String, Blob)],
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
    for (sha, blob) in blobs {
        let name = format!("evidence/{sha}");
        let src = match blob {
            Blob::Bytes(bytes) => {
                let mut h = header(bytes.len() as u64, mtime);
                tar.append_data(&mut h, &name, bytes.as_slice())
                    .map_err(io)?;
                manifest.files.push(ManifestFile {
                    path: name,
                    sha256: sha.clone(),
                    size: bytes.len() as u64,
                });
                continue;
            }
            Blob::File(src) => src,
        };
        let f = std::fs::File::open(src).map_err(|e| StoreError::io(src, e))?;
        let size = f.metadata().map_err(|e| StoreError::io(src, e))?.len();
        let mut reader = Hashing {
            inner: f.take(size),
            hasher: Sha256::new(),
            size: 0,
        };
        let mut h = header(size, mtime);
        tar.append_data(&mut h, &name, &mut reader)
            .map_err(|e| StoreError::io(src, e))?;
        let got = hex::encode(reader.hasher.finalize());
        if got != *sha || reader.size != size {
            return Err(StoreError::Evidence {
                path: src.clone(),
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
