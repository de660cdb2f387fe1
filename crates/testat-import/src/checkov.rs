//! Checkov's JSON report (`checkov -o json`).
//!
//! The file is one report object, or a list of them when several frameworks ran
//! (`terraform_plan`, `kubernetes`, …). A report has `check_type`, `results` with
//! `passed_checks`, `failed_checks`, `skipped_checks` and `parsing_errors`, and a
//! `summary` whose `checkov_version` must be 2.x or 3.x. When Checkov finds nothing to
//! scan it writes the summary alone (`{"passed": 0, …, "checkov_version": …}`).
//!
//! Records are read one at a time; the code block Checkov copies into each one is
//! skipped without being kept.

use std::fmt;
use std::io::Read;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::json::{self, Builder, Ctx, Typed, join, non_empty};
use crate::model::{CheckKey, ImportedFinding, Outcome, Place, Severity, ToolInfo};
use crate::{Format, Import, ImportError};

/// The Checkov major versions whose report shape this reader knows.
const KNOWN_MAJORS: [&str; 2] = ["2", "3"];

pub(crate) fn read<R: Read>(reader: R, source: &str) -> Result<Import, ImportError> {
    let mut builder = Builder::new(
        source,
        Format::Checkov,
        ToolInfo {
            name: "checkov".to_owned(),
            version: None,
            information_uri: None,
        },
    );
    let ctx = Ctx::default();
    let seed = Top {
        ctx: &ctx,
        builder: &mut builder,
    };
    let result = {
        let mut de = serde_json::Deserializer::from_reader(reader);
        seed.deserialize(&mut de).and_then(|()| de.end())
    };
    match result {
        Ok(()) => Ok(builder.finish()),
        Err(e) => Err(json::into_error(ctx, e, source, Format::Checkov)),
    }
}

/// The whole document: a report, or a list of reports.
struct Top<'a> {
    ctx: &'a Ctx,
    builder: &'a mut Builder,
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Checkov report object, or a list of them")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        while seq
            .next_element_seed(Report {
                ctx: self.ctx,
                builder: &mut *self.builder,
                pointer: format!("/{i}"),
            })?
            .is_some()
        {
            i += 1;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        Report {
            ctx: self.ctx,
            builder: self.builder,
            pointer: String::new(),
        }
        .visit_map(map)
    }
}

/// One report (one framework).
struct Report<'a> {
    ctx: &'a Ctx,
    builder: &'a mut Builder,
    pointer: String,
}

#[derive(Deserialize)]
struct Summary {
    #[serde(default)]
    checkov_version: Option<String>,
}

impl<'de> DeserializeSeed<'de> for Report<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let (ctx, at) = (self.ctx, self.pointer.clone());
        d.deserialize_map(self).map_err(|e| ctx.note(&at, e))
    }
}

impl<'de> Visitor<'de> for Report<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Checkov report object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Self {
            ctx,
            builder,
            pointer,
        } = self;
        let mut check_type: Option<String> = None;
        let mut results = false;
        let mut version: Option<String> = None;
        let mut summary_only = false;
        let first = builder.import.findings.len();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "check_type" => {
                    let at = join(&pointer, "check_type");
                    check_type = Some(map.next_value_seed(Typed::<String>::new(ctx, &at))?);
                }
                "results" => {
                    results = true;
                    map.next_value_seed(Results {
                        ctx,
                        builder: &mut *builder,
                        pointer: join(&pointer, "results"),
                    })?;
                }
                "summary" => {
                    let at = join(&pointer, "summary");
                    let summary: Summary = map.next_value_seed(Typed::new(ctx, &at))?;
                    version = summary.checkov_version;
                }
                // The summary alone, written when there was nothing to scan.
                "checkov_version" => {
                    let at = join(&pointer, "checkov_version");
                    version = Some(map.next_value_seed(Typed::<String>::new(ctx, &at))?);
                    summary_only = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !results && !summary_only {
            return Err(ctx.fail(
                pointer,
                "no `results` and no `checkov_version`: this is not a Checkov report",
            ));
        }
        if results && check_type.is_none() {
            return Err(ctx.fail(pointer, "a report with `results` needs a `check_type`"));
        }
        let version_at = if summary_only {
            join(&pointer, "checkov_version")
        } else {
            join(&join(&pointer, "summary"), "checkov_version")
        };
        let Some(version) = version else {
            return Err(ctx.fail(
                version_at,
                "no Checkov version (`summary.checkov_version`): the report's shape cannot be trusted",
            ));
        };
        let major = version.trim().split('.').next().unwrap_or("");
        if !KNOWN_MAJORS.contains(&major) {
            return Err(ctx.fail(
                version_at,
                format!("Checkov version {version:?} is not one this reader knows (2.x and 3.x)"),
            ));
        }
        match &builder.import.tool.version {
            None => builder.import.tool.version = Some(version),
            Some(known) if *known == version => {}
            Some(known) => {
                let note = format!(
                    "reports of different Checkov versions in one file ({known}, {version})"
                );
                if !builder.import.problems.contains(&note) {
                    builder.import.problems.push(note);
                }
            }
        }
        if let Some(check_type) = check_type {
            let count = builder.import.findings.len() - first;
            *builder.import.frameworks.entry(check_type).or_insert(0) += count;
        }
        Ok(())
    }
}

/// `results`: the three lists of records and the parsing errors.
struct Results<'a> {
    ctx: &'a Ctx,
    builder: &'a mut Builder,
    pointer: String,
}

