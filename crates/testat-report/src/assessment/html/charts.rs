//! The inline SVG charts of the HTML report: the status of the criteria by domain (one
//! stacked bar per domain) and, for Type 2, a failure timeline per domain. The geometry
//! comes from [`geometry`](super::super::geometry); this module rounds it for the SVG
//! and adds the labels. The templates only place the numbers.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use testat_assess::{Assessment, CriterionResult, PeriodResult, STATUSES};

use super::super::geometry::{self, Axis};
use super::super::timestamp;
use super::view::{StatusView, anchor, status_key};

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

/// A coordinate as the SVG writes it: one decimal.
fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The stacked bar chart of statuses by domain.
#[derive(Serialize)]
pub(super) struct StatusChart {
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

pub(super) fn status_chart(a: &Assessment) -> StatusChart {
    let scale = geometry::domain_scale(&a.domains);
    let plot = CHART_WIDTH - LABEL_WIDTH - TOTAL_WIDTH;
    let rows: Vec<ChartRow> = a
        .domains
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let y = i as f64 * (ROW_HEIGHT + ROW_GAP);
            let bar = geometry::stacked(&d.counts, scale, LABEL_WIDTH, plot);
            let segments = bar
                .segments
                .iter()
                .map(|s| Segment {
                    key: status_key(s.status),
                    label: s.status.as_str(),
                    count: s.count,
                    x: round(s.x),
                    width: round(s.width),
                    show_count: s.width >= 16.0,
                    text_x: round(s.x + s.width / 2.0),
                })
                .collect();
            ChartRow {
                code: d.code.clone(),
                title: d.title.clone(),
                anchor: anchor("domain", &d.code),
                y: round(y),
                text_y: round(y + ROW_HEIGHT / 2.0),
                total_x: round(bar.end + 6.0),
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

/// One domain's failure timeline.
#[derive(Serialize)]
pub(super) struct Timeline {
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

/// Where `t` lies on `axis`, rounded for the SVG.
fn at(axis: &Axis, t: DateTime<Utc>) -> f64 {
    round(axis.at(t))
}

/// The failure timelines of the period: one per domain with failure intervals, with
/// the gaps in the runs marked on each.
pub(super) fn timelines(
    p: &PeriodResult,
    criteria: &[CriterionResult],
    a: &Assessment,
) -> Vec<Timeline> {
    let (start, end) = a.kind.bounds();
    let axis = Axis {
        start,
        end,
        x: LABEL_WIDTH,
        width: CHART_WIDTH - LABEL_WIDTH - 10.0,
    };
    let ticks: Vec<Tick> = axis
        .ticks()
        .into_iter()
        .map(|t| Tick {
            x: at(&axis, t),
            label: t.format("%Y-%m-%d").to_string(),
        })
        .collect();
    let gaps: Vec<TimelineGap> = p
        .gaps
        .iter()
        .map(|g| {
            let x = at(&axis, g.from);
            TimelineGap {
                x,
                width: round((at(&axis, g.to) - x).max(1.0)),
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
    a.domains
        .iter()
        .filter_map(|d| {
            let crits = by_domain.get(d.code.as_str())?;
            Some(timeline(&d.code, &d.title, crits, &axis, &ticks, &gaps))
        })
        .collect()
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
            // One bar per stretch in which any interval of the criterion was failing,
            // so the chart stays readable (and small) whatever the number of intervals.
            let bars = geometry::stretches(&c.failures, axis.end)
                .into_iter()
                .map(|m| {
                    let x = at(axis, m.from);
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
                        width: round((at(axis, m.to) - x).max(2.0)),
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
