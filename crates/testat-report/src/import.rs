//! Reports of `testat import`: other scanners' findings, mapped to C5 criteria, in the
//! formats of `testat scan` (text, JSON, SARIF 2.1.0, JUnit XML). Every finding is
//! shown under a rule ID that names its tool (`checkov:CKV_AWS_19`); unmapped checks
//! are listed with their count, never dropped.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use testat_import::{Import, ImportedFile, ImportedFinding, MappingSource, Outcome, Place};
use testat_rules::Severity;

use crate::common::{plural, seconds, timestamp};
use crate::junit::escape;
use crate::sarif::SARIF_SCHEMA;
use crate::{ReportError, ScanFormat};

/// Version of the import JSON document (`"kind": "testat-import"`).
pub const IMPORT_SCHEMA_VERSION: u32 = 1;

/// Everything one import produced, as the renderers see it.
#[derive(Debug, Clone, Copy)]
pub struct ImportReport<'a> {
    /// `testat` version.
    pub tool_version: &'a str,
    /// The files read, each with one import per tool.
    pub files: &'a [ImportedFile],
    /// Failures at or above this severity (or without one) fail the import.
    pub fail_on: Severity,
    /// When reading started.
    pub started_at: DateTime<Utc>,
    /// When it finished.
    pub finished_at: DateTime<Utc>,
}

/// Whether an imported failure of this severity reaches `fail_on`. A failure without
/// a severity (Checkov's open-source output gives none) counts: the tool did not say
/// it is minor. Informational failures never do.
pub fn at_threshold(severity: Option<testat_import::Severity>, fail_on: Severity) -> bool {
    use testat_import::Severity as S;
    let needed = match fail_on {
        Severity::Low => S::Low,
        Severity::Medium => S::Medium,
        Severity::High => S::High,
        Severity::Critical => S::Critical,
    };
    severity.is_none_or(|s| s != S::Info && s >= needed)
}

impl ImportReport<'_> {
    fn imports(&self) -> impl Iterator<Item = &Import> {
        self.files.iter().flat_map(|f| f.imports.iter())
    }

    fn counts_against(&self, finding: &ImportedFinding) -> bool {
        finding.outcome == Outcome::Fail && at_threshold(finding.severity, self.fail_on)
    }

    /// Failures at or above the threshold, over all imports.
    pub fn failed_at_threshold(&self) -> usize {
        self.imports()
            .flat_map(|i| i.findings.iter())
            .filter(|f| self.counts_against(f))
            .count()
    }
}

/// Renders `report` in `format` (colour is not used: imports are read in logs).
pub fn render_import(report: &ImportReport<'_>, format: ScanFormat) -> Result<String, ReportError> {
    match format {
        ScanFormat::Text => text(report),
        ScanFormat::Json => Ok(serde_json::to_string_pretty(&document(report))? + "\n"),
        ScanFormat::Sarif => Ok(serde_json::to_string_pretty(&sarif(report))? + "\n"),
        ScanFormat::Junit => junit(report),
    }
}

/// `path:start-end`, or the cloud account, region and resource ID.
fn place_text(place: &Place) -> String {
    match place {
        Place::File {
            path,
            start_line,
            end_line,
            ..
        } => match (start_line, end_line) {
            (Some(s), Some(e)) if e > s => format!("{path}:{s}-{e}"),
            (Some(s), _) => format!("{path}:{s}"),
            _ => path.clone(),
        },
        Place::Cloud {
            provider,
            account,
            region,
            resource_id,
            ..
        } => [provider, account, region, resource_id]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" / "),
        Place::Unknown => "place not given".to_owned(),
    }
}

fn severity_text(severity: Option<testat_import::Severity>) -> &'static str {
    severity.map_or("no severity", testat_import::Severity::as_str)
}

fn text(report: &ImportReport<'_>) -> Result<String, ReportError> {
    let mut out = String::new();
    writeln!(
        out,
        "testat {} import: {}",
        report.tool_version,
        plural(report.files.len(), "file", "files")
    )?;
    for file in report.files {
        for import in &file.imports {
            let counts = import.counts();
            let n = |o| counts.get(&o).copied().unwrap_or(0);
            writeln!(
                out,
                "\n{} {} ({}, {}, sha256 {})",
                import.tool.name,
                import
                    .tool
                    .version
                    .as_deref()
                    .unwrap_or("(version not given)"),
                file.format.label(),
                file.path,
                file.sha256.get(..12).unwrap_or(&file.sha256),
            )?;
            writeln!(
                out,
                "  {}: {} passed, {} failed, {} excepted, {} unknown; {}, {} unmapped ({})",
                plural(import.findings.len(), "finding", "findings"),
                n(Outcome::Pass),
                n(Outcome::Fail),
                n(Outcome::Excepted),
                n(Outcome::Unknown),
                plural(import.checks.len(), "check", "checks"),
                import.unmapped().len(),
                plural(import.unmapped_findings(), "finding", "findings"),
            )?;
            section(&mut out, report, import, Outcome::Fail, "Failures")?;
            section(&mut out, report, import, Outcome::Excepted, "Excepted")?;
            section(&mut out, report, import, Outcome::Unknown, "Unknown")?;
            let unmapped = import.unmapped();
            if !unmapped.is_empty() {
                writeln!(
                    out,
                    "  Unmapped checks ({}; `testat import --unmapped` prints them as [[mapping]] entries):",
                    unmapped.len()
                )?;
                for check in import
                    .checks
                    .iter()
                    .filter(|c| c.mapping == MappingSource::Unmapped)
                {
                    writeln!(
                        out,
                        "    {} ({})",
                        import.rule_id(check),
                        plural(check.findings, "finding", "findings")
                    )?;
                }
            }
            for problem in &import.problems {
                writeln!(out, "  Problem the tool reported: {problem}")?;
            }
        }
    }
    let failed = report.failed_at_threshold();
    writeln!(
        out,
        "\n{} at or above {} (failures without a severity count)",
        plural(failed, "failure", "failures"),
        report.fail_on.as_str()
    )?;
    Ok(out)
}

