//! The error of parsing a stored or typed-in word into one of the records' enums.

/// A word that is not one of the values a field takes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{value}`; expected one of {}", .expected.join(", "))]
pub struct ParseError {
    /// What was parsed (`attestation status`, `evidence kind`).
    pub what: &'static str,
    /// The word found.
    pub value: String,
    /// The words accepted.
    pub expected: Vec<&'static str>,
}

impl ParseError {
    pub(crate) fn new(what: &'static str, value: &str, expected: &[&'static str]) -> Self {
        Self {
            what,
            value: value.to_owned(),
            expected: expected.to_vec(),
        }
    }
}
