//! The store commands: `init`, `runs`, `evidence`, `attest`, `exceptions`, `verify`,
//! and the `scan --record` hook. The work is done in `testat-store`.

use std::future::Future;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use testat_catalog::Catalog;
use testat_store::{
    AttestStatus, Location, NewAttestation, NewEvidence, Stamp, Store, from_micros,
};

use crate::cli::ShowFormat;
use crate::clock;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::emit;

/// Options every store command shares.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// The store's database (`postgres://…` or a SQLite file) [default: .testat/ here].
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "TESTAT_DATABASE_URL",
        hide_env_values = true
    )]
    pub db: Option<String>,
    /// Who makes the change, for the audit log [default: $USER].
    #[arg(long, global = true, value_name = "NAME", env = "TESTAT_ACTOR")]
    pub actor: Option<String>,
}

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

/// Runs `future` to completion on a small runtime.
pub fn block_on<F: Future>(future: F) -> Result<F::Output, CliError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Render(format!("cannot start the async runtime: {e}")))?;
    Ok(runtime.block_on(future))
}

/// The actor: `--actor`, `TESTAT_ACTOR`, or the login name.
pub fn stamp(args: &StoreArgs) -> Stamp {
    let actor = args
        .actor
        .clone()
        .filter(|a| !a.trim().is_empty())
        .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
        .or_else(|| std::env::var("USERNAME").ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "unknown".into());
    Stamp {
        actor,
        at: clock::now(),
    }
}

fn current_dir() -> Result<PathBuf, CliError> {
    std::env::current_dir().map_err(|source| CliError::Read {
        path: PathBuf::from("."),
        source,
    })
}

/// The store for this directory (`.testat/` or `--db`), opened and migrated.
pub async fn open(args: &StoreArgs) -> Result<Store, CliError> {
    let location = Location::find(&current_dir()?, args.db.as_deref())?;
    Ok(Store::open(&location).await?)
}

/// Whether a store is configured here (a `.testat/` folder or `--db`).
pub fn present(args: &StoreArgs) -> bool {
    args.db.as_deref().is_some_and(|d| !d.trim().is_empty())
        || Path::new(testat_store::STORE_DIR).is_dir()
}

