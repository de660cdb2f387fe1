//! Reading and checking a catalogue in Testat's YAML format, and the built-in ones.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::{
    AdditionalCriterion, Automation, Catalog, Criterion, Domain, Level, SubCriterion, TAGS,
};
use crate::{C5Version, CatalogError};

/// The C5:2020 catalogue data, embedded at build time.
const C5_2020_YAML: &str = include_str!("../data/c5-2020.yaml");

/// The C5:2026 catalogue data, embedded at build time.
const C5_2026_YAML: &str = include_str!("../data/c5-2026.yaml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    name: String,
    version: String,
    publisher: String,
    domains: Vec<Domain>,
    criteria: Vec<CriterionFile>,
}

/// A criterion as written in the file. `additional_criterion` is stated for a
/// catalogue without sub-criteria (C5:2020) and derived from the levels when the
/// criterion lists `subcriteria` (C5:2026, where the list may be empty).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CriterionFile {
    id: String,
    domain: String,
    title: String,
    #[serde(default)]
    title_de: Option<String>,
    #[serde(default)]
    additional_criterion: Option<AdditionalCriterion>,
    automation: Automation,
    tags: Vec<String>,
    summary: String,
    #[serde(default)]
    customer_part: String,
    #[serde(default)]
    subcriteria: Option<Vec<SubCriterion>>,
}

/// The built-in C5:2020 catalogue (the default version; see [`builtin_version`]).
///
/// The data is embedded in the binary and checked by the crate's tests, so it always
/// parses in a released build.
pub fn builtin() -> &'static Catalog {
    builtin_version(C5Version::V2020)
}

/// The built-in catalogue of one C5 version.
///
/// ```
/// use testat_catalog::{C5Version, builtin_version};
/// let c5 = builtin_version(C5Version::V2026);
/// assert_eq!(c5.name, "C5:2026");
/// assert_eq!(c5.find("cry-03.01b").unwrap().id(), "CRY-03.01B");
/// ```
pub fn builtin_version(version: C5Version) -> &'static Catalog {
    static C5_2020: OnceLock<Catalog> = OnceLock::new();
    static C5_2026: OnceLock<Catalog> = OnceLock::new();
    let (cell, source, origin) = match version {
        C5Version::V2020 => (&C5_2020, C5_2020_YAML, "built-in C5:2020 catalogue"),
        C5Version::V2026 => (&C5_2026, C5_2026_YAML, "built-in C5:2026 catalogue"),
    };
    cell.get_or_init(|| {
        #[expect(
            clippy::expect_used,
            reason = "the embedded catalogues are fixed at build time and validated by tests"
        )]
        Catalog::from_yaml(source, origin).expect("built-in catalogue is valid")
    })
}

/// Line, column and message of a YAML error. The parser repeats the place at the end
/// of its message; Testat leads with it, so the repetition is cut off.
pub fn yaml_error_parts(error: &serde_norway::Error) -> (usize, usize, String) {
    let (line, column) = error.location().map_or((0, 0), |l| (l.line(), l.column()));
    let message = error.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
    (line, column, message)
}

impl Catalog {
    /// Parses and checks a catalogue in Testat's YAML format.
    ///
    /// `origin` names the source in error messages (a path, or a description).
    pub fn from_yaml(source: &str, origin: &str) -> Result<Self, CatalogError> {
        let file: CatalogFile = serde_norway::from_str(source).map_err(|e| {
            let (line, column, message) = yaml_error_parts(&e);
            CatalogError::Yaml {
                origin: origin.to_owned(),
                line,
                column,
                message,
            }
        })?;
        let criteria = file
            .criteria
            .into_iter()
            .map(|c| c.into_criterion(origin))
            .collect::<Result<Vec<_>, _>>()?;
        let catalog = Catalog {
            name: file.name,
            version: file.version,
            publisher: file.publisher,
            by_id: criteria
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.clone(), i))
                .collect(),
            sub_by_id: criteria
                .iter()
                .enumerate()
                .flat_map(|(i, c)| {
                    c.subcriteria
                        .iter()
                        .enumerate()
                        .map(move |(j, s)| (s.id.clone(), (i, j)))
                })
                .collect(),
            domains: file.domains,
            criteria,
        };
        catalog.check(origin)?;
        Ok(catalog)
    }

    /// Checks the rules every catalogue must keep: well-formed unique IDs in a declared
    /// domain, a non-empty summary, only known tags, and sub-criteria that belong to
    /// their criterion and whose ID suffix matches their level.
    fn check(&self, origin: &str) -> Result<(), CatalogError> {
        let invalid = |id: &str, message: String| CatalogError::Invalid {
            origin: origin.to_owned(),
            id: id.to_owned(),
            message,
        };
        let mut domain_codes = HashSet::new();
        for domain in &self.domains {
            if !is_domain_code(&domain.code) {
                return Err(invalid(
                    &domain.code,
                    "a domain code is two or three capital letters".into(),
                ));
            }
            if !domain_codes.insert(domain.code.as_str()) {
                return Err(invalid(&domain.code, "domain is declared twice".into()));
            }
        }
        let mut seen: HashMap<&str, ()> = HashMap::new();
        for criterion in &self.criteria {
            let id = criterion.id.as_str();
            if !is_criterion_id(id) {
                return Err(invalid(
                    id,
                    "an ID is a domain code, a hyphen and two digits, like CRY-03".into(),
                ));
            }
            if seen.insert(id, ()).is_some() {
                return Err(invalid(id, "ID appears twice".into()));
            }
            if !domain_codes.contains(criterion.domain.as_str()) {
                return Err(invalid(
                    id,
                    format!(
                        "domain `{}` is not declared under `domains`",
                        criterion.domain
                    ),
                ));
            }
            if id.split('-').next() != Some(criterion.domain.as_str()) {
                return Err(invalid(
                    id,
                    format!("ID does not start with its domain `{}`", criterion.domain),
                ));
            }
            if criterion.title.trim().is_empty() {
                return Err(invalid(id, "title is empty".into()));
            }
            if criterion.summary.trim().is_empty() {
                return Err(invalid(id, "summary is empty".into()));
            }
            if let Some(tag) = criterion.tags.iter().find(|t| !TAGS.contains(&t.as_str())) {
                return Err(invalid(
                    id,
                    format!("unknown tag `{tag}`; known tags: {}", TAGS.join(", ")),
                ));
            }
            if criterion
                .title_de
                .as_deref()
                .is_some_and(|t| t.trim().is_empty())
            {
                return Err(invalid(
                    id,
                    "title_de is empty; leave it out instead".into(),
                ));
            }
            for sub in &criterion.subcriteria {
                check_subcriterion(criterion, sub).map_err(|message| invalid(&sub.id, message))?;
                if seen.insert(sub.id.as_str(), ()).is_some() {
                    return Err(invalid(&sub.id, "ID appears twice".into()));
                }
            }
        }
        Ok(())
    }
}

