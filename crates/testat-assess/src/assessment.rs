//! Builds an [`Assessment`] (Type 1 or Type 2) from the status roll-up, the scope and,
//! for Type 2, the period's run histories.
//!
//! # Type 1 (design at a date)
//!
//! The roll-up ([`assess`](crate::assess)) over what the store held at the end of that
//! day. Criteria scoped out in `testat.toml` are `not applicable`, the scope reason
//! first among their reasons.
//!
//! # Type 2 (operation over a period)
//!
//! The status at the end of the period, then the period's deviations per criterion:
//!
//! - every failure interval of a mapped rule (fixed or still open at the end);
//! - every gap in the runs of a scope in which a mapped rule had findings;
//! - for `manual` and `partly` criteria: no evidence in force during the period, and
//!   evidence that expired in the period without a successor;
//! - attestation reviews that fell due in the period and were late or not done (a
//!   review is done when a newer attestation of the criterion is recorded).
//!
//! A criterion that would be `met` but has deviations is `partly met`; the statuses
//! `not met`, `not assessed` and `not applicable` stand.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use testat_catalog::Catalog;
use testat_records::{Attestation, Evidence, EvidenceKind};

use crate::levels::LevelScope;
use crate::model::{
    ASSESSMENT_SCHEMA, Assessment, AssessmentKind, AttestationRef, CatalogRef, CriterionResult,
    DomainResult, EvidenceRef, ExceptionRef, FailureInterval, PeriodResult, RuleOutcome, Sample,
    SampledRun, StatusCounts,
};
use crate::period::{
    ScopeHistory, draw_sample, failure_intervals, gaps_and_coverage, median_time_to_fix,
};
use crate::service::{ScopedOut, ServiceDescription};
use crate::{CriterionStatus, Inputs, SAMPLE_METHOD, Status};

/// A rule of the rule set: its title and the criteria it serves.
#[derive(Debug, Clone, Default)]
pub struct RuleInfo {
    /// Rule title.
    pub title: String,
    /// Criteria it serves.
    pub criteria: Vec<String>,
}

impl RuleInfo {
    /// Every rule of `rules` by ID, as the roll-up and the assessments read them.
    pub fn of(rules: &testat_rules::RuleSet) -> BTreeMap<String, RuleInfo> {
        rules
            .rules()
            .iter()
            .map(|r| {
                (
                    r.id().to_owned(),
                    RuleInfo {
                        title: r.spec.title.clone(),
                        criteria: r.spec.criteria.clone(),
                    },
                )
            })
            .collect()
    }
}

/// What a Type 2 assessment reads beyond the end-of-period state.
#[derive(Debug, Clone, Copy)]
pub struct PeriodInputs<'a> {
    /// Each scope's runs around the period.
    pub histories: &'a [ScopeHistory],
    /// The longest allowed time without a run.
    pub max_gap: Duration,
    /// `(size, seed)` when the auditor asked for a sample.
    pub sample: Option<(usize, u64)>,
}

/// Everything an assessment is built from.
#[derive(Debug, Clone, Copy)]
pub struct AssessmentInputs<'a> {
    /// Type 1 or Type 2.
    pub kind: AssessmentKind,
    /// The store's state at the end of the date or period.
    pub state: Inputs<'a>,
    /// Every rule of the rule set, by ID.
    pub rules: &'a BTreeMap<String, RuleInfo>,
    /// The service description.
    pub service: &'a ServiceDescription,
    /// Criteria scoped out (validated).
    pub scope: &'a [ScopedOut],
    /// C5:2026: the levels of sub-criteria covered (`None` for a catalogue without
    /// sub-criteria). The rules' criteria in `rules` must already follow it
    /// ([`LevelScope::criteria_of`]).
    pub levels: Option<&'a LevelScope>,
    /// Type 2 only.
    pub period: Option<PeriodInputs<'a>>,
    /// When the report is produced.
    pub generated_at: DateTime<Utc>,
    /// Testat's version.
    pub tool_version: &'a str,
}

/// The first and last instant of a period of days, in UTC.
pub fn day_bounds(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = from.and_time(chrono::NaiveTime::MIN).and_utc();
    let end = (to + Duration::days(1))
        .and_time(chrono::NaiveTime::MIN)
        .and_utc();
    (start, end)
}

