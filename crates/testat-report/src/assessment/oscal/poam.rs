//! The OSCAL `plan-of-action-and-milestones` (POA&M) document.

use serde_json::{Map, Value, json};
use testat_assess::Assessment;

use super::common::{Doc, criterion_props, line, open, pretty, put};
use crate::ReportError;

/// The criteria that are not met or partly met as an OSCAL 1.1.2
/// `plan-of-action-and-milestones`: pretty-printed JSON, ending in a newline.
///
/// One `poam-item` per such criterion, with the reasons and deviations; the findings,
/// observations and risks it refers to are in the document, with the same UUIDs as in
/// [`render_assessment_results`](super::render_assessment_results).
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
