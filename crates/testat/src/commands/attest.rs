//! `testat attest`: record how a criterion is implemented, or show its history.

use testat_records::{AttestStatus, NewAttestation};

use crate::cli::{AttestArgs, StatusArg};
use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::{done, escape_control, time};

/// Runs `testat attest`.
pub fn run(ctx: &Context, a: &AttestArgs) -> Result<ExitStatus, CliError> {
    let id = ctx.project.catalog().get(&a.criterion)?.id.clone();
    let out = ctx.with_store(async |store| {
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
                    escape_control(&h.statement)
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
            let n = store.attest(&new, &ctx.project.stamp()).await?;
            out.push_str(&format!(
                "recorded attestation {n}: {id} is {}\n",
                status.as_str()
            ));
        }
        Ok(out)
    })?;
    done(&out)
}
