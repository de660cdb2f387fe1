//! YAML documents to `serde_json::Value`, with a bound on how much an alias may expand.
//!
//! `serde_norway` replays an alias by walking the anchored events again, and stops with
//! "repetition limit exceeded" only after 100 jumps per event. A document of a few
//! megabytes that aliases a large anchor many times ("billion laughs", or its quadratic
//! cousin) could still build a value of many gigabytes before that. [`ValueSeed`] charges
//! every node and string byte it builds against a [`Budget`] proportional to the size of
//! the file, and fails when the budget runs out.

use std::cell::Cell;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use serde_json::{Map, Number, Value};

/// The message of the error raised when the budget runs out.
pub(crate) const BUDGET_EXCEEDED: &str = "the document grows too large";

/// How much [`ValueSeed`] may still build, and what it had to leave out.
pub(crate) struct Budget {
    left: Cell<usize>,
    /// Set when the budget ran out (then the error is ours and fatal for the file).
    exhausted: Cell<bool>,
    /// Something in the current document that JSON cannot hold (a tag, a complex key).
    /// The visitor does not fail on it, because after any error `serde_norway` cannot
    /// go on to the next document; the caller reports it once the document is read.
    note: Cell<Option<&'static str>>,
}

impl Budget {
    /// A budget of 8 bytes per byte of the text, plus 64 KiB.
    pub(crate) fn for_text(text: &str) -> Self {
        Self {
            left: Cell::new(text.len().saturating_mul(8).saturating_add(1 << 16)),
            exhausted: Cell::new(false),
            note: Cell::new(None),
        }
    }

    fn charge<E: de::Error>(&self, units: usize) -> Result<(), E> {
        let left = self.left.get();
        if units > left {
            self.left.set(0);
            self.exhausted.set(true);
            return Err(E::custom(BUDGET_EXCEEDED));
        }
        self.left.set(left - units);
        Ok(())
    }

    fn note(&self, what: &'static str) {
        if self.note.get().is_none() {
            self.note.set(Some(what));
        }
    }

    /// What the last document had that JSON cannot hold, if anything (and forget it).
    pub(crate) fn take_note(&self) -> Option<&'static str> {
        self.note.take()
    }

    /// Whether the budget ran out.
    pub(crate) fn exhausted(&self) -> bool {
        self.exhausted.get()
    }
}

