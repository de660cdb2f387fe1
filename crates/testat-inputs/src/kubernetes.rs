//! Kubernetes manifests: multi-document YAML and JSON, `kind: List` expanded.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use serde::de::DeserializeSeed;
use serde_json::Value;

use crate::reader::{Outcome, Parsed};
use crate::workload::check;
use crate::yaml::{Budget, MAX_FLOW_DEPTH, ValueSeed, too_deep_flow};
use crate::{InputError, InputKind, Resource, Values};

/// How many problems of one manifest file are listed.
const MAX_PROBLEMS_PER_FILE: usize = 20;

/// What a document turned out to be.
enum Document {
    /// A Kubernetes object or list (its objects added to the resources).
    Objects,
    /// Not a Kubernetes object: what is missing.
    Other(String),
}

/// Adds the objects of one document (one object, or the items of a `*List`) to `parsed`.
fn objects(
    path: &Path,
    value: Value,
    document: usize,
    line: usize,
    parsed: &mut Parsed,
) -> Document {
    let Value::Object(mut object) = value else {
        return Document::Other(format!(
            "`apiVersion` and `kind` (it is {}, not a mapping)",
            type_name(&value)
        ));
    };
    let api_version = object.get("apiVersion").and_then(Value::as_str).is_some();
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let kind = match (api_version, kind) {
        (true, Some(kind)) => kind,
        (false, Some(_)) => return Document::Other("`apiVersion`".to_owned()),
        (true, None) => return Document::Other("`kind`".to_owned()),
        (false, None) => return Document::Other("`apiVersion` and `kind`".to_owned()),
    };
    if kind.ends_with("List") && object.get("items").is_some_and(Value::is_array) {
        let Some(Value::Array(items)) = object.remove("items") else {
            return Document::Objects;
        };
        for (index, item) in items.into_iter().enumerate() {
            let pointer = format!("/{document}/items/{index}");
            let item_kind = item.get("kind").and_then(Value::as_str).map(str::to_owned);
            match (item.get("apiVersion").and_then(Value::as_str), item_kind) {
                (Some(_), Some(item_kind)) => {
                    add(path, parsed, item_kind, item, pointer, line);
                }
                _ => parsed.problems.push(InputError::Shape {
                    path: path.to_path_buf(),
                    pointer,
                    line: Some(line),
                    column: Some(1),
                    message: format!(
                        "item {index} of the {kind} in document {} is not a Kubernetes object (it needs `apiVersion` and `kind`)",
                        document + 1
                    ),
                }),
            }
        }
        return Document::Objects;
    }
    add(
        path,
        parsed,
        kind,
        Value::Object(object),
        format!("/{document}"),
        line,
    );
    Document::Objects
}

