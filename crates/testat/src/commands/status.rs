//! `testat status`: one status per criterion, with reasons, from what the store holds.
//! This module gathers the inputs and prints; the roll-up is `testat_assess::assess`.

use std::collections::BTreeMap;

use clap::Args;
use serde::Serialize;
use testat_assess::{CriterionStatus, RuleInfo, Status, gather_snapshot};
use testat_catalog::Catalog;

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
    let (_, scope) = config.service_description(catalog)?;
    let rule_set = super::rules::load(catalog, true, &config.scan.rules)?;
    let rules = RuleInfo::of(&rule_set);
    let now = clock::now();
    let mut snapshot = block_on(async {
        let store = open(store).await?;
        let snapshot = gather_snapshot(&store, &rules, now, today).await;
        store.close().await;
        snapshot.map_err(CliError::from)
    })??;
    snapshot
        .exceptions
        .extend(config.exceptions.iter().cloned());
    let mut all = testat_assess::assess(catalog, &snapshot.inputs(), today);
    testat_assess::apply_scope(&mut all, &scope);
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
            crate::output::escape_control(first)
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
        out.push_str(&format!("    - {}\n", crate::output::escape_control(r)));
    }
    out
}