/// Deserializes any YAML value into a `serde_json::Value`, charging a [`Budget`].
pub(crate) struct ValueSeed<'b>(pub(crate) &'b Budget);

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.0.charge(1)?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.0.charge(1)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.0.charge(1)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.0.charge(1)?;
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.0.charge(1 + v.len())?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.0.charge(1 + v.len())?;
        Ok(Value::String(v))
    }

    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Value, E> {
        self.0.note("binary values are not supported");
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.0.charge(1)?;
        Ok(Value::Null)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.0.charge(1)?;
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        ValueSeed(self.0).deserialize(deserializer)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Value, D::Error> {
        ValueSeed(self.0).deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.0.charge(1)?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(ValueSeed(self.0))? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.0.charge(1)?;
        let mut object = Map::new();
        while let Some(key) = map.next_key_seed(KeySeed(self.0))? {
            let value = map.next_value_seed(ValueSeed(self.0))?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        self.0.note(
            "YAML tags (`!Tag value`) are not supported in Kubernetes manifests; remove the tag",
        );
        let (_tag, variant) = data.variant::<IgnoredAny>()?;
        variant.newtype_variant_seed(ValueSeed(self.0))
    }
}

/// A mapping key: strings as they are, other scalars as text (`1`, `true`, `null`).
struct KeySeed<'b>(&'b Budget);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key that is a string or another scalar")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        self.0.charge(1 + v.len())?;
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        self.0.charge(1 + v.len())?;
        Ok(v)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        self.visit_string(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        self.visit_string(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        self.visit_string(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        self.visit_string(v.to_string())
    }

    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        self.visit_string("null".to_owned())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<String, A::Error> {
        self.0.note("a list as a mapping key is not supported");
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(String::new())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
        self.0.note("a mapping as a mapping key is not supported");
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(String::new())
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<String, A::Error> {
        self.0
            .note("a tagged value as a mapping key is not supported");
        let (_tag, variant) = data.variant::<IgnoredAny>()?;
        variant.newtype_variant::<IgnoredAny>()?;
        Ok(String::new())
    }
}

/// How deep flow collections (`[...]`, `{...}`) may nest. `serde_norway` stops at 128
/// levels of nesting anyway; the margin allows for the approximations of
/// [`too_deep_flow`].
pub(crate) const MAX_FLOW_DEPTH: usize = 200;

#[derive(Clone, Copy, PartialEq)]
enum Quote {
    None,
    Single,
    Double,
}

/// The 1-based line and column (in characters) where flow collections nest deeper than
/// `limit`, if they do.
///
/// libyaml's scanner does work proportional to the flow depth for every token, so a
/// file of a few hundred kilobytes of `[[[[…` keeps it busy for minutes. This linear
/// pre-scan finds such files first. It knows enough YAML not to count brackets inside
/// quoted scalars, comments, block scalars (`|`, `>`) and plain scalars in block
/// context.
pub(crate) fn too_deep_flow(text: &str, limit: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut quote = Quote::None;
    // Indentation of the line that opened a block scalar: deeper lines are its content.
    let mut block_scalar: Option<usize> = None;
    for (line_index, line) in text.split('\n').enumerate() {
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|&&b| b == b' ').count();
        if quote == Quote::None
            && depth == 0
            && let Some(parent) = block_scalar
        {
            if line.trim().is_empty() || indent > parent {
                continue;
            }
            block_scalar = None;
        }
        let document_marker = depth == 0
            && quote == Quote::None
            && (line.starts_with("--- ") || line.starts_with("---\t") || line == "---");
        // Block context: whether the next character starts a value (where `[`, `{`,
        // quotes, `|` and `>` mean something). Flow context: whether it starts a scalar.
        let mut at_start = true;
        let mut in_property = false;
        let (mut escaped, mut skip_next) = (false, false);
        let mut column = 0usize;
        let mut previous = b' ';
        for (i, &b) in bytes.iter().enumerate() {
            if b & 0xC0 != 0x80 {
                column += 1;
            }
            let before = std::mem::replace(&mut previous, b);
            if skip_next {
                skip_next = false;
                continue;
            }
            if document_marker && i < 3 {
                continue;
            }
            let next = bytes.get(i + 1).copied();
            let space_after = matches!(next, None | Some(b' ' | b'\t' | b'\r'));
            match quote {
                Quote::Double => {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        quote = Quote::None;
                        at_start = false;
                    }
                    continue;
                }
                Quote::Single => {
                    if b == b'\'' && next == Some(b'\'') {
                        skip_next = true;
                    } else if b == b'\'' {
                        quote = Quote::None;
                        at_start = false;
                    }
                    continue;
                }
                Quote::None => {}
            }
            if b == b'#' && matches!(before, b' ' | b'\t') {
                break;
            }
            if in_property {
                in_property = !matches!(b, b' ' | b'\t');
                continue;
            }
            if depth > 0 {
                match b {
                    b'[' | b'{' => {
                        depth += 1;
                        if depth > limit {
                            return Some((line_index + 1, column));
                        }
                        at_start = true;
                    }
                    b']' | b'}' => {
                        depth -= 1;
                        at_start = false;
                    }
                    b',' => at_start = true,
                    b':' if space_after => at_start = true,
                    b'"' if at_start => quote = Quote::Double,
                    b'\'' if at_start => quote = Quote::Single,
                    b'&' | b'!' if at_start => in_property = true,
                    b' ' | b'\t' | b'\r' => {}
                    _ => at_start = false,
                }
                continue;
            }
            match b {
                b' ' | b'\t' | b'\r' => {}
                b'[' | b'{' if at_start => depth = 1,
                b'"' if at_start => quote = Quote::Double,
                b'\'' if at_start => quote = Quote::Single,
                b'|' | b'>' if at_start => {
                    block_scalar = Some(indent);
                    break;
                }
                b'&' | b'!' if at_start => in_property = true,
                b'-' | b'?' if at_start && space_after => {}
                b':' if space_after => at_start = true,
                _ => at_start = false,
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Value, String> {
        let budget = Budget::for_text(text);
        let document = serde_norway::Deserializer::from_str(text);
        ValueSeed(&budget)
            .deserialize(document)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn scalars_and_keys() {
        let value = read("a: 1\nb: [true, 1.5, ~, x]\n1: one\n").unwrap();
        assert_eq!(
            value,
            serde_json::json!({"a": 1, "b": [true, 1.5, null, "x"], "1": "one"})
        );
    }

    #[test]
    fn aliases_within_budget() {
        let value = read("a: &a [x, y]\nb: *a\n").unwrap();
        assert_eq!(value, serde_json::json!({"a": ["x", "y"], "b": ["x", "y"]}));
    }

    #[test]
    fn quadratic_alias_blowup_stops() {
        let mut text = format!("a: &a [{}]\nb: [", vec!["xxxxxxxxxx"; 1000].join(", "));
        text.push_str(&vec!["*a"; 20_000].join(", "));
        text.push_str("]\n");
        let error = read(&text).unwrap_err();
        assert!(error.contains(BUDGET_EXCEEDED), "{error}");
    }

    #[test]
    fn flow_depth_prescan_finds_deep_nesting() {
        let open = "[".repeat(300);
        assert_eq!(too_deep_flow(&format!("a: {open}\n"), 200), Some((1, 204)));
        let maps = "{a: ".repeat(300);
        assert!(too_deep_flow(&format!("a:\n  b: &x !t {maps}\n"), 200).is_some());
        assert!(too_deep_flow(&format!("- {open}\n"), 200).is_some());
        assert!(too_deep_flow(&format!("--- {open}\n"), 200).is_some());
        assert!(too_deep_flow(&format!("a: [\n{}]\n", "  [\n".repeat(300)), 200).is_some());
        assert!(too_deep_flow(&format!("a: ['x', \"y\", {open}\n"), 200).is_some());
    }

    #[test]
    fn flow_depth_prescan_ignores_brackets_that_are_not_flow() {
        let close = "]".repeat(150);
        let open = "[".repeat(150);
        assert_eq!(too_deep_flow(&format!("a: {open}{close}\n"), 200), None);
        // Balanced many times over does not add up.
        let many = format!("a: {open}{close}\n").repeat(50);
        assert_eq!(too_deep_flow(&many, 200), None);
        let open = "[".repeat(300);
        let lines = [
            format!("script: |\n  {open}\n\n  more {open}\nnext: 1"),
            format!("folded: >-\n    {open}\n"),
            format!("- |\n  {open}\n"),
            format!("regex: ^{open}"),
            format!("quoted: \"{open}\""),
            format!("escaped: \"\\\"{open}\""),
            format!("multi: \"a\n  {open}\n  b\""),
            format!("single: 'it''s {open}'"),
            format!("flow: ['{open}', \"{open}\", x] # {open}"),
            format!("plain: it's [a {open}"),
            format!("# {open}"),
            format!("a: b # {open}"),
            format!("url: http://x/{open}"),
        ];
        for text in lines {
            assert_eq!(too_deep_flow(&text, 200), None, "{text}");
        }
    }

    #[test]
    fn tags_and_complex_keys_are_noted_not_failed() {
        for text in [
            "a: !Ref x\nb: 1\n",
            "? [a, b]\n: c\nd: 1\n",
            "? !T x\n: c\n",
        ] {
            let budget = Budget::for_text(text);
            let document = serde_norway::Deserializer::from_str(text);
            let value = ValueSeed(&budget).deserialize(document).unwrap();
            assert!(value.is_object(), "{text}: {value}");
            assert!(budget.take_note().is_some(), "{text}");
            assert!(budget.take_note().is_none());
        }
    }
}
