//! Settings, resolved once: command-line flags, then the environment, then
//! `testat.toml`, then the defaults. Every job reads the resolved [`Settings`]; nothing
//! else looks at flags, files or variables.
//!
//! | setting | flag | environment | `testat.toml` | default |
//! | --- | --- | --- | --- | --- |
//! | settings file | `config` | | | `testat.toml` in the working directory, if present |
//! | store database | `database` | `TESTAT_DATABASE_URL` | | `.testat/` in the working directory |
//! | actor | `actor` | `TESTAT_ACTOR`, then `USER`, `USERNAME` | | `unknown` |
//! | external catalogue | `catalog` | `TESTAT_CATALOG` | `[catalog] external` | none |
//! | C5 version | `c5` | `TESTAT_C5` | `[catalog] version` | the store's, else 2020 |
//! | clock | | `TESTAT_NOW` (RFC 3339) | | the system clock |
//! | team server for uploads | `server` | `TESTAT_SERVER` | | none (record locally) |
//! | its API token | `token` | `TESTAT_TOKEN` | | none |
//! | scan threshold | `fail_on` | | `[scan] fail_on` | `high` |
//! | rule folders | `rules` (added) | | `[scan] rules` | none |
//! | skipped rules | `skip_rules` (added) | | `[scan] skip_rules` | none |
//! | criteria | `criteria` (replace) | | `[scan] criteria` | all |
//! | largest input | `max_file_size` | | `[scan] max_file_size` | 2 GiB |
//! | account baseline | `account_baseline` (added) | | `[scan] account_baseline` | none |
//! | rule parameters | | | `[rules.<ID>]` | the rule's defaults |
//! | mappings of imported checks | | | `[[mapping]]` | the built-in tables |
//! | levels of sub-criteria (C5:2026) | | | `[scope] levels` | every level |

mod file;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::Duration;
use testat_assess::{LevelScope, ScopedOut, ServiceDescription};
use testat_catalog::{C5Version, Catalog};
use testat_records::Exception;
use testat_rules::Severity;

pub use file::{SETTINGS_FILE, SettingsFile};

use crate::clock::Clock;
use crate::error::ProjectError;

/// The default of `[assessment] max_scan_gap`, in hours.
pub const DEFAULT_MAX_SCAN_GAP_HOURS: i64 = 36;

/// The environment variables Testat reads, captured once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// `TESTAT_DATABASE_URL`.
    pub database_url: Option<String>,
    /// `TESTAT_ACTOR`.
    pub actor: Option<String>,
    /// `TESTAT_CATALOG`.
    pub catalog: Option<PathBuf>,
    /// `TESTAT_NOW`: fixes the clock (RFC 3339).
    pub now: Option<String>,
    /// `USER`, or `USERNAME` where there is none: the login name.
    pub login: Option<String>,
    /// `TESTAT_SERVER`: the team server that records uploaded runs.
    pub server: Option<String>,
    /// `TESTAT_TOKEN`: the API token for it.
    pub token: Option<String>,
    /// `TESTAT_C5`: the C5 version (`2020` or `2026`).
    pub c5: Option<String>,
}

impl Environment {
    /// Reads the variables of this process. Empty values count as unset.
    pub fn from_process() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Self {
            database_url: var("TESTAT_DATABASE_URL"),
            actor: var("TESTAT_ACTOR"),
            catalog: var("TESTAT_CATALOG").map(PathBuf::from),
            now: var("TESTAT_NOW"),
            login: var("USER").or_else(|| var("USERNAME")),
            server: var("TESTAT_SERVER"),
            token: var("TESTAT_TOKEN"),
            c5: var("TESTAT_C5"),
        }
    }
}

/// What the command line (or a server request) says; `None` and empty lists leave the
/// decision to the environment, the settings file and the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// The settings file to read instead of `testat.toml` in the working directory.
    pub config: Option<PathBuf>,
    /// The store's database URL.
    pub database: Option<String>,
    /// Who acts.
    pub actor: Option<String>,
    /// An external catalogue to show beside ours.
    pub catalog: Option<PathBuf>,
    /// The team server that records uploaded runs.
    pub server: Option<String>,
    /// Its API token.
    pub token: Option<String>,
    /// The C5 version of the engagement.
    pub c5: Option<C5Version>,
    /// Scan settings.
    pub scan: ScanOverrides,
}

/// Scan settings given for one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanOverrides {
    /// Rule folders, used beside those of the settings file.
    pub rules: Vec<PathBuf>,
    /// Leave the built-in rules out.
    pub no_builtin_rules: bool,
    /// The failure threshold.
    pub fail_on: Option<Severity>,
    /// Only rules for these criteria (replaces the settings file's list).
    pub criteria: Vec<String>,
    /// Rules not to run (beside the settings file's).
    pub skip_rules: Vec<String>,
    /// Largest input file read, in bytes.
    pub max_file_size: Option<u64>,
    /// Providers declared the account baseline (beside the settings file's).
    pub account_baseline: Vec<String>,
}

