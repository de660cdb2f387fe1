//! The assessment: what every report renders. One value holds the service
//! description, the scope, one result per criterion with its reasons and the records
//! behind it, and for Type 2 the period's runs, gaps, failure intervals and sample.
//!
//! Serialised as is, it is the JSON report (`schema` names its version; see
//! `docs/schemas/assessment.v1.json`).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::Status;
use crate::levels::LevelScope;
use crate::service::{ScopedOut, ServiceDescription};

/// The schema name and version of the serialised [`Assessment`].
pub const ASSESSMENT_SCHEMA: &str = "testat-assessment/v1";

/// The kind of assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum AssessmentKind {
    /// Type 1: the design of the controls at one date.
    #[serde(rename = "1")]
    Type1 {
        /// The date assessed.
        at: NaiveDate,
    },
    /// Type 2: the operation of the controls over a period (both dates included).
    #[serde(rename = "2")]
    Type2 {
        /// First day of the period.
        from: NaiveDate,
        /// Last day of the period.
        to: NaiveDate,
    },
}

impl AssessmentKind {
    /// `1` or `2`.
    pub fn number(&self) -> u8 {
        match self {
            Self::Type1 { .. } => 1,
            Self::Type2 { .. } => 2,
        }
    }

    /// The date or period, for titles: `2026-06-30` or `2026-01-01 to 2026-06-30`.
    pub fn period_label(&self) -> String {
        match self {
            Self::Type1 { at } => at.to_string(),
            Self::Type2 { from, to } => format!("{from} to {to}"),
        }
    }

    /// The first instant of the date or period and the first instant after it.
    pub fn bounds(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        match self {
            Self::Type1 { at } => crate::day_bounds(*at, *at),
            Self::Type2 { from, to } => crate::day_bounds(*from, *to),
        }
    }

    /// The last instant an assessment made at `now` reads: the end of the last day, or
    /// `now` while that day is not over.
    pub fn cut_off(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        (self.bounds().1 - chrono::Duration::microseconds(1)).min(now)
    }

    /// Whether the date or period is over at `now`. Then recorded failures stand:
    /// exceptions approved since do not excuse them
    /// ([`Inputs::recorded_failures_stand`](crate::Inputs::recorded_failures_stand)).
    pub fn is_past(&self, now: DateTime<Utc>) -> bool {
        self.end() < now.date_naive()
    }

    /// The last day covered (the date statuses are taken at).
    pub fn end(&self) -> NaiveDate {
        match self {
            Self::Type1 { at } => *at,
            Self::Type2 { to, .. } => *to,
        }
    }
}

/// A whole assessment.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    /// [`ASSESSMENT_SCHEMA`].
    pub schema: &'static str,
    /// Type 1 or Type 2, with its date or period.
    pub kind: AssessmentKind,
    /// When the report was produced.
    pub generated_at: DateTime<Utc>,
    /// The Testat version that produced it.
    pub tool_version: String,
    /// The catalogue assessed against.
    pub catalog: CatalogRef,
    /// The service description from `testat.toml`.
    pub service: ServiceDescription,
    /// Criteria scoped out, with the reason.
    pub scope: Vec<ScopedOut>,
    /// C5:2026: the levels of sub-criteria covered and the criteria out of scope by
    /// level; absent for a catalogue without sub-criteria.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub levels: Option<LevelScope>,
    /// How many criteria have each status.
    pub counts: StatusCounts,
    /// Per domain, in catalogue order.
    pub domains: Vec<DomainResult>,
    /// Per criterion, in catalogue order.
    pub criteria: Vec<CriterionResult>,
    /// Type 2 only: the period's runs, gaps and sample.
    pub period: Option<PeriodResult>,
    /// What the status shows for other frameworks, when asked for (`--framework`):
    /// each a section "what this shows for …" in every format. Never a verdict of
    /// compliance.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub frameworks: Vec<crate::FrameworkRollup>,
}

/// The catalogue's identity.
#[derive(Debug, Clone, Serialize)]
pub struct CatalogRef {
    /// E.g. `C5:2020`.
    pub name: String,
    /// The catalogue data version.
    pub version: String,
}

/// Criteria per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    /// `met`.
    pub met: usize,
    /// `partly met`.
    pub partly_met: usize,
    /// `not met`.
    pub not_met: usize,
    /// `not assessed`.
    pub not_assessed: usize,
    /// `not applicable`.
    pub not_applicable: usize,
}

