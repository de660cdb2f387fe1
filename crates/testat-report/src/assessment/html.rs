//! HTML: the whole assessment as one self-contained page for people and auditors: a
//! cover, the service description and scope, status charts, the Type 2 period with a
//! failure timeline per domain, and every criterion with the records behind it.
//!
//! The page needs nothing from the network: the CSS is inline, the charts are inline
//! SVG, there is no JavaScript. The templates live in `templates/` and are rendered by
//! `minijinja` with HTML auto-escaping, so text from the store and from scanned files
//! (resource addresses, statements, labels) cannot open markup of its own. Geometry is
//! computed here; the templates only place numbers.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value};
use serde::Serialize;
use testat_assess::{
    Assessment, AssessmentKind, CriterionResult, CustomerHandout, PeriodResult, STATUSES,
    ScopedOut, ServiceDescription, Status, StatusCounts,
};

use super::{duration, listed, more, timestamp};
use crate::ReportError;

const STYLE: &str = include_str!("../../templates/report.css");
const BASE: &str = include_str!("../../templates/base.html");
const SERVICE: &str = include_str!("../../templates/service.html");
const REPORT: &str = include_str!("../../templates/report.html");
const HANDOUT: &str = include_str!("../../templates/handout.html");

/// Width of the charts' coordinate system (the SVGs scale to the page).
const CHART_WIDTH: f64 = 760.0;
/// Left column of the charts, for the row labels.
const LABEL_WIDTH: f64 = 70.0;
/// Right margin of the status chart, for the totals.
const TOTAL_WIDTH: f64 = 40.0;
/// Height of one bar or lane.
const ROW_HEIGHT: f64 = 22.0;
/// Space between rows.
const ROW_GAP: f64 = 6.0;
/// Height of the timeline's axis labels.
const AXIS_HEIGHT: f64 = 24.0;

/// The assessment as one self-contained HTML page.
pub fn render_html(a: &Assessment) -> Result<String, ReportError> {
    let context = ReportView::new(a);
    render("report.html", Value::from(Serde(&context)))
}

/// The customer handout as one self-contained HTML page.
pub fn render_handout_html(h: &CustomerHandout) -> Result<String, ReportError> {
    let context = HandoutView::new(h);
    render("handout.html", Value::from(Serde(&context)))
}

fn render(name: &str, context: Value) -> Result<String, ReportError> {
    // A template error is a bug in the built-in templates, which the tests render.
    let fail = ReportError::Template;
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_template("report.css", STYLE).map_err(fail)?;
    env.add_template("base.html", BASE).map_err(fail)?;
    env.add_template("service.html", SERVICE).map_err(fail)?;
    env.add_template("report.html", REPORT).map_err(fail)?;
    env.add_template("handout.html", HANDOUT).map_err(fail)?;
    env.get_template(name)
        .and_then(|t| t.render(context))
        .map_err(fail)
}

