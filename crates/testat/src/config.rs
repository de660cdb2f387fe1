//! `testat.toml`: project settings for scans, and the exceptions in force.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use testat_assess::{Location, OutOfScope, ScopedOut, Service, ServiceDescription, Subservice};
use testat_catalog::Catalog;
use testat_rules::{Exception, Severity};

use crate::error::CliError;

/// The file looked for in the current directory when `--config` is not given.
pub const DEFAULT_CONFIG: &str = "testat.toml";

/// The settings file, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[scan]`: defaults for `testat scan`.
    #[serde(default)]
    pub scan: ScanConfig,
    /// `[catalog]`: an external catalogue to show beside ours.
    #[serde(default)]
    pub catalog: CatalogConfig,
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
    /// `[assessment]`: settings of Type 2 assessments.
    #[serde(default)]
    pub assessment: AssessmentConfig,
    /// Where the file was read from (set after reading).
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// `[assessment]` settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentConfig {
    /// The longest allowed time between two recorded runs of a scope, e.g. `36h` or
    /// `2d` (default 36h: a daily scan with half a day of slack). Longer gaps are
    /// deviations in a Type 2 assessment.
    pub max_scan_gap: Option<String>,
}

/// The default of `[assessment] max_scan_gap`, in hours.
pub const DEFAULT_MAX_SCAN_GAP_HOURS: i64 = 36;

/// `[catalog]` settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogConfig {
    /// External catalogue file (OSCAL JSON or CSV), relative to the config file;
    /// `--catalog` and `TESTAT_CATALOG` override it.
    pub external: Option<PathBuf>,
}

/// `[scan]` settings; command-line options override them.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanConfig {
    /// Failures at or above this severity make the scan fail.
    pub fail_on: Option<Severity>,
    /// Directories of user rules, relative to the config file.
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
}

impl Config {
    /// Loads `explicit`, or `testat.toml` in the current directory if it exists, or
    /// the defaults.
    pub fn load(explicit: Option<&Path>) -> Result<Self, CliError> {
        let path = match explicit {
            Some(path) => path.to_owned(),
            None => {
                let default = PathBuf::from(DEFAULT_CONFIG);
                if !default.is_file() {
                    return Ok(Self::default());
                }
                default
            }
        };
        let text = std::fs::read_to_string(&path).map_err(|source| CliError::Read {
            path: path.clone(),
            source,
        })?;
        let mut config: Config = toml::from_str(&text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|span| line_column(&text, span.start))
                .unwrap_or((0, 0));
            CliError::Config {
                path: path.clone(),
                line,
                column,
                message: e.message().to_owned(),
            }
        })?;
        // Rule directories are relative to the file that names them.
        let base = path.parent().map(Path::to_owned).unwrap_or_default();
        for dir in config
            .scan
            .rules
            .iter_mut()
            .chain(config.catalog.external.as_mut())
        {
            if dir.is_relative() {
                *dir = base.join(&*dir);
            }
        }
        config.path = Some(path);
        Ok(config)
    }
}

impl Config {
    /// The service description, checked against `catalog`, with the criteria it
    /// scopes out.
    pub fn service_description(
        &self,
        catalog: &Catalog,
    ) -> Result<(ServiceDescription, Vec<ScopedOut>), CliError> {
        let description = ServiceDescription {
            service: self.service.clone(),
            locations: self.locations.clone(),
            subservices: self.subservices.clone(),
            out_of_scope: self.out_of_scope.clone(),
        };
        let scope = description
            .validate(catalog)
            .map_err(|e| CliError::Service {
                path: self
                    .path
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG)),
                error: e,
            })?;
        Ok((description, scope))
    }

    /// `[assessment] max_scan_gap`.
    pub fn max_scan_gap(&self) -> Result<chrono::Duration, CliError> {
        let Some(text) = self.assessment.max_scan_gap.as_deref() else {
            return Ok(chrono::Duration::hours(DEFAULT_MAX_SCAN_GAP_HOURS));
        };
        let text = text.trim();
        let (number, unit) = text.split_at(text.len().saturating_sub(1));
        let hours = match (number.parse::<i64>(), unit) {
            (Ok(n), "h") if n > 0 => Some(n),
            (Ok(n), "d") if n > 0 => n.checked_mul(24),
            _ => None,
        };
        hours
            .filter(|h| *h <= 24 * 366)
            .map(chrono::Duration::hours)
            .ok_or_else(|| CliError::Service {
                path: self
                    .path
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG)),
                error: testat_assess::ServiceError {
                    place: "[assessment]".into(),
                    message: format!(
                        "max_scan_gap `{text}` is not a number of hours or days (e.g. `36h`, `2d`, at most a year)"
                    ),
                },
            })
    }
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
