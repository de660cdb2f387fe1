//! Terraform JSON: plans (`terraform show -json plan.out`) and state
//! (`terraform show -json`).
//!
//! Nothing here builds a `serde_json::Value` of a document or a section: typed structs
//! borrow each resource's values as raw text (`&RawValue`) and keep its byte span, and
//! skip everything else (`before`, `prior_state`, …) without building it.

pub(crate) mod address;
mod config;
pub(crate) mod kubernetes;
mod plan;
mod state;

use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::json::{self, Top};
use crate::location::{LineIndex, line_col};
use crate::reader::Outcome;
use crate::{InputError, InputKind, Resource, Values};
use address::{config_address, provider};

/// How deep modules may nest before we stop (Terraform itself has no limit, but real
/// configurations stay in single digits; `serde_json`'s recursion limit of 128 levels
/// already bounds what can be parsed).
pub(crate) const MAX_MODULE_DEPTH: usize = 40;

/// Reads a JSON document with a `format_version`: a plan, a state, or neither.
pub(crate) fn read(path: &Path, text: &str, top: &Top<'_>) -> Outcome {
    let format_version = match check_version(path, text, top) {
        Ok(version) => version,
        Err(error) => return Outcome::Failed(vec![error]),
    };
    let terraform_version = top
        .terraform_version
        .and_then(|raw| serde_json::from_str::<String>(raw.get()).ok());
    let is_plan = [top.resource_changes, top.planned_values, top.configuration]
        .iter()
        .any(|section| section.is_some_and(|raw| raw.get() != "null"));
    let outcome = if is_plan {
        plan::read(path, text, top)
    } else if top.values.is_some() {
        state::read(path, text, top)
    } else if top.key_count <= 2 && (top.key_count == 1 || top.terraform_version.is_some()) {
        // `terraform show -json` on an empty state prints only the version keys.
        Ok(crate::reader::Parsed::new(InputKind::TerraformState))
    } else {
        return Outcome::NotOurs(format!(
            "found Terraform JSON that is neither a plan nor a state (keys: {})",
            top.describe_keys()
        ));
    };
    match outcome {
        Ok(mut parsed) => {
            kubernetes::rewrite_workloads(path, text, &mut parsed);
            parsed.format_version = Some(format_version);
            parsed.terraform_version = terraform_version;
            Outcome::Read(parsed)
        }
        Err(error) => Outcome::Failed(vec![error]),
    }
}

/// The `format_version`, if its major version is one we read (0 or 1).
fn check_version(path: &Path, text: &str, top: &Top<'_>) -> Result<String, InputError> {
    let Some(raw) = top.format_version else {
        return Ok(String::new());
    };
    let (line, column) = line_col(text, json::span(text, raw).start);
    let Ok(version) = serde_json::from_str::<String>(raw.get()) else {
        return Err(InputError::Shape {
            path: path.to_path_buf(),
            pointer: "/format_version".to_owned(),
            line: Some(line),
            column: Some(column),
            message: format!(
                "expected a string such as \"1.2\", found {}",
                raw.get().chars().take(40).collect::<String>()
            ),
        });
    };
    match version.split('.').next() {
        Some("0" | "1") => Ok(version),
        _ => Err(InputError::UnsupportedVersion {
            path: path.to_path_buf(),
            version,
            line,
            column,
        }),
    }
}

/// A module in `planned_values` or a state's `values`.
#[derive(Deserialize)]
struct Module<'a> {
    #[serde(default, borrow)]
    resources: Vec<ModuleResource<'a>>,
    #[serde(default, borrow)]
    child_modules: Vec<Module<'a>>,
}

/// A resource instance in a module of `planned_values` or a state's `values`.
#[derive(Deserialize)]
struct ModuleResource<'a> {
    address: Option<String>,
    mode: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    provider_name: Option<String>,
    #[serde(borrow)]
    values: Option<&'a RawValue>,
}

