//! Evaluating rules on resources, in parallel.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use cel::common::types::{CelList, CelMap, CelMapKey};
use cel::common::value::Val;
use cel::objects::{Key, Map};
use cel::{Context, Value};
use rayon::prelude::*;
use serde_json::Value as Json;
use testat_inputs::{ACCOUNT_KIND, InputKind, InputSet, Resource};

use crate::fast::{self, Answer};
use crate::finding::{Finding, Outcome};
use crate::rule::Scope;
use crate::ruleset::{Rule, RuleSet};
use crate::shared::{elements, member, member_at};
use crate::values::{Touched, to_val};

/// How rules are evaluated, beyond the rules themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvalOptions {
    /// Providers (`aws`, `azurerm`, `google`, `tencentcloud`) whose Terraform inputs are
    /// declared the account baseline: there, an account-level rule whose kinds the
    /// input does not manage fails, instead of being `unknown` ("not managed in this
    /// configuration").
    pub account_baseline: Vec<String>,
    /// Evaluate every condition with the CEL interpreter, never with the direct
    /// evaluator of common shapes (`fast.rs`); rule tests compare the two.
    pub interpreter_only: bool,
}

/// Evaluates every rule on every resource it applies to.
///
/// Resources are evaluated in parallel; each resource's values are parsed once, and
/// only when some rule applies to its kind. Findings come back in resource order, and
/// within a resource in rule order, whatever the thread count.
pub fn evaluate(inputs: &InputSet, rules: &RuleSet) -> Vec<Finding> {
    run(inputs, rules, None, &EvalOptions::default(), None)
}

/// Like [`evaluate`], but only the rules whose indexes are given.
pub fn evaluate_with(inputs: &InputSet, rules: &RuleSet, only: Option<&[usize]>) -> Vec<Finding> {
    run(inputs, rules, only, &EvalOptions::default(), None)
}

/// Like [`evaluate`], with options (account baselines).
pub fn evaluate_with_options(
    inputs: &InputSet,
    rules: &RuleSet,
    options: &EvalOptions,
) -> Vec<Finding> {
    run(inputs, rules, None, options, None)
}

/// Evaluates the rules `only` (all when `None`); `params` replaces the parameters of
/// one rule (by index) for this evaluation, as a rule test asks.
pub(crate) fn run(
    inputs: &InputSet,
    rules: &RuleSet,
    only: Option<&[usize]>,
    options: &EvalOptions,
    params: Option<(usize, Value)>,
) -> Vec<Finding> {
    let env = Arc::clone(&rules.env);
    let estate = EstateIndex::build(inputs, rules);
    let params = params.map(|(index, value)| (index, params_val(value)));
    let context = Run {
        inputs,
        rules,
        estate: &estate,
        options,
        params,
    };
    // Findings are as many as the rules that apply; collected chunk by chunk into one
    // vector of that size, so that no second copy of all of them is ever held (a
    // parallel collect of everything keeps per-thread parts until the end).
    let total = inputs
        .resources
        .par_iter()
        .map(|resource| applicable(rules, resource, only).count())
        .sum();
    let mut findings = Vec::with_capacity(total);
    for (chunk, resources) in inputs.resources.chunks(EVAL_CHUNK).enumerate() {
        let part: Vec<Finding> = resources
            .par_iter()
            .enumerate()
            .map_init(
                || root_context(&env),
                |root, (offset, resource)| {
                    let applicable: Vec<usize> = applicable(rules, resource, only).collect();
                    if applicable.is_empty() {
                        return Vec::new();
                    }
                    let index = chunk * EVAL_CHUNK + offset;
                    evaluate_resource(root, &context, index, resource, &applicable)
                },
            )
            .flatten_iter()
            .collect();
        findings.extend(part);
    }
    findings
}

/// The rules (indexes) that apply to `resource`, of those in `only` when given.
fn applicable<'a>(
    rules: &'a RuleSet,
    resource: &'a Resource,
    only: Option<&'a [usize]>,
) -> impl Iterator<Item = usize> + 'a {
    rules
        .for_kind(&resource.kind)
        .iter()
        .copied()
        .filter(move |i| only.is_none_or(|only| only.contains(i)))
        .filter(move |&i| {
            // An account-scoped rule runs only on its own provider's account.
            resource.kind != ACCOUNT_KIND
                || rules
                    .rules()
                    .get(i)
                    .is_some_and(|r| r.spec.provider == resource.provider)
        })
}

