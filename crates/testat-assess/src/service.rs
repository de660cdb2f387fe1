//! The service description: what the attested service is, where it runs, which
//! subservice organisations it relies on, which criteria are out of scope and why,
//! and (C5:2026) which levels of sub-criteria the engagement covers.
//!
//! It is written in `testat.toml` (`[service]`, `[[location]]`, `[[subservice]]`,
//! `[[out_of_scope]]`, `[scope] levels`, `[gdpr]`) and appears in every report.
//! [`ServiceDescription::validate`] checks it against the catalogue and resolves the
//! scoping to one reason per criterion; [`ServiceDescription::level_scope`] resolves
//! the levels.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use testat_catalog::{Catalog, Level};

use crate::levels::LevelScope;

/// `[service]`: the service under assessment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// The service's name, as on the attestation.
    pub name: String,
    /// The organisation that provides it.
    pub provider: String,
    /// What the service does, in a few sentences.
    #[serde(default)]
    pub description: String,
    /// Service models: `IaaS`, `PaaS`, `SaaS`.
    #[serde(default)]
    pub models: Vec<String>,
    /// Deployment model: `public`, `private`, `community` or `hybrid`.
    #[serde(default)]
    pub deployment: Option<String>,
    /// The country whose law governs the contract (ISO 3166-1 alpha-2).
    #[serde(default)]
    pub jurisdiction: Option<String>,
    /// Certifications and attestations the service holds (e.g. `ISO/IEC 27001:2022`).
    #[serde(default)]
    pub certifications: Vec<String>,
    /// The availability commitment (e.g. `99.95 % per calendar month`).
    #[serde(default)]
    pub availability: Option<String>,
    /// How incidents are handled and reported to customers.
    #[serde(default)]
    pub incident_handling: Option<String>,
    /// Where customers reach the provider about security and compliance.
    #[serde(default)]
    pub contact: Option<String>,
}

/// `[[location]]`: a place where customer data is processed or stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// A name for the site or region (e.g. `Frankfurt (eu-central-1)`).
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// What happens there: `processing`, `storage`, `backup`, `support`, `administration`.
    #[serde(default)]
    pub purposes: Vec<String>,
    /// The subservice organisation that runs it, if not the provider.
    #[serde(default)]
    pub operated_by: Option<String>,
    /// The cloud regions there, as the providers name them (`eu-central-1`,
    /// `germanywestcentral`, `europe-west3`): where the data location rules accept
    /// resources unless `testat.toml` sets their `allowed_regions`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// How a transfer of personal data to this location is safeguarded, when the
    /// country is outside the EU/EEA (GDPR Chapter V).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_mechanism: Option<TransferMechanism>,
    /// What the mechanism is in detail (required for `other`), e.g. the module of
    /// the standard contractual clauses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_note: Option<String>,
}

/// How a transfer of personal data outside the EU/EEA is safeguarded, as the provider
/// declares it (`transfer_mechanism` on `[[location]]` and `[[subservice]]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransferMechanism {
    /// The Commission decided that the country's protection is adequate (Art. 45).
    #[serde(rename = "adequacy-decision")]
    AdequacyDecision,
    /// Standard contractual clauses (Art. 46(2)(c)).
    #[serde(rename = "SCC", alias = "scc")]
    Scc,
    /// Binding corporate rules (Art. 47).
    #[serde(rename = "BCR", alias = "bcr")]
    Bcr,
    /// A derogation for a specific situation (Art. 49).
    #[serde(rename = "derogation-art49")]
    DerogationArt49,
    /// Another mechanism, described in `transfer_note`.
    #[serde(rename = "other")]
    Other,
}

impl TransferMechanism {
    /// The value written in `testat.toml` and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AdequacyDecision => "adequacy-decision",
            Self::Scc => "SCC",
            Self::Bcr => "BCR",
            Self::DerogationArt49 => "derogation-art49",
            Self::Other => "other",
        }
    }

    /// How reports name it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::AdequacyDecision => "adequacy decision (Art. 45)",
            Self::Scc => "standard contractual clauses (Art. 46(2)(c))",
            Self::Bcr => "binding corporate rules (Art. 47)",
            Self::DerogationArt49 => "derogation for a specific situation (Art. 49)",
            Self::Other => "other",
        }
    }
}

