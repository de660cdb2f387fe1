//! `testat bundle export|verify`: a signed audit bundle of a period, and its check
//! on any machine without the store. The work is done in `testat-store`.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use testat_store::{BundlePeriod, KeyPair, Store, StoreError};

use crate::cli::BundleCommand;
use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::emit;

/// Runs `testat bundle …`.
pub fn run(ctx: &Context, command: &BundleCommand) -> Result<ExitStatus, CliError> {
    match command {
        BundleCommand::Export { from, to, out } => export(ctx, *from, *to, out),
        BundleCommand::Verify { file, key } => verify(file, key.as_deref()),
    }
}

fn export(
    ctx: &Context,
    from: NaiveDate,
    to: NaiveDate,
    out: &Path,
) -> Result<ExitStatus, CliError> {
    let location = ctx.project.store_location()?;
    let keys_dir = location
        .keys_dir
        .clone()
        .ok_or_else(|| StoreError::NoSigningKey {
            url: testat_store::redact_url(&location.database_url),
        })?;
    let keys = KeyPair::load(&keys_dir)?;
    let stamp = ctx.project.stamp();
    let summary = ctx.block_on(async {
        let store = Store::open(&location).await?;
        let summary = store
            .export_bundle(
                BundlePeriod { from, to },
                &keys,
                testat_project::TOOL_VERSION,
                &stamp,
                out,
            )
            .await;
        store.close().await;
        summary
    })?;
    emit(
        None,
        &format!(
            "wrote {}: {from} to {to}, {} run(s), {} evidence record(s) with {} file(s), {} attestation(s), {} exception(s), {} audit event(s)\nsigned with public key (Ed25519): {}\n",
            out.display(),
            summary.runs,
            summary.evidence,
            summary.files,
            summary.attestations,
            summary.exceptions,
            summary.events,
            summary.public_key
        ),
    )?;
    Ok(ExitStatus::Success)
}

fn verify(file: &Path, key: Option<&str>) -> Result<ExitStatus, CliError> {
    let key = match key {
        None => None,
        Some(k) if k.trim().len() == 64 && k.trim().bytes().all(|b| b.is_ascii_hexdigit()) => Some(
            testat_store::parse_public_key(k).map_err(|message| StoreError::Key {
                path: PathBuf::from("--key"),
                message,
            })?,
        ),
        Some(path) => Some(testat_store::load_public_key(Path::new(path))?),
    };
    let report = testat_store::verify_bundle(file, key.as_ref())?;
    let mut out = String::new();
    for p in &report.problems {
        out.push_str(&format!("FAILED {}: {}\n", p.place, p.message));
    }
    if let Some(m) = &report.manifest {
        out.push_str(&format!(
            "bundle {} to {}, exported {} by {} with testat {}; public key {}\n",
            m.period.from, m.period.to, m.exported_at, m.exported_by, m.tool_version, m.public_key
        ));
    }
    out.push_str(&format!(
        "{}: {} file(s), {} audit event(s) checked; {} problem(s)\n",
        if report.ok() {
            "verified"
        } else {
            "verification FAILED"
        },
        report.files,
        report.events,
        report.problems.len()
    ));
    emit(None, &crate::output::escape_control_keep_lines(&out))?;
    Ok(if report.ok() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}