/// Resources evaluated in parallel before their findings join the others.
const EVAL_CHUNK: usize = 2048;

/// What every resource's evaluation reads.
struct Run<'a> {
    inputs: &'a InputSet,
    rules: &'a RuleSet,
    estate: &'a EstateIndex,
    options: &'a EvalOptions,
    /// The parameters a rule test puts in place of one rule's own (by index).
    params: Option<(usize, Box<dyn Val>)>,
}

impl Run<'_> {
    /// `params` of the rule with this index, as JSON; `None` when this evaluation
    /// replaces them (the direct evaluation then leaves the rule to the interpreter).
    fn params_json(&self, index: usize) -> Option<&Json> {
        match &self.params {
            Some((replaced, _)) if *replaced == index => None,
            _ => self.rules.rules().get(index).map(Rule::params_json),
        }
    }

    /// `params` of the rule with this index.
    fn params(&self, index: usize) -> Box<dyn Val> {
        match &self.params {
            Some((replaced, value)) if *replaced == index => value.clone(),
            _ => self
                .rules
                .rules()
                .get(index)
                .map_or_else(empty_val, Rule::params_val),
        }
    }
}

/// Rule parameters as the interpreter binds them: converted and shared. Parameters
/// come from JSON, which always converts.
pub(crate) fn params_val(value: Value) -> Box<dyn Val> {
    match Box::<dyn Val>::try_from(value) {
        Ok(value) => crate::shared::Shared::boxed(value),
        Err(_) => empty_val(),
    }
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

    /// Whether the file of `account` has any resource of a kind the rule gathers.
    fn manages(&self, account: &Resource, rule: &Rule) -> bool {
        rule.gathered
            .iter()
            .any(|kind| self.0.contains_key(&(account.file, kind.clone())))
    }

    /// `estate`: for each kind the rule gathers, the values of that kind's resources in
    /// the file of `account`, with their unknown parts.
    fn value(&self, inputs: &InputSet, account: &Resource, rule: &Rule) -> Box<dyn Val> {
        let mut map: HashMap<CelMapKey<'static>, Box<dyn Val>> = HashMap::new();
        for kind in &rule.gathered {
            let list: Vec<Box<dyn Val>> = self
                .0
                .get(&(account.file, kind.clone()))
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .filter_map(|&j| inputs.resources.get(j))
                .filter_map(resource_val(inputs))
                .collect();
            map.insert(CelMapKey::from(kind.clone()), Box::new(CelList::from(list)));
        }
        Box::new(CelMap::from(map))
    }
}

/// A resource's values with their unknown parts, `None` when they cannot be read.
fn resource_val(inputs: &InputSet) -> impl Fn(&Resource) -> Option<Box<dyn Val>> + '_ {
    move |resource| {
        let values = inputs.values(resource).ok()?;
        let unknown = inputs.unknown(resource).ok().flatten();
        Some(to_val(&values, unknown.as_ref(), &[]))
    }
}

