//! What the public trust page shows: snapshots an admin published, the documents it
//! offers (public, or gated behind an NDA), the NDA text, outsiders' requests for gated
//! documents and their approval with a time-limited link, and every download. Each of
//! these is in the audit log.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::decode;
use crate::{Result, Stamp, Store, StoreError, audit, micros, next_id};

/// A published snapshot of the trust page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustSnapshot {
    /// Its ID (the newest is shown).
    pub id: i64,
    /// The frozen content (JSON, the server's shape).
    pub content: String,
    /// Who published it.
    pub published_by: String,
    /// When.
    #[serde(with = "testat_records::micros")]
    pub published_at: DateTime<Utc>,
}

/// A document offered on the trust page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustDocument {
    /// Its ID.
    pub id: i64,
    /// What people see.
    pub title: String,
    /// The file name, sanitised.
    pub name: String,
    /// Media type.
    pub media_type: String,
    /// SHA-256 of the content.
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
    /// Whether it needs an approved request (with NDA) to download.
    pub gated: bool,
    /// Who added it.
    pub added_by: String,
    /// When.
    #[serde(with = "testat_records::micros")]
    pub added_at: DateTime<Utc>,
    /// When it was withdrawn, if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn_at: Option<DateTime<Utc>>,
}

/// An outsider's request for a gated document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessRequest {
    /// Its ID.
    pub id: i64,
    /// The document.
    pub document_id: i64,
    /// The requester's name.
    pub name: String,
    /// Their e-mail address.
    pub email: String,
    /// Their company.
    pub company: String,
    /// The NDA version they accepted.
    pub nda_version: i64,
    /// When they accepted it.
    #[serde(with = "testat_records::micros")]
    pub accepted_at: DateTime<Utc>,
    /// The network address the request came from.
    pub address: String,
    /// `approved` or `denied`, once decided.
    pub decision: Option<String>,
    /// Who decided.
    pub decided_by: Option<String>,
    /// When the link stops working (approved requests).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_expires_at: Option<DateTime<Utc>>,
}

/// A request for a gated document, as an outsider fills it in.
#[derive(Debug, Clone)]
pub struct NewAccessRequest {
    /// The document.
    pub document_id: i64,
    /// The requester's name.
    pub name: String,
    /// Their e-mail address.
    pub email: String,
    /// Their company.
    pub company: String,
    /// The NDA version shown to them and accepted.
    pub nda_version: i64,
    /// Their network address.
    pub address: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
struct SnapshotRow {
    id: i64,
    content: String,
    published_by: String,
    published_at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
struct DocumentRow {
    id: i64,
    title: String,
    name: String,
    media_type: String,
    sha256: String,
    size: i64,
    gated: i64,
    added_by: String,
    added_at: i64,
    withdrawn_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
struct NdaRow {
    version: i64,
    text: String,
    set_by: String,
    set_at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
struct RequestRow {
    id: i64,
    document_id: i64,
    name: String,
    email: String,
    company: String,
    nda_version: i64,
    accepted_at: i64,
    address: String,
    decision: Option<String>,
    decided_by: Option<String>,
    decided_at: Option<i64>,
    link_sha256: Option<String>,
    link_expires_at: Option<i64>,
}

const DOCUMENT_COLUMNS: &str =
    "id, title, name, media_type, sha256, size, gated, added_by, added_at, withdrawn_at";
const REQUEST_COLUMNS: &str = "id, document_id, name, email, company, nda_version, accepted_at, address, decision, decided_by, decided_at, link_sha256, link_expires_at";

impl SnapshotRow {
    fn typed(self) -> Result<TrustSnapshot> {
        let record = format!("trust-snapshot {}", self.id);
        Ok(TrustSnapshot {
            id: self.id,
            published_at: decode::time(&record, "published_at", self.published_at)?,
            content: self.content,
            published_by: self.published_by,
        })
    }
}

impl DocumentRow {
    fn typed(self) -> Result<TrustDocument> {
        let record = format!("trust-document {}", self.id);
        Ok(TrustDocument {
            id: self.id,
            added_at: decode::time(&record, "added_at", self.added_at)?,
            withdrawn_at: self
                .withdrawn_at
                .map(|t| decode::time(&record, "withdrawn_at", t))
                .transpose()?,
            title: self.title,
            name: self.name,
            media_type: self.media_type,
            sha256: self.sha256,
            size: self.size,
            gated: self.gated != 0,
            added_by: self.added_by,
        })
    }
}

impl RequestRow {
    fn typed(self) -> Result<AccessRequest> {
        let record = format!("access-request {}", self.id);
        Ok(AccessRequest {
            id: self.id,
            accepted_at: decode::time(&record, "accepted_at", self.accepted_at)?,
            link_expires_at: self
                .link_expires_at
                .map(|t| decode::time(&record, "link_expires_at", t))
                .transpose()?,
            document_id: self.document_id,
            name: self.name,
            email: self.email,
            company: self.company,
            nda_version: self.nda_version,
            address: self.address,
            decision: self.decision,
            decided_by: self.decided_by,
        })
    }
}

fn encode<T: Serialize>(value: &T, what: String) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::encode(what, &e))
}

impl Store {
    /// Publishes a snapshot of the trust page (`content` is the server's JSON).
    pub async fn publish_snapshot(&self, content: &str, stamp: &Stamp) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id = next_id(self, &mut tx, "trust_snapshots", "id").await?;
        sqlx::query(
            "INSERT INTO trust_snapshots (id, content, published_by, published_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(content)
        .bind(stamp.actor.as_str())
        .bind(micros(stamp.at))
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(&e))?;
        let payload = snapshot_payload(self, &mut tx, id).await?;
        audit::append_and_commit(
            self,
            tx,
            stamp,
            "trust.publish",
            &format!("trust-snapshot {id}"),
            payload,
        )
        .await?;
        Ok(id)
    }

