//! Frameworks beside C5 (ISO/IEC 27001:2022, GDPR, BDSG) for people:
//! `catalog list --framework`, the mapping section of `catalog show`, and
//! `status --framework`. The data and the roll-up are the libraries'.

use std::fmt::Write as _;

use serde::Serialize;
use testat_assess::{FrameworkRollup, FrameworkSupport};
use testat_catalog::{C5Version, Catalog, Framework, FrameworkMapping, framework_mappings_for};

use crate::cli::ListFormat;
use crate::error::CliError;
use crate::output::{DIM, HEADING, ID, TEXT_WIDTH, styled, wrap};

/// Version of the JSON documents of `catalog list --framework` and
/// `status --framework`.
const JSON_SCHEMA_VERSION: u32 = 1;

/// The C5 version whose mappings apply to `catalog`.
pub fn version_of(catalog: &Catalog) -> Result<C5Version, CliError> {
    catalog.c5_version().ok_or_else(|| {
        CliError::usage(
            format!("{} has no mapping to other frameworks", catalog.name),
            "only the built-in C5 catalogues are mapped",
        )
    })
}

/// `testat catalog list --framework ID`.
pub fn list(
    framework: &Framework,
    mapping: &FrameworkMapping,
    catalog: &Catalog,
    format: ListFormat,
) -> Result<String, CliError> {
    let title_of = |id: &str| {
        catalog
            .get(id.split_once('.').map_or(id, |(c, _)| c))
            .map_or("", |c| c.title.as_str())
    };
    Ok(match format {
        ListFormat::Table => list_table(framework, mapping),
        ListFormat::Json => {
            let doc = FrameworkListJson {
                schema_version: JSON_SCHEMA_VERSION,
                framework: FrameworkJson::new(framework),
                c5: mapping.c5,
                groups: framework
                    .groups
                    .iter()
                    .map(|g| GroupJson {
                        id: &g.id,
                        title: &g.title,
                    })
                    .collect(),
                controls: framework
                    .controls
                    .iter()
                    .map(|c| ControlJson {
                        id: &c.id,
                        label: &c.label,
                        group: &c.group,
                        parent: c.parent_id(),
                        title: &c.title,
                        summary: c.summary.trim(),
                        mappings: mapping
                            .criteria_for(&c.id)
                            .into_iter()
                            .map(|m| MappingJson {
                                criterion: &m.criterion,
                                title: title_of(&m.criterion),
                                relation: m.relation.as_str(),
                                reason: m.reason.trim(),
                                note: m.note.trim(),
                            })
                            .collect(),
                        unmapped_reason: mapping.unmapped_reason(&c.id).map(str::trim),
                    })
                    .collect(),
            };
            format!("{}\n", serde_json::to_string_pretty(&doc)?)
        }
        ListFormat::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record([
                "framework",
                "control",
                "label",
                "title",
                "criterion",
                "relation",
                "reason",
                "note",
            ])?;
            for c in &framework.controls {
                let mapped = mapping.criteria_for(&c.id);
                if mapped.is_empty() {
                    let reason = mapping.unmapped_reason(&c.id).unwrap_or_default();
                    writer.write_record([
                        framework.id.as_str(),
                        &c.id,
                        &c.label,
                        &c.title,
                        "",
                        "",
                        reason.trim(),
                        "",
                    ])?;
                }
                for m in mapped {
                    writer.write_record([
                        framework.id.as_str(),
                        &c.id,
                        &c.label,
                        &c.title,
                        &m.criterion,
                        m.relation.as_str(),
                        m.reason.trim(),
                        m.note.trim(),
                    ])?;
                }
            }
            let bytes = writer
                .into_inner()
                .map_err(|e| CliError::Render(e.to_string()))?;
            String::from_utf8(bytes).map_err(|e| CliError::Render(e.to_string()))?
        }
    })
}

fn list_table(framework: &Framework, mapping: &FrameworkMapping) -> String {
    let mut out = heading(framework, mapping.c5, "mapped from");
    for group in &framework.groups {
        let _ = writeln!(
            out,
            "\n{}",
            styled(HEADING, &format!("{}  {}", group.id, group.title))
        );
        for c in framework.controls_in(&group.id) {
            let _ = writeln!(
                out,
                "  {}  {}",
                styled(ID, &format!("{:<14}", c.label)),
                c.title
            );
            let mapped = mapping.criteria_for(&c.id);
            let line = if mapped.is_empty() {
                format!(
                    "no C5 criterion: {}",
                    mapping.unmapped_reason(&c.id).unwrap_or_default().trim()
                )
            } else {
                let ids: Vec<String> = mapped
                    .iter()
                    .map(|m| format!("{} {}", m.criterion, m.relation.as_str()))
                    .collect();
                format!("C5:{} {}", mapping.c5, ids.join(", "))
            };
            out.push_str(&styled(DIM, &wrap(&line, TEXT_WIDTH, "                  ")));
        }
    }
    let mapped = framework
        .controls
        .iter()
        .filter(|c| !mapping.criteria_for(&c.id).is_empty())
        .count();
    let _ = writeln!(
        out,
        "\n{}",
        styled(
            DIM,
            &format!(
                "{} entries, {mapped} with mapped C5:{} criteria, {} mappings",
                framework.controls.len(),
                mapping.c5,
                mapping.mappings.len()
            )
        )
    );
    out
}

/// The framework's name, what the C5 side is, and its disclaimer.
fn heading(framework: &Framework, c5: C5Version, what: &str) -> String {
    let mut out = format!(
        "{}  ({what} C5:{c5}; Testat's own mapping)\n",
        styled(HEADING, &framework.name)
    );
    out.push_str(&styled(
        DIM,
        &wrap(framework.disclaimer.trim(), TEXT_WIDTH, ""),
    ));
    out
}

