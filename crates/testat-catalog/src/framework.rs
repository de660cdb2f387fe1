//! Other frameworks beside C5 (ISO/IEC 27001:2022 Annex A, the GDPR, the BDSG) and
//! how far meeting C5 criteria is evidence for their controls, articles and sections.
//!
//! IDs and titles are facts; summaries, mappings and reasons are Testat's own
//! judgement. A mapping says that a C5 criterion *supports* (or *partly supports*) a
//! control: it never says that a framework is met.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::load::yaml_error_parts;
use crate::lookup::normalise_id;
use crate::model::Catalog;
use crate::{C5Version, CatalogError, builtin_version};

/// A framework: its identity, its groups (themes, chapters, parts) and its controls
/// (controls, articles, sections, with their paragraphs and points where mappings
/// need them).
#[derive(Debug, Clone, Serialize)]
pub struct Framework {
    /// Testat's ID of the framework: `iso27001-2022`, `gdpr`, `bdsg`.
    pub id: String,
    /// Full name, e.g. `Regulation (EU) 2016/679 (General Data Protection Regulation)`.
    pub name: String,
    /// Version or year of the text.
    pub version: String,
    /// Who publishes it.
    pub publisher: String,
    /// Where the text can be read (a URL).
    pub source: String,
    /// What the data is and is not (not the text, not legal advice), to show with it.
    pub disclaimer: String,
    /// Groups in order: ISO themes, GDPR chapters, BDSG parts.
    pub groups: Vec<FrameworkGroup>,
    /// Controls in order; a paragraph or point follows its article or section.
    pub controls: Vec<FrameworkControl>,
    #[serde(skip)]
    by_id: HashMap<String, usize>,
}

/// A framework as written in its file; [`Framework::from_yaml`] checks it and indexes
/// its controls.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameworkFile {
    id: String,
    name: String,
    version: String,
    publisher: String,
    source: String,
    disclaimer: String,
    groups: Vec<FrameworkGroup>,
    controls: Vec<FrameworkControl>,
}

/// A group of controls: an ISO theme, a GDPR chapter, a BDSG part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkGroup {
    /// Group ID, e.g. `5` (ISO), `IV` (GDPR), `3` (BDSG).
    pub id: String,
    /// Title as published.
    pub title: String,
}

/// A control, article or section of a framework, or a paragraph or point of one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkControl {
    /// Testat's ID, e.g. `A.8.24`, `art32.1.a`, `s64.3.5`.
    pub id: String,
    /// How people write it, e.g. `A.8.24`, `Art. 32(1)(a)`, `§ 64 Abs. 3 S. 1 Nr. 5 BDSG`.
    pub label: String,
    /// The group's ID.
    pub group: String,
    /// For a paragraph or point, the ID of its article or section; empty otherwise.
    #[serde(default)]
    pub parent: String,
    /// Title: as published for controls, articles and sections; Testat's short heading
    /// for paragraphs and points.
    pub title: String,
    /// What it is about, in Testat's own words.
    pub summary: String,
}

impl FrameworkControl {
    /// The ID of the article or section this paragraph or point belongs to.
    pub fn parent_id(&self) -> Option<&str> {
        (!self.parent.is_empty()).then_some(self.parent.as_str())
    }
}

/// How far meeting a C5 criterion is evidence for a framework control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Support {
    /// Good evidence for the part of the control the criterion concerns.
    Supports,
    /// It helps, but a material part of the control stays open.
    PartlySupports,
}

impl Support {
    /// The word used in the data file and in output: `supports`, `partly-supports`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Supports => "supports",
            Self::PartlySupports => "partly-supports",
        }
    }
}

impl fmt::Display for Support {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One mapping: a C5 criterion (or C5:2026 sub-criterion) and a framework control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The C5 criterion ID, or for C5:2026 a sub-criterion ID where only that
    /// sub-criterion carries the control.
    pub criterion: String,
    /// The framework control's ID.
    pub control: String,
    /// Supports or partly supports.
    pub relation: Support,
    /// Why, in one line of Testat's own words.
    pub reason: String,
    /// Where a public, citable source places it differently; empty otherwise.
    #[serde(default)]
    pub note: String,
}

impl Mapping {
    /// The C5 criterion of the mapping: the criterion itself, or the criterion a
    /// mapped sub-criterion belongs to (`SSO-03.02B` → `SSO-03`).
    pub fn criterion_id(&self) -> &str {
        self.criterion
            .split_once('.')
            .map_or(self.criterion.as_str(), |(c, _)| c)
    }