/// Scan settings, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanSettings {
    /// Whether the built-in rules run.
    pub builtin_rules: bool,
    /// Folders of user rules: the settings file's, then the flags'.
    pub rule_dirs: Vec<PathBuf>,
    /// Failures at or above this severity fail the scan.
    pub fail_on: Severity,
    /// Only rules serving these criteria (all when empty); not yet checked.
    pub criteria: Vec<String>,
    /// Rules not to run; not yet checked.
    pub skip_rules: Vec<String>,
    /// Largest input file read, in bytes.
    pub max_file_size: u64,
    /// Providers whose Terraform inputs are the account baseline; not yet checked.
    pub account_baseline: Vec<String>,
    /// Rule parameters by rule ID and name (as JSON values); not yet checked.
    pub parameters: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
    /// The cloud regions of the service description's `[[location]]` entries, in
    /// order and without repeats: the value of every rule parameter named
    /// `allowed_regions` that `parameters` does not set.
    pub location_regions: Vec<String>,
    /// The settings file they come from, for messages.
    pub settings_file: PathBuf,
}

impl Default for ScanSettings {
    /// The settings of `testat scan` with no flags and no settings file.
    fn default() -> Self {
        Self {
            builtin_rules: true,
            rule_dirs: Vec::new(),
            fail_on: Severity::High,
            criteria: Vec::new(),
            skip_rules: Vec::new(),
            max_file_size: testat_inputs::ReadOptions::default().max_file_size,
            account_baseline: Vec::new(),
            parameters: BTreeMap::new(),
            location_regions: Vec::new(),
            settings_file: PathBuf::from(SETTINGS_FILE),
        }
    }
}

/// Everything a job needs to know, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The working directory: where `.testat/` and `testat.toml` are looked for.
    pub dir: PathBuf,
    /// The settings file read, if any, as named (relative to `dir` unless absolute).
    pub file: Option<PathBuf>,
    /// The store's database URL, when one was named (else `.testat/` in `dir`).
    pub database: Option<String>,
    /// Who acts, for the audit log.
    pub actor: String,
    /// The clock.
    pub clock: Clock,
    /// An external catalogue to show beside ours.
    pub external_catalog: Option<PathBuf>,
    /// The team server that records uploaded runs, with its API token.
    pub server: Option<(String, Option<String>)>,
    /// Scan settings.
    pub scan: ScanSettings,
    /// Exceptions of the settings file (the store's are added where a store is open).
    pub exceptions: Vec<Exception>,
    /// The service description, not yet checked against a catalogue.
    pub service: ServiceDescription,
    /// The C5 version the flags, the environment or the settings file name, and
    /// which of them named it; `None` leaves it to the store (else 2020).
    pub c5: Option<(C5Version, VersionSource)>,
    /// `[[mapping]]` entries for imported checks, not yet checked.
    pub mappings: Vec<testat_import::MappingEntry>,
    /// `[assessment] max_scan_gap`, as written.
    max_scan_gap: Option<String>,
}

/// Where a configured C5 version comes from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionSource {
    /// The command line (or a server request).
    Flag,
    /// `TESTAT_C5`.
    Environment,
    /// `[catalog] version` in the settings file.
    File,
}

impl VersionSource {
    /// How messages name it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Flag => "the command line",
            Self::Environment => "TESTAT_C5",
            Self::File => "[catalog] version in the settings file",
        }
    }
}

