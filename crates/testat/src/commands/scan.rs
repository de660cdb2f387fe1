//! `testat scan`: read inputs, run rules, apply exceptions, render, exit.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use testat_catalog::Catalog;
use testat_inputs::{InputSet, ReadOptions};
use testat_report::{ScanFormat, ScanReport};
use testat_rules::{RuleSet, Severity};

use crate::cli::{ScanArgs, ScanFormatArg, SeverityArg};
use crate::clock;
use crate::config::Config;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::emit;

/// Inputs larger than this (in total) get a progress spinner on a terminal.
const PROGRESS_THRESHOLD_BYTES: u64 = 32 * 1024 * 1024;

/// Runs `testat scan`.
pub fn run(
    args: &ScanArgs,
    catalog: &Catalog,
    store: &super::store::StoreArgs,
) -> Result<ExitStatus, CliError> {
    let mut config = Config::load(args.config.as_deref())?;
    // Exceptions kept in the store apply beside those in testat.toml.
    config
        .exceptions
        .extend(super::store::stored_exceptions(store)?);
    let started_at = clock::now();

    let mut rule_dirs = config.scan.rules.clone();
    rule_dirs.extend(args.rules.iter().cloned());
    let mut rules = super::rules::load(catalog, !args.no_builtin_rules, &rule_dirs)?;
    select_rules(&mut rules, args, &config, catalog)?;

    let options = ReadOptions {
        max_file_size: args
            .max_file_size
            .or(config.scan.max_file_size)
            .unwrap_or(ReadOptions::default().max_file_size),
    };
    let progress = Progress::start(&args.paths);
    progress.say("reading inputs");
    let inputs = testat_inputs::read_paths(&args.paths, &options);
    progress.say(&format!("evaluating {} resources", inputs.resources.len()));
    let mut findings = testat_rules::evaluate(&inputs, &rules);
    let exception_use = testat_rules::apply_exceptions(
        &mut findings,
        &inputs,
        &rules,
        &config.exceptions,
        clock::today(),
    );
    progress.finish();

    let fail_on = args
        .fail_on
        .map(severity)
        .or(config.scan.fail_on)
        .unwrap_or(Severity::High);
    let report = ScanReport {
        tool_version: env!("CARGO_PKG_VERSION"),
        catalog,
        inputs: &inputs,
        rules: &rules,
        findings: &findings,
        exceptions: &config.exceptions,
        exception_use: &exception_use,
        fail_on,
        started_at,
        finished_at: clock::now(),
    };
    let format = match args.format {
        ScanFormatArg::Text => ScanFormat::Text,
        ScanFormatArg::Json => ScanFormat::Json,
        ScanFormatArg::Sarif => ScanFormat::Sarif,
        ScanFormatArg::Junit => ScanFormat::Junit,
    };
    let color = args.output.is_none() && matches!(format, ScanFormat::Text);
    let text = testat_report::render(&report, format, color)?;
    emit(args.output.as_deref(), &text)?;

    if args.record {
        let run = record::new_run(&report, &args.scope);
        let id = super::store::record(&run, store)?;
        anstream::eprintln!("recorded run {id} in the store");
    }

    let summary = testat_report::summary(&report);
    Ok(exit_status(&inputs, summary.failed_at_threshold))
}

