//! The one error type of the store. Messages say what happened and where; they never
//! name a command or a flag (front ends add those as hints).

use std::path::PathBuf;

use testat_inquiry::InquiryError;

/// Anything that stops a store operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No store was found and none was named.
    #[error("no Testat store here: {dir} has no .testat/ folder and no database was named")]
    NotFound {
        /// The directory that was searched.
        dir: PathBuf,
    },

    /// A store already exists where a new one was to be created.
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
    #[error("{path}: {message}")]
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

    /// Another writer held the write lock for longer than the busy timeout.
    #[error(
        "store busy: {url} is locked by another writer and did not free within {timeout_ms} ms"
    )]
    Busy {
        /// The database, password redacted.
        url: String,
        /// How long we waited.
        timeout_ms: u64,
    },

    /// The database was written by a newer Testat (it has migrations this one does not know).
    #[error(
        "{url} was created or upgraded by a newer Testat (schema version {found}; this Testat knows up to {known})"
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

    /// A record asked for does not exist.
    #[error("{kind} {id} not found")]
    Missing {
        /// What kind of record (`run`, `evidence`, `inquiry`).
        kind: &'static str,
        /// Its ID.
        id: i64,
    },

    /// A name that must be unique is taken.
    #[error("{kind} `{name}` already exists")]
    Taken {
        /// What kind of record (`user`).
        kind: &'static str,
        /// The name.
        name: String,
    },

    /// Something the caller saw has changed since (a newer NDA version).
    #[error("the {what} has changed since it was shown; reload and try again")]
    Stale {
        /// What changed.
        what: &'static str,
    },

    /// A record just written could not be read back inside its transaction.
    #[error("{object}, just written, could not be read back; the change was rolled back")]
    Unreadable {
        /// The record (`run 7`).
        object: String,
    },

    /// A stored value is not what its field holds (a damaged or tampered store).
    #[error("{record}: stored {field} `{value}` is not {expected}")]
    Corrupt {
        /// The record (`evidence 3`).
        record: String,
        /// The column.
        field: &'static str,
        /// What is stored.
        value: String,
        /// What the field holds (`a date`, `a time`, `an evidence kind`).
        expected: &'static str,
    },

    /// A new record lacks something it needs.
    #[error("{record} needs {needs}")]
    Incomplete {
        /// The kind of record (`an attestation`).
        record: &'static str,
        /// What it lacks (`a statement and an owner`).
        needs: &'static str,
    },

    /// Evidence was given both a file and a link.
    #[error("evidence is a file or a link, not both; add them as two pieces of evidence")]
    FileAndLink,

    /// Evidence was given neither a file, a link nor a note.
    #[error("nothing to add: evidence needs a file, a link or a note")]
    NoEvidence,

    /// An evidence file is not acceptable.
    #[error("{path}: {problem}")]
    Evidence {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        problem: EvidenceProblem,
    },

    /// The store keeps no evidence files (it has no evidence folder).
    #[error(
        "{url} has no evidence folder: evidence files live in the .testat/evidence folder of the store that holds them"
    )]
    NoEvidenceFolder {
        /// The database, password redacted.
        url: String,
    },

    /// The store has no signing key (it was not made by `init` in this folder).
    #[error(
        "{url} has no signing key: bundles and anchors are signed with the key in the .testat/keys folder of the store that made them"
    )]
    NoSigningKey {
        /// The database, password redacted.
        url: String,
    },

    /// Evidence that is a link or a note has no file to hand out.
    #[error("evidence {id} is a {kind} and has no file")]
    NotAFile {
        /// The evidence.
        id: i64,
        /// What it is.
        kind: testat_records::EvidenceKind,
    },

    /// A file that would be overwritten.
    #[error("{path} already exists; Testat refuses to overwrite it")]
    Exists {
        /// The file.
        path: PathBuf,
    },

    /// A period that ends before it starts.
    #[error("the period ends {to}, before it starts ({from})")]
    Period {
        /// First day.
        from: chrono::NaiveDate,
        /// Last day.
        to: chrono::NaiveDate,
    },

    /// The register's rules refused a request or a step.
    #[error(transparent)]
    Inquiry(#[from] InquiryError),

    /// A key file is malformed.
    #[error("{path}: {message}")]
    Key {
        /// The key file.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },

    /// A value could not be encoded as JSON (a bug if it happens).
    #[error("cannot encode {what}: {message}")]
    Encode {
        /// What was encoded.
        what: String,
        /// What serde said.
        message: String,
    },
}

/// What is wrong with an evidence file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceProblem {
    /// Not a regular file (a folder, a device).
    #[error("not a regular file")]
    NotAFile,
    /// Larger than the store accepts.
    #[error("{size} bytes is over the evidence size limit of {max} bytes")]
    TooLarge {
        /// Its size.
        size: u64,
        /// The limit.
        max: u64,
    },
    /// It grew past the limit while it was copied.
    #[error("grew past the evidence size limit of {max} bytes while being added")]
    GrewTooLarge {
        /// The limit.
        max: u64,
    },
    /// It disappeared while it was copied.
    #[error("vanished while being added ({reason}); nothing was stored")]
    Vanished {
        /// What the operating system said.
        reason: String,
    },
    /// It changed while it was copied.
    #[error("changed while being added; nothing was stored")]
    Changed,
    /// The stored copy does not hash to what was recorded.
    #[error("does not match its recorded SHA-256 {sha256}: the stored file was altered")]
    Altered {
        /// The recorded hash.
        sha256: String,
    },
}

impl StoreError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn encode(what: impl Into<String>, e: &serde_json::Error) -> Self {
        Self::Encode {
            what: what.into(),
            message: e.to_string(),
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
