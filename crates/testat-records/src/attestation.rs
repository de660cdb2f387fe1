//! Attestations: how far a criterion is implemented, in its owner's words, kept as
//! history (a later attestation of a criterion replaces the earlier one's effect, not
//! its record).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::ParseError;

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
    /// Every status.
    pub const ALL: [Self; 4] = [
        Self::Implemented,
        Self::Partial,
        Self::Planned,
        Self::NotApplicable,
    ];

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

impl fmt::Display for AttestStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AttestStatus {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| ParseError::new("attestation status", s, &Self::ALL.map(Self::as_str)))
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attestation {
    /// Its ID (later attestations of a criterion have larger IDs).
    pub id: i64,
    /// Criterion ID.
    pub criterion: String,
    /// Status.
    pub status: AttestStatus,
    /// Statement.
    pub statement: String,
    /// Owner.
    pub owner: String,
    /// Next review.
    pub next_review: Option<NaiveDate>,
    /// Who recorded it.
    pub attested_by: String,
    /// When.
    #[serde(with = "crate::micros")]
    pub attested_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;

    #[test]
    fn statuses_parse_from_their_stored_names_only() {
        for status in AttestStatus::ALL {
            assert_eq!(status.as_str().parse::<AttestStatus>().unwrap(), status);
        }
        let err = "done".parse::<AttestStatus>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown attestation status `done`; expected one of implemented, partial, planned, not-applicable"
        );
    }
}
