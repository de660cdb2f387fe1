//! Reading and checking a catalogue in Testat's YAML format, and the built-in one.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::CatalogError;
use crate::model::{Catalog, Criterion, Domain, TAGS};

/// The C5:2020 catalogue data, embedded at build time.
const C5_2020_YAML: &str = include_str!("../data/c5-2020.yaml");

/// The name under which the embedded catalogue appears in error messages.
const BUILTIN_ORIGIN: &str = "built-in C5:2020 catalogue";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    name: String,
    version: String,
    publisher: String,
    domains: Vec<Domain>,
    criteria: Vec<Criterion>,
}

/// The built-in C5:2020 catalogue.
///
/// The data is embedded in the binary and checked by the crate's tests, so it always
/// parses in a released build.
pub fn builtin() -> &'static Catalog {
    static BUILTIN: OnceLock<Catalog> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        #[expect(
            clippy::expect_used,
            reason = "the embedded catalogue is fixed at build time and validated by tests"
        )]
        Catalog::from_yaml(C5_2020_YAML, BUILTIN_ORIGIN).expect("built-in catalogue is valid")
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
        let catalog = Catalog {
            name: file.name,
            version: file.version,
            publisher: file.publisher,
            by_id: file
                .criteria
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.clone(), i))
                .collect(),
            domains: file.domains,
            criteria: file.criteria,
        };
        catalog.check(origin)?;
        Ok(catalog)
    }

    /// Checks the rules every catalogue must keep: well-formed unique IDs in a declared
    /// domain, a non-empty summary, and only known tags.
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
        }
        Ok(())
    }
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
