//! The status roll-up: one status per criterion of the catalogue, with the reasons for
//! it, derived from plain inputs. No I/O and no clock: the caller reads the store and
//! passes `today`.
//!
//! # Inputs
//!
//! - [`RuleResult`]s: per scope and rule, the outcome of the latest recorded run of that
//!   scope (failing and excepted resource addresses, passed and unknown counts) and the
//!   criteria the rule serves.
//! - Attestations (the latest per criterion counts), evidence, exceptions (from the
//!   store and `testat.toml`), and the investigation-request register's verdicts for
//!   INQ-01 to INQ-04.
//!
//! # Rules
//!
//! 1. **Exceptions are applied again on `today`.** A failing or excepted finding
//!    counts as excepted only while an exception that covers its rule and resource is
//!    active; otherwise it counts as failing (an exception that expired is named).
//!    With `recorded_failures_stand` (dates in the past), only findings excepted when
//!    scanned are checked again; recorded failures stand.
//! 2. **Scans**: a criterion's scan verdict is *fail* when any finding of a rule
//!    mapped to it fails (each rule and resource is a reason), *pass* when findings
//!    passed or were excepted and none fails, and absent otherwise. Unknown findings
//!    are a reason, never a pass.
//! 3. **Manual part**: from the latest attestation and the evidence. `planned` →
//!    not met; `implemented` with valid evidence → met; `implemented` without valid
//!    evidence, `partial`, or valid evidence without an attestation → partly met.
//!    Evidence is valid unless its `valid_until` is before today (expired evidence is
//!    a reason) or its `effective` date is after today. An overdue review
//!    (`next_review` before today) is a reason and lowers met to partly met.
//! 4. **INQ-01 to INQ-04**: the register's verdict counts as evidence when it
//!    supports the criterion; gaps make the criterion not met, each gap a reason.
//! 5. **Combining**, in this order: a `not-applicable` attestation → not applicable;
//!    a failing scan → not met; then by the catalogue's automation level:
//!    *automated*: a passing scan → met, else the manual part decides;
//!    *manual*: the manual part decides, else a passing scan → partly met;
//!    *partly*: passing scan and met manual part → met, planned → not met, nothing →
//!    not assessed, anything else → partly met.
//!    Nothing at all → not assessed.

use std::collections::BTreeMap;
use std::fmt;

mod assessment;
pub mod example;
mod framework;
mod gdpr;
mod handout;
mod levels;
mod model;
mod period;
mod service;
mod transition;

pub use assessment::{
    AssessmentInputs, PeriodInputs, RuleInfo, apply_scope, build_assessment, day_bounds,
};
pub use period::{
    Change, RunPoint, ScopeHistory, draw_sample, failure_intervals, gaps_and_coverage,
    median_time_to_fix,
};

pub use framework::{
    ControlRollup, FrameworkRollup, FrameworkSupport, MappedCriterion, SupportCounts,
    framework_rollup,
};
pub use gdpr::{
    BreachNotification, GDPR_DISCLAIMER, GdprInputs, GdprPack, LocationTransfer,
    SubserviceTransfer, TOM_HEADINGS, TomCriterion, TomHeading, TransferState, TransparencyFigures,
    gdpr_pack, in_eu_eea,
};
pub use handout::{HANDOUT_SCHEMA, customer_handout};
pub use levels::{LevelScope, OutOfLevel, PartlyInLevel, apply_levels};
pub use model::*;
pub use service::{
    DEPLOYMENT_MODELS, GdprCommitments, LOCATION_PURPOSES, Location, OutOfScope, SERVICE_MODELS,
    SUBSERVICE_METHODS, ScopedOut, Service, ServiceDescription, ServiceError, Subservice,
    TransferMechanism,
};
pub use transition::{
    CarriedAttestation, CarriedEvidence, Counterpart, Transition, TransitionCriterion,
    TransitionDomain, TransitionInputs, transition,
};

/// How many failing resources one reason names; the rest are counted.
pub const REASON_ADDRESSES: usize = 10;

/// How the Type 2 sample is drawn, as written into the report.
pub const SAMPLE_METHOD: &str = "splitmix64(seed), partial Fisher-Yates shuffle of the period's runs (by ID) and evidence (by ID), first N of each";

use chrono::NaiveDate;
use serde::Serialize;
use testat_catalog::{Automation, Catalog, Criterion};
use testat_inquiry::{InqCriterion, InqSupport};
use testat_records::{AttestStatus, Attestation, Evidence};
use testat_rules::Exception;

/// The status of one criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Status {
    /// Everything that was checked holds.
    #[serde(rename = "met")]
    Met,
    /// Part of it is in place, or part of what is needed is missing.
    #[serde(rename = "partly met")]
    PartlyMet,
    /// Something failed, or it is only planned.
    #[serde(rename = "not met")]
    NotMet,
    /// Nothing is recorded about it.
    #[serde(rename = "not assessed")]
    NotAssessed,
    /// Attested as not applicable to the service.
    #[serde(rename = "not applicable")]
    NotApplicable,
}

