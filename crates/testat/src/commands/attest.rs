//! `testat attest`: record how a criterion is implemented, or show its history.

use testat_catalog::C5Version;
use testat_records::{AttestStatus, NewAttestation};

use crate::cli::{AttestArgs, StatusArg};
use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::{done, escape_control, time};

/// Runs `testat attest`.
pub fn run(ctx: &Context, a: &AttestArgs) -> Result<ExitStatus, CliError> {
    let id = ctx.project.catalog().get(&a.criterion)?.id.clone();
    let from_2020 = match &a.from_2020 {
        None => None,
        Some(from) => Some(carried_from(ctx, &id, from)?),
    };
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
            let stamp = ctx.project.stamp();
            let n = match &from_2020 {
                Some(from) => store.attest_carried(&new, from, &stamp).await?,
                None => store.attest(&new, &stamp).await?,
            };
            out.push_str(&format!(
                "recorded attestation {n}: {id} is {}{}\n",
                status.as_str(),
                from_2020
                    .as_deref()
                    .map(|f| format!(" (carried over from C5:2020 {f})"))
                    .unwrap_or_default()
            ));
        }
        Ok(out)
    })?;
    done(&out)
}

/// Checks `--from-2020`: a C5:2026 engagement, a C5:2020 criterion, and a pair of the
/// crosswalk with `id`. Returns the C5:2020 ID as the catalogue writes it.
fn carried_from(ctx: &Context, id: &str, from: &str) -> Result<String, CliError> {
    if ctx.project.version() != C5Version::V2026 {
        return Err(CliError::usage(
            format!(
                "--from-2020 carries an attestation into a C5:2026 engagement, but this is a {} one",
                ctx.project.version().name()
            ),
            "run it on the C5:2026 store (`testat init --c5 2026` creates one)",
        ));
    }
    let from = C5Version::V2020.catalog().get(from)?.id.clone();
    let paired = testat_catalog::crosswalk()
        .to_2020(id)
        .iter()
        .any(|p| p.c5_2020.as_deref() == Some(from.as_str()));
    if !paired {
        let counterparts: Vec<String> = testat_catalog::crosswalk()
            .to_2020(id)
            .iter()
            .filter_map(|p| p.c5_2020.clone())
            .collect();
        return Err(CliError::usage(
            format!("C5:2020 {from} is not a counterpart of C5:2026 {id} in the crosswalk"),
            if counterparts.is_empty() {
                format!("{id} is new in C5:2026; attest it without --from-2020")
            } else {
                format!("its counterparts are {}", counterparts.join(", "))
            },
        ));
    }
    Ok(from)
}
