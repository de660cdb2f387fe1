//! `testat status`: one status per criterion, with reasons, from what the store holds.
//! The job is the project's ([`testat_project::Project::status`]); this module prints.

use std::collections::BTreeMap;

use serde::Serialize;
use testat_assess::{CriterionStatus, LevelScope, Status};

use crate::cli::{ShowFormat, StatusArgs};
use crate::commands::frameworks;
use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::emit;

#[derive(Serialize)]
struct StatusList<'a> {
    as_of: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    levels: Option<&'a LevelScope>,
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
pub fn run(ctx: &Context, args: &StatusArgs) -> Result<ExitStatus, CliError> {
    let catalog = ctx.project.catalog();
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
                .ok_or_else(|| {
                    CliError::usage(
                        format!("unknown domain `{code}`"),
                        "`testat catalog list` shows the domains (e.g. OPS, CRY)",
                    )
                })?,
        ),
        None => None,
    };
    let job = ctx.project.status_job()?;
    let status = ctx.with_store(async |store| Ok(job.run(store).await?))?;
    let today = status.as_of;
    if let Some(framework) = args.framework {
        let rollup = ctx.project.framework_status(framework.id(), &status)?;
        let (f, _) = ctx.project.framework(framework.id())?;
        let out = match args.format {
            ShowFormat::Json => format!(
                "{}\n",
                serde_json::to_string_pretty(&frameworks::StatusJson::new(
                    &rollup,
                    today.to_string()
                ))?
            ),
            ShowFormat::Text => frameworks::status_text(&rollup, f, &today.to_string()),
        };
        emit(None, &out)?;
        return Ok(ExitStatus::Success);
    }
    let mut all = status.criteria;
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
            levels: status.levels.as_ref(),
            counts: counts(&all),
            criteria: &all,
        })?,
        _ => table(&all, &today.to_string(), status.levels.as_ref()),
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

fn table(all: &[CriterionStatus], as_of: &str, levels: Option<&LevelScope>) -> String {
    let mut out = format!("status as of {as_of}\n");
    if let Some(levels) = levels {
        out.push_str(&levels.summary());
        out.push('\n');
    }
    out.push_str("ID       STATUS          REASON\n");
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
