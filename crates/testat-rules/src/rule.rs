//! The rule format: one YAML file per rule, and its checks.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use testat_catalog::{Catalog, CatalogError};

use crate::RuleError;

/// How bad a failing rule is. Ordered: `Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Hygiene; fix when convenient.
    Low,
    /// A weakness an auditor will note.
    Medium,
    /// A gap that breaks a criterion.
    High,
    /// Direct exposure, typically to the internet.
    Critical,
}

impl Severity {
    /// The lower-case name used in rule files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

/// What a rule test expects for one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expected {
    /// The resource passes.
    Pass,
    /// The resource fails.
    Fail,
    /// Terraform does not know the values the rule needs yet.
    Unknown,
}

/// What a rule is evaluated on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Each resource of the kinds under `resources`.
    #[default]
    Resource,
    /// Once per provider account per Terraform file (the synthetic `account.<provider>`
    /// resource); the resources of the kinds under `resources` in that file are
    /// gathered in the CEL variable `estate`, keyed by kind.
    Account,
}

/// A setting of a rule that users may change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// The value used unless `testat.toml` sets another: a number, a string, a boolean
    /// or a list of them. A value set must be of the same type.
    pub default: serde_json::Value,
    /// What the setting means.
    pub description: String,
}

/// One test case of a rule: an input and the outcome expected per resource address.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleTest {
    /// What the case shows.
    pub name: String,
    /// Input file, relative to the rule file's directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// Input given inline (a Kubernetes manifest or Terraform JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Parameter values for this case (the defaults otherwise).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, serde_json::Value>,
    /// Evaluate as if the input were declared the account baseline of the rule's
    /// provider (account-level rules then fail when the input lacks their kinds).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub account_baseline: bool,
    /// Expected outcome by resource address. Every resource the rule applies to in the
    /// input must be listed.
    pub expect: BTreeMap<String, Expected>,
}

/// A rule as written in its YAML file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable ID, e.g. `AWS-S3-VERSIONING`.
    pub id: String,
    /// One line saying what good looks like.
    pub title: String,
    /// How bad a failure is.
    pub severity: Severity,
    /// C5:2020 criteria the rule gives evidence for.
    pub criteria: Vec<String>,
    /// C5:2026 sub-criteria (`CRY-03.01B`), or criteria where no sub-criterion fits,
    /// that the rule gives evidence for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criteria_2026: Vec<String>,
    /// Provider short name: `aws`, `tencentcloud`, `azurerm`, `google`, `kubernetes`.
    pub provider: String,
    /// Resource kinds the rule applies to (`aws_s3_bucket`, `Deployment`); `@workloads`
    /// stands for every Kubernetes kind that carries a pod template. For an
    /// account-scoped rule: the kinds gathered into `estate`.
    pub resources: Vec<String>,
    /// What the rule is evaluated on: each resource (default) or each account.
    #[serde(default, skip_serializing_if = "is_resource_scope")]
    pub scope: Scope,
    /// Linked resources the condition may look at: a name (a CEL variable under
    /// `related`) and the kind of resource it lists.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub related: BTreeMap<String, String>,
    /// Attribute paths (`bucket`, `metadata_options.http_tokens`) whose being unknown
    /// until apply keeps a resource from passing (its outcome is `unknown` instead).
    /// Reading an unknown attribute in the condition does so already; this is for
    /// attributes the condition does not read but whose value would change the verdict.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_if: Vec<String>,
    /// Settings the condition reads as `params.<name>` (a minimum number of days, a
    /// list of ports), each with its default; `testat.toml` can set them
    /// (`[rules.<ID>] <name> = value`, see [`RuleSet::set_parameter`](crate::RuleSet::set_parameter)).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, Parameter>,
    /// CEL expression that is true when the resource passes.
    pub condition: String,
    /// What a failure means, for the finding.
    pub message: String,
    /// What to change, with a snippet.
    pub remediation: String,
    /// Longer explanation (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Provider version the attribute names were checked against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_against: Option<String>,
    /// Test cases with fixtures.
    #[serde(default)]
    pub tests: Vec<RuleTest>,
}