/// An `id` attribute value from a criterion ID or domain code: letters, digits, `-`,
/// `_` and `.` kept, anything else replaced by `_`.
fn anchor(prefix: &str, text: &str) -> String {
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
fn status_key(s: Status) -> String {
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
struct StatusView {
    key: String,
    label: &'static str,
    symbol: &'static str,
}

impl StatusView {
    fn new(s: Status) -> Self {
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

/// The stacked bar chart of statuses by domain.
#[derive(Serialize)]
struct StatusChart {
    width: f64,
    height: f64,
    label_x: f64,
    rows: Vec<ChartRow>,
    /// The legend, in status order.
    legend: Vec<StatusView>,
}

#[derive(Serialize)]
struct ChartRow {
    code: String,
    title: String,
    anchor: String,
    y: f64,
    text_y: f64,
    /// Where the total is written: just after the bar.
    total_x: f64,
    total: usize,
    counts: Vec<usize>,
    segments: Vec<Segment>,
}

#[derive(Serialize)]
struct Segment {
    key: String,
    label: &'static str,
    count: usize,
    x: f64,
    width: f64,
    /// The count is written inside the segment when it fits.
    show_count: bool,
    text_x: f64,
}

fn status_chart(a: &Assessment) -> StatusChart {
    let max = a
        .domains
        .iter()
        .map(|d| d.counts.total())
        .max()
        .unwrap_or(0)
        .max(1);
    let plot = CHART_WIDTH - LABEL_WIDTH - TOTAL_WIDTH;
    let rows: Vec<ChartRow> = a
        .domains
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let y = i as f64 * (ROW_HEIGHT + ROW_GAP);
            let mut x = LABEL_WIDTH;
            let mut segments = Vec::new();
            for s in STATUSES {
                let count = d.counts.get(s);
                if count == 0 {
                    continue;
                }
                let width = count as f64 / max as f64 * plot;
                segments.push(Segment {
                    key: status_key(s),
                    label: s.as_str(),
                    count,
                    x: round(x),
                    width: round(width),
                    show_count: width >= 16.0,
                    text_x: round(x + width / 2.0),
                });
                x += width;
            }
            ChartRow {
                code: d.code.clone(),
                title: d.title.clone(),
                anchor: anchor("domain", &d.code),
                y: round(y),
                text_y: round(y + ROW_HEIGHT / 2.0),
                total_x: round(x + 6.0),
                total: d.counts.total(),
                counts: STATUSES.iter().map(|&s| d.counts.get(s)).collect(),
                segments,
            }
        })
        .collect();
    let height = (rows.len() as f64 * (ROW_HEIGHT + ROW_GAP)).max(ROW_HEIGHT);
    StatusChart {
        width: CHART_WIDTH,
        height: round(height),
        label_x: LABEL_WIDTH - 8.0,
        rows,
        legend: STATUSES.iter().map(|&s| StatusView::new(s)).collect(),
    }
}

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
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

/// One domain's failure timeline.
#[derive(Serialize)]
struct Timeline {
    code: String,
    title: String,
    id: String,
    width: f64,
    height: f64,
    plot_x: f64,
    plot_width: f64,
    lanes_height: f64,
    axis_y: f64,
    ticks: Vec<Tick>,
    gaps: Vec<TimelineGap>,
    lanes: Vec<Lane>,
}

#[derive(Serialize)]
struct Tick {
    x: f64,
    label: String,
}

#[derive(Serialize)]
struct TimelineGap {
    x: f64,
    width: f64,
    label: String,
}

#[derive(Serialize)]
struct Lane {
    criterion: String,
    anchor: String,
    status: StatusView,
    y: f64,
    text_y: f64,
    bars: Vec<Bar>,
}

#[derive(Serialize)]
struct Bar {
    x: f64,
    width: f64,
    y: f64,
    height: f64,
    open: bool,
    label: String,
}

/// Maps instants of the period onto the x axis.
struct Axis {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    x: f64,
    width: f64,
}

impl Axis {
    fn at(&self, t: DateTime<Utc>) -> f64 {
        let span = (self.end - self.start).num_seconds().max(1) as f64;
        let offset = (t.clamp(self.start, self.end) - self.start).num_seconds() as f64;
        round(self.x + offset / span * self.width)
    }
}

fn period_view(p: &PeriodResult, criteria: &[CriterionResult], a: &Assessment) -> PeriodView {
    let (start, end) = a.kind.bounds();
    let axis = Axis {
        start,
        end,
        x: LABEL_WIDTH,
        width: CHART_WIDTH - LABEL_WIDTH - 10.0,
    };
    let days = (end - start).num_days().max(1);
    // At most about eight labelled ticks, on whole days.
    let step = [1, 2, 7, 14, 30, 61, 91]
        .into_iter()
        .find(|s| days / s <= 8)
        .unwrap_or(days / 8 + 1);
    let ticks: Vec<Tick> = (0..=days)
        .step_by(usize::try_from(step).unwrap_or(1))
        .map(|d| {
            let t = start + Duration::days(d);
            Tick {
                x: axis.at(t),
                label: t.format("%Y-%m-%d").to_string(),
            }
        })
        .collect();
    let gaps: Vec<TimelineGap> = p
        .gaps
        .iter()
        .map(|g| {
            let x = axis.at(g.from);
            TimelineGap {
                x,
                width: round((axis.at(g.to) - x).max(1.0)),
                label: format!(
                    "no run in scope {} from {} to {} ({} h)",
                    g.scope,
                    timestamp(&g.from),
                    timestamp(&g.to),
                    g.hours
                ),
            }
        })
        .collect();
    let mut by_domain: BTreeMap<&str, Vec<&CriterionResult>> = BTreeMap::new();
    for c in criteria.iter().filter(|c| !c.failures.is_empty()) {
        by_domain.entry(c.domain.as_str()).or_default().push(c);
    }
    let timelines = a
        .domains
        .iter()
        .filter_map(|d| {
            let crits = by_domain.get(d.code.as_str())?;
            Some(timeline(&d.code, &d.title, crits, &axis, &ticks, &gaps))
        })
        .collect();
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
        timelines,
        failures,
        open_failures,
    }
}

/// A stretch of the timeline in which at least one interval was failing.
struct Merged {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    count: usize,
    open: bool,
}

/// The union of the intervals (an open one runs to `end`), in time order.
fn merged(failures: &[testat_assess::FailureInterval], end: DateTime<Utc>) -> Vec<Merged> {
    let mut spans: Vec<(DateTime<Utc>, DateTime<Utc>, bool)> = failures
        .iter()
        .map(|f| (f.detected, f.fixed.unwrap_or(end), f.fixed.is_none()))
        .collect();
    spans.sort_by_key(|s| (s.0, s.1));
    let mut out: Vec<Merged> = Vec::new();
    for (from, to, open) in spans {
        match out.last_mut() {
            Some(m) if from <= m.to => {
                m.to = m.to.max(to);
                m.count += 1;
                m.open |= open;
            }
            _ => out.push(Merged {
                from,
                to,
                count: 1,
                open,
            }),
        }
    }
    out
}

fn timeline(
    code: &str,
    title: &str,
    crits: &[&CriterionResult],
    axis: &Axis,
    ticks: &[Tick],
    gaps: &[TimelineGap],
) -> Timeline {
    let lanes: Vec<Lane> = crits
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let y = i as f64 * (ROW_HEIGHT + ROW_GAP) + ROW_GAP;
            // One bar per stretch in which any interval of the criterion was failing:
            // overlapping and touching intervals merge, so the chart stays readable
            // (and small) whatever the number of intervals.
            let bars = merged(&c.failures, axis.end)
                .into_iter()
                .map(|m| {
                    let x = axis.at(m.from);
                    let label = format!(
                        "{} failure interval(s) from {} to {}{}",
                        m.count,
                        timestamp(&m.from),
                        timestamp(&m.to),
                        if m.open {
                            ", still failing at the end of the period"
                        } else {
                            ""
                        }
                    );
                    Bar {
                        x,
                        width: round((axis.at(m.to) - x).max(2.0)),
                        y: round(y + 2.0),
                        height: round(ROW_HEIGHT - 4.0),
                        open: m.open,
                        label,
                    }
                })
                .collect();
            Lane {
                criterion: c.id.clone(),
                anchor: anchor("criterion", &c.id),
                status: StatusView::new(c.status),
                y: round(y),
                text_y: round(y + ROW_HEIGHT / 2.0),
                bars,
            }
        })
        .collect();
    let lanes_height = round(lanes.len() as f64 * (ROW_HEIGHT + ROW_GAP) + ROW_GAP);
    Timeline {
        code: code.to_owned(),
        title: title.to_owned(),
        id: anchor("timeline", code),
        width: CHART_WIDTH,
        height: lanes_height + AXIS_HEIGHT,
        plot_x: axis.x,
        plot_width: axis.width,
        lanes_height,
        axis_y: lanes_height + 16.0,
        ticks: ticks
            .iter()
            .map(|t| Tick {
                x: t.x,
                label: t.label.clone(),
            })
            .collect(),
        gaps: gaps
            .iter()
            .map(|g| TimelineGap {
                x: g.x,
                width: g.width,
                label: g.label.clone(),
            })
            .collect(),
        lanes,
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
struct ServiceView<'a> {
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
    fn new(description: &'a ServiceDescription, scope: &[ScopedOut], link: bool) -> Self {
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
struct ReportView<'a> {
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
    fn new(a: &'a Assessment) -> Self {
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
            chart: status_chart(a),
            period: a.period.as_ref().map(|p| period_view(p, &a.criteria, a)),
            domains,
            criteria_count: a.criteria.len(),
        }
    }
}

