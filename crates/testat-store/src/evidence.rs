//! Evidence: files (stored content-addressed by SHA-256), URLs and notes, each tied
//! to criteria, with the period it covers separate from when it was added.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use testat_records::{Evidence, EvidenceKind};

use crate::decode;
use crate::error::EvidenceProblem;
use crate::{Result, Stamp, Store, StoreError, audit, micros, next_id};

/// Evidence to add.
#[derive(Debug, Clone, Default)]
pub struct NewEvidence {
    /// A file to store.
    pub file: Option<PathBuf>,
    /// A link.
    pub url: Option<String>,
    /// A note (alone, or describing the file or link).
    pub note: Option<String>,
    /// Criterion IDs, already checked against the catalogue.
    pub criteria: Vec<String>,
    /// The day the evidence speaks for (the period it covers starts here).
    pub effective: Option<NaiveDate>,
    /// The last day it is valid.
    pub valid_until: Option<NaiveDate>,
}

/// Evidence as stored: the columns as they are (and its criteria), for audit payloads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub(crate) struct EvidenceRow {
    pub(crate) id: i64,
    kind: String,
    pub(crate) sha256: Option<String>,
    name: Option<String>,
    size: Option<i64>,
    media_type: Option<String>,
    url: Option<String>,
    note: Option<String>,
    effective: Option<String>,
    valid_until: Option<String>,
    #[sqlx(skip)]
    criteria: Vec<String>,
    added_by: String,
    added_at: i64,
}

impl EvidenceRow {
    pub(crate) fn typed(self) -> Result<Evidence> {
        let record = format!("evidence {}", self.id);
        Ok(Evidence {
            id: self.id,
            kind: decode::word(&record, "kind", &self.kind, "an evidence kind")?,
            sha256: self.sha256,
            name: self.name,
            size: self.size,
            media_type: self.media_type,
            url: self.url,
            note: self.note,
            effective: decode::opt_date(&record, "effective", self.effective.as_deref())?,
            valid_until: decode::opt_date(&record, "valid_until", self.valid_until.as_deref())?,
            criteria: self.criteria,
            added_by: self.added_by,
            added_at: decode::time(&record, "added_at", self.added_at)?,
        })
    }
}

/// A file name safe to write anywhere: the last path component only, no control
/// characters, separators or leading dots, at most 200 characters.
pub fn sanitise_name(name: &str) -> String {
    let last = name
        .rsplit(['/', '\\'])
        .find(|part| !part.is_empty())
        .unwrap_or_default();
    let cleaned: String = last
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "evidence".to_owned()
    } else {
        cleaned
    }
}

fn media_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "json" => "application/json",
        "xml" => "application/xml",
        "zip" => "application/zip",
        "txt" | "log" => "text/plain",
        "md" => "text/markdown",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "yaml" | "yml" => "application/yaml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ => "application/octet-stream",
    }
}

/// The path of a blob in the evidence folder.
pub(crate) fn blob_path(dir: &Path, sha256: &str) -> PathBuf {
    let prefix = sha256.get(..2).unwrap_or("xx");
    dir.join("objects").join(prefix).join(sha256)
}

