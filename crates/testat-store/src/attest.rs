//! Attestations (statements on criteria no scan can test, kept as history) and
//! exceptions stored beside those in `testat.toml`.

use serde::Serialize;
use sqlx::AnyConnection;
use testat_records::{Attestation, Exception, NewAttestation, Revocation, StoredException};

use crate::decode;
use crate::{Result, Stamp, Store, StoreError, audit, micros, next_id};

/// An attestation as stored: the columns as they are, for audit payloads.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
struct AttestationRow {
    id: i64,
    criterion: String,
    status: String,
    statement: String,
    owner: String,
    next_review: Option<String>,
    attested_by: String,
    attested_at: i64,
}

impl AttestationRow {
    fn typed(self) -> Result<Attestation> {
        let record = format!("attestation {}", self.id);
        Ok(Attestation {
            id: self.id,
            criterion: self.criterion,
            status: decode::word(&record, "status", &self.status, "an attestation status")?,
            statement: self.statement,
            owner: self.owner,
            next_review: decode::opt_date(&record, "next_review", self.next_review.as_deref())?,
            attested_by: self.attested_by,
            attested_at: decode::time(&record, "attested_at", self.attested_at)?,
        })
    }
}

/// An exception as stored: the columns as they are, for audit payloads.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
struct ExceptionRow {
    id: i64,
    rule: String,
    resource: String,
    justification: String,
    approved_by: String,
    risk_owner: Option<String>,
    expires: String,
    added_by: String,
    added_at: i64,
}

impl ExceptionRow {
    fn typed(self) -> Result<StoredException> {
        let record = format!("exception {}", self.id);
        Ok(StoredException {
            id: self.id,
            exception: Exception {
                expires: decode::date(&record, "expires", &self.expires)?,
                rule: self.rule,
                resource: self.resource,
                justification: self.justification,
                approved_by: self.approved_by,
                risk_owner: self.risk_owner,
            },
            added_by: self.added_by,
            added_at: decode::time(&record, "added_at", self.added_at)?,
            revoked: None,
        })
    }
}

/// The revocation of an exception as stored, for audit payloads.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
struct RevocationRow {
    exception_id: i64,
    reason: String,
    revoked_by: String,
    revoked_at: i64,
}

impl RevocationRow {
    fn typed(self) -> Result<Revocation> {
        let record = format!("exception-revocation {}", self.exception_id);
        Ok(Revocation {
            reason: self.reason,
            by: self.revoked_by,
            at: decode::time(&record, "revoked_at", self.revoked_at)?,
        })
    }
}

impl Store {
    /// Records an attestation (never replacing earlier ones). Returns its ID.
    pub async fn attest(&self, new: &NewAttestation, stamp: &Stamp) -> Result<i64> {
        if new.statement.trim().is_empty() || new.owner.trim().is_empty() {
            return Err(StoreError::Incomplete {
                record: "an attestation",
                needs: "a statement and an owner",
            });
        }
        let mut tx = self.begin_write().await?;
        let id = next_id(self, &mut tx, "attestations", "id").await?;
        sqlx::query(
            "INSERT INTO attestations (id, criterion, status, statement, owner, next_review, attested_by, attested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(new.criterion.as_str())
        .bind(new.status.as_str())
        .bind(new.statement.as_str())
        .bind(new.owner.as_str())
        .bind(new.next_review.map(|d| d.format("%Y-%m-%d").to_string()))
        .bind(stamp.actor.as_str())
        .bind(micros(stamp.at))
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(&e))?;
        let payload = attestation_payload(self, &mut tx, id).await?;
        audit::append_and_commit(
            self,
            tx,
            stamp,
            "attest",
            &format!("attestation {id}"),
            payload,
        )
        .await?;
        Ok(id)
    }

    /// Attestations, oldest first; only those of `criterion` when given.
    pub async fn attestations(&self, criterion: Option<&str>) -> Result<Vec<Attestation>> {
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
        select_attestations(self, &mut conn, None)
            .await?
            .into_iter()
            .filter(|a| criterion.is_none_or(|c| a.criterion == c))
            .map(AttestationRow::typed)
            .collect()
    }

    /// Stores an exception. Returns its ID.
    pub async fn add_exception(&self, new: &Exception, stamp: &Stamp) -> Result<i64> {
        if new.justification.trim().is_empty() || new.approved_by.trim().is_empty() {
            return Err(StoreError::Incomplete {
                record: "an exception",
                needs: "a justification and who approved it",
            });
        }
        let mut tx = self.begin_write().await?;
        let id = next_id(self, &mut tx, "exceptions", "id").await?;
        sqlx::query(
            "INSERT INTO exceptions (id, rule, resource, justification, approved_by, risk_owner, expires, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(new.rule.as_str())
        .bind(new.resource.as_str())
        .bind(new.justification.as_str())
        .bind(new.approved_by.as_str())
        .bind(new.risk_owner.clone())
        .bind(new.expires.format("%Y-%m-%d").to_string())
        .bind(stamp.actor.as_str())
        .bind(micros(stamp.at))
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(&e))?;
        let payload = exception_payload(self, &mut tx, id).await?;
        audit::append_and_commit(
            self,
            tx,
            stamp,
            "exception.add",
            &format!("exception {id}"),
            payload,
        )
        .await?;
        Ok(id)
    }

