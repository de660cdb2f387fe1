//! Export of a catalogue as an OSCAL 1.1 catalog (JSON).
//!
//! Domains become groups, criteria become controls, our summary becomes the
//! statement part and the customer part a guidance part. Testat's own flags travel as
//! props in Testat's namespace, so that OSCAL tools keep them without mistaking them
//! for core OSCAL properties.
//!
//! C5:2026 sub-criteria become child controls of their criterion, the way OSCAL
//! nests control enhancements: each keeps a stable control ID of its own
//! (`cry-03.01b`), so that assessment results, POA&Ms and profiles can name it like
//! any control, and tools that read the catalog (compliance-trestle among them) see it
//! as a control. Parts could not be selected or assessed on their own. The level is a
//! `level` prop, the German title a `title-de` prop, both in Testat's namespace.

use serde::Serialize;
use uuid::Uuid;

use crate::model::{Catalog, Criterion, Domain, SubCriterion};

/// The OSCAL version the export follows.
pub const OSCAL_VERSION: &str = "1.1.2";

/// Namespace of the props Testat adds to OSCAL documents.
///
/// An `https` URI: OSCAL defines `ns` as a URI, and compliance-trestle 3.x only
/// accepts URLs there (it refused the earlier `urn:testat:oscal`). Nothing is served
/// at this address; it only names the namespace.
pub const TESTAT_NS: &str = "https://testat.dev/ns/oscal";

/// The text under which Testat derives the v5 UUIDs of its OSCAL documents.
///
/// It is the namespace Testat used before [`TESTAT_NS`] became a URL, kept so that the
/// same catalogue or assessment keeps the UUIDs it had.
pub const OSCAL_UUID_SEED: &str = "urn:testat:oscal";

#[derive(Serialize)]
struct Document<'a> {
    catalog: OscalCatalog<'a>,
}

#[derive(Serialize)]
struct OscalCatalog<'a> {
    uuid: Uuid,
    metadata: Metadata<'a>,
    groups: Vec<Group<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Metadata<'a> {
    title: String,
    last_modified: &'a str,
    version: &'a str,
    oscal_version: &'static str,
    remarks: String,
}

#[derive(Serialize)]
struct Group<'a> {
    id: String,
    class: &'static str,
    title: &'a str,
    props: Vec<Prop>,
    controls: Vec<Control<'a>>,
}

#[derive(Serialize)]
struct Control<'a> {
    id: String,
    class: &'static str,
    title: &'a str,
    props: Vec<Prop>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    parts: Vec<Part<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    controls: Vec<Control<'a>>,
}

#[derive(Serialize)]
struct Prop {
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    ns: Option<&'static str>,
    value: String,
}

#[derive(Serialize)]
struct Part<'a> {
    id: String,
    name: &'static str,
    prose: &'a str,
}

/// The metadata remarks: what is the BSI's and what is Testat's.
fn remarks(catalog: &Catalog) -> String {
    let mut remarks = format!(
        "Exported by Testat. IDs, domain codes and titles are those of the BSI {} catalogue. \
The statement of each control is Testat's own summary, not the BSI's requirement text; \
the guidance part is Testat's summary of what the cloud customer must do on their side.",
        catalog.name
    );
    if catalog.has_subcriteria() {
        remarks.push_str(
            " Sub-criteria are child controls; their titles are Testat's own short labels \
(the catalogue gives sub-criteria no titles), and their level is the `level` prop.",
        );
    }
    remarks
}

impl Catalog {
    /// Renders the catalogue as an OSCAL 1.1 catalog in JSON: C5:2020 or C5:2026,
    /// sub-criteria (where the catalogue has them) as child controls.
    ///
    /// `last_modified` is an RFC 3339 timestamp for the metadata. The document UUID is
    /// derived from the catalogue's name and version, so exports of the same catalogue
    /// keep their identity.
    pub fn to_oscal_json(&self, last_modified: &str) -> Result<String, serde_json::Error> {
        let document = Document {
            catalog: OscalCatalog {
                uuid: Uuid::new_v5(
                    &Uuid::NAMESPACE_URL,
                    format!("{OSCAL_UUID_SEED}:catalog:{}:{}", self.name, self.version).as_bytes(),
                ),
                metadata: Metadata {
                    title: format!("{} (summaries by Testat)", self.name),
                    last_modified,
                    version: &self.version,
                    oscal_version: OSCAL_VERSION,
                    remarks: remarks(self),
                },
                groups: self.domains.iter().map(|d| self.group(d)).collect(),
            },
        };
        serde_json::to_string_pretty(&document)
    }

    fn group<'a>(&'a self, domain: &'a Domain) -> Group<'a> {
        Group {
            id: domain.code.to_ascii_lowercase(),
            class: "domain",
            title: &domain.name,
            props: vec![Prop {
                name: "label",
                ns: None,
                value: domain.code.clone(),
            }],
            controls: self.criteria_in(&domain.code).map(control).collect(),
        }
    }
}

/// The OSCAL control ID of a criterion or sub-criterion: its ID in lower case
/// (`CRY-03` → `cry-03`, `CRY-03.01B` → `cry-03.01b`).
///
/// Every OSCAL document Testat writes (the catalog export, assessment results, POA&M)
/// names controls this way, so that their `control-id`s and `target-id`s resolve in
/// the exported catalog.
pub fn control_id(criterion_id: &str) -> String {
    criterion_id.to_ascii_lowercase()
}

fn control(criterion: &Criterion) -> Control<'_> {
    let id = control_id(&criterion.id);
    let mut props = vec![Prop {
        name: "label",
        ns: None,
        value: criterion.id.clone(),
    }];
    if let Some(title_de) = &criterion.title_de {
        props.push(Prop {
            name: "title-de",
            ns: Some(TESTAT_NS),
            value: title_de.trim().to_owned(),
        });
    }
    props.extend([
        Prop {
            name: "additional-criterion",
            ns: Some(TESTAT_NS),
            value: criterion.additional_criterion.as_str().to_owned(),
        },
        Prop {
            name: "automation",
            ns: Some(TESTAT_NS),
            value: criterion.automation.as_str().to_owned(),
        },
    ]);
    props.extend(criterion.tags.iter().map(|tag| Prop {
        name: "tag",
        ns: Some(TESTAT_NS),
        value: tag.clone(),
    }));
    let mut parts = vec![Part {
        id: format!("{id}_smt"),
        name: "statement",
        prose: criterion.summary.trim(),
    }];
    if !criterion.customer_part.trim().is_empty() {
        parts.push(Part {
            id: format!("{id}_gdn"),
            name: "guidance",
            prose: criterion.customer_part.trim(),
        });
    }
    Control {
        id,
        class: "criterion",
        title: &criterion.title,
        props,
        parts,
        controls: criterion.subcriteria.iter().map(subcontrol).collect(),
    }
}

/// A sub-criterion as a child control: its label as title, its level as a prop.
fn subcontrol(sub: &SubCriterion) -> Control<'_> {
    Control {
        id: control_id(&sub.id),
        class: "sub-criterion",
        title: sub.label.trim(),
        props: vec![
            Prop {
                name: "label",
                ns: None,
                value: sub.id.clone(),
            },
            Prop {
                name: "level",
                ns: Some(TESTAT_NS),
                value: sub.level.as_str().to_owned(),
            },
        ],
        parts: Vec::new(),
        controls: Vec::new(),
    }
}
