//! Testat's application layer: the settings, resolved once, and one function per job.
//! The command line, the bench and the server call these functions; none of them
//! writes the pipeline out again.
//!
//! | job | function |
//! | --- | --- |
//! | scan inputs against the rules | [`Project::scan`] → [`Scan`] (render it with [`Scan::report`], decide the exit with [`Scan::verdict`]) |
//! | record a scan in the store | [`Project::record`] |
//! | import other scanners' reports | [`Project::import`] → [`Imported`]; record with [`Project::record_import`] |
//! | status of every criterion | [`Project::status`] |
//! | Type 1 / Type 2 assessment | [`Project::assess`] (the period is checked by [`Project::assessment_kind`]) |
//! | what the status shows for ISO/IEC 27001, GDPR, BDSG | [`Project::framework_status`], [`Project::framework_of_assessment`] |
//! | customer handout | [`Project::customer_handout`] |
//! | what falls due in the register | [`Project::inquiries_due`] |
//! | the move from C5:2020 to C5:2026 | [`Project::transition`] |
//!
//! Settings come from flags ([`Overrides`]), the environment ([`Environment`]),
//! `testat.toml` and the defaults, merged by [`Settings::resolve`]; the precedence is
//! in the [`settings`] module's documentation.
//!
//! ```no_run
//! # async fn example() -> Result<(), testat_project::ProjectError> {
//! use testat_project::{Environment, Overrides, Project, Settings};
//!
//! let dir = std::env::current_dir().unwrap();
//! let settings = Settings::resolve(&dir, &Overrides::default(), &Environment::from_process())?;
//! let project = Project::new(settings);
//!
//! // Scan a plan with the settings' rules and exceptions, and record the run.
//! let store = project.open_store().await?;
//! let exceptions = project.exceptions_in_force(Some(&store)).await?;
//! let scan = project.scan(exceptions, &["plan.json".into()], &mut |_| {})?;
//! let run = project.record(&store, &scan, "default").await?;
//!
//! // Every criterion's status, as `testat status` shows it.
//! let status = project.status(&store).await?;
//! println!("run {run}; {} criteria as of {}", status.criteria.len(), status.as_of);
//! # Ok(())
//! # }
//! ```

mod assessment;
mod clock;
mod error;
mod framework;
mod gather;
mod gdpr;
mod import;
mod rules;
mod scan;
pub mod settings;
mod transition;

use std::path::PathBuf;

use std::collections::BTreeMap;

use testat_assess::{CustomerHandout, LevelScope, RuleInfo};
use testat_catalog::{C5Version, Catalog, ExternalCatalog};
use testat_inquiry::Due;
use testat_records::Exception;
use testat_rules::RuleSet;
use testat_store::{Location, Stamp, Store};

pub use assessment::{
    AssessmentJob, AssessmentPhase, AssessmentRequest, C5_2026_REQUIRED, SampleRequest, StatusJob,
    StatusReport,
};
pub use clock::Clock;
pub use error::{AssessmentError, ProjectError};
pub use gather::{Snapshot, gather_histories, gather_snapshot};
pub use import::{Imported, add_imported_rules};
pub use rules::{load_rules, ruleset_sha256, scan_rules};
pub use scan::{Phase, Scan, TOOL_VERSION, Verdict, scan};
pub use settings::{Environment, Overrides, ScanOverrides, ScanSettings, Settings, VersionSource};

/// A project: its resolved settings and the catalogue it works with.
#[derive(Debug, Clone)]
pub struct Project {
    settings: Settings,
    version: C5Version,
    catalog: &'static Catalog,
}

impl Project {
    /// A project with `settings`, on the built-in catalogue of the C5 version they
    /// name (C5:2020 when they name none; [`Project::settle_version`] then follows the
    /// store's).
    pub fn new(settings: Settings) -> Self {
        let version = settings.c5.map(|(v, _)| v).unwrap_or_default();
        Self {
            settings,
            version,
            catalog: version.catalog(),
        }
    }

    /// The C5 version of the engagement.
    pub fn version(&self) -> C5Version {
        self.version
    }

