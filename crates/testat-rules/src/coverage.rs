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
    /// The sub-criteria the rules name (C5:2026; empty when they name the criterion
    /// as a whole, and for C5:2020).
    pub subcriteria: Vec<String>,
}

impl CriterionCoverage {
    /// Whether scans could test it (automated or partly) but no rule does.
    pub fn is_gap(&self) -> bool {
        self.automation != Automation::Manual && self.rules.is_empty()
    }
}

/// For every criterion of the catalogue, in catalogue order, the rules that serve it.
///
/// A catalogue with sub-criteria (C5:2026) is matched against the rules'
/// `criteria_2026`, where a sub-criterion counts for its criterion; any other catalogue
/// against `criteria`.
pub fn coverage(rules: &RuleSet, catalog: &Catalog) -> Vec<CriterionCoverage> {
    if catalog.criteria.iter().any(|c| !c.subcriteria.is_empty()) {
        return coverage_2026(rules, catalog);
    }
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
            subcriteria: Vec::new(),
        })
        .collect()
}

/// [`coverage`] through the rules' `criteria_2026`.
fn coverage_2026(rules: &RuleSet, catalog: &Catalog) -> Vec<CriterionCoverage> {
    catalog
        .criteria
        .iter()
        .map(|criterion| {
            let mut ids = Vec::new();
            let mut subcriteria = Vec::new();
            for rule in rules.rules() {
                let mut serves = false;
                for entry in &rule.spec.criteria_2026 {
                    let parent = entry.split('.').next().unwrap_or(entry);
                    if parent != criterion.id {
                        continue;
                    }
                    serves = true;
                    if entry.contains('.') && !subcriteria.contains(entry) {
                        subcriteria.push(entry.clone());
                    }
                }
                if serves {
                    ids.push(rule.id().to_owned());
                }
            }
            subcriteria.sort();
            CriterionCoverage {
                id: criterion.id.clone(),
                domain: criterion.domain.clone(),
                automation: criterion.automation,
                rules: ids,
                subcriteria,
            }
        })
        .collect()
}
