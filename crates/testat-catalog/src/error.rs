//! The one error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong while loading, checking or querying a catalogue.
///
/// Each variant names the file (or the embedded source) and the place in it, so that
/// the message alone tells a user what to fix.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },

    /// A file is larger than we are willing to read.
    #[error("{path} is {size} bytes, more than the limit of {limit} bytes for a catalogue")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },

    /// A file is not valid UTF-8.
    #[error("{path} is not valid UTF-8 (first bad byte at offset {offset}); save it as UTF-8")]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },

    /// A YAML catalogue could not be parsed or has the wrong shape.
    #[error("{origin}:{line}:{column}: {message}")]
    Yaml {
        /// The file or embedded source.
        origin: String,
        /// 1-based line, 0 when unknown.
        line: usize,
        /// 1-based column, 0 when unknown.
        column: usize,
        /// What was wrong.
        message: String,
    },

    /// A JSON document could not be parsed.
    #[error("{path}:{line}:{column}: invalid JSON: {message}")]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },

    /// A JSON document parsed but does not have the expected shape.
    #[error("{path}: at JSON pointer {pointer}: expected {expected}")]
    Shape {
        /// The file.
        path: PathBuf,
        /// RFC 6901 pointer to the offending value.
        pointer: String,
        /// What should have been there.
        expected: String,
    },

    /// A CSV catalogue could not be read.
    #[error("{path}:{line}: {message}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based line, 0 when unknown.
        line: u64,
        /// What was wrong.
        message: String,
    },

    /// A catalogue parsed but breaks a rule of the catalogue model.
    #[error("{origin}: criterion {id}: {message}")]
    Invalid {
        /// The file or embedded source.
        origin: String,
        /// The criterion (or domain) concerned.
        id: String,
        /// What rule it breaks.
        message: String,
    },

    /// Data beside the catalogues (the crosswalk, a framework or a framework mapping)
    /// parsed but breaks a rule of its model.
    #[error("{origin}: {place}: {message}")]
    InvalidData {
        /// The file or embedded source.
        origin: String,
        /// The entry concerned, e.g. `control art32.1.a` or `pair 12 (OPS-24 → OPS-31)`.
        place: String,
        /// What rule it breaks.
        message: String,
    },

    /// The format of an external catalogue could not be recognised.
    #[error(
        "{path}: not a catalogue Testat can read; expected an OSCAL catalog (JSON with a top-level \"catalog\"), a CISO Assistant framework library (YAML with objects.framework.requirement_nodes) or a CSV file with the header id,title,text"
    )]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },

    /// A C5 version Testat does not know.
    #[error("unknown C5 version `{input}`; Testat knows 2020 and 2026")]
    UnknownVersion {
        /// What the user typed.
        input: String,
    },

    /// A criterion ID that is not in the catalogue.
    #[error("{}", unknown_criterion_message(.input, .suggestions))]
    UnknownCriterion {
        /// What the user typed.
        input: String,
        /// The nearest known IDs, best first.
        suggestions: Vec<String>,
    },
}

fn unknown_criterion_message(input: &str, suggestions: &[String]) -> String {
    let what = if input.contains('.') {
        "sub-criterion"
    } else {
        "criterion"
    };
    let mut message = format!("unknown {what} `{input}`");
    match suggestions {
        [] => message.push_str(
            "; criterion IDs look like CRY-03, sub-criterion IDs (C5:2026) like CRY-03.01B",
        ),
        [one] => message.push_str(&format!("; did you mean `{one}`?")),
        many => {
            let quoted: Vec<String> = many.iter().map(|s| format!("`{s}`")).collect();
            message.push_str(&format!("; did you mean one of {}?", quoted.join(", ")));
        }
    }
    message
}
