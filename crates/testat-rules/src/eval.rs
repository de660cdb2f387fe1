//! Evaluating rules on resources, in parallel.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use cel::objects::{Key, Map};
use cel::{Context, Value};
use rayon::prelude::*;
use serde_json::Value as Json;
use testat_inputs::{ACCOUNT_KIND, InputSet, Resource};

use crate::finding::{Finding, Outcome};
use crate::rule::Scope;
use crate::ruleset::{Rule, RuleSet};

/// Evaluates every rule on every resource it applies to.
///
/// Resources are evaluated in parallel; each resource's values are parsed once, and
/// only when some rule applies to its kind. Findings come back in resource order, and
/// within a resource in rule order, whatever the thread count.
pub fn evaluate(inputs: &InputSet, rules: &RuleSet) -> Vec<Finding> {
    evaluate_with(inputs, rules, None)
}

/// Like [`evaluate`], but only the rules whose indexes are given.
pub fn evaluate_with(inputs: &InputSet, rules: &RuleSet, only: Option<&[usize]>) -> Vec<Finding> {
    let env = Arc::clone(&rules.env);
    let estate = EstateIndex::build(inputs, rules);
    inputs
        .resources
        .par_iter()
        .enumerate()
        .map_init(
            || root_context(&env),
            |root, (index, resource)| {
                let applicable: Vec<usize> = rules
                    .for_kind(&resource.kind)
                    .iter()
                    .copied()
                    .filter(|i| only.is_none_or(|only| only.contains(i)))
                    .filter(|&i| {
                        // An account-scoped rule runs only on its own provider's account.
                        resource.kind != ACCOUNT_KIND
                            || rules
                                .rules()
                                .get(i)
                                .is_some_and(|r| r.spec.provider == resource.provider)
                    })
                    .collect();
                if applicable.is_empty() {
                    return Vec::new();
                }
                evaluate_resource(root, inputs, rules, &estate, index, resource, &applicable)
            },
        )
        .flatten_iter()
        .collect()
}

fn root_context(env: &Arc<cel::Env>) -> Context<'static, 'static> {
    let mut context = Context::with_env(Arc::clone(env));
    // The names are fixed and distinct from CEL's standard library; registering cannot
    // fail, and if it did the rules using them would report an error per finding.
    let _ = crate::functions::register(&mut context);
    context
}

/// For account-scoped rules: the resources of each gathered kind, per file.
struct EstateIndex(HashMap<(usize, String), Vec<usize>>);

impl EstateIndex {
    fn build(inputs: &InputSet, rules: &RuleSet) -> Self {
        let mut index = HashMap::new();
        if !rules.has_account_rules() {
            return Self(index);
        }
        let gathered: HashSet<&str> = rules
            .rules()
            .iter()
            .flat_map(|r| r.gathered.iter().map(String::as_str))
            .collect();
        for (i, resource) in inputs.resources.iter().enumerate() {
            if gathered.contains(resource.kind.as_str()) {
                index
                    .entry((resource.file, resource.kind.clone()))
                    .or_insert_with(Vec::new)
                    .push(i);
            }
        }
        Self(index)
    }

    /// `estate`: for each kind the rule gathers, the values of that kind's resources in
    /// the file of `account`.
    fn value(&self, inputs: &InputSet, account: &Resource, rule: &Rule) -> Value {
        let mut map = HashMap::new();
        for kind in &rule.gathered {
            let list: Vec<Value> = self
                .0
                .get(&(account.file, kind.clone()))
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .filter_map(|&j| inputs.resources.get(j))
                .filter_map(|r| inputs.values(r).ok())
                .map(|v| to_cel(&v))
                .collect();
            map.insert(Key::from(kind.as_str()), Value::List(Arc::new(list)));
        }
        Value::Map(Map { map: Arc::new(map) })
    }
}

