//! The section "what this shows for …" of an assessment, for another framework
//! (ISO/IEC 27001:2022, GDPR, BDSG): shared wording and the Markdown rendering.
//! Support is evidence, never a verdict of compliance; a criterion that is not met
//! is listed as missing, never as support.

use std::fmt::Write;

use testat_assess::{FrameworkRollup, MappedCriterion};

use super::markdown::escape;
use crate::ReportError;

/// The section's heading for a framework.
pub fn heading(f: &FrameworkRollup) -> String {
    format!("What this shows for {}", f.name)
}

/// The sentence that says what the section is and is not.
pub const NOT_A_VERDICT: &str = "Each entry lists the C5 criteria mapped to it (Testat's own mapping) with their status. Only criteria that are met or partly met count as support; criteria not met or not assessed are listed as missing. This is evidence for parts of the framework, not a statement of compliance, and not legal advice.";

/// Criteria as `ID (status)`, comma-separated, or `none`.
pub fn criteria_list(list: &[MappedCriterion]) -> String {
    if list.is_empty() {
        return "none".into();
    }
    list.iter()
        .map(|c| format!("{} ({})", c.criterion, c.status))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The section as Markdown.
pub fn markdown(out: &mut String, f: &FrameworkRollup) -> Result<(), ReportError> {
    writeln!(out, "## {}\n", escape(&heading(f)))?;
    writeln!(out, "{}\n", escape(&f.disclaimer))?;
    writeln!(out, "{}\n", escape(NOT_A_VERDICT))?;
    let n = &f.counts;
    writeln!(
        out,
        "Entries: {} supported, {} partly supported, {} not supported, {} without a C5 mapping (C5:{}).\n",
        n.supported, n.partly_supported, n.not_supported, n.no_mapping, f.c5
    )?;
    writeln!(
        out,
        "| Entry | Title | Support | met | partly met | not met | not assessed | Weakest | Supported by | Missing |"
    )?;
    writeln!(
        out,
        "| --- | --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- |"
    )?;
    for c in &f.controls {
        let weakest = c
            .weakest
            .as_ref()
            .map_or(String::new(), |w| format!("{} ({})", w.criterion, w.status));
        let missing = match &c.unmapped_reason {
            Some(reason) => format!("no C5 criterion: {reason}"),
            None => criteria_list(&c.missing),
        };
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            escape(&c.label),
            escape(&c.title),
            c.support.as_str(),
            c.counts.met,
            c.counts.partly_met,
            c.counts.not_met,
            c.counts.not_assessed,
            escape(&weakest),
            escape(&criteria_list(&c.supported_by)),
            escape(&missing),
        )?;
    }
    out.push('\n');
    Ok(())
}
