//! `verify`: recompute the audit chain, compare every object with what its event
//! recorded, and re-hash every evidence file.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::audit::GENESIS;
use crate::evidence::blob_path;
use crate::{Result, Store, StoreError, attest, evidence, runs, sha256_hex, team, trust};

/// One thing that failed verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// What failed: `audit event 7`, `evidence 3`, `evidence file objects/ab/…`.
    pub place: String,
    /// What is wrong with it.
    pub message: String,
}

/// What `verify` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VerifyReport {
    /// Audit events checked.
    pub events: usize,
    /// Objects (runs, evidence, attestations, exceptions) compared with their events.
    pub objects: usize,
    /// Evidence files re-hashed.
    pub files: usize,
    /// Failures.
    pub problems: Vec<Problem>,
    /// Things worth knowing that are not failures (leftovers of interrupted adds).
    pub warnings: Vec<String>,
}

impl VerifyReport {
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

fn file_sha256(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(buf.get(..n).unwrap_or_default());
    }
    Ok(hex::encode(hasher.finalize()))
}

impl Store {
    /// Verifies the audit chain, every recorded object and every evidence file.
    pub async fn verify(&self) -> Result<VerifyReport> {
        let mut report = VerifyReport::default();
        let events = self.audit_events(None, None).await?;
        report.events = events.len();

        // 1. The chain.
        let mut expected = 1;
        let mut prev = GENESIS.to_owned();
        for e in &events {
            let place = format!("audit event {}", e.seq);
            if e.seq > expected {
                report.problem(
                    if e.seq - 1 == expected {
                        format!("audit event {expected}")
                    } else {
                        format!("audit events {expected}..{}", e.seq - 1)
                    },
                    "missing: removed from the log",
                );
            }
            if sha256_hex(e.payload.as_bytes()) != e.payload_sha256 {
                report.problem(&place, "altered: its payload does not match payload_sha256");
            }
            if e.computed_hash() != e.hash {
                report.problem(&place, "altered: its hash does not match its fields");
            } else if e.prev_hash != prev && e.seq == expected {
                report.problem(
                    &place,
                    "chain broken: prev_hash does not match the event before it (that event was altered or replaced)",
                );
            }
            prev = e.hash.clone();
            expected = e.seq + 1;
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_optional(self.pool())
            .await
            .map_err(|e| self.err(&e))?;
        if let Some(head) = head {
            let seq: i64 = head.try_get("seq").map_err(|e| self.err(&e))?;
            let hash: String = head.try_get("hash").map_err(|e| self.err(&e))?;
            let last = events.last().map_or(0, |e| e.seq);
            if seq > last {
                report.problem(
                    format!("audit events {}..{seq}", last + 1),
                    "missing: removed from the end of the log",
                );
            } else if seq < last {
                report.problem(
                    format!("audit event {last}"),
                    "added: the log goes past its recorded head",
                );
            } else if last > 0 && events.last().is_some_and(|e| e.hash != hash) {
                report.problem(
                    format!("audit event {last}"),
                    "altered: does not match the recorded head",
                );
            }
        } else {
            report.problem(
                "audit head",
                "missing: the row that records the last event was removed",
            );
        }

        // 2. Objects against what their events recorded.
        let mut recorded: HashMap<&str, (i64, &str)> = HashMap::new();
        for e in &events {
            recorded.insert(e.object.as_str(), (e.seq, e.payload.as_str()));
        }
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
        for (kind, table, key) in [
            ("run", "runs", "id"),
            ("evidence", "evidence", "id"),
            ("attestation", "attestations", "id"),
            ("exception", "exceptions", "id"),
            (
                "exception-revocation",
                "exception_revocations",
                "exception_id",
            ),
            ("user", "users", "id"),
            ("token", "api_tokens", "id"),
            ("trust-snapshot", "trust_snapshots", "id"),
            ("trust-document", "trust_documents", "id"),
            ("nda", "nda_versions", "version"),
            ("access-request", "access_requests", "id"),
        ] {
            let rows = sqlx::query(&format!("SELECT {key} AS id FROM {table} ORDER BY {key}"))
                .fetch_all(&mut *conn)
                .await
                .map_err(|e| self.err(&e))?;
            let mut ids = BTreeSet::new();
            for row in &rows {
                let id: i64 = row.try_get("id").map_err(|e| self.err(&e))?;
                ids.insert(id);
            }
            for &id in &ids {
                let object = format!("{kind} {id}");
                let payload = match kind {
                    "run" => runs::run_payload(self, &mut conn, id).await?,
                    "evidence" => evidence::evidence_payload(self, &mut conn, id).await?,
                    "attestation" => attest::attestation_payload(self, &mut conn, id).await?,
                    "exception" => attest::exception_payload(self, &mut conn, id).await?,
                    "exception-revocation" => {
                        attest::revocation_payload(self, &mut conn, id).await?
                    }
                    "user" => team::user_payload(self, &mut conn, id).await?,
                    "token" => team::token_payload(self, &mut conn, id).await?,
                    "trust-snapshot" => trust::snapshot_payload(self, &mut conn, id).await?,
                    "trust-document" => trust::document_payload(self, &mut conn, id).await?,
                    "nda" => trust::nda_payload(self, &mut conn, id).await?,
                    _ => trust::request_payload(self, &mut conn, id).await?,
                }
                .unwrap_or_default();
                report.objects += 1;
                match recorded.get(object.as_str()) {
                    None => report.problem(&object, "added: no audit event records it"),
                    Some((seq, p)) if *p != payload => report.problem(
                        &object,
                        format!("altered: differs from what audit event {seq} recorded"),
                    ),
                    Some(_) => {}
                }
            }
            for e in &events {
                if let Some(id) = e
                    .object
                    .strip_prefix(kind)
                    .and_then(|rest| rest.strip_prefix(' '))
                    .and_then(|n| n.parse::<i64>().ok())
                    && !ids.contains(&id)
                {
                    report.problem(
                        &e.object,
                        format!(
                            "removed: recorded by audit event {} but no longer in the store",
                            e.seq
                        ),
                    );
                }
            }
        }

        // 3. Current findings must equal the recorded history.
        let scopes = sqlx::query("SELECT scope, MAX(id) AS last FROM runs GROUP BY scope")
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| self.err(&e))?;
        let mut last_runs = Vec::new();
        for row in &scopes {
            let scope: String = row.try_get("scope").map_err(|e| self.err(&e))?;
            let last: i64 = row.try_get("last").map_err(|e| self.err(&e))?;
            last_runs.push((scope, last));
        }
        drop(conn);
        for (scope, last) in last_runs {
            let replayed = self.findings_at(last).await?;
            let rows: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT rule, address, outcome FROM current_findings WHERE scope = $1",
            )
            .bind(scope.as_str())
            .fetch_all(self.pool())
            .await
            .map_err(|e| self.err(&e))?;
            let current: BTreeMap<_, _> = rows
                .into_iter()
                .map(|(rule, address, outcome)| ((rule, address), outcome))
                .collect();
            let replayed: BTreeMap<_, _> = replayed
                .into_iter()
                .map(|f| ((f.rule, f.address), f.outcome))
                .collect();
            if replayed != current {
                report.problem(
                    format!("current findings of scope {scope}"),
                    "altered: they differ from the recorded history of changes",
                );
            }
        }

