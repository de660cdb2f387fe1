//! The move from C5:2020 to C5:2026, as a plain value: for every C5:2026 criterion,
//! what a C5:2020 engagement already has for it and what is missing.
//!
//! What carries over, per C5:2026 criterion:
//! - the rules that name it (or one of its sub-criteria) in `criteria_2026`;
//! - evidence recorded for one of its C5:2020 counterparts in the crosswalk that is
//!   valid today and still valid on the first day of the first C5:2026 period;
//! - the latest attestation of each counterpart, unless its review is overdue.
//!
//! What is missing:
//! - criteria new in C5:2026 (no counterpart);
//! - sub-criteria to cover anew: of a criterion that is not `equal` to a C5:2020 one,
//!   every sub-criterion no rule names;
//! - evidence valid today that lapses before the first C5:2026 period begins.
//!
//! Nothing here changes a record; carrying an attestation over is a separate, audited
//! step.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use testat_catalog::{Catalog, Crosswalk, Relation};
use testat_records::{Attestation, Evidence};

/// The transition report's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transition {
    /// The version moved from: `C5:2020`.
    pub from: String,
    /// The version moved to: `C5:2026`.
    pub to: String,
    /// The day the report holds for.
    pub as_of: NaiveDate,
    /// The first day of the first C5:2026 period (evidence must be valid on it).
    pub first_period: NaiveDate,
    /// Counts per domain of the C5:2026 catalogue, in catalogue order.
    pub domains: Vec<TransitionDomain>,
    /// One entry per C5:2026 criterion, in catalogue order.
    pub criteria: Vec<TransitionCriterion>,
}

/// Counts of one C5:2026 domain: the size of the work at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransitionDomain {
    /// Domain code.
    pub code: String,
    /// Domain name.
    pub name: String,
    /// Its criteria.
    pub criteria: usize,
    /// Criteria for which something carries over (a rule, evidence or an attestation).
    pub carried: usize,
    /// Criteria new in C5:2026.
    pub new: usize,
    /// Criteria with counterparts for which nothing carries over.
    pub nothing_carried: usize,
    /// Sub-criteria to cover anew.
    pub subcriteria_to_cover: usize,
    /// Pieces of evidence that lapse before the first C5:2026 period.
    pub lapsing_evidence: usize,
}

/// One C5:2026 criterion in the transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransitionCriterion {
    /// Criterion ID.
    pub id: String,
    /// Domain code.
    pub domain: String,
    /// Title.
    pub title: String,
    /// Its C5:2020 counterparts in the crosswalk; empty when it is new.
    pub counterparts: Vec<Counterpart>,
    /// Whether it is new in C5:2026.
    pub new: bool,
    /// Rules that test it.
    pub rules: Vec<String>,
    /// Its sub-criteria that those rules name.
    pub tested_subcriteria: Vec<String>,
    /// Evidence of its counterparts that carries over.
    pub evidence: Vec<CarriedEvidence>,
    /// Attestations of its counterparts that carry over (after `testat attest …
    /// --from-2020`).
    pub attestations: Vec<CarriedAttestation>,
    /// Evidence of its counterparts that lapses before the first C5:2026 period.
    pub lapsing: Vec<CarriedEvidence>,
    /// Sub-criteria to cover anew.
    pub subcriteria_to_cover: Vec<String>,
}

impl TransitionCriterion {
    /// Whether anything carries over.
    pub fn carries_something(&self) -> bool {
        !self.rules.is_empty() || !self.evidence.is_empty() || !self.attestations.is_empty()
    }
}

/// A C5:2020 criterion the C5:2026 one corresponds to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counterpart {
    /// The C5:2020 criterion ID.
    pub id: String,
    /// How the C5:2026 criterion relates to it.
    pub relation: &'static str,
    /// What differs.
    pub reason: String,
}

/// A piece of evidence recorded for a C5:2020 counterpart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CarriedEvidence {
    /// Evidence ID in the store.
    pub id: i64,
    /// The C5:2020 criterion it was recorded for.
    pub via: String,
    /// Its last valid day, if it has one.
    pub valid_until: Option<NaiveDate>,
}

/// The latest attestation of a C5:2020 counterpart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CarriedAttestation {
    /// Attestation ID in the store.
    pub id: i64,
    /// The C5:2020 criterion it was recorded for.
    pub via: String,
    /// Its status.
    pub status: String,
}

