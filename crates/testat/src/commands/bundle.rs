//! `testat bundle export|verify`: a signed audit bundle of a period, and its check
//! on any machine without the store. The work is done in `testat-store`.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::Subcommand;
use testat_store::{BundlePeriod, KeyPair, Location, Store, StoreError};

use crate::commands::store::{StoreArgs, block_on, stamp};
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::emit;

/// `testat bundle …`
#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Write the evidence files, audit-log slice, attestations, runs and exceptions of
    /// a period into one `.tar.zst`, with a manifest signed by the store's key.
    Export {
        /// First day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        from: NaiveDate,
        /// Last day (YYYY-MM-DD), included.
        #[arg(long, value_name = "DATE")]
        to: NaiveDate,
        /// The bundle to write (never overwritten), e.g. audit-2026.tar.zst.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Check a bundle without the store: signature, every file's hash, nothing extra
    /// or missing, the audit-log chain. Exit code 1 when anything fails.
    Verify {
        /// The bundle.
        file: PathBuf,
        /// The public key you received separately (a `signing.pub` file or 64 hex
        /// digits); the bundle must be signed with it [default: the key it embeds].
        #[arg(long, value_name = "PUB")]
        key: Option<String>,
    },
}

/// Runs `testat bundle …`.
pub fn run(command: &BundleCommand, args: &StoreArgs) -> Result<ExitStatus, CliError> {
    match command {
        BundleCommand::Export { from, to, out } => export(*from, *to, out, args),
        BundleCommand::Verify { file, key } => verify(file, key.as_deref()),
    }
}

fn export(
    from: NaiveDate,
    to: NaiveDate,
    out: &Path,
    args: &StoreArgs,
) -> Result<ExitStatus, CliError> {
    let dir = std::env::current_dir().map_err(|source| CliError::Read {
        path: PathBuf::from("."),
        source,
    })?;
    let location = Location::find(&dir, args.db.as_deref())?;
    let keys_dir = location.keys_dir.clone().ok_or_else(|| {
        StoreError::Invalid(
            "no signing key: bundles are signed with .testat/keys/signing.key; run the command in the directory where `testat init` was run".into(),
        )
    })?;
    let keys = KeyPair::load(&keys_dir)?;
    let stamp = stamp(args);
    let summary = block_on(async {
        let store = Store::open(&location).await?;
        let summary = store
            .export_bundle(
                BundlePeriod { from, to },
                &keys,
                env!("CARGO_PKG_VERSION"),
                &stamp,
                out,
            )
            .await;
        store.close().await;
        summary
    })??;
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
