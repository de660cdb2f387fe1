//! `resource_changes`: one entry per managed instance (and per data source read at
//! apply), with the values before and after the change.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::Out;
use super::attrs::mirror;
use super::skeleton::{Action, Key, Skeleton, provider_source};

/// Old values of a resource that the plan updates in place: an owner tag changed.
pub(super) fn updated_from(state: &Value) -> Value {
    let mut before = state.clone();
    if let Value::Object(map) = &mut before {
        for key in [
            "tags",
            "tags_all",
            "labels",
            "terraform_labels",
            "effective_labels",
        ] {
            if let Some(Value::Object(tags)) = map.get_mut(key) {
                tags.insert("owner".into(), json!("legacy-ops"));
            }
        }
    }
    before
}

/// Old values of a resource the plan replaces: its name changes. Returns the values
/// and the attribute that forces the replacement.
pub(super) fn replaced_from(state: &Value) -> (Value, &'static str) {
    let mut before = state.clone();
    let mut path = "name";
    if let Value::Object(map) = &mut before {
        for key in ["bucket", "name"] {
            if let Some(Value::String(s)) = map.get_mut(key) {
                s.push_str("-v1");
                path = key;
                break;
            }
        }
    }
    (before, path)
}

/// An entry of `resource_changes`.
#[derive(Serialize)]
struct ResourceChange<'a> {
    address: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    module_address: Option<&'a str>,
    mode: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Key::is_none")]
    index: &'a Key,
    provider_name: &'a str,
    change: Change<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    action_reason: Option<&'a str>,
}

#[derive(Serialize)]
struct Change<'a> {
    actions: &'a [&'a str],
    before: &'a Value,
    after: &'a Value,
    after_unknown: &'a Value,
    before_sensitive: &'a Value,
    after_sensitive: &'a Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    replace_paths: Option<Value>,
}

/// `resource_changes`, sorted by address like Terraform's.
pub(super) fn write_changes<W: Write>(skeleton: &Skeleton, out: &mut Out<W>) -> io::Result<()> {
    let mut entries: Vec<(String, usize, usize)> = Vec::new();
    for (b, block) in skeleton.blocks.iter().enumerate() {
        if block.action == Action::DataKnown {
            continue;
        }
        for (k, key) in block.keys.iter().enumerate() {
            entries.push((skeleton.address(block, key), b, k));
        }
    }
    entries.sort_unstable();
    out.raw("[")?;
    let mut first = true;
    let null = Value::Null;
    let no = Value::Bool(false);
    let empty = Value::Object(Map::new());
    for (address, b, k) in &entries {
        let block = &skeleton.blocks[*b];
        let Some(key) = block.keys.get(*k) else {
            continue;
        };
        out.item(&mut first)?;
        let attrs = skeleton.attrs(block, key);
        let module = &skeleton.modules[block.module];
        let (actions, reason): (&[&str], Option<&str>) = match block.action {
            Action::Create => (&["create"], None),
            Action::NoOp => (&["no-op"], None),
            Action::Update => (&["update"], None),
            Action::Replace => (&["delete", "create"], Some("replace_because_cannot_update")),
            Action::Delete => (&["delete"], Some("delete_because_no_resource_config")),
            Action::DataKnown | Action::DataDeferred => {
                (&["read"], Some("read_because_dependency_pending"))
            }
        };
        let mut replace_paths = None;
        let (before, after, after_unknown) = match block.action {
            Action::Create | Action::DataDeferred | Action::DataKnown => (
                Value::Null,
                Value::Object(attrs.config.clone()),
                attrs.create_unknown(),
            ),
            Action::NoOp => {
                let state = attrs.state();
                let unknown = mirror(&state);
                (state.clone(), state, unknown)
            }
            Action::Update => {
                let state = attrs.state();
                let unknown = mirror(&state);
                (updated_from(&state), state, unknown)
            }
            Action::Replace => {
                let (before, path) = replaced_from(&attrs.state());
                replace_paths = Some(json!([[path]]));
                (
                    before,
                    Value::Object(attrs.config.clone()),
                    attrs.create_unknown(),
                )
            }
            Action::Delete => (attrs.state(), Value::Null, empty.clone()),
        };
        let before_sensitive = if before.is_null() {
            no.clone()
        } else {
            attrs.sensitive_of(&before)
        };
        let after_sensitive = if after.is_null() {
            no.clone()
        } else {
            attrs.sensitive_of(&after)
        };
        out.json(&ResourceChange {
            address,
            module_address: (!module.address.is_empty()).then_some(module.address.as_str()),
            mode: block.mode(),
            kind: block.kind.type_name(),
            name: &block.name,
            index: key,
            provider_name: provider_source(block.kind.provider()),
            change: Change {
                actions,
                before: if before.is_null() { &null } else { &before },
                after: &after,
                after_unknown: &after_unknown,
                before_sensitive: &before_sensitive,
                after_sensitive: &after_sensitive,
                replace_paths,
            },
            action_reason: reason,
        })?;
    }
    out.raw("]")
}