/// 2 when any input could not be read (its findings are missing), else 1 when
/// something failed at or above the threshold, else 0.
fn exit_status(inputs: &InputSet, failed_at_threshold: usize) -> ExitStatus {
    if !inputs.problems.is_empty() {
        ExitStatus::Error
    } else if failed_at_threshold > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

/// Applies `--criteria` and `--skip-rule` (and their config counterparts), refusing
/// unknown criterion and rule IDs with suggestions.
fn select_rules(
    rules: &mut RuleSet,
    args: &ScanArgs,
    config: &Config,
    catalog: &Catalog,
) -> Result<(), CliError> {
    let wanted = if args.criteria.is_empty() {
        &config.scan.criteria
    } else {
        &args.criteria
    };
    let mut criteria = Vec::new();
    for id in wanted.iter().filter(|id| !id.trim().is_empty()) {
        criteria.push(catalog.get(id)?.id.clone());
    }
    let mut skip: Vec<&String> = config.scan.skip_rules.iter().collect();
    skip.extend(&args.skip_rule);
    for id in &skip {
        if rules.get(id).is_none() {
            let near: Vec<&str> = rules
                .rules()
                .iter()
                .map(|r| r.id())
                .filter(|known| strsim_close(known, id))
                .collect();
            return Err(CliError::Usage {
                message: format!("--skip-rule names an unknown rule `{id}`"),
                hint: Some(if near.is_empty() {
                    "`testat rules list` shows the rule IDs".into()
                } else {
                    format!("did you mean {}?", near.join(", "))
                }),
            });
        }
    }
    rules.retain(|rule| {
        !skip.iter().any(|s| *s == rule.id())
            && (criteria.is_empty() || rule.spec.criteria.iter().any(|c| criteria.contains(c)))
    });
    Ok(())
}

/// Whether two IDs differ by little (case-insensitive prefix or a few edits).
fn strsim_close(known: &str, typed: &str) -> bool {
    let (known, typed) = (known.to_ascii_uppercase(), typed.to_ascii_uppercase());
    known.starts_with(&typed)
        || typed.starts_with(&known)
        || strsim::levenshtein(&known, &typed) <= 2
}

fn severity(arg: SeverityArg) -> Severity {
    match arg {
        SeverityArg::Low => Severity::Low,
        SeverityArg::Medium => Severity::Medium,
        SeverityArg::High => Severity::High,
        SeverityArg::Critical => Severity::Critical,
    }
}

/// A spinner on standard error for large inputs, only when stderr is a terminal.
struct Progress(Option<ProgressBar>);

impl Progress {
    fn start(paths: &[std::path::PathBuf]) -> Self {
        let total: u64 = paths
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        if !std::io::stderr().is_terminal() || total < PROGRESS_THRESHOLD_BYTES {
            return Self(None);
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        Self(Some(bar))
    }

    fn say(&self, message: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(message.to_owned());
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// Turning a scan into a run record for the store.
mod record {
    use sha2::{Digest, Sha256};
    use testat_report::ScanReport;
    use testat_store::{NewRun, RunFinding, RunInput};

    /// The run of `report`, for `scope`.
    pub fn new_run(report: &ScanReport<'_>, scope: &str) -> NewRun {
        let rules = report.rules.rules();
        let mut specs: Vec<(&str, String)> = rules
            .iter()
            .map(|r| (r.id(), serde_json::to_string(&r.spec).unwrap_or_default()))
            .collect();
        specs.sort();
        let mut hasher = Sha256::new();
        for (_, spec) in &specs {
            hasher.update(spec.as_bytes());
            hasher.update(b"\n");
        }
        let findings = report
            .findings
            .iter()
            .filter_map(|f| {
                let rule = rules.get(f.rule)?;
                let resource = report.inputs.resources.get(f.resource)?;
                Some(RunFinding {
                    rule: rule.id().to_owned(),
                    address: resource.address.clone(),
                    outcome: f.outcome.as_str().to_owned(),
                    criteria: rule.spec.criteria.clone(),
                })
            })
            .collect();
        NewRun {
            scope: scope.to_owned(),
            started_at: report.started_at,
            finished_at: report.finished_at,
            tool_version: report.tool_version.to_owned(),
            catalog_version: report.catalog.version.clone(),
            ruleset_sha256: hex::encode(hasher.finalize()),
            rule_count: i64::try_from(rules.len()).unwrap_or(i64::MAX),
            resource_count: i64::try_from(report.inputs.resources.len()).unwrap_or(i64::MAX),
            inputs: report
                .inputs
                .files
                .iter()
                .map(|file| RunInput {
                    path: file.path.display().to_string(),
                    kind: serde_json::to_value(file.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    sha256: file.sha256.clone(),
                    size: i64::try_from(file.size).unwrap_or(i64::MAX),
                })
                .collect(),
            findings,
        }
    }
}
