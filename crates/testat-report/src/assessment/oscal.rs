//! OSCAL 1.1.2: the assessment as `assessment-results` and its open items as a
//! `plan-of-action-and-milestones` (POA&M).
//!
//! Both documents name criteria by the control IDs of the catalog export
//! ([`testat_catalog::control_id`]), carry Testat's own words (status, criterion ID,
//! rule counts) as props in Testat's namespace ([`TESTAT_NS`]), and derive every UUID
//! (v5) from stable content: the service, the catalogue, the kind and period of the
//! assessment and the criterion, rule, resource or evidence a part is about. The same
//! assessment therefore always gives the same documents, and an observation or risk
//! has the same UUID in the assessment results and in the POA&M.
//!
//! Mapping:
//!
//! | Testat | OSCAL |
//! | --- | --- |
//! | criteria in scope / scoped out | `reviewed-controls` include / exclude (reasons as props) |
//! | criterion result | `finding` targeting the control (`objective-id`); `satisfied` for met and not applicable, `not-satisfied` otherwise |
//! | rule outcome, failure interval, attestation, evidence, gap in the runs | `observation` |
//! | criterion not met or partly met | `risk` (status `open`), and a `poam-item` |
//!
//! There is no OSCAL assessment plan; `import-ap` points at a back-matter resource
//! that says so.

use chrono::{DateTime, NaiveDate, NaiveTime, SecondsFormat, TimeDelta, Utc};
use serde_json::{Map, Value, json};
use testat_assess::{Assessment, AssessmentKind, CriterionResult, Status};
use testat_catalog::{OSCAL_UUID_SEED, OSCAL_VERSION, TESTAT_NS, control_id};
use uuid::Uuid;

use super::markdown::escape;
use super::{listed, more};
use crate::ReportError;

/// The assessment as an OSCAL 1.1.2 `assessment-results` document: pretty-printed
/// JSON, ending in a newline.
///
/// One result covers the assessment's date (Type 1) or period (Type 2); it holds one
/// finding per criterion, observations for rule outcomes, failure intervals,
/// attestations, evidence and gaps in the runs, and a risk per criterion that is not
/// met or partly met.
pub fn render_assessment_results(a: &Assessment) -> Result<String, ReportError> {
    let doc = Doc::new(a);
    let mut observations = Vec::new();
    let mut risks = Vec::new();
    let mut findings = Vec::new();
    for c in &a.criteria {
        let parts = doc.criterion(c);
        findings.push(parts.finding);
        observations.extend(parts.observations);
        risks.extend(parts.risk);
    }
    observations.extend(doc.gaps());

    let (start, end) = doc.span();
    let mut result = Map::new();
    result.insert("uuid".into(), json!(doc.uuid(&["result"])));
    result.insert(
        "title".into(),
        json!(format!(
            "{} Type {}: {}",
            line(&a.catalog.name),
            a.kind.number(),
            a.kind.period_label()
        )),
    );
    result.insert("description".into(), json!(doc.result_description()));
    result.insert("start".into(), json!(ts(start)));
    result.insert("end".into(), json!(ts(end)));
    put(&mut result, "props", doc.result_props());
    result.insert("reviewed-controls".into(), doc.reviewed_controls());
    put(&mut result, "observations", observations);
    put(&mut result, "risks", risks);
    put(&mut result, "findings", findings);

    let plan = doc.uuid(&["assessment-plan"]);
    let document = json!({
        "assessment-results": {
            "uuid": doc.uuid(&["assessment-results"]),
            "metadata": doc.metadata(doc.title.clone()),
            "import-ap": { "href": format!("#{plan}") },
            "results": [Value::Object(result)],
            "back-matter": {
                "resources": [{
                    "uuid": plan,
                    "title": "Assessment plan",
                    "description": format!(
                        "There is no separate OSCAL assessment plan. Testat assessed every \
                         criterion of {} (catalogue version {}) in scope against the rule \
                         results, attestations, evidence, exceptions and registers recorded \
                         in its store, following the service description and scope in \
                         `testat.toml`.",
                        escape(&a.catalog.name),
                        escape(&a.catalog.version)
                    ),
                }],
            },
        }
    });
    pretty(&document)
}