    /// The mapped sub-criterion's ID, when a sub-criterion is mapped.
    pub fn subcriterion_id(&self) -> Option<&str> {
        self.criterion
            .contains('.')
            .then_some(self.criterion.as_str())
    }
}

/// A framework control that no C5 criterion supports, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnmappedControl {
    /// The framework control's ID.
    pub control: String,
    /// Why no C5 criterion fits, in Testat's own words.
    pub reason: String,
}

/// The mappings of one C5 version to one framework.
///
/// Every control of the framework has at least one mapping or is listed in
/// [`unmapped`](Self::unmapped) with a reason.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkMapping {
    /// The framework's ID.
    pub framework: String,
    /// The C5 version mapped.
    pub c5: C5Version,
    /// The mappings, in the data's order (grouped by control).
    pub mappings: Vec<Mapping>,
    /// Controls without a mapping, each with a reason.
    #[serde(default)]
    pub unmapped: Vec<UnmappedControl>,
}

const ISO27001_2022: &str = include_str!("../data/frameworks/iso27001-2022.yaml");
const GDPR: &str = include_str!("../data/frameworks/gdpr.yaml");
const BDSG: &str = include_str!("../data/frameworks/bdsg.yaml");

/// The built-in frameworks, in the order Testat lists them, with their data files.
const FRAMEWORKS: [(&str, &str); 3] = [
    ("iso27001-2022", ISO27001_2022),
    ("gdpr", GDPR),
    ("bdsg", BDSG),
];

/// The built-in mapping files: framework ID, C5 version, data.
const MAPPINGS: [(&str, C5Version, &str); 6] = [
    (
        "iso27001-2022",
        C5Version::V2020,
        include_str!("../data/frameworks/c5-2020-to-iso27001-2022.yaml"),
    ),
    (
        "iso27001-2022",
        C5Version::V2026,
        include_str!("../data/frameworks/c5-2026-to-iso27001-2022.yaml"),
    ),
    (
        "gdpr",
        C5Version::V2020,
        include_str!("../data/frameworks/c5-2020-to-gdpr.yaml"),
    ),
    (
        "gdpr",
        C5Version::V2026,
        include_str!("../data/frameworks/c5-2026-to-gdpr.yaml"),
    ),
    (
        "bdsg",
        C5Version::V2020,
        include_str!("../data/frameworks/c5-2020-to-bdsg.yaml"),
    ),
    (
        "bdsg",
        C5Version::V2026,
        include_str!("../data/frameworks/c5-2026-to-bdsg.yaml"),
    ),
];

/// The built-in frameworks: ISO/IEC 27001:2022 Annex A, the GDPR and the BDSG, in
/// that order.
pub fn frameworks() -> &'static [Framework] {
    static BUILTIN: OnceLock<Vec<Framework>> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        FRAMEWORKS
            .iter()
            .map(|(id, source)| {
                #[expect(
                    clippy::expect_used,
                    reason = "the embedded frameworks are fixed at build time and validated by tests"
                )]
                Framework::from_yaml(source, &format!("built-in framework {id}"))
                    .expect("built-in framework is valid")
            })
            .collect()
    })
}

/// The built-in framework with this ID (case-insensitive): `iso27001-2022`, `gdpr`,
/// `bdsg`.
pub fn framework(id: &str) -> Option<&'static Framework> {
    let id = id.trim();
    frameworks().iter().find(|f| f.id.eq_ignore_ascii_case(id))
}

/// The built-in mappings of one C5 version to one framework (ID case-insensitive).
///
/// ```
/// use testat_catalog::{C5Version, mappings};
/// let gdpr = mappings("gdpr", C5Version::V2020).unwrap();
/// assert!(!gdpr.criteria_for("art32.1.a").is_empty());
/// ```
pub fn mappings(framework_id: &str, version: C5Version) -> Option<&'static FrameworkMapping> {
    static BUILTIN: OnceLock<Vec<FrameworkMapping>> = OnceLock::new();
    let all = BUILTIN.get_or_init(|| {
        MAPPINGS
            .iter()
            .map(|(id, version, source)| {
                #[expect(
                    clippy::expect_used,
                    reason = "the embedded frameworks and mappings are fixed at build time and validated by tests"
                )]
                let framework = framework(id).expect("built-in framework exists");
                #[expect(
                    clippy::expect_used,
                    reason = "the embedded mappings are fixed at build time and validated by tests"
                )]
                FrameworkMapping::from_yaml(
                    source,
                    &format!("built-in mapping C5:{version} to {id}"),
                    framework,
                    builtin_version(*version),
                )
                .expect("built-in mapping is valid")
            })
            .collect()
    });
    let framework_id = framework_id.trim();
    all.iter()
        .find(|m| m.framework.eq_ignore_ascii_case(framework_id) && m.c5 == version)
}

