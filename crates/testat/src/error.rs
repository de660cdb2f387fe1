//! Errors of the command line, rendered for people: the library's message, and a hint
//! that says what to type.

use std::path::PathBuf;

use testat_catalog::CatalogError;
use testat_inquiry::InquiryError;
use testat_project::{AssessmentError, ProjectError};
use testat_store::{EvidenceProblem, StoreError};

/// Anything that stops a command from running.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The application layer refused or failed.
    #[error(transparent)]
    Project(ProjectError),

    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },

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

    /// Data could not be serialised (a bug if it happens).
    #[error("cannot render output: {0}")]
    Render(String),
}

impl CliError {
    /// A usage error with a hint.
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::Usage {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    /// A hint that tells the user what to do next, when we know one.
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::Usage { hint, .. } => hint.clone(),
            Self::Project(e) => project_hint(e),
            _ => None,
        }
    }
}

fn project_hint(e: &ProjectError) -> Option<String> {
    let hint = match e {
        ProjectError::Catalog(e) => return catalog_hint(e),
        ProjectError::Settings { .. } => "see the `testat.toml` section of the README",
        ProjectError::Rules(_) => {
            "check the rule with `testat rules test DIR`; the format is described in docs/rules.md"
        }
        ProjectError::Store(e) => return store_hint(e),
        ProjectError::VersionMismatch { store, .. } => {
            return Some(format!(
                "leave out --c5 / TESTAT_C5 / [catalog] version (the store says {}); to plan a move to C5:2026 run `testat transition --to 2026`, and start the C5:2026 engagement in its own store (`testat init --c5 2026` in a new folder)",
                store.name()
            ));
        }
        ProjectError::Import(testat_import::ImportError::UnknownFormat { .. }) => {
            "`testat import` reads Checkov JSON, Prowler OCSF and SARIF 2.1.0; name the format with --format (docs/import.md)"
        }
        ProjectError::Import(testat_import::ImportError::Mapping { .. }) => {
            "fix the [[mapping]] entry; `testat catalog list` shows the C5:2020 criterion IDs"
        }
        _ => return None,
    };
    Some(hint.into())
}

fn catalog_hint(e: &CatalogError) -> Option<String> {
    let hint = match e {
        CatalogError::UnknownCriterion { suggestions, .. } if suggestions.is_empty() => {
            "`testat catalog list` shows the criterion IDs"
        }
        CatalogError::Json { .. }
        | CatalogError::Shape { .. }
        | CatalogError::Csv { .. }
        | CatalogError::UnknownFormat { .. } => {
            "--catalog takes an OSCAL catalog in JSON or a CSV file with the header id,title,text"
        }
        _ => return None,
    };
    Some(hint.into())
}