/// The frameworks section of `catalog show ID` as text.
pub fn show_text(version: C5Version, id: &str) -> String {
    let mut out = format!(
        "\n{}\n",
        styled(
            HEADING,
            "Other frameworks (Testat's mapping; support is evidence, not compliance)"
        )
    );
    let links = framework_mappings_for(version, id);
    if links.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            styled(DIM, "none of ISO/IEC 27001:2022, GDPR, BDSG")
        );
    }
    let mut last = "";
    for (framework, m) in links {
        if framework.id != last {
            let _ = writeln!(out, "  {}", framework.name);
            last = &framework.id;
        }
        let (label, title) = framework
            .control(&m.control)
            .map_or((m.control.as_str(), ""), |c| {
                (c.label.as_str(), c.title.as_str())
            });
        let sub = m
            .subcriterion_id()
            .map_or(String::new(), |s| format!(" (by {s})"));
        let _ = writeln!(
            out,
            "    {}  {title}{sub}",
            styled(ID, &format!("{label:<14}"))
        );
        out.push_str(&styled(
            DIM,
            &wrap(
                &format!("{}: {}", m.relation.as_str(), m.reason.trim()),
                TEXT_WIDTH,
                "      ",
            ),
        ));
    }
    out
}

/// The frameworks section of `catalog show ID --format json`.
pub fn show_json(version: C5Version, id: &str) -> Vec<LinkJson> {
    framework_mappings_for(version, id)
        .into_iter()
        .map(|(framework, m)| {
            let control = framework.control(&m.control);
            LinkJson {
                framework: &framework.id,
                control: &m.control,
                label: control.map_or("", |c| c.label.as_str()),
                title: control.map_or("", |c| c.title.as_str()),
                criterion: &m.criterion,
                relation: m.relation.as_str(),
                reason: m.reason.trim(),
                note: m.note.trim(),
            }
        })
        .collect()
}

/// `testat status --framework ID` as text.
pub fn status_text(rollup: &FrameworkRollup, framework: &Framework, as_of: &str) -> String {
    let mut out = heading(framework, rollup.c5, &format!("as of {as_of}, from"));
    let _ = writeln!(
        out,
        "{}",
        styled(
            DIM,
            "Support means met C5 criteria are evidence for an entry; it is not a verdict of compliance."
        )
    );
    let _ = writeln!(
        out,
        "\n{:<14}  {:<16}  {:>3}  {:>6}  {:>7}  {:>12}  WEAKEST",
        "ENTRY", "SUPPORT", "MET", "PARTLY", "NOT MET", "NOT ASSESSED"
    );
    for c in &rollup.controls {
        let weakest = match (&c.weakest, c.support) {
            (_, FrameworkSupport::NoMapping) => "no C5 criterion maps".to_owned(),
            (Some(w), _) => format!("{} ({})", w.criterion, w.status),
            (None, _) => "all mapped criteria not applicable".to_owned(),
        };
        let _ = writeln!(
            out,
            "{:<14}  {:<16}  {:>3}  {:>6}  {:>7}  {:>12}  {weakest}",
            c.label,
            c.support.as_str(),
            c.counts.met,
            c.counts.partly_met,
            c.counts.not_met,
            c.counts.not_assessed,
        );
    }
    let n = &rollup.counts;
    let _ = writeln!(
        out,
        "\n{} supported, {} partly supported, {} not supported, {} without a C5 mapping",
        n.supported, n.partly_supported, n.not_supported, n.no_mapping
    );
    out
}

/// `testat status --framework ID --format json`.
#[derive(Serialize)]
pub struct StatusJson<'a> {
    /// [`JSON_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The day the status holds for.
    pub as_of: String,
    /// The roll-up.
    #[serde(flatten)]
    pub rollup: &'a FrameworkRollup,
}

impl<'a> StatusJson<'a> {
    /// The document for `rollup`.
    pub fn new(rollup: &'a FrameworkRollup, as_of: String) -> Self {
        Self {
            schema_version: JSON_SCHEMA_VERSION,
            as_of,
            rollup,
        }
    }
}

#[derive(Serialize)]
struct FrameworkListJson<'a> {
    schema_version: u32,
    framework: FrameworkJson<'a>,
    c5: C5Version,
    groups: Vec<GroupJson<'a>>,
    controls: Vec<ControlJson<'a>>,
}

#[derive(Serialize)]
struct FrameworkJson<'a> {
    id: &'a str,
    name: &'a str,
    version: &'a str,
    publisher: &'a str,
    source: &'a str,
    disclaimer: &'a str,
}

impl<'a> FrameworkJson<'a> {
    fn new(f: &'a Framework) -> Self {
        Self {
            id: &f.id,
            name: &f.name,
            version: &f.version,
            publisher: &f.publisher,
            source: &f.source,
            disclaimer: f.disclaimer.trim(),
        }
    }
}

#[derive(Serialize)]
struct GroupJson<'a> {
    id: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct ControlJson<'a> {
    id: &'a str,
    label: &'a str,
    group: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<&'a str>,
    title: &'a str,
    summary: &'a str,
    mappings: Vec<MappingJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unmapped_reason: Option<&'a str>,
}

#[derive(Serialize)]
struct MappingJson<'a> {
    criterion: &'a str,
    title: &'a str,
    relation: &'static str,
    reason: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    note: &'a str,
}

/// One link of a criterion to a framework entry, in `catalog show --format json`.
#[derive(Serialize)]
pub struct LinkJson {
    framework: &'static str,
    control: &'static str,
    label: &'static str,
    title: &'static str,
    criterion: &'static str,
    relation: &'static str,
    reason: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    note: &'static str,
}