fn is_resource_scope(scope: &Scope) -> bool {
    *scope == Scope::Resource
}

/// Where a rule file came from, so that its fixtures can be read relative to it.
#[derive(Debug, Clone)]
pub enum RuleOrigin {
    /// Shipped inside the binary; the path is relative to the built-in rules directory.
    Builtin(PathBuf),
    /// A file on disk.
    File(PathBuf),
}

impl RuleOrigin {
    /// The name used in messages.
    pub fn display(&self) -> String {
        match self {
            Self::Builtin(path) => format!("built-in:rules/{}", path.display()),
            Self::File(path) => path.display().to_string(),
        }
    }

    /// Reads a fixture named relative to the rule file. Absolute paths and `..` are
    /// refused, so a rule cannot read files outside its own directory tree.
    pub fn read_relative(&self, relative: &str) -> Result<(PathBuf, Vec<u8>), String> {
        let rel = Path::new(relative);
        if rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
        {
            return Err(format!(
                "fixture path `{relative}` must stay inside the rule's directory (no `..`, no absolute path)"
            ));
        }
        match self {
            Self::Builtin(path) => {
                let full = path.parent().unwrap_or(Path::new("")).join(rel);
                crate::builtin::file(&full)
                    .map(|bytes| {
                        (
                            PathBuf::from(format!("built-in:rules/{}", full.display())),
                            bytes.to_vec(),
                        )
                    })
                    .ok_or_else(|| {
                        format!("built-in fixture rules/{} does not exist", full.display())
                    })
            }
            Self::File(path) => {
                let full = path.parent().unwrap_or(Path::new(".")).join(rel);
                std::fs::read(&full)
                    .map(|bytes| (full.clone(), bytes))
                    .map_err(|e| format!("cannot read fixture {}: {e}", full.display()))
            }
        }
    }
}

/// Parses one rule file and checks it against the catalogue.
pub fn parse_rule(
    source: &str,
    origin: &RuleOrigin,
    catalog: &Catalog,
) -> Result<RuleSpec, RuleError> {
    let name = origin.display();
    let spec: RuleSpec = serde_norway::from_str(source).map_err(|e| {
        let (line, column, message) = testat_catalog::yaml_error_parts(&e);
        RuleError::Yaml {
            origin: name.clone(),
            line,
            column,
            message,
        }
    })?;
    check(&spec, &name, catalog)?;
    Ok(spec)
}

