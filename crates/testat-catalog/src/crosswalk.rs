//! The crosswalk from C5:2020 to C5:2026: criterion to criterion, with a relation and
//! a reason, in Testat's own judgement (not the BSI's cross-reference table).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::load::yaml_error_parts;
use crate::lookup::normalise_id;
use crate::model::Catalog;
use crate::{C5Version, CatalogError, builtin_version};

/// The crosswalk data, embedded at build time.
const CROSSWALK_YAML: &str = include_str!("../data/crosswalk-c5-2020-2026.yaml");

/// How a C5:2026 criterion relates to a C5:2020 one. Read a pair as "the C5:2026
/// criterion is `<relation>` than the C5:2020 one".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    /// The same requirement in substance; wording or ID may differ.
    Equal,
    /// The 2026 criterion covers only part of the 2020 one (often one piece of a split).
    Narrower,
    /// The 2026 criterion asks for more or covers more ground.
    Broader,
    /// They share some ground, and each has something the other lacks.
    Overlap,
    /// New in C5:2026: nothing in C5:2020 corresponds (the pair has no 2020 side).
    New,
    /// Dropped: the 2020 content has no home in C5:2026 (the pair has no 2026 side).
    Dropped,
}

impl Relation {
    /// Every relation, in the order of the list above.
    pub const ALL: [Relation; 6] = [
        Relation::Equal,
        Relation::Narrower,
        Relation::Broader,
        Relation::Overlap,
        Relation::New,
        Relation::Dropped,
    ];

    /// The word used in the data file and in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equal => "equal",
            Self::Narrower => "narrower",
            Self::Broader => "broader",
            Self::Overlap => "overlap",
            Self::New => "new",
            Self::Dropped => "dropped",
        }
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One pair of the crosswalk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pair {
    /// The C5:2020 criterion; `None` for a criterion new in 2026.
    #[serde(default)]
    pub c5_2020: Option<String>,
    /// The C5:2026 criterion; `None` for a dropped 2020 criterion.
    #[serde(default)]
    pub c5_2026: Option<String>,
    /// How the 2026 criterion relates to the 2020 one.
    pub relation: Relation,
    /// What differs, in one line of Testat's own words; may be empty for `equal`.
    #[serde(default)]
    pub reason: String,
}

/// The crosswalk from C5:2020 to C5:2026.
///
/// Every C5:2020 criterion and every C5:2026 criterion appears in at least one pair; a
/// criterion that was split or merged appears in several.
///
/// ```
/// let crosswalk = testat_catalog::crosswalk();
/// let to_2026: Vec<_> = crosswalk
///     .from_2020("IDM-01")
///     .iter()
///     .filter_map(|p| p.c5_2026.as_deref())
///     .collect();
/// assert!(to_2026.contains(&"IAM-01"));
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct Crosswalk {
    /// The older version (C5:2020).
    pub from: C5Version,
    /// The newer version (C5:2026).
    pub to: C5Version,
    /// The pairs, in the data's order (C5:2026 catalogue order).
    pub pairs: Vec<Pair>,
    #[serde(skip)]
    by_2020: HashMap<String, Vec<usize>>,
    #[serde(skip)]
    by_2026: HashMap<String, Vec<usize>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CrosswalkFile {
    from: C5Version,
    to: C5Version,
    pairs: Vec<Pair>,
}

/// The built-in crosswalk from C5:2020 to C5:2026, checked against both built-in
/// catalogues.
pub fn crosswalk() -> &'static Crosswalk {
    static CROSSWALK: OnceLock<Crosswalk> = OnceLock::new();
    CROSSWALK.get_or_init(|| {
        #[expect(
            clippy::expect_used,
            reason = "the embedded crosswalk is fixed at build time and validated by tests"
        )]
        Crosswalk::from_yaml(
            CROSSWALK_YAML,
            "built-in crosswalk C5:2020 to C5:2026",
            builtin_version(C5Version::V2020),
            builtin_version(C5Version::V2026),
        )
        .expect("built-in crosswalk is valid")
    })
}

