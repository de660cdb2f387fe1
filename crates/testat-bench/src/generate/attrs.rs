//! Attribute values of one generated resource, split the way a plan needs them: what
//! the configuration sets (known at plan time), what the provider computes (known only
//! after apply), and the configuration expressions that produced them.

use serde_json::{Map, Value, json};

/// One resource block's attributes.
#[derive(Debug, Default, Clone)]
pub struct Attrs {
    /// Values known at plan time: set in the configuration or provider defaults. This is
    /// `change.after` of a resource being created.
    pub config: Map<String, Value>,
    /// Values known only after apply, as they end up in state (`id`, `arn`, …), and
    /// values taken from references to resources not created yet.
    pub computed: Map<String, Value>,
    /// State values that differ from `config` (nested computed values).
    pub state_patch: Map<String, Value>,
    /// Entries of `after_unknown` that differ from the plain mirror of `config`.
    pub unknown_patch: Map<String, Value>,
    /// Top-level attributes that are sensitive.
    pub sensitive: Vec<&'static str>,
    /// `expressions` of the configuration block.
    pub exprs: Map<String, Value>,
    /// Configuration addresses this resource depends on (recorded in state).
    pub depends_on: Vec<String>,
}

impl Attrs {
    /// Set in the configuration to a constant.
    pub fn set(&mut self, key: &str, value: Value) {
        self.exprs.insert(key.to_owned(), constant(&value));
        self.config.insert(key.to_owned(), value);
    }

    /// Set in the configuration by an expression other than a constant.
    pub fn set_expr(&mut self, key: &str, value: Value, expr: Value) {
        self.exprs.insert(key.to_owned(), expr);
        self.config.insert(key.to_owned(), value);
    }

    /// A value the provider fills in at plan time (defaults, `null` optionals).
    pub fn fill(&mut self, key: &str, value: Value) {
        self.config.insert(key.to_owned(), value);
    }

    /// A value known only after apply.
    pub fn computed(&mut self, key: &str, value: Value) {
        self.computed.insert(key.to_owned(), value);
    }

    /// Set from a reference to another resource: unknown when that one is created in
    /// the same plan, known in state.
    pub fn reference(&mut self, key: &str, value: Value, references: Vec<String>) {
        self.exprs
            .insert(key.to_owned(), json!({ "references": references }));
        self.computed.insert(key.to_owned(), value);
    }

    /// The resource's values in state: configuration, computed values and patches.
    pub fn state(&self) -> Value {
        let mut state = self.config.clone();
        for (key, value) in self.computed.iter().chain(&self.state_patch) {
            state.insert(key.clone(), value.clone());
        }
        Value::Object(state)
    }

    /// `after_unknown` of a resource being created.
    pub fn create_unknown(&self) -> Value {
        let mut unknown = match mirror(&Value::Object(self.config.clone())) {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        for key in self.computed.keys() {
            unknown.insert(key.clone(), Value::Bool(true));
        }
        for (key, value) in &self.unknown_patch {
            unknown.insert(key.clone(), value.clone());
        }
        Value::Object(unknown)
    }

    /// `sensitive_values` / `after_sensitive` for `values`.
    pub fn sensitive_of(&self, values: &Value) -> Value {
        let mut mirrored = mirror(values);
        if let Value::Object(map) = &mut mirrored {
            for key in &self.sensitive {
                map.insert((*key).to_owned(), Value::Bool(true));
            }
        }
        mirrored
    }
}

/// A configuration expression for a constant value: `{"constant_value": v}`, and for
/// nested blocks (arrays of objects) the block form, one expression per attribute.
pub fn constant(value: &Value) -> Value {
    match value {
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => {
            Value::Array(
                items
                    .iter()
                    .map(|item| match item {
                        Value::Object(fields) => Value::Object(
                            fields
                                .iter()
                                .filter(|(_, v)| !v.is_null())
                                .map(|(k, v)| (k.clone(), constant(v)))
                                .collect(),
                        ),
                        other => json!({ "constant_value": other }),
                    })
                    .collect(),
            )
        }
        other => json!({ "constant_value": other }),
    }
}

/// The shape Terraform uses for `after_unknown`, `before_sensitive` and friends:
/// objects keep their nested collections, lists keep one `false` per scalar element,
/// scalars disappear.
pub fn mirror(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| v.is_array() || v.is_object())
                .map(|(k, v)| (k.clone(), mirror(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| {
                    if item.is_array() || item.is_object() {
                        mirror(item)
                    } else {
                        Value::Bool(false)
                    }
                })
                .collect(),
        ),
        _ => Value::Bool(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirror_keeps_collections() {
        let value = json!({"a": 1, "tags": {"x": "y"}, "ingress": [{"cidr_blocks": ["0.0.0.0/0"], "from_port": 22}]});
        assert_eq!(
            mirror(&value),
            json!({"tags": {}, "ingress": [{"cidr_blocks": [false]}]})
        );
    }

    #[test]
    fn constant_uses_block_form_for_nested_blocks() {
        let value = json!([{"status": "Enabled", "mfa": null}]);
        assert_eq!(
            constant(&value),
            json!([{"status": {"constant_value": "Enabled"}}])
        );
        assert_eq!(constant(&json!("x")), json!({"constant_value": "x"}));
    }

    #[test]
    fn create_unknown_marks_computed() {
        let mut attrs = Attrs::default();
        attrs.set("bucket", json!("b"));
        attrs.computed("arn", json!("arn:aws:s3:::b"));
        attrs.set("tags", json!({"k": "v"}));
        assert_eq!(attrs.create_unknown(), json!({"arn": true, "tags": {}}));
        assert_eq!(attrs.state()["arn"], json!("arn:aws:s3:::b"));
    }
}