fn evaluate_resource(
    root: &Context<'static, 'static>,
    inputs: &InputSet,
    rules: &RuleSet,
    estate: &EstateIndex,
    index: usize,
    resource: &Resource,
    applicable: &[usize],
) -> Vec<Finding> {
    let finding = |rule: usize, outcome: Outcome, detail: Option<String>| Finding {
        rule,
        resource: index,
        outcome,
        detail,
        exception: None,
    };
    let values = match inputs.values(resource) {
        Ok(values) => values,
        Err(e) => {
            let message = e.to_string();
            return applicable
                .iter()
                .map(|&rule| finding(rule, Outcome::Error, Some(message.clone())))
                .collect();
        }
    };
    let unknown = inputs.unknown(resource).ok().flatten();

    let mut scope = root.new_inner_scope();
    scope.add_variable_from_value("resource", to_cel(&values));
    scope.add_variable_from_value("meta", meta(resource));
    if let Some(pod) = testat_inputs::pod_spec(&values, &resource.kind) {
        scope.add_variable_from_value("pod", to_cel(pod));
        scope.add_variable_from_value("containers", Value::List(Arc::new(containers(pod))));
    }

    applicable
        .iter()
        .map(|&rule_index| {
            let Some(rule) = rules.rules().get(rule_index) else {
                return finding(
                    rule_index,
                    Outcome::Error,
                    Some("rule index out of range".into()),
                );
            };
            if let Some(path) = unknown
                .as_ref()
                .and_then(|u| rule.spec.unknown_if.iter().find(|p| is_unknown(u, p)))
            {
                return finding(
                    rule_index,
                    Outcome::Unknown,
                    Some(format!("`{path}` is known only after apply")),
                );
            }
            let mut rule_scope = scope.new_inner_scope();
            rule_scope.add_variable_from_value("related", related(inputs, index, rule));
            if rule.spec.scope == Scope::Account {
                rule_scope.add_variable_from_value("estate", estate.value(inputs, resource, rule));
            }
            match rule.program.execute(&rule_scope) {
                Ok(Value::Bool(true)) => finding(rule_index, Outcome::Pass, None),
                Ok(Value::Bool(false)) => finding(rule_index, Outcome::Fail, None),
                Ok(other) => finding(
                    rule_index,
                    Outcome::Error,
                    Some(format!("condition gave {other:?}, not true or false")),
                ),
                Err(e) => finding(rule_index, Outcome::Error, Some(describe_error(&e))),
            }
        })
        .collect()
}

fn describe_error(error: &cel::ExecutionError) -> String {
    match error {
        cel::ExecutionError::NoSuchKey(key) => {
            format!(
                "the condition reads `{key}`, which this resource does not have (guard it with has())"
            )
        }
        other => format!("the condition failed: {other}"),
    }
}

/// `meta`: where the resource is and what it is.
fn meta(resource: &Resource) -> Value {
    let mut map = HashMap::new();
    map.insert(Key::from("address"), Value::from(resource.address.as_str()));
    map.insert(Key::from("kind"), Value::from(resource.kind.as_str()));
    map.insert(
        Key::from("provider"),
        Value::from(resource.provider.as_str()),
    );
    let action = resource.action.map_or("", |a| match a {
        testat_inputs::Action::NoOp => "no-op",
        testat_inputs::Action::Create => "create",
        testat_inputs::Action::Update => "update",
        testat_inputs::Action::Replace => "replace",
        testat_inputs::Action::Read => "read",
    });
    map.insert(Key::from("action"), Value::from(action));
    Value::Map(Map { map: Arc::new(map) })
}

/// `related`: for each name the rule declares, the values of linked resources of that kind.
fn related(inputs: &InputSet, index: usize, rule: &Rule) -> Value {
    let mut map = HashMap::new();
    if rule.spec.related.is_empty() {
        return Value::Map(Map { map: Arc::new(map) });
    }
    let links = inputs.links.get(index).map_or(&[][..], Vec::as_slice);
    for (name, kind) in &rule.spec.related {
        let list: Vec<Value> = links
            .iter()
            .filter_map(|&j| inputs.resources.get(j))
            .filter(|r| &r.kind == kind)
            .filter_map(|r| inputs.values(r).ok())
            .map(|v| to_cel(&v))
            .collect();
        map.insert(Key::from(name.as_str()), Value::List(Arc::new(list)));
    }
    Value::Map(Map { map: Arc::new(map) })
}

/// Every container of a pod spec: `containers`, `initContainers`, `ephemeralContainers`.
fn containers(pod: &Json) -> Vec<Value> {
    ["containers", "initContainers", "ephemeralContainers"]
        .iter()
        .filter_map(|key| pod.get(key).and_then(Json::as_array))
        .flatten()
        .map(to_cel)
        .collect()
}

/// Whether `path` (dot-separated) is marked unknown in Terraform's `after_unknown`.
/// Arrays on the way count when any element is unknown there.
fn is_unknown(unknown: &Json, path: &str) -> bool {
    fn walk<'a>(value: &Json, mut segments: impl Iterator<Item = &'a str> + Clone) -> bool {
        match value {
            Json::Bool(b) => *b,
            Json::Array(items) => items.iter().any(|item| walk(item, segments.clone())),
            Json::Object(map) => match segments.next() {
                Some(segment) => map.get(segment).is_some_and(|v| walk(v, segments)),
                None => false,
            },
            _ => false,
        }
    }
    walk(unknown, path.split('.'))
}

/// Converts JSON to a CEL value. Whole numbers become `int` (so `port == 22` and
/// functions taking `int` work), other numbers `double`. Object members whose value is
/// `null` are left out: Terraform writes unset attributes as `null`, and leaving them
/// out lets conditions test them with `has()` alone.
pub fn to_cel(value: &Json) -> Value {
    match value {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Value::Int(i),
            (None, Some(u), _) => Value::UInt(u),
            (_, _, Some(f)) => Value::Float(f),
            _ => Value::Null,
        },
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(items) => Value::List(Arc::new(items.iter().map(to_cel).collect())),
        Json::Object(map) => {
            let map: HashMap<Key, Value> = map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (Key::from(k.as_str()), to_cel(v)))
                .collect();
            Value::Map(Map { map: Arc::new(map) })
        }
    }
}
