//! The one error type of this crate.

use std::path::{Path, PathBuf};

/// What Testat reads, for messages about files it does not understand.
pub(crate) const FORMATS: &str = "Testat reads Terraform plan JSON (`terraform show -json plan.out`), \
     Terraform state JSON (`terraform show -json`) and Kubernetes manifests \
     (YAML or JSON objects with `apiVersion` and `kind`)";

/// Something wrong with one input file.
///
/// Every message starts with the file and, where there is one, the place in it
/// (`file:line:column`, a JSON pointer, or a YAML document number), then says what was
/// expected and what to do. One bad file never stops the others from being read: errors
/// are collected in [`InputSet::problems`](crate::InputSet::problems).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The file (or directory entry) could not be opened or read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// A symbolic link whose target does not exist.
    #[error("{}: broken symbolic link: its target {} does not exist", path.display(), target.display())]
    BrokenLink {
        /// The link.
        path: PathBuf,
        /// Where it points.
        target: PathBuf,
    },

    /// The file is larger than [`ReadOptions::max_file_size`](crate::ReadOptions::max_file_size).
    #[error(
        "{}: the file is {} bytes, more than the limit of {limit} bytes; \
         raise the limit (`max_file_size` under `[scan]` in testat.toml) if the file is meant to be scanned",
        path.display(),
        size.map_or_else(|| format!("more than {limit}"), |s| s.to_string())
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size, when known before reading (not for pipes and standard input).
        size: Option<u64>,
        /// The limit in force.
        limit: u64,
    },

    /// The file is empty or holds only whitespace.
    #[error("{}: the file is empty; {FORMATS}", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },

    /// The bytes are not valid text in a supported encoding.
    #[error("{}:{line}:{column}: {message} (byte {offset}); save the file as UTF-8 (UTF-16 is read when it starts with a byte-order mark)", path.display())]
    Encoding {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first bad byte in the file.
        offset: u64,
        /// 1-based line of that byte.
        line: usize,
        /// 1-based column (in characters) of that byte.
        column: usize,
        /// What is wrong.
        message: String,
    },

    /// Malformed JSON or YAML (the parser's own message and position).
    #[error("{}:{line}:{column}: malformed {format}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// `JSON` or `YAML`.
        format: &'static str,
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
        /// What the parser said, with a hint where we have one.
        message: String,
    },

    /// Well-formed JSON or YAML that does not have the shape of the format it claims to be.
    #[error("{}{}: at {pointer}: {message}", path.display(), place(*line, *column))]
    Shape {
        /// The file.
        path: PathBuf,
        /// RFC 6901 JSON pointer to the part that is wrong (as near as known).
        pointer: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column (in characters), when known.
        column: Option<usize>,
        /// What is wrong and what was expected.
        message: String,
    },

    /// Terraform JSON whose `format_version` we do not read.
    #[error(
        "{}:{line}:{column}: at /format_version: Terraform JSON format version {version:?} is not supported; \
         Testat reads format versions 0.x and 1.x (what Terraform 0.12 and later write); \
         produce the file with such a Terraform version or update Testat",
        path.display()
    )]
    UnsupportedVersion {
        /// The file.
        path: PathBuf,
        /// The `format_version` found.
        version: String,
        /// 1-based line of the value.
        line: usize,
        /// 1-based column (in characters) of the value.
        column: usize,
    },

    /// A file named explicitly that is not in a format we read.
    #[error("{}: {found}; {FORMATS}", path.display())]
    Unrecognised {
        /// The file.
        path: PathBuf,
        /// What we found in it.
        found: String,
    },

    /// A YAML or JSON document in a manifest that is not a Kubernetes object.
    #[error(
        "{}:{line}:1: document {document} (pointer /{index}) is not a Kubernetes object: it has no {missing}; \
         every document of a manifest needs `apiVersion` and `kind` (remove the document or scan only Kubernetes files)",
        path.display(),
        index = document.saturating_sub(1)
    )]
    NotKubernetes {
        /// The file.
        path: PathBuf,
        /// 1-based number of the document in the file.
        document: usize,
        /// 1-based line where the document starts.
        line: usize,
        /// What is missing (`apiVersion`, `kind`, or `apiVersion and kind`), or what the document is instead.
        missing: String,
    },

    /// A limit of the reader was reached; what was read before it is kept.
    #[error("{}: {message}", path.display())]
    Limit {
        /// The file.
        path: PathBuf,
        /// Which limit and what it means for the scan.
        message: String,
    },
}

impl InputError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            Self::Read { path, .. }
            | Self::BrokenLink { path, .. }
            | Self::TooLarge { path, .. }
            | Self::Empty { path }
            | Self::Encoding { path, .. }
            | Self::Syntax { path, .. }
            | Self::Shape { path, .. }
            | Self::UnsupportedVersion { path, .. }
            | Self::Unrecognised { path, .. }
            | Self::NotKubernetes { path, .. }
            | Self::Limit { path, .. } => path,
        }
    }

    /// The 1-based line the error points at, when it points at one.
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Encoding { line, .. }
            | Self::Syntax { line, .. }
            | Self::UnsupportedVersion { line, .. }
            | Self::NotKubernetes { line, .. } => Some(*line),
            Self::Shape { line, .. } => *line,
            _ => None,
        }
    }
}

/// `:line:column` when the line is known.
fn place(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(":{line}:{column}"),
        (Some(line), None) => format!(":{line}"),
        _ => String::new(),
    }
}
