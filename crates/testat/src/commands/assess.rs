//! `testat assess` (Type 1 at a date, Type 2 over a period) and `testat report`
//! (the same assessment as HTML, PDF, Markdown, CSV, JSON or OSCAL, and the customer
//! handout). This module reads the settings and the store; the assessment itself is
//! `testat_assess::build_assessment`, the formats are `testat_report::assessment`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use testat_assess::{
    Assessment, AssessmentInputs, AssessmentKind, PeriodInputs, RuleInfo, STATUSES, Status,
    build_assessment, customer_handout, gather_histories, gather_snapshot,
};
use testat_catalog::Catalog;
use testat_report::assessment as render;

use super::store::{StoreArgs, block_on, open};
use crate::cli::ShowFormat;
use crate::clock;
use crate::config::Config;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::emit;

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
}

/// Arguments of `testat assess`.
#[derive(Debug, Args)]
pub struct AssessArgs {
    #[command(flatten)]
    period: PeriodArgs,
    /// Output format.
    #[arg(long, short = 'f', default_value = "text")]
    format: ShowFormat,
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

/// Arguments of `testat report`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReportArgs {
    #[command(subcommand)]
    what: Option<ReportWhat>,
    #[command(flatten)]
    period: PeriodArgs,
    /// Output format.
    #[arg(long, short = 'f', default_value = "html")]
    format: ReportFormat,
    /// Write to this file (replaced only once the report is complete) instead of
    /// standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    out: Option<PathBuf>,
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
    },
}

/// Runs `testat assess`.
pub fn assess(
    args: &AssessArgs,
    store: &StoreArgs,
    catalog: &Catalog,
) -> Result<ExitStatus, CliError> {
    let assessment = build(&args.period, store, catalog)?;
    let out = match args.format {
        ShowFormat::Json => render::render_json(&assessment)?,
        ShowFormat::Text => text_summary(&assessment),
    };
    emit(None, &out)?;
    Ok(ExitStatus::Success)
}

/// Runs `testat report`.
pub fn report(
    args: &ReportArgs,
    store: &StoreArgs,
    catalog: &Catalog,
) -> Result<ExitStatus, CliError> {
    if let Some(ReportWhat::Customer { format, out }) = &args.what {
        let config = Config::load(None)?;
        let (service, scope) = config.service_description(catalog)?;
        let handout = customer_handout(
            catalog,
            &service,
            &scope,
            clock::now(),
            env!("CARGO_PKG_VERSION"),
        );
        let bytes = match format {
            HandoutFormat::Html => render::render_handout_html(&handout)?.into_bytes(),
            HandoutFormat::Pdf => render::render_handout_pdf(&handout)?,
            HandoutFormat::Md => render::render_handout_markdown(&handout)?.into_bytes(),
            HandoutFormat::Json => render::render_handout_json(&handout)?.into_bytes(),
        };
        return write_report(out.as_deref(), &bytes, *format == HandoutFormat::Pdf);
    }
    let assessment = build(&args.period, store, catalog)?;
    let bytes = match args.format {
        ReportFormat::Html => render::render_html(&assessment)?.into_bytes(),
        ReportFormat::Pdf => render::render_pdf(&assessment)?,
        ReportFormat::Md => render::render_markdown(&assessment)?.into_bytes(),
        ReportFormat::Csv => render::render_csv(&assessment)?.into_bytes(),
        ReportFormat::Json => render::render_json(&assessment)?.into_bytes(),
        ReportFormat::Oscal => render::render_assessment_results(&assessment)?.into_bytes(),
        ReportFormat::OscalPoam => render::render_poam(&assessment)?.into_bytes(),
    };
    write_report(
        args.out.as_deref(),
        &bytes,
        args.format == ReportFormat::Pdf,
    )
}

/// Writes the report to `out` through a temporary file in the same directory, so that
/// an existing report is replaced only by a complete one; or to standard output.
fn write_report(out: Option<&Path>, bytes: &[u8], binary: bool) -> Result<ExitStatus, CliError> {
    let Some(path) = out else {
        if binary {
            return Err(CliError::Usage {
                message: "a PDF is not written to the terminal".into(),
                hint: Some("name a file with --out report.pdf".into()),
            });
        }
        emit(None, &String::from_utf8_lossy(bytes))?;
        return Ok(ExitStatus::Success);
    };
    let write_error = |source: std::io::Error| CliError::Write {
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(write_error(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("the folder {} does not exist", dir.display()),
        )));
    }
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(write_error)?;
    file.write_all(bytes).map_err(write_error)?;
    file.as_file().sync_all().map_err(write_error)?;
    file.persist(path).map_err(|e| write_error(e.error))?;
    eprintln!("wrote {} ({} bytes)", path.display(), bytes.len());
    Ok(ExitStatus::Success)
}

fn usage(message: &str, hint: &str) -> CliError {
    CliError::Usage {
        message: message.into(),
        hint: Some(hint.into()),
    }
}

