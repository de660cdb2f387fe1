//! JSON helpers the readers share: one pass over the top-level object that keeps the
//! big sections as borrowed raw text (no tree is built), byte spans of raw values, and
//! `serde_json` errors turned into problems that point into the file. Which reader a
//! JSON file goes to is decided in `dispatch.rs`.

use std::fmt;
use std::path::Path;

use serde::Deserializer as _;
use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::InputError;
use crate::location::{line_col, offset_of};

/// The top level of a JSON document: the sections we may read, kept as raw text.
#[derive(Default)]
pub(crate) struct Top<'a> {
    pub format_version: Option<&'a RawValue>,
    pub terraform_version: Option<&'a RawValue>,
    pub resource_changes: Option<&'a RawValue>,
    pub planned_values: Option<&'a RawValue>,
    pub configuration: Option<&'a RawValue>,
    /// A plan's `variables`: the values of the root module's input variables.
    pub variables: Option<&'a RawValue>,
    pub values: Option<&'a RawValue>,
    /// Keys of a raw `terraform.tfstate` (`version`, `lineage`, `resources`) seen.
    pub raw_state_keys: usize,
    pub api_version: bool,
    pub kind: bool,
    /// The first few keys, for messages.
    pub keys: Vec<String>,
    /// How many keys the object has.
    pub key_count: usize,
}

impl Top<'_> {
    /// The first keys, for a message: `format_version, provider_schemas`.
    pub(crate) fn describe_keys(&self) -> String {
        let mut out = self.keys.join(", ");
        if self.key_count > self.keys.len() {
            out.push_str(&format!(" and {} more", self.key_count - self.keys.len()));
        }
        if out.is_empty() {
            out.push_str("no keys");
        }
        out
    }
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top<'de>, A::Error> {
        let mut top = Top::default();
        while let Some(key) = map.next_key::<String>()? {
            top.key_count += 1;
            let raw = |map: &mut A| map.next_value::<&'de RawValue>().map(Some);
            match key.as_str() {
                "format_version" => top.format_version = raw(&mut map)?,
                "terraform_version" => top.terraform_version = raw(&mut map)?,
                "resource_changes" => top.resource_changes = raw(&mut map)?,
                "planned_values" => top.planned_values = raw(&mut map)?,
                "configuration" => top.configuration = raw(&mut map)?,
                "variables" => top.variables = raw(&mut map)?,
                "values" => top.values = raw(&mut map)?,
                other => {
                    match other {
                        "version" | "lineage" | "resources" => top.raw_state_keys += 1,
                        "apiVersion" => top.api_version = true,
                        "kind" => top.kind = true,
                        _ => {}
                    }
                    map.next_value::<IgnoredAny>()?;
                }
            }
            if top.keys.len() < 8 {
                top.keys.push(key);
            }
        }
        Ok(top)
    }
}

/// Reads the top-level object of `text`, keeping sections as raw text.
pub(crate) fn scan(text: &str) -> Result<Top<'_>, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let top = (&mut deserializer).deserialize_map(TopVisitor)?;
    deserializer.end()?;
    Ok(top)
}

/// Byte range of a raw value within the text it was parsed from.
pub(crate) fn span(text: &str, raw: &RawValue) -> std::ops::Range<usize> {
    let start = (raw.get().as_ptr() as usize)
        .saturating_sub(text.as_ptr() as usize)
        .min(text.len());
    start..(start + raw.get().len()).min(text.len())
}

/// Parses a section kept as raw text into a typed value; errors point into the file.
pub(crate) fn parse_section<'a, T: serde::Deserialize<'a>>(
    path: &Path,
    text: &'a str,
    raw: &'a RawValue,
    pointer: &str,
    what: &str,
) -> Result<T, InputError> {
    serde_json::from_str(raw.get()).map_err(|e| {
        error(
            path,
            text,
            span(text, raw).start,
            raw.get(),
            &e,
            pointer,
            what,
        )
    })
}

/// An `InputError` for a `serde_json` error raised while parsing `section`, which starts
/// at byte `base` of the file's `text`. `pointer` and `what` name the part being read
/// for errors about its shape.
pub(crate) fn error(
    path: &Path,
    text: &str,
    base: usize,
    section: &str,
    error: &serde_json::Error,
    pointer: &str,
    what: &str,
) -> InputError {
    let offset = base + offset_of(section, error.line(), error.column());
    let (line, column) = line_col(text, offset);
    let full = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
    match error.classify() {
        serde_json::error::Category::Data => InputError::Shape {
            path: path.to_path_buf(),
            pointer: if pointer.is_empty() {
                "/".to_owned()
            } else {
                pointer.to_owned()
            },
            line: Some(line),
            column: Some(column),
            message: format!("{what} does not have the expected shape: {message}"),
        },
        category => {
            let hint = if category == serde_json::error::Category::Eof {
                "; the file ends in the middle of the document: was it cut off while being written or copied?"
            } else if message.contains("recursion limit") {
                "; the JSON is nested more than 128 levels deep, which Testat does not read"
            } else if message.contains("trailing characters") {
                "; a JSON file holds one value (for several Kubernetes objects use YAML documents or a `kind: List`)"
            } else {
                "; fix the file or produce it again (`terraform show -json`, `kubectl ... -o json`)"
            };
            InputError::Syntax {
                path: path.to_path_buf(),
                format: "JSON",
                line,
                column,
                message: format!("{message}{hint}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_keeps_sections_raw() {
        let text = r#"{"format_version": "1.2", "x": [1, {"y": 2}], "values" : {"a": [1]} }"#;
        let top = scan(text).unwrap();
        assert_eq!(top.format_version.unwrap().get(), r#""1.2""#);
        let values = top.values.unwrap();
        assert_eq!(values.get(), r#"{"a": [1]}"#);
        let range = span(text, values);
        assert_eq!(&text[range], r#"{"a": [1]}"#);
        assert_eq!(top.describe_keys(), "format_version, x, values");
    }

    #[test]
    fn errors_point_into_the_file() {
        let text = "{\"a\": 1,\n \"b\": [1, x]}";
        let e = scan(text).err().unwrap();
        let error = error(Path::new("f.json"), text, 0, text, &e, "", "the file");
        assert_eq!(error.to_string().split(": ").next().unwrap(), "f.json:2:11");
    }
}
