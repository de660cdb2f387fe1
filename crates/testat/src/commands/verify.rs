//! `testat verify [--anchor FILE]`: check the audit chain, every record and every
//! evidence file, and optionally a saved anchor of the chain.

use std::path::Path;

use testat_store::{Anchor, AnchorCheck, PUBLIC_KEY_FILE, StoreError};

use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::emit;

/// Runs `testat verify`: exit 1 when anything was altered, removed or added, or when
/// the anchor does not hold.
pub fn run(ctx: &Context, anchor: Option<&Path>) -> Result<ExitStatus, CliError> {
    // Everything that can be wrong with the anchor file or the keys is found before
    // the store is read.
    let anchor = anchor.map(|path| read_anchor(ctx, path)).transpose()?;
    let (report, check) = ctx.with_store(async |store| {
        let report = store.verify().await?;
        let check = match &anchor {
            Some((anchor, key)) => Some(store.verify_anchor(anchor, key).await?),
            None => None,
        };
        Ok((report, check))
    })?;
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
    if let Some(check) = &check {
        out.push_str(&anchor_lines(check));
    }
    emit(None, &out)?;
    let ok = report.ok() && check.as_ref().is_none_or(AnchorCheck::ok);
    Ok(if ok {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

fn anchor_lines(check: &AnchorCheck) -> String {
    let mut out = String::new();
    for p in &check.problems {
        out.push_str(&format!("FAILED anchor: {}: {}\n", p.place, p.message));
    }
    if check.ok() {
        out.push_str(&format!(
            "anchor verified: event {} is unchanged, signed by this store's key, and the chain from it to the head (event {}) is whole\n",
            check.seq, check.head_seq
        ));
    } else {
        out.push_str(&format!(
            "anchor FAILED: the store's history does not contain the anchored event {} as it was signed; {} problem(s)\n",
            check.seq,
            check.problems.len()
        ));
    }
    out
}

/// The anchor in `path` (an anchor, or a published trust snapshot that embeds one) and
/// the store's public key to check it with.
fn read_anchor(
    ctx: &Context,
    path: &Path,
) -> Result<(Anchor, testat_store::VerifyingKey), CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Read {
        path: path.to_owned(),
        source,
    })?;
    let bad = |message: String| {
        CliError::usage(
            format!("{}: {message}", path.display()),
            "save the anchor with `curl -o anchor.json https://SERVER/trust/anchor` (or the published /trust.json) and pass that file",
        )
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let value = match value.get("anchor") {
        // A published snapshot carries the anchor of its publication.
        Some(inner)
            if value.get("format").and_then(|f| f.as_str())
                != Some(testat_store::ANCHOR_FORMAT) =>
        {
            if inner.is_null() {
                return Err(bad(
                    "this snapshot was published without an anchor (its server had no signing key)"
                        .into(),
                ));
            }
            inner.clone()
        }
        _ => value,
    };
    let anchor: Anchor = serde_json::from_value(value)
        .map_err(|e| bad(format!("not a {} anchor: {e}", testat_store::ANCHOR_FORMAT)))?;
    let location = ctx.project.store_location()?;
    let Some(keys) = location.keys_dir else {
        return Err(CliError::usage(
            format!(
                "{} has no keys folder: an anchor is checked with the public key in .testat/keys/{PUBLIC_KEY_FILE} of the store that signed it",
                testat_store::redact_url(&location.database_url)
            ),
            "run `testat verify --anchor` in the directory where `testat init` made the store's keys",
        ));
    };
    let key_file = keys.join(PUBLIC_KEY_FILE);
    let key = testat_store::load_public_key(&key_file).map_err(|e| match e {
        StoreError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            CliError::usage(
                format!(
                    "{} is missing: the store's public key is needed to check the anchor's signature",
                    key_file.display()
                ),
                "copy the store's signing.pub there, or run the command where `testat init` was run",
            )
        }
        other => CliError::from(other),
    })?;
    Ok((anchor, key))
}