/// The kind of assessment the arguments ask for, checked against today.
fn kind_of(args: &PeriodArgs, today: NaiveDate) -> Result<AssessmentKind, CliError> {
    let kind = match args.kind {
        None | Some(1) => {
            if args.from.is_some() || args.to.is_some() || args.sample.is_some() {
                return Err(usage(
                    "--from, --to and --sample belong to a Type 2 assessment",
                    "add --type 2, or use --at DATE for Type 1",
                ));
            }
            let at = args.at.unwrap_or(today);
            if at > today {
                return Err(usage(
                    &format!("--at {at} is in the future (today is {today})"),
                    "a Type 1 assessment describes a date that has come",
                ));
            }
            AssessmentKind::Type1 { at }
        }
        Some(_) => {
            if args.at.is_some() {
                return Err(usage(
                    "--at belongs to a Type 1 assessment",
                    "a Type 2 assessment takes --from DATE --to DATE",
                ));
            }
            let (Some(from), Some(to)) = (args.from, args.to) else {
                return Err(usage(
                    "a Type 2 assessment needs --from DATE and --to DATE",
                    "e.g. --type 2 --from 2026-01-01 --to 2026-06-30",
                ));
            };
            if from > to {
                return Err(usage(
                    &format!("the period starts ({from}) after it ends ({to})"),
                    "swap --from and --to",
                ));
            }
            if to > today {
                return Err(usage(
                    &format!("the period ends {to}, after today ({today})"),
                    "assess a period that is over, e.g. --to today's date",
                ));
            }
            AssessmentKind::Type2 { from, to }
        }
    };
    Ok(kind)
}

/// Reads the settings and the store and builds the assessment.
pub fn build(
    args: &PeriodArgs,
    store: &StoreArgs,
    catalog: &Catalog,
) -> Result<Assessment, CliError> {
    let now = clock::now();
    let kind = kind_of(args, now.date_naive())?;
    let config = Config::load(None)?;
    let (service, scope) = config.service_description(catalog)?;
    let max_gap = config.max_scan_gap()?;
    let rule_set = super::rules::load(catalog, true, &config.scan.rules)?;
    let rules = RuleInfo::of(&rule_set);
    let start = kind.bounds().0;
    let until = kind.cut_off(now);
    let (mut snapshot, histories) = block_on(async {
        let store = open(store).await?;
        let result = async {
            let snapshot = gather_snapshot(&store, &rules, until, kind.end()).await?;
            let histories = match kind {
                AssessmentKind::Type2 { .. } => gather_histories(&store, start, until).await?,
                AssessmentKind::Type1 { .. } => Vec::new(),
            };
            Ok::<_, CliError>((snapshot, histories))
        }
        .await;
        store.close().await;
        result
    })??;
    snapshot
        .exceptions
        .extend(config.exceptions.iter().cloned());
    let seed = args
        .seed
        .unwrap_or_else(|| now.timestamp_micros().unsigned_abs());
    let period = matches!(kind, AssessmentKind::Type2 { .. }).then_some(PeriodInputs {
        histories: &histories,
        max_gap,
        sample: args.sample.map(|n| (n, seed)),
    });
    Ok(build_assessment(
        catalog,
        &AssessmentInputs {
            kind,
            state: snapshot.inputs_for(&kind, now),
            rules: &rules,
            service: &service,
            scope: &scope,
            period,
            generated_at: now,
            tool_version: env!("CARGO_PKG_VERSION"),
        },
    ))
}

/// The assessment in a few lines for the terminal.
fn text_summary(a: &Assessment) -> String {
    let mut out = String::new();
    let service = a.service.name();
    let _ = writeln!(
        out,
        "{} Type {} assessment of {service}: {}",
        a.catalog.name,
        a.kind.number(),
        a.kind.period_label()
    );
    let counts: Vec<String> = STATUSES
        .iter()
        .map(|s| format!("{} {s}", a.counts.get(*s)))
        .collect();
    let _ = writeln!(out, "{}", counts.join(", "));
    if !a.scope.is_empty() {
        let _ = writeln!(out, "{} criteria out of scope", a.scope.len());
    }
    if let Some(p) = &a.period {
        let runs: usize = p.runs.values().sum();
        let _ = writeln!(
            out,
            "period: {runs} run(s), {:.1} % covered, {} gap(s) longer than {} h{}",
            p.coverage_percent,
            p.gaps.len(),
            p.max_gap_hours,
            p.median_time_to_fix_secs.map_or(String::new(), |s| format!(
                ", median time to fix {} h",
                s / 3600
            ))
        );
        if let Some(s) = &p.sample {
            let runs: Vec<String> = s.runs.iter().map(|r| r.id.to_string()).collect();
            let evidence: Vec<String> = s.evidence.iter().map(i64::to_string).collect();
            let _ = writeln!(
                out,
                "sample (seed {}): runs [{}], evidence [{}]",
                s.seed,
                runs.join(", "),
                evidence.join(", ")
            );
        }
    }
    for c in a
        .criteria
        .iter()
        .filter(|c| matches!(c.status, Status::NotMet | Status::PartlyMet))
    {
        let _ = writeln!(
            out,
            "\n{} {} ({}): {}",
            c.id, c.title, c.automation, c.status
        );
        for line in c.reasons.iter().chain(&c.deviations) {
            let _ = writeln!(out, "  - {}", crate::output::escape_control(line));
        }
    }
    let _ = writeln!(
        out,
        "\n`testat report --type {} … --format html --out report.html` writes the full report",
        a.kind.number()
    );
    out
}