#[derive(Serialize)]
struct HandoutView<'a> {
    title: String,
    /// The service's name as the cover's heading shows it.
    heading_name: String,
    provider: Option<String>,
    catalog_name: String,
    catalog_version: String,
    generated_at: String,
    tool_version: String,
    service: ServiceView<'a>,
    domains: Vec<HandoutDomain>,
    duties: usize,
}

#[derive(Serialize)]
struct HandoutDomain {
    code: String,
    title: String,
    anchor: String,
    items: Vec<HandoutItem>,
}

#[derive(Serialize)]
struct HandoutItem {
    criterion: String,
    title: String,
    customer_part: String,
    scoped_out: Option<String>,
}

impl<'a> HandoutView<'a> {
    fn new(h: &'a CustomerHandout) -> Self {
        let service = h.service.service.as_ref();
        Self {
            title: format!(
                "What customers of {} must do: {} complementary customer criteria",
                h.service.name_or("the service"),
                h.catalog.name
            ),
            heading_name: h.service.name_or("the service").to_owned(),
            provider: service.map(|s| s.provider.clone()),
            catalog_name: h.catalog.name.clone(),
            catalog_version: h.catalog.version.clone(),
            generated_at: timestamp(&h.generated_at),
            tool_version: h.tool_version.clone(),
            service: ServiceView::new(&h.service, &h.scope, false),
            domains: h
                .domains
                .iter()
                .map(|d| HandoutDomain {
                    code: d.code.clone(),
                    title: d.title.clone(),
                    anchor: anchor("domain", &d.code),
                    items: d
                        .items
                        .iter()
                        .map(|i| HandoutItem {
                            criterion: i.criterion.clone(),
                            title: i.title.clone(),
                            customer_part: i.customer_part.clone(),
                            scoped_out: i.scoped_out.clone(),
                        })
                        .collect(),
                })
                .collect(),
            duties: h.domains.iter().map(|d| d.items.len()).sum(),
        }
    }
}
