//! The text format, for people: on a terminal or in a CI log, readable at 100 columns.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use testat_rules::{Outcome, Severity};

use crate::common::{Resolved, path_text, plural, resolved};
use crate::summary::{Summary, summary};
use crate::{ReportError, ScanReport};

/// Width the text is laid out for.
const WIDTH: usize = 100;

const HEADING: Style = Style::new().bold();
const ID: Style = AnsiColor::Cyan.on_default().bold();
const DIM: Style = Style::new().dimmed();
const BAD: Style = AnsiColor::Red.on_default().bold();
const WARN: Style = AnsiColor::Yellow.on_default().bold();
const GOOD: Style = AnsiColor::Green.on_default().bold();

/// Writes styled text, or plain text when colour is off.
struct Out {
    text: String,
    color: bool,
}

impl Out {
    fn styled(&mut self, style: Style, text: &str) {
        if self.color {
            let _ = write!(self.text, "{style}");
            self.plain(text);
            let _ = write!(self.text, "{style:#}");
        } else {
            self.plain(text);
        }
    }

    /// Appends text; control characters (from addresses, file names, messages: input
    /// nobody vetted) are shown escaped, so that they cannot move the cursor, change
    /// colours or break the layout of a terminal.
    fn plain(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_control() && c != '\t' {
                let _ = write!(self.text, "{}", c.escape_unicode());
            } else {
                self.text.push(c);
            }
        }
    }

    fn line(&mut self) {
        self.text.push('\n');
    }

    fn heading(&mut self, title: &str, count: usize) {
        self.line();
        self.styled(HEADING, &format!("{title} ({count})"));
        self.line();
    }
}

fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Critical | Severity::High => BAD,
        Severity::Medium => WARN,
        Severity::Low => DIM,
    }
}

