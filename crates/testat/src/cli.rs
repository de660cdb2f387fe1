//! The command-line interface: every subcommand and option, as clap derive types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Testat: BSI C5:2020 compliance for cloud services.
///
/// Work through the C5:2020 catalogue, scan cloud configuration against it, and keep
/// the evidence an auditor needs.
#[derive(Debug, Parser)]
#[command(name = "testat", version, about, long_about, propagate_version = true)]
pub struct Cli {
    /// An external catalogue to show beside Testat's summaries: an OSCAL catalog
    /// (JSON) or a CSV file with the columns id,title,text (for example the official
    /// C5:2020 text, which Testat does not ship).
    #[arg(long, global = true, value_name = "FILE", env = "TESTAT_CATALOG")]
    pub catalog: Option<PathBuf>,

    /// When to use colours: `auto` uses them only on a terminal and honours NO_COLOR.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorWhen,

    /// Where the store is, and who acts.
    #[command(flatten)]
    pub store: crate::commands::store::StoreArgs,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Browse the C5:2020 catalogue: list, show, search and export criteria.
    #[command(subcommand)]
    Catalog(CatalogCommand),

    /// Scan Terraform plans and state and Kubernetes manifests against the rules.
    ///
    /// Exit code 0: nothing failed at or above --fail-on; 1: something did; 2: an
    /// input, rule or usage error.
    Scan(ScanArgs),

    /// List, show and test rules (built-in and your own).
    #[command(subcommand)]
    Rules(RulesCommand),

    /// Create a store in `.testat/` here: settings, SQLite database, evidence folder
    /// and an Ed25519 key pair for signing audit bundles.
    Init,

    /// List, show and compare recorded scan runs (`testat scan … --record`).
    #[command(subcommand)]
    Runs(crate::commands::store::RunsCommand),

    /// Add, list, show and export evidence for criteria.
    #[command(subcommand)]
    Evidence(crate::commands::store::EvidenceCommand),

    /// Record how a criterion is implemented (kept as history), or show the history.
    Attest(crate::commands::store::AttestArgs),

    /// Approved exceptions kept in the store (applied by scans beside testat.toml's).
    #[command(subcommand)]
    Exceptions(crate::commands::store::ExceptionsCommand),

    /// Check the audit log's hash chain, every record against its event, and every
    /// evidence file's hash. Exit code 1 when anything was altered, removed or added.
    Verify,

    /// The register of investigation requests from government agencies (C5 INQ):
    /// add, advance, notify, bar, close, what is due, the transparency report and
    /// the evidence for INQ-01 to INQ-04.
    #[command(subcommand)]
    Inquiry(crate::commands::inquiry::InquiryCommand),

    /// Export a signed audit bundle of a period, or verify one without the store.
    #[command(subcommand)]
    Bundle(crate::commands::bundle::BundleCommand),

    /// The status of every criterion (met, partly met, not met, not assessed, not
    /// applicable) with its reasons, from the store; `testat status CRY-03` explains one.
    Status(crate::commands::status::StatusArgs),

    /// Assess the service: Type 1 (design at a date, `--type 1 --at DATE`) or Type 2
    /// (operation over a period, `--type 2 --from DATE --to DATE`, with run coverage,
    /// failure intervals, time to detect and fix, and an optional `--sample`).
    Assess(crate::commands::assess::AssessArgs),

    /// Write the assessment as a report (HTML, PDF, Markdown, CSV, JSON, OSCAL), or
    /// `testat report customer`: the handout of what customers must do on their side.
    Report(crate::commands::assess::ReportArgs),

    /// Print a shell completion script (e.g. `testat completions bash > ~/.local/share/bash-completion/completions/testat`).
    Completions {
        /// The shell to write completions for.
        shell: clap_complete::Shell,
    },
}

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
}

