//! Findings: the result of one rule on one resource.

use serde::Serialize;

/// The outcome of a rule on a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The resource meets the rule.
    Pass,
    /// The resource breaks the rule.
    Fail,
    /// The values the rule needs are known only after apply; re-check on state.
    Unknown,
    /// The rule could not be evaluated on this resource (a rule bug or odd values).
    Error,
    /// The resource breaks the rule, but an approved exception covers it.
    Excepted,
}

impl Outcome {
    /// The lower-case name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Unknown => "unknown",
            Self::Error => "error",
            Self::Excepted => "excepted",
        }
    }
}

/// One rule evaluated on one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Index of the rule in the [`RuleSet`](crate::RuleSet).
    pub rule: usize,
    /// Index of the resource in the [`InputSet`](testat_inputs::InputSet).
    pub resource: usize,
    /// What came out.
    pub outcome: Outcome,
    /// For `error`: what went wrong; for `unknown`: which attribute is unknown.
    pub detail: Option<String>,
    /// Index of the exception that excepts it (or that expired and no longer does).
    pub exception: Option<usize>,
}