/// `[gdpr]`: commitments the provider makes as a processor under the GDPR, shown in
/// the GDPR annex of the customer handout.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GdprCommitments {
    /// Within how many hours of becoming aware of a personal data breach the provider
    /// tells the customer (the controller).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breach_notification_hours: Option<u32>,
}

impl GdprCommitments {
    /// Whether nothing is declared (then the table is left out of the JSON).
    pub fn is_unset(&self) -> bool {
        self.breach_notification_hours.is_none()
    }
}

/// `[[subservice]]`: an organisation the service relies on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subservice {
    /// Its name.
    pub name: String,
    /// What it provides (e.g. `IaaS hosting`).
    pub provides: String,
    /// `carve-out` (its controls are not part of the assessment) or `inclusive`.
    pub method: String,
    /// The criteria its controls serve.
    #[serde(default)]
    pub criteria: Vec<String>,
    /// Its own attestation or certificate (e.g. `C5:2020 Type 2, 2025-01-01 to 2025-12-31`).
    #[serde(default)]
    pub attestation: Option<String>,
    /// Countries (ISO 3166-1 alpha-2) from which it processes or accesses customer
    /// data, beyond the `[[location]]` entries it operates (e.g. remote support).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    /// How its transfers outside the EU/EEA are safeguarded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_mechanism: Option<TransferMechanism>,
    /// What the mechanism is in detail (required for `other`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_note: Option<String>,
}

/// `[[out_of_scope]]`: criteria (IDs or whole domains) not assessed, with the reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutOfScope {
    /// Criterion IDs (`PS-01`) or domain codes (`PS`).
    pub criteria: Vec<String>,
    /// Why they are out of scope.
    pub reason: String,
    /// The carved-out subservice organisation that covers them, if any.
    #[serde(default)]
    pub subservice: Option<String>,
}

/// The whole description, as read from `testat.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ServiceDescription {
    /// `[service]`; `None` when the file has none.
    pub service: Option<Service>,
    /// `[[location]]`.
    pub locations: Vec<Location>,
    /// `[[subservice]]`.
    pub subservices: Vec<Subservice>,
    /// `[[out_of_scope]]`.
    pub out_of_scope: Vec<OutOfScope>,
    /// `[scope] levels`, as written: the levels of sub-criteria covered (C5:2026);
    /// `None` when the file does not say (every level).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<String>>,
    /// `[gdpr]`.
    #[serde(skip_serializing_if = "GdprCommitments::is_unset")]
    pub gdpr: GdprCommitments,
}

/// One criterion scoped out, resolved from [`OutOfScope`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopedOut {
    /// Criterion ID.
    pub criterion: String,
    /// Why.
    pub reason: String,
    /// The subservice organisation that covers it, if any.
    pub subservice: Option<String>,
}

/// The service models accepted in `[service] models`.
pub const SERVICE_MODELS: &[&str] = &["IaaS", "PaaS", "SaaS"];
/// The deployment models accepted in `[service] deployment`.
pub const DEPLOYMENT_MODELS: &[&str] = &["public", "private", "community", "hybrid"];
/// The purposes accepted in `[[location]] purposes`.
pub const LOCATION_PURPOSES: &[&str] = &[
    "processing",
    "storage",
    "backup",
    "support",
    "administration",
];
/// The methods accepted in `[[subservice]] method`.
pub const SUBSERVICE_METHODS: &[&str] = &["carve-out", "inclusive"];

/// A mistake in the service description; `place` names the table and entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {message}")]
pub struct ServiceError {
    /// E.g. `[[location]] 2 (Frankfurt)`.
    pub place: String,
    /// What is wrong.
    pub message: String,
}