impl Status {
    /// The word used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::PartlyMet => "partly met",
            Self::NotMet => "not met",
            Self::NotAssessed => "not assessed",
            Self::NotApplicable => "not applicable",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The latest recorded outcome of one rule in one scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleResult {
    /// The scope of the run (`default` unless named).
    pub scope: String,
    /// The run the findings are from.
    pub run: i64,
    /// The rule ID.
    pub rule: String,
    /// The criteria the rule serves.
    pub criteria: Vec<String>,
    /// Addresses of resources that failed.
    pub failing: Vec<String>,
    /// Addresses of resources that were excepted when scanned.
    pub excepted: Vec<String>,
    /// How many resources passed.
    pub passed: usize,
    /// How many findings were unknown or errors.
    pub unknown: usize,
    /// The rule's parameters that the run set off their defaults, as `name = value`.
    pub parameters: Vec<String>,
}

/// Everything the roll-up reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inputs<'a> {
    /// Latest scan results, per scope and rule.
    pub rules: &'a [RuleResult],
    /// Attestations (any order; the one with the largest ID per criterion counts).
    pub attestations: &'a [Attestation],
    /// Evidence records.
    pub evidence: &'a [Evidence],
    /// Exceptions (store and `testat.toml`).
    pub exceptions: &'a [Exception],
    /// The register's verdicts for INQ-01 to INQ-04.
    pub inquiry: &'a [InqCriterion],
    /// Take failures as recorded: exceptions are checked again only for findings that
    /// were excepted when scanned (to see whether they lapsed), never applied to
    /// recorded failures. Set for dates in the past, where an exception approved
    /// later must not excuse a failure that stood then.
    pub recorded_failures_stand: bool,
}

/// The status of one criterion, with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriterionStatus {
    /// Criterion ID.
    pub criterion: String,
    /// Domain code.
    pub domain: String,
    /// Title.
    pub title: String,
    /// The catalogue's automation level.
    pub automation: &'static str,
    /// The status.
    pub status: Status,
    /// Why, one line each.
    pub reasons: Vec<String>,
}

/// The verdict of the manual part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Manual {
    None,
    Met,
    Partly,
    NotMet,
}

/// The verdict of the scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    None,
    Pass,
    Fail,
}

/// Derives the status of every criterion of `catalog` on `today`.
pub fn assess(catalog: &Catalog, inputs: &Inputs<'_>, today: NaiveDate) -> Vec<CriterionStatus> {
    let mut latest: BTreeMap<&str, &Attestation> = BTreeMap::new();
    for a in inputs.attestations {
        let slot = latest.entry(a.criterion.as_str()).or_insert(a);
        if a.id > slot.id {
            *slot = a;
        }
    }
    catalog
        .criteria
        .iter()
        .map(|c| assess_one(c, inputs, latest.get(c.id.as_str()).copied(), today))
        .collect()
}

fn assess_one(
    criterion: &Criterion,
    inputs: &Inputs<'_>,
    attestation: Option<&Attestation>,
    today: NaiveDate,
) -> CriterionStatus {
    let id = criterion.id.as_str();
    let mut reasons = Vec::new();
    let scan = scan_verdict(id, inputs, today, &mut reasons);
    let (register, register_supports) = register_verdict(id, inputs.inquiry, &mut reasons);
    let scan = match (scan, register) {
        (Scan::Fail, _) | (_, Scan::Fail) => Scan::Fail,
        (s, _) => s,
    };
    let manual = manual_verdict(
        id,
        inputs,
        attestation,
        register_supports,
        today,
        &mut reasons,
    );
    let not_applicable = attestation.is_some_and(|a| a.status == AttestStatus::NotApplicable);
    let status = if not_applicable {
        Status::NotApplicable
    } else if scan == Scan::Fail {
        Status::NotMet
    } else {
        combine(criterion.automation, scan, manual)
    };
    if status == Status::NotAssessed && reasons.is_empty() {
        reasons.push("nothing recorded: no scan results, attestation or evidence".into());
    }
    CriterionStatus {
        criterion: criterion.id.clone(),
        domain: criterion.domain.clone(),
        title: criterion.title.clone(),
        automation: criterion.automation.as_str(),
        status,
        reasons,
    }
}

fn combine(automation: Automation, scan: Scan, manual: Manual) -> Status {
    let from_manual = |m: Manual| match m {
        Manual::None => Status::NotAssessed,
        Manual::Met => Status::Met,
        Manual::Partly => Status::PartlyMet,
        Manual::NotMet => Status::NotMet,
    };
    match automation {
        Automation::Automated => match scan {
            Scan::Pass => Status::Met,
            _ => from_manual(manual),
        },
        Automation::Manual => match (manual, scan) {
            (Manual::None, Scan::Pass) => Status::PartlyMet,
            (m, _) => from_manual(m),
        },
        Automation::Partly => match (scan, manual) {
            (Scan::Pass, Manual::Met) => Status::Met,
            (_, Manual::NotMet) => Status::NotMet,
            (Scan::None, Manual::None) => Status::NotAssessed,
            _ => Status::PartlyMet,
        },
    }
}

