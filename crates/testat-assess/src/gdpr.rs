//! The GDPR annex of the customer handout (`report customer --gdpr`): what a customer
//! needs from a processor under Article 28, built from values the project gathered.
//!
//! - **Technical and organisational measures** under the four points of Article 32(1),
//!   each with the C5 criteria mapped to it (`art32.1.a` to `art32.1.d` in the GDPR
//!   mapping) and their status. Only a met criterion is a measure in place and a partly
//!   met one a measure partly in place; a criterion not met is a gap, and one not
//!   assessed is listed as such, never as a measure.
//! - **Locations and subservice organisations**, each outside the EU/EEA marked as a
//!   transfer with the mechanism the provider declares, or "mechanism not declared".
//! - **The breach notification commitment** of `[gdpr]`, or "not declared".
//! - **The transparency figures** of the investigation-request register for the year,
//!   banded as published, or none when the register holds no records.
//!
//! The annex is evidence for the customer's own review, not legal advice and not a
//! statement of compliance.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::Serialize;
use testat_catalog::{C5Version, Framework, FrameworkMapping, Support};
use testat_inquiry::{EU_EEA, TransparencyReport};

use crate::Status;
use crate::service::{ServiceDescription, TransferMechanism};

/// What the annex is and is not; shown with it in every format.
pub const GDPR_DISCLAIMER: &str = "This annex collects what the provider's C5 status and service description show for a data processing agreement under Article 28 GDPR. It is generated from Testat's own mapping of C5 criteria to GDPR articles and from the provider's own declarations; it is not legal advice, not a statement of compliance, and no substitute for the agreement itself.";

/// The four points of Article 32(1), by their ID in the GDPR data, with our summary of
/// what the measures under each are about.
pub const TOM_HEADINGS: [(&str, &str); 4] = [
    (
        "art32.1.a",
        "Personal data is kept unreadable to anyone without the right key, in storage and in transit, and identifying data is replaced by pseudonyms where that fits the processing.",
    ),
    (
        "art32.1.b",
        "The systems that process personal data keep it secret from the unauthorised, unaltered, reachable when needed, and hold up under load and attack over time.",
    ),
    (
        "art32.1.c",
        "After a physical or technical incident, backups and recovery plans bring personal data and access to it back within a time that suits the processing.",
    ),
    (
        "art32.1.d",
        "The provider checks on a regular schedule, through tests, audits and reviews, whether these measures still work as intended.",
    ),
];

/// The annex.
#[derive(Debug, Clone, Serialize)]
pub struct GdprPack {
    /// The day the C5 status holds for.
    pub as_of: NaiveDate,
    /// The C5 version whose criteria were mapped.
    pub c5: C5Version,
    /// What the annex is and is not ([`GDPR_DISCLAIMER`]).
    pub disclaimer: String,
    /// The technical and organisational measures, one entry per point of Art. 32(1).
    pub measures: Vec<TomHeading>,
    /// Every `[[location]]`, with whether it is a transfer.
    pub locations: Vec<LocationTransfer>,
    /// Every `[[subservice]]`, with whether it is a transfer.
    pub subservices: Vec<SubserviceTransfer>,
    /// The breach notification commitment.
    pub breach_notification: BreachNotification,
    /// The transparency figures of the investigation-request register.
    pub transparency: TransparencyFigures,
}

/// The measures under one point of Article 32(1).
#[derive(Debug, Clone, Serialize)]
pub struct TomHeading {
    /// The point's ID in the GDPR data, e.g. `art32.1.a`.
    pub id: String,
    /// How people write it, e.g. `Art. 32(1)(a)`.
    pub label: String,
    /// Its title.
    pub title: String,
    /// What the measures under it are about, in our words.
    pub summary: String,
    /// Mapped criteria that are met: measures in place.
    pub in_place: Vec<TomCriterion>,
    /// Mapped criteria that are partly met: measures partly in place.
    pub partly_in_place: Vec<TomCriterion>,
    /// Mapped criteria that are not met: gaps, never measures in place.
    pub gaps: Vec<TomCriterion>,
    /// Mapped criteria with nothing recorded: neither measure nor gap is shown.
    pub not_assessed: Vec<TomCriterion>,
    /// Mapped criteria not applicable to the service or out of its scope.
    pub not_applicable: Vec<TomCriterion>,
}

