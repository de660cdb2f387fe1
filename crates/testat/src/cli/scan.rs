//! `testat scan` and `testat rules …`: arguments.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::ShowFormat;

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
    /// Largest input file to read, in bytes [default: 2147483648].
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Treat this provider's Terraform inputs as the account baseline (aws, azurerm,
    /// google, tencentcloud; repeatable): account-level rules then fail when nothing
    /// complies, instead of being unknown.
    #[arg(long, value_name = "PROVIDER")]
    pub account_baseline: Vec<String>,
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
    /// Record the run on this team server instead of a local store (e.g.
    /// https://testat.example.org); needs an API token with the editor role
    /// [env: TESTAT_SERVER].
    #[arg(long, value_name = "URL", requires = "record")]
    pub server: Option<String>,
    /// The API token for --server [env: TESTAT_TOKEN].
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
}

impl SeverityArg {
    /// The rule engine's severity.
    pub fn severity(self) -> testat_rules::Severity {
        match self {
            Self::Low => testat_rules::Severity::Low,
            Self::Medium => testat_rules::Severity::Medium,
            Self::High => testat_rules::Severity::High,
            Self::Critical => testat_rules::Severity::Critical,
        }
    }
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