impl CriterionFile {
    fn into_criterion(self, origin: &str) -> Result<Criterion, CatalogError> {
        let invalid = |message: &str| CatalogError::Invalid {
            origin: origin.to_owned(),
            id: self.id.clone(),
            message: message.to_owned(),
        };
        let additional_criterion = match (&self.subcriteria, self.additional_criterion) {
            (None, Some(stated)) => stated,
            (None, None) => {
                return Err(invalid(
                    "missing field `additional_criterion` (needed when the criterion lists no `subcriteria`)",
                ));
            }
            (Some(subs), stated) => {
                let derived = if subs.iter().any(|s| s.level.is_additional()) {
                    AdditionalCriterion::Yes
                } else {
                    AdditionalCriterion::No
                };
                if stated.is_some_and(|stated| stated != derived) {
                    return Err(invalid(&format!(
                        "additional_criterion is `{}`, but the sub-criteria say `{}`; leave it out, it follows from the levels",
                        stated.map_or("", AdditionalCriterion::as_str),
                        derived.as_str()
                    )));
                }
                derived
            }
        };
        Ok(Criterion {
            id: self.id,
            domain: self.domain,
            title: self.title,
            title_de: self.title_de,
            additional_criterion,
            automation: self.automation,
            tags: self.tags,
            summary: self.summary,
            customer_part: self.customer_part,
            subcriteria: self.subcriteria.unwrap_or_default(),
        })
    }
}

/// The rules for one sub-criterion: its ID's shape, that it belongs to `criterion`,
/// that its suffix matches its level, a label, and for a sharpening sub-criterion a
/// basic one with the same number that it sharpens.
fn check_subcriterion(criterion: &Criterion, sub: &SubCriterion) -> Result<(), String> {
    if !is_subcriterion_id(&sub.id) {
        return Err(
            "a sub-criterion ID is the criterion ID, a dot, two digits and B, AS or AC, like CRY-03.01B"
                .into(),
        );
    }
    if sub.criterion_id() != criterion.id {
        return Err(format!(
            "is listed under {} but belongs to {}",
            criterion.id,
            sub.criterion_id()
        ));
    }
    if Level::of_id(&sub.id) != Some(sub.level) {
        return Err(format!(
            "level is `{}`, but the ID of a {0} sub-criterion ends in `{}`",
            sub.level,
            sub.level.suffix()
        ));
    }
    if sub.label.trim().is_empty() {
        return Err("label is empty".into());
    }
    if sub.level == Level::Sharpening {
        let basic = format!("{}B", &sub.id[..sub.id.len() - 2]);
        if criterion.subcriterion(&basic).is_none() {
            return Err(format!(
                "a sharpening sub-criterion tightens a basic one, but {basic} does not exist"
            ));
        }
    }
    Ok(())
}

/// Whether `code` looks like a domain code: two or three ASCII capitals.
fn is_domain_code(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// Whether `id` matches `^[A-Z]{2,3}-[0-9]{2}$`.
pub(crate) fn is_criterion_id(id: &str) -> bool {
    match id.split_once('-') {
        Some((domain, number)) => {
            is_domain_code(domain)
                && number.len() == 2
                && number.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// Whether `id` matches `^[A-Z]{2,3}-[0-9]{2}\.[0-9]{2}(B|AS|AC)$`.
pub(crate) fn is_subcriterion_id(id: &str) -> bool {
    let Some((criterion, rest)) = id.split_once('.') else {
        return false;
    };
    let Some(digits) = rest.get(..2) else {
        return false;
    };
    is_criterion_id(criterion)
        && digits.bytes().all(|b| b.is_ascii_digit())
        && matches!(&rest[2..], "B" | "AS" | "AC")
}
