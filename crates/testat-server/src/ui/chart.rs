//! Geometry of the two charts pages draw as inline SVG: criteria per status as one
//! stacked bar per domain, and the Type 2 failure timeline (one lane per criterion
//! that failed, one bar per interval). Only numbers are computed here; the templates
//! place them, and colours come from the stylesheet (classes, no inline styles).

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use testat_assess::{CriterionResult, Gap};

/// Width of the coordinate system; the SVG scales to the page.
const WIDTH: f64 = 760.0;
/// Left column for the row labels.
const LABEL: f64 = 70.0;
/// Right margin for the totals.
const TOTAL: f64 = 40.0;
/// Height of a bar or lane, and the space between two.
const ROW: f64 = 22.0;
const GAP: f64 = 6.0;
/// Height of the time axis.
const AXIS: f64 = 24.0;

/// The statuses in the order bars stack them: (key for CSS classes, label).
pub(super) const STATUSES: [(&str, &str); 5] = [
    ("met", "met"),
    ("partly-met", "partly met"),
    ("not-met", "not met"),
    ("not-assessed", "not assessed"),
    ("not-applicable", "not applicable"),
];

/// Index of `status` (as the status report words it) in [`STATUSES`].
pub(super) fn status_index(status: &str) -> Option<usize> {
    STATUSES.iter().position(|(_, label)| *label == status)
}

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The stacked bar chart.
#[derive(Debug, Serialize)]
pub(super) struct StatusChart {
    width: f64,
    height: f64,
    label_x: f64,
    rows: Vec<BarRow>,
}

#[derive(Debug, Serialize)]
struct BarRow {
    code: String,
    title: String,
    href: String,
    y: f64,
    text_y: f64,
    total: usize,
    total_x: f64,
    segments: Vec<Segment>,
}

#[derive(Debug, Serialize)]
struct Segment {
    key: &'static str,
    label: &'static str,
    count: usize,
    x: f64,
    width: f64,
    text_x: f64,
    /// Whether the count fits inside the segment.
    show: bool,
}

/// One domain's counts, in [`STATUSES`] order.
#[derive(Debug, Clone, Serialize)]
pub(super) struct DomainCounts {
    pub code: String,
    pub title: String,
    pub counts: [usize; 5],
}

impl DomainCounts {
    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }
}

/// The chart of `domains`; each label links to the domain's criteria.
pub(super) fn status_chart(domains: &[DomainCounts]) -> StatusChart {
    let max = domains
        .iter()
        .map(DomainCounts::total)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let plot = WIDTH - LABEL - TOTAL;
    let rows: Vec<BarRow> = domains
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let y = i as f64 * (ROW + GAP);
            let mut x = LABEL;
            let mut segments = Vec::new();
            for (&(key, label), &count) in STATUSES.iter().zip(&d.counts) {
                if count == 0 {
                    continue;
                }
                let width = count as f64 / max * plot;
                segments.push(Segment {
                    key,
                    label,
                    count,
                    x: round(x),
                    width: round(width),
                    text_x: round(x + width / 2.0),
                    show: width >= 16.0,
                });
                x += width;
            }
            BarRow {
                code: d.code.clone(),
                title: d.title.clone(),
                href: format!("/criteria?domain={}", super::page::encode(&d.code)),
                y: round(y),
                text_y: round(y + ROW / 2.0),
                total: d.total(),
                total_x: round(x + 6.0),
                segments,
            }
        })
        .collect();
    StatusChart {
        width: WIDTH,
        height: round((rows.len() as f64 * (ROW + GAP)).max(ROW)),
        label_x: LABEL - 8.0,
        rows,
    }
}

/// One domain's failure timeline.
#[derive(Debug, Serialize)]
pub(super) struct Timeline {
    code: String,
    title: String,
    id: String,
    width: f64,
    height: f64,
    lanes_height: f64,
    axis_y: f64,
    label_x: f64,
    ticks: Vec<Tick>,
    gaps: Vec<Shade>,
    lanes: Vec<Lane>,
}

#[derive(Debug, Serialize)]
struct Tick {
    x: f64,
    label: String,
}

#[derive(Debug, Serialize)]
struct Shade {
    x: f64,
    width: f64,
    label: String,
}

#[derive(Debug, Serialize)]
struct Lane {
    criterion: String,
    href: String,
    y: f64,
    text_y: f64,
    bars: Vec<Interval>,
}

#[derive(Debug, Serialize)]
struct Interval {
    x: f64,
    width: f64,
    /// Still failing at the end of the period.
    open: bool,
    label: String,
}

