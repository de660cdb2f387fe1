//! The one error type of the application layer. Messages say what is wrong and where;
//! front ends add what to type (`ProjectError` never names a flag or a command).

use std::path::PathBuf;

use chrono::NaiveDate;
use testat_catalog::{C5Version, CatalogError};
use testat_rules::RuleError;
use testat_store::StoreError;

use crate::settings::VersionSource;

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

    /// No framework has this ID.
    #[error("no framework `{id}` (the frameworks are {})", .known.join(", "))]
    UnknownFramework {
        /// The ID given.
        id: String,
        /// The built-in frameworks' IDs.
        known: Vec<String>,
    },

    /// The catalogue in use has no mapping to the frameworks.
    #[error("{catalog} has no mapping to other frameworks; only the built-in C5 catalogues have")]
    NoFrameworkMapping {
        /// The catalogue's name.
        catalog: String,
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

    /// The investigation-request register's report could not be made.
    #[error(transparent)]
    Inquiry(#[from] testat_inquiry::InquiryError),

    /// A transition asked of a store that is not a C5:2020 engagement.
    #[error("the store is a {} engagement; a transition to C5:2026 starts from a C5:2020 store", .version.name())]
    NotA2020Store {
        /// The store's version.
        version: C5Version,
    },

    /// The settings name a C5 version the store does not use.
    #[error(
        "this store is a {} engagement, but {} asks for {}; one engagement uses one C5 version",
        .store.name(), .by.describe(), .asked.name()
    )]
    VersionMismatch {
        /// The store's version.
        store: C5Version,
        /// The version asked for.
        asked: C5Version,
        /// Who asked.
        by: VersionSource,
    },
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
    /// A C5:2020 Type 1 dated on or after the day C5:2026 becomes required.
    #[error(
        "a C5:2020 Type 1 report dated {at} cannot be made: reports dated on or after {cutoff} must use C5:2026"
    )]
    Type1Needs2026 {
        /// The date asked for.
        at: NaiveDate,
        /// The first day C5:2026 is required.
        cutoff: NaiveDate,
    },
    /// A C5:2020 Type 2 period starting on or after the day C5:2026 becomes required.
    #[error(
        "a C5:2020 Type 2 period starting {from} cannot be assessed: periods starting on or after {cutoff} must use C5:2026"
    )]
    Type2Needs2026 {
        /// First day of the period.
        from: NaiveDate,
        /// The first day C5:2026 is required.
        cutoff: NaiveDate,
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