fn check(spec: &RuleSpec, origin: &str, catalog: &Catalog) -> Result<(), RuleError> {
    let invalid = |field: &'static str, message: String| RuleError::Invalid {
        origin: origin.to_owned(),
        rule: spec.id.clone(),
        field,
        message,
    };
    let id_ok = !spec.id.is_empty()
        && spec
            .id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        && !spec.id.starts_with('-');
    if !id_ok {
        return Err(invalid(
            "id",
            "a rule ID uses capital letters, digits and hyphens, like AWS-S3-VERSIONING".into(),
        ));
    }
    for (field, value) in [
        ("title", &spec.title),
        ("message", &spec.message),
        ("remediation", &spec.remediation),
        ("condition", &spec.condition),
        ("provider", &spec.provider),
    ] {
        if value.trim().is_empty() {
            return Err(invalid(field, "must not be empty".into()));
        }
    }
    if spec.criteria.is_empty() {
        return Err(invalid(
            "criteria",
            "name at least one C5:2020 criterion the rule gives evidence for".into(),
        ));
    }
    for criterion in &spec.criteria {
        match catalog.get(criterion) {
            Ok(found) if found.id == *criterion => {}
            Ok(found) => {
                return Err(invalid(
                    "criteria",
                    format!("write `{}` as `{}`", criterion, found.id),
                ));
            }
            Err(e @ CatalogError::UnknownCriterion { .. }) => {
                return Err(invalid("criteria", e.to_string()));
            }
            Err(e) => return Err(invalid("criteria", e.to_string())),
        }
    }
    let c5_2026 = testat_catalog::builtin_version(testat_catalog::C5Version::V2026);
    for id in &spec.criteria_2026 {
        match c5_2026.find(id) {
            Ok(found) if found.id() == id => {}
            Ok(found) => {
                return Err(invalid(
                    "criteria_2026",
                    format!("write `{id}` as `{}`", found.id()),
                ));
            }
            Err(e) => return Err(invalid("criteria_2026", format!("C5:2026: {e}"))),
        }
    }
    if spec.resources.is_empty() {
        return Err(invalid(
            "resources",
            "name at least one resource kind".into(),
        ));
    }
    for (name, parameter) in &spec.parameters {
        let name_ok = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            && !name.starts_with(|c: char| c.is_ascii_digit());
        if !name_ok {
            return Err(invalid(
                "parameters",
                format!("`{name}`: a parameter name uses lower-case letters, digits and `_`"),
            ));
        }
        if value_type(&parameter.default).is_none() {
            return Err(invalid(
                "parameters",
                format!(
                    "`{name}`: the default must be a number, a string, a boolean or a list of one of them"
                ),
            ));
        }
    }
    for test in &spec.tests {
        for (name, value) in &test.parameters {
            match spec.parameters.get(name) {
                None => {
                    return Err(invalid(
                        "tests",
                        format!(
                            "test `{}` sets `{name}`, which the rule does not declare under `parameters`",
                            test.name
                        ),
                    ));
                }
                Some(parameter) => {
                    if let Err(message) = check_parameter(&parameter.default, value) {
                        return Err(invalid(
                            "tests",
                            format!("test `{}`: `{name}`: {message}", test.name),
                        ));
                    }
                }
            }
        }
        if test.input.is_some() == test.content.is_some() {
            return Err(invalid(
                "tests",
                format!(
                    "test `{}` needs exactly one of `input` (a file) or `content`",
                    test.name
                ),
            ));
        }
        if test.expect.is_empty() {
            return Err(invalid(
                "tests",
                format!(
                    "test `{}` expects nothing; list the resources and their outcome",
                    test.name
                ),
            ));
        }
    }
    Ok(())
}

/// The type of a parameter value, as users read it: `None` for values a parameter
/// cannot have (null, objects, mixed or nested lists).
pub(crate) fn value_type(value: &serde_json::Value) -> Option<&'static str> {
    use serde_json::Value as Json;
    match value {
        Json::Bool(_) => Some("a boolean"),
        Json::Number(n) if n.is_i64() || n.is_u64() => Some("a whole number"),
        Json::Number(_) => Some("a number"),
        Json::String(_) => Some("a string"),
        Json::Array(items) => {
            let types: std::collections::BTreeSet<&str> = items
                .iter()
                .map(|item| match item {
                    Json::Array(_) => None,
                    other => value_type(other),
                })
                .collect::<Option<_>>()?;
            match types.len() {
                0 => Some("a list"),
                1 => match types.first().copied() {
                    Some("a boolean") => Some("a list of booleans"),
                    Some("a whole number") => Some("a list of whole numbers"),
                    Some("a number") => Some("a list of numbers"),
                    _ => Some("a list of strings"),
                },
                _ => None,
            }
        }
        Json::Null | Json::Object(_) => None,
    }
}

/// Whether `value` may replace `default`: the same type; a whole number where a number
/// is expected; any list of the default's element type (an empty default list takes
/// any list).
pub(crate) fn check_parameter(
    default: &serde_json::Value,
    value: &serde_json::Value,
) -> Result<(), String> {
    let (Some(wanted), Some(found)) = (value_type(default), value_type(value)) else {
        return Err(format!(
            "expected {}, found a value a parameter cannot have",
            value_type(default).unwrap_or("a plain value")
        ));
    };
    let ok = wanted == found
        || (wanted == "a number" && found == "a whole number")
        || (wanted == "a list of numbers" && found == "a list of whole numbers")
        || (wanted.starts_with("a list") && found == "a list")
        || (wanted == "a list" && found.starts_with("a list"));
    if ok {
        Ok(())
    } else {
        Err(format!("expected {wanted}, found {found} ({value})"))
    }
}
