//! `testat verify`: check the audit chain, every record and every evidence file.

use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::emit;

/// Runs `testat verify`: exit 1 when anything was altered, removed or added.
pub fn run(ctx: &Context) -> Result<ExitStatus, CliError> {
    let report = ctx.with_store(async |store| Ok(store.verify().await?))?;
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
}