/// Copies `src` into a temporary file under `dir/tmp`, hashing as it goes, and
/// checks the file did not change meanwhile. Returns (temp path, sha256, size).
fn copy_to_temp(src: &Path, dir: &Path, max: u64) -> Result<(PathBuf, String, u64)> {
    let before = std::fs::metadata(src).map_err(|e| StoreError::io(src, e))?;
    if !before.is_file() {
        return Err(StoreError::Evidence {
            path: src.to_owned(),
            problem: EvidenceProblem::NotAFile,
        });
    }
    if before.len() > max {
        return Err(StoreError::Evidence {
            path: src.to_owned(),
            problem: EvidenceProblem::TooLarge {
                size: before.len(),
                max,
            },
        });
    }
    let tmp_dir = dir.join("tmp");
    std::fs::create_dir_all(&tmp_dir).map_err(|e| StoreError::io(&tmp_dir, e))?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let tmp = tmp_dir.join(format!("add-{}-{nanos}", std::process::id()));
    let result = (|| {
        let mut input = File::open(src).map_err(|e| StoreError::io(src, e))?;
        let mut output = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| StoreError::io(&tmp, e))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        let mut copied: u64 = 0;
        loop {
            let n = input.read(&mut buf).map_err(|e| StoreError::io(src, e))?;
            if n == 0 {
                break;
            }
            let chunk = buf.get(..n).unwrap_or_default();
            hasher.update(chunk);
            output
                .write_all(chunk)
                .map_err(|e| StoreError::io(&tmp, e))?;
            copied += n as u64;
            if copied > max {
                return Err(StoreError::Evidence {
                    path: src.to_owned(),
                    problem: EvidenceProblem::GrewTooLarge { max },
                });
            }
        }
        output.sync_all().map_err(|e| StoreError::io(&tmp, e))?;
        let after = std::fs::metadata(src).map_err(|e| StoreError::Evidence {
            path: src.to_owned(),
            problem: EvidenceProblem::Vanished {
                reason: e.to_string(),
            },
        })?;
        if after.len() != before.len()
            || copied != before.len()
            || after.modified().ok() != before.modified().ok()
        {
            return Err(StoreError::Evidence {
                path: src.to_owned(),
                problem: EvidenceProblem::Changed,
            });
        }
        Ok((hex::encode(hasher.finalize()), copied))
    })();
    match result {
        Ok((sha, size)) => Ok((tmp, sha, size)),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

fn sync_dir(dir: &Path) {
    // Durability of the rename; best effort where directories cannot be opened.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

fn date(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

impl Store {
    fn evidence_dir(&self) -> Result<&Path> {
        self.evidence_dir
            .as_deref()
            .ok_or_else(|| StoreError::NoEvidenceFolder {
                url: self.url().to_owned(),
            })
    }

    /// Copies `src` into the evidence folder by its SHA-256, durably, noting it as
    /// pending first. Returns the SHA-256 and the size.
    async fn place_on_disk(&self, src: &Path, stamp: &Stamp) -> Result<(String, u64)> {
        let dir = self.evidence_dir()?.to_owned();
        let (tmp, sha, size) = copy_to_temp(src, &dir, self.max_evidence_size)?;
        // Note the blob as pending first: a blob left by an interrupted add is then
        // known as such, not mistaken for a file placed by hand.
        let placed = async {
            let mut tx = self.begin_write().await?;
            sqlx::query("INSERT INTO pending_blobs (sha256, started_at) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING")
                .bind(sha.as_str())
                .bind(micros(stamp.at))
                .execute(&mut *tx)
                .await
                .map_err(|e| self.err(&e))?;
            self.commit(tx).await?;
            let dest = blob_path(&dir, &sha);
            if dest.is_file() {
                let _ = std::fs::remove_file(&tmp);
            } else {
                let parent = dest.parent().unwrap_or(&dir).to_owned();
                std::fs::create_dir_all(&parent).map_err(|e| StoreError::io(&parent, e))?;
                std::fs::rename(&tmp, &dest).map_err(|e| StoreError::io(&dest, e))?;
                sync_dir(&parent);
            }
            Ok::<(), StoreError>(())
        }
        .await;
        if let Err(e) = placed {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        Ok((sha, size))
    }

    /// Adds evidence: stores the file (if any) durably first, then its record, the
    /// criteria and an audit event in one transaction. Returns the evidence ID.
    pub async fn add_evidence(&self, new: &NewEvidence, stamp: &Stamp) -> Result<i64> {
        if new.criteria.is_empty() {
            return Err(StoreError::Incomplete {
                record: "evidence",
                needs: "at least one criterion",
            });
        }
        let kind = match (&new.file, &new.url, &new.note) {
            (Some(_), Some(_), _) => {
                return Err(StoreError::FileAndLink);
            }
            (Some(_), None, _) => EvidenceKind::File,
            (None, Some(_), _) => EvidenceKind::Url,
            (None, None, Some(_)) => EvidenceKind::Note,
            (None, None, None) => {
                return Err(StoreError::NoEvidence);
            }
        };
        let mut blob: Option<(String, i64, String)> = None;
        let mut in_db: Option<Vec<Vec<u8>>> = None;
        if let Some(src) = &new.file {
            let name = sanitise_name(&src.to_string_lossy());
            if self.files_in_db {
                let (chunks, sha, size) = read_file_chunks(src, self.max_evidence_size)?;
                blob = Some((sha, i64::try_from(size).unwrap_or(i64::MAX), name));
                in_db = Some(chunks);
            } else {
                let sha_size = self.place_on_disk(src, stamp).await?;
                blob = Some((
                    sha_size.0,
                    i64::try_from(sha_size.1).unwrap_or(i64::MAX),
                    name,
                ));
            }
        }

        let mut tx = self.begin_write().await?;
        let id = next_id(self, &mut tx, "evidence", "id").await?;
        if let (Some((sha, _, _)), Some(chunks)) = (&blob, &in_db) {
            crate::blobs::put(self, &mut tx, sha, chunks).await?;
        }
        if let Some((sha, size, _)) = &blob {
            sqlx::query("INSERT INTO blobs (sha256, size, stored_at) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING")
                .bind(sha.as_str())
                .bind(*size)
                .bind(micros(stamp.at))
                .execute(&mut *tx)
                .await
                .map_err(|e| self.err(&e))?;
            sqlx::query("DELETE FROM pending_blobs WHERE sha256 = $1")
                .bind(sha.as_str())
                .execute(&mut *tx)
                .await
                .map_err(|e| self.err(&e))?;
        }
        sqlx::query(
            "INSERT INTO evidence (id, kind, sha256, name, size, media_type, url, note, effective, valid_until, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(id)
        .bind(kind.as_str())
        .bind(blob.as_ref().map(|b| b.0.clone()))
        .bind(blob.as_ref().map(|b| b.2.clone()))
        .bind(blob.as_ref().map(|b| b.1))
        .bind(blob.as_ref().map(|b| media_type(&b.2).to_owned()))
        .bind(new.url.clone())
        .bind(new.note.clone())
        .bind(date(new.effective))
        .bind(date(new.valid_until))
        .bind(stamp.actor.as_str())
        .bind(micros(stamp.at))
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(&e))?;
        let mut criteria = new.criteria.clone();
        criteria.sort();
        criteria.dedup();
        for criterion in &criteria {
            sqlx::query("INSERT INTO evidence_criteria (evidence_id, criterion) VALUES ($1, $2)")
                .bind(id)
                .bind(criterion.as_str())
                .execute(&mut *tx)
                .await
                .map_err(|e| self.err(&e))?;
        }
        let payload = evidence_payload(self, &mut tx, id).await?;
        audit::append_and_commit(
            self,
            tx,
            stamp,
            "evidence.add",
            &format!("evidence {id}"),
            payload,
        )
        .await?;
        Ok(id)
    }

    /// Every piece of evidence, oldest first; only those for `criterion` when given.
    pub async fn evidence(&self, criterion: Option<&str>) -> Result<Vec<Evidence>> {
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
        select_evidence(self, &mut conn, None)
            .await?
            .into_iter()
            .filter(|e| criterion.is_none_or(|c| e.criteria.iter().any(|x| x == c)))
            .map(EvidenceRow::typed)
            .collect()
    }

    /// One piece of evidence.
    pub async fn evidence_by_id(&self, id: i64) -> Result<Evidence> {
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
        select_evidence(self, &mut conn, Some(id))
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::Missing {
                kind: "evidence",
                id,
            })?
            .typed()
    }

    /// Copies the file of evidence `id` into `to_dir` under its sanitised name,
    /// checking its hash on the way; refuses to overwrite. Returns the new path.
    pub async fn export_evidence(&self, id: i64, to_dir: &Path) -> Result<PathBuf> {
        let evidence = self.evidence_by_id(id).await?;
        let (Some(sha), Some(name)) = (&evidence.sha256, &evidence.name) else {
            return Err(StoreError::NotAFile {
                id,
                kind: evidence.kind,
            });
        };
        let content = self.file_content(sha).await?;
        let dest = to_dir.join(sanitise_name(name));
        let mut output = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&dest)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    StoreError::Exists { path: dest.clone() }
                } else {
                    StoreError::io(&dest, e)
                }
            })?;
        let written = output.write_all(&content).and_then(|()| output.sync_all());
        if let Err(e) = written {
            drop(output);
            let _ = std::fs::remove_file(&dest);
            return Err(StoreError::io(&dest, e));
        }
        Ok(dest)
    }
}

