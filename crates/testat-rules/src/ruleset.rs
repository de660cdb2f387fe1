//! A set of compiled rules, indexed by the resource kinds they apply to.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use testat_catalog::Catalog;

use crate::rule::{RuleOrigin, RuleSpec, Scope, parse_rule};
use crate::{RuleError, builtin};

/// Stands for every Kubernetes kind that carries a pod template.
pub const WORKLOADS_ALIAS: &str = "@workloads";

/// A rule ready to run: its spec and its compiled condition.
pub struct Rule {
    /// The rule as written.
    pub spec: RuleSpec,
    /// Where it came from.
    pub origin: RuleOrigin,
    /// The resource kinds it is evaluated on, with aliases expanded (`account` for an
    /// account-scoped rule).
    pub kinds: Vec<String>,
    /// For an account-scoped rule: the kinds gathered into `estate`.
    pub gathered: Vec<String>,
    pub(crate) program: cel::Program,
    /// The value of every declared parameter: its default, or what
    /// [`RuleSet::set_parameter`] set.
    pub(crate) params: BTreeMap<String, serde_json::Value>,
    /// `params` as the value the interpreter binds (shared, so binding it is cheap).
    params_val: Box<dyn cel::common::value::Val>,
    /// `params` as the JSON the direct evaluation reads.
    params_json: serde_json::Value,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.spec.id)
            .field("origin", &self.origin.display())
            .finish_non_exhaustive()
    }
}

impl Rule {
    /// The rule's ID.
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// The value of each declared parameter used in evaluation: the default, or the
    /// value [`RuleSet::set_parameter`] set. Empty for rules without parameters. A run
    /// record keeps these, so that an assessment can say which threshold applied.
    pub fn parameters(&self) -> &BTreeMap<String, serde_json::Value> {
        &self.params
    }

    /// Parameters set to something other than their default.
    pub fn changed_parameters(&self) -> BTreeMap<&str, &serde_json::Value> {
        self.params
            .iter()
            .filter(|(name, value)| {
                self.spec
                    .parameters
                    .get(*name)
                    .is_none_or(|p| p.default != **value)
            })
            .map(|(name, value)| (name.as_str(), value))
            .collect()
    }

    /// `params` as the interpreter binds it.
    pub(crate) fn params_val(&self) -> Box<dyn cel::common::value::Val> {
        self.params_val.clone()
    }

    /// `params` as the direct evaluation reads it.
    pub(crate) fn params_json(&self) -> &serde_json::Value {
        &self.params_json
    }

    /// Sets `params` and converts it once for both evaluators.
    fn set_params(&mut self, params: BTreeMap<String, serde_json::Value>) {
        self.params_json =
            serde_json::Value::Object(params.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
        self.params_val = crate::eval::params_val(crate::eval::to_cel(&self.params_json));
        self.params = params;
    }
}

/// Compiled rules, indexed by resource kind. Built once per scan; evaluation never
/// recompiles.
pub struct RuleSet {
    rules: Vec<Rule>,
    by_kind: HashMap<String, Vec<usize>>,
    pub(crate) env: Arc<cel::Env>,
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet")
            .field("rules", &self.rules)
            .finish_non_exhaustive()
    }
}

impl Default for RuleSet {
    fn default() -> Self {
        Self::empty()
    }
}

impl RuleSet {
    /// A set without rules.
    pub fn empty() -> Self {
        Self {
            rules: Vec::new(),
            by_kind: HashMap::new(),
            env: Arc::new(environment()),
        }
    }

    /// The rules that ship with Testat.
    pub fn builtin(catalog: &Catalog) -> Result<Self, Vec<RuleError>> {
        let mut set = Self::empty();
        let mut errors = Vec::new();
        for (path, text) in builtin::rule_files() {
            if let Err(e) = set.add_source(text, RuleOrigin::Builtin(path), catalog) {
                errors.push(e);
            }
        }
        if errors.is_empty() {
            Ok(set)
        } else {
            Err(errors)
        }
    }