/// Builds the assessment.
pub fn build_assessment(catalog: &Catalog, inputs: &AssessmentInputs<'_>) -> Assessment {
    let end = inputs.kind.end();
    let mut statuses = crate::assess(catalog, &inputs.state, end);
    if let Some(levels) = inputs.levels {
        crate::levels::apply_levels(&mut statuses, levels);
    }
    apply_scope(&mut statuses, inputs.scope);
    let latest = latest_attestations(inputs.state.attestations);
    let (start, stop) = inputs.kind.bounds();
    let period_start = start.date_naive();

    let intervals = inputs
        .period
        .map(|p| failure_intervals(p.histories, start))
        .unwrap_or_default();
    let (gaps, coverage) = inputs
        .period
        .map(|p| gaps_and_coverage(p.histories, start, stop, p.max_gap))
        .unwrap_or_default();
    // Which scopes each rule had findings in (its gaps matter to its criteria).
    let mut rule_scopes: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in inputs.state.rules {
        rule_scopes.entry(&r.rule).or_default().insert(&r.scope);
    }
    // Each rule's intervals, as positions in `intervals` (which is in report order).
    let mut rule_intervals: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (n, i) in intervals.iter().enumerate() {
        rule_scopes.entry(&i.rule).or_default().insert(&i.scope);
        rule_intervals.entry(&i.rule).or_default().push(n);
    }

    let mut criteria = Vec::with_capacity(statuses.len());
    for status in statuses {
        let id = status.criterion.as_str();
        let mapped: Vec<(&String, &RuleInfo)> = inputs
            .rules
            .iter()
            .filter(|(_, r)| r.criteria.iter().any(|c| c == id))
            .collect();
        let mut result = CriterionResult {
            id: status.criterion.clone(),
            domain: status.domain.clone(),
            title: status.title.clone(),
            automation: status.automation,
            status: status.status,
            reasons: status.reasons,
            scoped_out: None,
            out_of_level: inputs
                .levels
                .and_then(|l| l.out_of_level(id))
                .map(|o| o.levels.clone()),
            excluded_subcriteria: inputs
                .levels
                .map(|l| l.excluded_subcriteria(id).to_vec())
                .unwrap_or_default(),
            rules: rule_outcomes(&mapped, &inputs.state),
            attestation: latest.get(id).map(|a| attestation_ref(a)),
            evidence: evidence_refs(id, inputs.state.evidence, end),
            exceptions: exception_refs(&mapped, &inputs.state, end),
            failures: {
                let mut mine: Vec<usize> = mapped
                    .iter()
                    .filter_map(|(rule, _)| rule_intervals.get(rule.as_str()))
                    .flatten()
                    .copied()
                    .collect();
                mine.sort_unstable();
                mine.into_iter().map(|n| intervals[n].clone()).collect()
            },
            deviations: Vec::new(),
        };
        if inputs.period.is_some() {
            let scopes: BTreeSet<&str> = mapped
                .iter()
                .filter_map(|(rule, _)| rule_scopes.get(rule.as_str()))
                .flatten()
                .copied()
                .collect();
            for g in gaps.iter().filter(|g| scopes.contains(g.scope.as_str())) {
                result.deviations.push(format!(
                    "no run in scope {} from {} to {} ({} h, more than {} h allowed)",
                    g.scope,
                    g.from.format("%Y-%m-%d %H:%M"),
                    g.to.format("%Y-%m-%d %H:%M"),
                    g.hours,
                    inputs.period.map_or(0, |p| p.max_gap.num_hours())
                ));
            }
            result
                .deviations
                .extend(result.failures.iter().map(describe_failure));
            if status.automation != "automated" {
                manual_deviations(&mut result, inputs, period_start, end);
            }
            if result.status == Status::Met && !result.deviations.is_empty() {
                result.status = Status::PartlyMet;
                result.reasons.push(format!(
                    "operated with {} deviation(s) during the period",
                    result.deviations.len()
                ));
            }
        }
        result.scoped_out = inputs
            .scope
            .iter()
            .find(|s| s.criterion == result.id)
            .map(|s| s.reason.clone());
        criteria.push(result);
    }

    let (counts, domains) = tally(catalog, &criteria);

    let period = match (inputs.kind, inputs.period) {
        (AssessmentKind::Type2 { from, to }, Some(p)) => Some(PeriodResult {
            from,
            to,
            max_gap_hours: p.max_gap.num_hours(),
            runs: p
                .histories
                .iter()
                .map(|h| (h.scope.clone(), h.runs.len()))
                .collect(),
            coverage_percent: coverage,
            gaps,
            median_time_to_fix_secs: median_time_to_fix(&intervals),
            sample: p
                .sample
                .map(|(size, seed)| sample(p.histories, inputs, start, end, size, seed)),
        }),
        _ => None,
    };

    Assessment {
        schema: ASSESSMENT_SCHEMA,
        kind: inputs.kind,
        generated_at: inputs.generated_at,
        tool_version: inputs.tool_version.to_owned(),
        catalog: CatalogRef {
            name: catalog.name.clone(),
            version: catalog.version.clone(),
        },
        service: inputs.service.clone(),
        scope: inputs.scope.to_vec(),
        levels: inputs.levels.cloned(),
        counts,
        domains,
        criteria,
        period,
        frameworks: Vec::new(),
    }
}

