//! `testat runs …`: recorded scan runs, one at a time, compared, and failed criteria.

use crate::cli::{RunsCommand, ShowFormat};
use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::{done, time};

/// Runs `testat runs …`.
pub fn run(ctx: &Context, command: &RunsCommand) -> Result<ExitStatus, CliError> {
    let out = ctx.with_store(async |store| {
        let mut out = String::new();
        match command {
            RunsCommand::List { format } => {
                let runs = store.runs().await?;
                if matches!(format, ShowFormat::Json) {
                    out = serde_json::to_string_pretty(&runs)?;
                    out.push('\n');
                } else if runs.is_empty() {
                    out.push_str("no runs recorded; record one with `testat scan PATH --record`\n");
                } else {
                    out.push_str("ID  STARTED               SCOPE    PASSED  FAILED  EXCEPTED  CHANGED  ACTOR\n");
                    for r in runs {
                        out.push_str(&format!(
                            "{:<3} {:<21} {:<8} {:>6}  {:>6}  {:>8}  {:>7}  {}\n",
                            r.id,
                            time(r.started_at),
                            r.scope,
                            r.passed,
                            r.failed,
                            r.excepted,
                            r.changed,
                            r.actor
                        ));
                        if let Some(source) = &r.source {
                            out.truncate(out.len() - 1);
                            out.push_str(&format!("  (imported from {})\n", source_text(source)));
                        }
                    }
                }
            }
            RunsCommand::Show { id, format } => {
                let run = store.run(*id).await?;
                let inputs = store.run_inputs(*id).await?;
                let criteria = store.run_criteria(*id).await?;
                let failing: Vec<_> = store
                    .findings_at(*id)
                    .await?
                    .into_iter()
                    .filter(|f| f.outcome == "fail")
                    .collect();
                let changes = store.run_changes(*id).await?;
                if matches!(format, ShowFormat::Json) {
                    out = serde_json::to_string_pretty(&serde_json::json!({
                        "run": run, "inputs": inputs, "criteria": criteria,
                        "failing": failing, "changes": changes,
                    }))?;
                    out.push('\n');
                } else {
                    out.push_str(&format!(
                        "run {}  scope {}  by {}\n  started   {}\n  finished  {}\n  testat {}, catalogue {}, rule set {} ({} rules), {} resources\n  passed {}, failed {}, excepted {}, other {}; {} changed since the previous run\n",
                        run.id, run.scope, run.actor, time(run.started_at), time(run.finished_at),
                        run.tool_version, run.catalog_version, run.ruleset_sha256, run.rule_count,
                        run.resource_count, run.passed, run.failed, run.excepted, run.other, run.changed
                    ));
                    if let Some(source) = &run.source {
                        out.push_str(&format!("  imported from {}\n", source_text(source)));
                    }
                    out.push_str("inputs:\n");
                    for i in &inputs {
                        out.push_str(&format!(
                            "  {}  {}  {} bytes  {}\n",
                            i.sha256, i.kind, i.size, i.path
                        ));
                    }
                    out.push_str("criteria (passed/failed/excepted/other):\n");
                    for c in &criteria {
                        out.push_str(&format!(
                            "  {:<8} {}/{}/{}/{}\n",
                            c.criterion, c.passed, c.failed, c.excepted, c.other
                        ));
                    }
                    out.push_str(&format!("failing findings ({}):\n", failing.len()));
                    for f in &failing {
                        out.push_str(&format!("  {}  {}\n", f.rule, f.address));
                    }
                }
            }
            RunsCommand::Diff { a, b, format } => {
                let changes = store.diff_runs(*a, *b).await?;
                if matches!(format, ShowFormat::Json) {
                    out = serde_json::to_string_pretty(&changes)?;
                    out.push('\n');
                } else if changes.is_empty() {
                    out.push_str(&format!("no finding differs between run {a} and run {b}\n"));
                } else {
                    for c in &changes {
                        out.push_str(&format!(
                            "{} -> {}  {}  {}\n",
                            c.old.as_deref().unwrap_or("absent"),
                            c.new.as_deref().unwrap_or("absent"),
                            c.rule,
                            c.address
                        ));
                    }
                    out.push_str(&format!(
                        "{} finding(s) differ between run {a} and run {b}\n",
                        changes.len()
                    ));
                }
            }
            RunsCommand::Failed { from, to, format } => {
                let start = from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
                let end = to
                    .succ_opt()
                    .unwrap_or(*to)
                    .and_hms_opt(0, 0, 0)
                    .unwrap_or_default()
                    .and_utc();
                let failed = store.failed_criteria(start, end).await?;
                if matches!(format, ShowFormat::Json) {
                    out = serde_json::to_string_pretty(&failed)?;
                    out.push('\n');
                } else if failed.is_empty() {
                    out.push_str(&format!(
                        "no criterion failed in runs from {from} to {to}\n"
                    ));
                } else {
                    for f in &failed {
                        out.push_str(&format!(
                            "{:<8} failed in {} run(s), first {}, last {}\n",
                            f.criterion,
                            f.failed_runs,
                            time(f.first_failed_at),
                            time(f.last_failed_at)
                        ));
                    }
                }
            }
        }
        Ok(out)
    })?;
    done(&out)
}

/// `checkov 3.3.30`, or the tool alone when its output gave no version.
fn source_text(source: &testat_store::RunSource) -> String {
    match &source.version {
        Some(version) => format!("{} {version}", source.tool),
        None => source.tool.clone(),
    }
}