impl TomHeading {
    /// How many criteria are mapped to the point.
    pub fn mapped(&self) -> usize {
        self.in_place.len()
            + self.partly_in_place.len()
            + self.gaps.len()
            + self.not_assessed.len()
            + self.not_applicable.len()
    }
}

/// A C5 criterion behind a measure, with its status.
#[derive(Debug, Clone, Serialize)]
pub struct TomCriterion {
    /// The criterion ID.
    pub criterion: String,
    /// Its title.
    pub title: String,
    /// Its status.
    pub status: Status,
    /// Whether meeting it supports the point fully or in part (Testat's mapping).
    pub relation: Support,
}

/// Whether a place or an organisation means a transfer outside the EU/EEA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TransferState {
    /// Every country concerned is in the EU/EEA: no transfer.
    #[serde(rename = "no transfer")]
    NoTransfer,
    /// A transfer, with the mechanism the provider declares.
    #[serde(rename = "transfer")]
    Transfer,
    /// A transfer for which the provider declares no mechanism.
    #[serde(rename = "transfer, mechanism not declared")]
    MechanismNotDeclared,
    /// No country is declared, so whether data leaves the EU/EEA is not known.
    #[serde(rename = "country not declared")]
    CountryNotDeclared,
}

impl TransferState {
    /// The words used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoTransfer => "no transfer",
            Self::Transfer => "transfer",
            Self::MechanismNotDeclared => "transfer, mechanism not declared",
            Self::CountryNotDeclared => "country not declared",
        }
    }
}

/// A `[[location]]` seen as a possible transfer.
#[derive(Debug, Clone, Serialize)]
pub struct LocationTransfer {
    /// Its name.
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// What happens there.
    pub purposes: Vec<String>,
    /// The subservice organisation that runs it, if not the provider.
    pub operated_by: Option<String>,
    /// Whether it is a transfer.
    pub transfer: TransferState,
    /// The mechanism declared, for a transfer.
    pub mechanism: Option<TransferMechanism>,
    /// The provider's note on the mechanism, for a transfer.
    pub mechanism_note: Option<String>,
}

/// A `[[subservice]]` seen as a subprocessor and a possible transfer.
#[derive(Debug, Clone, Serialize)]
pub struct SubserviceTransfer {
    /// Its name.
    pub name: String,
    /// What it provides.
    pub provides: String,
    /// `carve-out` or `inclusive`.
    pub method: String,
    /// The countries it works from: its own `countries` and those of the locations it
    /// operates, sorted.
    pub countries: Vec<String>,
    /// Of them, those outside the EU/EEA.
    pub outside_eu_eea: Vec<String>,
    /// Whether it is a transfer.
    pub transfer: TransferState,
    /// The mechanism declared on the subservice, for a transfer.
    pub mechanism: Option<TransferMechanism>,
    /// The provider's note on the mechanism, for a transfer.
    pub mechanism_note: Option<String>,
}

/// The breach notification commitment of `[gdpr]`.
#[derive(Debug, Clone, Serialize)]
pub struct BreachNotification {
    /// Hours from becoming aware of a breach to telling the customer; `None` when the
    /// provider declares none.
    pub hours: Option<u32>,
    /// `[service] incident_handling`, for context.
    pub incident_handling: Option<String>,
}

/// The register's transparency figures for a year.
#[derive(Debug, Clone, Serialize)]
pub struct TransparencyFigures {
    /// The year (`2026`).
    pub period: String,
    /// The banded report; `None` when the register holds no records.
    pub report: Option<TransparencyReport>,
}

/// Whether a country code is in the EU/EEA.
pub fn in_eu_eea(code: &str) -> bool {
    EU_EEA.contains(&code)
}

/// What `gdpr_pack` is built from.
#[derive(Debug)]
pub struct GdprInputs<'a> {
    /// The GDPR framework data.
    pub framework: &'a Framework,
    /// Its mapping from the engagement's C5 version.
    pub mapping: &'a FrameworkMapping,
    /// Each criterion's ID, title and status, scoping applied (criteria absent from it
    /// count as not assessed).
    pub statuses: Vec<(&'a str, &'a str, Status)>,
    /// The service description.
    pub service: &'a ServiceDescription,
    /// The day the status holds for.
    pub as_of: NaiveDate,
    /// The transparency figures.
    pub transparency: TransparencyFigures,
}