    /// Stored exceptions, oldest first, with their revocations.
    pub async fn exceptions(&self) -> Result<Vec<StoredException>> {
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
        let revocations: Vec<RevocationRow> = sqlx::query_as(
            "SELECT exception_id, reason, revoked_by, revoked_at FROM exception_revocations",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| self.err(&e))?;
        let mut revoked = std::collections::HashMap::new();
        for r in revocations {
            revoked.insert(r.exception_id, r.typed()?);
        }
        select_exceptions(self, &mut conn, None)
            .await?
            .into_iter()
            .map(|row| {
                let mut x = row.typed()?;
                x.revoked = revoked.remove(&x.id);
                Ok(x)
            })
            .collect()
    }

    /// Revokes stored exception `id` before its expiry, for `reason`. The exception
    /// stays on record; from now on it excepts nothing.
    pub async fn revoke_exception(&self, id: i64, reason: &str, stamp: &Stamp) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Incomplete {
                record: "a revocation",
                needs: "a reason",
            });
        }
        let mut tx = self.begin_write().await?;
        let exists = select_exceptions(self, &mut tx, Some(id)).await?;
        if exists.is_empty() {
            return Err(StoreError::Missing {
                kind: "exception",
                id,
            });
        }
        let already: Option<(i64,)> = sqlx::query_as(
            "SELECT exception_id FROM exception_revocations WHERE exception_id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| self.err(&e))?;
        if already.is_some() {
            return Err(StoreError::Taken {
                kind: "revocation of exception",
                name: id.to_string(),
            });
        }
        sqlx::query(
            "INSERT INTO exception_revocations (exception_id, reason, revoked_by, revoked_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(reason)
        .bind(stamp.actor.as_str())
        .bind(micros(stamp.at))
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(&e))?;
        let payload = revocation_payload(self, &mut tx, id).await?;
        audit::append_and_commit(
            self,
            tx,
            stamp,
            "exception.revoke",
            &format!("exception-revocation {id}"),
            payload,
        )
        .await
    }
}

async fn select_attestations(
    store: &Store,
    conn: &mut AnyConnection,
    id: Option<i64>,
) -> Result<Vec<AttestationRow>> {
    let sql = format!(
        "SELECT id, criterion, status, statement, owner, next_review, attested_by, attested_at FROM attestations {} ORDER BY id",
        if id.is_some() { "WHERE id = $1" } else { "" }
    );
    let mut query = sqlx::query_as(&sql);
    if let Some(id) = id {
        query = query.bind(id);
    }
    query.fetch_all(&mut *conn).await.map_err(|e| store.err(&e))
}

async fn select_exceptions(
    store: &Store,
    conn: &mut AnyConnection,
    id: Option<i64>,
) -> Result<Vec<ExceptionRow>> {
    let sql = format!(
        "SELECT id, rule, resource, justification, approved_by, risk_owner, expires, added_by, added_at FROM exceptions {} ORDER BY id",
        if id.is_some() { "WHERE id = $1" } else { "" }
    );
    let mut query = sqlx::query_as(&sql);
    if let Some(id) = id {
        query = query.bind(id);
    }
    query.fetch_all(&mut *conn).await.map_err(|e| store.err(&e))
}

pub(crate) async fn attestation_payload(
    store: &Store,
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<String>> {
    let Some(a) = select_attestations(store, conn, Some(id))
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    serde_json::to_string(&a)
        .map(Some)
        .map_err(|e| StoreError::encode(format!("attestation {id}"), &e))
}

pub(crate) async fn exception_payload(
    store: &Store,
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<String>> {
    let Some(x) = select_exceptions(store, conn, Some(id))
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    serde_json::to_string(&x)
        .map(Some)
        .map_err(|e| StoreError::encode(format!("exception {id}"), &e))
}

pub(crate) async fn revocation_payload(
    store: &Store,
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<String>> {
    let row: Option<RevocationRow> = sqlx::query_as(
        "SELECT exception_id, reason, revoked_by, revoked_at FROM exception_revocations WHERE exception_id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| store.err(&e))?;
    row.map(|r| {
        serde_json::to_string(&r)
            .map_err(|e| StoreError::encode(format!("exception-revocation {id}"), &e))
    })
    .transpose()
}
