//! The `values` sections of a plan: `planned_values` (what the plan leaves) and
//! `prior_state` (what existed before it).

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

use super::Out;
use super::changes::{replaced_from, updated_from};
use super::skeleton::{Action, Block, Key, Skeleton, provider_source};

/// A resource in `planned_values` or `prior_state`.
#[derive(Serialize)]
struct ValuesResource<'a> {
    address: &'a str,
    mode: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Key::is_none")]
    index: &'a Key,
    provider_name: &'a str,
    schema_version: u32,
    values: &'a Value,
    sensitive_values: &'a Value,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    depends_on: &'a [String],
}

/// Which resources a `values` section lists.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    Planned,
    Prior,
}

impl Section {
    pub(super) fn wants(self, block: &Block) -> bool {
        match self {
            Self::Planned => !matches!(block.action, Action::Delete | Action::DataDeferred),
            Self::Prior => block.action.in_state(),
        }
    }
}

/// `root_module` (or a child module) of `planned_values` or `prior_state.values`.
pub(super) fn write_values_module<W: Write>(
    skeleton: &Skeleton,
    out: &mut Out<W>,
    module: usize,
    section: Section,
) -> io::Result<()> {
    let m = &skeleton.modules[module];
    let mut first = true;
    out.raw("{")?;
    let blocks: Vec<&Block> = m
        .blocks
        .iter()
        .map(|&b| &skeleton.blocks[b])
        .filter(|b| section.wants(b))
        .collect();
    if !blocks.is_empty() {
        out.key(&mut first, "resources")?;
        out.raw("[")?;
        let mut first_item = true;
        for block in blocks {
            for key in &block.keys {
                out.item(&mut first_item)?;
                let attrs = skeleton.attrs(block, key);
                let values = match (section, block.action) {
                    (Section::Planned, Action::Create | Action::Replace) => {
                        Value::Object(attrs.config.clone())
                    }
                    (Section::Prior, Action::Update) => updated_from(&attrs.state()),
                    (Section::Prior, Action::Replace) => replaced_from(&attrs.state()).0,
                    _ => attrs.state(),
                };
                let address = skeleton.address(block, key);
                let depends_on: &[String] = if section == Section::Prior {
                    &attrs.depends_on
                } else {
                    &[]
                };
                out.json(&ValuesResource {
                    address: &address,
                    mode: block.mode(),
                    kind: block.kind.type_name(),
                    name: &block.name,
                    index: key,
                    provider_name: provider_source(block.kind.provider()),
                    schema_version: 0,
                    values: &values,
                    sensitive_values: &attrs.sensitive_of(&values),
                    depends_on,
                })?;
            }
        }
        out.raw("]")?;
    }
    if module != 0 {
        out.key(&mut first, "address")?;
        out.json(&m.address)?;
    }
    let children: Vec<usize> = m
        .children
        .iter()
        .copied()
        .filter(|&c| skeleton.has_any(c, &|b| section.wants(b)))
        .collect();
    if !children.is_empty() {
        out.key(&mut first, "child_modules")?;
        out.raw("[")?;
        let mut first_item = true;
        for child in children {
            out.item(&mut first_item)?;
            write_values_module(skeleton, out, child, section)?;
        }
        out.raw("]")?;
    }
    out.raw("}")
}