/// Builds the annex.
pub fn gdpr_pack(inputs: GdprInputs<'_>) -> GdprPack {
    let statuses: HashMap<&str, (&str, Status)> = inputs
        .statuses
        .iter()
        .map(|&(id, title, status)| (id, (title, status)))
        .collect();
    let measures = TOM_HEADINGS
        .iter()
        .map(|&(id, summary)| tom_heading(&inputs, &statuses, id, summary))
        .collect();
    let service = inputs.service;
    let locations = service
        .locations
        .iter()
        .map(|l| {
            let (transfer, mechanism, mechanism_note) = judge(
                std::slice::from_ref(&l.country),
                l.transfer_mechanism,
                l.transfer_note.as_deref(),
            );
            LocationTransfer {
                name: l.name.clone(),
                country: l.country.clone(),
                purposes: l.purposes.clone(),
                operated_by: l.operated_by.clone(),
                transfer,
                mechanism,
                mechanism_note,
            }
        })
        .collect();
    let subservices = service
        .subservices
        .iter()
        .map(|s| {
            let countries: Vec<String> = s
                .countries
                .iter()
                .cloned()
                .chain(
                    service
                        .locations
                        .iter()
                        .filter(|l| l.operated_by.as_deref() == Some(s.name.as_str()))
                        .map(|l| l.country.clone()),
                )
                .collect::<BTreeSet<String>>()
                .into_iter()
                .collect();
            let (transfer, mechanism, mechanism_note) =
                judge(&countries, s.transfer_mechanism, s.transfer_note.as_deref());
            SubserviceTransfer {
                name: s.name.clone(),
                provides: s.provides.clone(),
                method: s.method.clone(),
                outside_eu_eea: countries
                    .iter()
                    .filter(|c| !in_eu_eea(c))
                    .cloned()
                    .collect(),
                countries,
                transfer,
                mechanism,
                mechanism_note,
            }
        })
        .collect();
    GdprPack {
        as_of: inputs.as_of,
        c5: inputs.mapping.c5,
        disclaimer: GDPR_DISCLAIMER.to_owned(),
        measures,
        locations,
        subservices,
        breach_notification: BreachNotification {
            hours: service.gdpr.breach_notification_hours,
            incident_handling: service
                .service
                .as_ref()
                .and_then(|s| s.incident_handling.clone()),
        },
        transparency: inputs.transparency,
    }
}

/// The transfer state of something in `countries`, with the mechanism shown for it:
/// a mechanism is shown only for a transfer.
fn judge(
    countries: &[String],
    mechanism: Option<TransferMechanism>,
    note: Option<&str>,
) -> (TransferState, Option<TransferMechanism>, Option<String>) {
    if countries.is_empty() {
        return (TransferState::CountryNotDeclared, None, None);
    }
    if countries.iter().all(|c| in_eu_eea(c)) {
        return (TransferState::NoTransfer, None, None);
    }
    let note = note
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    match mechanism {
        Some(m) => (TransferState::Transfer, Some(m), note),
        None => (TransferState::MechanismNotDeclared, None, note),
    }
}