    /// Adds every rule file (`*.yaml`, `*.yml`) under `dir`, recursively, skipping
    /// `fixtures` directories. All errors are collected, so that one run reports every
    /// broken rule.
    pub fn add_dir(&mut self, dir: &Path, catalog: &Catalog) -> Result<usize, Vec<RuleError>> {
        let mut files = Vec::new();
        let mut errors = Vec::new();
        collect_rule_files(dir, 0, &mut files, &mut errors);
        files.sort();
        let before = self.rules.len();
        for path in files {
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    if let Err(e) = self.add_source(&text, RuleOrigin::File(path), catalog) {
                        errors.push(e);
                    }
                }
                Err(source) => errors.push(RuleError::Io { path, source }),
            }
        }
        if errors.is_empty() {
            Ok(self.rules.len() - before)
        } else {
            Err(errors)
        }
    }

    /// Parses, checks and compiles one rule.
    pub fn add_source(
        &mut self,
        source: &str,
        origin: RuleOrigin,
        catalog: &Catalog,
    ) -> Result<(), RuleError> {
        let spec = parse_rule(source, &origin, catalog)?;
        if let Some(existing) = self.get(&spec.id) {
            return Err(RuleError::Duplicate {
                rule: spec.id,
                first: existing.origin.display(),
                second: origin.display(),
            });
        }
        let program = self
            .env
            .compile(&spec.condition)
            .map_err(|e| RuleError::Cel {
                origin: origin.display(),
                rule: spec.id.clone(),
                message: e.to_string().replace("<input>", "condition"),
            })?;
        let (kinds, gathered) = match spec.scope {
            Scope::Resource => (expand_kinds(&spec.resources), Vec::new()),
            Scope::Account => (
                vec![testat_inputs::ACCOUNT_KIND.to_owned()],
                expand_kinds(&spec.resources),
            ),
        };
        let index = self.rules.len();
        for kind in &kinds {
            self.by_kind.entry(kind.clone()).or_default().push(index);
        }
        let params = spec
            .parameters
            .iter()
            .map(|(name, p)| (name.clone(), p.default.clone()))
            .collect();
        let mut rule = Rule {
            spec,
            origin,
            kinds,
            gathered,
            program,
            params: BTreeMap::new(),
            params_val: crate::eval::params_val(cel::Value::Null),
            params_json: serde_json::Value::Null,
        };
        rule.set_params(params);
        self.rules.push(rule);
        Ok(())
    }

    /// Sets a parameter of a rule (`[rules.AWS-CWL-RETENTION] min_days = 400` in
    /// `testat.toml`). The rule must declare the parameter, and the value must have the
    /// default's type (a whole number where a number is expected is fine). Rules added
    /// later keep their defaults.
    pub fn set_parameter(
        &mut self,
        rule_id: &str,
        name: &str,
        value: serde_json::Value,
    ) -> Result<(), RuleError> {
        let Some(rule) = self.rules.iter_mut().find(|r| r.spec.id == rule_id) else {
            return Err(RuleError::Parameter {
                rule: rule_id.to_owned(),
                name: name.to_owned(),
                message: "there is no rule with this ID".into(),
            });
        };
        let Some(parameter) = rule.spec.parameters.get(name) else {
            let declared: Vec<&str> = rule.spec.parameters.keys().map(String::as_str).collect();
            return Err(RuleError::Parameter {
                rule: rule_id.to_owned(),
                name: name.to_owned(),
                message: if declared.is_empty() {
                    "the rule has no parameters".to_owned()
                } else {
                    format!("the rule's parameters are {}", declared.join(", "))
                },
            });
        };
        crate::rule::check_parameter(&parameter.default, &value).map_err(|message| {
            RuleError::Parameter {
                rule: rule_id.to_owned(),
                name: name.to_owned(),
                message,
            }
        })?;
        let mut params = rule.params.clone();
        params.insert(name.to_owned(), value);
        rule.set_params(params);
        Ok(())
    }

    /// Keeps only the rules for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&Rule) -> bool) {
        let env = Arc::clone(&self.env);
        let rules = std::mem::take(&mut self.rules);
        *self = Self {
            rules: Vec::new(),
            by_kind: HashMap::new(),
            env,
        };
        for rule in rules.into_iter().filter(|r| keep(r)) {
            let index = self.rules.len();
            for kind in &rule.kinds {
                self.by_kind.entry(kind.clone()).or_default().push(index);
            }
            self.rules.push(rule);
        }
    }

    /// All rules, in the order they were added.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule with this ID (exact), if any.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.spec.id == id)
    }

    /// Index of the rule with this ID, if any.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.spec.id == id)
    }

    /// Indexes of the rules that apply to a resource kind.
    pub fn for_kind(&self, kind: &str) -> &[usize] {
        self.by_kind.get(kind).map_or(&[], Vec::as_slice)
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether any rule is account-scoped.
    pub fn has_account_rules(&self) -> bool {
        self.rules.iter().any(|r| r.spec.scope == Scope::Account)
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// CEL's standard library plus the strings, lists and math extensions (as in cel-go:
/// `split`, `lowerAscii`, `substring`, `join`, `math.greatest`, …).
pub(crate) fn environment() -> cel::Env {
    let mut env = cel::Env::stdlib();
    for extension in [
        cel::extensions::strings as fn(&mut cel::Env) -> Result<(), cel::DeclarationError>,
        cel::extensions::lists,
        cel::extensions::math,
    ] {
        // Each extension declares names of its own; a clash would only mean that the
        // extension's functions are missing, which rule fixtures would reveal.
        let _ = env.add_extension(extension);
    }
    env
}

fn expand_kinds(resources: &[String]) -> Vec<String> {
    let mut kinds = Vec::new();
    for kind in resources {
        if kind == WORKLOADS_ALIAS {
            kinds.extend(
                testat_inputs::WORKLOAD_KINDS
                    .iter()
                    .chain(testat_inputs::TERRAFORM_WORKLOADS.iter().map(|(t, _)| t))
                    .map(|k| (*k).to_owned()),
            );
        } else {
            kinds.push(kind.clone());
        }
    }
    kinds.sort();
    kinds.dedup();
    kinds
}

/// Deepest directory nesting followed when collecting rule files.
const MAX_RULE_DIR_DEPTH: usize = 16;

fn collect_rule_files(
    dir: &Path,
    depth: usize,
    files: &mut Vec<std::path::PathBuf>,
    errors: &mut Vec<RuleError>,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(source) => {
            errors.push(RuleError::Io {
                path: dir.to_owned(),
                source,
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            if depth < MAX_RULE_DIR_DEPTH && path.file_name().is_some_and(|n| n != "fixtures") {
                collect_rule_files(&path, depth + 1, files, errors);
            }
        } else if file_type.is_file() && path.extension().is_some_and(|e| e == "yaml" || e == "yml")
        {
            files.push(path);
        }
    }
}