/// What [`transition`] reads.
#[derive(Debug, Clone, Copy)]
pub struct TransitionInputs<'a> {
    /// The C5:2026 catalogue.
    pub to: &'a Catalog,
    /// The crosswalk C5:2020 → C5:2026.
    pub crosswalk: &'a Crosswalk,
    /// Rule ID → the rule's `criteria_2026` entries.
    pub rules: &'a BTreeMap<String, Vec<String>>,
    /// Evidence of the C5:2020 store.
    pub evidence: &'a [Evidence],
    /// Attestations of the C5:2020 store (any order).
    pub attestations: &'a [Attestation],
    /// Today.
    pub as_of: NaiveDate,
    /// The first day of the first C5:2026 period.
    pub first_period: NaiveDate,
}

/// The transition from C5:2020 to C5:2026 (see the module documentation).
pub fn transition(inputs: &TransitionInputs<'_>) -> Transition {
    let today = inputs.as_of;
    // The latest attestation of each C5:2020 criterion.
    let mut latest: BTreeMap<&str, &Attestation> = BTreeMap::new();
    for a in inputs.attestations {
        let slot = latest.entry(a.criterion.as_str()).or_insert(a);
        if a.id > slot.id {
            *slot = a;
        }
    }
    let criteria: Vec<TransitionCriterion> = inputs
        .to
        .criteria
        .iter()
        .map(|c| {
            let counterparts: Vec<Counterpart> = inputs
                .crosswalk
                .to_2020(&c.id)
                .into_iter()
                .filter_map(|p| {
                    p.c5_2020.as_ref().map(|id| Counterpart {
                        id: id.clone(),
                        relation: p.relation.as_str(),
                        reason: p.reason.trim().to_owned(),
                    })
                })
                .collect();
            let mut rules = Vec::new();
            let mut tested = Vec::new();
            for (rule, entries) in inputs.rules {
                let mut serves = false;
                for entry in entries {
                    if entry.split('.').next() == Some(c.id.as_str()) {
                        serves = true;
                        if entry.contains('.') && !tested.contains(entry) {
                            tested.push(entry.clone());
                        }
                    }
                }
                if serves {
                    rules.push(rule.clone());
                }
            }
            tested.sort();
            let mut evidence = Vec::new();
            let mut lapsing = Vec::new();
            for cp in &counterparts {
                for e in inputs
                    .evidence
                    .iter()
                    .filter(|e| e.criteria.contains(&cp.id))
                {
                    if e.valid_until.is_some_and(|d| d < today) {
                        continue;
                    }
                    let carried = CarriedEvidence {
                        id: e.id,
                        via: cp.id.clone(),
                        valid_until: e.valid_until,
                    };
                    if e.valid_until.is_some_and(|d| d < inputs.first_period) {
                        lapsing.push(carried);
                    } else {
                        evidence.push(carried);
                    }
                }
            }
            let attestations = counterparts
                .iter()
                .filter_map(|cp| latest.get(cp.id.as_str()).map(|a| (cp, a)))
                .filter(|(_, a)| a.next_review.is_none_or(|d| d >= today))
                .map(|(cp, a)| CarriedAttestation {
                    id: a.id,
                    via: cp.id.clone(),
                    status: a.status.as_str().to_owned(),
                })
                .collect();
            let equal = counterparts
                .iter()
                .any(|cp| cp.relation == Relation::Equal.as_str());
            let subcriteria_to_cover = if equal {
                Vec::new()
            } else {
                c.subcriteria
                    .iter()
                    .filter(|s| !tested.contains(&s.id))
                    .map(|s| s.id.clone())
                    .collect()
            };
            TransitionCriterion {
                id: c.id.clone(),
                domain: c.domain.clone(),
                title: c.title.clone(),
                new: counterparts.is_empty(),
                counterparts,
                rules,
                tested_subcriteria: tested,
                evidence,
                attestations,
                lapsing,
                subcriteria_to_cover,
            }
        })
        .collect();
    let domains = inputs
        .to
        .domains
        .iter()
        .map(|d| {
            let rows: Vec<&TransitionCriterion> =
                criteria.iter().filter(|c| c.domain == d.code).collect();
            TransitionDomain {
                code: d.code.clone(),
                name: d.name.clone(),
                criteria: rows.len(),
                carried: rows.iter().filter(|c| c.carries_something()).count(),
                new: rows.iter().filter(|c| c.new).count(),
                nothing_carried: rows
                    .iter()
                    .filter(|c| !c.new && !c.carries_something())
                    .count(),
                subcriteria_to_cover: rows.iter().map(|c| c.subcriteria_to_cover.len()).sum(),
                lapsing_evidence: rows.iter().map(|c| c.lapsing.len()).sum(),
            }
        })
        .collect();
    Transition {
        from: "C5:2020".into(),
        to: inputs.to.name.clone(),
        as_of: today,
        first_period: inputs.first_period,
        domains,
        criteria,
    }
}
