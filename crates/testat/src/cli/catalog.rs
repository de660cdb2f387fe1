//! `testat catalog …`: arguments.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::ShowFormat;

/// `testat catalog …`
#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// List criteria, optionally only those of one domain, tag or automation level.
    List(ListArgs),
    /// Show one criterion in full (IDs are case-insensitive: `cry-03` works).
    Show(ShowArgs),
    /// Search titles, tags and summaries, best match first.
    Search(SearchArgs),
    /// Export the catalogue in a standard format (OSCAL 1.1 catalog JSON).
    Export(ExportArgs),
    /// The crosswalk C5:2020 ↔ C5:2026 (Testat's judgement): every pair, or the pairs
    /// of one criterion, looked up on both sides (`CRY-03` is a criterion of both).
    Crosswalk(CrosswalkArgs),
}

/// Arguments of `testat catalog crosswalk`.
#[derive(Debug, Args)]
pub struct CrosswalkArgs {
    /// A C5:2020 or C5:2026 criterion or sub-criterion ID; all pairs when left out.
    pub id: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', default_value = "table")]
    pub format: CrosswalkFormat,
}

/// Formats of `catalog crosswalk`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CrosswalkFormat {
    /// Aligned columns for people.
    Table,
    /// A JSON document.
    Json,
    /// CSV, one row per pair.
    Csv,
}

/// Arguments of `testat catalog list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only criteria of this domain (e.g. OPS).
    #[arg(long, value_name = "CODE")]
    pub domain: Option<String>,
    /// List a framework's controls or articles with the C5 criteria mapped to them,
    /// instead of criteria.
    #[arg(long, value_name = "ID", conflicts_with_all = ["domain", "tag", "automation", "level"])]
    pub framework: Option<super::FrameworkArg>,
    /// Only criteria with this topic tag (e.g. encryption).
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
    /// Only criteria that configuration scans can test this far.
    #[arg(long, value_name = "LEVEL")]
    pub automation: Option<AutomationArg>,
    /// C5:2026: only criteria with sub-criteria at this level.
    #[arg(long, value_name = "LEVEL")]
    pub level: Option<LevelArg>,
    /// Output format.
    #[arg(long, short = 'f', default_value = "table")]
    pub format: ListFormat,
}

/// Arguments of `testat catalog show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The criterion ID, e.g. CRY-03.
    pub id: String,
    /// Output format.
    #[arg(long, short = 'f', default_value = "text")]
    pub format: ShowFormat,
}

/// Arguments of `testat catalog search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to look for, e.g. "key management".
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Show at most this many results.
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
    /// Output format.
    #[arg(long, short = 'f', default_value = "table")]
    pub format: ShowFormat,
}

/// Arguments of `testat catalog export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The export format.
    #[arg(long, short = 'f', default_value = "oscal-json")]
    pub format: ExportFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Formats of `catalog list`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns for people.
    Table,
    /// A JSON document (see docs/json-output.md).
    Json,
    /// CSV, one row per criterion.
    Csv,
}

/// Formats of `catalog export`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// OSCAL 1.1 catalog in JSON.
    OscalJson,
}

/// Levels of C5:2026 sub-criteria as a command-line value.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LevelArg {
    /// Basic sub-criteria (`…B`).
    Basic,
    /// Additional, sharpening sub-criteria (`…AS`).
    Sharpening,
    /// Additional, complementing sub-criteria (`…AC`).
    Complementing,
}

impl LevelArg {
    /// The catalogue's level.
    pub fn level(self) -> testat_catalog::Level {
        match self {
            Self::Basic => testat_catalog::Level::Basic,
            Self::Sharpening => testat_catalog::Level::Sharpening,
            Self::Complementing => testat_catalog::Level::Complementing,
        }
    }
}

/// Automation levels as a command-line value.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AutomationArg {
    /// Configuration scans give substantial evidence.
    Automated,
    /// Scans cover a part.
    Partly,
    /// Only documents and inspection.
    Manual,
}
