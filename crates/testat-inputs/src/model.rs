//! The normalised resource model every reader produces.

use std::ops::Range;
use std::path::PathBuf;

use crate::InputError;
use crate::link_data::FileLinks;

/// What kind of document a file was recognised as (by content, not by extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    /// `terraform show -json plan.out`
    TerraformPlan,
    /// `terraform show -json` on a state. A raw `terraform.tfstate` file is a different
    /// format and is not read: run `terraform show -json` on it first.
    TerraformState,
    /// Kubernetes manifests in YAML or JSON.
    Kubernetes,
}

/// One file (or standard input) that was read.
#[derive(Debug)]
pub struct InputFile {
    /// The path as the user gave it (or as found under a directory); `-` for stdin.
    pub path: PathBuf,
    /// What the file was recognised as.
    pub kind: InputKind,
    /// The decoded text (UTF-8; a BOM removed, UTF-16 converted) of Terraform JSON,
    /// which the values of its resources point into. Empty for Kubernetes manifests:
    /// each of their objects keeps its own JSON text, so the file's is not held.
    pub text: String,
    /// Hex SHA-256 of the file's bytes as read (before decoding), for run records.
    pub sha256: String,
    /// Size of the file in bytes as read.
    pub size: u64,
    /// `format_version` of Terraform JSON, when present.
    pub format_version: Option<String>,
    /// `terraform_version` of Terraform JSON, when present.
    pub terraform_version: Option<String>,
}

/// Where a resource's values are.
#[derive(Debug, Clone)]
pub enum Values {
    /// A byte range of the file's text holding a JSON object (Terraform JSON).
    Span(Range<usize>),
    /// Values as compact JSON text of their own (Kubernetes YAML, which has no JSON
    /// text to point into: each object is written out as JSON when it is read, so that
    /// no parsed tree is kept per object).
    Json(Box<str>),
    /// No values (for example a value Terraform does not know yet).
    None,
}

/// How a Terraform plan changes a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Nothing changes.
    NoOp,
    /// Created.
    Create,
    /// Updated in place.
    Update,
    /// Destroyed and created again (either order).
    Replace,
    /// Read (data sources; not normally scanned).
    Read,
}

/// One resource, normalised: a Terraform resource instance or a Kubernetes object.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The full address: `module.net.aws_security_group.web["a"]` for Terraform,
    /// `Deployment/default/web` (kind/namespace/name) for Kubernetes.
    pub address: String,
    /// The resource type: `aws_s3_bucket`, or the Kubernetes kind (`Deployment`).
    pub kind: String,
    /// Provider short name: `aws`, `tencentcloud`, `azurerm`, `google`, `kubernetes`, …
    /// (for Terraform the last segment of `provider_name` without a namespace).
    pub provider: String,
    /// Index into [`InputSet::files`].
    pub file: usize,
    /// RFC 6901 JSON pointer to the resource's values in the file. For Kubernetes
    /// manifests (YAML or JSON) it is prefixed by the 0-based document number: `/2` is
    /// the third document, `/0/items/4` the fifth item of a `List` in the first.
    pub pointer: String,
    /// 1-based line of the start of the values in the file.
    pub line: usize,
    /// 1-based column (in characters, also on the very long lines of Terraform JSON) of
    /// the start of the values on that line.
    pub column: usize,
    /// The resource's attribute values (Terraform: `change.after` or `values`).
    pub values: Values,
    /// Terraform's `after_unknown` for this resource: which values are known only after
    /// apply. `Values::None` when there are none or the input is not a plan.
    pub unknown: Values,
    /// What the plan does to this resource; `None` for state and Kubernetes, for a plan
    /// read from `planned_values` (it has no `resource_changes`), and for action lists
    /// Testat does not know.
    pub action: Option<Action>,
    /// Terraform configuration address without instance key
    /// (`module.net.aws_security_group.web`), used to follow references.
    pub config_address: Option<String>,
    /// The `region` of the provider configuration that manages a Terraform resource,
    /// when a plan's `configuration` states it: a constant, or a root module variable
    /// whose value the plan records. `None` for state, Kubernetes, and a region set
    /// elsewhere (an environment variable, a module's own variable).
    pub provider_region: Option<String>,
}

/// Kind of the synthetic resources that stand for a provider account (see
/// [`Resource::account`]).
pub const ACCOUNT_KIND: &str = "account";

impl Resource {
    /// The synthetic resource that stands for the account (AWS account, Azure
    /// subscription, Google project, Tencent Cloud account) a Terraform file configures
    /// for `provider`. The reader adds one per provider per Terraform file, after the
    /// file's own resources, so that account-level rules ("a multi-region trail
    /// exists") have something to attach their finding to. Its address is
    /// `account.<provider>`; it has no values and no links.
    pub fn account(provider: String, file: usize) -> Self {
        Self {
            address: format!("{ACCOUNT_KIND}.{provider}"),
            kind: ACCOUNT_KIND.to_owned(),
            provider,
            file,
            pointer: String::new(),
            line: 1,
            column: 1,
            values: Values::None,
            unknown: Values::None,
            action: None,
            config_address: None,
            provider_region: None,
        }
    }
}

