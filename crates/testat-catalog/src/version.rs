//! The versions of the C5 catalogue that Testat carries.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::CatalogError;
use crate::model::Catalog;

/// A version of the BSI C5 catalogue.
///
/// One engagement uses one version. C5:2020 is the default, so that existing stores
/// and configurations keep working; C5:2026 is final since April 2026 and required for
/// reports dated on or after 1 June 2027.
///
/// Parses from `2020` or `2026` (also `C5:2026`, `c5-2026`), displays and serialises
/// as the bare year.
///
/// ```
/// use testat_catalog::C5Version;
/// let version: C5Version = "2026".parse().unwrap();
/// assert_eq!(version, C5Version::V2026);
/// assert_eq!(version.to_string(), "2026");
/// assert_eq!(version.catalog().criteria.len(), 174);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum C5Version {
    /// C5:2020: 121 criteria in 17 domains, one optional additional criterion each.
    #[default]
    V2020,
    /// C5:2026: 168 criteria in 17 domains and six general conditions (GC), 623
    /// sub-criteria in three levels.
    V2026,
}

impl C5Version {
    /// Every version, oldest first.
    pub const ALL: [C5Version; 2] = [C5Version::V2020, C5Version::V2026];

    /// The year, as written in data files and on the command line: `2020`, `2026`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V2020 => "2020",
            Self::V2026 => "2026",
        }
    }

    /// The catalogue's short name: `C5:2020`, `C5:2026`.
    pub fn name(self) -> &'static str {
        match self {
            Self::V2020 => "C5:2020",
            Self::V2026 => "C5:2026",
        }
    }

    /// The built-in catalogue of this version (same as [`crate::builtin_version`]).
    pub fn catalog(self) -> &'static Catalog {
        crate::builtin_version(self)
    }
}

impl fmt::Display for C5Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for C5Version {
    type Err = CatalogError;

    /// Accepts the year, optionally after `C5:`, `C5-` or `C5 ` in any case.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let trimmed = input.trim();
        let lower = trimmed.to_ascii_lowercase();
        let year = lower.strip_prefix("c5").map_or(lower.as_str(), |rest| {
            rest.trim_start_matches([':', '-', ' ', '_'])
        });
        match year {
            "2020" => Ok(Self::V2020),
            "2026" => Ok(Self::V2026),
            _ => Err(CatalogError::UnknownVersion {
                input: trimmed.to_owned(),
            }),
        }
    }
}

impl Serialize for C5Version {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for C5Version {
    /// Reads `"2026"` as well as a bare `2026`, as people write it in TOML or YAML.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = C5Version;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a C5 version: 2020 or 2026")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<C5Version, E> {
                v.parse()
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Str(v), &self))
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<C5Version, E> {
                match v {
                    2020 => Ok(C5Version::V2020),
                    2026 => Ok(C5Version::V2026),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Unsigned(v), &self)),
                }
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<C5Version, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::invalid_value(serde::de::Unexpected::Signed(v), &self)),
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}