fn evaluate_resource(
    root: &Context<'static, 'static>,
    run: &Run<'_>,
    index: usize,
    resource: &Resource,
    applicable: &[usize],
) -> Vec<Finding> {
    let Run {
        inputs,
        rules,
        estate,
        options,
        ..
    } = *run;
    let finding = |rule: usize, outcome: Outcome, detail: Option<String>| Finding {
        rule,
        resource: index,
        outcome,
        detail,
        exception: None,
    };
    if let Some(reason) = inputs.malformed(index) {
        return applicable
            .iter()
            .map(|&rule| finding(rule, Outcome::Error, Some(reason.to_owned())))
            .collect();
    }
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
    if unknown
        .as_ref()
        .is_some_and(|u| containers_unknown(u, &resource.kind))
    {
        let detail = "the containers of this workload are known only after apply";
        return applicable
            .iter()
            .map(|&rule| finding(rule, Outcome::Unknown, Some(detail.to_owned())))
            .collect();
    }
    let kind = inputs.file(resource).map(|file| file.kind);

    // Conditions of the common shapes are evaluated on the JSON directly; the CEL
    // values and scope are built only when some rule needs the interpreter.
    let direct = (!options.interpreter_only
        && unknown
            .as_ref()
            .is_none_or(|u| !testat_inputs::any_unknown(u)))
    .then(|| fast::Variables::of(&values, &resource.kind));
    let mut cel_scope: Option<Context<'_, 'static>> = None;
    let uncertain = inputs.uncertain_links(index);

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
            let answer = direct
                .as_ref()
                .filter(|_| rule.spec.scope != Scope::Account && rule.spec.related.is_empty())
                .and_then(|variables| {
                    fast::evaluate(rule.program.expression(), variables, run.params_json(rule_index))
                });
            match answer {
                Some(Answer::Bool(true)) => return finding(rule_index, Outcome::Pass, None),
                Some(Answer::Bool(false)) => return finding(rule_index, Outcome::Fail, None),
                Some(Answer::Null) => {
                    return finding(rule_index, Outcome::Unknown, Some(undecided(rule)));
                }
                None => {}
            }
            let scope = cel_scope.get_or_insert_with(|| {
                resource_scope(root, resource, &values, unknown.as_ref(), kind)
            });
            let mut rule_scope = scope.new_inner_scope();
            // Unknown members the rule names replace the shared value, where it has any.
            let named = unknown.as_ref().and_then(|u| {
                let paths = unknown_paths(rule, &resource.kind);
                paths.iter().any(|p| is_unknown(u, p)).then_some((u, paths))
            });
            if let Some((u, paths)) = &named {
                bind_resource(
                    &mut rule_scope,
                    to_val(&values, Some(u), paths),
                    &resource.kind,
                );
            }
            rule_scope.add_variable_as_val("params", run.params(rule_index));
            if rule.spec.scope == Scope::Account {
                let baseline = options.account_baseline.contains(&resource.provider);
                if !baseline && !estate.manages(resource, rule) {
                    return finding(
                        rule_index,
                        Outcome::Unknown,
                        Some(format!(
                            "not managed in this configuration: it has no {}; declare it the {} account baseline for this rule to fail instead",
                            rule.gathered.join(", "),
                            resource.provider
                        )),
                    );
                }
                rule_scope.add_variable_as_val("estate", estate.value(inputs, resource, rule));
            }
            let doubtful = !uncertain.is_empty()
                && uncertain.iter().any(|&j| {
                    inputs
                        .resources
                        .get(j)
                        .is_some_and(|r| rule.spec.related.values().any(|k| *k == r.kind))
                });
            rule_scope.add_variable_as_val("related", related(inputs, index, rule, &[]));
            let (mut outcome, mut detail) = execute(rule, &rule_scope, &values);
            if doubtful {
                let mut sure = scope.new_inner_scope();
                if let Some((u, paths)) = &named {
                    bind_resource(&mut sure, to_val(&values, Some(u), paths), &resource.kind);
                }
                sure.add_variable_as_val("params", run.params(rule_index));
                if rule.spec.scope == Scope::Account {
                    sure.add_variable_as_val("estate", estate.value(inputs, resource, rule));
                }
                sure.add_variable_as_val("related", related(inputs, index, rule, uncertain));
                let (without, _) = execute(rule, &sure, &values);
                if without != outcome {
                    let names: Vec<&str> = uncertain
                        .iter()
                        .filter_map(|&j| inputs.resources.get(j))
                        .filter(|r| rule.spec.related.values().any(|k| *k == r.kind))
                        .map(|r| r.address.as_str())
                        .take(3)
                        .collect();
                    outcome = Outcome::Unknown;
                    detail = Some(format!(
                        "the outcome depends on a link Testat cannot resolve: {} may or may not refer to this resource (its key or value is known only after apply)",
                        names.join(", ")
                    ));
                }
            }
            finding(rule_index, outcome, detail)
        })
        .collect()
}

