//! Errors of the command line, rendered for people.

use std::path::PathBuf;

use testat_catalog::CatalogError;

/// Anything that stops a command from running.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A catalogue could not be loaded or a criterion was not found.
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
    Config {
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
    Rules(Vec<testat_rules::RuleError>),

    /// The report could not be rendered.
    #[error(transparent)]
    Report(#[from] testat_report::ReportError),

    /// Output could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// Where we tried to write (`standard output` for stdout).
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },

    /// The arguments do not make sense together or name something unknown.
    #[error("{message}")]
    Usage {
        /// What was wrong.
        message: String,
        /// What to do instead.
        hint: Option<String>,
    },

    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] testat_store::StoreError),

    /// Data could not be serialised (a bug if it happens).
    #[error("cannot render output: {0}")]
    Render(String),
}

fn render_list(errors: &[testat_rules::RuleError]) -> String {
    errors
        .iter()
        .map(|e| format!("  - {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl CliError {
    /// A hint that tells the user what to do next, when we know one.
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::Usage { hint, .. } => hint.clone(),
            Self::Catalog(CatalogError::UnknownCriterion { .. }) => None,
            Self::Catalog(CatalogError::Io { .. } | CatalogError::NotUtf8 { .. }) => None,
            Self::Catalog(
                CatalogError::Json { .. }
                | CatalogError::Shape { .. }
                | CatalogError::Csv { .. }
                | CatalogError::UnknownFormat { .. },
            ) => Some(
                "--catalog takes an OSCAL catalog in JSON or a CSV file with the header id,title,text"
                    .into(),
            ),
            Self::Config { .. } => Some("see the `testat.toml` section of the README".into()),
            Self::Store(testat_store::StoreError::Busy { .. }) => {
                Some("only one command can write to the store at a time".into())
            }
            Self::Store(testat_store::StoreError::NewerSchema { .. }) => {
                Some("`testat --version` shows this version; docs/store.md explains migrations".into())
            }
            Self::Rules(_) => Some(
                "check the rule with `testat rules test DIR`; the format is described in docs/rules.md".into(),
            ),
            _ => None,
        }
    }
}

impl From<csv::Error> for CliError {
    fn from(e: csv::Error) -> Self {
        Self::Render(e.to_string())
    }
}

impl From<serde_json::Error> for CliError {
    fn from(e: serde_json::Error) -> Self {
        Self::Render(e.to_string())
    }
}
