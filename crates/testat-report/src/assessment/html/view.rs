//! The view model of the HTML report: the assessment formatted for the templates
//! (timestamps, durations, status marks, anchors, lists cut to their first entries).
//! The charts are built in [`charts`](super::charts).

use serde::Serialize;
use testat_assess::{
    Assessment, AssessmentKind, CriterionResult, PeriodResult, STATUSES, ScopedOut,
    ServiceDescription, Status, StatusCounts,
};

use super::super::{duration, listed, more, timestamp};
use super::charts::{self, StatusChart, Timeline};

/// An `id` attribute value from a criterion ID or domain code: letters, digits, `-`,
/// `_` and `.` kept, anything else replaced by `_`.
pub(super) fn anchor(prefix: &str, text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{prefix}-{clean}")
}

/// The CSS class suffix of a status: `met`, `partly-met`, …
pub(super) fn status_key(s: Status) -> String {
    s.as_str().replace(' ', "-")
}

/// A mark beside the status text, so that status is not told by colour alone.
fn status_symbol(s: Status) -> &'static str {
    match s {
        Status::Met => "\u{2714}",
        Status::PartlyMet => "\u{25D0}",
        Status::NotMet => "\u{2716}",
        Status::NotAssessed => "?",
        Status::NotApplicable => "\u{2013}",
    }
}

#[derive(Serialize)]
pub(super) struct StatusView {
    key: String,
    label: &'static str,
    symbol: &'static str,
}

impl StatusView {
    pub(super) fn new(s: Status) -> Self {
        Self {
            key: status_key(s),
            label: s.as_str(),
            symbol: status_symbol(s),
        }
    }
}

#[derive(Serialize)]
struct Total {
    status: StatusView,
    count: usize,
    percent: String,
}

fn totals(c: &StatusCounts) -> Vec<Total> {
    let all = c.total();
    STATUSES
        .iter()
        .map(|&s| Total {
            status: StatusView::new(s),
            count: c.get(s),
            percent: if all == 0 {
                "0".into()
            } else {
                format!("{:.0}", c.get(s) as f64 * 100.0 / all as f64)
            },
        })
        .collect()
}

/// The Type 2 period, formatted.
#[derive(Serialize)]
struct PeriodView {
    from: String,
    to: String,
    max_gap_hours: i64,
    runs: Vec<(String, usize)>,
    total_runs: usize,
    coverage: String,
    median_time_to_fix: Option<String>,
    gaps: Vec<GapView>,
    sample: Option<SampleView>,
    timelines: Vec<Timeline>,
    /// Failure intervals over all criteria.
    failures: usize,
    open_failures: usize,
}

#[derive(Serialize)]
struct GapView {
    scope: String,
    from: String,
    to: String,
    hours: i64,
}

#[derive(Serialize)]
struct SampleView {
    seed: u64,
    size: usize,
    method: &'static str,
    runs: Vec<SampledRunView>,
    evidence: Vec<i64>,
}

#[derive(Serialize)]
struct SampledRunView {
    id: i64,
    scope: String,
    finished_at: String,
}

fn period_view(p: &PeriodResult, criteria: &[CriterionResult], a: &Assessment) -> PeriodView {
    let failures = criteria.iter().map(|c| c.failures.len()).sum();
    let open_failures = criteria
        .iter()
        .flat_map(|c| &c.failures)
        .filter(|f| f.fixed.is_none())
        .count();
    PeriodView {
        from: p.from.to_string(),
        to: p.to.to_string(),
        max_gap_hours: p.max_gap_hours,
        runs: p.runs.iter().map(|(s, n)| (s.clone(), *n)).collect(),
        total_runs: p.runs.values().sum(),
        coverage: format!("{:.1}", p.coverage_percent),
        median_time_to_fix: p.median_time_to_fix_secs.map(duration),
        gaps: p
            .gaps
            .iter()
            .map(|g| GapView {
                scope: g.scope.clone(),
                from: timestamp(&g.from),
                to: timestamp(&g.to),
                hours: g.hours,
            })
            .collect(),
        sample: p.sample.as_ref().map(|s| SampleView {
            seed: s.seed,
            size: s.size,
            method: s.method,
            runs: s
                .runs
                .iter()
                .map(|r| SampledRunView {
                    id: r.id,
                    scope: r.scope.clone(),
                    finished_at: timestamp(&r.finished_at),
                })
                .collect(),
            evidence: s.evidence.clone(),
        }),
        timelines: charts::timelines(p, criteria, a),
        failures,
        open_failures,
    }
}

