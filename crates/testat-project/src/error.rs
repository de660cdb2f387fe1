//! The one error type of the application layer. Messages say what is wrong and where;
//! front ends add what to type (`ProjectError` never names a flag or a command).

use std::path::PathBuf;

use chrono::NaiveDate;
use testat_catalog::CatalogError;
use testat_rules::RuleError;
use testat_store::StoreError;

/// Anything that stops a job.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// A catalogue could not be loaded, or a criterion was not found.
    #[error(transparent)]
    Catalog(#[from] CatalogError),

    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },

    /// The settings file is malformed.
    #[error("{path}:{line}:{column}: {message}")]
    Settings {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong.
        message: String,
    },

    /// The service description in the settings file is wrong.
    #[error("{path}: {error}")]
    Service {
        /// The settings file.
        path: PathBuf,
        /// The entry and what is wrong with it.
        error: testat_assess::ServiceError,
    },

    /// One or more rules could not be loaded.
    #[error("{} rule file{} could not be loaded:\n{}", .0.len(), if .0.len() == 1 { "" } else { "s" }, render_list(.0))]
    Rules(Vec<RuleError>),

    /// Rule parameters in the settings file cannot be set.
    #[error("{path}: [rules]:\n{}", render_list(.errors))]
    RuleParameters {
        /// The settings file.
        path: PathBuf,
        /// What is wrong with each.
        errors: Vec<RuleError>,
    },

    /// A provider declared the account baseline has no rules.
    #[error("account_baseline: no rule is for provider `{provider}` (providers with rules: {})", .known.join(", "))]
    UnknownProvider {
        /// The provider given.
        provider: String,
        /// Providers that have rules.
        known: Vec<String>,
    },

    /// A rule named to be skipped does not exist.
    #[error("no rule `{id}` to skip")]
    UnknownRule {
        /// The ID given.
        id: String,
        /// Known IDs close to it.
        near: Vec<String>,
    },

    /// The assessment asked for cannot be made.
    #[error(transparent)]
    Assessment(#[from] AssessmentError),

    /// An imported report could not be read, or a mapping is wrong.
    #[error(transparent)]
    Import(#[from] testat_import::ImportError),

    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A Type 1 date or Type 2 period that cannot be assessed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssessmentError {
    /// A Type 1 date after today.
    #[error("the date {at} is in the future (today is {today})")]
    DateInFuture {
        /// The date asked for.
        at: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
    /// A period that starts after it ends.
    #[error("the period starts ({from}) after it ends ({to})")]
    PeriodReversed {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
    /// A period that ends after today.
    #[error("the period ends {to}, after today ({today})")]
    PeriodNotOver {
        /// Last day.
        to: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
}

fn render_list(errors: &[RuleError]) -> String {
    errors
        .iter()
        .map(|e| format!("  - {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}