/// Runs a rule's condition: `true` is a pass unless an unknown part was consulted,
/// `false` a failure, `null` or an error after consulting an unknown part `unknown`.
fn execute(rule: &Rule, scope: &Context<'_, '_>, values: &Json) -> (Outcome, Option<String>) {
    Touched::reset();
    let result = rule.program.execute(scope);
    let touched = Touched::take();
    let unknown = |path: String| {
        (
            Outcome::Unknown,
            Some(format!("`{path}` is known only after apply")),
        )
    };
    match (result, touched) {
        (Ok(Value::Bool(true)), None) => (Outcome::Pass, None),
        (Ok(Value::Bool(true)), Some(path)) => unknown(path),
        (Ok(Value::Bool(false)), _) => (Outcome::Fail, None),
        (Ok(Value::Null), _) => (Outcome::Unknown, Some(undecided(rule))),
        (Err(_), Some(path)) => unknown(path),
        (Ok(other), _) => (
            Outcome::Error,
            Some(format!("condition gave {other:?}, not true or false")),
        ),
        (Err(e), None) => (Outcome::Error, Some(describe_error(&e, values))),
    }
}

/// Why a condition that gave `null` is `unknown`.
fn undecided(rule: &Rule) -> String {
    rule.spec.undecided.clone().unwrap_or_else(|| {
        "the input does not decide this rule (a value it needs is not set)".into()
    })
}

/// The scope of the interpreter for one resource: `resource`, `pod`, `containers`,
/// `meta` and `unknown`.
fn resource_scope<'r>(
    root: &'r Context<'static, 'static>,
    resource: &Resource,
    values: &Json,
    unknown: Option<&Json>,
    kind: Option<InputKind>,
) -> Context<'r, 'static> {
    let mut scope = root.new_inner_scope();
    bind_resource(&mut scope, to_val(values, unknown, &[]), &resource.kind);
    scope.add_variable_from_value("meta", meta(resource, kind));
    scope.add_variable_from_value("unknown", unknown.map_or_else(empty_map, to_cel));
    scope
}

/// Binds `resource` and, for a workload, its pod spec as `pod` and every container as
/// `containers`: parts of `resource`, shared, not converted again.
fn bind_resource(scope: &mut Context<'_, 'static>, resource_val: Box<dyn Val>, kind: &str) {
    let pod =
        testat_inputs::pod_spec_path(kind).and_then(|path| member_at(resource_val.as_ref(), path));
    if let Some(pod) = pod {
        scope.add_variable_as_val(
            "containers",
            Box::new(CelList::from(containers(pod.as_ref()))),
        );
        scope.add_variable_as_val("pod", pod);
    }
    scope.add_variable_as_val("resource", resource_val);
}

/// A rule's `unknown_if` paths for a resource of `kind`, from the resource down. On a
/// workload, a path may start at the rule's variables `pod` (`pod.hostNetwork`) or
/// `containers` (`containers.image`, which covers init and ephemeral containers too).
fn unknown_paths<'r>(rule: &'r Rule, kind: &str) -> Cow<'r, [String]> {
    let paths = &rule.spec.unknown_if;
    let from_variables =
        |path: &String| path.starts_with("pod.") || path.starts_with("containers.");
    // Most resources are not workloads, and most rules name no such path: no copy.
    let Some(pod) = testat_inputs::pod_spec_path(kind).filter(|_| paths.iter().any(from_variables))
    else {
        return Cow::Borrowed(paths);
    };
    let pod = pod.join(".");
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        match path.split_once('.') {
            Some(("pod", rest)) => out.push(format!("{pod}.{rest}")),
            Some(("containers", rest)) => out.extend(
                testat_inputs::CONTAINER_LISTS
                    .iter()
                    .map(|list| format!("{pod}.{list}.{rest}")),
            ),
            _ => out.push(path.clone()),
        }
    }
    Cow::Owned(out)
}

