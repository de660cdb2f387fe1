//! The OSCAL `assessment-results` document.

use serde_json::{Map, Value, json};
use testat_assess::{Assessment, AssessmentKind, CriterionResult};
use testat_catalog::control_id;

use super::super::markdown::escape;
use super::common::{Doc, bullets, line, pretty, prop, put, ts};
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

impl Doc<'_> {
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
}
