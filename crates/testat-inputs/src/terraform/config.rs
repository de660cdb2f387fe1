//! A plan's `configuration` section: which resource refers to which.
//!
//! Terraform records, for every expression in the configuration, the references it
//! contains (`"references": ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"]`). This is
//! where links between resources come from in a plan: the values themselves are often
//! unknown until apply (a versioning resource's `bucket` is the bucket's ID).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::MAX_MODULE_DEPTH;
use super::address::{Key as RefKey, reference_parts};
use crate::InputError;
use crate::link_data::{Pick, Reference};

/// `configuration`.
#[derive(Deserialize)]
pub(super) struct Configuration {
    /// Provider configurations by key (`aws`, `aws.us`, `store:aws` for one declared in
    /// module `store`).
    #[serde(default)]
    provider_config: BTreeMap<String, ProviderConfig>,
    root_module: Option<ConfigModule>,
}

/// `provider_config.<key>`, reduced to its `region`.
#[derive(Deserialize)]
struct ProviderConfig {
    #[serde(default)]
    expressions: ProviderExpressions,
}

#[derive(Deserialize, Default)]
struct ProviderExpressions {
    region: Option<Expression>,
}

/// An expression: a constant, or the references it makes.
#[derive(Deserialize)]
struct Expression {
    constant_value: Option<serde_json::Value>,
    #[serde(default)]
    references: Vec<String>,
}

/// A plan's `variables.<name>`.
#[derive(Deserialize)]
pub(super) struct Variable {
    value: Option<serde_json::Value>,
}

/// A module of the configuration (the root module, or the `module` of a module call).
#[derive(Deserialize)]
struct ConfigModule {
    #[serde(default)]
    resources: Vec<ConfigResource>,
    #[serde(default)]
    module_calls: BTreeMap<String, ModuleCall>,
}

/// `module_calls.<name>`.
#[derive(Deserialize)]
struct ModuleCall {
    module: Option<ConfigModule>,
}

/// A resource block of the configuration, reduced to the references it makes and the
/// provider configuration that manages it.
#[derive(Deserialize)]
struct ConfigResource {
    address: Option<String>,
    mode: Option<String>,
    provider_config_key: Option<String>,
    #[serde(default)]
    expressions: ResourceExpressions,
    #[serde(default)]
    count_expression: References,
    #[serde(default)]
    for_each_expression: References,
}

/// The `references` arrays anywhere inside an expression tree, one group per array:
/// Terraform writes one array per expression (an attribute, or an attribute of a nested
/// block), so references in one group were written together (`b[each.key].id` gives
/// `["b", "each.key"]`).
#[derive(Default)]
struct References(Vec<Vec<String>>);

/// A resource's `expressions`: the references of its attributes and blocks, and
/// whether it sets `region` itself (then its provider configuration's does not apply).
#[derive(Default)]
struct ResourceExpressions {
    references: References,
    sets_region: bool,
}

impl<'de> Deserialize<'de> for ResourceExpressions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Top;
        impl<'de> Visitor<'de> for Top {
            type Value = ResourceExpressions;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the expressions of a resource")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = ResourceExpressions::default();
                while let Some(key) = map.next_key::<String>()? {
                    out.sets_region |= key == "region";
                    map.next_value_seed(Collect {
                        out: &mut out.references.0,
                    })?;
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(Top)
    }
}

impl<'de> Deserialize<'de> for References {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut out = Vec::new();
        Collect { out: &mut out }.deserialize(deserializer)?;
        Ok(Self(out))
    }
}

/// Walks any JSON, collecting the strings of `references` arrays. Recursion follows the
/// JSON's nesting, which `serde_json` limits to 128 levels.
struct Collect<'o> {
    out: &'o mut Vec<Vec<String>>,
}

impl<'de> DeserializeSeed<'de> for Collect<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Collect<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Terraform expressions")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let out = self.out;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::References => map.next_value_seed(ReferenceList { out: &mut *out })?,
                Key::ConstantValue => {
                    map.next_value::<IgnoredAny>()?;
                }
                Key::Other => map.next_value_seed(Collect { out: &mut *out })?,
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let out = self.out;
        while seq.next_element_seed(Collect { out: &mut *out })?.is_some() {}
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// The keys the collector cares about.
enum Key {
    References,
    ConstantValue,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, v: &str) -> Result<Key, E> {
                Ok(match v {
                    "references" => Key::References,
                    "constant_value" => Key::ConstantValue,
                    _ => Key::Other,
                })
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The value of a `references` key: an array of strings is one group, anything else is
/// walked.
struct ReferenceList<'o> {
    out: &'o mut Vec<Vec<String>>,
}