/// The resources of a module tree in document order, each with the JSON pointer of its
/// values. Walks with an explicit stack (no recursion) and stops at [`MAX_MODULE_DEPTH`].
fn module_resources<'a>(
    path: &Path,
    root: Module<'a>,
    root_pointer: &str,
) -> Result<Vec<(String, ModuleResource<'a>)>, InputError> {
    let mut out = Vec::new();
    let mut stack = vec![(root, root_pointer.to_owned(), 0usize)];
    while let Some((module, pointer, depth)) = stack.pop() {
        if depth > MAX_MODULE_DEPTH {
            return Err(InputError::Limit {
                path: path.to_path_buf(),
                message: format!(
                    "at {pointer}: modules are nested more than {MAX_MODULE_DEPTH} levels deep; Testat does not read such files"
                ),
            });
        }
        for (index, resource) in module.resources.into_iter().enumerate() {
            out.push((format!("{pointer}/resources/{index}/values"), resource));
        }
        let children = module.child_modules.into_iter().enumerate().rev();
        for (index, child) in children {
            stack.push((child, format!("{pointer}/child_modules/{index}"), depth + 1));
        }
    }
    Ok(out)
}

/// A resource's values: the raw text's span, or nothing for `null`.
fn values_of(text: &str, raw: Option<&RawValue>) -> Values {
    match raw {
        Some(raw) if raw.get() != "null" => Values::Span(json::span(text, raw)),
        _ => Values::None,
    }
}

/// A Terraform resource with its location, from the parts every source has.
#[allow(clippy::too_many_arguments, reason = "plain parts of one resource")]
pub(super) fn build(
    path: &Path,
    address: Option<String>,
    kind: Option<String>,
    provider_name: Option<&str>,
    values: Values,
    unknown: Values,
    pointer: String,
    lines: &mut LineIndex<'_>,
) -> Result<Resource, InputError> {
    let entry = pointer
        .rsplit_once('/')
        .map_or(pointer.as_str(), |(entry, _)| entry);
    let entry = entry.strip_suffix("/change").unwrap_or(entry);
    let start = match (&values, &unknown) {
        (Values::Span(range), _) | (_, Values::Span(range)) => Some(range.start),
        _ => None,
    };
    let place = start.map(|offset| lines.locate(offset));
    let Some(address) = address else {
        return Err(missing(path, entry, place, "`address`"));
    };
    let Some(kind) = kind else {
        return Err(missing(path, entry, place, "`type`"));
    };
    let (line, column) = place.unwrap_or((1, 1));
    Ok(Resource {
        config_address: Some(config_address(&address)),
        provider: provider(provider_name, &kind),
        address,
        kind,
        file: 0,
        pointer,
        line,
        column,
        values,
        unknown,
        action: None,
        provider_region: None,
    })
}

pub(super) fn missing(
    path: &Path,
    pointer: &str,
    place: Option<(usize, usize)>,
    what: &str,
) -> InputError {
    InputError::Shape {
        path: path.to_path_buf(),
        pointer: pointer.to_owned(),
        line: place.map(|(line, _)| line),
        column: place.map(|(_, column)| column),
        message: format!(
            "the resource has no {what}; the file does not look like `terraform show -json` output"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_walk_is_in_document_order_and_bounded() {
        let text = r#"{"resources":[{"address":"a.r"}],"child_modules":[
            {"resources":[{"address":"b.r"}],"child_modules":[{"resources":[{"address":"c.r"}]}]},
            {"resources":[{"address":"d.r"}]}]}"#;
        let root: Module<'_> = serde_json::from_str(text).unwrap();
        let found = module_resources(Path::new("x"), root, "/m").unwrap();
        let seen: Vec<_> = found
            .iter()
            .map(|(p, r)| (p.as_str(), r.address.as_deref().unwrap()))
            .collect();
        assert_eq!(
            seen,
            [
                ("/m/resources/0/values", "a.r"),
                ("/m/child_modules/0/resources/0/values", "b.r"),
                (
                    "/m/child_modules/0/child_modules/0/resources/0/values",
                    "c.r"
                ),
                ("/m/child_modules/1/resources/0/values", "d.r"),
            ]
        );

        let depth = MAX_MODULE_DEPTH + 1;
        let deep = format!(
            "{}{{}}{}",
            r#"{"child_modules":["#.repeat(depth),
            "]}".repeat(depth)
        );
        let root: Module<'_> = serde_json::from_str(&deep).unwrap();
        let error = module_resources(Path::new("x"), root, "").err().unwrap();
        assert!(error.to_string().contains("nested more than"), "{error}");
    }
}