/// Adds an object as a resource, its values kept as JSON text; a workload whose shape
/// does not match the Kubernetes API is a problem, and is marked malformed so that
/// rules give `error` on it.
fn add(path: &Path, parsed: &mut Parsed, kind: String, value: Value, pointer: String, line: usize) {
    let mut resource = resource(kind, &value, pointer, line);
    let malformed = match check(&resource.kind, &value) {
        Err(malformed) => Some((malformed.pointer, malformed.message)),
        Ok(()) => match serde_json::to_string(&value) {
            Ok(text) => {
                resource.values = Values::Json(text.into_boxed_str());
                None
            }
            Err(error) => Some((String::new(), format!("cannot be kept as JSON: {error}"))),
        },
    };
    drop(value);
    parsed.resources.push(resource);
    if let Some((pointer, message)) = malformed {
        parsed.mark_malformed(
            path,
            parsed.resources.len() - 1,
            &pointer,
            &message,
            "the input does not have the shape the Kubernetes API defines: ",
        );
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// A Kubernetes object as a resource, without its values yet: address
/// `Kind/namespace/name` (or `Kind/name`).
fn resource(kind: String, value: &Value, pointer: String, line: usize) -> Resource {
    let metadata = value.get("metadata");
    let field = |name: &str| {
        metadata
            .and_then(|m| m.get(name))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let name = field("name")
        .or_else(|| field("generateName"))
        .unwrap_or("<unnamed>");
    let address = match field("namespace") {
        Some(namespace) => format!("{kind}/{namespace}/{name}"),
        None => format!("{kind}/{name}"),
    };
    Resource {
        address,
        kind,
        provider: "kubernetes".to_owned(),
        file: 0,
        pointer,
        line,
        column: 1,
        values: Values::None,
        unknown: Values::None,
        action: None,
        config_address: None,
        provider_region: None,
    }
}

/// The 1-based line where each YAML document starts: the first line with content after
/// its `---` (or the `---` line of an empty document). Found by scanning for `---`
/// lines, which is right for the manifests people write.
fn document_lines(text: &str) -> Vec<usize> {
    struct Start {
        separator: Option<usize>,
        content: Option<usize>,
    }
    let mut documents: Vec<Start> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let is_separator = line
            .strip_prefix("---")
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r']));
        if is_separator {
            let rest = line.get(3..).unwrap_or_default().trim();
            let content = (!rest.is_empty() && !rest.starts_with('#')).then_some(number);
            documents.push(Start {
                separator: Some(number),
                content,
            });
            continue;
        }
        let trimmed = line.trim_start();
        if trimmed.is_empty()
            || trimmed.starts_with('#')
            || line.starts_with('%')
            || line.starts_with("...")
        {
            continue;
        }
        match documents.last_mut() {
            Some(last) if last.content.is_none() => last.content = Some(number),
            Some(_) => {}
            None => documents.push(Start {
                separator: None,
                content: Some(number),
            }),
        }
    }
    documents
        .iter()
        .map(|d| d.content.or(d.separator).unwrap_or(1))
        .collect()
}

/// Reads Kubernetes YAML (one or more documents).
pub(crate) fn read_yaml(path: &Path, text: &str, explicit: bool) -> Outcome {
    let lines = document_lines(text);
    let line_of = |document: usize| lines.get(document).or(lines.last()).copied().unwrap_or(1);
    if let Some((line, column)) = too_deep_flow(text, MAX_FLOW_DEPTH) {
        return Outcome::Failed(vec![InputError::Syntax {
            path: path.to_path_buf(),
            format: "YAML",
            line,
            column,
            message: format!(
                "flow collections (`[...]`, `{{...}}`) are nested more than {MAX_FLOW_DEPTH} levels deep, which Testat does not read"
            ),
        }]);
    }
    let budget = Budget::for_text(text);
    let mut parsed = Parsed::new(InputKind::Kubernetes);
    let mut kubernetes_documents = 0usize;
    let mut other_documents = Vec::new();
    let mut failures = Vec::new();
    let walk = catch_unwind(AssertUnwindSafe(|| {
        for (document, deserializer) in serde_norway::Deserializer::from_str(text).enumerate() {
            let result = ValueSeed(&budget).deserialize(deserializer);
            let note = budget.take_note();
            match (result, note) {
                (Ok(Value::Null), None) => {}
                (Ok(_), Some(note)) => failures.push(InputError::Shape {
                    path: path.to_path_buf(),
                    pointer: format!("/{document}"),
                    line: Some(line_of(document)),
                    column: Some(1),
                    message: format!("document {}: {note}", document + 1),
                }),
                (Ok(value), None) => {
                    match objects(path, value, document, line_of(document), &mut parsed) {
                        Document::Objects => kubernetes_documents += 1,
                        Document::Other(missing) => {
                            other_documents.push(InputError::NotKubernetes {
                                path: path.to_path_buf(),
                                document: document + 1,
                                line: line_of(document),
                                missing,
                            });
                        }
                    }
                }
                (Err(error), _) => {
                    failures.push(yaml_error(
                        path,
                        text,
                        document,
                        line_of(document),
                        &error,
                        &budget,
                    ));
                    // After an error `serde_norway` cannot go on to the next document
                    // (it repeats the error forever, or panics): stop here.
                    break;
                }
            }
        }
    }));
    if walk.is_err() {
        failures.push(InputError::Syntax {
            path: path.to_path_buf(),
            format: "YAML",
            line: 1,
            column: 1,
            message: "the YAML parser failed on this file (a bug in Testat or its YAML library; please report it with the file)".to_owned(),
        });
    }
    if kubernetes_documents > 0 {
        other_documents.extend(failures);
        parsed.problems.extend(at_most(path, other_documents));
        return Outcome::Read(parsed);
    }
    if !failures.is_empty() {
        failures.extend(other_documents);
        return Outcome::Failed(at_most(path, failures));
    }
    if other_documents.is_empty() {
        return Outcome::NotOurs(
            "found YAML without any documents (only comments or `---` separators)".to_owned(),
        );
    }
    if explicit {
        Outcome::Failed(at_most(path, other_documents))
    } else {
        Outcome::NotOurs("found YAML documents that are not Kubernetes objects".to_owned())
    }
}

/// The first [`MAX_PROBLEMS_PER_FILE`] problems, and a note of how many more there were.
fn at_most(path: &Path, mut problems: Vec<InputError>) -> Vec<InputError> {
    if problems.len() > MAX_PROBLEMS_PER_FILE {
        let more = problems.len() - MAX_PROBLEMS_PER_FILE;
        problems.truncate(MAX_PROBLEMS_PER_FILE);
        problems.push(InputError::Limit {
            path: path.to_path_buf(),
            message: format!("{more} more documents with problems are not listed"),
        });
    }
    problems
}

/// An error of the YAML parser (or of our visitor) as an `InputError`.
fn yaml_error(
    path: &Path,
    text: &str,
    document: usize,
    document_line: usize,
    error: &serde_norway::Error,
    budget: &Budget,
) -> InputError {
    let (line, column) = error
        .location()
        .map_or((document_line, 1), |l| (l.line(), l.column()));
    let full = error.to_string();
    let message = full.replacen(&format!(" at line {line} column {column}"), "", 1);
    if budget.exhausted() || message.contains("repetition limit") {
        return InputError::Shape {
            path: path.to_path_buf(),
            pointer: format!("/{document}"),
            line: Some(line),
            column: Some(column),
            message: format!(
                "document {}: {message}; anchors and aliases expand far beyond the file's size \
                 (a \"billion laughs\" document?), so Testat stops reading the file here",
                document + 1
            ),
        };
    }
    let hint = if message.contains("recursion limit") {
        "; the YAML is nested more than 128 levels deep, which Testat does not read"
    } else if text.contains("{{") {
        "; this looks like a template (`{{ ... }}`): render it first (for example `helm template` or `kustomize build`) and scan the output"
    } else {
        ""
    };
    InputError::Syntax {
        path: path.to_path_buf(),
        format: "YAML",
        line,
        column,
        message: format!("document {}: {message}{hint}", document + 1),
    }
}

/// Reads a JSON file holding one Kubernetes object or list.
pub(crate) fn read_json(path: &Path, text: &str) -> Outcome {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            return Outcome::Failed(vec![crate::json::error(
                path,
                text,
                0,
                text,
                &error,
                "",
                "the manifest",
            )]);
        }
    };
    let start = text.len() - text.trim_start().len();
    let (line, _) = crate::location::line_col(text, start);
    let mut parsed = Parsed::new(InputKind::Kubernetes);
    match objects(path, value, 0, line, &mut parsed) {
        Document::Objects => Outcome::Read(parsed),
        Document::Other(missing) => Outcome::Failed(vec![InputError::NotKubernetes {
            path: path.to_path_buf(),
            document: 1,
            line,
            missing,
        }]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_starts() {
        let text = "# leading comment\napiVersion: v1\nkind: A\n---\n# c\n\nkind: B\n---\n---   # empty\n--- kind: C\n";
        assert_eq!(document_lines(text), [2, 7, 8, 9, 10]);
        assert_eq!(document_lines("---\na: 1\n"), [2]);
        assert_eq!(document_lines(""), Vec::<usize>::new());
    }
}