/// Cuts `text` to at most `width` characters, marking a cut with `…`.
fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Wraps running text to [`WIDTH`], every line prefixed by `indent`. Lines that start
/// with white space and lines inside ``` fences are code and kept as they are.
fn wrap(out: &mut Out, text: &str, indent: &str) {
    let mut fenced = false;
    for raw in text.trim_end().lines() {
        if raw.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        if raw.trim().is_empty() {
            out.line();
            continue;
        }
        if fenced || raw.trim_start().starts_with("```") || raw.starts_with([' ', '\t']) {
            out.plain(indent);
            out.plain(raw.trim_end());
            out.line();
            continue;
        }
        let mut line = String::new();
        for word in raw.split_whitespace() {
            if !line.is_empty()
                && indent.len() + line.chars().count() + 1 + word.chars().count() > WIDTH
            {
                out.plain(indent);
                out.plain(&line);
                out.line();
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.plain(indent);
        out.plain(&line);
        out.line();
    }
}

/// Renders the report as text.
pub(crate) fn render(report: &ScanReport<'_>, color: bool) -> Result<String, ReportError> {
    let totals = summary(report);
    let findings: Vec<Resolved<'_>> = resolved(report).collect::<Result<_, _>>()?;
    let mut out = Out {
        text: String::new(),
        color,
    };
    header(&mut out, report, &totals);
    criteria_table(&mut out, report, &totals);
    failures(&mut out, report, &findings);
    unknown_and_errors(&mut out, &findings);
    excepted(&mut out, &findings);
    expired_exceptions(&mut out, report);
    input_problems(&mut out, report);
    footer(&mut out, report, &totals);
    Ok(out.text)
}

/// What was read: files, resources, rules.
fn header(out: &mut Out, report: &ScanReport<'_>, totals: &Summary<'_>) {
    let catalog = &report.catalog;
    let catalog_name = if catalog.name.contains(&catalog.version) {
        catalog.name.clone()
    } else {
        format!("{} {}", catalog.name, catalog.version)
    };
    out.plain(&format!(
        "Scanned {} in {} with {} (testat {}, {catalog_name})",
        plural(totals.resources, "resource", "resources"),
        plural(totals.files, "file", "files"),
        plural(totals.rules, "rule", "rules"),
        report.tool_version,
    ));
    out.line();
}

/// Passed, failed and excepted counts per criterion, grouped by domain.
fn criteria_table(out: &mut Out, report: &ScanReport<'_>, totals: &Summary<'_>) {
    const COUNTS: usize = 8 + 8 + 10;
    const TITLE: usize = WIDTH - 2 - 8 - 1 - COUNTS;
    out.line();
    if totals.domains.is_empty() {
        out.plain("No findings: no rule applied to the resources read.");
        out.line();
        return;
    }
    out.styled(
        HEADING,
        &format!(
            "{:<width$}{:>8}{:>8}{:>10}",
            format!("{} criteria", report.catalog.name),
            "passed",
            "failed",
            "excepted",
            width = WIDTH - COUNTS,
        ),
    );
    out.line();
    for domain in &totals.domains {
        out.styled(HEADING, &format!("{:<4} {}", domain.code, domain.name));
        out.line();
        for criterion in &domain.criteria {
            let c = criterion.counts;
            out.plain("  ");
            out.styled(ID, &format!("{:<8}", criterion.id));
            out.plain(&format!(" {:<TITLE$}", truncate(criterion.title, TITLE)));
            out.plain(&format!("{:>8}", c.passed));
            let failed = format!("{:>8}", c.failed);
            if c.failed > 0 {
                out.styled(BAD, &failed);
            } else {
                out.plain(&failed);
            }
            out.plain(&format!("{:>10}", c.excepted));
            out.line();
        }
    }
}

/// Failing findings grouped by rule, most severe rule first, with the remediation once
/// per rule.
fn failures(out: &mut Out, report: &ScanReport<'_>, findings: &[Resolved<'_>]) {
    let mut failing: Vec<&Resolved<'_>> = findings
        .iter()
        .filter(|r| r.finding.outcome == Outcome::Fail)
        .collect();
    if failing.is_empty() {
        return;
    }
    failing.sort_by_key(|r| (std::cmp::Reverse(r.rule.spec.severity), r.finding.rule));
    out.heading("Failures", failing.len());
    for group in failing.chunk_by(|a, b| a.finding.rule == b.finding.rule) {
        let Some(first) = group.first() else { continue };
        let spec = &first.rule.spec;
        out.line();
        out.styled(ID, &spec.id);
        out.plain("  ");
        out.styled(severity_style(spec.severity), spec.severity.as_str());
        if spec.severity < report.fail_on {
            out.styled(DIM, &format!(" (below {})", report.fail_on.as_str()));
        }
        out.plain("  ");
        out.plain(&spec.title);
        out.line();
        wrap(out, spec.message.trim(), "  ");
        out.styled(DIM, &format!("  criteria: {}", spec.criteria.join(", ")));
        out.line();
        for r in group {
            let pointer = if r.resource.pointer.is_empty() {
                "/"
            } else {
                &r.resource.pointer
            };
            out.plain("  - ");
            out.plain(&r.resource.address);
            out.line();
            out.styled(
                DIM,
                &format!(
                    "      {}:{}:{}  {pointer}",
                    path_text(&r.file.path),
                    r.resource.line,
                    r.resource.column,
                ),
            );
            out.line();
            if let Some(e) = r.exception {
                let text = format!(
                    "      exception expired on {} (approved by {})",
                    e.expires, e.approved_by
                );
                out.styled(WARN, &text);
                out.line();
            }
        }
        out.plain("  Remediation:");
        out.line();
        wrap(out, &spec.remediation, "    ");
    }
}

/// Unknown and error findings, briefly: address, rule and detail.
fn unknown_and_errors(out: &mut Out, findings: &[Resolved<'_>]) {
    for (outcome, title) in [
        (Outcome::Unknown, "Unknown (not decided by this input)"),
        (Outcome::Error, "Errors"),
    ] {
        let list: Vec<&Resolved<'_>> = findings
            .iter()
            .filter(|r| r.finding.outcome == outcome)
            .collect();
        if list.is_empty() {
            continue;
        }
        out.heading(title, list.len());
        for r in list {
            out.plain("  ");
            out.plain(&r.resource.address);
            out.plain("  ");
            out.styled(ID, &r.rule.spec.id);
            out.line();
            if let Some(detail) = &r.finding.detail {
                wrap(out, detail, "      ");
            }
        }
    }
}

/// Excepted findings with the exception that covers them.
fn excepted(out: &mut Out, findings: &[Resolved<'_>]) {
    let list: Vec<&Resolved<'_>> = findings
        .iter()
        .filter(|r| r.finding.outcome == Outcome::Excepted)
        .collect();
    if list.is_empty() {
        return;
    }
    out.heading("Excepted", list.len());
    for r in list {
        out.plain("  ");
        out.plain(&r.resource.address);
        out.plain("  ");
        out.styled(ID, &r.rule.spec.id);
        out.line();
        if let Some(e) = r.exception {
            wrap(out, e.justification.trim(), "      ");
            out.styled(
                DIM,
                &format!("      approved by {}, expires {}", e.approved_by, e.expires),
            );
            out.line();
        }
    }
}

/// Exceptions past their expiry date, and how many failures they would have covered.
fn expired_exceptions(out: &mut Out, report: &ScanReport<'_>) {
    let expired = &report.exception_use.expired;
    if expired.is_empty() {
        return;
    }
    let mut matched = vec![0_usize; report.exceptions.len()];
    for finding in report
        .findings
        .iter()
        .filter(|f| f.outcome == Outcome::Fail)
    {
        if let Some(count) = finding.exception.and_then(|i| matched.get_mut(i)) {
            *count += 1;
        }
    }
    out.heading("Expired exceptions, no longer applied", expired.len());
    for &i in expired {
        let Some(e) = report.exceptions.get(i) else {
            continue;
        };
        out.plain("  ");
        out.styled(ID, &e.rule);
        out.plain(&format!(" on {}", e.resource));
        out.styled(WARN, &format!("  expired {}", e.expires));
        out.line();
        wrap(out, e.justification.trim(), "      ");
        out.styled(
            DIM,
            &format!(
                "      approved by {}; {} it would cover reported as failing",
                e.approved_by,
                plural(matched.get(i).copied().unwrap_or(0), "finding", "findings"),
            ),
        );
        out.line();
    }
}

/// Files that could not be read, and how many were skipped.
fn input_problems(out: &mut Out, report: &ScanReport<'_>) {
    let problems = &report.inputs.problems;
    if !problems.is_empty() {
        out.heading("Input problems", problems.len());
        for problem in problems {
            wrap(out, &problem.to_string(), "  ");
        }
    }
    let noted = &report.inputs.skip_notes;
    let skipped = report.inputs.skipped.len().saturating_sub(noted.len());
    if skipped > 0 {
        out.line();
        let text = format!(
            "{} skipped (not a format testat reads)",
            plural(skipped, "file", "files")
        );
        out.styled(DIM, &text);
        out.line();
    }
    if !noted.is_empty() {
        out.line();
        out.styled(
            DIM,
            &format!(
                "{} skipped until rendered:",
                plural(noted.len(), "file", "files")
            ),
        );
        out.line();
        for (path, note) in noted.iter().take(20) {
            wrap(out, &format!("{}: {note}", path.display()), "  ");
        }
        if noted.len() > 20 {
            wrap(out, &format!("and {} more", noted.len() - 20), "  ");
        }
    }
}

/// The verdict: "N failed at or above <fail_on> (M below), K excepted, …".
fn footer(out: &mut Out, report: &ScanReport<'_>, totals: &Summary<'_>) {
    let c = totals.counts;
    out.line();
    let verdict = format!(
        "{} failed at or above {} ({} below)",
        totals.failed_at_threshold,
        report.fail_on.as_str(),
        totals.failed_below_threshold,
    );
    out.styled(
        if totals.failed_at_threshold > 0 {
            BAD
        } else {
            GOOD
        },
        &verdict,
    );
    out.plain(&format!(
        ", {} excepted, {} passed, {} unknown, {}",
        c.excepted,
        c.passed,
        c.unknown,
        plural(c.errors, "error", "errors"),
    ));
    out.line();
}
