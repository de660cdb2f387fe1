//! Attestations (statements on criteria no scan can test, kept as history) and
//! exceptions stored beside those in `testat.toml`.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::AnyConnection;
use testat_rules::Exception;

use crate::{Result, Stamp, Store, StoreError, audit, micros, next_id};

/// How far a criterion is implemented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AttestStatus {
    /// In place and working.
    Implemented,
    /// Partly in place.
    Partial,
    /// Planned.
    Planned,
    /// Does not apply to this service.
    NotApplicable,
}

impl AttestStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Implemented => "implemented",
            Self::Partial => "partial",
            Self::Planned => "planned",
            Self::NotApplicable => "not-applicable",
        }
    }
}

/// An attestation to record.
#[derive(Debug, Clone)]
pub struct NewAttestation {
    /// Criterion ID, checked against the catalogue.
    pub criterion: String,
    /// Status.
    pub status: AttestStatus,
    /// What is in place, in the owner's words.
    pub statement: String,
    /// Who is responsible.
    pub owner: String,
    /// When to look at it again.
    pub next_review: Option<NaiveDate>,
}

/// A recorded attestation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Attestation {
    /// Its ID (later attestations of a criterion have larger IDs).
    pub id: i64,
    /// Criterion ID.
    pub criterion: String,
    /// Status.
    pub status: String,
    /// Statement.
    pub statement: String,
    /// Owner.
    pub owner: String,
    /// Next review (YYYY-MM-DD).
    pub next_review: Option<String>,
    /// Who recorded it.
    pub attested_by: String,
    /// When (microseconds since the epoch).
    pub attested_at: i64,
}

/// An exception to store: the same fields as in `testat.toml`.
pub type NewStoredException = Exception;

/// An exception held in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct StoredException {
    /// Its ID.
    pub id: i64,
    /// Rule pattern.
    pub rule: String,
    /// Resource address pattern.
    pub resource: String,
    /// Why it is acceptable.
    pub justification: String,
    /// Who approved it.
    pub approved_by: String,
    /// Who carries the risk.
    pub risk_owner: Option<String>,
    /// Last day it applies (YYYY-MM-DD).
    pub expires: String,
    /// Who stored it.
    pub added_by: String,
    /// When (microseconds since the epoch).
    pub added_at: i64,
}

impl StoredException {
    /// As the rule engine's exception (expiry unreadable: already expired).
    pub fn to_exception(&self) -> Exception {
        Exception {
            rule: self.rule.clone(),
            resource: self.resource.clone(),
            justification: self.justification.clone(),
            approved_by: self.approved_by.clone(),
            risk_owner: self.risk_owner.clone(),
            expires: NaiveDate::parse_from_str(&self.expires, "%Y-%m-%d").unwrap_or(NaiveDate::MIN),
        }
    }
}

impl Store {
    /// Records an attestation (never replacing earlier ones). Returns its ID.
    pub async fn attest(&self, new: &NewAttestation, stamp: &Stamp) -> Result<i64> {
        if new.statement.trim().is_empty() || new.owner.trim().is_empty() {
            return Err(StoreError::Invalid(
                "an attestation needs a --statement and an --owner".into(),
            ));
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
        let all = select_attestations(self, &mut conn, None).await?;
        Ok(all
            .into_iter()
            .filter(|a| criterion.is_none_or(|c| a.criterion == c))
            .collect())
    }

    /// Stores an exception. Returns its ID.
    pub async fn add_exception(&self, new: &NewStoredException, stamp: &Stamp) -> Result<i64> {
        if new.justification.trim().is_empty() || new.approved_by.trim().is_empty() {
            return Err(StoreError::Invalid(
                "an exception needs a --justification and --approved-by".into(),
            ));
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

    /// Stored exceptions, oldest first.
    pub async fn exceptions(&self) -> Result<Vec<StoredException>> {
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
        select_exceptions(self, &mut conn, None).await
    }
}

pub(crate) async fn select_attestations(
    store: &Store,
    conn: &mut AnyConnection,
    id: Option<i64>,
) -> Result<Vec<Attestation>> {
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

pub(crate) async fn select_exceptions(
    store: &Store,
    conn: &mut AnyConnection,
    id: Option<i64>,
) -> Result<Vec<StoredException>> {
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
        .map_err(|e| StoreError::Invalid(format!("cannot encode attestation {id}: {e}")))
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
        .map_err(|e| StoreError::Invalid(format!("cannot encode exception {id}: {e}")))
}
