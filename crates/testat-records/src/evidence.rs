//! Evidence: a file (kept by its SHA-256), a link or a note, tied to criteria, with the
//! period it speaks for kept apart from when it was added.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::ParseError;

/// What a piece of evidence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceKind {
    /// A file, stored by the store.
    File,
    /// A link.
    Url,
    /// A note only.
    Note,
}

impl EvidenceKind {
    /// Every kind.
    pub const ALL: [Self; 3] = [Self::File, Self::Url, Self::Note];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::File => "file",
            Self::Url => "url",
            Self::Note => "note",
        }
    }
}

impl fmt::Display for EvidenceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EvidenceKind {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| ParseError::new("evidence kind", s, &Self::ALL.map(Self::as_str)))
    }
}

/// Stored evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Its ID.
    pub id: i64,
    /// File, link or note.
    pub kind: EvidenceKind,
    /// SHA-256 of the file.
    pub sha256: Option<String>,
    /// The file's original name, sanitised.
    pub name: Option<String>,
    /// The file's size in bytes.
    pub size: Option<i64>,
    /// Media type, from the name's extension.
    pub media_type: Option<String>,
    /// The link.
    pub url: Option<String>,
    /// The note.
    pub note: Option<String>,
    /// The day the evidence speaks for.
    pub effective: Option<NaiveDate>,
    /// The last day it is valid.
    pub valid_until: Option<NaiveDate>,
    /// Criterion IDs, sorted.
    pub criteria: Vec<String>,
    /// Who added it.
    pub added_by: String,
    /// When.
    #[serde(with = "crate::micros")]
    pub added_at: DateTime<Utc>,
}

impl Evidence {
    /// Whether the evidence is in force on `day`: it has taken effect and not expired.
    pub fn in_force(&self, day: NaiveDate) -> bool {
        self.valid_until.is_none_or(|until| until >= day)
            && self.effective.is_none_or(|from| from <= day)
    }

    /// What the evidence is, in a few words: the file name, the link or the note.
    pub fn label(&self) -> &str {
        self.name
            .as_deref()
            .or(self.url.as_deref())
            .or(self.note.as_deref())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    #[test]
    fn in_force_between_effective_and_valid_until_inclusive() {
        let e = Evidence {
            id: 1,
            kind: EvidenceKind::Note,
            sha256: None,
            name: None,
            size: None,
            media_type: None,
            url: None,
            note: Some("tested".into()),
            effective: Some(day(5)),
            valid_until: Some(day(20)),
            criteria: vec!["OPS-08".into()],
            added_by: "ops".into(),
            added_at: DateTime::UNIX_EPOCH,
        };
        assert!(!e.in_force(day(4)));
        assert!(e.in_force(day(5)));
        assert!(e.in_force(day(20)));
        assert!(!e.in_force(day(21)));
        assert_eq!(e.label(), "tested");
        assert_eq!("url".parse::<EvidenceKind>().unwrap(), EvidenceKind::Url);
        assert!("pdf".parse::<EvidenceKind>().is_err());
    }
}
