//! Testat's own JSON format, version [`SCHEMA_VERSION`] (docs/scan-json.md, schema in
//! docs/schemas/scan-result.v1.json).
//!
//! Everything is serialised from borrowed data: no finding, path or message is cloned,
//! so that scans with hundreds of thousands of findings serialise quickly.

use std::borrow::Cow;
use std::io::Write as _;

use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};
use testat_inputs::InputKind;
use testat_rules::{Outcome, Severity};

use crate::common::{path_text, resolve, timestamp};
use crate::summary::{Summary, summary};
use crate::{ReportError, ScanReport};

/// Version of the JSON format; raised on any change that is not a pure addition.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'r, 'a> {
    schema_version: u32,
    tool: Tool<'a>,
    catalog: CatalogRef<'a>,
    started_at: String,
    finished_at: String,
    fail_on: Severity,
    summary: Summary<'a>,
    inputs: Vec<Input<'a>>,
    rules: Vec<RuleOut<'a>>,
    findings: Findings<'r, 'a>,
    exceptions: Vec<ExceptionOut<'a>>,
    problems: Vec<Problem>,
    skipped: Vec<Cow<'a, str>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct CatalogRef<'a> {
    name: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct Input<'a> {
    path: Cow<'a, str>,
    kind: InputKind,
    sha256: &'a str,
    size: u64,
    format_version: Option<&'a str>,
}

#[derive(Serialize)]
struct RuleOut<'a> {
    id: &'a str,
    title: &'a str,
    severity: Severity,
    criteria: &'a [String],
    provider: &'a str,
    origin: String,
}

#[derive(Serialize)]
struct FindingOut<'a> {
    rule: &'a str,
    severity: Severity,
    criteria: &'a [String],
    resource: &'a str,
    kind: &'a str,
    provider: &'a str,
    outcome: Outcome,
    file: &'a str,
    line: usize,
    column: usize,
    pointer: &'a str,
    message: Option<&'a str>,
    detail: Option<&'a str>,
    exception: Option<usize>,
}

#[derive(Serialize)]
struct ExceptionOut<'a> {
    rule: &'a str,
    resource: &'a str,
    justification: &'a str,
    approved_by: &'a str,
    risk_owner: Option<&'a str>,
    expires: String,
    active: bool,
    excepted: usize,
}

#[derive(Serialize)]
struct Problem {
    message: String,
}

/// The findings, serialised one by one as the sequence is written.
struct Findings<'r, 'a> {
    report: &'r ScanReport<'a>,
    files: &'r [Cow<'a, str>],
}

impl Serialize for Findings<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.report.findings.len()))?;
        for (n, finding) in self.report.findings.iter().enumerate() {
            let r = resolve(self.report, n, finding).map_err(S::Error::custom)?;
            let spec = &r.rule.spec;
            let file = self
                .files
                .get(r.resource.file)
                .map_or("", |path| path.as_ref());
            seq.serialize_element(&FindingOut {
                rule: &spec.id,
                severity: spec.severity,
                criteria: &spec.criteria,
                resource: &r.resource.address,
                kind: &r.resource.kind,
                provider: &r.resource.provider,
                outcome: finding.outcome,
                file,
                line: r.resource.line,
                column: r.resource.column,
                pointer: &r.resource.pointer,
                message: matches!(finding.outcome, Outcome::Fail | Outcome::Excepted)
                    .then_some(spec.message.as_str()),
                detail: finding.detail.as_deref(),
                exception: finding.exception,
            })?;
        }
        seq.end()
    }
}

/// Renders the report as pretty-printed JSON with a final newline.
pub(crate) fn render(report: &ScanReport<'_>) -> Result<String, ReportError> {
    let mut out = Vec::with_capacity(4096 + report.findings.len() * 320);
    write(report, &mut out)?;
    // serde_json writes UTF-8 only; the check is cheap next to the serialisation.
    String::from_utf8(out).map_err(|e| ReportError::Json(serde_json::Error::custom(e)))
}

