//! The status job and the assessment job: gather what the store held, add the settings
//! file's exceptions, roll up, and apply the scope.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use testat_assess::{
    Assessment, AssessmentInputs, AssessmentKind, CriterionStatus, LevelScope, PeriodInputs,
    RuleInfo, ScopedOut, build_assessment,
};
use testat_catalog::C5Version;
use testat_import::Mappings;
use testat_store::Store;

use crate::Project;
use crate::error::{AssessmentError, ProjectError};
use crate::gather::{gather_histories, gather_snapshot};
use crate::scan::TOOL_VERSION;

/// The first day on which C5:2026 is required: Type 1 reports dated on or after it,
/// and Type 2 periods starting on or after it, must use C5:2026.
pub const C5_2026_REQUIRED: NaiveDate = match NaiveDate::from_ymd_opt(2027, 6, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// The status of every criterion today.
#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    /// The day the status holds for.
    pub as_of: NaiveDate,
    /// C5:2026: the levels of sub-criteria covered and the criteria out of scope by
    /// level; absent for a catalogue without sub-criteria.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub levels: Option<LevelScope>,
    /// One status per criterion of the catalogue, in catalogue order.
    pub criteria: Vec<CriterionStatus>,
}

/// Which assessment to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssessmentRequest {
    /// Type 1: the design of the controls at a date (today when `None`).
    Type1 {
        /// The date assessed.
        at: Option<NaiveDate>,
    },
    /// Type 2: their operation over a period that is over.
    Type2 {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
        /// A sample of runs and evidence for the auditor.
        sample: Option<SampleRequest>,
    },
}

/// A sample to draw in a Type 2 assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleRequest {
    /// How many runs and pieces of evidence.
    pub size: usize,
    /// The seed (taken from the clock when `None`, and written into the report).
    pub seed: Option<u64>,
}

/// A status roll-up, checked and ready to read the store: everything that can be
/// wrong with the settings is found before the store is opened.
#[derive(Debug)]
pub struct StatusJob<'p> {
    project: &'p Project,
    scope: Vec<ScopedOut>,
    levels: Option<LevelScope>,
    rules: BTreeMap<String, RuleInfo>,
    mappings: Mappings,
}

/// An assessment, checked and ready to read the store.
#[derive(Debug)]
pub struct AssessmentJob<'p> {
    project: &'p Project,
    request: AssessmentRequest,
    kind: AssessmentKind,
    scope: Vec<ScopedOut>,
    levels: Option<LevelScope>,
    max_gap: Duration,
    rules: BTreeMap<String, RuleInfo>,
    mappings: Mappings,
}

impl Project {
    /// Checks the settings for a status roll-up.
    pub fn status_job(&self) -> Result<StatusJob<'_>, ProjectError> {
        Ok(StatusJob {
            project: self,
            scope: self.settings().scope(self.catalog())?,
            levels: self.level_scope()?,
            rules: self.rule_infos()?,
            mappings: self.mappings()?,
        })
    }

    /// Every criterion's status today, from what `store` holds and the settings.
    pub async fn status(&self, store: &Store) -> Result<StatusReport, ProjectError> {
        self.status_job()?.run(store).await
    }

    /// The kind of assessment `request` asks for, checked against today.
    pub fn assessment_kind(
        &self,
        request: &AssessmentRequest,
    ) -> Result<AssessmentKind, AssessmentError> {
        let today = self.clock().today();
        match *request {
            AssessmentRequest::Type1 { at } => {
                let at = at.unwrap_or(today);
                if at > today {
                    return Err(AssessmentError::DateInFuture { at, today });
                }
                if self.version() == C5Version::V2020 && at >= C5_2026_REQUIRED {
                    return Err(AssessmentError::Type1Needs2026 {
                        at,
                        cutoff: C5_2026_REQUIRED,
                    });
                }
                Ok(AssessmentKind::Type1 { at })
            }
            AssessmentRequest::Type2 { from, to, .. } => {
                if from > to {
                    return Err(AssessmentError::PeriodReversed { from, to });
                }
                if to > today {
                    return Err(AssessmentError::PeriodNotOver { to, today });
                }
                if self.version() == C5Version::V2020 && from >= C5_2026_REQUIRED {
                    return Err(AssessmentError::Type2Needs2026 {
                        from,
                        cutoff: C5_2026_REQUIRED,
                    });
                }
                Ok(AssessmentKind::Type2 { from, to })
            }
        }
    }

    /// Checks `request` and the settings for an assessment.
    pub fn assessment_job(
        &self,
        request: &AssessmentRequest,
    ) -> Result<AssessmentJob<'_>, ProjectError> {
        Ok(AssessmentJob {
            project: self,
            request: *request,
            kind: self.assessment_kind(request)?,
            scope: self.settings().scope(self.catalog())?,
            levels: self.level_scope()?,
            max_gap: self.settings().max_scan_gap()?,
            rules: self.rule_infos()?,
            mappings: self.mappings()?,
        })
    }

    /// Makes the assessment `request` asks for from what `store` held.
    pub async fn assess(
        &self,
        store: &Store,
        request: &AssessmentRequest,
    ) -> Result<Assessment, ProjectError> {
        self.assessment_job(request)?.run(store).await
    }
}

