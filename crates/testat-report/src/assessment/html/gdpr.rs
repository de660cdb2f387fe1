//! The GDPR annex of the handout page: the annex formatted for `gdpr.html`, with the
//! wording shared by every format (`super::super::gdpr`).

use serde::Serialize;
use testat_assess::{GdprPack, Status};

use super::super::gdpr::{
    self as words, BREACH, HEADING, MEASURES, MEASURES_RULE, SUBPROCESSORS, TRANSFERS,
    TRANSFERS_RULE, TRANSPARENCY,
};

/// The annex as the template shows it.
#[derive(Serialize)]
pub(super) struct GdprView {
    heading: &'static str,
    disclaimer: String,
    measures_heading: &'static str,
    measures_rule: &'static str,
    as_of: String,
    c5: String,
    points: Vec<PointView>,
    transfers_heading: &'static str,
    transfers_rule: &'static str,
    locations: Vec<PlaceView>,
    subprocessors_heading: &'static str,
    subservices: Vec<PlaceView>,
    breach_heading: &'static str,
    breach: String,
    breach_declared: bool,
    incident_handling: Option<String>,
    transparency_heading: &'static str,
    transparency_note: String,
    transparency_period: String,
    figures: Vec<(String, String)>,
}

#[derive(Serialize)]
struct PointView {
    id: String,
    anchor: String,
    heading: String,
    summary: String,
    groups: Vec<GroupView>,
    none_in_place: bool,
}

#[derive(Serialize)]
struct GroupView {
    label: &'static str,
    /// The CSS class of the status (`s-met`, …).
    class: &'static str,
    criteria: Vec<(String, String)>,
}

/// A location or subservice organisation: its cells, then the transfer.
#[derive(Serialize)]
struct PlaceView {
    cells: Vec<String>,
    transfer: String,
    /// `ok` (no transfer), `transfer` (declared) or `gap` (undeclared or unknown).
    class: &'static str,
}

fn class(status: Status) -> &'static str {
    match status {
        Status::Met => "s-met",
        Status::PartlyMet => "s-partly-met",
        Status::NotMet => "s-not-met",
        Status::NotAssessed => "s-not-assessed",
        Status::NotApplicable => "s-not-applicable",
    }
}

fn transfer_class(state: testat_assess::TransferState) -> &'static str {
    use testat_assess::TransferState as T;
    match state {
        T::NoTransfer => "ok",
        T::Transfer => "transfer",
        T::MechanismNotDeclared | T::CountryNotDeclared => "gap",
    }
}

impl GdprView {
    pub(super) fn new(g: &GdprPack) -> Self {
        let points = g
            .measures
            .iter()
            .map(|h| PointView {
                id: h.id.clone(),
                anchor: h.id.replace('.', "-"),
                heading: words::point_heading(h),
                summary: h.summary.clone(),
                groups: words::groups(h)
                    .into_iter()
                    .filter(|(_, list)| !list.is_empty())
                    .map(|(label, list)| GroupView {
                        label,
                        class: list.first().map_or("s-not-assessed", |c| class(c.status)),
                        criteria: list
                            .iter()
                            .map(|c| (c.criterion.clone(), c.title.clone()))
                            .collect(),
                    })
                    .collect(),
                none_in_place: h.in_place.is_empty() && h.partly_in_place.is_empty(),
            })
            .collect();
        let locations = g
            .locations
            .iter()
            .map(|l| PlaceView {
                cells: vec![
                    l.name.clone(),
                    l.country.clone(),
                    l.purposes.join(", "),
                    l.operated_by.clone().unwrap_or_else(|| "provider".into()),
                ],
                transfer: words::transfer(l.transfer, l.mechanism, l.mechanism_note.as_deref()),
                class: transfer_class(l.transfer),
            })
            .collect();
        let subservices = g
            .subservices
            .iter()
            .map(|s| PlaceView {
                cells: vec![
                    s.name.clone(),
                    s.provides.clone(),
                    s.method.clone(),
                    s.countries.join(", "),
                ],
                transfer: words::transfer(s.transfer, s.mechanism, s.mechanism_note.as_deref()),
                class: transfer_class(s.transfer),
            })
            .collect();
        let (transparency_note, figures) = match &g.transparency.report {
            None => (words::no_register_data(&g.transparency.period), Vec::new()),
            Some(r) => (words::band_note(r), words::figures(r)),
        };
        Self {
            heading: HEADING,
            disclaimer: g.disclaimer.clone(),
            measures_heading: MEASURES,
            measures_rule: MEASURES_RULE,
            as_of: g.as_of.to_string(),
            c5: g.c5.to_string(),
            points,
            transfers_heading: TRANSFERS,
            transfers_rule: TRANSFERS_RULE,
            locations,
            subprocessors_heading: SUBPROCESSORS,
            subservices,
            breach_heading: BREACH,
            breach: words::breach(&g.breach_notification),
            breach_declared: g.breach_notification.hours.is_some(),
            incident_handling: g.breach_notification.incident_handling.clone(),
            transparency_heading: TRANSPARENCY,
            transparency_note,
            transparency_period: g.transparency.period.clone(),
            figures,
        }
    }
}