/// One criterion, formatted.
#[derive(Serialize)]
struct CriterionView {
    id: String,
    anchor: String,
    title: String,
    status: StatusView,
    automation: &'static str,
    scoped_out: Option<String>,
    reasons: Vec<String>,
    deviations: Vec<String>,
    more_deviations: Option<String>,
    rules: Vec<RuleView>,
    failures: Vec<FailureView>,
    more_failures: Option<String>,
    attestation: Option<AttestationView>,
    evidence: Vec<EvidenceView>,
    exceptions: Vec<ExceptionView>,
}

#[derive(Serialize)]
struct RuleView {
    id: String,
    title: String,
    passed: usize,
    failing: Vec<String>,
    more_failing: usize,
    excepted: Vec<String>,
    more_excepted: usize,
    unknown: usize,
    parameters: Vec<String>,
}

#[derive(Serialize)]
struct FailureView {
    scope: String,
    rule: String,
    resource: String,
    detected: String,
    detected_run: i64,
    fixed: Option<String>,
    fixed_run: Option<i64>,
    time_to_detect: String,
    time_to_fix: Option<String>,
}

#[derive(Serialize)]
struct AttestationView {
    id: i64,
    status: String,
    statement: String,
    owner: String,
    attested_by: String,
    attested_at: String,
    next_review: Option<String>,
}

#[derive(Serialize)]
struct EvidenceView {
    id: i64,
    kind: String,
    label: String,
    /// The label as a link target, for `http(s)` URLs only.
    href: Option<String>,
    sha256: Option<String>,
    effective: Option<String>,
    valid_until: Option<String>,
    valid: bool,
}

#[derive(Serialize)]
struct ExceptionView {
    rule: String,
    resource: String,
    justification: String,
    approved_by: String,
    expires: String,
    active: bool,
}

impl CriterionView {
    fn new(c: &CriterionResult) -> Self {
        Self {
            id: c.id.clone(),
            anchor: anchor("criterion", &c.id),
            title: c.title.clone(),
            status: StatusView::new(c.status),
            automation: c.automation,
            scoped_out: c.scoped_out.clone(),
            // The scope reason has a line of its own; not again among the reasons.
            reasons: c
                .reasons
                .iter()
                .filter(|r| {
                    c.scoped_out
                        .as_ref()
                        .is_none_or(|s| r.strip_prefix("out of scope: ") != Some(s.as_str()))
                })
                .cloned()
                .collect(),
            deviations: listed(&c.deviations).0.to_vec(),
            more_deviations: Some(listed(&c.deviations).1)
                .filter(|n| *n > 0)
                .map(|n| more(n, "deviations")),
            rules: c
                .rules
                .iter()
                .map(|r| RuleView {
                    id: r.id.clone(),
                    title: r.title.clone(),
                    passed: r.passed,
                    failing: listed(&r.failing).0.to_vec(),
                    more_failing: listed(&r.failing).1,
                    excepted: listed(&r.excepted).0.to_vec(),
                    more_excepted: listed(&r.excepted).1,
                    unknown: r.unknown,
                    parameters: r.parameters.clone(),
                })
                .collect(),
            more_failures: Some(listed(&c.failures).1)
                .filter(|n| *n > 0)
                .map(|n| more(n, "failure intervals")),
            failures: listed(&c.failures)
                .0
                .iter()
                .map(|f| FailureView {
                    scope: f.scope.clone(),
                    rule: f.rule.clone(),
                    resource: f.resource.clone(),
                    detected: timestamp(&f.detected),
                    detected_run: f.detected_run,
                    fixed: f.fixed.as_ref().map(timestamp),
                    fixed_run: f.fixed_run,
                    time_to_detect: f
                        .time_to_detect_secs
                        .map_or("unknown".into(), |s| format!("at most {}", duration(s))),
                    time_to_fix: f.time_to_fix_secs.map(duration),
                })
                .collect(),
            attestation: c.attestation.as_ref().map(|a| AttestationView {
                id: a.id,
                status: a.status.clone(),
                statement: a.statement.clone(),
                owner: a.owner.clone(),
                attested_by: a.attested_by.clone(),
                attested_at: a.attested_at.date_naive().to_string(),
                next_review: a.next_review.map(|d| d.to_string()),
            }),
            evidence: c
                .evidence
                .iter()
                .map(|e| EvidenceView {
                    id: e.id,
                    kind: e.kind.clone(),
                    label: e.label.clone(),
                    href: (e.kind == "url"
                        && (e.label.starts_with("https://") || e.label.starts_with("http://")))
                    .then(|| e.label.clone()),
                    sha256: e.sha256.clone(),
                    effective: e.effective.map(|d| d.to_string()),
                    valid_until: e.valid_until.map(|d| d.to_string()),
                    valid: e.valid,
                })
                .collect(),
            exceptions: c
                .exceptions
                .iter()
                .map(|e| ExceptionView {
                    rule: e.rule.clone(),
                    resource: e.resource.clone(),
                    justification: e.justification.clone(),
                    approved_by: e.approved_by.clone(),
                    expires: e.expires.to_string(),
                    active: e.active,
                })
                .collect(),
        }
    }
}

