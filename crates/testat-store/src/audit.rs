//! The audit log: an append-only, hash-chained list of every change.

use serde::Serialize;
use sqlx::{Any, Row, Transaction};

use crate::{Result, Stamp, Store, StoreError, micros, sha256_hex};

/// The `prev_hash` of the first event.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditEvent {
    /// Position in the chain, from 1 without gaps.
    pub seq: i64,
    /// When (microseconds since the epoch, UTC).
    pub at: i64,
    /// Who.
    pub actor: String,
    /// What kind of change (`run.record`, `evidence.add`, `attest`, `exception.add`, `store.init`).
    pub action: String,
    /// What was changed (`run 3`, `evidence 5`, …).
    pub object: String,
    /// The object as recorded (canonical JSON).
    pub payload: String,
    /// SHA-256 of `payload`.
    pub payload_sha256: String,
    /// `hash` of the previous event (zeros for the first).
    pub prev_hash: String,
    /// SHA-256 over the canonical encoding of all the fields above.
    pub hash: String,
}

/// The hash of an event: SHA-256 over a domain tag and each field as its byte length
/// (8 bytes, big-endian) followed by its bytes, in the order of [`AuditEvent`].
pub(crate) fn event_hash(
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    object: &str,
    payload_sha256: &str,
    prev_hash: &str,
) -> String {
    let mut buf = Vec::with_capacity(256);
    let seq = seq.to_string();
    let at = at.to_string();
    for field in [
        "testat-audit-v1",
        seq.as_str(),
        at.as_str(),
        actor,
        action,
        object,
        payload_sha256,
        prev_hash,
    ] {
        buf.extend_from_slice(&(field.len() as u64).to_be_bytes());
        buf.extend_from_slice(field.as_bytes());
    }
    sha256_hex(&buf)
}

impl AuditEvent {
    /// Recomputes the hash from the fields.
    pub fn computed_hash(&self) -> String {
        event_hash(
            self.seq,
            self.at,
            &self.actor,
            &self.action,
            &self.object,
            &self.payload_sha256,
            &self.prev_hash,
        )
    }
}

/// Ends a write: appends the audit event for `object` and commits it together with the
/// change. `payload` is the record as read back inside the transaction; a record that
/// cannot be read back there is an error, never an event with an empty payload.
pub(crate) async fn append_and_commit(
    store: &Store,
    mut tx: Transaction<'static, Any>,
    stamp: &Stamp,
    action: &str,
    object: &str,
    payload: Option<String>,
) -> Result<()> {
    let Some(payload) = payload else {
        return Err(StoreError::Unreadable {
            object: object.to_owned(),
        });
    };
    append(store, &mut tx, stamp, action, object, &payload).await?;
    store.commit(tx).await
}

/// Appends an event inside the caller's write transaction; returns its seq.
pub(crate) async fn append(
    store: &Store,
    tx: &mut Transaction<'static, Any>,
    stamp: &Stamp,
    action: &str,
    object: &str,
    payload: &str,
) -> Result<i64> {
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| store.err(&e))?;
    let prev_seq: i64 = head.try_get("seq").map_err(|e| store.err(&e))?;
    let prev_hash: String = head.try_get("hash").map_err(|e| store.err(&e))?;
    let seq = prev_seq + 1;
    let at = micros(stamp.at);
    let payload_sha256 = sha256_hex(payload.as_bytes());
    let hash = event_hash(
        seq,
        at,
        &stamp.actor,
        action,
        object,
        &payload_sha256,
        &prev_hash,
    );
    sqlx::query(
        "INSERT INTO audit_events (seq, at, actor, action, object, payload, payload_sha256, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(seq)
    .bind(at)
    .bind(stamp.actor.as_str())
    .bind(action)
    .bind(object)
    .bind(payload)
    .bind(payload_sha256.as_str())
    .bind(prev_hash.as_str())
    .bind(hash.as_str())
    .execute(&mut **tx)
    .await
    .map_err(|e| store.err(&e))?;
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(hash.as_str())
        .execute(&mut **tx)
        .await
        .map_err(|e| store.err(&e))?;
    Ok(seq)
}

impl Store {
    /// The head of the audit chain: the last event's sequence number and hash (0 and
    /// the genesis hash for an empty log). Every change moves it, so it keys caches
    /// that several server instances share a database for.
    pub async fn audit_head(&self) -> Result<(i64, String)> {
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(self.pool())
            .await
            .map_err(|e| self.err(&e))
    }

    /// The event with sequence number `seq`, if there is one.
    pub async fn audit_event(&self, seq: i64) -> Result<Option<AuditEvent>> {
        sqlx::query_as(
            "SELECT seq, at, actor, action, object, payload, payload_sha256, prev_hash, hash FROM audit_events WHERE seq = $1",
        )
        .bind(seq)
        .fetch_optional(self.pool())
        .await
        .map_err(|e| self.err(&e))
    }

    /// The audit events with `from <= at < to` (all when `None`), in order.
    pub async fn audit_events(
        &self,
        from: Option<i64>,
        to: Option<i64>,
    ) -> Result<Vec<AuditEvent>> {
        sqlx::query_as(
            "SELECT seq, at, actor, action, object, payload, payload_sha256, prev_hash, hash FROM audit_events WHERE at >= $1 AND at < $2 ORDER BY seq",
        )
        .bind(from.unwrap_or(i64::MIN))
        .bind(to.unwrap_or(i64::MAX))
        .fetch_all(self.pool())
        .await
        .map_err(|e| self.err(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_changes_the_hash() {
        let base = event_hash(1, 2, "a", "b", "c", "d", GENESIS);
        assert_ne!(base, event_hash(2, 2, "a", "b", "c", "d", GENESIS));
        assert_ne!(base, event_hash(1, 3, "a", "b", "c", "d", GENESIS));
        assert_ne!(base, event_hash(1, 2, "ab", "", "c", "d", GENESIS));
        assert_ne!(base, event_hash(1, 2, "a", "b", "c", "e", GENESIS));
        assert_ne!(base, event_hash(1, 2, "a", "b", "c", "d", "1"));
    }
}