/// The criteria that are not met or partly met as an OSCAL 1.1.2
/// `plan-of-action-and-milestones`: pretty-printed JSON, ending in a newline.
///
/// One `poam-item` per such criterion, with the reasons and deviations; the findings,
/// observations and risks it refers to are in the document, with the same UUIDs as in
/// [`render_assessment_results`].
///
/// OSCAL requires at least one `poam-item`, so an assessment in which no criterion is
/// not met or partly met has no POA&M: that is [`ReportError::Empty`].
pub fn render_poam(a: &Assessment) -> Result<String, ReportError> {
    let doc = Doc::new(a);
    let mut observations = Vec::new();
    let mut risks = Vec::new();
    let mut findings = Vec::new();
    let mut items = Vec::new();
    for c in a.criteria.iter().filter(|c| open(c.status)) {
        let parts = doc.criterion(c);
        let finding = doc.uuid(&["finding", &c.id]);
        let mut item = Map::new();
        item.insert("uuid".into(), json!(doc.uuid(&["poam-item", &c.id])));
        item.insert(
            "title".into(),
            json!(format!("{} {}: {}", c.id, line(&c.title), c.status)),
        );
        item.insert("description".into(), json!(doc.criterion_description(c)));
        put(&mut item, "props", criterion_props(c));
        item.insert(
            "related-findings".into(),
            json!([{ "finding-uuid": finding }]),
        );
        put(
            &mut item,
            "related-observations",
            parts
                .observation_uuids
                .iter()
                .map(|u| json!({ "observation-uuid": u }))
                .collect(),
        );
        if let Some(risk) = parts.risk_uuid {
            item.insert("related-risks".into(), json!([{ "risk-uuid": risk }]));
        }
        items.push(Value::Object(item));
        findings.push(parts.finding);
        observations.extend(parts.observations);
        risks.extend(parts.risk);
    }
    if items.is_empty() {
        return Err(ReportError::Empty(
            "no criterion is not met or partly met, and an OSCAL POA&M needs at least one \
             poam-item: there is nothing to plan"
                .into(),
        ));
    }

    let mut poam = Map::new();
    poam.insert("uuid".into(), json!(doc.uuid(&["poam"])));
    poam.insert(
        "metadata".into(),
        doc.metadata(format!("Plan of action and milestones: {}", doc.title)),
    );
    put(&mut poam, "observations", observations);
    put(&mut poam, "risks", risks);
    put(&mut poam, "findings", findings);
    poam.insert("poam-items".into(), Value::Array(items));
    pretty(&json!({ "plan-of-action-and-milestones": poam }))
}

/// Whether a criterion belongs in the POA&M (and has a risk).
fn open(status: Status) -> bool {
    matches!(status, Status::NotMet | Status::PartlyMet)
}

fn pretty(document: &Value) -> Result<String, ReportError> {
    let mut out = serde_json::to_string_pretty(document)?;
    out.push('\n');
    Ok(out)
}

/// Inserts a list only when it has members: OSCAL arrays hold at least one.
fn put(object: &mut Map<String, Value>, key: &str, items: Vec<Value>) {
    if !items.is_empty() {
        object.insert(key.into(), Value::Array(items));
    }
}

/// Text for single-line OSCAL fields (titles, prop values): whitespace runs, line
/// breaks included, become one space, and the ends are trimmed.
fn line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A Testat prop; `None` when the value is empty (OSCAL prop values are not).
fn prop(name: &str, value: impl ToString) -> Option<Value> {
    let value = line(&value.to_string());
    (!value.is_empty()).then(|| json!({ "name": name, "ns": TESTAT_NS, "value": value }))
}

/// A timestamp as OSCAL wants it: RFC 3339 with a time zone.
fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn day_start(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(NaiveTime::MIN).and_utc()
}

fn day_end(d: NaiveDate) -> DateTime<Utc> {
    day_start(d) + TimeDelta::seconds(86_399)
}

