//! `testat.toml` as written: project settings, the service description and the
//! approved exceptions. [`super::Settings`] merges it with flags and the environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use testat_assess::{GdprCommitments, Location, OutOfScope, Service, Subservice};
use testat_records::Exception;
use testat_rules::Severity;

use crate::error::ProjectError;

/// The file looked for in the working directory when none is named.
pub const SETTINGS_FILE: &str = "testat.toml";

/// The settings file, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsFile {
    /// `[scan]`: defaults for scans.
    #[serde(default)]
    pub scan: ScanSection,
    /// `[catalog]`: an external catalogue to show beside ours.
    #[serde(default)]
    pub catalog: CatalogSection,
    /// `[[exception]]`: approved exceptions.
    #[serde(default, rename = "exception")]
    pub exceptions: Vec<Exception>,
    /// `[service]`: the service under assessment.
    #[serde(default)]
    pub service: Option<Service>,
    /// `[[location]]`: where data is processed and stored.
    #[serde(default, rename = "location")]
    pub locations: Vec<Location>,
    /// `[[subservice]]`: subservice organisations.
    #[serde(default, rename = "subservice")]
    pub subservices: Vec<Subservice>,
    /// `[[out_of_scope]]`: criteria not assessed, with the reason.
    #[serde(default)]
    pub out_of_scope: Vec<OutOfScope>,
    /// `[scope]`: the levels of sub-criteria covered (C5:2026).
    #[serde(default)]
    pub scope: ScopeSection,
    /// `[gdpr]`: commitments as a processor under the GDPR.
    #[serde(default)]
    pub gdpr: GdprCommitments,
    /// `[assessment]`: settings of Type 2 assessments.
    #[serde(default)]
    pub assessment: AssessmentSection,
    /// `[rules.<ID>]`: parameters of rules, by rule ID and parameter name.
    #[serde(default)]
    pub rules: BTreeMap<String, BTreeMap<String, toml::Value>>,
    /// `[[mapping]]`: imported tools' checks mapped to criteria (beside or instead of
    /// the built-in tables).
    #[serde(default, rename = "mapping")]
    pub mappings: Vec<testat_import::MappingEntry>,
}

/// `[scan]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanSection {
    /// Failures at or above this severity make the scan fail.
    pub fail_on: Option<Severity>,
    /// Directories of user rules, relative to the file.
    #[serde(default)]
    pub rules: Vec<PathBuf>,
    /// Rule IDs not to run.
    #[serde(default)]
    pub skip_rules: Vec<String>,
    /// Only rules for these criteria.
    #[serde(default)]
    pub criteria: Vec<String>,
    /// Largest input file read, in bytes.
    pub max_file_size: Option<u64>,
    /// Providers whose Terraform inputs are the account baseline: account-level rules
    /// fail there when nothing complies, instead of being `unknown`.
    #[serde(default)]
    pub account_baseline: Vec<String>,
}

/// `[catalog]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogSection {
    /// External catalogue file (OSCAL JSON or CSV), relative to the file.
    pub external: Option<PathBuf>,
    /// The C5 version of the engagement (`2020` or `2026`).
    pub version: Option<testat_catalog::C5Version>,
}

/// `[scope]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeSection {
    /// The levels of C5:2026 sub-criteria the engagement covers (`basic`,
    /// `sharpening`, `complementing`), as written; checked against the catalogue by
    /// [`testat_assess::ServiceDescription::level_scope`]. `None`: every level.
    pub levels: Option<Vec<String>>,
}

/// `[assessment]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentSection {
    /// The longest allowed time between two recorded runs of a scope, e.g. `36h` or
    /// `2d`.
    pub max_scan_gap: Option<String>,
}

impl SettingsFile {
    /// Reads and parses `path` (called `name` in messages); paths in it become
    /// relative to its folder.
    pub fn read(path: &Path, name: &Path) -> Result<Self, ProjectError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProjectError::Read {
            path: name.to_owned(),
            source,
        })?;
        let mut file: SettingsFile = toml::from_str(&text).map_err(|e| {
            let (line, column) = e
                .span()
                .map_or((0, 0), |span| line_column(&text, span.start));
            ProjectError::Settings {
                path: name.to_owned(),
                line,
                column,
                message: e.message().to_owned(),
            }
        })?;
        let base = path.parent().map(Path::to_owned).unwrap_or_default();
        for dir in file
            .scan
            .rules
            .iter_mut()
            .chain(file.catalog.external.as_mut())
        {
            if dir.is_relative() {
                *dir = base.join(&*dir);
            }
        }
        Ok(file)
    }
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
