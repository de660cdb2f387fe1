//! Readers that turn what users feed `testat scan` into one normalised shape.
//!
//! Terraform plan JSON (`terraform show -json plan.out`), Terraform state JSON
//! (`terraform show -json` on a state) and Kubernetes manifests (YAML or JSON, several
//! documents per file, `kind: List`) all become [`Resource`] values that remember where
//! they came from (file, JSON pointer, line and column). A bad file becomes an
//! [`InputError`] naming the file and the place; it never stops the other files.
//!
//! Large Terraform files are not turned into one big JSON tree: a [`Resource`] keeps
//! the byte span of its values in the file's text, and the rule engine parses one
//! resource's values at a time ([`InputSet::values`]).
//!
//! What is read and how:
//!
//! - **Recognition by content.** JSON with `format_version` and `resource_changes`,
//!   `planned_values` or `configuration` is a plan; with `format_version` and `values` a
//!   state; JSON or YAML objects with `apiVersion` and `kind` are Kubernetes objects.
//!   `format_version` must be 0.x or 1.x. A raw `terraform.tfstate` is not read.
//! - **Plans.** Resources come from `resource_changes` (data sources and resources the
//!   plan deletes are left out), or from `planned_values` when a plan has no
//!   `resource_changes`. Links come from the references in `configuration`.
//! - **State.** Resources come from `values.root_module` and its child modules; links
//!   from matching `id`/`arn` values.
//! - **Kubernetes.** Every YAML document (or the JSON object) with `apiVersion` and
//!   `kind`; a `kind: List` (or any `*List` with `items`) gives its items.
//! - **Text.** UTF-8 with or without byte-order mark, UTF-16 with byte-order mark.
//! - **Limits.** Files above [`ReadOptions::max_file_size`] are not read; JSON and YAML
//!   nested more than 128 levels, YAML aliases that expand far beyond the file's size,
//!   and module trees deeper than 40 levels are errors, never a stack overflow.
//!
//! ```
//! use testat_inputs::{InputSet, ReadOptions};
//!
//! let manifest = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n".to_vec();
//! let mut set = InputSet::default();
//! set.add_bytes("pod.yaml".into(), manifest, true, &ReadOptions::default());
//! set.finish();
//! assert_eq!(set.resources[0].address, "Pod/web");
//! ```

mod decode;
mod dispatch;
mod error;
mod json;
mod kubernetes;
mod link_data;
mod links;
mod location;
mod model;
mod read;
mod reader;
mod terraform;
mod workload;
mod yaml;

pub use error::InputError;
pub use links::MAX_LINKS;
pub use model::*;
pub use read::{ReadOptions, read_paths};
pub use terraform::kubernetes::{TERRAFORM_WORKLOADS, any_unknown, workload_kind};
pub use workload::{CONTAINER_LISTS, WORKLOAD_KINDS, pod_spec, pod_spec_path};
