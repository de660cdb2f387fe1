//! `configuration` (resource blocks with their expressions, module calls, variables)
//! and `relevant_attributes` (the attributes that references read).

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::Out;
use super::kinds::Repeat;
use super::skeleton::{Action, Block, Skeleton};

/// A resource block in `configuration`.
#[derive(Serialize)]
struct ConfigResource<'a> {
    address: &'a str,
    mode: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    name: &'a str,
    provider_config_key: &'a str,
    #[serde(skip_serializing_if = "Map::is_empty")]
    expressions: &'a Map<String, Value>,
    schema_version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    count_expression: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    for_each_expression: Option<Value>,
}

/// A module of `configuration`: its resource blocks, module calls and variables.
pub(super) fn write_config_module<W: Write>(
    skeleton: &Skeleton,
    out: &mut Out<W>,
    module: usize,
) -> io::Result<()> {
    let m = &skeleton.modules[module];
    let mut first = true;
    out.raw("{")?;
    let in_config = |b: &Block| b.action != Action::Delete;
    let blocks: Vec<&Block> = m
        .blocks
        .iter()
        .map(|&b| &skeleton.blocks[b])
        .filter(|b| in_config(b))
        .collect();
    if !blocks.is_empty() {
        out.key(&mut first, "resources")?;
        out.raw("[")?;
        let mut first_item = true;
        for block in blocks {
            out.item(&mut first_item)?;
            let Some(key) = block.keys.first() else {
                continue;
            };
            let attrs = skeleton.attrs(block, key);
            let (count_expression, for_each_expression) = match block.repeat {
                Repeat::Single => (None, None),
                Repeat::Count => (Some(json!({ "constant_value": block.keys.len() })), None),
                Repeat::ForEach => (None, Some(json!({ "references": ["local.regions"] }))),
            };
            let address = block.local_address();
            out.json(&ConfigResource {
                address: &address,
                mode: block.mode(),
                kind: block.kind.type_name(),
                name: &block.name,
                provider_config_key: block.kind.provider(),
                expressions: &attrs.exprs,
                schema_version: 0,
                count_expression,
                for_each_expression,
            })?;
        }
        out.raw("]")?;
    }
    let children: Vec<usize> = m
        .children
        .iter()
        .copied()
        .filter(|&c| skeleton.has_any(c, &in_config))
        .collect();
    if !children.is_empty() {
        out.key(&mut first, "module_calls")?;
        out.raw("{")?;
        let mut first_call = true;
        for child in children {
            let c = &skeleton.modules[child];
            out.key(&mut first_call, &c.call)?;
            out.raw("{\"source\":")?;
            out.json(c.source)?;
            out.raw(",\"expressions\":")?;
            out.json(&json!({
                "environment": { "constant_value": c.env },
                "network": { "references": ["var.network"] },
                "resource_group_name": { "references": ["var.resource_group_name"] },
                "vpc_id": { "references": ["var.vpc_id"] }
            }))?;
            out.raw(",\"module\":")?;
            write_config_module(skeleton, out, child)?;
            out.raw("}")?;
        }
        out.raw("}")?;
    }
    out.key(&mut first, "variables")?;
    out.json(&json!({
        "environment": { "description": "Deployment environment: prod, staging or dev." },
        "network": { "description": "Self link of the Google VPC network." },
        "resource_group_name": { "description": "Azure resource group of the environment." },
        "vpc_id": { "description": "ID of the AWS VPC the security groups belong to." }
    }))?;
    out.raw("}")
}

/// `relevant_attributes`: the attributes of existing resources that references read.
pub(super) fn write_relevant_attributes<W: Write>(
    skeleton: &Skeleton,
    out: &mut Out<W>,
) -> io::Result<()> {
    out.raw("[")?;
    let mut first = true;
    for block in &skeleton.blocks {
        let (Some(target), true) = (&block.target, block.action.in_state()) else {
            continue;
        };
        let module = &skeleton.modules[block.module];
        let resource = if module.address.is_empty() {
            target.clone()
        } else {
            format!("{}.{target}", module.address)
        };
        out.item(&mut first)?;
        out.json(&json!({ "resource": resource, "attribute": ["id"] }))?;
    }
    out.raw("]")
}