pub(crate) async fn select_evidence(
    store: &Store,
    conn: &mut AnyConnection,
    id: Option<i64>,
) -> Result<Vec<EvidenceRow>> {
    let sql = format!(
        "SELECT id, kind, sha256, name, size, media_type, url, note, effective, valid_until, added_by, added_at FROM evidence {} ORDER BY id",
        if id.is_some() { "WHERE id = $1" } else { "" }
    );
    let mut query = sqlx::query_as(&sql);
    if let Some(id) = id {
        query = query.bind(id);
    }
    let mut out: Vec<EvidenceRow> = query
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| store.err(&e))?;
    let sql = format!(
        "SELECT evidence_id, criterion FROM evidence_criteria {}",
        if id.is_some() {
            "WHERE evidence_id = $1"
        } else {
            ""
        }
    );
    let mut query = sqlx::query_as(&sql);
    if let Some(id) = id {
        query = query.bind(id);
    }
    let rows: Vec<(i64, String)> = query
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| store.err(&e))?;
    let mut by_id: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    for (eid, criterion) in rows {
        by_id.entry(eid).or_default().push(criterion);
    }
    for e in &mut out {
        if let Some(mut c) = by_id.remove(&e.id) {
            c.sort();
            e.criteria = c;
        }
    }
    Ok(out)
}