impl StatusCounts {
    /// Counts one more criterion with `status`.
    pub fn add(&mut self, status: Status) {
        match status {
            Status::Met => self.met += 1,
            Status::PartlyMet => self.partly_met += 1,
            Status::NotMet => self.not_met += 1,
            Status::NotAssessed => self.not_assessed += 1,
            Status::NotApplicable => self.not_applicable += 1,
        }
    }

    /// The count of `status`.
    pub fn get(&self, status: Status) -> usize {
        match status {
            Status::Met => self.met,
            Status::PartlyMet => self.partly_met,
            Status::NotMet => self.not_met,
            Status::NotAssessed => self.not_assessed,
            Status::NotApplicable => self.not_applicable,
        }
    }

    /// All criteria counted.
    pub fn total(&self) -> usize {
        self.met + self.partly_met + self.not_met + self.not_assessed + self.not_applicable
    }
}

/// Every status, in the order reports list them.
pub const STATUSES: [Status; 5] = [
    Status::Met,
    Status::PartlyMet,
    Status::NotMet,
    Status::NotAssessed,
    Status::NotApplicable,
];

/// One domain's totals.
#[derive(Debug, Clone, Serialize)]
pub struct DomainResult {
    /// Domain code (e.g. `OPS`).
    pub code: String,
    /// Domain title.
    pub title: String,
    /// Its criteria per status.
    pub counts: StatusCounts,
}

/// One criterion's result with the records behind it.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionResult {
    /// Criterion ID.
    pub id: String,
    /// Domain code.
    pub domain: String,
    /// Title.
    pub title: String,
    /// The catalogue's automation level: `automated`, `partly`, `manual`.
    pub automation: &'static str,
    /// The status.
    pub status: Status,
    /// Why, one line each.
    pub reasons: Vec<String>,
    /// Set when scoped out: the reason.
    pub scoped_out: Option<String>,
    /// C5:2026: set when every sub-criterion is at a level the engagement does not
    /// cover: those levels (the criterion is `not applicable`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub out_of_level: Option<Vec<testat_catalog::Level>>,
    /// C5:2026: its sub-criteria at levels not covered, when others are covered (the
    /// criterion is assessed on those).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub excluded_subcriteria: Vec<String>,
    /// The rules mapped to it and their latest outcome in the assessment.
    pub rules: Vec<RuleOutcome>,
    /// The latest attestation at the assessment date.
    pub attestation: Option<AttestationRef>,
    /// Evidence linked to it and recorded by the assessment date.
    pub evidence: Vec<EvidenceRef>,
    /// Exceptions on its rules.
    pub exceptions: Vec<ExceptionRef>,
    /// Type 2: every interval in the period in which one of its rules failed.
    pub failures: Vec<FailureInterval>,
    /// Type 2: what deviated during the period (gaps, failures, late reviews,
    /// missing evidence), one line each.
    pub deviations: Vec<String>,
}

/// A rule and its outcome.
#[derive(Debug, Clone, Serialize)]
pub struct RuleOutcome {
    /// Rule ID.
    pub id: String,
    /// Rule title.
    pub title: String,
    /// Resources that passed in the latest run.
    pub passed: usize,
    /// Resources that failed (addresses).
    pub failing: Vec<String>,
    /// Resources excepted (addresses).
    pub excepted: Vec<String>,
    /// Findings that could not be decided.
    pub unknown: usize,
    /// Parameters set off the rule's defaults in the runs counted, as `name = value`
    /// (with the scope, where it is not `default`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<String>,
}

/// An attestation, as reports show it.
#[derive(Debug, Clone, Serialize)]
pub struct AttestationRef {
    /// Store ID.
    pub id: i64,
    /// `implemented`, `partial`, `planned`, `not-applicable`.
    pub status: String,
    /// What the owner states.
    pub statement: String,
    /// The control owner.
    pub owner: String,
    /// Who recorded it.
    pub attested_by: String,
    /// When it was recorded.
    pub attested_at: DateTime<Utc>,
    /// When it must be reviewed.
    pub next_review: Option<NaiveDate>,
}

/// A piece of evidence, as reports show it.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRef {
    /// Store ID.
    pub id: i64,
    /// `file`, `url` or `note`.
    pub kind: String,
    /// File name, URL or note text.
    pub label: String,
    /// SHA-256 of a file.
    pub sha256: Option<String>,
    /// From when it applies.
    pub effective: Option<NaiveDate>,
    /// Until when it applies.
    pub valid_until: Option<NaiveDate>,
    /// Whether it is valid at the assessment date.
    pub valid: bool,
}

