//! Anchors: the head of the audit chain, signed with the store's Ed25519 key, to be
//! kept outside the store. Whoever holds an old anchor can later check that the log
//! still contains the anchored event with the same hash, and that the chain from there
//! to today's head is whole. That detects a history rewritten end to end by someone with
//! write access to the database, which `verify` alone cannot (the rewritten chain is
//! consistent in itself).
//!
//! The signed message (`docs/store.md`): SHA-256 is not applied first; the message is
//! the concatenation, for each of the four fields `testat-anchor/v1`, the sequence
//! number (decimal), the event's time (microseconds since the Unix epoch, UTC, decimal)
//! and the event's hash (64 lower-case hex digits), of the field's length in bytes as an
//! unsigned 64-bit big-endian integer followed by the field's UTF-8 bytes. The same
//! framing as the audit events' hash, so no two field lists share a message.

use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::audit::GENESIS;
use crate::keys::KeyPair;
use crate::verify::Problem;
use crate::{AuditEvent, Result, Store, micros};

/// The format name of an anchor (and the first field of the signed message).
pub const ANCHOR_FORMAT: &str = "testat-anchor/v1";

/// A signed head of the audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Anchor {
    /// [`ANCHOR_FORMAT`].
    pub format: String,
    /// The sequence number of the anchored event (the head when it was signed).
    pub seq: i64,
    /// Its hash (64 lower-case hex digits).
    pub hash: String,
    /// Its time (RFC 3339, UTC; signed as microseconds since the epoch).
    pub at: DateTime<Utc>,
    /// The store's Ed25519 public key (64 hex digits).
    pub public_key: String,
    /// The Ed25519 signature over [`anchor_message`] (128 hex digits).
    pub signature: String,
}

/// What checking an anchor against the store found.
#[derive(Debug, Clone, Serialize)]
pub struct AnchorCheck {
    /// The anchored event.
    pub seq: i64,
    /// The head of the store's chain now.
    pub head_seq: i64,
    /// Events checked from the anchored one to the head (both included).
    pub events: usize,
    /// Failures; empty when the anchor holds.
    pub problems: Vec<Problem>,
}

impl AnchorCheck {
    /// Whether the anchor holds: signed by this store's key, its event unchanged, and
    /// the chain from it to the head whole.
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

/// The bytes an anchor's signature covers (see the module documentation).
pub fn anchor_message(seq: i64, at: DateTime<Utc>, hash: &str) -> Vec<u8> {
    let seq = seq.to_string();
    let at = micros(at).to_string();
    let mut buf = Vec::with_capacity(160);
    for field in [ANCHOR_FORMAT, seq.as_str(), at.as_str(), hash] {
        buf.extend_from_slice(&(field.len() as u64).to_be_bytes());
        buf.extend_from_slice(field.as_bytes());
    }
    buf
}

fn parse_signature(hex_text: &str) -> Option<Signature> {
    let bytes: [u8; 64] = hex::decode(hex_text.trim()).ok()?.try_into().ok()?;
    Some(Signature::from_bytes(&bytes))
}

impl Store {
    /// The current head of the audit chain signed with `keys`; `None` while the log is
    /// empty. Reads the store only.
    pub async fn anchor(&self, keys: &KeyPair) -> Result<Option<Anchor>> {
        let row = sqlx::query(
            "SELECT h.seq AS seq, h.hash AS hash, e.at AS at FROM audit_head h JOIN audit_events e ON e.seq = h.seq WHERE h.id = 1",
        )
        .fetch_optional(self.pool())
        .await
        .map_err(|e| self.err(&e))?;
        let Some(row) = row else {
            return Ok(None);
        };
        let seq: i64 = row.try_get("seq").map_err(|e| self.err(&e))?;
        let hash: String = row.try_get("hash").map_err(|e| self.err(&e))?;
        let at: i64 = row.try_get("at").map_err(|e| self.err(&e))?;
        if seq == 0 || hash == GENESIS {
            return Ok(None);
        }
        let at = crate::decode::time(&format!("audit event {seq}"), "at", at)?;
        Ok(Some(Anchor {
            format: ANCHOR_FORMAT.to_owned(),
            signature: keys.sign_hex(&anchor_message(seq, at, &hash)),
            seq,
            hash,
            at,
            public_key: keys.public_hex(),
        }))
    }

