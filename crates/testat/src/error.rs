//! Errors of the command line, rendered for people.

use std::path::PathBuf;

use testat_catalog::CatalogError;

/// Anything that stops a command from running.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A catalogue could not be loaded or a criterion was not found.
    #[error(transparent)]
    Catalog(#[from] CatalogError),

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

    /// Data could not be serialised (a bug if it happens).
    #[error("cannot render output: {0}")]
    Render(String),
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