/// Marks the criteria scoped out as `not applicable`, the scope reason first among
/// their reasons (the rest stay, for information).
pub fn apply_scope(statuses: &mut [CriterionStatus], scope: &[ScopedOut]) {
    for c in statuses {
        if let Some(s) = scope.iter().find(|s| s.criterion == c.criterion) {
            c.status = Status::NotApplicable;
            let by = s
                .subservice
                .as_ref()
                .map_or(String::new(), |n| format!(" (covered by {n})"));
            c.reasons
                .insert(0, format!("out of scope: {}{by}", s.reason));
        }
    }
}

/// The criteria per status, overall and per domain (in catalogue order).
pub(crate) fn tally(
    catalog: &Catalog,
    criteria: &[CriterionResult],
) -> (StatusCounts, Vec<DomainResult>) {
    let mut counts = StatusCounts::default();
    let mut by_domain: BTreeMap<&str, StatusCounts> = BTreeMap::new();
    for c in criteria {
        counts.add(c.status);
        by_domain.entry(&c.domain).or_default().add(c.status);
    }
    let domains = catalog
        .domains
        .iter()
        .map(|d| DomainResult {
            code: d.code.clone(),
            title: d.name.clone(),
            counts: by_domain.get(d.code.as_str()).copied().unwrap_or_default(),
        })
        .collect();
    (counts, domains)
}

fn latest_attestations(all: &[Attestation]) -> BTreeMap<&str, &Attestation> {
    let mut latest: BTreeMap<&str, &Attestation> = BTreeMap::new();
    for a in all {
        let slot = latest.entry(a.criterion.as_str()).or_insert(a);
        if a.id > slot.id {
            *slot = a;
        }
    }
    latest
}

fn attestation_ref(a: &Attestation) -> AttestationRef {
    AttestationRef {
        id: a.id,
        status: a.status.to_string(),
        statement: a.statement.clone(),
        owner: a.owner.clone(),
        attested_by: a.attested_by.clone(),
        attested_at: a.attested_at,
        next_review: a.next_review,
    }
}

fn rule_outcomes(mapped: &[(&String, &RuleInfo)], state: &Inputs<'_>) -> Vec<RuleOutcome> {
    mapped
        .iter()
        .map(|(id, info)| {
            let mut outcome = RuleOutcome {
                id: (*id).clone(),
                title: info.title.clone(),
                passed: 0,
                failing: Vec::new(),
                excepted: Vec::new(),
                unknown: 0,
                parameters: Vec::new(),
            };
            for r in state.rules.iter().filter(|r| &r.rule == *id) {
                let scoped = |a: &String| {
                    if r.scope == "default" {
                        a.clone()
                    } else {
                        format!("{a} (scope {})", r.scope)
                    }
                };
                outcome.passed += r.passed;
                outcome.unknown += r.unknown;
                outcome.failing.extend(r.failing.iter().map(scoped));
                outcome.excepted.extend(r.excepted.iter().map(scoped));
                for p in r.parameters.iter().map(scoped) {
                    if !outcome.parameters.contains(&p) {
                        outcome.parameters.push(p);
                    }
                }
            }
            outcome
        })
        .collect()
}

fn evidence_refs(id: &str, evidence: &[Evidence], today: NaiveDate) -> Vec<EvidenceRef> {
    evidence
        .iter()
        .filter(|e| e.criteria.iter().any(|c| c == id))
        .map(|e| EvidenceRef {
            id: e.id,
            kind: e.kind.to_string(),
            label: e.label().to_owned(),
            sha256: (e.kind == EvidenceKind::File)
                .then(|| e.sha256.clone())
                .flatten(),
            effective: e.effective,
            valid_until: e.valid_until,
            valid: e.in_force(today),
        })
        .collect()
}

