//! What one criterion contributes to an OSCAL document (its finding, observations and
//! risk), and the gaps in the runs as observations.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use testat_assess::{CriterionResult, Status};
use testat_catalog::control_id;
use uuid::Uuid;

use super::super::listed;
use super::super::markdown::escape;
use super::common::{Doc, bullets, criterion_props, day_end, day_start, line, open, prop, put, ts};

/// What one criterion contributes to a document.
pub(super) struct CriterionParts {
    pub(super) finding: Value,
    pub(super) observations: Vec<Value>,
    pub(super) observation_uuids: Vec<Uuid>,
    pub(super) risk: Option<Value>,
    pub(super) risk_uuid: Option<Uuid>,
}

impl Doc<'_> {
    /// The reasons and deviations of a criterion, as Markdown.
    pub(super) fn criterion_description(&self, c: &CriterionResult) -> String {
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
    pub(super) fn criterion(&self, c: &CriterionResult) -> CriterionParts {
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
    pub(super) fn gaps(&self) -> Vec<Value> {
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