/// An exception, as reports show it.
#[derive(Debug, Clone, Serialize)]
pub struct ExceptionRef {
    /// Rule ID (may contain `*`).
    pub rule: String,
    /// Resource address (may contain `*`).
    pub resource: String,
    /// Why it was accepted.
    pub justification: String,
    /// Who approved it.
    pub approved_by: String,
    /// Last day it applies.
    pub expires: NaiveDate,
    /// Whether it is active at the assessment date.
    pub active: bool,
}

/// An interval in which a rule failed on a resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailureInterval {
    /// The scope of the runs.
    pub scope: String,
    /// Rule ID.
    pub rule: String,
    /// Resource address.
    pub resource: String,
    /// The finish of the last run before, in which it did not fail (`None`: failing
    /// since before the period, or no earlier run).
    pub last_good: Option<DateTime<Utc>>,
    /// The finish of the run that first saw it fail (clamped to the period start when
    /// it was failing already).
    pub detected: DateTime<Utc>,
    /// The finish of the run that first saw it fixed; `None`: still failing at the end.
    pub fixed: Option<DateTime<Utc>>,
    /// The run that detected it.
    pub detected_run: i64,
    /// The run that saw it fixed.
    pub fixed_run: Option<i64>,
    /// Longest time it can have gone unseen: `detected - last_good`, in seconds.
    pub time_to_detect_secs: Option<i64>,
    /// `fixed - detected`, in seconds.
    pub time_to_fix_secs: Option<i64>,
}

/// Type 2: the period's runs, their coverage and the auditor's sample.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodResult {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Longest allowed time without a run, in hours.
    pub max_gap_hours: i64,
    /// Recorded runs that finished in the period, per scope.
    pub runs: BTreeMap<String, usize>,
    /// Share of the period covered by runs (each run covers `max_gap_hours` after it),
    /// in percent, over all scopes' union.
    pub coverage_percent: f64,
    /// Stretches longer than `max_gap_hours` without a run: deviations.
    pub gaps: Vec<Gap>,
    /// Median time to fix over the fixed failures, in seconds.
    pub median_time_to_fix_secs: Option<i64>,
    /// The reproducible sample, when asked for.
    pub sample: Option<Sample>,
}

/// A stretch of the period without a recorded run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// The scope without runs.
    pub scope: String,
    /// Start (the last run's finish, or the period start).
    pub from: DateTime<Utc>,
    /// End (the next run's finish, or the period end).
    pub to: DateTime<Utc>,
    /// Its length in hours.
    pub hours: i64,
}

/// A reproducible sample of runs and evidence for the auditor to inspect.
#[derive(Debug, Clone, Serialize)]
pub struct Sample {
    /// The seed; the same store, period, size and seed give the same sample.
    pub seed: u64,
    /// How many of each were asked for.
    pub size: usize,
    /// The algorithm, so the auditor can redraw it.
    pub method: &'static str,
    /// Runs drawn.
    pub runs: Vec<SampledRun>,
    /// Evidence drawn (IDs).
    pub evidence: Vec<i64>,
}

/// A run in the sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SampledRun {
    /// Run ID.
    pub id: i64,
    /// Scope.
    pub scope: String,
    /// When it finished.
    pub finished_at: DateTime<Utc>,
}

/// The customer handout: the complementary customer criteria by domain, with the
/// service description and scope.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerHandout {
    /// `testat-customer-handout/v1`.
    pub schema: &'static str,
    /// When it was produced.
    pub generated_at: DateTime<Utc>,
    /// The Testat version.
    pub tool_version: String,
    /// The catalogue.
    pub catalog: CatalogRef,
    /// The service description.
    pub service: ServiceDescription,
    /// Criteria scoped out.
    pub scope: Vec<ScopedOut>,
    /// Domains with at least one customer duty, in catalogue order.
    pub domains: Vec<CustomerDomain>,
    /// The GDPR annex (`report customer --gdpr`), when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gdpr: Option<crate::gdpr::GdprPack>,
}

/// One domain of the handout.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerDomain {
    /// Domain code.
    pub code: String,
    /// Domain title.
    pub title: String,
    /// The duties.
    pub items: Vec<CustomerDuty>,
}

/// What the customer must do for one criterion.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerDuty {
    /// Criterion ID.
    pub criterion: String,
    /// Criterion title.
    pub title: String,
    /// The customer's part, in the catalogue's words.
    pub customer_part: String,
    /// Set when the criterion is out of the service's scope.
    pub scoped_out: Option<String>,
}
