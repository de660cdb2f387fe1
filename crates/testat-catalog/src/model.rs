//! The catalogue model: domains, criteria and (from C5:2026 on) sub-criteria.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::C5Version;

/// A criteria catalogue such as C5:2020 or C5:2026: its domains and criteria in
/// catalogue order, each criterion with its sub-criteria where the catalogue has them.
#[derive(Debug, Clone, Serialize)]
pub struct Catalog {
    /// Short name, e.g. `C5:2020`.
    pub name: String,
    /// Version of the catalogue, e.g. `2020`.
    pub version: String,
    /// Who publishes the catalogue.
    pub publisher: String,
    /// Domains in catalogue order.
    pub domains: Vec<Domain>,
    /// Criteria in catalogue order.
    pub criteria: Vec<Criterion>,
    #[serde(skip)]
    pub(crate) by_id: HashMap<String, usize>,
    /// Sub-criterion ID to (index of its criterion, index within the criterion).
    #[serde(skip)]
    pub(crate) sub_by_id: HashMap<String, (usize, usize)>,
}

/// A domain (chapter) of the catalogue, such as `CRY`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Domain {
    /// Domain code, e.g. `CRY`.
    pub code: String,
    /// Domain name, e.g. `Cryptography and Key Management`.
    pub name: String,
}

/// One criterion of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Criterion ID, e.g. `CRY-03`.
    pub id: String,
    /// Code of the domain the criterion belongs to.
    pub domain: String,
    /// Title as published.
    pub title: String,
    /// German title as published, where the catalogue data carries it (C5:2026).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_de: Option<String>,
    /// Whether the criterion has a more demanding additional criterion.
    ///
    /// C5:2020 data states it per criterion. For a catalogue with sub-criteria
    /// (C5:2026) it is derived from them: `yes` when the criterion has a sharpening or
    /// complementing sub-criterion, `no` otherwise.
    pub additional_criterion: AdditionalCriterion,
    /// How far a scan of cloud configuration can test the criterion.
    pub automation: Automation,
    /// Topics the criterion touches.
    pub tags: Vec<String>,
    /// What the criterion asks of a cloud provider, in Testat's own words.
    pub summary: String,
    /// What the cloud customer must do on their side; empty when nothing.
    #[serde(default)]
    pub customer_part: String,
    /// The sub-criteria in catalogue order (basic, then sharpening, then
    /// complementing); empty for C5:2020 and for the general conditions of C5:2026.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subcriteria: Vec<SubCriterion>,
}

/// One sub-criterion of a C5:2026 criterion, such as `CRY-03.01B`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubCriterion {
    /// Sub-criterion ID: the criterion ID, a dot, two digits and the level's suffix
    /// (`B`, `AS`, `AC`), e.g. `CRY-03.01B`.
    pub id: String,
    /// Basic, sharpening or complementing; matches the ID's suffix.
    pub level: Level,
    /// What the sub-criterion is about, in Testat's own words (at most a dozen words);
    /// a label for navigation, not the requirement.
    pub label: String,
}

/// The level of a C5:2026 sub-criterion.
///
/// Basic sub-criteria are part of every C5:2026 attestation. The additional ones are
/// chosen per engagement: a sharpening sub-criterion makes the basic one with the same
/// number stricter, a complementing one adds a further requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Basic (`…B`).
    Basic,
    /// Additional, sharpening (`…AS`).
    Sharpening,
    /// Additional, complementing (`…AC`).
    Complementing,
}

impl Level {
    /// Every level, in catalogue order.
    pub const ALL: [Level; 3] = [Level::Basic, Level::Sharpening, Level::Complementing];

