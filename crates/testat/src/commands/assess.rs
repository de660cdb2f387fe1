//! `testat assess` (Type 1 at a date, Type 2 over a period) and `testat report`
//! (the same assessment as HTML, PDF, Markdown, CSV, JSON or OSCAL, and the customer
//! handout). The assessment is the project's job ([`testat_project::AssessmentJob`]),
//! the formats are `testat_report::assessment`; this module checks the arguments and
//! writes the result.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use testat_assess::{Assessment, STATUSES, Status};
use testat_project::{AssessmentRequest, SampleRequest};
use testat_report::assessment as render;

use crate::cli::{AssessArgs, PeriodArgs, ReportArgs, ReportWhat, ShowFormat};
use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::emit;

/// Runs `testat assess`.
pub fn assess(ctx: &Context, args: &AssessArgs) -> Result<ExitStatus, CliError> {
    let assessment = build(ctx, &args.period)?;
    let out = match args.format {
        ShowFormat::Json => render::render_json(&assessment)?,
        ShowFormat::Text => text_summary(&assessment),
    };
    emit(None, &out)?;
    Ok(ExitStatus::Success)
}

/// Runs `testat report`.
pub fn report(ctx: &Context, args: &ReportArgs) -> Result<ExitStatus, CliError> {
    if let Some(ReportWhat::Customer { format, out, gdpr }) = &args.what {
        let handout = if *gdpr {
            ctx.with_store(async |store| Ok(ctx.project.customer_handout_gdpr(store).await?))?
        } else {
            ctx.project.customer_handout()?
        };
        let format = format.format();
        let bytes = render::render_handout(&handout, format)?;
        return write_report(out.as_deref(), &bytes, format.is_binary());
    }
    let assessment = build(ctx, &args.period)?;
    let format = args.format.format();
    let bytes = render::render_assessment(&assessment, format)?;
    write_report(args.out.as_deref(), &bytes, format.is_binary())
}

/// Writes the report to `out` through a temporary file in the same directory, so that
/// an existing report is replaced only by a complete one; or to standard output.
fn write_report(out: Option<&Path>, bytes: &[u8], binary: bool) -> Result<ExitStatus, CliError> {
    let Some(path) = out else {
        if binary {
            return Err(CliError::usage(
                "a PDF is not written to the terminal",
                "name a file with --out report.pdf",
            ));
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
    // The temporary file is created 0600; the report gets the mode of a new file
    // (0644 less the umask), which the operating system applies to this one.
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut file = builder.tempfile_in(dir).map_err(write_error)?;
    file.write_all(bytes).map_err(write_error)?;
    file.as_file().sync_all().map_err(write_error)?;
    file.persist(path).map_err(|e| write_error(e.error))?;
    eprintln!("wrote {} ({} bytes)", path.display(), bytes.len());
    Ok(ExitStatus::Success)
}

/// The assessment the arguments ask for; flags of the other type are refused.
fn request(args: &PeriodArgs) -> Result<AssessmentRequest, CliError> {
    match args.kind {
        None | Some(1) => {
            if args.from.is_some() || args.to.is_some() || args.sample.is_some() {
                return Err(CliError::usage(
                    "--from, --to and --sample belong to a Type 2 assessment",
                    "add --type 2, or use --at DATE for Type 1",
                ));
            }
            Ok(AssessmentRequest::Type1 { at: args.at })
        }
        Some(_) => {
            if args.at.is_some() {
                return Err(CliError::usage(
                    "--at belongs to a Type 1 assessment",
                    "a Type 2 assessment takes --from DATE --to DATE",
                ));
            }
            let (Some(from), Some(to)) = (args.from, args.to) else {
                return Err(CliError::usage(
                    "a Type 2 assessment needs --from DATE and --to DATE",
                    "e.g. --type 2 --from 2026-01-01 --to 2026-06-30",
                ));
            };
            Ok(AssessmentRequest::Type2 {
                from,
                to,
                sample: args.sample.map(|size| SampleRequest {
                    size,
                    seed: args.seed,
                }),
            })
        }
    }
}

/// Checks the arguments and settings, then reads the store and builds the assessment.
fn build(ctx: &Context, args: &PeriodArgs) -> Result<Assessment, CliError> {
    let job = ctx.project.assessment_job(&request(args)?)?;
    let mut assessment = ctx.with_store(async |store| Ok(job.run(store).await?))?;
    for framework in &args.framework {
        let rollup = ctx
            .project
            .framework_of_assessment(framework.id(), &assessment)?;
        assessment.frameworks.push(rollup);
    }
    Ok(assessment)
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
    if let Some(levels) = &a.levels {
        let _ = writeln!(out, "{}", levels.summary());
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
    for f in &a.frameworks {
        let n = &f.counts;
        let _ = writeln!(
            out,
            "\nwhat this shows for {} (evidence, not compliance): {} entries supported, {} partly supported, {} not supported, {} without a C5 mapping",
            f.name, n.supported, n.partly_supported, n.not_supported, n.no_mapping
        );
    }
    let _ = writeln!(
        out,
        "\n`testat report --type {} … --format html --out report.html` writes the full report",
        a.kind.number()
    );
    out
}