    /// Checks `anchor` against the store: its signature is valid for `public_key` (the
    /// store's own key, from `.testat/keys/signing.pub`, never the key the anchor
    /// names), the event `seq` exists with exactly the anchored hash and time, and the
    /// chain from it to the head is whole (consecutive events, each hash recomputed from
    /// its fields, each `prev_hash` the hash before it, the last one the recorded head).
    /// The events before the anchor are `verify`'s to check.
    pub async fn verify_anchor(
        &self,
        anchor: &Anchor,
        public_key: &VerifyingKey,
    ) -> Result<AnchorCheck> {
        let (head_seq, head_hash) = self.audit_head().await?;
        let mut check = AnchorCheck {
            seq: anchor.seq,
            head_seq,
            events: 0,
            problems: Vec::new(),
        };
        if anchor.format != ANCHOR_FORMAT {
            check.problem(
                "anchor",
                format!(
                    "format `{}` is not {ANCHOR_FORMAT}; this Testat cannot check it",
                    anchor.format
                ),
            );
            return Ok(check);
        }
        let store_key = hex::encode(public_key.to_bytes());
        if !anchor.public_key.trim().eq_ignore_ascii_case(&store_key) {
            check.problem(
                "anchor signature",
                format!(
                    "the anchor names public key {}, but this store's key is {store_key}: it was signed by another key",
                    anchor.public_key
                ),
            );
        }
        let message = anchor_message(anchor.seq, anchor.at, &anchor.hash);
        match parse_signature(&anchor.signature) {
            Some(sig) if public_key.verify(&message, &sig).is_ok() => {}
            Some(_) => check.problem(
                "anchor signature",
                "not valid for this store's public key: the anchor was altered, or not signed by this store",
            ),
            None => check.problem("anchor signature", "not 128 hex digits"),
        }
        if anchor.seq < 1 {
            check.problem("anchor", "its sequence number is below 1");
            return Ok(check);
        }
        let events: Vec<AuditEvent> = sqlx::query_as(
            "SELECT seq, at, actor, action, object, payload, payload_sha256, prev_hash, hash FROM audit_events WHERE seq >= $1 ORDER BY seq",
        )
        .bind(anchor.seq)
        .fetch_all(self.pool())
        .await
        .map_err(|e| self.err(&e))?;
        check.events = events.len();
        let place = format!("audit event {}", anchor.seq);
        let Some(first) = events.first().filter(|e| e.seq == anchor.seq) else {
            check.problem(
                place,
                format!(
                    "missing: the anchor records it, but the store's log ends at event {head_seq} or lacks it; the history was cut or rewritten"
                ),
            );
            return Ok(check);
        };
        if first.hash != anchor.hash {
            check.problem(
                &place,
                format!(
                    "rewritten: its hash is {} now, the anchor recorded {}; the history up to this event was changed after the anchor was signed",
                    first.hash, anchor.hash
                ),
            );
        } else if first.at != micros(anchor.at) {
            check.problem(&place, "its time differs from the anchored time");
        }
        let mut prev: Option<&AuditEvent> = None;
        for e in &events {
            let here = format!("audit event {}", e.seq);
            if e.computed_hash() != e.hash {
                check.problem(&here, "altered: its hash does not match its fields");
            }
            if let Some(p) = prev {
                if e.seq != p.seq + 1 {
                    check.problem(
                        &here,
                        format!("missing events between {} and {}", p.seq, e.seq),
                    );
                } else if e.prev_hash != p.hash {
                    check.problem(
                        &here,
                        "chain broken: prev_hash does not match the event before it",
                    );
                }
            }
            prev = Some(e);
        }
        if let Some(last) = events.last()
            && (last.seq != head_seq || last.hash != head_hash)
        {
            check.problem(
                "audit head",
                format!(
                    "the recorded head (event {head_seq}) is not the last event after the anchor (event {})",
                    last.seq
                ),
            );
        }
        Ok(check)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_changes_the_message() {
        let at = DateTime::from_timestamp_micros(1_773_136_800_000_000).unwrap_or_default();
        let base = anchor_message(7, at, "ab");
        assert_ne!(base, anchor_message(8, at, "ab"));
        assert_ne!(
            base,
            anchor_message(7, at + chrono::Duration::microseconds(1), "ab")
        );
        assert_ne!(base, anchor_message(7, at, "ac"));
        // The framing: 8-byte big-endian lengths before each field.
        assert_eq!(base.get(..8), Some(&16u64.to_be_bytes()[..]));
        assert_eq!(base.get(8..24), Some(ANCHOR_FORMAT.as_bytes()));
    }
}