impl Crosswalk {
    /// Parses and checks a crosswalk against the two catalogues it connects.
    ///
    /// The rules: the file goes from 2020 to 2026; every ID exists in its catalogue;
    /// `new` pairs have only a 2026 side and `dropped` pairs only a 2020 side, all
    /// others both; every pair but `equal` gives a reason; no pair appears twice; and
    /// every criterion of both catalogues appears at least once.
    pub fn from_yaml(
        source: &str,
        origin: &str,
        c5_2020: &Catalog,
        c5_2026: &Catalog,
    ) -> Result<Self, CatalogError> {
        let file: CrosswalkFile = serde_norway::from_str(source).map_err(|e| {
            let (line, column, message) = yaml_error_parts(&e);
            CatalogError::Yaml {
                origin: origin.to_owned(),
                line,
                column,
                message,
            }
        })?;
        let invalid = |place: String, message: String| CatalogError::InvalidData {
            origin: origin.to_owned(),
            place,
            message,
        };
        if file.from != C5Version::V2020 || file.to != C5Version::V2026 {
            return Err(invalid(
                "from/to".into(),
                format!(
                    "the crosswalk goes from 2020 to 2026, not from {} to {}",
                    file.from, file.to
                ),
            ));
        }
        let mut by_2020: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_2026: HashMap<String, Vec<usize>> = HashMap::new();
        let mut seen = HashSet::new();
        for (i, pair) in file.pairs.iter().enumerate() {
            let place = pair.place(i);
            let sides = (pair.c5_2020.is_some(), pair.c5_2026.is_some());
            let expected = match pair.relation {
                Relation::New => (false, true),
                Relation::Dropped => (true, false),
                _ => (true, true),
            };
            if sides != expected {
                let wanted = match expected {
                    (false, true) => "only c5_2026",
                    (true, false) => "only c5_2020",
                    _ => "both c5_2020 and c5_2026",
                };
                return Err(invalid(
                    place,
                    format!("a `{}` pair has {wanted}", pair.relation),
                ));
            }
            if pair.relation != Relation::Equal && pair.reason.trim().is_empty() {
                return Err(invalid(
                    place,
                    format!("a `{}` pair needs a reason", pair.relation),
                ));
            }
            if let Some(id) = &pair.c5_2020 {
                if c5_2020.exact(id).is_none() {
                    return Err(invalid(place, format!("{id} is not a C5:2020 criterion")));
                }
                by_2020.entry(id.clone()).or_default().push(i);
            }
            if let Some(id) = &pair.c5_2026 {
                if c5_2026.exact(id).is_none() {
                    return Err(invalid(
                        place,
                        format!("{id} is not a C5:2026 criterion (sub-criteria are not paired)"),
                    ));
                }
                by_2026.entry(id.clone()).or_default().push(i);
            }
            if !seen.insert((&pair.c5_2020, &pair.c5_2026)) {
                return Err(invalid(place, "the same pair appears twice".into()));
            }
        }
        for (catalog, index, side) in [(c5_2020, &by_2020, "2020"), (c5_2026, &by_2026, "2026")] {
            if let Some(missing) = catalog.criteria.iter().find(|c| !index.contains_key(&c.id)) {
                return Err(invalid(
                    format!("criterion {}", missing.id),
                    format!(
                        "every C5:{side} criterion appears in at least one pair (as `new` or `dropped` if nothing corresponds)"
                    ),
                ));
            }
        }
        Ok(Crosswalk {
            from: file.from,
            to: file.to,
            pairs: file.pairs,
            by_2020,
            by_2026,
        })
    }

    /// The pairs of a C5:2020 criterion (case-insensitive), in data order; empty for
    /// an unknown ID.
    pub fn from_2020(&self, id: &str) -> Vec<&Pair> {
        self.lookup(&self.by_2020, &normalise_id(id))
    }

    /// The pairs of a C5:2026 criterion (case-insensitive), in data order; for a
    /// sub-criterion ID (`CRY-03.01B`) those of its criterion. Empty for an unknown ID.
    pub fn to_2020(&self, id_2026: &str) -> Vec<&Pair> {
        let id = normalise_id(id_2026);
        let criterion = id.split_once('.').map_or(id.as_str(), |(c, _)| c);
        self.lookup(&self.by_2026, criterion)
    }

    fn lookup(&self, index: &HashMap<String, Vec<usize>>, id: &str) -> Vec<&Pair> {
        index
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.pairs.get(i))
            .collect()
    }
}

impl Pair {
    /// Names the pair in error messages: its position and its IDs.
    fn place(&self, index: usize) -> String {
        format!(
            "pair {} ({} → {})",
            index + 1,
            self.c5_2020.as_deref().unwrap_or("–"),
            self.c5_2026.as_deref().unwrap_or("–")
        )
    }
}