fn time(us: i64) -> String {
    from_micros(us).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Runs `testat init`.
pub fn init(args: &StoreArgs) -> Result<ExitStatus, CliError> {
    let dir = current_dir()?;
    let stamp = stamp(args);
    let done = block_on(testat_store::init(&dir, args.db.as_deref(), &stamp))??;
    emit(
        None,
        &format!(
            "created {}\npublic key (Ed25519): {}\n  also in {}; give it to auditors to check signed bundles\n",
            done.root.display(),
            done.public_key_hex,
            done.public_key_file.display()
        ),
    )?;
    Ok(ExitStatus::Success)
}

/// Runs `testat runs …`.
pub fn runs(command: &RunsCommand, args: &StoreArgs) -> Result<ExitStatus, CliError> {
    block_on(async {
        let store = open(args).await?;
        let mut out = String::new();
        match command {
            RunsCommand::List { format } => {
                let runs = store.runs().await?;
                if matches!(format, ShowFormat::Json) {
                    out = serde_json::to_string_pretty(&runs)?;
                    out.push('\n');
                } else if runs.is_empty() {
                    out.push_str("no runs recorded; record one with `testat scan PATH --record`\n");
                } else {
                    out.push_str("ID  STARTED               SCOPE    PASSED  FAILED  EXCEPTED  CHANGED  ACTOR\n");
                    for r in runs {
                        out.push_str(&format!(
                            "{:<3} {:<21} {:<8} {:>6}  {:>6}  {:>8}  {:>7}  {}\n",
                            r.id,
                            time(r.started_at),
                            r.scope,
                            r.passed,
                            r.failed,
                            r.excepted,
                            r.changed,
                            r.actor
                        ));
                    }
                }
            }
            RunsCommand::Show { id, format } => {
                let run = store.run(*id).await?;
                let inputs = store.run_inputs(*id).await?;
                let criteria = store.run_criteria(*id).await?;
                let failing: Vec<_> = store
                    .findings_at(*id)
                    .await?
                    .into_iter()
                    .filter(|f| f.outcome == "fail")
                    .collect();
                let changes = store.run_changes(*id).await?;
                if matches!(format, ShowFormat::Json) {
                    out = serde_json::to_string_pretty(&serde_json::json!({
                        "run": run, "inputs": inputs, "criteria": criteria,
                        "failing": failing, "changes": changes,
                    }))?;
                    out.push('\n');
                } else {
                    out.push_str(&format!(
                        "run {}  scope {}  by {}\n  started   {}\n  finished  {}\n  testat {}, catalogue {}, rule set {} ({} rules), {} resources\n  passed {}, failed {}, excepted {}, other {}; {} changed since the previous run\n",
                        run.id, run.scope, run.actor, time(run.started_at), time(run.finished_at),
                        run.tool_version, run.catalog_version, run.ruleset_sha256, run.rule_count,
                        run.resource_count, run.passed, run.failed, run.excepted, run.other, run.changed
                    ));
                    out.push_str("inputs:\n");
                    for i in &inputs {
                        out.push_str(&format!(
                            "  {}  {}  {} bytes  {}\n",
                            i.sha256, i.kind, i.size, i.path
                        ));
                    }
                    out.push_str("criteria (passed/failed/excepted/other):\n");
                    for c in &criteria {
                        out.push_str(&format!(
                            "  {:<8} {}/{}/{}/{}\n",
                            c.criterion, c.passed, c.failed, c.excepted, c.other
                        ));
                    }
                    out.push_str(&format!("failing findings ({}):\n", failing.len()));
                    for f in &failing {
                        out.push_str(&format!("  {}  {}\n", f.rule, f.address));
                    }
                }
            }
            RunsCommand::Diff { a, b, format } => {
                let changes = store.diff_runs(*a, *b).await?;
                if matches!(format, ShowFormat::Json) {
                    out = serde_json::to_string_pretty(&changes)?;
                    out.push('\n');
                } else if changes.is_empty() {
                    out.push_str(&format!("no finding differs between run {a} and run {b}\n"));
                } else {
                    for c in &changes {
                        out.push_str(&format!(
                            "{} -> {}  {}  {}\n",
                            c.old.as_deref().unwrap_or("absent"),
                            c.new.as_deref().unwrap_or("absent"),
                            c.rule,
                            c.address
                        ));
                    }
                    out.push_str(&format!(
                        "{} finding(s) differ between run {a} and run {b}\n",
                        changes.len()
                    ));
                }
            }
            RunsCommand::Failed { from, to, format } => {
                let start = from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
                let end = to
                    .succ_opt()
                    .unwrap_or(*to)
                    .and_hms_opt(0, 0, 0)
                    .unwrap_or_default()
                    .and_utc();
                let failed = store.failed_criteria(start, end).await?;
                if matches!(format, ShowFormat::Json) {
                    out = serde_json::to_string_pretty(&failed)?;
                    out.push('\n');
                } else if failed.is_empty() {
                    out.push_str(&format!(
                        "no criterion failed in runs from {from} to {to}\n"
                    ));
                } else {
                    for f in &failed {
                        out.push_str(&format!(
                            "{:<8} failed in {} run(s), first {}, last {}\n",
                            f.criterion,
                            f.failed_runs,
                            time(f.first_failed_at),
                            time(f.last_failed_at)
                        ));
                    }
                }
            }
        }
        store.close().await;
        emit(None, &out)?;
        Ok(ExitStatus::Success)
    })?
}

fn criterion(catalog: &Catalog, id: &str) -> Result<String, CliError> {
    Ok(catalog.get(id)?.id.clone())
}

/// Runs `testat evidence …`.
pub fn evidence(
    command: &EvidenceCommand,
    args: &StoreArgs,
    catalog: &Catalog,
) -> Result<ExitStatus, CliError> {
    block_on(async {
        let store = open(args).await?;
        let mut out = String::new();
        match command {
            EvidenceCommand::Add(add) => {
                let criteria = add
                    .criterion
                    .iter()
                    .map(|c| criterion(catalog, c))
                    .collect::<Result<Vec<_>, _>>()?;
                let new = NewEvidence {
                    file: add.file.clone(),
                    url: add.url.clone(),
                    note: add.note.clone(),
                    criteria,
                    effective: add.effective,
                    valid_until: add.valid_until,
                };
                let id = store.add_evidence(&new, &stamp(args)).await?;
                let e = store.evidence_by_id(id).await?;
                out.push_str(&format!(
                    "added evidence {id} ({}{}) for {}\n",
                    e.kind,
                    e.sha256
                        .as_deref()
                        .map(|s| format!(", sha256 {s}"))
                        .unwrap_or_default(),
                    e.criteria.join(", ")
                ));
            }
            EvidenceCommand::List {
                criterion: c,
                format,
            } => {
                let wanted = c.as_deref().map(|c| criterion(catalog, c)).transpose()?;
                let all = store.evidence(wanted.as_deref()).await?;
                if matches!(format, ShowFormat::Json) {
                    out = serde_json::to_string_pretty(&all)?;
                    out.push('\n');
                } else if all.is_empty() {
                    out.push_str("no evidence stored; add some with `testat evidence add FILE --criterion ID`\n");
                } else {
                    for e in &all {
                        let what = e
                            .name
                            .clone()
                            .or_else(|| e.url.clone())
                            .or_else(|| e.note.clone())
                            .unwrap_or_default();
                        out.push_str(&format!(
                            "{:<3} {:<4} {:<20} effective {:<10} valid until {:<10} {}\n",
                            e.id,
                            e.kind,
                            e.criteria.join(","),
                            e.effective.as_deref().unwrap_or("-"),
                            e.valid_until.as_deref().unwrap_or("-"),
                            crate::output::escape_control(&what)
                        ));
                    }
                }
            }
            EvidenceCommand::Show { id, format } => {
                let e = store.evidence_by_id(*id).await?;
                if matches!(format, ShowFormat::Json) {
                    out = serde_json::to_string_pretty(&e)?;
                    out.push('\n');
                } else {
                    out.push_str(&format!("evidence {}  ({})\n", e.id, e.kind));
                    out.push_str(&format!("  criteria     {}\n", e.criteria.join(", ")));
                    for (label, value) in [
                        ("name", e.name.clone()),
                        ("sha256", e.sha256.clone()),
                        ("size", e.size.map(|s| format!("{s} bytes"))),
                        ("media type", e.media_type.clone()),
                        ("url", e.url.clone()),
                        ("note", e.note.clone()),
                        ("effective", e.effective.clone()),
                        ("valid until", e.valid_until.clone()),
                    ] {
                        if let Some(value) = value {
                            out.push_str(&format!(
                                "  {label:<12} {}\n",
                                crate::output::escape_control(&value)
                            ));
                        }
                    }
                    out.push_str(&format!(
                        "  added        {} by {}\n",
                        time(e.added_at),
                        e.added_by
                    ));
                }
            }
            EvidenceCommand::Export { id, to } => {
                let path = store.export_evidence(*id, to).await?;
                out.push_str(&format!("wrote {}\n", path.display()));
            }
        }
        store.close().await;
        emit(None, &out)?;
        Ok(ExitStatus::Success)
    })?
}

/// Runs `testat attest`.
pub fn attest(a: &AttestArgs, args: &StoreArgs, catalog: &Catalog) -> Result<ExitStatus, CliError> {
    let id = criterion(catalog, &a.criterion)?;
    block_on(async {
        let store = open(args).await?;
        let mut out = String::new();
        if a.history {
            let history = store.attestations(Some(&id)).await?;
            if history.is_empty() {
                out.push_str(&format!("no attestation for {id}\n"));
            }
            for h in history {
                out.push_str(&format!(
                    "{}  {:<14} owner {}  by {}{}\n  {}\n",
                    time(h.attested_at),
                    h.status,
                    h.owner,
                    h.attested_by,
                    h.next_review
                        .map(|d| format!("  next review {d}"))
                        .unwrap_or_default(),
                    crate::output::escape_control(&h.statement)
                ));
            }
        } else {
            let status = match a.status {
                Some(StatusArg::Implemented) => AttestStatus::Implemented,
                Some(StatusArg::Partial) => AttestStatus::Partial,
                Some(StatusArg::Planned) => AttestStatus::Planned,
                Some(StatusArg::NotApplicable) | None => AttestStatus::NotApplicable,
            };
            let new = NewAttestation {
                criterion: id.clone(),
                status,
                statement: a.statement.clone().unwrap_or_default(),
                owner: a.owner.clone().unwrap_or_default(),
                next_review: a.next_review,
            };
            let n = store.attest(&new, &stamp(args)).await?;
            out.push_str(&format!(
                "recorded attestation {n}: {id} is {}\n",
                status.as_str()
            ));
        }
        store.close().await;
        emit(None, &out)?;
        Ok(ExitStatus::Success)
    })?
}

/// Runs `testat exceptions …`.
pub fn exceptions(command: &ExceptionsCommand, args: &StoreArgs) -> Result<ExitStatus, CliError> {
    block_on(async {
        let store = open(args).await?;
        let mut out = String::new();
        match command {
            ExceptionsCommand::Add {
                rule,
                resource,
                justification,
                approved_by,
                risk_owner,
                expires,
            } => {
                let exception = testat_rules::Exception {
                    rule: rule.clone(),
                    resource: resource.clone(),
                    justification: justification.clone(),
                    approved_by: approved_by.clone(),
                    risk_owner: risk_owner.clone(),
                    expires: *expires,
                };
                let id = store.add_exception(&exception, &stamp(args)).await?;
                out.push_str(&format!(
                    "stored exception {id}: {rule} on {resource} until {expires}\n"
                ));
            }
            ExceptionsCommand::List { expired, format } => {
                let today = clock::today();
                let list: Vec<_> = store
                    .exceptions()
                    .await?
                    .into_iter()
                    .filter(|x| !expired || !x.to_exception().is_active(today))
                    .collect();
                if matches!(format, ShowFormat::Json) {
                    out = serde_json::to_string_pretty(&list)?;
                    out.push('\n');
                } else if list.is_empty() {
                    out.push_str(if *expired {
                        "no expired exceptions\n"
                    } else {
                        "no exceptions stored\n"
                    });
                } else {
                    for x in &list {
                        let state = if x.to_exception().is_active(today) {
                            "active "
                        } else {
                            "EXPIRED"
                        };
                        out.push_str(&format!(
                            "{:<3} {state} until {}  {}  on {}  approved by {}{}\n  {}\n",
                            x.id,
                            x.expires,
                            x.rule,
                            x.resource,
                            x.approved_by,
                            x.risk_owner
                                .as_deref()
                                .map(|r| format!(", risk owner {r}"))
                                .unwrap_or_default(),
                            crate::output::escape_control(&x.justification)
                        ));
                    }
                }
            }
        }
        store.close().await;
        emit(None, &out)?;
        Ok(ExitStatus::Success)
    })?
}

/// Runs `testat verify`: exit 1 when anything was altered, removed or added.
pub fn verify(args: &StoreArgs) -> Result<ExitStatus, CliError> {
    block_on(async {
        let store = open(args).await?;
        let report = store.verify().await?;
        store.close().await;
        let mut out = String::new();
        for p in &report.problems {
            out.push_str(&format!("FAILED {}: {}\n", p.place, p.message));
        }
        for w in &report.warnings {
            out.push_str(&format!("note: {w}\n"));
        }
        out.push_str(&format!(
            "{}: {} audit events, {} records, {} evidence files checked; {} problem(s)\n",
            if report.ok() {
                "verified"
            } else {
                "verification FAILED"
            },
            report.events,
            report.objects,
            report.files,
            report.problems.len()
        ));
        emit(None, &out)?;
        Ok(if report.ok() {
            ExitStatus::Success
        } else {
            ExitStatus::Failure
        })
    })?
}

/// Exceptions in the store, when there is one, to apply beside `testat.toml`'s.
pub fn stored_exceptions(args: &StoreArgs) -> Result<Vec<testat_rules::Exception>, CliError> {
    if !present(args) {
        return Ok(Vec::new());
    }
    block_on(async {
        let store = open(args).await?;
        let list = store.exceptions().await?;
        store.close().await;
        Ok(list
            .iter()
            .map(testat_store::StoredException::to_exception)
            .collect())
    })?
}

/// Records a scan run in the store (`scan --record`); returns its ID.
pub fn record(run: &testat_store::NewRun, args: &StoreArgs) -> Result<i64, CliError> {
    block_on(async {
        let store = open(args).await?;
        let id = store.record_run(run, &stamp(args)).await?;
        store.close().await;
        Ok(id)
    })?
}