/// Reads a file for the database: chunks, SHA-256 and size, within the size limit.
fn read_file_chunks(src: &Path, max: u64) -> Result<crate::blobs::Chunked> {
    let meta = std::fs::metadata(src).map_err(|e| StoreError::io(src, e))?;
    if !meta.is_file() {
        return Err(StoreError::Evidence {
            path: src.to_owned(),
            problem: EvidenceProblem::NotAFile,
        });
    }
    if meta.len() > max {
        return Err(StoreError::Evidence {
            path: src.to_owned(),
            problem: EvidenceProblem::TooLarge {
                size: meta.len(),
                max,
            },
        });
    }
    let mut file = File::open(src).map_err(|e| StoreError::io(src, e))?;
    crate::blobs::read_chunks(&mut file, max)
        .map_err(|e| StoreError::io(src, e))?
        .ok_or_else(|| StoreError::Evidence {
            path: src.to_owned(),
            problem: EvidenceProblem::GrewTooLarge { max },
        })
}

/// The canonical JSON of evidence `id`, or `None` when it does not exist.
pub(crate) async fn evidence_payload(
    store: &Store,
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<String>> {
    let Some(e) = select_evidence(store, conn, Some(id))
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    serde_json::to_string(&e)
        .map(Some)
        .map_err(|err| StoreError::encode(format!("evidence {id}"), &err))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sanitised() {
        assert_eq!(sanitise_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitise_name("/abs/report.pdf"), "report.pdf");
        assert_eq!(sanitise_name("C:\\x\\a.txt"), "a.txt");
        assert_eq!(sanitise_name("bad\u{1b}[31mname"), "bad_[31mname");
        assert_eq!(sanitise_name(".."), "evidence");
        assert_eq!(sanitise_name(".hidden"), "hidden");
        assert_eq!(sanitise_name(""), "evidence");
        assert_eq!(media_type("a.PDF"), "application/pdf");
    }
}