/// A Markdown bullet list, or nothing.
fn bullets(out: &mut String, heading: &str, items: &[String]) {
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

fn criterion_props(c: &CriterionResult) -> Vec<Value> {
    [
        prop("criterion", &c.id),
        prop("status", c.status),
        prop("automation", c.automation),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// What one criterion contributes to a document.
struct CriterionParts {
    finding: Value,
    observations: Vec<Value>,
    observation_uuids: Vec<Uuid>,
    risk: Option<Value>,
    risk_uuid: Option<Uuid>,
}

/// The assessment and the stable key its UUIDs derive from.
struct Doc<'a> {
    a: &'a Assessment,
    key: String,
    title: String,
}

impl<'a> Doc<'a> {
    fn new(a: &'a Assessment) -> Self {
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
    fn uuid(&self, parts: &[&str]) -> Uuid {
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
    fn span(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let (start, after) = self.a.kind.bounds();
        (start, after - TimeDelta::seconds(1))
    }

    fn metadata(&self, title: String) -> Value {
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

    fn result_description(&self) -> String {
        let a = self.a;
        let when = match a.kind {
            AssessmentKind::Type1 { at } => format!("the design of the controls at {at}"),
            AssessmentKind::Type2 { from, to } => {
                format!("the operation of the controls from {from} to {to}")
            }
        };
        let c = &a.counts;
        format!(
            "Status of each criterion of {} (catalogue version {}): {when}. {} met, {} partly \
             met, {} not met, {} not assessed, {} not applicable.",
            escape(&a.catalog.name),
            escape(&a.catalog.version),
            c.met,
            c.partly_met,
            c.not_met,
            c.not_assessed,
            c.not_applicable
        )
    }

    fn result_props(&self) -> Vec<Value> {
        let mut props = vec![prop("assessment-type", self.a.kind.number())];
        if let Some(p) = &self.a.period {
            props.push(prop(
                "coverage-percent",
                format!("{:.1}", p.coverage_percent),
            ));
            props.push(prop("max-gap-hours", p.max_gap_hours));
            for (scope, runs) in &p.runs {
                props.push(prop("runs", format!("{scope}: {runs}")));
            }
            if let Some(secs) = p.median_time_to_fix_secs {
                props.push(prop("median-time-to-fix-secs", secs));
            }
            if let Some(s) = &p.sample {
                props.push(prop("sample-seed", s.seed));
                props.push(prop("sample-size", s.size));
                props.push(prop("sample-method", s.method));
            }
        }
        props.into_iter().flatten().collect()
    }

    /// The criteria in scope, and the scoped-out ones excluded with their reasons.
    fn reviewed_controls(&self) -> Value {
        let a = self.a;
        let select = |c: &CriterionResult| json!({ "control-id": control_id(&c.id) });
        let included: Vec<Value> = a
            .criteria
            .iter()
            .filter(|c| c.scoped_out.is_none())
            .map(select)
            .collect();
        let excluded: Vec<Value> = a
            .criteria
            .iter()
            .filter(|c| c.scoped_out.is_some())
            .map(select)
            .collect();
        let mut selection = Map::new();
        selection.insert(
            "description".into(),
            json!(format!(
                "The criteria of {} in the service's scope.",
                escape(&a.catalog.name)
            )),
        );
        let mut props = Vec::new();
        let mut remarks = Vec::new();
        for c in a.criteria.iter().filter(|c| c.scoped_out.is_some()) {
            let reason = c.scoped_out.as_deref().unwrap_or_default();
            let subservice = a
                .scope
                .iter()
                .find(|s| s.criterion == c.id)
                .and_then(|s| s.subservice.as_deref());
            let text = match subservice {
                Some(s) => format!("{reason} (covered by {s})"),
                None => reason.to_owned(),
            };
            if let Some(mut p) = prop("out-of-scope", &c.id) {
                if let Some(o) = p.as_object_mut() {
                    o.insert("remarks".into(), json!(escape(&text)));
                }
                props.push(p);
            }
            remarks.push(format!("{}: {text}", c.id));
        }
        put(&mut selection, "props", props);
        if included.is_empty() {
            // Everything scoped out: OSCAL needs some inclusion.
            selection.insert("include-all".into(), json!({}));
        } else {
            selection.insert("include-controls".into(), Value::Array(included));
        }
        put(&mut selection, "exclude-controls", excluded);
        let mut text = String::new();
        bullets(&mut text, "Out of scope:", &remarks);
        if !text.is_empty() {
            selection.insert("remarks".into(), json!(text));
        }
        json!({ "control-selections": [selection] })
    }

    /// The reasons and deviations of a criterion, as Markdown.
    fn criterion_description(&self, c: &CriterionResult) -> String {
        let mut out = format!("{} {}: **{}**.", c.id, escape(&c.title), c.status);
        bullets(&mut out, "Reasons:", &c.reasons);
        bullets(&mut out, "Deviations in the period:", &c.deviations);
        let exceptions: Vec<String> = c
            .exceptions
            .iter()
            .map(|e| {
                format!(
                    "{} on {}: {} (approved by {}, until {}{})",
                    e.rule,
                    e.resource,
                    e.justification,
                    e.approved_by,
                    e.expires,
                    if e.active { "" } else { ", expired" }
                )
            })
            .collect();
        bullets(&mut out, "Exceptions:", &exceptions);
        out
    }

    /// The finding, observations and risk of one criterion.
    fn criterion(&self, c: &CriterionResult) -> CriterionParts {
        let observations = self.observations(c);
        let observation_uuids: Vec<Uuid> = observations.iter().map(|(u, _)| *u).collect();
        let related: Vec<Value> = observation_uuids
            .iter()
            .map(|u| json!({ "observation-uuid": u }))
            .collect();
        let description = self.criterion_description(c);

        let (risk, risk_uuid) = if open(c.status) {
            let uuid = self.uuid(&["risk", &c.id]);
            let mut r = Map::new();
            r.insert("uuid".into(), json!(uuid));
            r.insert(
                "title".into(),
                json!(format!("{} {}: {}", c.id, line(&c.title), c.status)),
            );
            r.insert("description".into(), json!(description.clone()));
            let statement = if c.status == Status::NotMet {
                format!(
                    "The objective of {} ({}) is not met; until it is, the risks it addresses \
                     are not controlled.",
                    c.id,
                    escape(&c.title)
                )
            } else {
                format!(
                    "The objective of {} ({}) is only partly met; the risks it addresses are \
                     not fully controlled.",
                    c.id,
                    escape(&c.title)
                )
            };
            r.insert("statement".into(), json!(statement));
            put(&mut r, "props", criterion_props(c));
            r.insert("status".into(), json!("open"));
            put(&mut r, "related-observations", related.clone());
            (Some(Value::Object(r)), Some(uuid))
        } else {
            (None, None)
        };

        let (state, reason) = match c.status {
            Status::Met => ("satisfied", "pass"),
            Status::NotApplicable => ("satisfied", "other"),
            Status::PartlyMet | Status::NotMet => ("not-satisfied", "fail"),
            Status::NotAssessed => ("not-satisfied", "other"),
        };
        let mut status = Map::new();
        status.insert("state".into(), json!(state));
        status.insert("reason".into(), json!(reason));
        if let Some(out) = &c.scoped_out {
            status.insert(
                "remarks".into(),
                json!(format!("Out of scope: {}", escape(out))),
            );
        }
        let mut f = Map::new();
        f.insert("uuid".into(), json!(self.uuid(&["finding", &c.id])));
        f.insert(
            "title".into(),
            json!(format!("{} {}", c.id, line(&c.title))),
        );
        f.insert("description".into(), json!(description));
        put(&mut f, "props", criterion_props(c));
        f.insert(
            "target".into(),
            json!({
                "type": "objective-id",
                "target-id": control_id(&c.id),
                "title": format!("{} {}", c.id, line(&c.title)),
                "status": status,
            }),
        );
        put(&mut f, "related-observations", related);
        if let Some(u) = risk_uuid {
            f.insert("related-risks".into(), json!([{ "risk-uuid": u }]));
        }
        CriterionParts {
            finding: Value::Object(f),
            observations: observations.into_iter().map(|(_, o)| o).collect(),
            observation_uuids,
            risk,
            risk_uuid,
        }
    }

    /// Attestation, evidence, rule outcomes and failure intervals of a criterion.
    fn observations(&self, c: &CriterionResult) -> Vec<(Uuid, Value)> {
        let a = self.a;
        let mut out = Vec::new();
        if let Some(at) = &c.attestation {
            let uuid = self.uuid(&["attestation", &c.id, &at.id.to_string()]);
            let mut description = format!(
                "Attested {} by {} (owner {}): {}",
                escape(&at.status),
                escape(&at.attested_by),
                escape(&at.owner),
                escape(&at.statement)
            );
            if let Some(review) = at.next_review {
                description.push_str(&format!("\n\nNext review due {review}."));
            }
            let o = observation(
                uuid,
                format!("{}: attestation {} ({})", c.id, at.id, line(&at.status)),
                description,
                "INTERVIEW",
                "control-objective",
                at.attested_at,
                [
                    prop("criterion", &c.id),
                    prop("attestation-id", at.id),
                    prop("attestation-status", &at.status),
                ],
                None,
            );
            out.push((uuid, o));
        }
        for e in &c.evidence {
            let uuid = self.uuid(&["evidence", &c.id, &e.id.to_string()]);
            let validity = match (e.effective, e.valid_until) {
                (Some(f), Some(t)) => format!("applies from {f} to {t}"),
                (Some(f), None) => format!("applies from {f}"),
                (None, Some(t)) => format!("applies until {t}"),
                (None, None) => "applies without limit".to_owned(),
            };
            let valid = if e.valid {
                "valid at the assessment date"
            } else {
                "not valid at the assessment date"
            };
            let mut evidence = Map::new();
            if e.kind == "url" {
                evidence.insert("href".into(), json!(e.label));
            }
            evidence.insert(
                "description".into(),
                json!(format!("{} ({})", escape(&e.label), escape(&e.kind))),
            );
            put(
                &mut evidence,
                "props",
                [
                    prop("evidence-id", e.id),
                    prop("evidence-kind", &e.kind),
                    e.sha256.as_ref().and_then(|h| prop("sha256", h)),
                ]
                .into_iter()
                .flatten()
                .collect(),
            );
            let mut o = observation(
                uuid,
                format!("{}: evidence {} ({})", c.id, e.id, line(&e.kind)),
                format!(
                    "Evidence {}: {}; {validity}; {valid}.",
                    e.id,
                    escape(&e.label)
                ),
                "EXAMINE",
                "control-objective",
                e.effective.map_or(a.generated_at, day_start),
                [
                    prop("criterion", &c.id),
                    prop("evidence-id", e.id),
                    prop("valid", e.valid),
                ],
                e.valid_until.map(day_end),
            );
            if let Some(obj) = o.as_object_mut() {
                obj.insert("relevant-evidence".into(), json!([evidence]));
            }
            out.push((uuid, o));
        }
        for r in &c.rules {
            let uuid = self.uuid(&["rule", &c.id, &r.id]);
            let mut description = format!(
                "Rule {} ({}), latest outcome: {} passed, {} failing, {} excepted, {} undecided.",
                escape(&r.id),
                escape(&r.title),
                r.passed,
                r.failing.len(),
                r.excepted.len(),
                r.unknown
            );
            bullets(&mut description, "Failing:", &r.failing);
            bullets(&mut description, "Excepted:", &r.excepted);
            let o = observation(
                uuid,
                format!("{}: rule {}", c.id, line(&r.id)),
                description,
                "TEST",
                if r.failing.is_empty() {
                    "control-objective"
                } else {
                    "finding"
                },
                // The latest outcome by the end of the assessed day or period.
                a.generated_at.min(self.span().1),
                [
                    prop("criterion", &c.id),
                    prop("rule", &r.id),
                    prop("passed", r.passed),
                    prop("failing", r.failing.len()),
                    prop("excepted", r.excepted.len()),
                    prop("unknown", r.unknown),
                ],
                None,
            );
            out.push((uuid, o));
        }
        let (shown, left_out) = listed(&c.failures);
        if left_out > 0 {
            let uuid = self.uuid(&["failures-not-listed", &c.id]);
            let rest = &c.failures[shown.len()..];
            let open = rest.iter().filter(|f| f.fixed.is_none()).count();
            let o = observation(
                uuid,
                format!("{}: {left_out} more failure intervals", c.id),
                format!(
                    "{left_out} failure intervals of {} beyond the {} listed ({open} not fixed by \
                     the end of the period); the JSON report lists them all.",
                    c.id,
                    shown.len()
                ),
                "TEST",
                if open > 0 { "finding" } else { "historic" },
                rest.iter()
                    .map(|f| f.detected)
                    .min()
                    .unwrap_or(a.generated_at),
                [
                    prop("criterion", &c.id),
                    prop("intervals", left_out),
                    prop("open", open),
                ],
                None,
            );
            out.push((uuid, o));
        }
        for f in shown {
            let uuid = self.uuid(&[
                "failure",
                &c.id,
                &f.scope,
                &f.rule,
                &f.resource,
                &ts(f.detected),
            ]);
            let mut description = format!(
                "Rule {} failed on {} (scope {}): detected {} in run {}",
                escape(&f.rule),
                escape(&f.resource),
                escape(&f.scope),
                ts(f.detected),
                f.detected_run
            );
            match (f.fixed, f.fixed_run) {
                (Some(fixed), Some(run)) => {
                    description.push_str(&format!(", fixed {} in run {run}", ts(fixed)));
                }
                (Some(fixed), None) => description.push_str(&format!(", fixed {}", ts(fixed))),
                _ => description.push_str(", not fixed by the end of the period"),
            }
            if let Some(good) = f.last_good {
                description.push_str(&format!("; last seen passing {}", ts(good)));
            }
            description.push('.');
            let o = observation(
                uuid,
                format!(
                    "{}: {} failed on {}",
                    c.id,
                    line(&f.rule),
                    line(&f.resource)
                ),
                description,
                "TEST",
                if f.fixed.is_some() {
                    "historic"
                } else {
                    "finding"
                },
                f.detected,
                [
                    prop("criterion", &c.id),
                    prop("rule", &f.rule),
                    prop("resource", &f.resource),
                    prop("scope", &f.scope),
                    prop("detected-run", f.detected_run),
                    f.fixed_run.and_then(|r| prop("fixed-run", r)),
                    f.time_to_detect_secs
                        .and_then(|s| prop("time-to-detect-secs", s)),
                    f.time_to_fix_secs.and_then(|s| prop("time-to-fix-secs", s)),
                ],
                None,
            );
            out.push((uuid, o));
        }
        out
    }

    /// Type 2: the stretches without a run, as observations of the result.
    fn gaps(&self) -> Vec<Value> {
        let Some(period) = &self.a.period else {
            return Vec::new();
        };
        period
            .gaps
            .iter()
            .map(|g| {
                let uuid = self.uuid(&["gap", &g.scope, &ts(g.from)]);
                observation(
                    uuid,
                    format!("No run in scope {} for {} h", line(&g.scope), g.hours),
                    format!(
                        "No recorded run in scope {} from {} to {} ({} h; at most {} h are \
                         allowed): a deviation for every criterion with rules in this scope.",
                        escape(&g.scope),
                        ts(g.from),
                        ts(g.to),
                        g.hours,
                        period.max_gap_hours
                    ),
                    "TEST",
                    "discovery",
                    g.to,
                    [prop("scope", &g.scope), prop("gap-hours", g.hours)],
                    None,
                )
            })
            .collect()
    }
}

/// An OSCAL observation.
#[allow(
    clippy::too_many_arguments,
    reason = "one call site per kind of record"
)]
fn observation<const N: usize>(
    uuid: Uuid,
    title: String,
    description: String,
    method: &str,
    kind: &str,
    collected: DateTime<Utc>,
    props: [Option<Value>; N],
    expires: Option<DateTime<Utc>>,
) -> Value {
    let mut o = Map::new();
    o.insert("uuid".into(), json!(uuid));
    o.insert("title".into(), json!(title));
    o.insert("description".into(), json!(description));
    put(&mut o, "props", props.into_iter().flatten().collect());
    o.insert("methods".into(), json!([method]));
    o.insert("types".into(), json!([kind]));
    o.insert("collected".into(), json!(ts(collected)));
    if let Some(e) = expires {
        o.insert("expires".into(), json!(ts(e)));
    }
    Value::Object(o)
}