/// Writes the report as pretty-printed JSON with a final newline to `out`, as it is
/// rendered.
pub(crate) fn write(
    report: &ScanReport<'_>,
    out: &mut impl std::io::Write,
) -> Result<(), ReportError> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    let inputs = report.inputs;
    let files: Vec<Cow<'_, str>> = inputs.files.iter().map(|f| path_text(&f.path)).collect();
    let document = Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "testat",
            version: report.tool_version,
        },
        catalog: CatalogRef {
            name: &report.catalog.name,
            version: &report.catalog.version,
        },
        started_at: timestamp(report.started_at),
        finished_at: timestamp(report.finished_at),
        fail_on: report.fail_on,
        summary: summary(report),
        inputs: inputs
            .files
            .iter()
            .zip(&files)
            .map(|(file, path)| Input {
                path: path.clone(),
                kind: file.kind,
                sha256: &file.sha256,
                size: file.size,
                format_version: file.format_version.as_deref(),
            })
            .collect(),
        rules: report
            .rules
            .rules()
            .iter()
            .map(|rule| RuleOut {
                id: &rule.spec.id,
                title: &rule.spec.title,
                severity: rule.spec.severity,
                criteria: &rule.spec.criteria,
                provider: &rule.spec.provider,
                origin: rule.origin.display(),
            })
            .collect(),
        findings: Findings {
            report,
            files: &files,
        },
        exceptions: report
            .exceptions
            .iter()
            .enumerate()
            .map(|(i, e)| ExceptionOut {
                rule: &e.rule,
                resource: &e.resource,
                justification: &e.justification,
                approved_by: &e.approved_by,
                risk_owner: e.risk_owner.as_deref(),
                expires: e.expires.format("%Y-%m-%d").to_string(),
                active: !report.exception_use.expired.contains(&i),
                excepted: report.exception_use.excepted.get(i).copied().unwrap_or(0),
            })
            .collect(),
        problems: inputs
            .problems
            .iter()
            .map(|p| Problem {
                message: p.to_string(),
            })
            .collect(),
        skipped: inputs.skipped.iter().map(|p| path_text(p)).collect(),
    };
    document
        .serialize(&mut serde_json::Serializer::with_formatter(
            &mut out,
            LineFormatter::default(),
        ))
        .map_err(|e| {
            if e.is_io() {
                ReportError::Io(e.into())
            } else {
                ReportError::Json(e)
            }
        })?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// Pretty-prints like `serde_json`'s `PrettyFormatter`, except that the entries of the
/// top-level arrays (each finding, input, rule, exception) are written on one line each:
/// a large report stays readable, greppable and diffable line by line, and is about a
/// third smaller than fully indented JSON.
#[derive(Default)]
struct LineFormatter {
    /// Open containers: `true` for arrays.
    stack: Vec<bool>,
    /// Depth of the object being written on one line, if any.
    compact_from: Option<usize>,
    has_value: bool,
}

impl LineFormatter {
    fn newline<W: ?Sized + std::io::Write>(&self, writer: &mut W) -> std::io::Result<()> {
        writer.write_all(b"\n")?;
        for _ in 0..self.stack.len() {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }

    fn separator<W: ?Sized + std::io::Write>(
        &self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if self.compact_from.is_some() {
            if first {
                Ok(())
            } else {
                writer.write_all(b",")
            }
        } else {
            if !first {
                writer.write_all(b",")?;
            }
            self.newline(writer)
        }
    }

    fn end<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        close: &[u8],
    ) -> std::io::Result<()> {
        let depth = self.stack.len();
        self.stack.pop();
        if self.compact_from.is_none() && self.has_value {
            self.newline(writer)?;
        }
        if self.compact_from == Some(depth) {
            self.compact_from = None;
        }
        writer.write_all(close)
    }
}

impl serde_json::ser::Formatter for LineFormatter {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.stack.push(true);
        self.has_value = false;
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.end(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.separator(writer, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        _writer: &mut W,
    ) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        if self.compact_from.is_none() && self.stack.as_slice() == [false, true] {
            self.compact_from = Some(self.stack.len() + 1);
        }
        self.stack.push(false);
        self.has_value = false;
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.end(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.separator(writer, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(if self.compact_from.is_some() {
            b":"
        } else {
            b": "
        })
    }

    fn end_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        _writer: &mut W,
    ) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}