/// Maps instants of the period onto the x axis.
struct Axis {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl Axis {
    fn x(&self, t: DateTime<Utc>) -> f64 {
        let span = (self.end - self.start).num_seconds().max(1) as f64;
        let offset = (t.clamp(self.start, self.end) - self.start).num_seconds() as f64;
        round(LABEL + offset / span * (WIDTH - LABEL - 10.0))
    }
}

/// The timelines of a period from `start` to `end` (exclusive): one per domain in
/// `domains` order that has criteria with failures.
pub(super) fn timelines(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    domains: &[(String, String)],
    criteria: &[CriterionResult],
    gaps: &[Gap],
) -> Vec<Timeline> {
    let axis = Axis { start, end };
    let days = (end - start).num_days().max(1);
    let step = [1, 2, 7, 14, 30, 61, 91]
        .into_iter()
        .find(|s| days / s <= 8)
        .unwrap_or(days / 8 + 1);
    let ticks: Vec<(f64, String)> = (0..=days)
        .step_by(usize::try_from(step).unwrap_or(1))
        .map(|d| {
            let t = start + Duration::days(d);
            (axis.x(t), t.format("%Y-%m-%d").to_string())
        })
        .collect();
    let shades = || {
        gaps.iter()
            .map(|g| {
                let x = axis.x(g.from);
                Shade {
                    x,
                    width: round((axis.x(g.to) - x).max(1.0)),
                    label: format!(
                        "no run in scope {} from {} to {}",
                        g.scope,
                        super::page::timestamp(g.from),
                        super::page::timestamp(g.to)
                    ),
                }
            })
            .collect::<Vec<_>>()
    };
    domains
        .iter()
        .filter_map(|(code, title)| {
            let failing: Vec<&CriterionResult> = criteria
                .iter()
                .filter(|c| &c.domain == code && !c.failures.is_empty())
                .collect();
            if failing.is_empty() {
                return None;
            }
            let lanes: Vec<Lane> = failing
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let y = i as f64 * (ROW + GAP);
                    Lane {
                        criterion: c.id.clone(),
                        href: format!("/criteria/{}", super::page::encode(&c.id)),
                        y: round(y),
                        text_y: round(y + ROW / 2.0),
                        bars: merged(c, &axis),
                    }
                })
                .collect();
            let lanes_height = round(lanes.len() as f64 * (ROW + GAP));
            Some(Timeline {
                code: code.clone(),
                title: title.clone(),
                id: format!("timeline-{}", anchor(code)),
                width: WIDTH,
                height: round(lanes_height + AXIS),
                lanes_height,
                axis_y: round(lanes_height + 14.0),
                label_x: LABEL - 8.0,
                ticks: ticks
                    .iter()
                    .map(|(x, label)| Tick {
                        x: *x,
                        label: label.clone(),
                    })
                    .collect(),
                gaps: shades(),
                lanes,
            })
        })
        .collect()
}

/// A criterion's failure intervals with overlapping ones joined into one bar.
fn merged(c: &CriterionResult, axis: &Axis) -> Vec<Interval> {
    let mut spans: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> =
        c.failures.iter().map(|f| (f.detected, f.fixed)).collect();
    spans.sort_by_key(|s| s.0);
    let mut joined: Vec<(DateTime<Utc>, Option<DateTime<Utc>>, usize)> = Vec::new();
    for (from, to) in spans {
        match joined.last_mut() {
            Some(last) if last.1.is_none_or(|end| from <= end) => {
                last.1 = match (last.1, to) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
                last.2 += 1;
            }
            _ => joined.push((from, to, 1)),
        }
    }
    joined
        .into_iter()
        .map(|(from, to, n)| {
            let x = axis.x(from);
            let end = to.map_or(axis.end, |t| t);
            Interval {
                x,
                width: round((axis.x(end) - x).max(2.0)),
                open: to.is_none(),
                label: format!(
                    "{}: {n} failure interval{} from {} {}",
                    c.id,
                    if n == 1 { "" } else { "s" },
                    super::page::timestamp(from),
                    match to {
                        Some(t) => format!("to {}", super::page::timestamp(t)),
                        None => "still failing at the end of the period".to_owned(),
                    }
                ),
            }
        })
        .collect()
}

/// An `id` attribute value from a domain code.
fn anchor(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;

    #[test]
    fn bars_are_proportional_and_small_segments_hide_their_count() {
        let chart = status_chart(&[
            DomainCounts {
                code: "OIS".into(),
                title: "Organisation".into(),
                counts: [2, 0, 1, 0, 0],
            },
            DomainCounts {
                code: "CRY".into(),
                title: "Cryptography".into(),
                counts: [6, 0, 0, 0, 0],
            },
        ]);
        let json = serde_json::to_value(&chart).unwrap();
        let ois = &json["rows"][0]["segments"];
        assert_eq!(ois.as_array().unwrap().len(), 2);
        let full = json["rows"][1]["segments"][0]["width"].as_f64().unwrap();
        assert!((full - (WIDTH - LABEL - TOTAL)).abs() < 0.2, "{full}");
        assert_eq!(status_index("not met"), Some(2));
        assert_eq!(json["rows"][0]["href"], "/criteria?domain=OIS");
    }
}
