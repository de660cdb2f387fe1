//! The store commands (`runs`, `evidence`, `attest`, `exceptions`, `bundle`): arguments.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};

use super::ShowFormat;

/// `testat runs …`
#[derive(Debug, Subcommand)]
pub enum RunsCommand {
    /// List recorded scan runs.
    List {
        /// Output format.
        #[arg(long, short = 'f', default_value = "text")]
        format: ShowFormat,
    },
    /// Show one run: times, inputs, versions, criteria, and what changed.
    Show {
        /// The run ID.
        id: i64,
        /// Output format.
        #[arg(long, short = 'f', default_value = "text")]
        format: ShowFormat,
    },
    /// Findings whose outcome differs between two runs.
    Diff {
        /// The earlier run.
        a: i64,
        /// The later run.
        b: i64,
        /// Output format.
        #[arg(long, short = 'f', default_value = "text")]
        format: ShowFormat,
    },
    /// Which criteria failed, and when, in runs that started in [FROM, TO].
    Failed {
        /// First day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        from: NaiveDate,
        /// Last day (YYYY-MM-DD), included.
        #[arg(long, value_name = "DATE")]
        to: NaiveDate,
        /// Output format.
        #[arg(long, short = 'f', default_value = "text")]
        format: ShowFormat,
    },
}

/// `testat evidence …`
#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Add a file, a link (--url) or a note (--note) as evidence for criteria.
    Add(EvidenceAddArgs),
    /// List evidence, optionally of one criterion.
    List {
        /// Only evidence for this criterion.
        #[arg(long, value_name = "ID")]
        criterion: Option<String>,
        /// Output format.
        #[arg(long, short = 'f', default_value = "text")]
        format: ShowFormat,
    },
    /// Show one piece of evidence.
    Show {
        /// The evidence ID.
        id: i64,
        /// Output format.
        #[arg(long, short = 'f', default_value = "text")]
        format: ShowFormat,
    },
    /// Copy an evidence file out of the store (checks its hash; never overwrites).
    Export {
        /// The evidence ID.
        id: i64,
        /// The folder to write to.
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
    },
}

/// Arguments of `testat evidence add`.
#[derive(Debug, Args)]
pub struct EvidenceAddArgs {
    /// The file to store (omit with --url or --note).
    pub file: Option<PathBuf>,
    /// A criterion the evidence supports (repeatable, e.g. OPS-06).
    #[arg(long, value_name = "ID", required = true)]
    pub criterion: Vec<String>,
    /// A link instead of a file.
    #[arg(long, value_name = "URL", conflicts_with = "file")]
    pub url: Option<String>,
    /// A note (alone, or about the file or link).
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// The day the evidence speaks for (YYYY-MM-DD), separate from the upload date.
    #[arg(long, value_name = "DATE")]
    pub effective: Option<NaiveDate>,
    /// The last day the evidence is valid (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub valid_until: Option<NaiveDate>,
}

/// Arguments of `testat attest`.
#[derive(Debug, Args)]
pub struct AttestArgs {
    /// The criterion, e.g. OIS-01.
    pub criterion: String,
    /// How far it is implemented.
    #[arg(long, required_unless_present = "history")]
    pub status: Option<StatusArg>,
    /// What is in place, in your words.
    #[arg(long, value_name = "TEXT", required_unless_present = "history")]
    pub statement: Option<String>,
    /// Who is responsible.
    #[arg(long, value_name = "NAME", required_unless_present = "history")]
    pub owner: Option<String>,
    /// When to review it next (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub next_review: Option<NaiveDate>,
    /// Show every attestation of the criterion instead of adding one.
    #[arg(long, conflicts_with_all = ["status", "statement", "owner", "next_review"])]
    pub history: bool,
}

/// `--status` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StatusArg {
    /// In place and working.
    Implemented,
    /// Partly in place.
    Partial,
    /// Planned.
    Planned,
    /// Does not apply to this service.
    NotApplicable,
}

/// `testat exceptions …`
#[derive(Debug, Subcommand)]
pub enum ExceptionsCommand {
    /// Store an approved, time-limited exception (as `[[exception]]` in testat.toml).
    Add {
        /// The rule ID (`*` and `?` wildcards allowed).
        #[arg(long, value_name = "ID")]
        rule: String,
        /// Resource address pattern [default: every resource].
        #[arg(long, value_name = "PATTERN", default_value = "*")]
        resource: String,
        /// Why it is acceptable.
        #[arg(long, value_name = "TEXT")]
        justification: String,
        /// Who approved it.
        #[arg(long, value_name = "NAME")]
        approved_by: String,
        /// Who carries the risk.
        #[arg(long, value_name = "NAME")]
        risk_owner: Option<String>,
        /// The last day it applies (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        expires: NaiveDate,
    },
    /// Revoke a stored exception before its expiry (kept on record; it excepts
    /// nothing from now on).
    Revoke {
        /// The exception's ID (`testat exceptions list`).
        id: i64,
        /// Why it is revoked.
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// List stored exceptions.
    List {
        /// Only those past their expiry date.
        #[arg(long)]
        expired: bool,
        /// Output format.
        #[arg(long, short = 'f', default_value = "text")]
        format: ShowFormat,
    },
}

/// `testat bundle …`
#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Write the evidence files, audit-log slice, attestations, runs and exceptions of
    /// a period into one `.tar.zst`, with a manifest signed by the store's key.
    Export {
        /// First day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        from: NaiveDate,
        /// Last day (YYYY-MM-DD), included.
        #[arg(long, value_name = "DATE")]
        to: NaiveDate,
        /// The bundle to write (never overwritten), e.g. audit-2026.tar.zst.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Check a bundle without the store: signature, every file's hash, nothing extra
    /// or missing, the audit-log chain. Exit code 1 when anything fails.
    Verify {
        /// The bundle.
        file: PathBuf,
        /// The public key you received separately (a `signing.pub` file or 64 hex
        /// digits); the bundle must be signed with it [default: the key it embeds].
        #[arg(long, value_name = "PUB")]
        key: Option<String>,
    },
}