impl Settings {
    /// Resolves the settings for a command run in `dir`.
    pub fn resolve(
        dir: &Path,
        overrides: &Overrides,
        env: &Environment,
    ) -> Result<Self, ProjectError> {
        // The file as the user names it (for messages), and where it is.
        let named = match &overrides.config {
            Some(path) => Some(path.clone()),
            None => Some(PathBuf::from(SETTINGS_FILE)).filter(|p| dir.join(p).is_file()),
        };
        let file = match &named {
            Some(name) => SettingsFile::read(&dir.join(name), name)?,
            None => SettingsFile::default(),
        };
        let scan = &overrides.scan;
        let mut rule_dirs = file.scan.rules.clone();
        rule_dirs.extend(scan.rules.iter().map(|d| dir.join(d)));
        let mut skip_rules = file.scan.skip_rules.clone();
        skip_rules.extend(scan.skip_rules.iter().cloned());
        let mut account_baseline = file.scan.account_baseline.clone();
        for provider in &scan.account_baseline {
            if !account_baseline.contains(provider) {
                account_baseline.push(provider.clone());
            }
        }
        let parameters = file
            .rules
            .iter()
            .map(|(rule, values)| {
                let values = values
                    .iter()
                    .map(|(name, value)| (name.clone(), toml_to_json(value)))
                    .collect();
                (rule.clone(), values)
            })
            .collect();
        let mut location_regions: Vec<String> = Vec::new();
        for region in file.locations.iter().flat_map(|l| &l.regions) {
            if !location_regions.contains(region) {
                location_regions.push(region.clone());
            }
        }
        let actor = overrides
            .actor
            .clone()
            .filter(|a| !a.trim().is_empty())
            .or_else(|| env.actor.clone())
            .or_else(|| env.login.clone())
            .unwrap_or_else(|| "unknown".into());
        let c5 = match (overrides.c5, env.c5.as_deref(), file.catalog.version) {
            (Some(v), _, _) => Some((v, VersionSource::Flag)),
            (None, Some(text), _) => Some((
                text.parse::<C5Version>()
                    .map_err(|_| ProjectError::Settings {
                        path: PathBuf::from("TESTAT_C5"),
                        line: 0,
                        column: 0,
                        message: format!("`{text}` is not a C5 version (2020 or 2026)"),
                    })?,
                VersionSource::Environment,
            )),
            (None, None, Some(v)) => Some((v, VersionSource::File)),
            (None, None, None) => None,
        };
        Ok(Self {
            c5,
            dir: dir.to_owned(),
            database: overrides
                .database
                .clone()
                .filter(|d| !d.trim().is_empty())
                .or_else(|| env.database_url.clone()),
            actor,
            clock: Clock::from_setting(env.now.as_deref()),
            server: overrides
                .server
                .clone()
                .or_else(|| env.server.clone())
                .map(|url| {
                    let token = overrides.token.clone().or_else(|| env.token.clone());
                    (url.trim_end_matches('/').to_owned(), token)
                }),
            external_catalog: overrides
                .catalog
                .as_ref()
                .map(|p| dir.join(p))
                .or_else(|| env.catalog.as_ref().map(|p| dir.join(p)))
                .or(file.catalog.external.clone()),
            scan: ScanSettings {
                builtin_rules: !scan.no_builtin_rules,
                rule_dirs,
                fail_on: scan.fail_on.or(file.scan.fail_on).unwrap_or(Severity::High),
                criteria: if scan.criteria.is_empty() {
                    file.scan.criteria.clone()
                } else {
                    scan.criteria.clone()
                },
                skip_rules,
                max_file_size: scan
                    .max_file_size
                    .or(file.scan.max_file_size)
                    .unwrap_or(testat_inputs::ReadOptions::default().max_file_size),
                account_baseline,
                parameters,
                location_regions,
                settings_file: named
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(SETTINGS_FILE)),
            },
            exceptions: file.exceptions,
            service: ServiceDescription {
                service: file.service,
                locations: file.locations,
                subservices: file.subservices,
                out_of_scope: file.out_of_scope,
                levels: file.scope.levels,
                gdpr: file.gdpr,
            },
            max_scan_gap: file.assessment.max_scan_gap,
            mappings: file.mappings,
            file: named,
        })
    }

    /// The settings file's name for messages (`testat.toml` when none was read).
    pub fn file_name(&self) -> PathBuf {
        self.file
            .clone()
            .unwrap_or_else(|| PathBuf::from(SETTINGS_FILE))
    }

    /// The criteria the service description scopes out, after checking it against
    /// `catalog`.
    pub fn scope(&self, catalog: &Catalog) -> Result<Vec<ScopedOut>, ProjectError> {
        self.service
            .validate(catalog)
            .map_err(|error| ProjectError::Service {
                path: self.file_name(),
                error,
            })
    }

    /// The levels of sub-criteria the engagement covers (`[scope] levels`), checked
    /// against `catalog`: `None` for a catalogue without sub-criteria, every level
    /// when the file names none.
    pub fn level_scope(&self, catalog: &Catalog) -> Result<Option<LevelScope>, ProjectError> {
        self.service
            .level_scope(catalog)
            .map_err(|error| ProjectError::Service {
                path: self.file_name(),
                error,
            })
    }

    /// `[assessment] max_scan_gap` (default 36 hours).
    pub fn max_scan_gap(&self) -> Result<Duration, ProjectError> {
        let Some(text) = self.max_scan_gap.as_deref() else {
            return Ok(Duration::hours(DEFAULT_MAX_SCAN_GAP_HOURS));
        };
        let trimmed = text.trim();
        let (number, unit) = trimmed.split_at(trimmed.len().saturating_sub(1));
        let hours = match (number.parse::<i64>(), unit) {
            (Ok(n), "h") if n > 0 => Some(n),
            (Ok(n), "d") if n > 0 => n.checked_mul(24),
            _ => None,
        };
        hours
            .filter(|h| *h <= 24 * 366)
            .map(Duration::hours)
            .ok_or_else(|| ProjectError::Service {
                path: self.file_name(),
                error: testat_assess::ServiceError {
                    place: "[assessment]".into(),
                    message: format!(
                        "max_scan_gap `{trimmed}` is not a number of hours or days (e.g. `36h`, `2d`, at most a year)"
                    ),
                },
            })
    }
}

/// A TOML value as JSON (dates become their text).
fn toml_to_json(value: &toml::Value) -> serde_json::Value {
    match value {
        toml::Value::String(s) => serde_json::Value::String(s.clone()),
        toml::Value::Integer(i) => serde_json::Value::from(*i),
        toml::Value::Float(f) => serde_json::Value::from(*f),
        toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
        toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
        toml::Value::Array(items) => items.iter().map(toml_to_json).collect(),
        toml::Value::Table(table) => serde_json::Value::Object(
            table
                .iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests;
