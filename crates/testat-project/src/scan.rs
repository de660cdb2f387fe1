//! The scan job: read inputs, run the rules, apply the exceptions; and the run record a
//! scan becomes in the store.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use testat_catalog::Catalog;
use testat_inputs::{InputSet, ReadOptions};
use testat_records::Exception;
use testat_report::ScanReport;
use testat_rules::{EvalOptions, ExceptionUse, Finding, RuleSet, Severity};
use testat_store::{NewRun, RunFinding, RunInput, RunSettings};

use crate::clock::Clock;
use crate::error::ProjectError;
use crate::rules::{ruleset_sha256, scan_rules};
use crate::settings::ScanSettings;

/// Testat's version, as recorded with runs and reports.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A step of the scan, reported as it begins (for progress display and the bench).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Loading and compiling the rules.
    LoadingRules,
    /// Reading the inputs.
    Reading,
    /// Running the rules on this many resources.
    Evaluating {
        /// Resources read.
        resources: usize,
    },
    /// Applying the exceptions.
    ApplyingExceptions,
    /// Done.
    Done,
}

/// How a scan ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing failed at or above the threshold, and every input was read.
    Clean,
    /// Something failed at or above the threshold.
    Failed,
    /// An input could not be read: its findings are missing, whatever the others show.
    InputError,
}

/// What one scan produced.
#[derive(Debug)]
pub struct Scan {
    /// What was read.
    pub inputs: InputSet,
    /// The rules that ran.
    pub rules: RuleSet,
    /// One finding per rule and resource.
    pub findings: Vec<Finding>,
    /// The exceptions in force (the settings file's, then the store's).
    pub exceptions: Vec<Exception>,
    /// How the exceptions were used.
    pub exception_use: ExceptionUse,
    /// The failure threshold.
    pub fail_on: Severity,
    /// Providers whose inputs were declared the account baseline.
    pub account_baseline: Vec<String>,
    /// When the scan started.
    pub started_at: DateTime<Utc>,
    /// When it finished.
    pub finished_at: DateTime<Utc>,
}

/// Scans `paths` with the rules of `settings`; `exceptions` are those in force
/// (settings file and store). `phase` hears of each step as it begins.
pub fn scan(
    catalog: &Catalog,
    settings: &ScanSettings,
    exceptions: Vec<Exception>,
    paths: &[PathBuf],
    clock: &Clock,
    phase: &mut dyn FnMut(Phase),
) -> Result<Scan, ProjectError> {
    let started_at = clock.now();
    phase(Phase::LoadingRules);
    let rules = scan_rules(catalog, settings)?;
    phase(Phase::Reading);
    let options = ReadOptions {
        max_file_size: settings.max_file_size,
    };
    let inputs = testat_inputs::read_paths(paths, &options);
    phase(Phase::Evaluating {
        resources: inputs.resources.len(),
    });
    let options = EvalOptions {
        account_baseline: settings.account_baseline.clone(),
        ..EvalOptions::default()
    };
    let mut findings = testat_rules::evaluate_with_options(&inputs, &rules, &options);
    phase(Phase::ApplyingExceptions);
    let exception_use =
        testat_rules::apply_exceptions(&mut findings, &inputs, &rules, &exceptions, clock.today());
    phase(Phase::Done);
    Ok(Scan {
        inputs,
        rules,
        findings,
        exceptions,
        exception_use,
        fail_on: settings.fail_on,
        account_baseline: settings.account_baseline.clone(),
        started_at,
        finished_at: clock.now(),
    })
}

impl Scan {
    /// The scan as the renderers see it.
    pub fn report<'a>(&'a self, catalog: &'a Catalog) -> ScanReport<'a> {
        ScanReport {
            tool_version: TOOL_VERSION,
            catalog,
            inputs: &self.inputs,
            rules: &self.rules,
            findings: &self.findings,
            exceptions: &self.exceptions,
            exception_use: &self.exception_use,
            fail_on: self.fail_on,
            started_at: self.started_at,
            finished_at: self.finished_at,
        }
    }

    /// How the scan ended: an unreadable input beats failures.
    pub fn verdict(&self, catalog: &Catalog) -> Verdict {
        if !self.inputs.problems.is_empty() {
            Verdict::InputError
        } else if testat_report::summary(&self.report(catalog)).failed_at_threshold > 0 {
            Verdict::Failed
        } else {
            Verdict::Clean
        }
    }

    /// The run this scan becomes in the store, in `scope`.
    pub fn new_run(&self, catalog: &Catalog, scope: &str) -> NewRun {
        let rules = self.rules.rules();
        let findings = self
            .findings
            .iter()
            .filter_map(|f| {
                let rule = rules.get(f.rule)?;
                let resource = self.inputs.resources.get(f.resource)?;
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
            started_at: self.started_at,
            finished_at: self.finished_at,
            tool_version: TOOL_VERSION.to_owned(),
            catalog_version: catalog.version.clone(),
            ruleset_sha256: ruleset_sha256(&self.rules),
            rule_count: i64::try_from(rules.len()).unwrap_or(i64::MAX),
            resource_count: i64::try_from(self.inputs.resources.len()).unwrap_or(i64::MAX),
            inputs: self
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
            settings: self.run_settings(),
            source: None,
        }
    }

    /// The settings that changed outcomes: parameters off their defaults, and the
    /// account baseline.
    pub fn run_settings(&self) -> RunSettings {
        let parameters = self
            .rules
            .rules()
            .iter()
            .filter_map(|rule| {
                let changed = rule.changed_parameters();
                (!changed.is_empty()).then(|| {
                    let values = changed
                        .into_iter()
                        .map(|(name, value)| (name.to_owned(), value.clone()))
                        .collect();
                    (rule.id().to_owned(), values)
                })
            })
            .collect();
        RunSettings {
            parameters,
            account_baseline: self.account_baseline.clone(),
        }
    }
}