fn one_of(place: &str, field: &str, value: &str, allowed: &[&str]) -> Result<(), ServiceError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(ServiceError {
            place: place.to_owned(),
            message: format!("{field} `{value}` is not one of {}", allowed.join(", ")),
        })
    }
}

fn country(place: &str, field: &str, code: &str) -> Result<(), ServiceError> {
    if testat_inquiry::ISO_3166_1_ALPHA_2.contains(&code) {
        Ok(())
    } else {
        Err(ServiceError {
            place: place.to_owned(),
            message: format!(
                "{field} `{code}` is not an ISO 3166-1 alpha-2 country code (e.g. DE, FR)"
            ),
        })
    }
}

fn required(place: &str, field: &str, value: &str) -> Result<(), ServiceError> {
    if value.trim().is_empty() {
        Err(ServiceError {
            place: place.to_owned(),
            message: format!("{field} must not be empty"),
        })
    } else {
        Ok(())
    }
}

/// What reports show for the service's name when `testat.toml` has no `[service]`.
pub const UNNAMED_SERVICE: &str = "(no [service] in testat.toml)";

impl ServiceDescription {
    /// The service's name, or [`UNNAMED_SERVICE`].
    pub fn name(&self) -> &str {
        self.name_or(UNNAMED_SERVICE)
    }

    /// The service's name, or `missing` (e.g. "the service" inside a sentence).
    pub fn name_or<'a>(&'a self, missing: &'a str) -> &'a str {
        self.service.as_ref().map_or(missing, |s| s.name.as_str())
    }

    /// The levels of sub-criteria covered, resolved against `catalog`: `None` for a
    /// catalogue without sub-criteria (C5:2020), every level when the description
    /// names none. Basic is always covered.
    ///
    /// An unknown level name is an error, and so is naming levels for a catalogue
    /// without sub-criteria: a report must not claim a level scope it cannot apply.
    pub fn level_scope(&self, catalog: &Catalog) -> Result<Option<LevelScope>, ServiceError> {
        let place = "[scope]";
        let has_levels = catalog.criteria.iter().any(|c| !c.subcriteria.is_empty());
        let Some(names) = &self.levels else {
            return Ok(has_levels.then(|| LevelScope::all(catalog)));
        };
        if !has_levels {
            return Err(ServiceError {
                place: place.to_owned(),
                message: format!(
                    "levels: {} has no sub-criteria, so it cannot be scoped by level; levels apply to C5:2026 engagements",
                    catalog.name
                ),
            });
        }
        let mut levels = Vec::with_capacity(names.len());
        for name in names {
            let wanted = name.trim().to_lowercase();
            let level = Level::ALL
                .into_iter()
                .find(|l| l.as_str() == wanted)
                .ok_or_else(|| ServiceError {
                    place: place.to_owned(),
                    message: format!(
                        "levels: `{name}` is not a level (basic, sharpening, complementing)"
                    ),
                })?;
            levels.push(level);
        }
        Ok(Some(LevelScope::new(catalog, &levels, true)))
    }

