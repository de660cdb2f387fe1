//! `testat catalog crosswalk`: the pairs of the crosswalk C5:2020 ↔ C5:2026.

use std::fmt::Write as _;

use serde::Serialize;
use testat_catalog::{C5Version, Pair, builtin_version, crosswalk};

use crate::cli::{CrosswalkArgs, CrosswalkFormat};
use crate::error::CliError;
use crate::output::{DIM, ID, emit, styled};

/// Runs `testat catalog crosswalk`.
pub fn run(args: &CrosswalkArgs) -> Result<(), CliError> {
    let walk = crosswalk();
    let c2020 = builtin_version(C5Version::V2020);
    let c2026 = builtin_version(C5Version::V2026);
    let pairs: Vec<&Pair> = match &args.id {
        None => walk.pairs.iter().collect(),
        Some(id) => {
            if c2020.get(id).is_err() {
                // Not a 2020 criterion: the 2026 lookup decides, and suggests IDs.
                c2026.find(id)?;
            }
            let mut pairs = walk.from_2020(id);
            for pair in walk.to_2020(id) {
                if !pairs.iter().any(|p| std::ptr::eq(*p, pair)) {
                    pairs.push(pair);
                }
            }
            pairs
        }
    };
    let title = |version: C5Version, id: Option<&str>| -> String {
        id.and_then(|id| builtin_version(version).exact(id))
            .map_or_else(String::new, |c| c.title.clone())
    };
    let rows: Vec<Row> = pairs
        .iter()
        .map(|p| Row {
            c5_2020: p.c5_2020.as_deref(),
            title_2020: title(C5Version::V2020, p.c5_2020.as_deref()),
            relation: p.relation.as_str(),
            c5_2026: p.c5_2026.as_deref(),
            title_2026: title(C5Version::V2026, p.c5_2026.as_deref()),
            reason: p.reason.trim(),
        })
        .collect();
    let text = match args.format {
        CrosswalkFormat::Table => table(&rows),
        CrosswalkFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&serde_json::json!({
                "schema_version": 1,
                "from": "C5:2020",
                "to": "C5:2026",
                "id": args.id.as_deref().map(|i| i.trim().to_ascii_uppercase()),
                "pairs": rows,
            }))?
        ),
        CrosswalkFormat::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record([
                "c5_2020",
                "title_2020",
                "relation",
                "c5_2026",
                "title_2026",
                "reason",
            ])?;
            for r in &rows {
                writer.write_record([
                    r.c5_2020.unwrap_or_default(),
                    &r.title_2020,
                    r.relation,
                    r.c5_2026.unwrap_or_default(),
                    &r.title_2026,
                    r.reason,
                ])?;
            }
            let bytes = writer
                .into_inner()
                .map_err(|e| CliError::Render(e.to_string()))?;
            String::from_utf8(bytes).map_err(|e| CliError::Render(e.to_string()))?
        }
    };
    emit(None, &text)
}

/// One pair with the titles of both sides.
#[derive(Serialize)]
struct Row<'a> {
    c5_2020: Option<&'a str>,
    title_2020: String,
    relation: &'static str,
    c5_2026: Option<&'a str>,
    title_2026: String,
    reason: &'a str,
}

fn table(rows: &[Row<'_>]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        styled(
            DIM,
            &format!("{:<7} {:<9} {:<7} reason", "C5:2020", "relation", "C5:2026")
        )
    );
    for r in rows {
        let _ = writeln!(
            out,
            "{} {:<9} {} {}",
            styled(ID, &format!("{:<7}", r.c5_2020.unwrap_or("–"))),
            r.relation,
            styled(ID, &format!("{:<7}", r.c5_2026.unwrap_or("–"))),
            r.reason
        );
        let titles = match (r.c5_2020, r.c5_2026) {
            (Some(_), Some(_)) if r.title_2020 == r.title_2026 => r.title_2020.clone(),
            (Some(_), Some(_)) => format!("{} → {}", r.title_2020, r.title_2026),
            (Some(_), None) => r.title_2020.clone(),
            (None, _) => r.title_2026.clone(),
        };
        let _ = writeln!(out, "        {}", styled(DIM, &titles));
    }
    let _ = writeln!(out, "{}", styled(DIM, &format!("{} pairs", rows.len())));
    out
}
