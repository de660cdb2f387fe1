//! `testat init`: create a store here.

use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::done;

/// Runs `testat init`.
pub fn run(ctx: &Context) -> Result<ExitStatus, CliError> {
    let settings = ctx.project.settings();
    let initialised = ctx.block_on(testat_store::init(
        &settings.dir,
        settings.database.as_deref(),
        &ctx.project.stamp(),
    ))?;
    done(&format!(
        "created {}\npublic key (Ed25519): {}\n  also in {}; give it to auditors to check signed bundles\n",
        initialised.root.display(),
        initialised.public_key_hex,
        initialised.public_key_file.display()
    ))
}
