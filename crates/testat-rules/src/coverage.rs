//! How well the rules cover the catalogue.

use testat_catalog::{Automation, Catalog};

use crate::ruleset::RuleSet;

/// The rules that serve one criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionCoverage {
    /// Criterion ID.
    pub id: String,
    /// Domain code.
    pub domain: String,
    /// How far the catalogue says configuration scans can test it.
    pub automation: Automation,
    /// IDs of the rules that give evidence for it.
    pub rules: Vec<String>,
}

impl CriterionCoverage {
    /// Whether scans could test it (automated or partly) but no rule does.
    pub fn is_gap(&self) -> bool {
        self.automation != Automation::Manual && self.rules.is_empty()
    }
}

/// For every criterion of the catalogue, in catalogue order, the rules that serve it.
pub fn coverage(rules: &RuleSet, catalog: &Catalog) -> Vec<CriterionCoverage> {
    catalog
        .criteria
        .iter()
        .map(|criterion| CriterionCoverage {
            id: criterion.id.clone(),
            domain: criterion.domain.clone(),
            automation: criterion.automation,
            rules: rules
                .rules()
                .iter()
                .filter(|r| r.spec.criteria.contains(&criterion.id))
                .map(|r| r.id().to_owned())
                .collect(),
        })
        .collect()
}
