//! Reading the store for the roll-up and the assessments. Everything is cut off at an
//! instant, so that a Type 1 assessment of a past date sees only what was recorded by
//! then. This is the only place where the roll-up's inputs meet the database.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use testat_assess::{AssessmentKind, Change, Inputs, RuleInfo, RuleResult, RunPoint, ScopeHistory};
use testat_inquiry::InqCriterion;
use testat_records::{Attestation, Evidence, Exception};
use testat_store::{Store, StoreError};

/// What the store held at an instant, as the roll-up's inputs.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Per scope and rule, the outcome of the scope's latest run.
    pub rules: Vec<RuleResult>,
    /// Attestations recorded.
    pub attestations: Vec<Attestation>,
    /// Evidence recorded.
    pub evidence: Vec<Evidence>,
    /// Exceptions recorded in the store (add those from `testat.toml`).
    pub exceptions: Vec<Exception>,
    /// The register's verdicts for INQ-01 to INQ-04.
    pub inquiry: Vec<InqCriterion>,
}

impl Snapshot {
    /// The roll-up's view of this snapshot.
    pub fn inputs(&self) -> Inputs<'_> {
        Inputs {
            rules: &self.rules,
            attestations: &self.attestations,
            evidence: &self.evidence,
            exceptions: &self.exceptions,
            inquiry: &self.inquiry,
            recorded_failures_stand: false,
        }
    }

    /// The view for an assessment of `kind` made at `now`: for a date or period that
    /// is over, recorded failures stand.
    pub fn inputs_for(&self, kind: &AssessmentKind, now: DateTime<Utc>) -> Inputs<'_> {
        Inputs {
            recorded_failures_stand: kind.is_past(now),
            ..self.inputs()
        }
    }
}

/// Reads what was recorded at or before `until`: the latest run of each scope,
/// attestations, evidence and exceptions, and the register's verdicts on `day` over
/// the requests as they stood at `until`.
pub async fn gather_snapshot(
    store: &Store,
    rules: &BTreeMap<String, RuleInfo>,
    until: DateTime<Utc>,
    day: NaiveDate,
) -> Result<Snapshot, StoreError> {
    let before = |t: DateTime<Utc>| t <= until;
    // The latest run of each scope (IDs grow with time).
    let mut latest: BTreeMap<String, testat_store::Run> = BTreeMap::new();
    for run in store.runs().await? {
        if before(run.finished_at) && latest.get(&run.scope).is_none_or(|l| l.id < run.id) {
            latest.insert(run.scope.clone(), run);
        }
    }
    let mut results = Vec::new();
    for (scope, latest_run) in latest {
        let run = latest_run.id;
        let parameters = |rule: &str| -> Vec<String> {
            latest_run
                .settings
                .parameters
                .get(rule)
                .into_iter()
                .flatten()
                .map(|(name, value)| format!("{name} = {value}"))
                .collect()
        };
        let mut by_rule: BTreeMap<String, RuleResult> = BTreeMap::new();
        for f in store.findings_at(run).await? {
            let r = by_rule.entry(f.rule.clone()).or_insert_with(|| RuleResult {
                scope: scope.clone(),
                run,
                rule: f.rule.clone(),
                criteria: rules
                    .get(&f.rule)
                    .map(|r| r.criteria.clone())
                    .unwrap_or_default(),
                parameters: parameters(&f.rule),
                ..RuleResult::default()
            });
            match f.outcome.as_str() {
                "fail" => r.failing.push(f.address),
                "excepted" => r.excepted.push(f.address),
                "pass" => r.passed += 1,
                _ => r.unknown += 1,
            }
        }
        results.extend(by_rule.into_values());
    }
    let mut attestations = store.attestations(None).await?;
    attestations.retain(|a| before(a.attested_at));
    let mut evidence = store.evidence(None).await?;
    evidence.retain(|e| before(e.added_at));
    let exceptions = store
        .exceptions()
        .await?
        .iter()
        .filter(|e| before(e.added_at) && e.revoked.as_ref().is_none_or(|r| !before(r.at)))
        .map(|e| e.exception.clone())
        .collect();
    // The register as it stood then: requests recorded by then, events up to then.
    let records: Vec<_> = store
        .inquiries()
        .await?
        .into_iter()
        .filter(|r| r.inquiry.added_at <= until && r.inquiry.received_on <= day)
        .map(|r| r.as_of(until))
        .collect();
    let integrity = store.verify_inquiries().await?;
    let inquiry = testat_inquiry::assess(&records, &integrity, day).criteria;
    Ok(Snapshot {
        rules: results,
        attestations,
        evidence,
        exceptions,
        inquiry,
    })
}

/// Each scope's runs around `[start, end]`: the last run before it with what failed
/// then, and the runs that finished in it with their changes.
pub async fn gather_histories(
    store: &Store,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<ScopeHistory>, StoreError> {
    let mut histories: BTreeMap<String, ScopeHistory> = BTreeMap::new();
    for run in store.runs().await? {
        let finished = run.finished_at;
        if finished > end {
            continue;
        }
        let h = histories
            .entry(run.scope.clone())
            .or_insert_with(|| ScopeHistory {
                scope: run.scope.clone(),
                ..ScopeHistory::default()
            });
        let point = RunPoint {
            id: run.id,
            finished,
        };
        if finished < start {
            h.baseline = Some(point);
        } else {
            let changes = store
                .run_changes(run.id)
                .await?
                .into_iter()
                .map(|c| Change {
                    rule: c.rule,
                    address: c.address,
                    old: c.old,
                    new: c.new,
                })
                .collect();
            h.runs.push((point, changes));
        }
    }
    for h in histories.values_mut() {
        if let Some(base) = h.baseline {
            h.baseline_failing = store
                .findings_at(base.id)
                .await?
                .into_iter()
                .filter(|f| f.outcome == "fail")
                .map(|f| (f.rule, f.address))
                .collect();
        }
    }
    Ok(histories.into_values().collect())
}
