//! The one error type of this crate.

use std::path::PathBuf;

/// What can go wrong while loading rules or reading their fixtures.
///
/// `origin` is the rule file (`rules/aws/s3-versioning.yaml`, or `built-in:…` for the
/// rules that ship inside the binary).
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// A file or directory could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },

    /// A rule file is not valid YAML or has the wrong shape.
    #[error("{origin}:{line}:{column}: {message}")]
    Yaml {
        /// The rule file.
        origin: String,
        /// 1-based line (0 when unknown).
        line: usize,
        /// 1-based column (0 when unknown).
        column: usize,
        /// What was wrong.
        message: String,
    },

    /// A rule breaks a rule of the rule format.
    #[error("{origin}: rule {rule}: `{field}`: {message}")]
    Invalid {
        /// The rule file.
        origin: String,
        /// The rule ID (or `?` when the ID itself is the problem).
        rule: String,
        /// The field at fault.
        field: &'static str,
        /// What is wrong and what to do.
        message: String,
    },

    /// A rule's CEL condition does not compile.
    #[error("{origin}: rule {rule}: `condition` is not valid CEL:\n{message}")]
    Cel {
        /// The rule file.
        origin: String,
        /// The rule ID.
        rule: String,
        /// The CEL parser's message, with a caret under the place.
        message: String,
    },

    /// Two rules have the same ID.
    #[error("rule {rule} is defined twice: in {first} and in {second}; rule IDs must be unique")]
    Duplicate {
        /// The rule ID.
        rule: String,
        /// Where it was first defined.
        first: String,
        /// Where it was defined again.
        second: String,
    },

    /// A rule parameter cannot be set as asked.
    #[error("rule {rule}: parameter `{name}`: {message}")]
    Parameter {
        /// The rule ID.
        rule: String,
        /// The parameter.
        name: String,
        /// What is wrong.
        message: String,
    },

    /// A fixture of a rule test could not be read.
    #[error("{origin}: rule {rule}: test `{test}`: {message}")]
    Fixture {
        /// The rule file.
        origin: String,
        /// The rule ID.
        rule: String,
        /// The test name.
        test: String,
        /// What is wrong.
        message: String,
    },
}