/// One point of Article 32(1) with its mapped criteria sorted by status.
fn tom_heading(
    inputs: &GdprInputs<'_>,
    statuses: &HashMap<&str, (&str, Status)>,
    id: &str,
    summary: &str,
) -> TomHeading {
    let control = inputs.framework.control(id);
    let mut heading = TomHeading {
        id: id.to_owned(),
        label: control.map_or_else(|| id.to_owned(), |c| c.label.clone()),
        title: control.map(|c| c.title.clone()).unwrap_or_default(),
        summary: summary.to_owned(),
        in_place: Vec::new(),
        partly_in_place: Vec::new(),
        gaps: Vec::new(),
        not_assessed: Vec::new(),
        not_applicable: Vec::new(),
    };
    // A criterion mapped several times (C5:2026 sub-criteria) counts once, as
    // `supports` when any of its mappings does.
    let mut mapped: Vec<TomCriterion> = Vec::new();
    for m in inputs.mapping.criteria_for(id) {
        let criterion = m.criterion_id();
        if let Some(known) = mapped.iter_mut().find(|c| c.criterion == criterion) {
            known.relation = known.relation.min(m.relation);
            continue;
        }
        let (title, status) = statuses
            .get(criterion)
            .copied()
            .unwrap_or(("", Status::NotAssessed));
        mapped.push(TomCriterion {
            criterion: criterion.to_owned(),
            title: title.to_owned(),
            status,
            relation: m.relation,
        });
    }
    for c in mapped {
        match c.status {
            Status::Met => heading.in_place.push(c),
            Status::PartlyMet => heading.partly_in_place.push(c),
            Status::NotMet => heading.gaps.push(c),
            Status::NotAssessed => heading.not_assessed.push(c),
            Status::NotApplicable => heading.not_applicable.push(c),
        }
    }
    heading
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use testat_catalog::{framework, mappings};

    use super::*;
    use crate::service::{Location, Subservice};

    fn pack(
        statuses: Vec<(&'static str, &'static str, Status)>,
        service: &ServiceDescription,
    ) -> GdprPack {
        gdpr_pack(GdprInputs {
            framework: framework("gdpr").unwrap(),
            mapping: mappings("gdpr", C5Version::V2020).unwrap(),
            statuses,
            service,
            as_of: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            transparency: TransparencyFigures {
                period: "2026".into(),
                report: None,
            },
        })
    }

    #[test]
    fn each_point_of_article_32_1_sorts_its_criteria_by_status() {
        let p = pack(
            vec![
                ("CRY-01", "", Status::Met),
                ("CRY-02", "", Status::PartlyMet),
                ("CRY-03", "", Status::NotMet),
                ("CRY-04", "", Status::NotApplicable),
            ],
            &ServiceDescription::default(),
        );
        let ids: Vec<&str> = p.measures.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["art32.1.a", "art32.1.b", "art32.1.c", "art32.1.d"]);
        let a = &p.measures[0];
        assert_eq!(a.label, "Art. 32(1)(a)");
        let names = |l: &[TomCriterion]| l.iter().map(|c| c.criterion.clone()).collect::<Vec<_>>();
        assert_eq!(names(&a.in_place), ["CRY-01"]);
        assert_eq!(names(&a.partly_in_place), ["CRY-02"]);
        assert_eq!(names(&a.gaps), ["CRY-03"]);
        assert_eq!(names(&a.not_applicable), ["CRY-04"]);
        assert_eq!(names(&a.not_assessed), ["OPS-09", "OPS-11"]);
        for m in &p.measures {
            assert!(m.mapped() > 0, "{} has criteria", m.id);
        }
    }

    #[test]
    fn transfers_are_judged_by_country_and_declared_mechanism() {
        let service = ServiceDescription {
            locations: vec![
                Location {
                    name: "Frankfurt".into(),
                    country: "DE".into(),
                    transfer_mechanism: Some(TransferMechanism::Scc),
                    ..Location::default()
                },
                Location {
                    name: "Oslo".into(),
                    country: "NO".into(),
                    ..Location::default()
                },
                Location {
                    name: "Virginia".into(),
                    country: "US".into(),
                    operated_by: Some("Hoster".into()),
                    transfer_mechanism: Some(TransferMechanism::Scc),
                    transfer_note: Some(" module 3 ".into()),
                    ..Location::default()
                },
                Location {
                    name: "Zurich".into(),
                    country: "CH".into(),
                    ..Location::default()
                },
            ],
            subservices: vec![
                Subservice {
                    name: "Hoster".into(),
                    ..Subservice::default()
                },
                Subservice {
                    name: "Mailer".into(),
                    ..Subservice::default()
                },
                Subservice {
                    name: "Support".into(),
                    countries: vec!["IE".into()],
                    ..Subservice::default()
                },
            ],
            ..ServiceDescription::default()
        };
        let p = pack(Vec::new(), &service);
        let states: Vec<(TransferState, Option<TransferMechanism>)> = p
            .locations
            .iter()
            .map(|l| (l.transfer, l.mechanism))
            .collect();
        assert_eq!(
            states,
            [
                (TransferState::NoTransfer, None),
                (TransferState::NoTransfer, None),
                (TransferState::Transfer, Some(TransferMechanism::Scc)),
                (TransferState::MechanismNotDeclared, None),
            ]
        );
        assert_eq!(p.locations[2].mechanism_note.as_deref(), Some("module 3"));
        let subs: Vec<TransferState> = p.subservices.iter().map(|s| s.transfer).collect();
        assert_eq!(
            subs,
            [
                TransferState::MechanismNotDeclared,
                TransferState::CountryNotDeclared,
                TransferState::NoTransfer
            ]
        );
        assert_eq!(p.subservices[0].outside_eu_eea, ["US"]);
        assert_eq!(p.breach_notification.hours, None);
    }
}
