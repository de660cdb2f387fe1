//! SARIF 2.1.0, for code-scanning dashboards (GitHub, GitLab, Azure DevOps, the SARIF
//! viewers).
//!
//! One run; one reporting descriptor per rule that ran; a result for every failing and
//! every excepted finding (the latter with an accepted external suppression). Passing,
//! unknown and error findings are not results: SARIF has no place for evidence of
//! success, and `unknown`/`error` are listed by the text and JSON formats.

use std::fmt::Write as _;
use std::path::Path;

use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};
use testat_rules::{Outcome, Rule, Severity};

use crate::common::{is_stdin, path_text, resolve, timestamp};
use crate::{ReportError, ScanReport};

/// The schema SARIF files name.
pub(crate) const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'r, 'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'r, 'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'r, 'a> {
    tool: Tool<'a>,
    invocations: [Invocation; 1],
    artifacts: Vec<Artifact<'a>>,
    results: Results<'r, 'a>,
    column_kind: &'static str,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    information_uri: &'static str,
    semantic_version: &'a str,
    rules: Vec<Descriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor<'a> {
    id: &'a str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: DescriptorProperties<'a>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct DescriptorProperties<'a> {
    tags: Vec<&'a str>,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    #[serde(rename = "c5-criteria")]
    c5_criteria: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    start_time_utc: String,
    end_time_utc: String,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

#[derive(Serialize)]
struct Artifact<'a> {
    location: Uri<'a>,
    length: u64,
    roles: [&'static str; 1],
    hashes: Hashes<'a>,
}

#[derive(Serialize)]
struct Uri<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
struct Hashes<'a> {
    #[serde(rename = "sha-256")]
    sha256: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties<'a> {
    catalog: &'a str,
    catalog_version: &'a str,
    fail_on: Severity,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    kind: &'static str,
    level: &'static str,
    message: Text,
    locations: [Location<'a>; 1],
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression<'a>; 1]>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
    logical_locations: [LogicalLocation<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation<'a> {
    uri: &'a str,
    index: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    fully_qualified_name: &'a str,
    kind: &'static str,
}

/// `partialFingerprints`; the key's suffix is the version of the fingerprint.
#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "testatFinding/v1")]
    finding: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Suppression<'a> {
    kind: &'static str,
    status: &'static str,
    justification: &'a str,
    properties: SuppressionProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SuppressionProperties<'a> {
    approved_by: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    risk_owner: Option<&'a str>,
    expires: String,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    pointer: &'a str,
    severity: Severity,
}

/// The failing and excepted findings, serialised one by one.
struct Results<'r, 'a> {
    report: &'r ScanReport<'a>,
    uris: &'r [String],
}

impl Serialize for Results<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        let mut message = String::new();
        for (n, finding) in self.report.findings.iter().enumerate() {
            if !matches!(finding.outcome, Outcome::Fail | Outcome::Excepted) {
                continue;
            }
            let r = resolve(self.report, n, finding).map_err(S::Error::custom)?;
            let spec = &r.rule.spec;
            let address = r.resource.address.as_str();
            message.clear();
            message.push_str(address);
            message.push_str(": ");
            message.push_str(spec.message.trim_end());
            if !message.ends_with('.') {
                message.push('.');
            }
            let suppressions = match (finding.outcome, r.exception) {
                (Outcome::Excepted, Some(e)) => Some([Suppression {
                    kind: "external",
                    status: "accepted",
                    justification: &e.justification,
                    properties: SuppressionProperties {
                        approved_by: &e.approved_by,
                        risk_owner: e.risk_owner.as_deref(),
                        expires: e.expires.format("%Y-%m-%d").to_string(),
                    },
                }]),
                _ => None,
            };
            let region = (r.resource.line > 0).then(|| Region {
                start_line: r.resource.line,
                start_column: r.resource.column.max(1),
            });
            seq.serialize_element(&SarifResult {
                rule_id: &spec.id,
                rule_index: finding.rule,
                kind: "fail",
                level: level(spec.severity),
                message: Text {
                    text: message.clone(),
                },
                locations: [Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: self.uris.get(r.resource.file).map_or("", String::as_str),
                            index: r.resource.file,
                        },
                        region,
                    },
                    logical_locations: [LogicalLocation {
                        fully_qualified_name: address,
                        kind: "resource",
                    }],
                }],
                partial_fingerprints: Fingerprints {
                    finding: fingerprint(&spec.id, address),
                },
                suppressions,
                properties: ResultProperties {
                    pointer: &r.resource.pointer,
                    severity: spec.severity,
                },
            })?;
        }
        seq.end()
    }
}

