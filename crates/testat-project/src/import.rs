//! The import job: other scanners' reports read, mapped to criteria with the built-in
//! tables and the settings file's `[[mapping]]` entries, judged against the threshold;
//! and the runs they become in the store (one per scope, by default one per tool).

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use testat_assess::RuleInfo;
use testat_catalog::Catalog;
use testat_import::{Format, Import, ImportedFile, Mappings, Outcome};
use testat_rules::Severity;
use testat_store::{NewRun, RunFinding, RunInput, RunSource};

use testat_report::{ImportReport, import_at_threshold};

use crate::error::ProjectError;
use crate::scan::{TOOL_VERSION, Verdict};

/// What one import produced: every file read and mapped.
#[derive(Debug)]
pub struct Imported {
    /// The files, in the order given; each holds one import per tool.
    pub files: Vec<ImportedFile>,
    /// The failure threshold.
    pub fail_on: Severity,
    /// Fingerprint of the mappings in force (built-in tables and overrides).
    pub mappings_fingerprint: String,
    /// When reading started.
    pub started_at: DateTime<Utc>,
    /// When it finished.
    pub finished_at: DateTime<Utc>,
}

/// Reads every file of `paths` (in `format`, or recognised by content), then maps
/// them. Every file is read before anything is returned, so one bad file stops the
/// whole import.
pub fn import(
    paths: &[PathBuf],
    format: Option<Format>,
    mappings: &Mappings,
    fail_on: Severity,
    started_at: DateTime<Utc>,
    now: &dyn Fn() -> DateTime<Utc>,
) -> Result<Imported, ProjectError> {
    let files = paths
        .iter()
        .map(|path| testat_import::import_file(path, format, mappings))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Imported {
        files,
        fail_on,
        mappings_fingerprint: mappings.fingerprint(),
        started_at,
        finished_at: now(),
    })
}

impl Imported {
    /// Every import of every file.
    pub fn imports(&self) -> impl Iterator<Item = &Import> {
        self.files.iter().flat_map(|f| f.imports.iter())
    }

    /// The import as the renderers see it.
    pub fn report(&self) -> ImportReport<'_> {
        ImportReport {
            tool_version: TOOL_VERSION,
            files: &self.files,
            fail_on: self.fail_on,
            started_at: self.started_at,
            finished_at: self.finished_at,
        }
    }

    /// Failures at or above the threshold (failures without a severity count).
    pub fn failed_at_threshold(&self) -> usize {
        self.imports()
            .flat_map(|i| i.findings.iter())
            .filter(|f| f.outcome == Outcome::Fail && import_at_threshold(f.severity, self.fail_on))
            .count()
    }

    /// How the import ended, for the exit code (a file that could not be read is an
    /// error before there is an [`Imported`]).
    pub fn verdict(&self) -> Verdict {
        if self.failed_at_threshold() > 0 {
            Verdict::Failed
        } else {
            Verdict::Clean
        }
    }

    /// Checks no mapping names, across all imports, as `[[mapping]]` entries ready to
    /// paste into the settings file.
    pub fn unmapped_as_toml(&self) -> String {
        self.imports()
            .filter(|i| !i.unmapped().is_empty())
            .map(testat_import::unmapped_as_toml)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The runs this import becomes in the store: one per scope, `scope` for all when
    /// given, else each tool's default scope (`checkov`, `prowler:<account>`,
    /// `sarif:<tool>`).
    pub fn new_runs(&self, catalog: &Catalog, scope: Option<&str>) -> Vec<NewRun> {
        let mut by_scope: BTreeMap<String, Vec<(&ImportedFile, &Import)>> = BTreeMap::new();
        for file in &self.files {
            for import in &file.imports {
                let scope = scope.map_or_else(|| import.default_scope(), str::to_owned);
                by_scope.entry(scope).or_default().push((file, import));
            }
        }
        by_scope
            .into_iter()
            .map(|(scope, imports)| self.new_run(catalog, scope, &imports))
            .collect()
    }

    fn new_run(
        &self,
        catalog: &Catalog,
        scope: String,
        imports: &[(&ImportedFile, &Import)],
    ) -> NewRun {
        let mut tools: Vec<&str> = Vec::new();
        let mut versions: Vec<&str> = Vec::new();
        let mut inputs: BTreeMap<&str, RunInput> = BTreeMap::new();
        let mut findings = Vec::new();
        let mut checks = 0usize;
        let mut resources = 0usize;
        for (file, import) in imports {
            if !tools.contains(&import.tool.name.as_str()) {
                tools.push(&import.tool.name);
            }
            if let Some(v) = import.tool.version.as_deref()
                && !versions.contains(&v)
            {
                versions.push(v);
            }
            inputs
                .entry(file.path.as_str())
                .or_insert_with(|| RunInput {
                    path: file.path.clone(),
                    kind: file.format.as_str().to_owned(),
                    sha256: file.sha256.clone(),
                    size: i64::try_from(file.size).unwrap_or(i64::MAX),
                });
            checks += import.checks.len();
            resources += import.resource_count();
            findings.extend(import.findings.iter().filter_map(|f| {
                let check = import.check_of(f)?;
                Some(RunFinding {
                    rule: import.rule_id(check),
                    address: f.resource.clone(),
                    outcome: f.outcome.as_str().to_owned(),
                    criteria: check.c5_2020.clone(),
                })
            }));
        }
        NewRun {
            scope,
            started_at: self.started_at,
            finished_at: self.finished_at,
            tool_version: TOOL_VERSION.to_owned(),
            catalog_version: catalog.version.clone(),
            ruleset_sha256: self.mappings_fingerprint.clone(),
            rule_count: i64::try_from(checks).unwrap_or(i64::MAX),
            resource_count: i64::try_from(resources).unwrap_or(i64::MAX),
            inputs: inputs.into_values().collect(),
            findings,
            settings: Default::default(),
            source: Some(RunSource {
                tool: tools.join(" + "),
                version: (!versions.is_empty()).then(|| versions.join(" + ")),
            }),
        }
    }
}

/// Adds to `rules` the imported rule IDs (`checkov:CKV_AWS_19`,
/// `prowler:aws:iam_root_mfa_enabled`) among `ids`, with the criteria `mappings` give
/// them now, so that status and assessments count imported findings as they count
/// Testat's own.
pub fn add_imported_rules<'a>(
    rules: &mut BTreeMap<String, RuleInfo>,
    ids: impl IntoIterator<Item = &'a str>,
    mappings: &Mappings,
) {
    for id in ids {
        if rules.contains_key(id) {
            continue;
        }
        let Some((tool, key)) = Import::parse_rule_id(id) else {
            continue;
        };
        let found = mappings.lookup(&tool, &key);
        rules.insert(
            id.to_owned(),
            RuleInfo {
                title: format!("{tool} check {key}"),
                criteria: found.c5_2020.to_vec(),
            },
        );
    }
}