/// A domain with its criteria, for the table of contents and the criteria section.
#[derive(Serialize)]
struct DomainView {
    code: String,
    title: String,
    anchor: String,
    counts: Vec<usize>,
    total: usize,
    criteria: Vec<CriterionView>,
}

/// The service description and scope, shared by both pages.
#[derive(Serialize)]
pub(super) struct ServiceView<'a> {
    description: &'a ServiceDescription,
    scope: Vec<ScopeView>,
}

#[derive(Serialize)]
struct ScopeView {
    criterion: String,
    anchor: String,
    reason: String,
    subservice: Option<String>,
}

impl<'a> ServiceView<'a> {
    pub(super) fn new(
        description: &'a ServiceDescription,
        scope: &[ScopedOut],
        link: bool,
    ) -> Self {
        Self {
            description,
            scope: scope
                .iter()
                .map(|s| ScopeView {
                    criterion: s.criterion.clone(),
                    anchor: if link {
                        anchor("criterion", &s.criterion)
                    } else {
                        String::new()
                    },
                    reason: s.reason.clone(),
                    subservice: s.subservice.clone(),
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub(super) struct ReportView<'a> {
    title: String,
    /// The service's name as the cover's heading shows it.
    heading_name: String,
    provider: Option<String>,
    kind: u8,
    /// Type 1: the date; Type 2: `from to to`.
    period_label: String,
    at: Option<String>,
    from: Option<String>,
    to: Option<String>,
    catalog_name: String,
    catalog_version: String,
    generated_at: String,
    tool_version: String,
    scope_summary: String,
    service: ServiceView<'a>,
    totals: Vec<Total>,
    total: usize,
    statuses: Vec<StatusView>,
    chart: StatusChart,
    period: Option<PeriodView>,
    domains: Vec<DomainView>,
    criteria_count: usize,
}

impl<'a> ReportView<'a> {
    pub(super) fn new(a: &'a Assessment) -> Self {
        let service = a.service.service.as_ref();
        let (at, from, to) = match a.kind {
            AssessmentKind::Type1 { at } => (Some(at.to_string()), None, None),
            AssessmentKind::Type2 { from, to } => {
                (None, Some(from.to_string()), Some(to.to_string()))
            }
        };
        let in_scope = a.criteria.len().saturating_sub(a.scope.len());
        let domains_out: Vec<&str> = a
            .domains
            .iter()
            .filter(|d| d.counts.total() > 0)
            .filter(|d| {
                a.criteria
                    .iter()
                    .filter(|c| c.domain == d.code)
                    .all(|c| c.scoped_out.is_some())
            })
            .map(|d| d.code.as_str())
            .collect();
        let scope_summary = format!(
            "{in_scope} of {} criteria in scope{}",
            a.criteria.len(),
            match (a.scope.len(), domains_out.is_empty()) {
                (0, _) => String::new(),
                (n, true) => format!("; {n} out of scope"),
                (n, false) => format!(
                    "; {n} out of scope (domain{} {})",
                    if domains_out.len() == 1 { "" } else { "s" },
                    domains_out.join(", ")
                ),
            }
        );
        let domains = a
            .domains
            .iter()
            .map(|d| DomainView {
                code: d.code.clone(),
                title: d.title.clone(),
                anchor: anchor("domain", &d.code),
                counts: STATUSES.iter().map(|&s| d.counts.get(s)).collect(),
                total: d.counts.total(),
                criteria: a
                    .criteria
                    .iter()
                    .filter(|c| c.domain == d.code)
                    .map(CriterionView::new)
                    .collect(),
            })
            .collect();
        Self {
            title: format!(
                "{} Type {} report: {}",
                a.catalog.name,
                a.kind.number(),
                a.service.name()
            ),
            heading_name: a.service.name().to_owned(),
            provider: service.map(|s| s.provider.clone()),
            kind: a.kind.number(),
            period_label: a.kind.period_label(),
            at,
            from,
            to,
            catalog_name: a.catalog.name.clone(),
            catalog_version: a.catalog.version.clone(),
            generated_at: timestamp(&a.generated_at),
            tool_version: a.tool_version.clone(),
            scope_summary,
            service: ServiceView::new(&a.service, &a.scope, true),
            totals: totals(&a.counts),
            total: a.counts.total(),
            statuses: STATUSES.iter().map(|&s| StatusView::new(s)).collect(),
            chart: charts::status_chart(a),
            period: a.period.as_ref().map(|p| period_view(p, &a.criteria, a)),
            domains,
            criteria_count: a.criteria.len(),
        }
    }
}
