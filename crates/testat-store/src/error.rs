//! The one error type of the store.

use std::path::PathBuf;

/// Anything that stops a store operation. Messages name the place and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No store was found and none was named.
    #[error(
        "no Testat store here: {dir} has no .testat/ folder; run `testat init` here, or name a database with --db URL or TESTAT_DATABASE_URL"
    )]
    NotFound {
        /// The directory that was searched.
        dir: PathBuf,
    },

    /// `testat init` found an existing store.
    #[error("{path} already exists; this directory already has a Testat store")]
    AlreadyExists {
        /// The existing folder.
        path: PathBuf,
    },

    /// A file or folder of the store could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },

    /// The store's settings file is malformed.
    #[error("{path}: {message}; fix the file or recreate it with `testat init` in a new folder")]
    Config {
        /// The settings file.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },

    /// The database URL is not one the store understands.
    #[error("database URL {url}: {message}")]
    Url {
        /// The URL, with any password redacted.
        url: String,
        /// What was wrong.
        message: String,
    },

    /// Another process holds the write lock for longer than the busy timeout.
    #[error(
        "store busy: {url} is locked by another writer and did not free within {timeout_ms} ms; try again when the other `testat` command has finished"
    )]
    Busy {
        /// The database, password redacted.
        url: String,
        /// How long we waited.
        timeout_ms: u64,
    },

    /// The database was written by a newer Testat (it has migrations this one does not know).
    #[error(
        "{url} was created or upgraded by a newer Testat (schema version {found}; this Testat knows up to {known}); use that version or newer"
    )]
    NewerSchema {
        /// The database, password redacted.
        url: String,
        /// Highest schema version in the database.
        found: i64,
        /// Highest schema version this build knows.
        known: i64,
    },

    /// The database reported an error.
    #[error("database {url}: {message}")]
    Database {
        /// The database, password redacted.
        url: String,
        /// What the database said.
        message: String,
    },

    /// Something asked for does not exist.
    #[error("{what} not found; {hint}")]
    Missing {
        /// What was looked for (e.g. `run 7`).
        what: String,
        /// Where to look instead.
        hint: String,
    },

    /// An evidence file is not acceptable.
    #[error("{path}: {message}")]
    Evidence {
        /// The file.
        path: PathBuf,
        /// What was wrong and what to do.
        message: String,
    },

    /// The arguments make no sense for the store.
    #[error("{0}")]
    Invalid(String),

    /// A key file is malformed.
    #[error("{path}: {message}")]
    Key {
        /// The key file.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
}

impl StoreError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    /// Converts a database error, recognising lock timeouts as [`StoreError::Busy`].
    pub(crate) fn db(url: &str, timeout_ms: u64, e: &sqlx::Error) -> Self {
        let busy = match e {
            sqlx::Error::PoolTimedOut => true,
            sqlx::Error::Database(d) => {
                let code = d.code().unwrap_or_default();
                // SQLITE_BUSY (5) and its extended codes; PostgreSQL lock_not_available.
                code == "5"
                    || code == "261"
                    || code == "517"
                    || code == "55P03"
                    || d.message().contains("database is locked")
            }
            _ => false,
        };
        if busy {
            Self::Busy {
                url: url.to_owned(),
                timeout_ms,
            }
        } else {
            Self::Database {
                url: url.to_owned(),
                message: e.to_string(),
            }
        }
    }
}
