//! `testat evidence …`: add, list, show and export evidence for criteria.

use testat_catalog::Catalog;
use testat_store::NewEvidence;

use crate::cli::{EvidenceCommand, ShowFormat};
use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::{done, escape_control, time};

fn criterion(catalog: &Catalog, id: &str) -> Result<String, CliError> {
    Ok(catalog.get(id)?.id.clone())
}

/// Runs `testat evidence …`.
pub fn run(ctx: &Context, command: &EvidenceCommand) -> Result<ExitStatus, CliError> {
    let catalog = ctx.project.catalog();
    let out = ctx.with_store(async |store| {
        let mut out = String::new();
        match command {
            EvidenceCommand::Add(add) => {
                let criteria = add
                    .criterion
                    .iter()
                    .map(|c| criterion(catalog, c))
                    .collect::<Result<Vec<_>, _>>()?;
                let new = NewEvidence {
                    file: add.file.clone(),
                    url: add.url.clone(),
                    note: add.note.clone(),
                    criteria,
                    effective: add.effective,
                    valid_until: add.valid_until,
                };
                let id = store.add_evidence(&new, &ctx.project.stamp()).await?;
                let e = store.evidence_by_id(id).await?;
                out.push_str(&format!(
                    "added evidence {id} ({}{}) for {}\n",
                    e.kind,
                    e.sha256
                        .as_deref()
                        .map(|s| format!(", sha256 {s}"))
                        .unwrap_or_default(),
                    e.criteria.join(", ")
                ));
            }
            EvidenceCommand::List {
                criterion: c,
                format,
            } => {
                let wanted = c.as_deref().map(|c| criterion(catalog, c)).transpose()?;
                let all = store.evidence(wanted.as_deref()).await?;
                if matches!(format, ShowFormat::Json) {
                    out = serde_json::to_string_pretty(&all)?;
                    out.push('\n');
                } else if all.is_empty() {
                    out.push_str("no evidence stored; add some with `testat evidence add FILE --criterion ID`\n");
                } else {
                    for e in &all {
                        let what = e.label();
                        out.push_str(&format!(
                            "{:<3} {:<4} {:<20} effective {:<10} valid until {:<10} {}\n",
                            e.id,
                            e.kind,
                            e.criteria.join(","),
                            e.effective.map_or("-".into(), |d| d.to_string()),
                            e.valid_until.map_or("-".into(), |d| d.to_string()),
                            escape_control(what)
                        ));
                    }
                }
            }
            EvidenceCommand::Show { id, format } => {
                let e = store.evidence_by_id(*id).await?;
                if matches!(format, ShowFormat::Json) {
                    out = serde_json::to_string_pretty(&e)?;
                    out.push('\n');
                } else {
                    out.push_str(&format!("evidence {}  ({})\n", e.id, e.kind));
                    out.push_str(&format!("  criteria     {}\n", e.criteria.join(", ")));
                    for (label, value) in [
                        ("name", e.name.clone()),
                        ("sha256", e.sha256.clone()),
                        ("size", e.size.map(|s| format!("{s} bytes"))),
                        ("media type", e.media_type.clone()),
                        ("url", e.url.clone()),
                        ("note", e.note.clone()),
                        ("effective", e.effective.map(|d| d.to_string())),
                        ("valid until", e.valid_until.map(|d| d.to_string())),
                    ] {
                        if let Some(value) = value {
                            out.push_str(&format!(
                                "  {label:<12} {}\n",
                                escape_control(&value)
                            ));
                        }
                    }
                    out.push_str(&format!(
                        "  added        {} by {}\n",
                        time(e.added_at),
                        e.added_by
                    ));
                }
            }
            EvidenceCommand::Export { id, to } => {
                let path = store.export_evidence(*id, to).await?;
                out.push_str(&format!("wrote {}\n", path.display()));
            }
        }
        Ok(out)
    })?;
    done(&out)
}