    /// The newest published snapshot, if any.
    pub async fn latest_snapshot(&self) -> Result<Option<TrustSnapshot>> {
        let row: Option<SnapshotRow> = sqlx::query_as(
            "SELECT id, content, published_by, published_at FROM trust_snapshots ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(self.pool())
        .await
        .map_err(|e| self.err(&e))?;
        row.map(SnapshotRow::typed).transpose()
    }

    /// Adds a document to offer on the trust page; its content is kept in the
    /// database. Returns its ID.
    pub async fn add_document(
        &self,
        title: &str,
        name: &str,
        media_type: &str,
        content: &[u8],
        gated: bool,
        stamp: &Stamp,
    ) -> Result<i64> {
        if title.trim().is_empty() {
            return Err(StoreError::Incomplete {
                record: "a document",
                needs: "a title",
            });
        }
        let size = u64::try_from(content.len()).unwrap_or(u64::MAX);
        if size > self.max_evidence_size {
            return Err(StoreError::Evidence {
                path: name.into(),
                problem: crate::EvidenceProblem::TooLarge {
                    size,
                    max: self.max_evidence_size,
                },
            });
        }
        let (chunks, sha, _) = crate::blobs::read_chunks(&mut &content[..], size)
            .map_err(|e| StoreError::io(name, e))?
            .unwrap_or_default();
        let mut tx = self.begin_write().await?;
        crate::blobs::put(self, &mut tx, &sha, &chunks).await?;
        let id = next_id(self, &mut tx, "trust_documents", "id").await?;
        sqlx::query(
            "INSERT INTO trust_documents (id, title, name, media_type, sha256, size, gated, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(title.trim())
        .bind(crate::sanitise_name(name))
        .bind(media_type)
        .bind(sha.as_str())
        .bind(i64::try_from(size).unwrap_or(i64::MAX))
        .bind(i64::from(gated))
        .bind(stamp.actor.as_str())
        .bind(micros(stamp.at))
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(&e))?;
        let payload = document_payload(self, &mut tx, id).await?;
        audit::append_and_commit(
            self,
            tx,
            stamp,
            "trust.document",
            &format!("trust-document {id}"),
            payload,
        )
        .await?;
        Ok(id)
    }

    /// Withdraws document `id` from the trust page (the record stays).
    pub async fn withdraw_document(&self, id: i64, stamp: &Stamp) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE trust_documents SET withdrawn_at = $1 WHERE id = $2 AND withdrawn_at IS NULL",
        )
        .bind(micros(stamp.at))
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(&e))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Missing {
                kind: "document",
                id,
            });
        }
        let payload = document_payload(self, &mut tx, id).await?;
        audit::append_and_commit(
            self,
            tx,
            stamp,
            "trust.withdraw",
            &format!("trust-document {id}"),
            payload,
        )
        .await
    }

    /// Every document, withdrawn ones included, oldest first.
    pub async fn documents(&self) -> Result<Vec<TrustDocument>> {
        let rows: Vec<DocumentRow> = sqlx::query_as(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM trust_documents ORDER BY id"
        ))
        .fetch_all(self.pool())
        .await
        .map_err(|e| self.err(&e))?;
        rows.into_iter().map(DocumentRow::typed).collect()
    }

    /// One document.
    pub async fn document(&self, id: i64) -> Result<TrustDocument> {
        let row: Option<DocumentRow> = sqlx::query_as(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM trust_documents WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .map_err(|e| self.err(&e))?;
        row.ok_or(StoreError::Missing {
            kind: "document",
            id,
        })?
        .typed()
    }

    /// Sets the NDA text outsiders accept; returns its version.
    pub async fn set_nda(&self, text: &str, stamp: &Stamp) -> Result<i64> {
        if text.trim().is_empty() {
            return Err(StoreError::Incomplete {
                record: "an NDA",
                needs: "its text",
            });
        }
        let mut tx = self.begin_write().await?;
        let version = next_id(self, &mut tx, "nda_versions", "version").await?;
        sqlx::query(
            "INSERT INTO nda_versions (version, text, set_by, set_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(version)
        .bind(text.trim())
        .bind(stamp.actor.as_str())
        .bind(micros(stamp.at))
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(&e))?;
        let payload = nda_payload(self, &mut tx, version).await?;
        audit::append_and_commit(
            self,
            tx,
            stamp,
            "trust.nda",
            &format!("nda {version}"),
            payload,
        )
        .await?;
        Ok(version)
    }

    /// The NDA in force: (version, text).
    pub async fn nda(&self) -> Result<Option<(i64, String)>> {
        sqlx::query_as("SELECT version, text FROM nda_versions ORDER BY version DESC LIMIT 1")
            .fetch_optional(self.pool())
            .await
            .map_err(|e| self.err(&e))
    }

    /// Records an outsider's request for a gated document and their acceptance of the
    /// NDA in force. Returns its ID.
    pub async fn request_access(&self, new: &NewAccessRequest, stamp: &Stamp) -> Result<i64> {
        for (value, needs) in [
            (&new.name, "a name"),
            (&new.email, "an e-mail address"),
            (&new.company, "a company"),
        ] {
            if value.trim().is_empty() {
                return Err(StoreError::Incomplete {
                    record: "a request for a document",
                    needs,
                });
            }
        }
        let document = self.document(new.document_id).await?;
        if !document.gated || document.withdrawn_at.is_some() {
            return Err(StoreError::Missing {
                kind: "gated document",
                id: new.document_id,
            });
        }
        let mut tx = self.begin_write().await?;
        let current: Option<(i64,)> = sqlx::query_as("SELECT MAX(version) FROM nda_versions")
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| self.err(&e))?;
        if current.map(|(v,)| v) != Some(new.nda_version) {
            return Err(StoreError::Stale {
                what: "NDA version",
            });
        }
        let id = next_id(self, &mut tx, "access_requests", "id").await?;
        sqlx::query(
            "INSERT INTO access_requests (id, document_id, name, email, company, nda_version, accepted_at, address) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(new.document_id)
        .bind(new.name.trim())
        .bind(new.email.trim())
        .bind(new.company.trim())
        .bind(new.nda_version)
        .bind(micros(stamp.at))
        .bind(new.address.as_str())
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(&e))?;
        let payload = request_payload(self, &mut tx, id).await?;
        audit::append_and_commit(
            self,
            tx,
            stamp,
            "trust.request",
            &format!("access-request {id}"),
            payload,
        )
        .await?;
        Ok(id)
    }

    /// Decides request `id`: approved with a link whose secret hashes to `link_sha256`
    /// until `expires_at`, or denied (`link` is `None`).
    pub async fn decide_access(
        &self,
        id: i64,
        link: Option<(&str, DateTime<Utc>)>,
        stamp: &Stamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let decision = if link.is_some() { "approved" } else { "denied" };
        let done = sqlx::query(
            "UPDATE access_requests SET decision = $1, decided_by = $2, decided_at = $3, link_sha256 = $4, link_expires_at = $5 WHERE id = $6 AND decision IS NULL",
        )
        .bind(decision)
        .bind(stamp.actor.as_str())
        .bind(micros(stamp.at))
        .bind(link.map(|(sha, _)| sha.to_owned()))
        .bind(link.map(|(_, until)| micros(until)))
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(&e))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Missing {
                kind: "undecided request",
                id,
            });
        }
        let payload = request_payload(self, &mut tx, id).await?;
        audit::append_and_commit(
            self,
            tx,
            stamp,
            "trust.decide",
            &format!("access-request {id}"),
            payload,
        )
        .await
    }

    /// Every request for a gated document, oldest first.
    pub async fn access_requests(&self) -> Result<Vec<AccessRequest>> {
        let rows: Vec<RequestRow> = sqlx::query_as(&format!(
            "SELECT {REQUEST_COLUMNS} FROM access_requests ORDER BY id"
        ))
        .fetch_all(self.pool())
        .await
        .map_err(|e| self.err(&e))?;
        rows.into_iter().map(RequestRow::typed).collect()
    }

    /// The approved request whose link secret hashes to `link_sha256`, whatever its
    /// expiry (the caller compares with its clock).
    pub async fn access_by_link(&self, link_sha256: &str) -> Result<Option<AccessRequest>> {
        let row: Option<RequestRow> = sqlx::query_as(&format!(
            "SELECT {REQUEST_COLUMNS} FROM access_requests WHERE link_sha256 = $1 AND decision = 'approved'"
        ))
        .bind(link_sha256)
        .fetch_optional(self.pool())
        .await
        .map_err(|e| self.err(&e))?;
        row.map(RequestRow::typed).transpose()
    }

    /// Records a download of document `id` in the audit log (by request `request`,
    /// from `address`).
    pub async fn note_download(
        &self,
        id: i64,
        request: Option<i64>,
        address: &str,
        stamp: &Stamp,
    ) -> Result<()> {
        let tx = self.begin_write().await?;
        let payload = encode(
            &serde_json::json!({"document": id, "request": request, "address": address}),
            format!("download of document {id}"),
        )?;
        audit::append_and_commit(
            self,
            tx,
            stamp,
            "trust.download",
            &format!("download of trust-document {id}"),
            Some(payload),
        )
        .await
    }
}

