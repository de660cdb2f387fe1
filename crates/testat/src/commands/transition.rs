//! `testat transition --to 2026`: what a C5:2020 engagement carries over.

use testat_catalog::C5Version;

use crate::cli::{TransitionArgs, TransitionFormat};
use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::emit;

/// Runs `testat transition`.
pub fn run(ctx: &Context, args: &TransitionArgs) -> Result<ExitStatus, CliError> {
    if args.to != C5Version::V2026 {
        return Err(CliError::usage(
            format!("--to {}: a transition goes to C5:2026", args.to),
            "use --to 2026",
        ));
    }
    let transition =
        ctx.with_store(async |store| Ok(ctx.project.transition(store, args.first_period).await?))?;
    let text = match args.format {
        TransitionFormat::Md => testat_report::render_transition_markdown(&transition),
        TransitionFormat::Html => testat_report::render_transition_html(&transition)
            .map_err(|e| CliError::Render(e.to_string()))?,
        TransitionFormat::Json => {
            format!("{}\n", serde_json::to_string_pretty(&transition)?)
        }
    };
    emit(args.out.as_deref(), &text)?;
    Ok(ExitStatus::Success)
}
