//! `testat import`: arguments.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{ScanFormatArg, SeverityArg};

/// Arguments of `testat import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Reports of other scanners: Checkov JSON, Prowler OCSF JSON, SARIF 2.1.0.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The files' format; `auto` recognises it by content.
    #[arg(long, default_value = "auto")]
    pub format: ImportFormatArg,
    /// Output format (as `testat scan --format`).
    #[arg(long, default_value = "text", value_name = "FORMAT")]
    pub output_format: ScanFormatArg,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Fail (exit 1) when a finding of this severity or higher fails; failures
    /// without a severity count [default: high].
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
    /// Record one run per scope in the store, with the tool, its version and the
    /// files' SHA-256.
    #[arg(long)]
    pub record: bool,
    /// The scope of the recorded run(s) [default: per tool: checkov,
    /// prowler:<account>, sarif:<tool>].
    #[arg(long, value_name = "NAME", requires = "record")]
    pub scope: Option<String>,
    /// Print the checks no mapping names as `[[mapping]]` entries for testat.toml,
    /// instead of the report.
    #[arg(long)]
    pub unmapped: bool,
}

/// Formats `testat import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormatArg {
    /// Recognised by content.
    Auto,
    /// Checkov's JSON report (`checkov -o json`).
    Checkov,
    /// Prowler's OCSF JSON (`prowler -M json-ocsf`).
    ProwlerOcsf,
    /// SARIF 2.1.0 (Checkov, Trivy, KICS, Semgrep, CodeQL, …).
    Sarif,
}

impl ImportFormatArg {
    /// The importer's format, `None` for `auto`.
    pub fn format(self) -> Option<testat_import::Format> {
        match self {
            Self::Auto => None,
            Self::Checkov => Some(testat_import::Format::Checkov),
            Self::ProwlerOcsf => Some(testat_import::Format::ProwlerOcsf),
            Self::Sarif => Some(testat_import::Format::Sarif),
        }
    }
}
