//! What every renderer needs: the parts of a finding looked up, times and paths.

use std::borrow::Cow;
use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use testat_inputs::{InputFile, Resource};
use testat_rules::{Exception, Finding, Rule};

use crate::{ReportError, ScanReport};

/// A finding with its indexes looked up.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resolved<'a> {
    pub finding: &'a Finding,
    pub rule: &'a Rule,
    pub resource: &'a Resource,
    pub file: &'a InputFile,
    pub exception: Option<&'a Exception>,
}

/// Looks up the rule, resource, file and exception of finding number `n`.
pub(crate) fn resolve<'a>(
    report: &ScanReport<'a>,
    n: usize,
    finding: &'a Finding,
) -> Result<Resolved<'a>, ReportError> {
    let dangling = |what, index, len| ReportError::Dangling {
        finding: n,
        what,
        index,
        len,
    };
    let rules = report.rules.rules();
    let rule = rules
        .get(finding.rule)
        .ok_or_else(|| dangling("rule", finding.rule, rules.len()))?;
    let resources = &report.inputs.resources;
    let resource = resources
        .get(finding.resource)
        .ok_or_else(|| dangling("resource", finding.resource, resources.len()))?;
    let files = &report.inputs.files;
    let file = files
        .get(resource.file)
        .ok_or_else(|| dangling("file", resource.file, files.len()))?;
    let exception = match finding.exception {
        Some(i) => Some(
            report
                .exceptions
                .get(i)
                .ok_or_else(|| dangling("exception", i, report.exceptions.len()))?,
        ),
        None => None,
    };
    Ok(Resolved {
        finding,
        rule,
        resource,
        file,
        exception,
    })
}

/// Checks that every index in the report points at something, so that renderers can
/// trust [`resolve`] and report the first inconsistency before writing anything.
pub(crate) fn check(report: &ScanReport<'_>) -> Result<(), ReportError> {
    for (n, finding) in report.findings.iter().enumerate() {
        resolve(report, n, finding)?;
    }
    Ok(())
}

/// Iterates the findings with their parts looked up.
pub(crate) fn resolved<'r, 'a>(
    report: &'r ScanReport<'a>,
) -> impl Iterator<Item = Result<Resolved<'a>, ReportError>> + 'r {
    report
        .findings
        .iter()
        .enumerate()
        .map(move |(n, finding)| resolve(report, n, finding))
}

/// A timestamp as RFC 3339 in UTC with milliseconds: `2025-03-01T10:00:00.000Z`.
pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Seconds between two instants, never negative.
pub(crate) fn seconds(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    let micros = (to - from).num_microseconds().unwrap_or(0).max(0);
    // Exact for any duration below 2^53 µs (285 years).
    micros as f64 / 1_000_000.0
}

/// A path as text, the way the user gave it (lossy only for non-UTF-8 names).
pub(crate) fn path_text(path: &Path) -> Cow<'_, str> {
    path.to_string_lossy()
}

/// Whether a path names standard input.
pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// `n thing` or `n things`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