pub(crate) async fn snapshot_payload(
    store: &Store,
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<String>> {
    let row: Option<SnapshotRow> = sqlx::query_as(
        "SELECT id, content, published_by, published_at FROM trust_snapshots WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| store.err(&e))?;
    row.map(|r| encode(&r, format!("trust-snapshot {id}")))
        .transpose()
}

pub(crate) async fn document_payload(
    store: &Store,
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<String>> {
    let row: Option<DocumentRow> = sqlx::query_as(&format!(
        "SELECT {DOCUMENT_COLUMNS} FROM trust_documents WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| store.err(&e))?;
    row.map(|r| encode(&r, format!("trust-document {id}")))
        .transpose()
}

pub(crate) async fn nda_payload(
    store: &Store,
    conn: &mut AnyConnection,
    version: i64,
) -> Result<Option<String>> {
    let row: Option<NdaRow> =
        sqlx::query_as("SELECT version, text, set_by, set_at FROM nda_versions WHERE version = $1")
            .bind(version)
            .fetch_optional(&mut *conn)
            .await
            .map_err(|e| store.err(&e))?;
    row.map(|r| encode(&r, format!("nda {version}")))
        .transpose()
}

pub(crate) async fn request_payload(
    store: &Store,
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<String>> {
    let row: Option<RequestRow> = sqlx::query_as(&format!(
        "SELECT {REQUEST_COLUMNS} FROM access_requests WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| store.err(&e))?;
    row.map(|r| encode(&r, format!("access-request {id}")))
        .transpose()
}
