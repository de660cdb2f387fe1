//! JUnit XML, for the test-report views of CI systems (GitLab, Jenkins, Azure DevOps,
//! GitHub actions that read JUnit).
//!
//! One `<testsuite>` per rule that ran, one `<testcase>` per finding (rule × resource):
//! a failure is a `<failure>`, an evaluation error an `<error>`, `unknown` and
//! `excepted` findings are `<skipped>`, and a pass is an empty test case.

use std::fmt::Write as _;

use testat_rules::Outcome;

use crate::common::{path_text, resolve, seconds};
use crate::summary::summary;
use crate::{ReportError, ScanReport};

/// Renders the report as JUnit XML (UTF-8, with an XML declaration and final newline).
pub(crate) fn render(report: &ScanReport<'_>) -> Result<String, ReportError> {
    let rules = report.rules.rules();
    let mut by_rule: Vec<Vec<usize>> = vec![Vec::new(); rules.len()];
    for (n, finding) in report.findings.iter().enumerate() {
        if let Some(list) = by_rule.get_mut(finding.rule) {
            list.push(n);
        }
    }
    let totals = summary(report);
    // JUnit's schema wants local-looking times without zone or fraction; ours are UTC.
    let started = report.started_at.format("%Y-%m-%dT%H:%M:%S").to_string();

    let mut out = String::with_capacity(512 + report.findings.len() * 160);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    writeln!(
        out,
        "<testsuites name=\"testat\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
        totals.findings,
        totals.counts.failed,
        totals.counts.errors,
        totals.counts.unknown + totals.counts.excepted,
        seconds(report.started_at, report.finished_at),
    )?;
    for (rule, indexes) in rules.iter().zip(&by_rule) {
        let spec = &rule.spec;
        let (mut failures, mut errors, mut skipped) = (0, 0, 0);
        for &n in indexes {
            match report.findings.get(n).map(|f| f.outcome) {
                Some(Outcome::Fail) => failures += 1,
                Some(Outcome::Error) => errors += 1,
                Some(Outcome::Unknown | Outcome::Excepted) => skipped += 1,
                _ => {}
            }
        }
        out.push_str("  <testsuite name=\"");
        escape(&mut out, &spec.id, true);
        out.push_str(": ");
        escape(&mut out, &spec.title, true);
        writeln!(
            out,
            "\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" timestamp=\"{}\">",
            indexes.len(),
            started,
        )?;
        out.push_str("    <properties>\n      <property name=\"severity\" value=\"");
        out.push_str(spec.severity.as_str());
        out.push_str("\"/>\n      <property name=\"criteria\" value=\"");
        escape(&mut out, &spec.criteria.join(" "), true);
        out.push_str("\"/>\n      <property name=\"provider\" value=\"");
        escape(&mut out, &spec.provider, true);
        out.push_str("\"/>\n    </properties>\n");
        for &n in indexes {
            let Some(finding) = report.findings.get(n) else {
                continue;
            };
            let r = resolve(report, n, finding)?;
            let resource = r.resource;
            let file = path_text(&r.file.path);
            out.push_str("    <testcase name=\"");
            escape(&mut out, &resource.address, true);
            out.push_str("\" classname=\"");
            escape(&mut out, &spec.id, true);
            out.push_str("\" file=\"");
            escape(&mut out, &file, true);
            write!(out, "\" line=\"{}\"", resource.line)?;
            let place = format!(
                "{file}:{}:{} ({})",
                resource.line, resource.column, resource.pointer
            );
            match finding.outcome {
                Outcome::Pass => out.push_str("/>\n"),
                Outcome::Fail => {
                    out.push_str(">\n      <failure message=\"");
                    escape(&mut out, spec.message.trim(), true);
                    out.push_str("\" type=\"");
                    out.push_str(spec.severity.as_str());
                    out.push_str("\">");
                    let mut body = format!(
                        "{}: {}\nat {place}\n",
                        resource.address,
                        spec.message.trim()
                    );
                    if let Some(e) = r.exception {
                        writeln!(
                            body,
                            "The exception approved by {} expired on {}; it no longer applies.",
                            e.approved_by, e.expires
                        )?;
                    }
                    write!(body, "\nRemediation:\n{}", spec.remediation.trim())?;
                    escape(&mut out, &body, false);
                    out.push_str("</failure>\n    </testcase>\n");
                }
                Outcome::Error => {
                    let detail = finding
                        .detail
                        .as_deref()
                        .unwrap_or("the rule could not be evaluated");
                    out.push_str(">\n      <error message=\"");
                    escape(&mut out, detail, true);
                    out.push_str("\" type=\"error\">");
                    escape(
                        &mut out,
                        &format!("{}: {detail}\nat {place}", resource.address),
                        false,
                    );
                    out.push_str("</error>\n    </testcase>\n");
                }
                Outcome::Unknown => {
                    let detail = finding
                        .detail
                        .as_deref()
                        .unwrap_or("values are known only after apply");
                    out.push_str(">\n      <skipped message=\"unknown: ");
                    escape(&mut out, detail, true);
                    out.push_str("\"/>\n    </testcase>\n");
                }
                Outcome::Excepted => {
                    out.push_str(">\n      <skipped message=\"excepted: ");
                    match r.exception {
                        Some(e) => {
                            let text = format!(
                                "{} (approved by {}, expires {})",
                                e.justification.trim(),
                                e.approved_by,
                                e.expires
                            );
                            escape(&mut out, &text, true);
                        }
                        None => out.push_str("an approved exception covers it"),
                    }
                    out.push_str("\"/>\n    </testcase>\n");
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    Ok(out)
}

/// Appends `text` escaped for XML 1.0: markup characters as entities, characters XML
/// 1.0 forbids dropped, and in attributes (`attribute`) tabs and line breaks as
/// character references so that parsers keep them.
pub(crate) fn escape(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    fn escaped(text: &str, attribute: bool) -> String {
        let mut out = String::new();
        escape(&mut out, text, attribute);
        out
    }

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(escaped("a<b>&\"c\"", true), "a&lt;b&gt;&amp;&quot;c&quot;");
        assert_eq!(escaped("a<b>&\"c\"", false), "a&lt;b&gt;&amp;\"c\"");
        assert_eq!(escaped("]]>", false), "]]&gt;");
        assert_eq!(escaped("x\u{0}\u{1b}[31my\u{fffe}", false), "x[31my");
        assert_eq!(escaped("l1\nl2\tx\r", true), "l1&#10;l2&#9;x&#13;");
        assert_eq!(escaped("l1\nl2\tx", false), "l1\nl2\tx");
        assert_eq!(escaped("ünï 😀", true), "ünï 😀");
    }
}