/// SARIF level for a rule severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// The `security-severity` GitHub code scanning ranks by (a CVSS-like score).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.0",
        Severity::High => "7.0",
        Severity::Medium => "5.0",
        Severity::Low => "3.0",
    }
}

/// A fingerprint of a finding that survives edits of the file: rule ID and resource
/// address, hashed with 64-bit FNV-1a (stable across Rust releases, unlike std's
/// hashers), in hex.
pub(crate) fn fingerprint(rule: &str, address: &str) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for byte in rule.bytes().chain([0]).chain(address.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(PRIME);
    }
    format!("{hash:016x}")
}

/// `AWS-S3-VERSIONING` → `AwsS3Versioning`.
fn camel_case(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for part in id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    out
}

/// A sentence: trimmed, ending with a full stop.
fn sentence(text: &str) -> String {
    let mut text = text.trim().to_owned();
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

/// The reporting descriptor of one rule.
fn descriptor<'a>(report: &ScanReport<'a>, rule: &'a Rule) -> Result<Descriptor<'a>, ReportError> {
    let spec = &rule.spec;
    let mut markdown = String::new();
    writeln!(markdown, "**{}**\n", spec.title.trim())?;
    if let Some(description) = &spec.description {
        writeln!(markdown, "{}\n", description.trim())?;
    }
    writeln!(markdown, "### Remediation\n\n{}\n", spec.remediation.trim())?;
    writeln!(markdown, "### {} criteria\n", report.catalog.name)?;
    for id in &spec.criteria {
        match report.catalog.exact(id) {
            Some(c) => writeln!(markdown, "- {id} {}", c.title)?,
            None => writeln!(markdown, "- {id}")?,
        }
    }
    let mut tags: Vec<&str> = spec.criteria.iter().map(String::as_str).collect();
    tags.extend(["security", "c5:2020"]);
    Ok(Descriptor {
        id: &spec.id,
        name: camel_case(&spec.id),
        short_description: Text {
            text: sentence(&spec.title),
        },
        full_description: Text {
            text: sentence(spec.description.as_deref().unwrap_or(&spec.title)),
        },
        help: Help {
            text: spec.remediation.trim().to_owned(),
            markdown: markdown.trim_end().to_owned(),
        },
        default_configuration: Configuration {
            level: level(spec.severity),
        },
        properties: DescriptorProperties {
            tags,
            security_severity: security_severity(spec.severity),
            c5_criteria: &spec.criteria,
        },
    })
}

/// A file path as a SARIF URI: relative paths stay relative (forward slashes,
/// percent-encoded), absolute paths become `file://` URIs, standard input is `stdin`.
pub(crate) fn artifact_uri(path: &Path) -> String {
    if is_stdin(path) {
        return "stdin".to_owned();
    }
    let text = path_text(path).replace('\\', "/");
    let mut rest = text.as_str();
    while let Some(stripped) = rest.strip_prefix("./") {
        rest = stripped;
    }
    let bytes = rest.as_bytes();
    let drive = bytes.len() >= 3
        && bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.get(1) == Some(&b':')
        && bytes.get(2) == Some(&b'/');
    let mut uri = String::with_capacity(rest.len() + 8);
    if let Some(absolute) = rest.strip_prefix('/') {
        uri.push_str("file:///");
        encode(absolute, &mut uri);
    } else if drive {
        uri.push_str("file:///");
        uri.push_str(rest.get(..2).unwrap_or_default());
        encode(rest.get(2..).unwrap_or_default(), &mut uri);
    } else {
        encode(rest, &mut uri);
    }
    uri
}

/// Percent-encodes everything but unreserved characters, `/` and the sub-delimiters that
/// are safe in a path. `:` is encoded, so that a relative path never looks like a scheme.
fn encode(path: &str, out: &mut String) {
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

/// Renders the report as a SARIF 2.1.0 log (pretty-printed, final newline).
pub(crate) fn render(report: &ScanReport<'_>) -> Result<String, ReportError> {
    let files = &report.inputs.files;
    let uris: Vec<String> = files.iter().map(|f| artifact_uri(&f.path)).collect();
    let rules = report
        .rules
        .rules()
        .iter()
        .map(|rule| descriptor(report, rule))
        .collect::<Result<Vec<_>, _>>()?;
    let log = Log {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "Testat",
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    semantic_version: report.tool_version,
                    rules,
                },
            },
            invocations: [Invocation {
                execution_successful: true,
                start_time_utc: timestamp(report.started_at),
                end_time_utc: timestamp(report.finished_at),
                tool_execution_notifications: report
                    .inputs
                    .problems
                    .iter()
                    .map(|p| Notification {
                        level: "error",
                        message: Text {
                            text: sentence(&p.to_string()),
                        },
                    })
                    .collect(),
            }],
            artifacts: files
                .iter()
                .zip(&uris)
                .map(|(file, uri)| Artifact {
                    location: Uri { uri },
                    length: file.size,
                    roles: ["analysisTarget"],
                    hashes: Hashes {
                        sha256: &file.sha256,
                    },
                })
                .collect(),
            results: Results {
                report,
                uris: &uris,
            },
            column_kind: "unicodeCodePoints",
            properties: RunProperties {
                catalog: &report.catalog.name,
                catalog_version: &report.catalog.version,
                fail_on: report.fail_on,
            },
        }],
    };
    let mut out = serde_json::to_string_pretty(&log)?;
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{artifact_uri, camel_case, fingerprint};

    #[test]
    fn uris() {
        assert_eq!(artifact_uri(Path::new("-")), "stdin");
        assert_eq!(artifact_uri(Path::new("plans/web.json")), "plans/web.json");
        assert_eq!(
            artifact_uri(Path::new("./plans/web.json")),
            "plans/web.json"
        );
        assert_eq!(artifact_uri(Path::new("plans\\web.json")), "plans/web.json");
        assert_eq!(
            artifact_uri(Path::new("my plans/a#b.json")),
            "my%20plans/a%23b.json"
        );
        assert_eq!(artifact_uri(Path::new("a:b.yaml")), "a%3Ab.yaml");
        assert_eq!(artifact_uri(Path::new("/tmp/x.json")), "file:///tmp/x.json");
        assert_eq!(
            artifact_uri(Path::new("C:\\work\\x.json")),
            "file:///C:/work/x.json"
        );
        assert_eq!(
            artifact_uri(Path::new("pläne/ü.json")),
            "pl%C3%A4ne/%C3%BC.json"
        );
    }

    #[test]
    fn names_and_fingerprints() {
        assert_eq!(camel_case("AWS-S3-VERSIONING"), "AwsS3Versioning");
        assert_eq!(camel_case("K8S-NO-PRIVILEGED"), "K8sNoPrivileged");
        // Stable: a change here changes every fingerprint users have stored.
        assert_eq!(fingerprint("", ""), "af63bd4c8601b7df");
        assert_eq!(fingerprint("A", "b").len(), 16);
        assert_ne!(fingerprint("AB", "c"), fingerprint("A", "Bc"));
    }
}
