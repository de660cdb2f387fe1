//! Terraform state JSON (`terraform show -json` on a state).

use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{Module, build, module_resources, values_of};
use crate::json::{self, Top, parse_section};
use crate::link_data::{LinkData, StateAttributes};
use crate::location::LineIndex;
use crate::reader::Parsed;
use crate::{InputError, InputKind, Values};

/// A state's `values`.
#[derive(Deserialize)]
struct StateValues<'a> {
    #[serde(borrow)]
    root_module: Option<Module<'a>>,
}

/// Reads a state whose top level was scanned already.
pub(super) fn read(path: &Path, text: &str, top: &Top<'_>) -> Result<Parsed, InputError> {
    let mut parsed = Parsed::new(InputKind::TerraformState);
    let Some(raw) = top.values else {
        return Ok(parsed);
    };
    let values: Option<StateValues<'_>> = parse_section(
        path,
        text,
        raw,
        "/values",
        "`values` of the Terraform state",
    )?;
    let Some(root) = values.and_then(|v| v.root_module) else {
        return Ok(parsed);
    };
    let mut lines = LineIndex::new(text);
    let mut attributes = Vec::new();
    for (pointer, resource) in module_resources(path, root, "/values/root_module")? {
        if resource.mode.as_deref().is_some_and(|m| m != "managed") {
            continue;
        }
        let values = values_of(text, resource.values);
        let mut found = StateAttributes {
            resource: parsed.resources.len(),
            ..StateAttributes::default()
        };
        if let (Values::Span(range), Some(raw)) = (&values, resource.values) {
            match serde_json::from_str::<Attributes>(raw.get()) {
                Ok(Attributes { ids, strings }) => {
                    found.ids = ids;
                    found.strings = strings;
                }
                Err(e) => {
                    parsed.problems.push(json::error(
                        path,
                        text,
                        range.start,
                        raw.get(),
                        &e,
                        &pointer,
                        "the resource's values",
                    ));
                    continue;
                }
            }
        }
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
            Ok(built) => {
                parsed.resources.push(built);
                if !found.ids.is_empty() || !found.strings.is_empty() {
                    attributes.push(found);
                }
            }
            Err(problem) => parsed.problems.push(problem),
        }
    }
    parsed.links = LinkData::State(attributes);
    Ok(parsed)
}

/// The top-level values of a state resource that take part in ID matching: `id` and
/// `arn`, and every top-level string (or string in a top-level array).
struct Attributes {
    ids: Vec<String>,
    strings: Vec<String>,
}

impl<'de> Deserialize<'de> for Attributes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AttributesVisitor)
    }
}

struct AttributesVisitor;

impl<'de> Visitor<'de> for AttributesVisitor {
    type Value = Attributes;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of attribute values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attributes, A::Error> {
        let mut out = Attributes::none();
        while let Some(key) = map.next_key::<IdKey>()? {
            match map.next_value::<Attribute>()? {
                Attribute::Text(text) if !text.is_empty() => {
                    if key.0 {
                        out.ids.push(text.clone());
                    }
                    out.strings.push(text);
                }
                Attribute::List(items) => out.strings.extend(items),
                _ => {}
            }
        }
        Ok(out)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Attributes, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Attributes::none())
    }

    fn visit_bool<E>(self, _: bool) -> Result<Attributes, E> {
        Ok(Attributes::none())
    }

    fn visit_i64<E>(self, _: i64) -> Result<Attributes, E> {
        Ok(Attributes::none())
    }

    fn visit_u64<E>(self, _: u64) -> Result<Attributes, E> {
        Ok(Attributes::none())
    }

    fn visit_f64<E>(self, _: f64) -> Result<Attributes, E> {
        Ok(Attributes::none())
    }

    fn visit_str<E>(self, _: &str) -> Result<Attributes, E> {
        Ok(Attributes::none())
    }

    fn visit_unit<E>(self) -> Result<Attributes, E> {
        Ok(Attributes::none())
    }
}

impl Attributes {
    fn none() -> Self {
        Self {
            ids: Vec::new(),
            strings: Vec::new(),
        }
    }
}

/// Whether a key is `id` or `arn`.
struct IdKey(bool);

impl<'de> Deserialize<'de> for IdKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = IdKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an attribute name")
            }
            fn visit_str<E>(self, v: &str) -> Result<IdKey, E> {
                Ok(IdKey(matches!(v, "id" | "arn")))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A top-level attribute value, reduced to what ID matching needs.
enum Attribute {
    Text(String),
    List(Vec<String>),
    Other,
}

impl<'de> Deserialize<'de> for Attribute {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AttributeVisitor { top: true })
    }
}

/// Reads an attribute value; `top` is false for elements of a top-level array, where
/// only strings count.
struct AttributeVisitor {
    top: bool,
}

impl<'de> Deserialize<'de> for ListItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match deserializer.deserialize_any(AttributeVisitor { top: false })? {
            Attribute::Text(text) => Ok(ListItem(Some(text))),
            _ => Ok(ListItem(None)),
        }
    }
}

/// An element of a top-level array: a string or something skipped.
struct ListItem(Option<String>);

impl<'de> Visitor<'de> for AttributeVisitor {
    type Value = Attribute;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an attribute value")
    }

    fn visit_str<E>(self, v: &str) -> Result<Attribute, E> {
        Ok(Attribute::Text(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Attribute, E> {
        Ok(Attribute::Text(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Attribute, A::Error> {
        if !self.top {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Attribute::Other);
        }
        let mut items = Vec::new();
        while let Some(ListItem(item)) = seq.next_element::<ListItem>()? {
            if let Some(text) = item.filter(|t| !t.is_empty()) {
                items.push(text);
            }
        }
        Ok(Attribute::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attribute, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Attribute::Other)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Attribute, E> {
        Ok(Attribute::Other)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Attribute, E> {
        Ok(Attribute::Other)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Attribute, E> {
        Ok(Attribute::Other)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Attribute, E> {
        Ok(Attribute::Other)
    }

    fn visit_unit<E>(self) -> Result<Attribute, E> {
        Ok(Attribute::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_for_id_matching() {
        let text = r#"{"id": "b-1", "arn": "arn:aws:s3:::b-1", "bucket": "b-1", "tags": {"a": "x"},
            "subnet_ids": ["s-1", "", 3, ["s-2"], "s-3"], "count": 2, "name": ""}"#;
        let attributes: Attributes = serde_json::from_str(text).unwrap();
        assert_eq!(attributes.ids, ["b-1", "arn:aws:s3:::b-1"]);
        assert_eq!(
            attributes.strings,
            ["b-1", "arn:aws:s3:::b-1", "b-1", "s-1", "s-3"]
        );
    }
}