fn section(
    out: &mut String,
    report: &ImportReport<'_>,
    import: &Import,
    outcome: Outcome,
    heading: &str,
) -> Result<(), ReportError> {
    let findings: Vec<&ImportedFinding> = import
        .findings
        .iter()
        .filter(|f| f.outcome == outcome)
        .collect();
    if findings.is_empty() {
        return Ok(());
    }
    writeln!(out, "  {heading}:")?;
    for f in findings {
        let Some(check) = import.check_of(f) else {
            continue;
        };
        let criteria = if check.c5_2020.is_empty() {
            "no criterion".to_owned()
        } else {
            check.c5_2020.join(", ")
        };
        let mark = if report.counts_against(f) { "✗" } else { "-" };
        writeln!(
            out,
            "    {mark} {} [{}] {} at {} ({criteria})",
            import.rule_id(check),
            severity_text(f.severity),
            f.resource,
            place_text(&f.place),
        )?;
        if let Some(title) = &check.title {
            writeln!(out, "        {title}")?;
        }
        if let Some(why) = &f.justification {
            writeln!(out, "        justification: {why}")?;
        }
        if outcome == Outcome::Fail {
            if let Some(fix) = &check.remediation {
                writeln!(
                    out,
                    "        fix: {}",
                    fix.lines().next().unwrap_or_default()
                )?;
            }
            for link in &check.references {
                writeln!(out, "        see: {link}")?;
            }
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct ImportView<'a> {
    #[serde(flatten)]
    import: &'a Import,
    rule_ids: Vec<String>,
    unmapped_findings: usize,
}

fn document(report: &ImportReport<'_>) -> serde_json::Value {
    let files: Vec<serde_json::Value> = report
        .files
        .iter()
        .map(|file| {
            let imports: Vec<ImportView<'_>> = file
                .imports
                .iter()
                .map(|import| ImportView {
                    rule_ids: import.checks.iter().map(|c| import.rule_id(c)).collect(),
                    unmapped_findings: import.unmapped_findings(),
                    import,
                })
                .collect();
            json!({
                "path": file.path,
                "format": file.format,
                "sha256": file.sha256,
                "size": file.size,
                "imports": imports,
            })
        })
        .collect();
    json!({
        "kind": "testat-import",
        "schema_version": IMPORT_SCHEMA_VERSION,
        "tool": {"name": "testat", "version": report.tool_version},
        "started_at": timestamp(report.started_at),
        "finished_at": timestamp(report.finished_at),
        "fail_on": report.fail_on.as_str(),
        "failed_at_threshold": report.failed_at_threshold(),
        "files": files,
    })
}

fn sarif_location(place: &Place, resource: &str) -> serde_json::Value {
    let logical = json!([{"fullyQualifiedName": resource}]);
    match place {
        Place::File {
            path,
            start_line,
            end_line,
            start_column,
        } => {
            let mut region = serde_json::Map::new();
            if let Some(l) = start_line.filter(|l| *l > 0) {
                region.insert("startLine".into(), l.into());
                if let Some(e) = end_line.filter(|e| *e >= l) {
                    region.insert("endLine".into(), e.into());
                }
                if let Some(c) = start_column.filter(|c| *c > 0) {
                    region.insert("startColumn".into(), c.into());
                }
            }
            let mut physical = json!({"artifactLocation": {"uri": path.trim_start_matches('/')}});
            if !region.is_empty() {
                physical["region"] = region.into();
            }
            json!({"physicalLocation": physical, "logicalLocations": logical})
        }
        _ => json!({"logicalLocations": logical}),
    }
}

fn sarif(report: &ImportReport<'_>) -> serde_json::Value {
    let runs: Vec<serde_json::Value> = report
        .imports()
        .map(|import| {
            let rules: Vec<serde_json::Value> = import
                .checks
                .iter()
                .map(|c| {
                    let mut rule = json!({
                        "id": import.rule_id(c),
                        "shortDescription": {"text": c.title.clone().unwrap_or_else(|| c.key.id.clone())},
                        "properties": {"c5_2020": c.c5_2020, "c5_2026": c.c5_2026, "mapping": c.mapping},
                    });
                    if let Some(fix) = &c.remediation {
                        rule["help"] = json!({"text": fix});
                    }
                    if let Some(link) = c.references.first() {
                        rule["helpUri"] = json!(link);
                    }
                    rule
                })
                .collect();
            let results: Vec<serde_json::Value> = import
                .findings
                .iter()
                .filter(|f| matches!(f.outcome, Outcome::Fail | Outcome::Excepted))
                .filter_map(|f| {
                    let check = import.check_of(f)?;
                    let text = f
                        .detail
                        .clone()
                        .or_else(|| check.title.clone())
                        .unwrap_or_else(|| format!("{} failed", check.key.id));
                    let mut result = json!({
                        "ruleId": import.rule_id(check),
                        "ruleIndex": f.check,
                        "level": if report.counts_against(f) { "error" } else { "warning" },
                        "message": {"text": format!("{}: {text}", f.resource)},
                        "locations": [sarif_location(&f.place, &f.resource)],
                    });
                    if let Some(s) = f.severity {
                        result["properties"] = json!({"severity": s});
                    }
                    if f.outcome == Outcome::Excepted {
                        let mut suppression = json!({"kind": "external", "status": "accepted"});
                        if let Some(why) = &f.justification {
                            suppression["justification"] = json!(why);
                        }
                        result["suppressions"] = json!([suppression]);
                    }
                    Some(result)
                })
                .collect();
            json!({
                "tool": {"driver": {
                    "name": "testat",
                    "informationUri": "https://github.com/testat-dev/testat",
                    "semanticVersion": report.tool_version,
                    "rules": rules,
                }},
                "invocations": [{
                    "executionSuccessful": true,
                    "startTimeUtc": timestamp(report.started_at),
                    "endTimeUtc": timestamp(report.finished_at),
                }],
                "results": results,
                "properties": {
                    "importedFrom": {
                        "tool": import.tool.name,
                        "version": import.tool.version,
                        "format": import.format,
                        "file": import.source,
                    },
                    "unmappedChecks": import.unmapped().len(),
                },
            })
        })
        .collect();
    json!({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": runs})
}

fn junit(report: &ImportReport<'_>) -> Result<String, ReportError> {
    let all: Vec<(&Import, &ImportedFinding)> = report
        .imports()
        .flat_map(|i| i.findings.iter().map(move |f| (i, f)))
        .collect();
    let count = |o: Outcome| all.iter().filter(|(_, f)| f.outcome == o).count();
    let started = report.started_at.format("%Y-%m-%dT%H:%M:%S").to_string();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    writeln!(
        out,
        "<testsuites name=\"testat import\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{:.3}\">",
        all.len(),
        count(Outcome::Fail),
        count(Outcome::Excepted) + count(Outcome::Unknown),
        seconds(report.started_at, report.finished_at),
    )?;
    for import in report.imports() {
        let n = |o: Outcome| import.findings.iter().filter(|f| f.outcome == o).count();
        out.push_str("  <testsuite name=\"");
        escape(
            &mut out,
            &format!("{} ({})", import.tool.name, import.source),
            true,
        );
        writeln!(
            out,
            "\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" timestamp=\"{started}\">",
            import.findings.len(),
            n(Outcome::Fail),
            n(Outcome::Excepted) + n(Outcome::Unknown),
        )?;
        for f in &import.findings {
            let Some(check) = import.check_of(f) else {
                continue;
            };
            out.push_str("    <testcase classname=\"");
            escape(&mut out, &import.rule_id(check), true);
            out.push_str("\" name=\"");
            escape(&mut out, &f.resource, true);
            out.push_str("\" file=\"");
            escape(&mut out, &place_text(&f.place), true);
            out.push('"');
            let title = check.title.clone().unwrap_or_else(|| check.key.id.clone());
            match f.outcome {
                Outcome::Pass => out.push_str("/>\n"),
                Outcome::Fail => {
                    out.push_str(">\n      <failure message=\"");
                    escape(&mut out, &title, true);
                    out.push_str("\" type=\"");
                    escape(&mut out, severity_text(f.severity), true);
                    out.push_str("\">");
                    let body = format!(
                        "criteria: {}\nplace: {}\n{}",
                        check.c5_2020.join(", "),
                        place_text(&f.place),
                        check.remediation.as_deref().unwrap_or_default()
                    );
                    escape(&mut out, &body, false);
                    out.push_str("</failure>\n    </testcase>\n");
                }
                Outcome::Excepted | Outcome::Unknown => {
                    out.push_str(">\n      <skipped message=\"");
                    let why = match f.outcome {
                        Outcome::Excepted => format!(
                            "excepted: {}",
                            f.justification.as_deref().unwrap_or("no reason given")
                        ),
                        _ => "unknown: the tool could not decide".to_owned(),
                    };
                    escape(&mut out, &why, true);
                    out.push_str("\"/>\n    </testcase>\n");
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    Ok(out)
}
