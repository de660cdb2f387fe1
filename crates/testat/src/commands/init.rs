//! `testat init`: create a store here.

use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::done;

/// Runs `testat init`.
pub fn run(ctx: &Context) -> Result<ExitStatus, CliError> {
    let initialised = ctx.block_on(ctx.project.init_store())?;
    done(&format!(
        "created {} for {}\npublic key (Ed25519): {}\n  also in {}; give it to auditors to check signed bundles\n",
        initialised.root.display(),
        ctx.project.version().name(),
        initialised.public_key_hex,
        initialised.public_key_file.display()
    ))
}