/// Arguments of `testat catalog list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only criteria of this domain (e.g. OPS).
    #[arg(long, value_name = "CODE")]
    pub domain: Option<String>,
    /// Only criteria with this topic tag (e.g. encryption).
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
    /// Only criteria that configuration scans can test this far.
    #[arg(long, value_name = "LEVEL")]
    pub automation: Option<AutomationArg>,
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

/// Arguments of `testat scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan (`-` reads standard input). Directories are
    /// searched recursively; file types are recognised by content.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// A directory of your own rules, used beside the built-in ones (repeatable).
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Run only your own rules, not the built-in ones.
    #[arg(long)]
    pub no_builtin_rules: bool,
    /// Output format.
    #[arg(long, short = 'f', default_value = "text")]
    pub format: ScanFormatArg,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Fail (exit 1) when a rule of this severity or higher fails [default: high].
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
    /// Only rules that serve these criteria (comma-separated, e.g. CRY-03,OPS-12).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub criteria: Vec<String>,
    /// Do not run this rule (repeatable).
    #[arg(long, value_name = "ID")]
    pub skip_rule: Vec<String>,
    /// Settings file [default: testat.toml in the current directory, if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Largest input file to read, in bytes [default: 2147483648].
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Record the run in the store (`.testat/` or --db): inputs' SHA-256, versions,
    /// and findings.
    #[arg(long)]
    pub record: bool,
    /// The estate the recorded run belongs to; runs are compared within a scope.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "default",
        requires = "record"
    )]
    pub scope: String,
}

/// `testat rules …`
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List rules, optionally of one provider or criterion.
    List(RulesListArgs),
    /// Show one rule: what it checks, why, and how to fix a failure.
    Show {
        /// The rule ID, e.g. AWS-S3-VERSIONING.
        id: String,
        /// Also load your own rules from this directory.
        #[arg(long, value_name = "DIR")]
        rules: Vec<PathBuf>,
    },
    /// Show, per domain and criterion, how many rules test it, and which criteria that
    /// configuration scans could test have no rule yet.
    Coverage {
        /// Also count your own rules from this directory.
        #[arg(long, value_name = "DIR")]
        rules: Vec<PathBuf>,
        /// Exit with 1 when a criterion flagged `automated` has no rule.
        #[arg(long)]
        check: bool,
        /// Output format.
        #[arg(long, short = 'f', default_value = "table")]
        format: ShowFormat,
    },
    /// Write the reference page of all rules (Markdown), as kept in docs/rules-reference.md.
    Docs {
        /// Write to this file instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Run rules against their own fixtures and report every case that differs.
    Test {
        /// A directory of your own rules; without it, the built-in rules are tested.
        dir: Option<PathBuf>,
    },
}

/// Arguments of `testat rules list`.
#[derive(Debug, Args)]
pub struct RulesListArgs {
    /// Only rules of this provider (aws, tencentcloud, azurerm, google, kubernetes).
    #[arg(long)]
    pub provider: Option<String>,
    /// Only rules that serve this criterion.
    #[arg(long, value_name = "ID")]
    pub criterion: Option<String>,
    /// Also load your own rules from this directory.
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', default_value = "table")]
    pub format: ShowFormat,
}

/// Formats of `testat scan`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ScanFormatArg {
    /// A summary by C5 domain and criterion, then every failure with its fix.
    Text,
    /// Testat's versioned JSON (docs/scan-json.md).
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// JUnit XML, one test case per rule and resource.
    Junit,
}

/// Severities as a command-line value.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SeverityArg {
    /// Low and above.
    Low,
    /// Medium and above.
    Medium,
    /// High and above.
    High,
    /// Critical only.
    Critical,
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

/// Formats of `catalog show` and `catalog search`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ShowFormat {
    /// Text for people.
    #[value(alias = "table")]
    Text,
    /// JSON.
    Json,
}

/// Formats of `catalog export`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// OSCAL 1.1 catalog in JSON.
    OscalJson,
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