/// Every built-in framework mapping of a C5 criterion or sub-criterion, framework by
/// framework, as [`FrameworkMapping::controls_for`] gives them.
pub fn framework_mappings_for(
    version: C5Version,
    id: &str,
) -> Vec<(&'static Framework, &'static Mapping)> {
    frameworks()
        .iter()
        .filter_map(|f| Some((f, mappings(&f.id, version)?)))
        .flat_map(|(f, m)| {
            m.controls_for(id)
                .into_iter()
                .map(move |mapping| (f, mapping))
        })
        .collect()
}

impl Framework {
    /// Parses and checks a framework in Testat's YAML format.
    ///
    /// The rules: the descriptive fields are filled; group and control IDs are unique;
    /// every control names a declared group, has a label, a title and a summary; a
    /// paragraph or point names an article or section of the same group that comes
    /// before it.
    pub fn from_yaml(source: &str, origin: &str) -> Result<Self, CatalogError> {
        let file: FrameworkFile = parse(source, origin)?;
        let mut framework = Framework {
            id: file.id,
            name: file.name,
            version: file.version,
            publisher: file.publisher,
            source: file.source,
            disclaimer: file.disclaimer,
            groups: file.groups,
            controls: file.controls,
            by_id: HashMap::new(),
        };
        let invalid = |place: String, message: &str| CatalogError::InvalidData {
            origin: origin.to_owned(),
            place,
            message: message.to_owned(),
        };
        for (field, value) in [
            ("id", &framework.id),
            ("name", &framework.name),
            ("version", &framework.version),
            ("publisher", &framework.publisher),
            ("source", &framework.source),
            ("disclaimer", &framework.disclaimer),
        ] {
            if value.trim().is_empty() {
                return Err(invalid(format!("field {field}"), "is empty"));
            }
        }
        let mut groups = HashSet::new();
        for group in &framework.groups {
            if group.id.trim().is_empty() || group.title.trim().is_empty() {
                return Err(invalid(
                    format!("group {}", group.id),
                    "a group has an ID and a title",
                ));
            }
            if !groups.insert(group.id.as_str()) {
                return Err(invalid(format!("group {}", group.id), "is declared twice"));
            }
        }
        let mut by_id: HashMap<String, usize> = HashMap::new();
        for (i, control) in framework.controls.iter().enumerate() {
            let place = format!("control {}", control.id);
            if control.id.trim().is_empty() || control.id.contains(char::is_whitespace) {
                return Err(invalid(place, "an ID is one word"));
            }
            if by_id.insert(control.id.clone(), i).is_some() {
                return Err(invalid(place, "ID appears twice"));
            }
            if !groups.contains(control.group.as_str()) {
                return Err(invalid(place, "names a group that is not declared"));
            }
            for (field, value) in [
                ("label", &control.label),
                ("title", &control.title),
                ("summary", &control.summary),
            ] {
                if value.trim().is_empty() {
                    return Err(invalid(place, &format!("{field} is empty")));
                }
            }
            if let Some(parent) = control.parent_id() {
                let parent = by_id
                    .get(parent)
                    .and_then(|&p| framework.controls.get(p))
                    .ok_or_else(|| {
                        invalid(
                            place.clone(),
                            "its parent is not a control listed before it",
                        )
                    })?;
                if parent.parent_id().is_some() || parent.group != control.group {
                    return Err(invalid(
                        place,
                        "its parent is an article or section of the same group, not a paragraph",
                    ));
                }
            }
        }
        framework.by_id = by_id;
        Ok(framework)
    }

    /// The control with exactly this ID, if any.
    pub fn control(&self, id: &str) -> Option<&FrameworkControl> {
        self.by_id.get(id).and_then(|&i| self.controls.get(i))
    }

    /// The group with this ID, if any.
    pub fn group(&self, id: &str) -> Option<&FrameworkGroup> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// The controls of one group, in order.
    pub fn controls_in<'a>(&'a self, group: &'a str) -> impl Iterator<Item = &'a FrameworkControl> {
        self.controls.iter().filter(move |c| c.group == group)
    }

    /// The paragraphs and points of an article or section, in order.
    pub fn parts_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a FrameworkControl> {
        self.controls.iter().filter(move |c| c.parent == id)
    }
}

