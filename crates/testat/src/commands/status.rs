//! `testat status`: one status per criterion, with reasons, from what the store holds.
//! This module gathers the inputs and prints; the roll-up is `testat_assess::assess`.

use std::collections::BTreeMap;

use clap::Args;
use serde::Serialize;
use testat_assess::{CriterionStatus, Inputs, RuleResult, Status};
use testat_catalog::Catalog;
use testat_store::Store;

use super::store::{StoreArgs, block_on, open};
use crate::cli::ShowFormat;
use crate::clock;
use crate::config::Config;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::emit;

/// Arguments of `testat status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Explain one criterion (e.g. CRY-03): its status and every reason.
    pub criterion: Option<String>,
    /// Only the criteria of this domain (e.g. OPS).
    #[arg(long, value_name = "CODE", conflicts_with = "criterion")]
    pub domain: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', default_value = "table")]
    pub format: ShowFormat,
}

#[derive(Serialize)]
struct StatusList<'a> {
    as_of: String,
    counts: BTreeMap<&'static str, usize>,
    criteria: &'a [CriterionStatus],
}

#[derive(Serialize)]
struct Explained<'a> {
    as_of: String,
    #[serde(flatten)]
    criterion: &'a CriterionStatus,
}

/// Runs `testat status`.
pub fn run(
    args: &StatusArgs,
    store: &StoreArgs,
    catalog: &Catalog,
) -> Result<ExitStatus, CliError> {
    let today = clock::today();
    let one = args
        .criterion
        .as_deref()
        .map(|id| catalog.get(id).map(|c| c.id.clone()))
        .transpose()?;
    let domain = match args.domain.as_deref() {
        Some(code) => Some(
            catalog
                .domain(&code.to_uppercase())
                .map(|d| d.code.clone())
                .ok_or_else(|| CliError::Usage {
                    message: format!("unknown domain `{code}`"),
                    hint: Some("`testat catalog list` shows the domains (e.g. OPS, CRY)".into()),
                })?,
        ),
        None => None,
    };
    let config = Config::load(None)?;
    let rules = super::rules::load(catalog, true, &config.scan.rules)?;
    let criteria_of: BTreeMap<&str, &[String]> = rules
        .rules()
        .iter()
        .map(|r| (r.id(), r.spec.criteria.as_slice()))
        .collect();

    let gathered = block_on(async {
        let store = open(store).await?;
        let gathered = gather(&store, &criteria_of, today).await;
        store.close().await;
        gathered
    })??;
    let mut exceptions = config.exceptions.clone();
    exceptions.extend(gathered.exceptions);
    let inputs = Inputs {
        rules: &gathered.rules,
        attestations: &gathered.attestations,
        evidence: &gathered.evidence,
        exceptions: &exceptions,
        inquiry: &gathered.inquiry,
    };
    let mut all = testat_assess::assess(catalog, &inputs, today);
    all.retain(|c| {
        one.as_ref().is_none_or(|id| &c.criterion == id)
            && domain.as_ref().is_none_or(|d| &c.domain == d)
    });

    let json = matches!(args.format, ShowFormat::Json);
    let mut out = match (&one, all.first()) {
        (Some(_), Some(c)) if json => serde_json::to_string_pretty(&Explained {
            as_of: today.to_string(),
            criterion: c,
        })?,
        (Some(_), Some(c)) => explain(c, &today.to_string()),
        _ if json => serde_json::to_string_pretty(&StatusList {
            as_of: today.to_string(),
            counts: counts(&all),
            criteria: &all,
        })?,
        _ => table(&all, &today.to_string()),
    };
    if !out.ends_with('\n') {
        out.push('\n');
    }
    emit(None, &out)?;
    Ok(ExitStatus::Success)
}

/// What the store holds, as the roll-up's inputs.
struct Gathered {
    rules: Vec<RuleResult>,
    attestations: Vec<testat_store::Attestation>,
    evidence: Vec<testat_store::Evidence>,
    exceptions: Vec<testat_rules::Exception>,
    inquiry: Vec<testat_store::InqCriterion>,
}

async fn gather(
    store: &Store,
    criteria_of: &BTreeMap<&str, &[String]>,
    today: chrono::NaiveDate,
) -> Result<Gathered, CliError> {
    // The latest run of each scope (IDs grow with time).
    let mut latest: BTreeMap<String, i64> = BTreeMap::new();
    for run in store.runs().await? {
        let slot = latest.entry(run.scope).or_insert(run.id);
        *slot = (*slot).max(run.id);
    }
    let mut rules = Vec::new();
    for (scope, run) in latest {
        let mut by_rule: BTreeMap<String, RuleResult> = BTreeMap::new();
        for f in store.findings_at(run).await? {
            let r = by_rule.entry(f.rule.clone()).or_insert_with(|| RuleResult {
                scope: scope.clone(),
                run,
                rule: f.rule.clone(),
                criteria: criteria_of
                    .get(f.rule.as_str())
                    .map(|c| c.to_vec())
                    .unwrap_or_default(),
                ..RuleResult::default()
            });
            match f.outcome.as_str() {
                "fail" => r.failing.push(f.address),
                "excepted" => r.excepted.push(f.address),
                "pass" => r.passed += 1,
                _ => r.unknown += 1,
            }
        }
        rules.extend(by_rule.into_values());
    }
    Ok(Gathered {
        rules,
        attestations: store.attestations(None).await?,
        evidence: store.evidence(None).await?,
        exceptions: store
            .exceptions()
            .await?
            .iter()
            .map(testat_store::StoredException::to_exception)
            .collect(),
        inquiry: store.inquiry_evidence(today).await?.criteria,
    })
}

fn counts(all: &[CriterionStatus]) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for c in all {
        *counts.entry(c.status.as_str()).or_insert(0) += 1;
    }
    counts
}

fn table(all: &[CriterionStatus], as_of: &str) -> String {
    let mut out = format!("status as of {as_of}\nID       STATUS          REASON\n");
    for c in all {
        let first = c.reasons.first().map_or("", String::as_str);
        let more = match c.reasons.len() {
            0 | 1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        out.push_str(&format!(
            "{:<8} {:<15} {}{more}\n",
            c.criterion,
            c.status.as_str(),
            escape_control(first)
        ));
    }
    let summary: Vec<String> = [
        Status::Met,
        Status::PartlyMet,
        Status::NotMet,
        Status::NotAssessed,
        Status::NotApplicable,
    ]
    .iter()
    .map(|s| format!("{} {s}", all.iter().filter(|c| c.status == *s).count()))
    .collect();
    out.push_str(&format!(
        "{}\n`testat status ID` explains one criterion\n",
        summary.join(", ")
    ));
    out
}

fn explain(c: &CriterionStatus, as_of: &str) -> String {
    let mut out = format!(
        "{}  {}\n  status: {} (as of {as_of}; automation: {})\n  reasons:\n",
        c.criterion, c.title, c.status, c.automation
    );
    for r in &c.reasons {
        out.push_str(&format!("    - {}\n", escape_control(r)));
    }
    out
}

/// Untrusted text (resource addresses) for the terminal: control characters escaped.
fn escape_control(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}
