//! CSV: one row per criterion, for spreadsheets.

use testat_assess::Assessment;

use crate::ReportError;

/// The columns, in order.
pub const CSV_COLUMNS: &[&str] = &[
    "criterion",
    "domain",
    "title",
    "automation",
    "status",
    "scoped_out",
    "reasons",
    "rules",
    "failing_resources",
    "evidence",
    "exceptions",
    "attestation",
    "deviations",
];

/// A cell that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab or
/// carriage return first) gets a leading `'`, so text from scanned files or the store
/// cannot run as a formula when the CSV is opened (CSV injection).
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// Up to [`LISTED`](super::LISTED) items joined by `separator`, then `(+N more)`:
/// spreadsheets cap a cell at 32,767 characters.
fn joined(items: &[String], separator: &str) -> String {
    let (shown, left_out) = super::listed(items);
    let mut text = shown.join(separator);
    if left_out > 0 {
        text.push_str(&format!("{separator}(+{left_out} more)"));
    }
    text
}

/// One row per criterion in catalogue order; lists inside a cell are separated by
/// `; ` (reasons and deviations by newlines) and hold at most
/// [`LISTED`](super::LISTED) entries. Cells that would start a formula are prefixed
/// with `'`.
pub fn render_csv(assessment: &Assessment) -> Result<String, ReportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_COLUMNS)?;
    for c in &assessment.criteria {
        let rules: Vec<&str> = c.rules.iter().map(|r| r.id.as_str()).collect();
        let failing: Vec<String> = c
            .rules
            .iter()
            .flat_map(|r| r.failing.iter().map(move |a| format!("{}: {a}", r.id)))
            .collect();
        let evidence: Vec<String> = c
            .evidence
            .iter()
            .map(|e| {
                let state = if e.valid { "valid" } else { "not valid" };
                format!("{} {} ({state})", e.id, e.label)
            })
            .collect();
        let exceptions: Vec<String> = c
            .exceptions
            .iter()
            .map(|e| {
                let state = if e.active { "active" } else { "expired" };
                format!("{} on {} until {} ({state})", e.rule, e.resource, e.expires)
            })
            .collect();
        let attestation = c
            .attestation
            .as_ref()
            .map(|a| {
                format!(
                    "{} by {} ({})",
                    a.status,
                    a.owner,
                    a.attested_at.date_naive()
                )
            })
            .unwrap_or_default();
        let row = [
            c.id.as_str(),
            &c.domain,
            &c.title,
            c.automation,
            c.status.as_str(),
            c.scoped_out.as_deref().unwrap_or(""),
            &c.reasons.join("\n"),
            &rules.join("; "),
            &joined(&failing, "; "),
            &evidence.join("; "),
            &exceptions.join("; "),
            &attestation,
            &joined(&c.deviations, "\n"),
        ];
        w.write_record(row.iter().map(|t| cell(t)))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ReportError::Csv(e.into_error().into()))?;
    String::from_utf8(bytes)
        .map_err(|e| ReportError::Csv(csv::Error::from(std::io::Error::other(e))))
}