impl<'de> DeserializeSeed<'de> for ReferenceList<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ReferenceList<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of references")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut group = Vec::new();
        while let Some(item) = seq.next_element::<Item>()? {
            if let Item::Text(reference) = item {
                group.push(reference);
            }
        }
        if !group.is_empty() {
            self.out.push(group);
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        Collect { out: self.out }.visit_map(map)
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// An element of a `references` array: a string, or something we skip.
enum Item {
    Text(String),
    Other,
}

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ItemVisitor;
        impl<'de> Visitor<'de> for ItemVisitor {
            type Value = Item;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a reference")
            }
            fn visit_str<E>(self, v: &str) -> Result<Item, E> {
                Ok(Item::Text(v.to_owned()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Item, E> {
                Ok(Item::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Item, E> {
                Ok(Item::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Item, E> {
                Ok(Item::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Item, E> {
                Ok(Item::Other)
            }
            fn visit_unit<E>(self) -> Result<Item, E> {
                Ok(Item::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Item, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Item::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Item::Other)
            }
        }
        deserializer.deserialize_any(ItemVisitor)
    }
}

/// The references of one expression group to managed resources, each with how it picks
/// instances. `iterates` is true for the group of `for_each`, whose keys become the
/// instances' keys.
fn classify(group: &[String], iterates: bool, out: &mut BTreeSet<(String, Pick)>) {
    let by_iteration = iterates
        || group
            .iter()
            .any(|r| r == "each.key" || r == "count.index" || r.starts_with("each.key."));
    let mut literal: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut named: BTreeSet<String> = BTreeSet::new();
    let mut keyed_by_iteration: BTreeSet<String> = BTreeSet::new();
    for reference in group {
        let Some((target, key)) = reference_parts(reference) else {
            continue;
        };
        match key {
            Some(RefKey::Literal(key)) => {
                literal.entry(target.clone()).or_default().insert(key);
            }
            Some(RefKey::Iteration) => {
                keyed_by_iteration.insert(target.clone());
            }
            Some(RefKey::Other) | None => {}
        }
        named.insert(target);
    }
    for target in named {
        if let Some(keys) = literal.remove(&target) {
            for key in keys {
                out.insert((target.clone(), Pick::Literal(key)));
            }
        } else if by_iteration || keyed_by_iteration.contains(&target) {
            out.insert((target, Pick::SameKey));
        } else {
            out.insert((target, Pick::Any));
        }
    }
}

/// For each managed resource of the configuration (by configuration address, with the
/// `module.<name>.` prefixes of the module calls it sits in) that does not set `region`
/// itself and whose provider configuration states its `region`, that region: a constant, or a root module
/// variable's value from the plan's `variables`. A variable of a module's own, a local
/// or a function call does not say, nor does a provider block without `region` (the
/// environment sets it then).
pub(super) fn provider_regions(
    configuration: &Configuration,
    variables: &BTreeMap<String, Variable>,
) -> HashMap<String, String> {
    let region_of = |key: &str| -> Option<String> {
        let expression = configuration
            .provider_config
            .get(key)?
            .expressions
            .region
            .as_ref()?;
        if let Some(value) = &expression.constant_value {
            return value.as_str().map(str::to_owned);
        }
        // Only the root module's variables are in the plan.
        let [reference] = expression.references.as_slice() else {
            return None;
        };
        let name = reference
            .strip_prefix("var.")
            .filter(|_| !key.contains(':'))?;
        variables
            .get(name)?
            .value
            .as_ref()?
            .as_str()
            .map(str::to_owned)
    };
    let mut out = HashMap::new();
    let Some(root) = &configuration.root_module else {
        return out;
    };
    let mut stack = vec![(root, String::new(), 0usize)];
    while let Some((module, prefix, depth)) = stack.pop() {
        if depth > MAX_MODULE_DEPTH {
            // `references` reports this.
            continue;
        }
        for resource in &module.resources {
            let (Some(address), Some(key)) = (&resource.address, &resource.provider_config_key)
            else {
                continue;
            };
            if resource.expressions.sets_region {
                continue;
            }
            if let Some(region) = region_of(key).filter(|region| !region.is_empty()) {
                out.insert(format!("{prefix}{address}"), region);
            }
        }
        for (name, call) in &module.module_calls {
            if let Some(child) = &call.module {
                stack.push((child, format!("{prefix}module.{name}."), depth + 1));
            }
        }
    }
    out
}

/// For each managed resource of the configuration (by configuration address, with the
/// `module.<name>.` prefixes of the module calls it sits in), the managed resources its
/// expressions and `for_each` refer to, and how each reference picks instances. A
/// resource named only in `count` is a reference that picks any instance, and only when
/// no expression names it.
pub(super) fn references(
    path: &Path,
    configuration: Configuration,
) -> Result<HashMap<String, Vec<Reference>>, InputError> {
    let mut out: HashMap<String, Vec<Reference>> = HashMap::new();
    let Some(root) = configuration.root_module else {
        return Ok(out);
    };
    let mut stack = vec![(root, String::new(), 0usize)];
    while let Some((module, prefix, depth)) = stack.pop() {
        if depth > MAX_MODULE_DEPTH {
            return Err(InputError::Limit {
                path: path.to_path_buf(),
                message: format!(
                    "at /configuration: module calls are nested more than {MAX_MODULE_DEPTH} levels deep (in {prefix}); Testat does not read such files"
                ),
            });
        }
        for resource in module.resources {
            if resource.mode.as_deref().is_some_and(|m| m != "managed") {
                continue;
            }
            let Some(address) = resource.address else {
                continue;
            };
            let from = format!("{prefix}{address}");
            let mut found = BTreeSet::new();
            for group in &resource.expressions.references.0 {
                classify(group, false, &mut found);
            }
            for group in &resource.for_each_expression.0 {
                classify(group, true, &mut found);
            }
            let mut by_count = BTreeSet::new();
            for group in &resource.count_expression.0 {
                classify(group, false, &mut by_count);
            }
            for (target, _) in by_count {
                if !found.iter().any(|(t, _)| *t == target) {
                    found.insert((target, Pick::Any));
                }
            }
            let targets: Vec<Reference> = found
                .into_iter()
                .map(|(target, pick)| Reference {
                    target: format!("{prefix}{target}"),
                    pick,
                })
                .filter(|reference| reference.target != from)
                .collect();
            if !targets.is_empty() {
                out.entry(from).or_default().extend(targets);
            }
        }
        for (name, call) in module.module_calls {
            if let Some(child) = call.module {
                stack.push((child, format!("{prefix}module.{name}."), depth + 1));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_regions_of_resources() {
        let configuration: Configuration = serde_json::from_value(serde_json::json!({
            "provider_config": {
                "aws": {"name": "aws", "expressions": {"region": {"references": ["var.region"]}}},
                "aws.us": {"name": "aws", "alias": "us",
                    "expressions": {"region": {"constant_value": "us-east-1"}}},
                "aws.env": {"name": "aws", "alias": "env", "expressions": {}},
                "net:aws": {"name": "aws", "module_address": "module.net",
                    "expressions": {"region": {"references": ["var.region"]}}}
            },
            "root_module": {
                "resources": [
                    {"address": "aws_s3_bucket.a", "mode": "managed", "provider_config_key": "aws",
                        "expressions": {"bucket": {"constant_value": "a"}}},
                    {"address": "aws_s3_bucket.own", "mode": "managed", "provider_config_key": "aws",
                        "expressions": {"region": {"constant_value": "eu-west-1"}}},
                    {"address": "aws_s3_bucket.us", "mode": "managed", "provider_config_key": "aws.us"},
                    {"address": "aws_s3_bucket.env", "mode": "managed", "provider_config_key": "aws.env"}
                ],
                "module_calls": {"net": {"module": {"resources": [
                    {"address": "aws_vpc.v", "mode": "managed", "provider_config_key": "net:aws"}
                ]}}}
            }
        }))
        .unwrap();
        let variables: BTreeMap<String, Variable> =
            serde_json::from_value(serde_json::json!({"region": {"value": "eu-central-1"}}))
                .unwrap();
        let regions = provider_regions(&configuration, &variables);
        assert_eq!(
            regions.get("aws_s3_bucket.a").map(String::as_str),
            Some("eu-central-1")
        );
        assert_eq!(
            regions.get("aws_s3_bucket.us").map(String::as_str),
            Some("us-east-1")
        );
        // Its own region wins; the environment and a module's own variable do not say.
        assert_eq!(regions.get("aws_s3_bucket.own"), None);
        assert_eq!(regions.get("aws_s3_bucket.env"), None);
        assert_eq!(regions.get("module.net.aws_vpc.v"), None);
        assert_eq!(regions.len(), 2);
    }

    #[test]
    fn how_references_pick_instances() {
        let mut found = BTreeSet::new();
        let group = |refs: &[&str]| refs.iter().map(|r| (*r).to_owned()).collect::<Vec<_>>();
        classify(&group(&["aws_s3_bucket.b", "each.key"]), false, &mut found);
        classify(
            &group(&["aws_s3_bucket.c", "count.index"]),
            false,
            &mut found,
        );
        classify(
            &group(&[
                r#"aws_s3_bucket.e["one"].id"#,
                r#"aws_s3_bucket.e["one"]"#,
                "aws_s3_bucket.e",
            ]),
            false,
            &mut found,
        );
        classify(
            &group(&["aws_s3_bucket.g", "local.pick"]),
            false,
            &mut found,
        );
        classify(
            &group(&["aws_s3_bucket.h", "each.value"]),
            false,
            &mut found,
        );
        classify(&group(&["aws_s3_bucket.f"]), true, &mut found);
        let found: Vec<String> = found.iter().map(|(t, p)| format!("{t} {p:?}")).collect();
        assert_eq!(
            found,
            [
                "aws_s3_bucket.b SameKey",
                "aws_s3_bucket.c SameKey",
                r#"aws_s3_bucket.e Literal("[\"one\"]")"#,
                "aws_s3_bucket.f SameKey",
                "aws_s3_bucket.g Any",
                "aws_s3_bucket.h Any",
            ]
        );
    }

    #[test]
    fn references_anywhere_in_expressions() {
        let text = r#"{"root_module": {
            "resources": [
              {"address": "aws_s3_bucket.logs", "mode": "managed", "expressions": {"bucket": {"constant_value": {"references": ["aws_fake.x"]}}}},
              {"address": "aws_s3_bucket_server_side_encryption_configuration.logs", "mode": "managed",
               "expressions": {
                 "bucket": {"references": ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"]},
                 "rule": [{"apply_server_side_encryption_by_default": [{
                    "kms_master_key_id": {"references": ["aws_kms_key.k[0].arn", "var.key", "data.aws_kms_key.d.id"]},
                    "sse_algorithm": {"constant_value": "aws:kms"}}]}]}},
              {"address": "data.aws_iam_policy_document.p", "mode": "data",
               "expressions": {"x": {"references": ["aws_s3_bucket.logs.arn"]}}},
              {"address": "aws_s3_bucket_versioning.logs", "mode": "managed",
               "for_each_expression": {"references": ["aws_s3_bucket.logs"]},
               "expressions": {"bucket": {"references": ["each.value.id", "each.value"]}}}
            ],
            "module_calls": {"store": {"source": "./store", "module": {
              "resources": [{"address": "aws_s3_bucket_versioning.this", "mode": "managed",
                "expressions": {"bucket": {"references": ["aws_s3_bucket.this.id", "aws_s3_bucket.this"]}}}],
              "module_calls": {"inner": {"module": {"resources": [{"address": "aws_s3_bucket_policy.p", "mode": "managed",
                "expressions": {"bucket": {"references": ["aws_s3_bucket.b.id"]}, "policy": {"references": ["self.x", "module.x.y"]}}}]}}}
            }}}
        }}"#;
        let configuration: Configuration = serde_json::from_str(text).unwrap();
        let refs = references(Path::new("plan.json"), configuration).unwrap();
        let get = |from: &str| -> Vec<String> {
            refs.get(from)
                .map(|list| {
                    list.iter()
                        .map(|r| format!("{} {:?}", r.target, r.pick))
                        .collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(get("aws_s3_bucket.logs"), Vec::<String>::new());
        assert_eq!(
            get("aws_s3_bucket_server_side_encryption_configuration.logs"),
            [r#"aws_kms_key.k Literal("[0]")"#, "aws_s3_bucket.logs Any"]
        );
        assert_eq!(
            get("aws_s3_bucket_versioning.logs"),
            ["aws_s3_bucket.logs SameKey"]
        );
        assert_eq!(
            get("module.store.aws_s3_bucket_versioning.this"),
            ["module.store.aws_s3_bucket.this Any"]
        );
        assert_eq!(
            get("module.store.module.inner.aws_s3_bucket_policy.p"),
            ["module.store.module.inner.aws_s3_bucket.b Any"]
        );
        assert_eq!(refs.len(), 4);
    }
}