    /// The word used in the data file and in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Basic => "basic",
            Self::Sharpening => "sharpening",
            Self::Complementing => "complementing",
        }
    }

    /// The suffix that ends a sub-criterion ID of this level: `B`, `AS` or `AC`.
    pub fn suffix(self) -> &'static str {
        match self {
            Self::Basic => "B",
            Self::Sharpening => "AS",
            Self::Complementing => "AC",
        }
    }

    /// Whether this is one of the additional levels (sharpening or complementing).
    pub fn is_additional(self) -> bool {
        self != Self::Basic
    }

    /// The level a sub-criterion ID ends in, if it has the shape of one.
    pub fn of_id(id: &str) -> Option<Level> {
        if !crate::load::is_subcriterion_id(id) {
            return None;
        }
        Some(if id.ends_with("AS") {
            Self::Sharpening
        } else if id.ends_with("AC") {
            Self::Complementing
        } else {
            Self::Basic
        })
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl SubCriterion {
    /// The ID of the criterion this sub-criterion belongs to (`CRY-03.01B` → `CRY-03`).
    pub fn criterion_id(&self) -> &str {
        self.id.split_once('.').map_or(self.id.as_str(), |(c, _)| c)
    }
}

impl Criterion {
    /// The sub-criteria of one level, in catalogue order.
    pub fn subcriteria_at(&self, level: Level) -> impl Iterator<Item = &SubCriterion> {
        self.subcriteria.iter().filter(move |s| s.level == level)
    }

    /// The sub-criterion with exactly this ID (upper case), if it is one of this
    /// criterion's.
    pub fn subcriterion(&self, id: &str) -> Option<&SubCriterion> {
        self.subcriteria.iter().find(|s| s.id == id)
    }
}

/// Whether a criterion has an additional criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AdditionalCriterion {
    /// It has one.
    Yes,
    /// It has none.
    No,
    /// Our sources do not say reliably.
    Unknown,
}

/// How far a criterion can be tested automatically from cloud configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Automation {
    /// Configuration scans give substantial evidence.
    Automated,
    /// Configuration scans cover part of it; the rest needs evidence or attestation.
    Partly,
    /// Only documents, interviews or inspection can show it.
    Manual,
}

impl AdditionalCriterion {
    /// The word used in the data file and in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::No => "no",
            Self::Unknown => "unknown",
        }
    }
}

impl Automation {
    /// The word used in the data file and in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Automated => "automated",
            Self::Partly => "partly",
            Self::Manual => "manual",
        }
    }
}

/// The topic tags a criterion may carry. A catalogue with any other tag is rejected.
pub const TAGS: &[&str] = &[
    "governance",
    "policy",
    "risk",
    "people",
    "asset",
    "physical",
    "capacity",
    "malware",
    "backup",
    "logging",
    "monitoring",
    "vulnerability",
    "hardening",
    "isolation",
    "identity",
    "authentication",
    "encryption",
    "key-management",
    "network",
    "interfaces",
    "portability",
    "deletion",
    "development",
    "change-management",
    "supplier",
    "incident",
    "continuity",
    "compliance",
    "audit",
    "legal",
    "transparency",
    "data-location",
    "availability",
];

impl Catalog {
    /// The domain with this code, if any (exact, upper case).
    pub fn domain(&self, code: &str) -> Option<&Domain> {
        self.domains.iter().find(|d| d.code == code)
    }

    /// The criteria of one domain, in catalogue order.
    pub fn criteria_in<'a>(&'a self, domain: &'a str) -> impl Iterator<Item = &'a Criterion> {
        self.criteria.iter().filter(move |c| c.domain == domain)
    }

    /// The criterion with exactly this ID (upper case), if any.
    pub fn exact(&self, id: &str) -> Option<&Criterion> {
        self.by_id.get(id).and_then(|&i| self.criteria.get(i))
    }

    /// The sub-criterion with exactly this ID (upper case), with its criterion, if any.
    pub fn exact_subcriterion(&self, id: &str) -> Option<(&Criterion, &SubCriterion)> {
        let &(c, s) = self.sub_by_id.get(id)?;
        let criterion = self.criteria.get(c)?;
        Some((criterion, criterion.subcriteria.get(s)?))
    }

    /// Whether `id` (exact, upper case) is a criterion or a sub-criterion of this
    /// catalogue.
    pub fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id) || self.sub_by_id.contains_key(id)
    }

    /// Whether the catalogue has sub-criteria (C5:2026 does, C5:2020 does not).
    pub fn has_subcriteria(&self) -> bool {
        !self.sub_by_id.is_empty()
    }

    /// All sub-criteria with their criteria, in catalogue order.
    pub fn subcriteria(&self) -> impl Iterator<Item = (&Criterion, &SubCriterion)> {
        self.criteria
            .iter()
            .flat_map(|c| c.subcriteria.iter().map(move |s| (c, s)))
    }

    /// Which C5 version this catalogue is, when it is one of the BSI's C5 catalogues
    /// (named `C5:<year>`, version `<year>`).
    pub fn c5_version(&self) -> Option<C5Version> {
        let version: C5Version = self.version.parse().ok()?;
        (self.name == version.name()).then_some(version)
    }
}
