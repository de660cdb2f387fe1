//! Output formats of Testat.
//!
//! Every renderer takes the same [`ScanReport`] (what one scan found) and returns the
//! whole document as a string; the command line decides where it goes. [`render`] picks
//! the renderer for a [`ScanFormat`]:
//!
//! | format | for | what it holds |
//! | --- | --- | --- |
//! | text | people (terminal, CI log) | summary by C5 domain and criterion, failures grouped by rule with remediation, unknown/error/excepted findings, expired exceptions, input problems |
//! | JSON | machines; evidence | everything, passing findings included (docs/scan-json.md, schema docs/schemas/scan-result.v1.json) |
//! | SARIF 2.1.0 | code-scanning dashboards | failing findings, and excepted ones as suppressed results |
//! | JUnit XML | CI test reports | one suite per rule, one test case per finding |
//!
//! [`render_import`] renders what `testat import` read from other scanners in the same
//! four formats. [`summary`] counts the findings; the command line exits with 1 when
//! [`Summary::failed_at_threshold`] is not zero. Rendering fails only when the report
//! contradicts itself (an index pointing nowhere), never by panicking.

pub mod assessment;
mod common;
mod error;
mod import;
mod json;
mod junit;
mod reference;
mod sarif;
mod summary;
mod text;
mod transition;
mod transparency;

use chrono::{DateTime, Utc};
use testat_catalog::Catalog;
use testat_inputs::InputSet;
use testat_rules::{Exception, ExceptionUse, Finding, RuleSet, Severity};

use crate::common::check;
pub use crate::error::ReportError;
pub use crate::import::{
    IMPORT_SCHEMA_VERSION, ImportReport, at_threshold as import_at_threshold, render_import,
};
pub use crate::json::SCHEMA_VERSION;
pub use crate::reference::rules_reference;
pub use crate::summary::{Counts, CriterionSummary, DomainSummary, Summary, summary};
pub use crate::transition::{render_transition_html, render_transition_markdown};
pub use crate::transparency::{render_transparency_html, render_transparency_markdown};

/// Everything one scan produced, as the renderers see it.
#[derive(Debug, Clone, Copy)]
pub struct ScanReport<'a> {
    /// `testat` version.
    pub tool_version: &'a str,
    /// The catalogue the rules map to.
    pub catalog: &'a Catalog,
    /// What was read (files, resources, problems).
    pub inputs: &'a InputSet,
    /// The rules that ran.
    pub rules: &'a RuleSet,
    /// One finding per rule × resource, in resource order.
    pub findings: &'a [Finding],
    /// The exceptions in force for this scan (from config or store).
    pub exceptions: &'a [Exception],
    /// How the exceptions were used.
    pub exception_use: &'a ExceptionUse,
    /// Failures at or above this severity make the scan fail.
    pub fail_on: Severity,
    /// When the scan started.
    pub started_at: DateTime<Utc>,
    /// When it finished.
    pub finished_at: DateTime<Utc>,
}

/// The formats `testat scan --format` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanFormat {
    /// For people, on a terminal or in a CI log.
    Text,
    /// Testat's own JSON (docs/scan-json.md, schema in docs/schemas/).
    Json,
    /// SARIF 2.1.0 for code-scanning dashboards.
    Sarif,
    /// JUnit XML for CI test reports.
    Junit,
}

impl ScanFormat {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Self; 4] = [Self::Text, Self::Json, Self::Sarif, Self::Junit];

    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Json => "json",
            Self::Sarif => "sarif",
            Self::Junit => "junit",
        }
    }
}

/// Writes `report` in `format` to `out`. JSON is written as it is rendered, so that a
/// report of hundreds of megabytes is never held whole; the other formats are rendered
/// first. `color` is as for [`render`]. An error of the destination is
/// [`ReportError::Io`].
pub fn render_to(
    report: &ScanReport<'_>,
    format: ScanFormat,
    color: bool,
    mut out: impl std::io::Write,
) -> Result<(), ReportError> {
    if format == ScanFormat::Json {
        check(report)?;
        json::write(report, &mut out)?;
    } else {
        out.write_all(render(report, format, color)?.as_bytes())?;
    }
    out.flush()?;
    Ok(())
}

/// Renders `report` in `format`. `color` adds ANSI styles to the text format (pass true
/// only when writing to a terminal); the machine formats ignore it.
pub fn render(
    report: &ScanReport<'_>,
    format: ScanFormat,
    color: bool,
) -> Result<String, ReportError> {
    check(report)?;
    match format {
        ScanFormat::Text => text::render(report, color),
        ScanFormat::Json => json::render(report),
        ScanFormat::Sarif => sarif::render(report),
        ScanFormat::Junit => junit::render(report),
    }
}