fn scope_note(scope: &str) -> String {
    if scope == "default" {
        String::new()
    } else {
        format!(" (scope {scope})")
    }
}

/// Applies today's exceptions to the findings of the rules mapped to `id`.
fn scan_verdict(
    id: &str,
    inputs: &Inputs<'_>,
    today: NaiveDate,
    reasons: &mut Vec<String>,
) -> Scan {
    let mut any_pass = false;
    let mut any_fail = false;
    for r in inputs
        .rules
        .iter()
        .filter(|r| r.criteria.iter().any(|c| c == id))
    {
        let scope = scope_note(&r.scope);
        let mut failing = Vec::new();
        let recorded_failures = r.failing.iter().map(|a| (a, true));
        for (address, failed) in recorded_failures.chain(r.excepted.iter().map(|a| (a, false))) {
            let covering: Vec<&Exception> = inputs
                .exceptions
                .iter()
                .filter(|e| e.matches(&r.rule, address))
                .collect();
            let active = covering.iter().find(|e| e.is_active(today));
            if failed && inputs.recorded_failures_stand && active.is_some() {
                failing.push(address.clone());
            } else if let Some(active) = active {
                any_pass = true;
                reasons.push(format!(
                    "{} on {address}{scope}: excepted until {} ({}; approved by {})",
                    r.rule, active.expires, active.justification, active.approved_by
                ));
            } else if let Some(expired) = covering.iter().max_by_key(|e| e.expires) {
                failing.push(format!("{address} (exception expired {})", expired.expires));
            } else {
                failing.push(address.clone());
            }
        }
        if !failing.is_empty() {
            any_fail = true;
            // The addresses are all in the rule's outcome; a reason names a few.
            let named = failing.len().min(REASON_ADDRESSES);
            let rest = match failing.len() - named {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            reasons.push(format!(
                "{} failed on {}{rest}{scope} (run {})",
                r.rule,
                failing[..named].join(", "),
                r.run
            ));
        }
        if r.passed > 0 {
            any_pass = true;
        }
        if r.unknown > 0 {
            reasons.push(format!(
                "{}: {} finding(s) could not be decided (unknown or error){scope}",
                r.rule, r.unknown
            ));
        }
    }
    if any_fail {
        Scan::Fail
    } else if any_pass {
        reasons.push("every resource checked by the mapped rules passes".into());
        Scan::Pass
    } else {
        Scan::None
    }
}

/// The register's verdict for INQ-01 to INQ-04: `Fail` on gaps; `true` when it supports
/// the criterion (counted as evidence).
fn register_verdict(id: &str, inquiry: &[InqCriterion], reasons: &mut Vec<String>) -> (Scan, bool) {
    let Some(c) = inquiry.iter().find(|c| c.criterion == id) else {
        return (Scan::None, false);
    };
    match c.support {
        InqSupport::Supported => {
            reasons.extend(c.reasons.iter().map(|r| format!("register: {r}")));
            (Scan::None, true)
        }
        InqSupport::Gaps => {
            reasons.extend(c.reasons.iter().map(|r| format!("register: {r}")));
            (Scan::Fail, false)
        }
        InqSupport::NoRequests => {
            reasons.push("register: no investigation requests recorded".into());
            (Scan::None, false)
        }
    }
}

fn manual_verdict(
    id: &str,
    inputs: &Inputs<'_>,
    attestation: Option<&Attestation>,
    register_supports: bool,
    today: NaiveDate,
    reasons: &mut Vec<String>,
) -> Manual {
    let mut valid = usize::from(register_supports);
    for e in inputs
        .evidence
        .iter()
        .filter(|e| e.criteria.iter().any(|c| c == id))
    {
        if let Some(until) = e.valid_until.filter(|u| *u < today) {
            reasons.push(format!("evidence {} expired on {until}", e.id));
        } else if let Some(from) = e.effective.filter(|f| *f > today) {
            reasons.push(format!("evidence {} is not effective before {from}", e.id));
        } else {
            valid += 1;
        }
    }
    if valid > 0 {
        reasons.push(format!("{valid} piece(s) of valid evidence"));
    }
    let Some(a) = attestation else {
        return if valid > 0 {
            reasons.push("no attestation recorded".into());
            Manual::Partly
        } else {
            Manual::None
        };
    };
    reasons.push(format!(
        "attested {} by {} (attestation {}, owner {})",
        a.status, a.attested_by, a.id, a.owner
    ));
    let overdue = a.next_review.filter(|d| *d < today);
    if let Some(d) = overdue {
        reasons.push(format!("review overdue since {d}"));
    }
    match a.status {
        AttestStatus::Implemented if valid > 0 && overdue.is_none() => Manual::Met,
        AttestStatus::Implemented => {
            if valid == 0 {
                reasons.push("no valid evidence".into());
            }
            Manual::Partly
        }
        AttestStatus::Partial => Manual::Partly,
        AttestStatus::Planned => Manual::NotMet,
        // `not-applicable` is decided by the caller.
        AttestStatus::NotApplicable => Manual::None,
    }
}

#[cfg(test)]
mod tests;
