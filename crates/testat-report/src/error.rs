//! The one error type of this crate.

/// Why a report could not be rendered.
///
/// Rendering only fails when the [`ScanReport`](crate::ScanReport) contradicts itself
/// (a finding points at a rule, resource, file or exception that is not there), which
/// is a bug in whoever built it, or when the serialiser fails.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A finding (or resource) refers to something the report does not hold.
    #[error("finding {finding}: {what} {index} does not exist (the scan has {len})")]
    Dangling {
        /// Position of the finding in the report.
        finding: usize,
        /// What the index is meant to point at: `rule`, `resource`, `file`, `exception`.
        what: &'static str,
        /// The index the finding holds.
        index: usize,
        /// How many of those the report holds.
        len: usize,
    },
    /// The JSON serialiser failed.
    #[error("cannot write the report as JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The format cannot express an empty document (an OSCAL POA&M without items).
    #[error("{0}")]
    Empty(String),
    /// A built-in HTML template failed (a bug in the template).
    #[error("cannot render the HTML report: {0}")]
    Template(#[from] minijinja::Error),
    /// The CSV writer failed.
    #[error("cannot write the report as CSV: {0}")]
    Csv(#[from] csv::Error),
    /// Writing into the output buffer failed.
    #[error("cannot format the report: {0}")]
    Format(#[from] std::fmt::Error),
    /// Writing the report to its destination failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}