impl<'de> DeserializeSeed<'de> for Results<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let (ctx, at) = (self.ctx, self.pointer.clone());
        d.deserialize_map(self).map_err(|e| ctx.note(&at, e))
    }
}

impl<'de> Visitor<'de> for Results<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Checkov's `results` object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let outcome = match key.as_str() {
                "passed_checks" => Outcome::Pass,
                "failed_checks" => Outcome::Fail,
                "skipped_checks" => Outcome::Excepted,
                "parsing_errors" => {
                    let at = join(&self.pointer, "parsing_errors");
                    let files: Vec<serde_json::Value> =
                        map.next_value_seed(Typed::new(self.ctx, &at))?;
                    for file in files {
                        let name = match file {
                            serde_json::Value::String(s) => s,
                            other => other.to_string(),
                        };
                        self.builder
                            .import
                            .problems
                            .push(format!("Checkov could not parse {name}"));
                    }
                    continue;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            map.next_value_seed(Records {
                ctx: self.ctx,
                builder: &mut *self.builder,
                pointer: join(&self.pointer, &key),
                outcome,
            })?;
        }
        Ok(())
    }
}

/// One of the lists of check records.
struct Records<'a> {
    ctx: &'a Ctx,
    builder: &'a mut Builder,
    pointer: String,
    outcome: Outcome,
}

impl<'de> DeserializeSeed<'de> for Records<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let (ctx, at) = (self.ctx, self.pointer.clone());
        d.deserialize_seq(self).map_err(|e| ctx.note(&at, e))
    }
}

impl<'de> Visitor<'de> for Records<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of Checkov check records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        loop {
            let at = format!("{}/{i}", self.pointer);
            let Some(record) = seq.next_element_seed(Typed::<Record>::new(self.ctx, &at))? else {
                break;
            };
            add(self.builder, record, self.outcome)
                .map_err(|(field, message)| self.ctx.fail::<A::Error>(join(&at, field), message))?;
            i += 1;
        }
        Ok(())
    }
}

/// One check on one resource, as Checkov writes it (fields Testat does not use,
/// such as `code_block`, are skipped).
#[derive(Deserialize)]
struct Record {
    check_id: String,
    #[serde(default)]
    check_name: Option<String>,
    #[serde(default)]
    check_result: Option<CheckResult>,
    #[serde(default)]
    file_path: Option<String>,
    #[serde(default)]
    file_line_range: Option<Vec<i64>>,
    #[serde(default)]
    resource: Option<String>,
    #[serde(default)]
    resource_address: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    guideline: Option<String>,
}

#[derive(Deserialize)]
struct CheckResult {
    #[serde(default)]
    suppress_comment: Option<String>,
}

/// Adds a record; on failure returns the field and what is wrong with it.
fn add(
    builder: &mut Builder,
    record: Record,
    outcome: Outcome,
) -> Result<(), (&'static str, String)> {
    let id = record.check_id.trim().to_owned();
    if id.is_empty() {
        return Err(("check_id", "the check ID is empty".to_owned()));
    }
    let resource = non_empty(record.resource_address)
        .or_else(|| non_empty(record.resource.clone()))
        .or_else(|| non_empty(record.file_path.clone()))
        .ok_or((
            "resource",
            "the record names no resource and no file".to_owned(),
        ))?;
    let severity = non_empty(record.severity).and_then(|s| Severity::from_word(&s));
    let key = CheckKey {
        provider: provider_of(&id).map(str::to_owned),
        id,
    };
    let (check, new) = builder.check(key);
    if new && let Some(c) = builder.check_mut(check) {
        c.title = non_empty(record.check_name);
        c.severity = severity;
        if let Some(link) = non_empty(record.guideline) {
            c.references.push(link);
        }
    }
    let (start_line, end_line) = match record.file_line_range.as_deref() {
        Some([start, end, ..]) => (line(*start), line(*end)),
        Some([start]) => (line(*start), None),
        _ => (None, None),
    };
    let place = match non_empty(record.file_path) {
        Some(path) => Place::File {
            path,
            start_line,
            end_line,
            start_column: None,
        },
        None => Place::Unknown,
    };
    let justification = if outcome == Outcome::Excepted {
        record
            .check_result
            .and_then(|r| non_empty(r.suppress_comment))
    } else {
        None
    };
    builder.push(ImportedFinding {
        check,
        outcome,
        severity,
        justification,
        resource,
        place,
        detail: None,
    });
    Ok(())
}

/// Checkov writes line 0 for "no line"; lines start at 1.
fn line(n: i64) -> Option<u64> {
    u64::try_from(n).ok().filter(|&n| n > 0)
}

/// The provider a Checkov check ID belongs to, by its prefix (`CKV_AWS_19`,
/// `CKV2_AZURE_1`, `CKV_K8S_8`, `CKV_TC_1`).
pub(crate) fn provider_of(id: &str) -> Option<&'static str> {
    let rest = id
        .strip_prefix("CKV2_")
        .or_else(|| id.strip_prefix("CKV_"))?;
    let word = rest.split('_').next()?;
    Some(match word {
        "AWS" => "aws",
        "AZURE" => "azure",
        "GCP" => "gcp",
        "K8S" => "kubernetes",
        "TC" => "tencentcloud",
        "ALI" => "alicloud",
        "OCI" => "oci",
        "IBM" => "ibm",
        _ => return None,
    })
}
