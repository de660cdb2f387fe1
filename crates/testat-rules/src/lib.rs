//! Testat's rule engine.
//!
//! A rule is a YAML file (see [`RuleSpec`]) with metadata, the C5:2020 criteria it
//! serves, the resource kinds it applies to and a CEL condition that is true when a
//! resource passes. [`RuleSet`] compiles rules once and indexes them by kind;
//! [`evaluate`] runs them on an [`InputSet`](testat_inputs::InputSet) in parallel and
//! returns [`Finding`]s; [`apply_exceptions`] marks approved exceptions; [`test_rules`]
//! runs every rule against its own fixtures.
//!
//! In a condition, these variables are bound:
//!
//! | variable | value |
//! | --- | --- |
//! | `resource` | the resource's attribute values (Terraform `after`/`values`, or the Kubernetes object) |
//! | `meta` | `address`, `kind`, `provider`, `action` (`create`, `update`, `replace`, `no-op`, or empty), `input`, and `provider_region` when a plan states it |
//! | `related` | for each name under the rule's `related`, the list of linked resources of that kind |
//! | `pod`, `containers` | Kubernetes workloads only: the pod spec, and all its containers (init and ephemeral too) |
//! | `estate` | account-scoped rules only: for each kind under `resources`, the list of resources of that kind in the same file |
//!
//! plus CEL's strings, lists and math extensions and the functions of [`functions`].

mod builtin;
mod coverage;
mod error;
mod eval;
mod exceptions;
mod fast;
mod finding;
pub mod functions;
mod harness;
mod rule;
mod ruleset;
mod shared;
mod values;

pub use coverage::{CriterionCoverage, coverage};
pub use error::RuleError;
pub use eval::{EvalOptions, evaluate, evaluate_with, evaluate_with_options, to_cel};
pub use exceptions::{Exception, ExceptionUse, apply_exceptions, wildcard_match};
pub use finding::{Finding, Outcome};
pub use harness::{CaseFailure, TestReport, test_rules};
pub use rule::{Expected, Parameter, RuleOrigin, RuleSpec, RuleTest, Scope, Severity, parse_rule};
pub use ruleset::{Rule, RuleSet, WORKLOADS_ALIAS};
