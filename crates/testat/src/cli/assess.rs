//! `testat status`, `testat assess` and `testat report`: arguments.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};

use super::ShowFormat;

/// Arguments of `testat status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Explain one criterion (e.g. CRY-03): its status and every reason.
    pub criterion: Option<String>,
    /// Only the criteria of this domain (e.g. OPS).
    #[arg(long, value_name = "CODE", conflicts_with = "criterion")]
    pub domain: Option<String>,
    /// What the status shows for a framework: each control or article with the
    /// status of the C5 criteria mapped to it.
    #[arg(long, value_name = "ID", conflicts_with_all = ["criterion", "domain"])]
    pub framework: Option<super::FrameworkArg>,
    /// Output format.
    #[arg(long, short = 'f', default_value = "table")]
    pub format: ShowFormat,
}

/// Which assessment: `--type 1 --at DATE` or `--type 2 --from DATE --to DATE`.
#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// 1: design of the controls at a date; 2: their operation over a period.
    #[arg(long = "type", value_name = "1|2", value_parser = clap::value_parser!(u8).range(1..=2))]
    pub kind: Option<u8>,
    /// Type 1: the date assessed (YYYY-MM-DD) [default: today].
    #[arg(long, value_name = "DATE")]
    pub at: Option<NaiveDate>,
    /// Type 2: the first day of the period (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Type 2: the last day of the period (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    /// Type 2: draw a sample of this many runs and pieces of evidence for the auditor.
    #[arg(long, value_name = "N")]
    pub sample: Option<usize>,
    /// The sample's seed; the same store, period, size and seed give the same sample
    /// [default: taken from the clock, and written into the report].
    #[arg(long, value_name = "S", requires = "sample")]
    pub seed: Option<u64>,
    /// Add a section "what this shows for …" for a framework (repeatable): each
    /// control or article with the status of the C5 criteria mapped to it.
    #[arg(long, value_name = "ID")]
    pub framework: Vec<super::FrameworkArg>,
}

/// Arguments of `testat assess`.
#[derive(Debug, Args)]
pub struct AssessArgs {
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Output format.
    #[arg(long, short = 'f', default_value = "text")]
    pub format: ShowFormat,
}

/// Formats of `testat report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One self-contained HTML file, readable and printable.
    Html,
    /// PDF (needs --out).
    Pdf,
    /// Markdown.
    #[value(alias = "markdown")]
    Md,
    /// CSV, one row per criterion.
    Csv,
    /// JSON (docs/assessment-json.md).
    Json,
    /// OSCAL 1.1.2 assessment results (JSON).
    Oscal,
    /// OSCAL 1.1.2 plan of action and milestones for what is not met (JSON).
    OscalPoam,
}

impl ReportFormat {
    /// The format of `testat_report` this one names.
    pub fn format(self) -> testat_report::assessment::AssessmentFormat {
        use testat_report::assessment::AssessmentFormat as F;
        match self {
            Self::Html => F::Html,
            Self::Pdf => F::Pdf,
            Self::Md => F::Md,
            Self::Csv => F::Csv,
            Self::Json => F::Json,
            Self::Oscal => F::Oscal,
            Self::OscalPoam => F::OscalPoam,
        }
    }
}

/// Formats of `testat report customer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HandoutFormat {
    /// One self-contained HTML file.
    Html,
    /// PDF (needs --out).
    Pdf,
    /// Markdown.
    #[value(alias = "markdown")]
    Md,
    /// JSON.
    Json,
}

impl HandoutFormat {
    /// The format of `testat_report` this one names.
    pub fn format(self) -> testat_report::assessment::HandoutFormat {
        use testat_report::assessment::HandoutFormat as F;
        match self {
            Self::Html => F::Html,
            Self::Pdf => F::Pdf,
            Self::Md => F::Md,
            Self::Json => F::Json,
        }
    }
}

/// Arguments of `testat report`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub what: Option<ReportWhat>,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Output format.
    #[arg(long, short = 'f', default_value = "html")]
    pub format: ReportFormat,
    /// Write to this file (replaced only once the report is complete) instead of
    /// standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `testat report customer`.
#[derive(Debug, Subcommand)]
pub enum ReportWhat {
    /// The customer handout: what customers must do on their side (the complementary
    /// customer criteria by domain), with the service description and scope.
    Customer {
        /// Output format.
        #[arg(long, short = 'f', default_value = "md")]
        format: HandoutFormat,
        /// Write to this file instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        out: Option<PathBuf>,
        /// Add the GDPR annex for a data processing agreement (Art. 28): the Art. 32(1)
        /// measures from the current C5 status, transfers outside the EU/EEA, the
        /// breach notification commitment and this year's transparency figures
        /// (reads the store; docs/frameworks.md).
        #[arg(long)]
        gdpr: bool,
    },
}
