//! The command-line interface: every subcommand and option, as clap derive types. The
//! command modules read these; nothing here knows how a command runs.

mod assess;
mod catalog;
mod import;
mod inquiry;
mod scan;
mod store;
mod team;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use assess::{AssessArgs, PeriodArgs, ReportArgs, ReportWhat, StatusArgs};
pub use catalog::{
    AutomationArg, CatalogCommand, CrosswalkArgs, CrosswalkFormat, ExportFormat, ListArgs,
    ListFormat,
};
pub use import::ImportArgs;
pub use inquiry::{InquiryCommand, TransparencyFormat};
pub use scan::{RulesCommand, ScanArgs, ScanFormatArg, SeverityArg};
pub use store::{
    AttestArgs, BundleCommand, EvidenceCommand, ExceptionsCommand, RunsCommand, StatusArg,
};
pub use team::{ServeArgs, TokenCommand, UserCommand};

/// Testat: BSI C5 compliance for cloud services (C5:2020 and C5:2026).
///
/// Work through the C5 catalogue, scan cloud configuration against it, and keep the
/// evidence an auditor needs. C5:2020 unless `--c5 2026` or the store says otherwise.
#[derive(Debug, Parser)]
#[command(name = "testat", version, about, long_about, propagate_version = true)]
pub struct Cli {
    /// Options every command shares.
    #[command(flatten)]
    pub global: GlobalArgs,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command shares.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// An external catalogue to show beside Testat's summaries: an OSCAL catalog
    /// (JSON) or a CSV file with the columns id,title,text (for example the official
    /// C5:2020 text, which Testat does not ship) [env: TESTAT_CATALOG].
    #[arg(long, global = true, value_name = "FILE")]
    pub catalog: Option<PathBuf>,

    /// Settings file [default: testat.toml in the current directory, if present].
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The store's database (`postgres://…` or a SQLite file) [default: .testat/ here]
    /// [env: TESTAT_DATABASE_URL].
    #[arg(long, global = true, value_name = "URL")]
    pub db: Option<String>,

    /// Who makes the change, for the audit log [env: TESTAT_ACTOR; default: $USER].
    #[arg(long, global = true, value_name = "NAME")]
    pub actor: Option<String>,

    /// The C5 version of the engagement: 2020 or 2026 [env: TESTAT_C5; default: the
    /// store's, else `[catalog] version` in testat.toml, else 2020]. A store keeps the
    /// version it was created with; naming another one is an error.
    #[arg(long, global = true, value_name = "YEAR", value_parser = parse_c5)]
    pub c5: Option<testat_catalog::C5Version>,

    /// When to use colours: `auto` uses them only on a terminal and honours NO_COLOR.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorWhen,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Browse the C5 catalogue (C5:2020, or C5:2026 with `--c5 2026`): list, show,
    /// search and export criteria, and the crosswalk between the two.
    #[command(subcommand)]
    Catalog(CatalogCommand),

    /// Scan Terraform plans and state and Kubernetes manifests against the rules.
    ///
    /// Exit code 0: nothing failed at or above --fail-on; 1: something did; 2: an
    /// input, rule or usage error.
    Scan(ScanArgs),

    /// Import other scanners' findings (Checkov JSON, Prowler OCSF, SARIF) as C5
    /// evidence, mapped to criteria.
    ///
    /// Exit code 0: nothing failed at or above --fail-on; 1: something did; 2: a file
    /// or a mapping could not be read (nothing is recorded then).
    Import(ImportArgs),

    /// List, show and test rules (built-in and your own).
    #[command(subcommand)]
    Rules(RulesCommand),

    /// Create a store in `.testat/` here: settings, SQLite database, evidence folder
    /// and an Ed25519 key pair for signing audit bundles.
    Init,

    /// List, show and compare recorded scan runs (`testat scan … --record`).
    #[command(subcommand)]
    Runs(RunsCommand),

    /// Add, list, show and export evidence for criteria.
    #[command(subcommand)]
    Evidence(EvidenceCommand),

    /// Record how a criterion is implemented (kept as history), or show the history.
    Attest(AttestArgs),

    /// Approved exceptions kept in the store (applied by scans beside testat.toml's).
    #[command(subcommand)]
    Exceptions(ExceptionsCommand),