impl StatusJob<'_> {
    /// Reads the store and rolls up.
    pub async fn run(&self, store: &Store) -> Result<StatusReport, ProjectError> {
        let project = self.project;
        let (now, today) = (project.clock().now(), project.clock().today());
        let rules = with_imported_rules(&self.rules, &self.mappings, store).await?;
        let mut snapshot = gather_snapshot(store, &rules, now, today).await?;
        snapshot
            .exceptions
            .extend(project.settings().exceptions.iter().cloned());
        let mut criteria = testat_assess::assess(project.catalog(), &snapshot.inputs(), today);
        if let Some(levels) = &self.levels {
            testat_assess::apply_levels(&mut criteria, levels);
        }
        testat_assess::apply_scope(&mut criteria, &self.scope);
        Ok(StatusReport {
            as_of: today,
            levels: self.levels.clone(),
            criteria,
        })
    }
}

impl AssessmentJob<'_> {
    /// The kind of assessment (with its dates).
    pub fn kind(&self) -> AssessmentKind {
        self.kind
    }

    /// Reads the store and builds the assessment.
    pub async fn run(&self, store: &Store) -> Result<Assessment, ProjectError> {
        self.run_observed(store, &mut |_| {}).await
    }

    /// [`Self::run`], telling `phase` of each step as it begins (for the bench).
    pub async fn run_observed(
        &self,
        store: &Store,
        phase: &mut (dyn FnMut(AssessmentPhase) + Send),
    ) -> Result<Assessment, ProjectError> {
        let project = self.project;
        let now = project.clock().now();
        let kind = self.kind;
        let until = kind.cut_off(now);
        phase(AssessmentPhase::GatheringSnapshot);
        let rules = with_imported_rules(&self.rules, &self.mappings, store).await?;
        let mut snapshot = gather_snapshot(store, &rules, until, kind.end()).await?;
        phase(AssessmentPhase::GatheringHistories);
        let histories = match kind {
            AssessmentKind::Type2 { .. } => gather_histories(store, kind.bounds().0, until).await?,
            AssessmentKind::Type1 { .. } => Vec::new(),
        };
        phase(AssessmentPhase::Building);
        snapshot
            .exceptions
            .extend(project.settings().exceptions.iter().cloned());
        let sample = match self.request {
            AssessmentRequest::Type2 {
                sample: Some(s), ..
            } => Some((
                s.size,
                s.seed
                    .unwrap_or_else(|| now.timestamp_micros().unsigned_abs()),
            )),
            _ => None,
        };
        let period = matches!(kind, AssessmentKind::Type2 { .. }).then_some(PeriodInputs {
            histories: &histories,
            max_gap: self.max_gap,
            sample,
        });
        let assessment = build_assessment(
            project.catalog(),
            &AssessmentInputs {
                kind,
                state: snapshot.inputs_for(&kind, now),
                rules: &rules,
                service: &project.settings().service,
                scope: &self.scope,
                levels: self.levels.as_ref(),
                period,
                generated_at: now,
                tool_version: TOOL_VERSION,
            },
        );
        phase(AssessmentPhase::Done);
        Ok(assessment)
    }
}

/// `rules`, plus the rule IDs of imported findings in `store` with the criteria
/// `mappings` give them.
async fn with_imported_rules(
    rules: &BTreeMap<String, RuleInfo>,
    mappings: &Mappings,
    store: &Store,
) -> Result<BTreeMap<String, RuleInfo>, ProjectError> {
    let ids = store.rule_ids().await?;
    let mut all = rules.clone();
    crate::import::add_imported_rules(&mut all, ids.iter().map(String::as_str), mappings);
    Ok(all)
}

/// A step of an assessment, reported as it begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssessmentPhase {
    /// Reading what the store held at the cut-off.
    GatheringSnapshot,
    /// Reading each scope's runs and changes in the period (Type 2).
    GatheringHistories,
    /// Building the assessment.
    Building,
    /// Done.
    Done,
}