impl FrameworkMapping {
    /// Parses and checks the mappings of `catalog` to `framework`.
    ///
    /// The rules: the file names this framework and the catalogue's C5 version; every
    /// control exists in the framework; every criterion exists in the catalogue (a
    /// sub-criterion ID where the catalogue has sub-criteria); every mapping has a
    /// reason; no criterion and control are paired twice; and every control of the
    /// framework is mapped, or listed once under `unmapped` with a reason, not both.
    pub fn from_yaml(
        source: &str,
        origin: &str,
        framework: &Framework,
        catalog: &Catalog,
    ) -> Result<Self, CatalogError> {
        let mapping: FrameworkMapping = parse(source, origin)?;
        let invalid = |place: String, message: String| CatalogError::InvalidData {
            origin: origin.to_owned(),
            place,
            message,
        };
        if mapping.framework != framework.id {
            return Err(invalid(
                "framework".into(),
                format!(
                    "the file maps to `{}`, not to `{}`",
                    mapping.framework, framework.id
                ),
            ));
        }
        if catalog.c5_version() != Some(mapping.c5) {
            return Err(invalid(
                "c5".into(),
                format!("the file maps C5:{}, not {}", mapping.c5, catalog.name),
            ));
        }
        let mut pairs = HashSet::new();
        let mut mapped = HashSet::new();
        for m in &mapping.mappings {
            let place = format!("mapping {} → {}", m.criterion, m.control);
            if framework.control(&m.control).is_none() {
                return Err(invalid(
                    place,
                    format!("{} is not a control of {}", m.control, framework.id),
                ));
            }
            if !catalog.contains(&m.criterion) {
                let what = if catalog.has_subcriteria() {
                    "criterion or sub-criterion"
                } else {
                    "criterion"
                };
                return Err(invalid(
                    place,
                    format!("{} is not a {} {what}", m.criterion, catalog.name),
                ));
            }
            if m.reason.trim().is_empty() {
                return Err(invalid(place, "the reason is empty".into()));
            }
            if !pairs.insert((m.criterion.as_str(), m.control.as_str())) {
                return Err(invalid(place, "appears twice".into()));
            }
            mapped.insert(m.control.as_str());
        }
        let mut unmapped = HashSet::new();
        for u in &mapping.unmapped {
            let place = format!("unmapped {}", u.control);
            if framework.control(&u.control).is_none() {
                return Err(invalid(
                    place,
                    format!("{} is not a control of {}", u.control, framework.id),
                ));
            }
            if mapped.contains(u.control.as_str()) {
                return Err(invalid(
                    place,
                    "is listed as unmapped but has mappings".into(),
                ));
            }
            if !unmapped.insert(u.control.as_str()) {
                return Err(invalid(place, "appears twice".into()));
            }
            if u.reason.trim().is_empty() {
                return Err(invalid(place, "the reason is empty".into()));
            }
        }
        if let Some(open) = framework
            .controls
            .iter()
            .find(|c| !mapped.contains(c.id.as_str()) && !unmapped.contains(c.id.as_str()))
        {
            return Err(invalid(
                format!("control {}", open.id),
                "has no mapping; map it or list it under `unmapped` with a reason".into(),
            ));
        }
        Ok(mapping)
    }

    /// The mappings of a C5 criterion or sub-criterion (case-insensitive), in data
    /// order.
    ///
    /// For a criterion ID the mappings of its sub-criteria count too (a criterion's
    /// view shows everything beneath it); for a sub-criterion ID only its own.
    pub fn controls_for(&self, id: &str) -> Vec<&Mapping> {
        let id = normalise_id(id);
        let is_sub = id.contains('.');
        self.mappings
            .iter()
            .filter(|m| {
                if is_sub {
                    m.criterion == id
                } else {
                    m.criterion_id() == id
                }
            })
            .collect()
    }

    /// The mappings to one framework control (exact ID), in data order.
    pub fn criteria_for(&self, control: &str) -> Vec<&Mapping> {
        let control = control.trim();
        self.mappings
            .iter()
            .filter(|m| m.control == control)
            .collect()
    }

    /// Why no C5 criterion supports this control, when the data says none does.
    pub fn unmapped_reason(&self, control: &str) -> Option<&str> {
        self.unmapped
            .iter()
            .find(|u| u.control == control)
            .map(|u| u.reason.as_str())
    }
}

fn parse<T: serde::de::DeserializeOwned>(source: &str, origin: &str) -> Result<T, CatalogError> {
    serde_norway::from_str(source).map_err(|e| {
        let (line, column, message) = yaml_error_parts(&e);
        CatalogError::Yaml {
            origin: origin.to_owned(),
            line,
            column,
            message,
        }
    })
}