/// Everything read from the paths of one scan.
#[derive(Debug, Default)]
pub struct InputSet {
    /// Files read, in the order read.
    pub files: Vec<InputFile>,
    /// Resources of all files.
    pub resources: Vec<Resource>,
    /// For each resource (same index), the indexes of resources linked to it, in both
    /// directions: through `configuration` references in a plan, or through matching
    /// IDs (`id`, `arn`, names) in state. Sorted, without duplicates.
    pub links: Vec<Vec<usize>>,
    /// Files that could not be read or understood. The other files are still scanned.
    pub problems: Vec<InputError>,
    /// Files under a directory that were skipped because they are not a format we read,
    /// and symbolic links found under a directory (which are not followed).
    pub skipped: Vec<PathBuf>,
    /// Skipped files that look like inputs but only become inputs after a tool renders
    /// them (Helm chart templates, parts of a Kustomize configuration), each with a note
    /// that says what to scan instead. They are in `skipped` too.
    pub skip_notes: Vec<(PathBuf, String)>,
    /// What each file contributes to `links`, kept until [`InputSet::finish`].
    pub(crate) link_data: Vec<FileLinks>,
    /// Whether the limit on links was reported already.
    pub(crate) link_limit_reported: bool,
    /// For each resource with any, the linked resources (a subset of its `links`) that
    /// nothing narrowed the link down to: see [`InputSet::uncertain_links`].
    pub(crate) uncertain: std::collections::HashMap<usize, Vec<usize>>,
    /// Resources whose values do not have the shape their kind needs, with the reason:
    /// see [`InputSet::malformed`].
    pub(crate) malformed: std::collections::HashMap<usize, String>,
}

impl InputSet {
    /// The linked resources of resource `index` that are linked only because nothing
    /// narrowed the link down: a reference to a resource with several instances that
    /// names no key Testat can follow (`b[local.pick]`, `b[each.value]`), where no known
    /// value says which instance is meant either. They are in `links` too. Sorted.
    pub fn uncertain_links(&self, index: usize) -> &[usize] {
        self.uncertain.get(&index).map_or(&[], Vec::as_slice)
    }

    /// Why resource `index` cannot be checked, when its values do not have the shape
    /// its kind needs (a Kubernetes workload whose pod spec is a list, a CronJob
    /// without a job template): the same problem is in `problems`, and rules give
    /// `error` on it instead of judging what is there.
    pub fn malformed(&self, index: usize) -> Option<&str> {
        self.malformed.get(&index).map(String::as_str)
    }

    /// The file a resource came from.
    pub fn file(&self, resource: &Resource) -> Option<&InputFile> {
        self.files.get(resource.file)
    }

    /// The raw JSON text of a resource's values, for values kept as a span (Terraform).
    pub fn values_text(&self, resource: &Resource) -> Option<&str> {
        match &resource.values {
            Values::Span(range) => self.file(resource)?.text.get(range.clone()),
            _ => None,
        }
    }

    /// A resource's values as JSON, parsed from the file's text (Terraform) or from
    /// their own text (Kubernetes), one resource at a time; `null` when there are none.
    pub fn values(&self, resource: &Resource) -> Result<serde_json::Value, InputError> {
        self.parse(resource, &resource.values, &resource.pointer)
            .map(Option::unwrap_or_default)
    }

    /// Terraform's `after_unknown` for a plan resource (which values are known only
    /// after apply), `None` when there is none.
    pub fn unknown(&self, resource: &Resource) -> Result<Option<serde_json::Value>, InputError> {
        let pointer = match resource.pointer.strip_suffix("/after") {
            Some(change) => format!("{change}/after_unknown"),
            None => resource.pointer.clone(),
        };
        self.parse(resource, &resource.unknown, &pointer)
    }

    fn parse(
        &self,
        resource: &Resource,
        values: &Values,
        pointer: &str,
    ) -> Result<Option<serde_json::Value>, InputError> {
        match values {
            Values::None => Ok(None),
            Values::Json(text) => serde_json::from_str(text).map(Some).map_err(|e| {
                // The text was written from a parsed value, so this does not happen;
                // if it did, it would be reported, not passed.
                InputError::Shape {
                    path: self
                        .file(resource)
                        .map_or_else(PathBuf::new, |file| file.path.clone()),
                    pointer: pointer.to_owned(),
                    line: Some(resource.line),
                    column: Some(resource.column),
                    message: format!(
                        "the values of {} cannot be read back: {e}",
                        resource.address
                    ),
                }
            }),
            Values::Span(range) => {
                let file = self.file(resource).ok_or_else(|| InputError::Limit {
                    path: PathBuf::from(format!("<file #{}>", resource.file)),
                    message: format!(
                        "resource {} refers to a file this input set does not have",
                        resource.address
                    ),
                })?;
                let text = file
                    .text
                    .get(range.clone())
                    .ok_or_else(|| InputError::Shape {
                        path: file.path.clone(),
                        pointer: pointer.to_owned(),
                        line: None,
                        column: None,
                        message: format!(
                            "the values of {} lie outside the file's text",
                            resource.address
                        ),
                    })?;
                serde_json::from_str(text).map(Some).map_err(|e| {
                    crate::json::error(
                        &file.path,
                        &file.text,
                        range.start,
                        text,
                        &e,
                        pointer,
                        &format!("the values of {}", resource.address),
                    )
                })
            }
        }
    }
}