fn store_hint(e: &StoreError) -> Option<String> {
    let hint = match e {
        StoreError::NotFound { .. } => {
            "run `testat init` here, or name a database with --db URL or TESTAT_DATABASE_URL".into()
        }
        StoreError::Config { .. } => {
            "fix the file, or recreate it with `testat init` in a new folder".into()
        }
        StoreError::Busy { .. } => "only one command can write to the store at a time; try again when the other `testat` command has finished".into(),
        StoreError::NewerSchema { .. } => {
            "`testat --version` shows this version; docs/store.md explains migrations".into()
        }
        StoreError::Missing { kind, .. } => match *kind {
            "run" => "`testat runs list` shows the recorded runs".into(),
            "evidence" => "`testat evidence list` shows the stored evidence".into(),
            "inquiry" => "`testat inquiry list` shows the recorded requests".into(),
            _ => return None,
        },
        StoreError::Unreadable { .. } => "run `testat verify` and report this as a bug".into(),
        StoreError::Corrupt { .. } => {
            "the store was damaged or altered; `testat verify` shows what else changed".into()
        }
        StoreError::Incomplete { record, .. } => match *record {
            "an attestation" => "pass --statement TEXT and --owner NAME".into(),
            "an exception" => "pass --justification TEXT and --approved-by NAME".into(),
            _ => "pass --criterion ID (repeatable)".into(),
        },
        StoreError::FileAndLink | StoreError::NoEvidence => {
            "give a FILE, --url URL or --note TEXT".into()
        }
        StoreError::Evidence { problem, .. } => match problem {
            EvidenceProblem::NotAFile => "give a file, or use --url or --note".into(),
            EvidenceProblem::TooLarge { .. } | EvidenceProblem::GrewTooLarge { .. } => {
                "raise evidence.max_size in .testat/config.toml or store a link with --url".into()
            }
            EvidenceProblem::Changed => {
                "add it again once it is no longer being written".into()
            }
            EvidenceProblem::Altered { .. } => "run `testat verify`".into(),
            EvidenceProblem::Vanished { .. } => return None,
        },
        StoreError::NoEvidenceFolder { .. } | StoreError::NoSigningKey { .. } => {
            "run the command in the directory where `testat init` was run".into()
        }
        StoreError::NotAFile { id, .. } => format!("`testat evidence show {id}` shows it"),
        StoreError::Exists { .. } => "choose another name or folder; nothing is overwritten".into(),
        StoreError::Period { .. } => "swap --from and --to".into(),
        StoreError::Inquiry(e) => return inquiry_hint(e),
        _ => return None,
    };
    Some(hint)
}

fn inquiry_hint(e: &InquiryError) -> Option<String> {
    let hint = match e {
        InquiryError::Empty { what } => match *what {
            "a channel" => "pass --channel".into(),
            "an authority" => "pass --authority".into(),
            "a legal basis" => "pass --legal-basis".into(),
            _ => "pass --handler NAME (repeatable)".into(),
        },
        InquiryError::CloseUndecided { id } => format!(
            "`testat inquiry notify {id} --date D --how TEXT`, or `testat inquiry bar {id} --reason TEXT --review DATE` when the law forbids telling the customer"
        ),
        InquiryError::NotifiedHowMissing { .. } => "pass --how".into(),
        InquiryError::BarReasonMissing { .. } => "pass --reason".into(),
        InquiryError::ZeroBand => "--band 1 shows exact counts".into(),
        _ => return None,
    };
    Some(hint)
}

impl From<ProjectError> for CliError {
    fn from(e: ProjectError) -> Self {
        match e {
            // Errors about what the user typed, in the words of the flags.
            ProjectError::UnknownRule { id, near } => Self::usage(
                format!("--skip-rule names an unknown rule `{id}`"),
                if near.is_empty() {
                    "`testat rules list` shows the rule IDs".into()
                } else {
                    format!("did you mean {}?", near.join(", "))
                },
            ),
            ProjectError::Assessment(e) => match e {
                AssessmentError::DateInFuture { at, today } => Self::usage(
                    format!("--at {at} is in the future (today is {today})"),
                    "a Type 1 assessment describes a date that has come",
                ),
                AssessmentError::PeriodReversed { from, to } => Self::usage(
                    format!("the period starts ({from}) after it ends ({to})"),
                    "swap --from and --to",
                ),
                AssessmentError::PeriodNotOver { to, today } => Self::usage(
                    format!("the period ends {to}, after today ({today})"),
                    "assess a period that is over, e.g. --to today's date",
                ),
                e @ (AssessmentError::Type1Needs2026 { .. }
                | AssessmentError::Type2Needs2026 { .. }) => Self::usage(
                    e.to_string(),
                    "this store is a C5:2020 engagement; see what the move costs with `testat transition --to 2026`, then assess in a C5:2026 store (`testat init --c5 2026` in a new folder)",
                ),
            },
            other => Self::Project(other),
        }
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        Self::Project(ProjectError::Store(e))
    }
}

impl From<CatalogError> for CliError {
    fn from(e: CatalogError) -> Self {
        Self::Project(ProjectError::Catalog(e))
    }
}

impl From<InquiryError> for CliError {
    fn from(e: InquiryError) -> Self {
        Self::from(StoreError::Inquiry(e))
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
