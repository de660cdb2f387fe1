//! Imports other scanners' findings into Testat, so that they count as C5 evidence.
//!
//! Three formats are read, recognised by content ([`detect`]) or named:
//!
//! | format | producer | what becomes a finding |
//! | --- | --- | --- |
//! | [`Format::Checkov`] | `checkov -o json` | every passed, failed and skipped check (skipped: excepted, with the suppress comment) |
//! | [`Format::ProwlerOcsf`] | `prowler -M json-ocsf` | every Detection Finding (MANUAL: unknown; muted failures: excepted) |
//! | [`Format::Sarif`] | Checkov, Trivy, KICS, Semgrep, CodeQL, … | every result (accepted suppressions: excepted) |
//!
//! Each file becomes an [`ImportedFile`] (its SHA-256 and size, for the run's inputs)
//! holding one [`Import`] per tool: the tool, its [`Check`]s (title, severity,
//! remediation, references, the tool's own compliance hints, and the C5:2020 and
//! C5:2026 criteria once [`Mappings::apply`] ran) and its [`ImportedFinding`]s
//! (outcome, severity, justification, resource, [`Place`], message).
//!
//! Files are read as streams: one record at a time through a buffer, never as a
//! whole JSON tree, so a 100 MB report needs far less than 100 MB beyond what is kept.
//! Severities are only ever the tool's own; nothing is guessed.
//!
//! ```
//! let bytes = br#"{"check_type": "kubernetes", "results": {"failed_checks": [
//!     {"check_id": "CKV_K8S_16", "check_name": "Container should not be privileged",
//!      "file_path": "/k8s.yaml", "file_line_range": [1, 20],
//!      "resource": "DaemonSet.logging.shipper", "severity": null}]},
//!     "summary": {"checkov_version": "3.3.30"}}"#;
//! let mut file = testat_import::read(&bytes[..], "checkov.json", None).unwrap();
//! let mappings = testat_import::Mappings::builtin().unwrap();
//! let import = &mut file.imports[0];
//! mappings.apply(import);
//! let check = &import.checks[import.findings[0].check];
//! assert_eq!(check.key.id, "CKV_K8S_16");
//! assert!(!check.c5_2020.is_empty());
//! assert_eq!(import.findings[0].severity, None); // Checkov OSS gives none
//! ```

mod checkov;
mod detect;
mod error;
pub mod generate;
mod json;
mod mapping;
mod model;
mod ocsf;
mod sarif;

use std::fs::File;
use std::io::{self, BufReader, Cursor, Read};
use std::path::Path;

use sha2::{Digest, Sha256};

pub use crate::detect::{HEAD_BYTES, detect};
pub use crate::error::ImportError;
pub use crate::mapping::{
    BUILTIN_TABLES, Lookup, MappingEntry, Mappings, c5_2026_ids, unmapped_as_toml, wildcard_match,
};
pub use crate::model::{
    Check, CheckKey, ComplianceHint, Format, Import, ImportedFile, ImportedFinding, MappingSource,
    Outcome, Place, Severity, ToolInfo,
};

/// Reads the file at `path` in `format`, or in the format its content shows when
/// `format` is `None`.
pub fn read_file(path: &Path, format: Option<Format>) -> Result<ImportedFile, ImportError> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|source| ImportError::Io {
        file: name.clone(),
        source,
    })?;
    read(file, &name, format)
}

/// Reads a file from `reader`; `name` names it in the result and in errors.
pub fn read<R: Read>(
    reader: R,
    name: &str,
    format: Option<Format>,
) -> Result<ImportedFile, ImportError> {
    let io_error = |source| ImportError::Io {
        file: name.to_owned(),
        source,
    };
    let mut hashing = Hashing {
        inner: reader,
        hasher: Sha256::new(),
        size: 0,
    };
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut hashing)
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(io_error)?;
    let format = match format {
        Some(format) => format,
        None => detect(&head).map_err(|reason| ImportError::UnknownFormat {
            file: name.to_owned(),
            reason,
        })?,
    };
    // serde_json does not read a byte-order mark; the hash still covers it.
    let start = if head.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let imports = {
        let stream =
            BufReader::with_capacity(64 * 1024, Cursor::new(&head[start..]).chain(&mut hashing));
        match format {
            Format::Checkov => vec![checkov::read(stream, name)?],
            Format::ProwlerOcsf => vec![ocsf::read(stream, name)?],
            Format::Sarif => sarif::read(stream, name)?,
        }
    };
    // The parsers stop at the end of the document; what follows is white space.
    io::copy(&mut hashing, &mut io::sink()).map_err(io_error)?;
    Ok(ImportedFile {
        path: name.to_owned(),
        format,
        sha256: hex::encode(hashing.hasher.finalize()),
        size: hashing.size,
        imports,
    })
}

/// Reads, then applies `mappings` to every import of the file.
pub fn import_file(
    path: &Path,
    format: Option<Format>,
    mappings: &Mappings,
) -> Result<ImportedFile, ImportError> {
    let mut file = read_file(path, format)?;
    for import in &mut file.imports {
        mappings.apply(import);
    }
    Ok(file)
}

/// A reader that hashes and counts what passes through it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    size: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = buf.get(..n).unwrap_or_default();
        self.hasher.update(read);
        self.size += n as u64;
        Ok(n)
    }
}
