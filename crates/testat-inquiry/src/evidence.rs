//! What the register shows for the criteria INQ-01 to INQ-04, with reasons. The
//! status roll-up and the assessments read this; front ends print it.

use chrono::NaiveDate;
use serde::Serialize;

use crate::record::{InquiryRecord, Notification};
use crate::state::InquiryState;

/// How far the register supports a criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InqSupport {
    /// Every request recorded meets what the criterion asks.
    Supported,
    /// Some request does not (the reasons say which).
    Gaps,
    /// No request is recorded, so the register shows nothing either way.
    NoRequests,
}

/// The register's evidence for one criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InqCriterion {
    /// `INQ-01` … `INQ-04`.
    pub criterion: &'static str,
    /// The verdict.
    pub support: InqSupport,
    /// What was checked.
    pub checked: &'static str,
    /// Why (one line per gap; one summary line when supported).
    pub reasons: Vec<String>,
}

/// The register's evidence for INQ-01 to INQ-04.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InqEvidence {
    /// The day it was assessed.
    pub as_of: String,
    /// Requests in the register.
    pub requests: usize,
    /// Records of the register that differ from their audit events (none when intact).
    pub integrity: Vec<IntegrityProblem>,
    /// One entry per criterion.
    pub criteria: Vec<InqCriterion>,
}

/// A record of the register that differs from what the audit log recorded of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntegrityProblem {
    /// The record (`inquiry 3`, `inquiry-event 12`).
    pub place: String,
    /// What is wrong with it.
    pub message: String,
}

/// The register's verdicts on `today`, from its records and any integrity problems
/// the store found in them (each one is a gap of every criterion).
pub fn assess(
    records: &[InquiryRecord],
    integrity: &[IntegrityProblem],
    today: NaiveDate,
) -> InqEvidence {
    let mut gaps: [Vec<String>; 4] = Default::default();
    let [g1, g2, g3, g4] = &mut gaps;
    for r in records {
        let id = r.inquiry.id;
        let decided = r.outcome().is_some();
        // INQ-01: a legal review before any outcome; undecided requests within their deadline.
        if decided && !reviewed_before_outcome(r) {
            g1.push(format!(
                "inquiry {id} reached an outcome without a legal review"
            ));
        }
        if !decided
            && let Some(deadline) = r.inquiry.deadline
            && deadline < today
        {
            g1.push(format!(
                "inquiry {id} is still {} after its deadline {deadline}",
                r.state
            ));
        }
        // INQ-02: a notification decision before closing; bars reviewed in time.
        if r.state == InquiryState::Closed && r.notification.is_none() {
            g2.push(format!(
                "inquiry {id} is closed without a customer-notification decision"
            ));
        }
        if let Some(Notification::Barred { review, .. }) = &r.notification
            && *review < today
        {
            g2.push(format!(
                "inquiry {id}: the notification bar was due for review on {review} and has not been reviewed"
            ));
        }
        if let Some(Notification::Notified { on, .. }) = &r.notification
            && *on < r.inquiry.received_on
        {
            g2.push(format!(
                "inquiry {id}: customers notified before the request was received"
            ));
        }
        // INQ-03: disclosure only after legal review, and the disclosure documented.
        for e in r
            .events
            .iter()
            .filter(|e| e.to_state.is_some_and(InquiryState::is_disclosure))
        {
            let state = e.to_state.map_or("", InquiryState::as_str);
            if !r
                .events
                .iter()
                .any(|p| p.id < e.id && p.to_state == Some(InquiryState::LegalReview))
            {
                g3.push(format!(
                    "inquiry {id}: {state} without a legal review before it"
                ));
            }
            if e.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
                g3.push(format!(
                    "inquiry {id}: the move to {state} (event {}) does not document what was handed over (no note on the event)",
                    e.id
                ));
            }
        }
        // INQ-04: disclosure limited to named data of named customers.
        if r.reached(InquiryState::Disclosed) || r.reached(InquiryState::PartiallyDisclosed) {
            if r.inquiry.data_categories.is_empty() {
                g4.push(format!(
                    "inquiry {id}: data was disclosed but no data categories are recorded"
                ));
            }
            if r.inquiry.customers.is_empty() {
                g4.push(format!(
                    "inquiry {id}: data was disclosed but the customers concerned are not recorded"
                ));
            }
        }
    }
    let n = records.len();
    let disclosed = records
        .iter()
        .filter(|r| {
            r.reached(InquiryState::Disclosed) || r.reached(InquiryState::PartiallyDisclosed)
        })
        .count();
    let closed = records
        .iter()
        .filter(|r| r.state == InquiryState::Closed)
        .count();
    let bars = records
        .iter()
        .filter(|r| matches!(r.notification, Some(Notification::Barred { .. })))
        .count();
    let checked = [
        "every decided request had a legal review first; undecided requests are within their deadline",
        "every closed request has a notification decision; every bar has a review date that has not passed",
        "every disclosure followed a legal review and documents what was handed over",
        "every disclosure names the data categories and the customers concerned",
    ];
    let summaries = [
        format!("{n} request(s), all decided ones reviewed"),
        format!(
            "{closed} closed request(s) with a decision, {bars} bar(s) within their review date"
        ),
        format!("{disclosed} disclosure(s), each after a legal review and documented"),
        format!("{disclosed} disclosure(s), each limited to recorded categories and customers"),
    ];
    let criteria = ["INQ-01", "INQ-02", "INQ-03", "INQ-04"]
        .into_iter()
        .zip(gaps)
        .zip(checked.into_iter().zip(summaries))
        .map(|((criterion, mut reasons), (checked, summary))| {
            for p in integrity {
                reasons.push(format!(
                    "register fails verification: {}: {}",
                    p.place, p.message
                ));
            }
            let support = if !reasons.is_empty() {
                InqSupport::Gaps
            } else if n == 0 {
                reasons.push(
                    "no request recorded; the register exists but shows no handling yet".into(),
                );
                InqSupport::NoRequests
            } else {
                reasons.push(summary);
                InqSupport::Supported
            };
            InqCriterion {
                criterion,
                support,
                checked,
                reasons,
            }
        })
        .collect();
    InqEvidence {
        as_of: today.to_string(),
        requests: n,
        integrity: integrity.to_vec(),
        criteria,
    }
}

fn reviewed_before_outcome(r: &InquiryRecord) -> bool {
    let review = r
        .events
        .iter()
        .find(|e| e.to_state == Some(InquiryState::LegalReview))
        .map(|e| e.id);
    let first_outcome = r
        .events
        .iter()
        .find(|e| {
            e.to_state
                .is_some_and(|s| InquiryState::OUTCOMES.contains(&s))
        })
        .map(|e| e.id);
    match (review, first_outcome) {
        (Some(r), Some(o)) => r < o,
        (_, None) => true,
        (None, Some(_)) => false,
    }
}
