//! `testat scan`: the scan job of the project, rendered, optionally recorded, and its
//! verdict as the exit code.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use testat_project::{Phase, Verdict};
use testat_report::ScanFormat;

use crate::cli::{ScanArgs, ScanFormatArg};
use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::emit_report;

/// Inputs larger than this (in total) get a progress spinner on a terminal.
const PROGRESS_THRESHOLD_BYTES: u64 = 32 * 1024 * 1024;

/// Runs `testat scan`.
pub fn run(ctx: &Context, args: &ScanArgs) -> Result<ExitStatus, CliError> {
    let project = &ctx.project;
    let catalog = project.catalog();
    // The store, when there is one (or one is needed), is opened once: for its
    // exceptions, and to record the run. Runs recorded on a team server need none.
    let upload = project.settings().server.clone().filter(|_| args.record);
    let store = if (args.record && upload.is_none()) || project.has_store() {
        Some(ctx.block_on(project.open_store())?)
    } else {
        None
    };
    let exceptions = ctx.block_on(project.exceptions_in_force(store.as_ref()))?;
    let progress = Progress::start(&args.paths);
    let scan = project.scan(exceptions, &args.paths, &mut |phase| progress.show(phase));
    progress.finish();
    let scan = scan?;

    let format = match args.format {
        ScanFormatArg::Text => ScanFormat::Text,
        ScanFormatArg::Json => ScanFormat::Json,
        ScanFormatArg::Sarif => ScanFormat::Sarif,
        ScanFormatArg::Junit => ScanFormat::Junit,
    };
    let color = args.output.is_none() && matches!(format, ScanFormat::Text);
    let report = scan.report(catalog);
    emit_report(args.output.as_deref(), |out| {
        testat_report::render_to(&report, format, color, out)
    })?;

    if let Some((server, token)) = &upload {
        let run = scan.new_run(catalog, &args.scope);
        let (id, created) = super::upload::upload(server, token.as_deref(), &run)?;
        if created {
            anstream::eprintln!("recorded run {id} on {server}");
        } else {
            anstream::eprintln!("already recorded as run {id} on {server}");
        }
    }
    if let Some(store) = store {
        let recorded = if args.record && upload.is_none() {
            Some(ctx.block_on(project.record(&store, &scan, &args.scope)))
        } else {
            None
        };
        ctx.block_on(store.close());
        if let Some(id) = recorded.transpose()? {
            anstream::eprintln!("recorded run {id} in the store");
        }
    }

    Ok(match scan.verdict(catalog) {
        Verdict::Clean => ExitStatus::Success,
        Verdict::Failed => ExitStatus::Failure,
        Verdict::InputError => ExitStatus::Error,
    })
}

/// A spinner on standard error for large inputs, only when stderr is a terminal.
struct Progress(Option<ProgressBar>);

impl Progress {
    fn start(paths: &[std::path::PathBuf]) -> Self {
        let total: u64 = paths
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        if !std::io::stderr().is_terminal() || total < PROGRESS_THRESHOLD_BYTES {
            return Self(None);
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        Self(Some(bar))
    }

    fn show(&self, phase: Phase) {
        let Some(bar) = &self.0 else {
            return;
        };
        match phase {
            Phase::Reading => bar.set_message("reading inputs"),
            Phase::Evaluating { resources } => {
                bar.set_message(format!("evaluating {resources} resources"));
            }
            _ => {}
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