    /// Checks every entry against the allowed values and the catalogue, and returns
    /// the criteria scoped out (in catalogue order), one reason each. The levels are
    /// checked too ([`Self::level_scope`]).
    pub fn validate(&self, catalog: &Catalog) -> Result<Vec<ScopedOut>, ServiceError> {
        self.level_scope(catalog)?;
        if let Some(s) = &self.service {
            let place = "[service]";
            required(place, "name", &s.name)?;
            required(place, "provider", &s.provider)?;
            for m in &s.models {
                one_of(place, "model", m, SERVICE_MODELS)?;
            }
            if let Some(d) = &s.deployment {
                one_of(place, "deployment", d, DEPLOYMENT_MODELS)?;
            }
            if let Some(j) = &s.jurisdiction {
                country(place, "jurisdiction", j)?;
            }
        }
        let subservices: BTreeSet<&str> =
            self.subservices.iter().map(|s| s.name.as_str()).collect();
        for (i, l) in self.locations.iter().enumerate() {
            let place = format!("[[location]] {} ({})", i + 1, l.name);
            required(&place, "name", &l.name)?;
            country(&place, "country", &l.country)?;
            for p in &l.purposes {
                one_of(&place, "purpose", p, LOCATION_PURPOSES)?;
            }
            if let Some(by) = &l.operated_by {
                known_subservice(&place, by, &subservices)?;
            }
            transfer(&place, l.transfer_mechanism, l.transfer_note.as_deref())?;
        }
        let mut seen = BTreeSet::new();
        for (i, s) in self.subservices.iter().enumerate() {
            let place = format!("[[subservice]] {} ({})", i + 1, s.name);
            required(&place, "name", &s.name)?;
            required(&place, "provides", &s.provides)?;
            one_of(&place, "method", &s.method, SUBSERVICE_METHODS)?;
            if !seen.insert(s.name.as_str()) {
                return Err(ServiceError {
                    place,
                    message: "another subservice has the same name".into(),
                });
            }
            for code in &s.countries {
                country(&place, "countries", code)?;
            }
            transfer(&place, s.transfer_mechanism, s.transfer_note.as_deref())?;
            for c in &s.criteria {
                catalog.get(c).map_err(|e| ServiceError {
                    place: place.clone(),
                    message: e.to_string(),
                })?;
            }
        }
        if self.gdpr.breach_notification_hours == Some(0) {
            return Err(ServiceError {
                place: "[gdpr]".into(),
                message: "breach_notification_hours must be at least 1".into(),
            });
        }
        let mut scoped: BTreeMap<String, ScopedOut> = BTreeMap::new();
        for (i, o) in self.out_of_scope.iter().enumerate() {
            let place = format!("[[out_of_scope]] {}", i + 1);
            required(&place, "reason", &o.reason)?;
            if o.criteria.is_empty() {
                return Err(ServiceError {
                    place,
                    message: "criteria must name at least one criterion or domain".into(),
                });
            }
            if let Some(by) = &o.subservice {
                known_subservice(&place, by, &subservices)?;
            }
            for entry in &o.criteria {
                for id in expand(catalog, &place, entry)? {
                    if scoped.contains_key(&id) {
                        return Err(ServiceError {
                            place,
                            message: format!("{id} is already scoped out by an earlier entry"),
                        });
                    }
                    scoped.insert(
                        id.clone(),
                        ScopedOut {
                            criterion: id,
                            reason: o.reason.clone(),
                            subservice: o.subservice.clone(),
                        },
                    );
                }
            }
        }
        Ok(catalog
            .criteria
            .iter()
            .filter_map(|c| scoped.remove(&c.id))
            .collect())
    }
}

/// A mechanism of `other` needs a note that says what it is.
fn transfer(
    place: &str,
    mechanism: Option<TransferMechanism>,
    note: Option<&str>,
) -> Result<(), ServiceError> {
    let described = note.is_some_and(|n| !n.trim().is_empty());
    if mechanism == Some(TransferMechanism::Other) && !described {
        return Err(ServiceError {
            place: place.to_owned(),
            message: "transfer_mechanism `other` needs a transfer_note that says what it is".into(),
        });
    }
    Ok(())
}

fn known_subservice(
    place: &str,
    name: &str,
    subservices: &BTreeSet<&str>,
) -> Result<(), ServiceError> {
    if subservices.contains(name) {
        Ok(())
    } else {
        Err(ServiceError {
            place: place.to_owned(),
            message: format!("no [[subservice]] is named `{name}`"),
        })
    }
}

/// A criterion ID or a domain code, as the catalogue's criterion IDs.
fn expand(catalog: &Catalog, place: &str, entry: &str) -> Result<Vec<String>, ServiceError> {
    let code = entry.to_uppercase();
    if catalog.domain(&code).is_some() {
        return Ok(catalog
            .criteria
            .iter()
            .filter(|c| c.domain == code)
            .map(|c| c.id.clone())
            .collect());
    }
    catalog
        .get(entry)
        .map(|c| vec![c.id.clone()])
        .map_err(|e| ServiceError {
            place: place.to_owned(),
            message: e.to_string(),
        })
}
