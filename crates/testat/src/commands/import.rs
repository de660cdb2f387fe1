//! `testat import`: other scanners' reports read and mapped by the project's import
//! job, rendered like a scan, optionally recorded, and the verdict as the exit code.

use testat_project::Verdict;
use testat_report::ScanFormat;

use crate::cli::{ImportArgs, ScanFormatArg};
use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::emit;

/// Runs `testat import`.
pub fn run(ctx: &Context, args: &ImportArgs) -> Result<ExitStatus, CliError> {
    let project = &ctx.project;
    // Every file is read and every mapping checked before anything is recorded.
    let imported = project.import(&args.files, args.format.format())?;
    if args.unmapped {
        let toml = imported.unmapped_as_toml();
        if toml.is_empty() {
            anstream::eprintln!("every check is mapped");
        }
        emit(args.output.as_deref(), &toml)?;
        return Ok(ExitStatus::Success);
    }
    let format = match args.output_format {
        ScanFormatArg::Text => ScanFormat::Text,
        ScanFormatArg::Json => ScanFormat::Json,
        ScanFormatArg::Sarif => ScanFormat::Sarif,
        ScanFormatArg::Junit => ScanFormat::Junit,
    };
    let text = testat_report::render_import(&imported.report(), format)?;
    emit(args.output.as_deref(), &text)?;
    if args.record {
        let recorded = ctx.with_store(async |store| {
            Ok(project
                .record_import(store, &imported, args.scope.as_deref())
                .await?)
        })?;
        for (scope, id) in recorded {
            anstream::eprintln!("recorded run {id} in the store (scope {scope})");
        }
    }
    Ok(match imported.verdict() {
        Verdict::Clean => ExitStatus::Success,
        Verdict::Failed => ExitStatus::Failure,
        Verdict::InputError => ExitStatus::Error,
    })
}
