//! What both OSCAL documents share: the stable UUIDs, props, timestamps and
//! metadata, and the JSON helpers.

use chrono::{DateTime, NaiveDate, NaiveTime, SecondsFormat, TimeDelta, Utc};
use serde_json::{Map, Value, json};
use testat_assess::{Assessment, CriterionResult, Status};
use testat_catalog::{OSCAL_UUID_SEED, OSCAL_VERSION, TESTAT_NS};
use uuid::Uuid;

use super::super::markdown::escape;
use super::super::{listed, more};
use crate::ReportError;

/// Whether a criterion belongs in the POA&M (and has a risk).
pub(super) fn open(status: Status) -> bool {
    matches!(status, Status::NotMet | Status::PartlyMet)
}

/// The document as pretty-printed JSON, ending in a newline.
pub(super) fn pretty(document: &Value) -> Result<String, ReportError> {
    let mut out = serde_json::to_string_pretty(document)?;
    out.push('\n');
    Ok(out)
}

/// Inserts a list only when it has members: OSCAL arrays hold at least one.
pub(super) fn put(object: &mut Map<String, Value>, key: &str, items: Vec<Value>) {
    if !items.is_empty() {
        object.insert(key.into(), Value::Array(items));
    }
}

/// Text for single-line OSCAL fields (titles, prop values): whitespace runs, line
/// breaks included, become one space, and the ends are trimmed.
pub(super) fn line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A Testat prop; `None` when the value is empty (OSCAL prop values are not).
pub(super) fn prop(name: &str, value: impl ToString) -> Option<Value> {
    let value = line(&value.to_string());
    (!value.is_empty()).then(|| json!({ "name": name, "ns": TESTAT_NS, "value": value }))
}

/// A timestamp as OSCAL wants it: RFC 3339 with a time zone.
pub(super) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(super) fn day_start(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(NaiveTime::MIN).and_utc()
}

pub(super) fn day_end(d: NaiveDate) -> DateTime<Utc> {
    day_start(d) + TimeDelta::seconds(86_399)
}

/// A Markdown bullet list, or nothing.
pub(super) fn bullets(out: &mut String, heading: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    out.push_str(heading);
    out.push_str("\n\n");
    let (shown, left_out) = listed(items);
    let mut list: Vec<String> = shown.iter().map(|i| format!("- {}", escape(i))).collect();
    if left_out > 0 {
        list.push(format!("- {}", more(left_out, "entries")));
    }
    out.push_str(&list.join("\n"));
}

pub(super) fn criterion_props(c: &CriterionResult) -> Vec<Value> {
    [
        prop("criterion", &c.id),
        prop("status", c.status),
        prop("automation", c.automation),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The assessment and the stable key its UUIDs derive from.
pub(super) struct Doc<'a> {
    pub(super) a: &'a Assessment,
    key: String,
    pub(super) title: String,
}

impl<'a> Doc<'a> {
    pub(super) fn new(a: &'a Assessment) -> Self {
        let service = a.service.service.as_ref().map(|s| line(&s.name));
        let key = format!(
            "{}\n{}\n{}\n{}\n{}",
            service.as_deref().unwrap_or(""),
            a.catalog.name,
            a.catalog.version,
            a.kind.number(),
            a.kind.period_label()
        );
        let title = match &service {
            Some(name) => format!(
                "{} Type {} assessment of {name}, {}",
                line(&a.catalog.name),
                a.kind.number(),
                a.kind.period_label()
            ),
            None => format!(
                "{} Type {} assessment, {}",
                line(&a.catalog.name),
                a.kind.number(),
                a.kind.period_label()
            ),
        };
        Self { a, key, title }
    }

    /// A v5 UUID for the part named by `parts`, within this assessment.
    pub(super) fn uuid(&self, parts: &[&str]) -> Uuid {
        Uuid::new_v5(
            &Uuid::NAMESPACE_URL,
            format!(
                "{OSCAL_UUID_SEED}:assessment\n{}\n{}",
                self.key,
                parts.join("\n")
            )
            .as_bytes(),
        )
    }

    /// Start and end of the result: the whole day (Type 1) or period (Type 2).
    pub(super) fn span(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let (start, after) = self.a.kind.bounds();
        (start, after - TimeDelta::seconds(1))
    }

    pub(super) fn metadata(&self, title: String) -> Value {
        let a = self.a;
        let mut m = Map::new();
        m.insert("title".into(), json!(title));
        m.insert("last-modified".into(), json!(ts(a.generated_at)));
        m.insert("version".into(), json!(ts(a.generated_at)));
        m.insert("oscal-version".into(), json!(OSCAL_VERSION));
        put(
            &mut m,
            "props",
            [
                prop("assessment-type", a.kind.number()),
                prop("catalog", &a.catalog.name),
                prop("catalog-version", &a.catalog.version),
                prop("tool-version", &a.tool_version),
            ]
            .into_iter()
            .flatten()
            .collect(),
        );
        if let Some(s) = &a.service.service {
            let name = line(&s.provider);
            if !name.is_empty() {
                let party = self.uuid(&["party", &name]);
                m.insert(
                    "roles".into(),
                    json!([{ "id": "provider", "title": "Cloud service provider" }]),
                );
                let mut p = Map::new();
                p.insert("uuid".into(), json!(party));
                p.insert("type".into(), json!("organization"));
                p.insert("name".into(), json!(name));
                put(
                    &mut p,
                    "props",
                    prop("service", &s.name).into_iter().collect(),
                );
                m.insert("parties".into(), json!([p]));
                m.insert(
                    "responsible-parties".into(),
                    json!([{ "role-id": "provider", "party-uuids": [party] }]),
                );
            }
        }
        m.insert(
            "remarks".into(),
            json!(format!(
                "Produced by Testat {}. Control IDs are those of Testat's OSCAL export of \
                 {}; Testat's status words (met, partly met, not met, not assessed, not \
                 applicable) are in the `status` props of namespace `{TESTAT_NS}`.",
                escape(&a.tool_version),
                escape(&a.catalog.name)
            )),
        );
        Value::Object(m)
    }
}
