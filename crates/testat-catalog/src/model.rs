//! The catalogue model: domains and criteria.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// A criteria catalogue such as C5:2020: its domains and criteria in catalogue order.
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
    /// Whether the criterion has a more demanding additional criterion.
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
}
