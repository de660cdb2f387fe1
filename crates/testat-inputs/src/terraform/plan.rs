//! Terraform plan JSON (`terraform show -json plan.out`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{Module, build, config, missing, module_resources, values_of};
use crate::json::{Top, parse_section};
use crate::link_data::LinkData;
use crate::location::LineIndex;
use crate::reader::Parsed;
use crate::{Action, InputError, InputKind, Resource, Values};

/// One entry of `resource_changes`.
#[derive(Deserialize)]
struct ResourceChange<'a> {
    address: Option<String>,
    mode: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    provider_name: Option<String>,
    #[serde(borrow)]
    change: Option<Change<'a>>,
}

/// `change` of a resource change: only what we use; `before` and the rest are skipped.
#[derive(Deserialize)]
struct Change<'a> {
    #[serde(default)]
    actions: Vec<String>,
    #[serde(borrow)]
    after: Option<&'a RawValue>,
    #[serde(borrow)]
    after_unknown: Option<&'a RawValue>,
}

/// `planned_values` (read only when a plan has no `resource_changes`).
#[derive(Deserialize)]
struct PlannedValues<'a> {
    #[serde(borrow)]
    root_module: Option<Module<'a>>,
}

/// What a plan's `actions` mean for the scan.
enum Planned {
    /// The resource will exist with this action.
    Exists(Action),
    /// The resource will not exist (or no longer be managed): not scanned.
    Gone,
    /// An action list we do not know: scanned, without an action.
    Unknown,
}

fn planned(actions: &[String]) -> Planned {
    let actions: Vec<&str> = actions.iter().map(String::as_str).collect();
    match actions.as_slice() {
        ["no-op"] => Planned::Exists(Action::NoOp),
        ["create"] => Planned::Exists(Action::Create),
        ["update"] => Planned::Exists(Action::Update),
        ["delete", "create"] | ["create", "delete"] => Planned::Exists(Action::Replace),
        ["read"] => Planned::Exists(Action::Read),
        ["delete"] | ["forget"] => Planned::Gone,
        _ => Planned::Unknown,
    }
}

/// `after_unknown` worth keeping: not absent, `false`, `null` or an empty object.
fn unknown_of(text: &str, raw: Option<&RawValue>) -> Values {
    match raw {
        Some(raw) => {
            let inner = raw.get();
            let empty_object = inner
                .strip_prefix('{')
                .and_then(|rest| rest.strip_suffix('}'))
                .is_some_and(|body| body.trim().is_empty());
            if empty_object || inner == "false" {
                Values::None
            } else {
                values_of(text, Some(raw))
            }
        }
        None => Values::None,
    }
}

