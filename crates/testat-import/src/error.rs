//! The crate's one error type.

use std::io;

use crate::Format;

/// What went wrong while importing a file or loading mappings. Every message leads
/// with the file (or the settings entry) and the place in it.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// Why.
        #[source]
        source: io::Error,
    },

    /// The file is none of the formats Testat imports (or cannot be told apart).
    #[error("{file}: {reason}")]
    UnknownFormat {
        /// The file.
        file: String,
        /// What was found instead.
        reason: String,
    },

    /// The file is in a known format but breaks its shape (bad JSON, a missing or
    /// mistyped field, an unknown report version, a record without a check ID).
    #[error("{file}: {}not a valid {} file: {message}", place_text(pointer, *line, *column), format.label())]
    Invalid {
        /// The file.
        file: String,
        /// The format it was read as.
        format: Format,
        /// JSON pointer of the offending value (empty: the whole document, or not known).
        pointer: String,
        /// Line of the parser when it stopped (1-based; 0 when not known).
        line: usize,
        /// Column of the parser when it stopped (1-based; 0 when not known).
        column: usize,
        /// What is wrong.
        message: String,
    },

    /// A mapping (built-in table or `[[mapping]]` entry) is wrong: an unknown
    /// criterion, a missing list, a bad pattern.
    #[error("{origin}: {place}: {message}")]
    Mapping {
        /// Where the mappings came from (`testat.toml`, `mappings/checkov.yaml`).
        origin: String,
        /// Which entry (`[[mapping]] 3 (checkov CKV_AWS_*)`, `checks[12] (CKV_AWS_19)`).
        place: String,
        /// What is wrong.
        message: String,
    },
}

/// `/a/0/b (line 3, column 7): `, or the parts that are known.
fn place_text(pointer: &str, line: usize, column: usize) -> String {
    match (pointer.is_empty(), line == 0) {
        (true, true) => String::new(),
        (true, false) => format!("line {line}, column {column}: "),
        (false, true) => format!("{pointer}: "),
        (false, false) => format!("{pointer} (line {line}, column {column}): "),
    }
}