/// Whether the containers of a workload are not all known before apply (a container
/// list, or one of its elements, known only after apply): rules over `containers`
/// would judge only the known ones.
fn containers_unknown(unknown: &Json, kind: &str) -> bool {
    let Some(pod) = testat_inputs::pod_spec_path(kind).map(|path| path.join(".")) else {
        return false;
    };
    is_unknown(unknown, &pod)
        || testat_inputs::CONTAINER_LISTS
            .iter()
            .any(|list| is_unknown(unknown, &format!("{pod}.{list}")))
}

fn empty_val() -> Box<dyn Val> {
    Box::new(CelMap::from(HashMap::new()))
}

fn empty_map() -> Value {
    Value::Map(Map {
        map: Arc::new(HashMap::new()),
    })
}

fn describe_error(error: &cel::ExecutionError, values: &Json) -> String {
    match error {
        cel::ExecutionError::NoSuchKey(key) => {
            format!(
                "the condition reads `{key}`, which this resource does not have (guard it with has())"
            )
        }
        cel::ExecutionError::NoSuchOverload(_)
        | cel::ExecutionError::UnsupportedBinaryOperator(..)
        | cel::ExecutionError::ValuesNotComparable(..)
        | cel::ExecutionError::UnexpectedType { .. } => {
            let suspects = odd_values(values);
            let which = if suspects.is_empty() {
                String::new()
            } else {
                format!(
                    "; values of this resource written as text: {}",
                    suspects.join(", ")
                )
            };
            format!(
                "an attribute has a JSON type the rule does not expect ({error}): the input is not what `terraform show -json` writes for this resource type{which}"
            )
        }
        other => format!("the condition failed: {other}"),
    }
}

/// Up to three attributes whose value is a string holding a number or a boolean, as
/// `path = "22"`: the usual way hand-edited JSON gets a type wrong.
fn odd_values(values: &Json) -> Vec<String> {
    fn walk(value: &Json, path: &mut String, out: &mut Vec<String>) {
        if out.len() >= 3 {
            return;
        }
        match value {
            Json::String(s) if s.parse::<f64>().is_ok() || s == "true" || s == "false" => {
                out.push(format!("`{path}` = {value}"));
            }
            Json::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    walk(item, path, out);
                    path.truncate(len);
                }
            }
            Json::Object(members) => {
                for (key, member) in members {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                    walk(member, path, out);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(values, &mut String::new(), &mut out);
    out
}

/// `meta`: where the resource is and what it is.
fn meta(resource: &Resource, input: Option<InputKind>) -> Value {
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
    let input = match input {
        Some(InputKind::TerraformPlan) => "terraform-plan",
        Some(InputKind::TerraformState) => "terraform-state",
        Some(InputKind::Kubernetes) => "kubernetes",
        None => "",
    };
    map.insert(Key::from("input"), Value::from(input));
    if let Some(region) = &resource.provider_region {
        map.insert(Key::from("provider_region"), Value::from(region.as_str()));
    }
    Value::Map(Map { map: Arc::new(map) })
}

/// `related`: for each name the rule declares, the values of linked resources of that
/// kind, leaving out those in `without`.
fn related(inputs: &InputSet, index: usize, rule: &Rule, without: &[usize]) -> Box<dyn Val> {
    let mut map: HashMap<CelMapKey<'static>, Box<dyn Val>> = HashMap::new();
    if rule.spec.related.is_empty() {
        return Box::new(CelMap::from(map));
    }
    let links = inputs.links.get(index).map_or(&[][..], Vec::as_slice);
    for (name, kind) in &rule.spec.related {
        let list: Vec<Box<dyn Val>> = links
            .iter()
            .filter(|j| without.binary_search(j).is_err())
            .filter_map(|&j| inputs.resources.get(j))
            .filter(|r| &r.kind == kind)
            .filter_map(resource_val(inputs))
            .collect();
        map.insert(CelMapKey::from(name.clone()), Box::new(CelList::from(list)));
    }
    Box::new(CelMap::from(map))
}

/// Every container of a pod spec: `containers`, `initContainers`, `ephemeralContainers`.
fn containers(pod: &(dyn Val + 'static)) -> Vec<Box<dyn Val>> {
    testat_inputs::CONTAINER_LISTS
        .iter()
        .filter_map(|key| member(pod, key))
        .flat_map(|list| elements(list.as_ref()))
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