/// Reads a plan whose top level was scanned already.
pub(super) fn read(path: &Path, text: &str, top: &Top<'_>) -> Result<Parsed, InputError> {
    let mut parsed = Parsed::new(InputKind::TerraformPlan);
    let mut lines = LineIndex::new(text);
    let changes: Option<Vec<ResourceChange<'_>>> = match top.resource_changes {
        Some(raw) => parse_section(
            path,
            text,
            raw,
            "/resource_changes",
            "`resource_changes` of the Terraform plan",
        )?,
        None => None,
    };
    match changes {
        Some(changes) => {
            for (index, change) in changes.into_iter().enumerate() {
                let pointer = format!("/resource_changes/{index}");
                match resource_from_change(path, text, change, &pointer, &mut lines) {
                    Ok(Some(resource)) => parsed.resources.push(resource),
                    Ok(None) => {}
                    Err(problem) => parsed.problems.push(problem),
                }
            }
        }
        None => {
            if let Some(raw) = top.planned_values {
                let planned: Option<PlannedValues<'_>> = parse_section(
                    path,
                    text,
                    raw,
                    "/planned_values",
                    "`planned_values` of the Terraform plan",
                )?;
                if let Some(root) = planned.and_then(|p| p.root_module) {
                    let found = module_resources(path, root, "/planned_values/root_module")?;
                    for (pointer, resource) in found {
                        if resource.mode.as_deref().is_some_and(|m| m != "managed") {
                            continue;
                        }
                        let values = values_of(text, resource.values);
                        match build(
                            path,
                            resource.address,
                            resource.kind,
                            resource.provider_name.as_deref(),
                            values,
                            Values::None,
                            pointer,
                            &mut lines,
                        ) {
                            Ok(mut built) => {
                                built.action = None;
                                parsed.resources.push(built);
                            }
                            Err(problem) => parsed.problems.push(problem),
                        }
                    }
                }
            }
        }
    }
    if let Some(raw) = top.configuration {
        let configuration: Option<config::Configuration> = parse_section(
            path,
            text,
            raw,
            "/configuration",
            "`configuration` of the Terraform plan",
        )?;
        if let Some(configuration) = configuration {
            let variables: Option<BTreeMap<String, config::Variable>> = match top.variables {
                Some(raw) => parse_section(
                    path,
                    text,
                    raw,
                    "/variables",
                    "`variables` of the Terraform plan",
                )?,
                None => None,
            };
            let regions = config::provider_regions(&configuration, &variables.unwrap_or_default());
            for resource in &mut parsed.resources {
                resource.provider_region = resource
                    .config_address
                    .as_ref()
                    .and_then(|address| regions.get(address))
                    .cloned();
            }
            parsed.links = LinkData::Plan(config::references(path, configuration)?);
        }
    }
    Ok(parsed)
}

/// The resource of one `resource_changes` entry, `None` when it is not scanned (data
/// sources, resources the plan deletes).
fn resource_from_change(
    path: &Path,
    text: &str,
    change: ResourceChange<'_>,
    pointer: &str,
    lines: &mut LineIndex<'_>,
) -> Result<Option<Resource>, InputError> {
    if change.mode.as_deref().is_some_and(|m| m != "managed") {
        return Ok(None);
    }
    let Some(details) = change.change else {
        return Err(missing(path, pointer, None, "`change`"));
    };
    let action = match planned(&details.actions) {
        Planned::Exists(action) => Some(action),
        Planned::Gone => return Ok(None),
        Planned::Unknown => None,
    };
    let values = values_of(text, details.after);
    let unknown = unknown_of(text, details.after_unknown);
    let mut resource = build(
        path,
        change.address,
        change.kind,
        change.provider_name.as_deref(),
        values,
        unknown,
        format!("{pointer}/change/after"),
        lines,
    )?;
    resource.action = action;
    Ok(Some(resource))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(actions: &[&str]) -> Vec<String> {
        actions.iter().map(|a| (*a).to_owned()).collect()
    }

    #[test]
    fn actions() {
        assert!(matches!(
            planned(&strings(&["no-op"])),
            Planned::Exists(Action::NoOp)
        ));
        assert!(matches!(
            planned(&strings(&["create", "delete"])),
            Planned::Exists(Action::Replace)
        ));
        assert!(matches!(
            planned(&strings(&["delete", "create"])),
            Planned::Exists(Action::Replace)
        ));
        assert!(matches!(planned(&strings(&["delete"])), Planned::Gone));
        assert!(matches!(planned(&strings(&["teleport"])), Planned::Unknown));
    }

    #[test]
    fn unknowns() {
        let text = r#"[false, {}, { }, {"a": true}]"#;
        let raws: Vec<&RawValue> = serde_json::from_str(text).unwrap();
        assert!(matches!(
            unknown_of(text, raws.first().copied()),
            Values::None
        ));
        assert!(matches!(
            unknown_of(text, raws.get(1).copied()),
            Values::None
        ));
        assert!(matches!(
            unknown_of(text, raws.get(2).copied()),
            Values::None
        ));
        assert!(matches!(
            unknown_of(text, raws.get(3).copied()),
            Values::Span(_)
        ));
        assert!(matches!(unknown_of(text, None), Values::None));
    }
}
