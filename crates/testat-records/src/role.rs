//! The roles of the team server's users and tokens.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ParseError;

/// What a user or an API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything: users, tokens and publishing the trust page included.
    Admin,
    /// Evidence, attestations, exceptions and uploads of scan results.
    Editor,
    /// The register of investigation requests.
    Legal,
    /// Reads everything, the register included; exports bundles and reports; changes
    /// nothing.
    Auditor,
    /// The status of the criteria only.
    Viewer,
}

impl Role {
    /// Every role.
    pub const ALL: [Self; 5] = [
        Self::Admin,
        Self::Editor,
        Self::Legal,
        Self::Auditor,
        Self::Viewer,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Editor => "editor",
            Self::Legal => "legal",
            Self::Auditor => "auditor",
            Self::Viewer => "viewer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        let wanted = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == wanted)
            .ok_or_else(|| ParseError::new("role", s, &Self::ALL.map(Self::as_str)))
    }
}