    /// Settles the version with the store's (`None`: a store that recorded none, which
    /// is a C5:2020 store): a version the settings name must be the store's, so that
    /// one engagement never mixes versions; when they name none, the store's is used.
    pub fn settle_version(&mut self, store: Option<C5Version>) -> Result<(), ProjectError> {
        let store = store.unwrap_or(C5Version::V2020);
        match self.settings.c5 {
            Some((asked, by)) if asked != store => {
                Err(ProjectError::VersionMismatch { store, asked, by })
            }
            _ => {
                self.version = store;
                self.catalog = store.catalog();
                Ok(())
            }
        }
    }

    /// Reads the version recorded in `store` and settles it ([`Self::settle_version`]).
    pub async fn settle_with_store(&mut self, store: &Store) -> Result<(), ProjectError> {
        let recorded = store_version(store).await?;
        self.settle_version(recorded)
    }

    /// The resolved settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The catalogue.
    pub fn catalog(&self) -> &'static Catalog {
        self.catalog
    }

    /// The clock.
    pub fn clock(&self) -> Clock {
        self.settings.clock
    }

    /// Who acts now, for the audit log.
    pub fn stamp(&self) -> Stamp {
        Stamp {
            actor: self.settings.actor.clone(),
            at: self.clock().now(),
        }
    }

    /// The external catalogue named in the settings, loaded and matched against ours.
    pub fn external_catalog(&self) -> Result<Option<ExternalCatalog>, ProjectError> {
        self.settings
            .external_catalog
            .as_ref()
            .map(|path| ExternalCatalog::load(path, self.catalog))
            .transpose()
            .map_err(ProjectError::from)
    }

    /// Whether a store is configured: a database was named or `.testat/` exists.
    pub fn has_store(&self) -> bool {
        self.settings.database.is_some() || self.settings.dir.join(testat_store::STORE_DIR).is_dir()
    }

    /// Where the store is.
    pub fn store_location(&self) -> Result<Location, ProjectError> {
        Ok(Location::find(
            &self.settings.dir,
            self.settings.database.as_deref(),
        )?)
    }

    /// Creates the store here, recording the project's C5 version in it.
    pub async fn init_store(&self) -> Result<testat_store::Initialised, ProjectError> {
        Ok(testat_store::init_version(
            &self.settings.dir,
            self.settings.database.as_deref(),
            &self.stamp(),
            self.version.as_str(),
        )
        .await?)
    }

    /// Opens (and migrates) the store.
    pub async fn open_store(&self) -> Result<Store, ProjectError> {
        Ok(Store::open(&self.store_location()?).await?)
    }

    /// The rules of the project: the built-in ones and the settings file's folders
    /// (what status and assessments map findings to criteria with).
    pub fn rules(&self) -> Result<RuleSet, ProjectError> {
        load_rules(
            testat_catalog::builtin(),
            true,
            &self.settings.scan.rule_dirs,
        )
    }

    /// The levels of sub-criteria the engagement covers (`[scope] levels`): `None`
    /// under C5:2020, every level when the settings name none.
    pub fn level_scope(&self) -> Result<Option<LevelScope>, ProjectError> {
        self.settings.level_scope(self.catalog)
    }

    /// The rules by ID with the criteria of the engagement's version they test: their
    /// C5:2020 criteria, or for C5:2026 the criteria of the sub-criteria they name at
    /// the levels in scope ([`Self::level_scope`]).
    pub fn rule_infos(&self) -> Result<BTreeMap<String, RuleInfo>, ProjectError> {
        let rules = self.rules()?;
        let mut infos = RuleInfo::of(&rules);
        if self.version == C5Version::V2026 {
            let levels = self.level_scope()?;
            for rule in rules.rules() {
                if let Some(info) = infos.get_mut(rule.id()) {
                    let entries = &rule.spec.criteria_2026;
                    info.criteria = match &levels {
                        Some(levels) => levels.criteria_of(entries),
                        None => criteria_2026_of(entries),
                    };
                }
            }
        }
        Ok(infos)
    }

    /// The exceptions in force: the settings file's, then the store's (not revoked)
    /// when one is open.
    pub async fn exceptions_in_force(
        &self,
        store: Option<&Store>,
    ) -> Result<Vec<Exception>, ProjectError> {
        let mut exceptions = self.settings.exceptions.clone();
        if let Some(store) = store {
            exceptions.extend(
                store
                    .exceptions()
                    .await?
                    .into_iter()
                    .filter(|e| e.revoked.is_none())
                    .map(|e| e.exception),
            );
        }
        Ok(exceptions)
    }

    /// Scans `paths` with the settings' rules and `exceptions`.
    pub fn scan(
        &self,
        exceptions: Vec<Exception>,
        paths: &[PathBuf],
        phase: &mut dyn FnMut(Phase),
    ) -> Result<Scan, ProjectError> {
        scan::scan(
            testat_catalog::builtin(),
            &self.settings.scan,
            exceptions,
            paths,
            &self.clock(),
            phase,
        )
    }

    /// Records `scan` in `store` as a run of `scope`. Returns the run's ID.
    pub async fn record(
        &self,
        store: &Store,
        scan: &Scan,
        scope: &str,
    ) -> Result<i64, ProjectError> {
        let run = scan.new_run(testat_catalog::builtin(), scope);
        Ok(store.record_run(&run, &self.stamp()).await?)
    }

    /// The mapping tables in force: the built-in ones and the settings file's
    /// `[[mapping]]` entries, checked against the catalogues.
    pub fn mappings(&self) -> Result<testat_import::Mappings, ProjectError> {
        let origin = self.settings.file_name().display().to_string();
        Ok(testat_import::Mappings::builtin()?.with_overrides(&self.settings.mappings, &origin)?)
    }

    /// Reads and maps other scanners' reports (`format`, or recognised by content),
    /// judged against the settings' threshold.
    pub fn import(
        &self,
        paths: &[PathBuf],
        format: Option<testat_import::Format>,
    ) -> Result<Imported, ProjectError> {
        let clock = self.clock();
        import::import(
            paths,
            format,
            &self.mappings()?,
            self.settings.scan.fail_on,
            clock.now(),
            &|| clock.now(),
        )
    }

    /// Records `imported` in `store`: one run per scope (`scope` for all, or each
    /// tool's default scope). Returns each scope with its run's ID.
    pub async fn record_import(
        &self,
        store: &Store,
        imported: &Imported,
        scope: Option<&str>,
    ) -> Result<Vec<(String, i64)>, ProjectError> {
        let mut recorded = Vec::new();
        for run in imported.new_runs(self.catalog, scope) {
            let id = store.record_run(&run, &self.stamp()).await?;
            recorded.push((run.scope, id));
        }
        Ok(recorded)
    }

    /// The customer handout: what customers must do on their side.
    pub fn customer_handout(&self) -> Result<CustomerHandout, ProjectError> {
        let scope = self.settings.scope(self.catalog)?;
        Ok(testat_assess::customer_handout(
            self.catalog,
            &self.settings.service,
            &scope,
            self.clock().now(),
            TOOL_VERSION,
        ))
    }

    /// Deadlines and bar reviews of the register up to `days` days ahead, overdue ones
    /// included.
    pub async fn inquiries_due(&self, store: &Store, days: i64) -> Result<Vec<Due>, ProjectError> {
        let records = store.inquiries().await?;
        Ok(testat_inquiry::due(&records, self.clock().today(), days))
    }
}

/// The C5 version recorded in `store` (`None` for a store that recorded none).
pub async fn store_version(store: &Store) -> Result<Option<C5Version>, ProjectError> {
    match store.c5_version().await? {
        None => Ok(None),
        Some(text) => Ok(Some(text.parse::<C5Version>()?)),
    }
}

/// The C5:2026 criteria of a rule's `criteria_2026` entries: a sub-criterion counts
/// for its criterion. Sorted, without repeats.
pub fn criteria_2026_of(entries: &[String]) -> Vec<String> {
    let mut out: Vec<String> = entries
        .iter()
        .map(|id| id.split('.').next().unwrap_or(id).to_owned())
        .collect();
    out.sort();
    out.dedup();
    out
}
