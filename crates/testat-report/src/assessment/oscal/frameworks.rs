//! One OSCAL result per framework asked for: "what this shows for …", with one finding
//! per control, article or section, targeted at the framework's own control ID.
//!
//! A finding's state is `satisfied` only when the C5 evidence supports the entry
//! (every applicable mapped criterion met); its reason is always `other`, because the
//! state says what the C5 evidence shows, never that the framework is met.

use serde_json::{Map, Value, json};
use testat_assess::{FrameworkRollup, FrameworkSupport};

use super::super::frameworks::{NOT_A_VERDICT, criteria_list, heading};
use super::common::{Doc, line, prop, put, ts};

/// The framework's control ID as an OSCAL token: lower case, e.g. `a.8.24`, `art32.1.a`.
fn token(id: &str) -> String {
    id.to_ascii_lowercase()
}

impl Doc<'_> {
    /// The result for one framework.
    pub(super) fn framework_result(&self, f: &FrameworkRollup) -> Value {
        let (start, end) = self.span();
        let n = &f.counts;
        let mut result = Map::new();
        result.insert(
            "uuid".into(),
            json!(self.uuid(&["framework-result", &f.framework])),
        );
        result.insert("title".into(), json!(line(&heading(f))));
        result.insert(
            "description".into(),
            json!(format!(
                "{} {} Entries: {} supported, {} partly supported, {} not supported, {} without a C5 mapping (C5:{}).",
                f.disclaimer, NOT_A_VERDICT, n.supported, n.partly_supported, n.not_supported, n.no_mapping, f.c5
            )),
        );
        result.insert("start".into(), json!(ts(start)));
        result.insert("end".into(), json!(ts(end)));
        put(
            &mut result,
            "props",
            [prop("framework", &f.framework), prop("c5-version", f.c5)]
                .into_iter()
                .flatten()
                .collect(),
        );
        let controls: Vec<Value> = f
            .controls
            .iter()
            .map(|c| json!({ "control-id": token(&c.id) }))
            .collect();
        result.insert(
            "reviewed-controls".into(),
            json!({ "control-selections": [{
                "description": format!("The entries of {}.", line(&f.name)),
                "include-controls": controls,
            }] }),
        );
        let findings: Vec<Value> = f
            .controls
            .iter()
            .map(|c| {
                let state = if c.support == FrameworkSupport::Supported {
                    "satisfied"
                } else {
                    "not-satisfied"
                };
                let missing = match &c.unmapped_reason {
                    Some(reason) => format!("no C5 criterion: {reason}"),
                    None => criteria_list(&c.missing),
                };
                let mut finding = Map::new();
                finding.insert(
                    "uuid".into(),
                    json!(self.uuid(&["framework-finding", &f.framework, &c.id])),
                );
                finding.insert(
                    "title".into(),
                    json!(format!("{} {}", line(&c.label), line(&c.title))),
                );
                finding.insert(
                    "description".into(),
                    json!(format!(
                        "C5 evidence: {}. Supported by: {}. Missing: {}.",
                        c.support.as_str(),
                        criteria_list(&c.supported_by),
                        line(&missing)
                    )),
                );
                put(
                    &mut finding,
                    "props",
                    [
                        prop("framework-support", c.support.as_str()),
                        prop("met", c.counts.met),
                        prop("partly-met", c.counts.partly_met),
                        prop("not-met", c.counts.not_met),
                        prop("not-assessed", c.counts.not_assessed),
                        c.weakest.as_ref().and_then(|w| {
                            prop("weakest", format!("{} ({})", w.criterion, w.status))
                        }),
                    ]
                    .into_iter()
                    .flatten()
                    .collect(),
                );
                finding.insert(
                    "target".into(),
                    json!({
                        "type": "objective-id",
                        "target-id": token(&c.id),
                        "title": format!("{} {}", line(&c.label), line(&c.title)),
                        "status": { "state": state, "reason": "other" },
                    }),
                );
                Value::Object(finding)
            })
            .collect();
        put(&mut result, "findings", findings);
        Value::Object(result)
    }
}