        // 3b. The investigation-request register against its events.
        report
            .problems
            .extend(self.verify_inquiries().await?.into_iter().map(|p| Problem {
                place: p.place,
                message: p.message,
            }));

        // 4. Evidence files.
        self.verify_files(&mut report).await?;
        Ok(report)
    }

    async fn verify_files(&self, report: &mut VerifyReport) -> Result<()> {
        let rows = sqlx::query("SELECT DISTINCT sha256 FROM evidence WHERE sha256 IS NOT NULL")
            .fetch_all(self.pool())
            .await
            .map_err(|e| self.err(&e))?;
        let mut referenced = BTreeSet::new();
        for r in &rows {
            let sha: String = r.try_get("sha256").map_err(|e| self.err(&e))?;
            referenced.insert(sha);
        }
        let pending_rows = sqlx::query("SELECT sha256 FROM pending_blobs")
            .fetch_all(self.pool())
            .await
            .map_err(|e| self.err(&e))?;
        let mut pending = BTreeSet::new();
        for r in &pending_rows {
            let sha: String = r.try_get("sha256").map_err(|e| self.err(&e))?;
            pending.insert(sha);
        }
        // Files kept in the database (a shared store's evidence, published documents).
        let in_db = sqlx::query("SELECT DISTINCT sha256 FROM blob_chunks")
            .fetch_all(self.pool())
            .await
            .map_err(|e| self.err(&e))?;
        let mut db_files = BTreeSet::new();
        for r in &in_db {
            let sha: String = r.try_get("sha256").map_err(|e| self.err(&e))?;
            db_files.insert(sha);
        }
        let documents = sqlx::query("SELECT DISTINCT sha256 FROM trust_documents")
            .fetch_all(self.pool())
            .await
            .map_err(|e| self.err(&e))?;
        let mut documents_referenced = BTreeSet::new();
        for r in &documents {
            let sha: String = r.try_get("sha256").map_err(|e| self.err(&e))?;
            documents_referenced.insert(sha);
        }
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
        for sha in &db_files {
            let place = format!("database file {sha}");
            match crate::blobs::get(self, &mut conn, sha).await {
                Ok(_) => report.files += 1,
                Err(StoreError::Evidence { .. }) => {
                    report.files += 1;
                    report.problem(&place, "altered: its content does not hash to its name");
                }
                Err(e) => return Err(e),
            }
            if !referenced.contains(sha) && !documents_referenced.contains(sha) {
                report.problem(place, "added: no evidence or document refers to it");
            }
        }
        drop(conn);
        for sha in documents_referenced.difference(&db_files) {
            report.problem(
                format!("document file {sha}"),
                "removed: the file is missing from the database",
            );
        }
        let on_disk: BTreeSet<String> = referenced.difference(&db_files).cloned().collect();
        let Some(dir) = self.evidence_dir.as_deref() else {
            if !on_disk.is_empty() {
                report.problem(
                    "evidence files",
                    format!(
                        "{} files not checked: not in the database, and this store has no evidence folder here",
                        on_disk.len()
                    ),
                );
            }
            return Ok(());
        };
        for sha in &on_disk {
            let path = blob_path(dir, sha);
            let place = format!("evidence file {}", path.display());
            match file_sha256(&path) {
                Ok(actual) if actual == *sha => report.files += 1,
                Ok(actual) => {
                    report.files += 1;
                    report.problem(
                        place,
                        format!("altered: its SHA-256 is {actual}, recorded {sha}"),
                    );
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    report.problem(place, "removed: the file is missing");
                }
                Err(e) => report.problem(place, format!("cannot read: {e}")),
            }
        }
        let objects = dir.join("objects");
        let mut found = Vec::new();
        if objects.is_dir() {
            walk(&objects, &mut found).map_err(|e| StoreError::io(&objects, e))?;
        }
        for path in found {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if referenced.contains(&name) && path == blob_path(dir, &name) {
                continue;
            }
            if pending.contains(&name) && path == blob_path(dir, &name) {
                report.warnings.push(format!(
                    "{}: left by an interrupted `evidence add` (no evidence refers to it)",
                    path.display()
                ));
                continue;
            }
            report.problem(
                format!("evidence file {}", path.display()),
                "added: no evidence refers to this file",
            );
        }
        let tmp = dir.join("tmp");
        if let Ok(entries) = std::fs::read_dir(&tmp) {
            let count = entries.count();
            if count > 0 {
                report.warnings.push(format!(
                    "{}: {count} temporary file(s) of interrupted adds; they may be deleted",
                    tmp.display()
                ));
            }
        }
        Ok(())
    }
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}