    /// Check the audit log's hash chain, every record against its event, and every
    /// evidence file's hash. Exit code 1 when anything was altered, removed or added.
    Verify {
        /// Also check an anchor saved from the server's `/trust/anchor` (or a published
        /// trust snapshot): signed by this store's key, its event still in the log with
        /// the same hash, and the chain from there to the head whole. This detects a
        /// history rewritten end to end since the anchor was saved.
        #[arg(long, value_name = "FILE")]
        anchor: Option<PathBuf>,
    },

    /// The register of investigation requests from government agencies (C5 INQ):
    /// add, advance, notify, bar, close, what is due, the transparency report and
    /// the evidence for INQ-01 to INQ-04.
    #[command(subcommand)]
    Inquiry(InquiryCommand),

    /// Export a signed audit bundle of a period, or verify one without the store.
    #[command(subcommand)]
    Bundle(BundleCommand),

    /// The status of every criterion (met, partly met, not met, not assessed, not
    /// applicable) with its reasons, from the store; `testat status CRY-03` explains one.
    Status(StatusArgs),

    /// Assess the service: Type 1 (design at a date, `--type 1 --at DATE`) or Type 2
    /// (operation over a period, `--type 2 --from DATE --to DATE`, with run coverage,
    /// failure intervals, time to detect and fix, and an optional `--sample`).
    Assess(AssessArgs),

    /// Write the assessment as a report (HTML, PDF, Markdown, CSV, JSON, OSCAL), or
    /// `testat report customer`: the handout of what customers must do on their side.
    Report(ReportArgs),

    /// The move from C5:2020 to C5:2026, on a C5:2020 store: per C5:2026 criterion what
    /// carries over (rules, evidence and attestations of its C5:2020 counterparts,
    /// still valid) and what is missing, with counts per domain on top. Changes
    /// nothing.
    Transition(TransitionArgs),

    /// Serve the team server: the HTTP API, the web UI and the public trust page, on
    /// the same store (`--db postgres://…` for teams).
    Serve(ServeArgs),

    /// Users of the team server (`testat user add NAME --role admin` makes the first).
    #[command(subcommand)]
    User(UserCommand),

    /// API tokens of the team server (for uploads from CI).
    #[command(subcommand)]
    Token(TokenCommand),

    /// Print a shell completion script (e.g. `testat completions bash > ~/.local/share/bash-completion/completions/testat`).
    Completions {
        /// The shell to write completions for.
        shell: clap_complete::Shell,
    },
}

/// Parses `--c5`.
fn parse_c5(text: &str) -> Result<testat_catalog::C5Version, String> {
    text.parse()
        .map_err(|_| format!("`{text}` is not a C5 version; use 2020 or 2026"))
}

/// Arguments of `testat transition`.
#[derive(Debug, Args)]
pub struct TransitionArgs {
    /// The version to move to (only 2026).
    #[arg(long, value_name = "YEAR", value_parser = parse_c5)]
    pub to: testat_catalog::C5Version,
    /// The first day of the first C5:2026 period: evidence that lapses before it is
    /// listed as missing [default: 2027-06-01, or today when later].
    #[arg(long, value_name = "DATE")]
    pub first_period: Option<chrono::NaiveDate>,
    /// Output format.
    #[arg(long, short = 'f', default_value = "md")]
    pub format: TransitionFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Formats of `testat transition`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TransitionFormat {
    /// Markdown.
    Md,
    /// One self-contained HTML page.
    Html,
    /// JSON: the transition value as is.
    Json,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorWhen {
    /// Colours on a terminal, unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Formats of commands that show records: text for people or JSON.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ShowFormat {
    /// Text for people.
    #[value(alias = "table")]
    Text,
    /// JSON.
    Json,
}

/// The frameworks C5 evidence is mapped to (`--framework`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FrameworkArg {
    /// ISO/IEC 27001:2022 Annex A.
    #[value(name = "iso27001-2022", alias = "iso27001")]
    Iso27001_2022,
    /// The GDPR (Regulation (EU) 2016/679).
    Gdpr,
    /// The German Federal Data Protection Act (BDSG).
    Bdsg,
}

impl FrameworkArg {
    /// The framework's ID in the catalogue data.
    pub fn id(self) -> &'static str {
        match self {
            Self::Iso27001_2022 => "iso27001-2022",
            Self::Gdpr => "gdpr",
            Self::Bdsg => "bdsg",
        }
    }
}