fn exception_refs(
    mapped: &[(&String, &RuleInfo)],
    state: &Inputs<'_>,
    today: NaiveDate,
) -> Vec<ExceptionRef> {
    state
        .exceptions
        .iter()
        .filter(|e| {
            mapped
                .iter()
                .any(|(rule, _)| testat_rules::wildcard_match(&e.rule, rule))
        })
        .map(|e| ExceptionRef {
            rule: e.rule.clone(),
            resource: e.resource.clone(),
            justification: e.justification.clone(),
            approved_by: e.approved_by.clone(),
            expires: e.expires,
            active: e.is_active(today),
        })
        .collect()
}

fn describe_failure(f: &FailureInterval) -> String {
    let scope = if f.scope == "default" {
        String::new()
    } else {
        format!(" (scope {})", f.scope)
    };
    let detected = f.detected.format("%Y-%m-%d %H:%M");
    match f.fixed {
        Some(fixed) => format!(
            "{} failed on {}{scope} from {detected} to {} (fixed after {} h)",
            f.rule,
            f.resource,
            fixed.format("%Y-%m-%d %H:%M"),
            f.time_to_fix_secs.unwrap_or_default() / 3600
        ),
        None => format!(
            "{} failing on {}{scope} since {detected}, not fixed by the end of the period",
            f.rule, f.resource
        ),
    }
}

/// Evidence in force and attestation reviews, for criteria with a manual part.
fn manual_deviations(
    result: &mut CriterionResult,
    inputs: &AssessmentInputs<'_>,
    from: NaiveDate,
    to: NaiveDate,
) {
    let id = result.id.as_str();
    let evidence: Vec<&Evidence> = inputs
        .state
        .evidence
        .iter()
        .filter(|e| e.criteria.iter().any(|c| c == id))
        .collect();
    let attested = result.attestation.is_some();
    let has_register = id.starts_with("INQ-");
    if attested
        && !has_register
        && !evidence
            .iter()
            .any(|e| e.effective.is_none_or(|d| d <= to) && e.valid_until.is_none_or(|d| d >= from))
    {
        result
            .deviations
            .push("no evidence in force during the period".into());
    }
    for e in &evidence {
        if let Some(until) = e.valid_until.filter(|u| *u >= from && *u < to) {
            let next = until + Duration::days(1);
            if !evidence.iter().any(|other| other.in_force(next)) {
                result.deviations.push(format!(
                    "evidence {} expired on {until}, within the period, and nothing replaced it",
                    e.id
                ));
            }
        }
    }
    let mut mine: Vec<&Attestation> = inputs
        .state
        .attestations
        .iter()
        .filter(|a| a.criterion == id)
        .collect();
    mine.sort_by_key(|a| a.id);
    for (i, a) in mine.iter().enumerate() {
        let Some(due) = a.next_review else {
            continue;
        };
        if due < from || due >= to {
            continue;
        }
        let next = mine.get(i + 1).map(|n| n.attested_at.date_naive());
        match next {
            Some(done) if done <= due => {}
            Some(done) => result.deviations.push(format!(
                "review of attestation {} was due {due} and done {done}, {} day(s) late",
                a.id,
                (done - due).num_days()
            )),
            None => result.deviations.push(format!(
                "review of attestation {} was due {due} and not done by the end of the period",
                a.id
            )),
        }
    }
}

fn sample(
    histories: &[ScopeHistory],
    inputs: &AssessmentInputs<'_>,
    from: DateTime<Utc>,
    to: NaiveDate,
    size: usize,
    seed: u64,
) -> Sample {
    let runs: Vec<(i64, String, DateTime<Utc>)> = histories
        .iter()
        .flat_map(|h| {
            h.runs
                .iter()
                .map(|(r, _)| (r.id, h.scope.clone(), r.finished))
        })
        .collect();
    let drawn = draw_sample(&runs, size, seed);
    let from_day = from.date_naive();
    let evidence: Vec<i64> = inputs
        .state
        .evidence
        .iter()
        .filter(|e| {
            let day = e.effective.unwrap_or_else(|| e.added_at.date_naive());
            day >= from_day && day <= to
        })
        .map(|e| e.id)
        .collect();
    Sample {
        seed,
        size,
        method: SAMPLE_METHOD,
        runs: drawn
            .into_iter()
            .map(|(id, scope, finished_at)| SampledRun {
                id,
                scope,
                finished_at,
            })
            .collect(),
        evidence: draw_sample(&evidence, size, seed),
    }
}
