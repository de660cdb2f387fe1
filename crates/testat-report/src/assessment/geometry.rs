//! Chart geometry shared by the HTML and the PDF report: pure functions from status
//! counts and failure intervals to coordinates. Neither format's drawing lives here;
//! each places, rounds and labels these numbers its own way.
//!
//! The HTML charts compute in `f64` (SVG user units), the PDF in `f32` (points, the
//! type `pdf-writer` takes). The stacked bars are generic over [`Coord`] so that each
//! format keeps its own precision and its output stays exactly what it was.

use std::ops::{Add, Div, Mul};

use chrono::{DateTime, Duration, Utc};
use testat_assess::{DomainResult, FailureInterval, STATUSES, Status, StatusCounts};

/// A coordinate: `f64` for the HTML, `f32` for the PDF.
pub(crate) trait Coord:
    Copy + Add<Output = Self> + Mul<Output = Self> + Div<Output = Self>
{
    /// A count as a coordinate.
    fn of(n: usize) -> Self;
}

impl Coord for f32 {
    fn of(n: usize) -> Self {
        n as Self
    }
}

impl Coord for f64 {
    fn of(n: usize) -> Self {
        n as Self
    }
}

/// One status's part of a stacked bar.
pub(crate) struct Segment<T> {
    pub(crate) status: Status,
    pub(crate) count: usize,
    /// Left edge.
    pub(crate) x: T,
    pub(crate) width: T,
}

/// A stacked bar: its segments in status order (statuses with no criteria left out)
/// and where the last one ends.
pub(crate) struct Stacked<T> {
    pub(crate) segments: Vec<Segment<T>>,
    pub(crate) end: T,
}

/// The bar of `counts` starting at `x`, where `scale` criteria (at least one) take
/// `length`: with `scale` the largest total of a set of bars, the bars compare.
pub(crate) fn stacked<T: Coord>(
    counts: &StatusCounts,
    scale: usize,
    x: T,
    length: T,
) -> Stacked<T> {
    let scale = T::of(scale.max(1));
    let mut x = x;
    let mut segments = Vec::new();
    for status in STATUSES {
        let count = counts.get(status);
        if count == 0 {
            continue;
        }
        let width = T::of(count) / scale * length;
        segments.push(Segment {
            status,
            count,
            x,
            width,
        });
        x = x + width;
    }
    Stacked { segments, end: x }
}

/// The scale of the status-by-domain chart: the largest number of criteria in a domain.
pub(crate) fn domain_scale(domains: &[DomainResult]) -> usize {
    domains.iter().map(|d| d.counts.total()).max().unwrap_or(0)
}

/// Maps instants of a period onto a horizontal axis.
pub(crate) struct Axis {
    pub(crate) start: DateTime<Utc>,
    pub(crate) end: DateTime<Utc>,
    /// Left edge of the axis.
    pub(crate) x: f64,
    pub(crate) width: f64,
}

impl Axis {
    /// Where `t` lies; instants outside the period are placed at its ends.
    pub(crate) fn at(&self, t: DateTime<Utc>) -> f64 {
        let span = (self.end - self.start).num_seconds().max(1) as f64;
        let offset = (t.clamp(self.start, self.end) - self.start).num_seconds() as f64;
        self.x + offset / span * self.width
    }

    /// The instants to label: whole days from the start, at most about eight of them.
    pub(crate) fn ticks(&self) -> Vec<DateTime<Utc>> {
        let days = (self.end - self.start).num_days().max(1);
        let step = [1, 2, 7, 14, 30, 61, 91]
            .into_iter()
            .find(|s| days / s <= 8)
            .unwrap_or(days / 8 + 1);
        (0..=days)
            .step_by(usize::try_from(step).unwrap_or(1))
            .map(|d| self.start + Duration::days(d))
            .collect()
    }
}

/// A stretch of time in which at least one failure interval was open.
pub(crate) struct Stretch {
    pub(crate) from: DateTime<Utc>,
    pub(crate) to: DateTime<Utc>,
    /// How many intervals it joins.
    pub(crate) count: usize,
    /// Whether one of them was still failing at `end`.
    pub(crate) open: bool,
}

/// The union of the intervals (an open one runs to `end`), in time order: overlapping
/// and touching intervals make one stretch, so that a timeline draws one bar for them
/// whatever their number.
pub(crate) fn stretches(failures: &[FailureInterval], end: DateTime<Utc>) -> Vec<Stretch> {
    let mut spans: Vec<(DateTime<Utc>, DateTime<Utc>, bool)> = failures
        .iter()
        .map(|f| (f.detected, f.fixed.unwrap_or(end), f.fixed.is_none()))
        .collect();
    spans.sort_by_key(|s| (s.0, s.1));
    let mut out: Vec<Stretch> = Vec::new();
    for (from, to, open) in spans {
        match out.last_mut() {
            Some(m) if from <= m.to => {
                m.to = m.to.max(to);
                m.count += 1;
                m.open |= open;
            }
            _ => out.push(Stretch {
                from,
                to,
                count: 1,
                open,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(met: usize, not_met: usize) -> StatusCounts {
        StatusCounts {
            met,
            not_met,
            ..StatusCounts::default()
        }
    }

    #[test]
    fn a_stacked_bar_leaves_out_empty_statuses_and_scales_to_the_largest() {
        let bar = stacked(&counts(3, 1), 8, 10.0_f64, 80.0);
        let parts: Vec<(Status, f64, f64)> = bar
            .segments
            .iter()
            .map(|s| (s.status, s.x, s.width))
            .collect();
        assert_eq!(
            parts,
            [(Status::Met, 10.0, 30.0), (Status::NotMet, 40.0, 10.0)]
        );
        assert!((bar.end - 50.0).abs() < f64::EPSILON);
        // An empty chart does not divide by zero.
        assert!(
            stacked(&StatusCounts::default(), 0, 0.0_f32, 100.0)
                .segments
                .is_empty()
        );
    }

    #[test]
    fn the_axis_clamps_and_ticks_whole_days() {
        let start = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let axis = Axis {
            start,
            end: start + Duration::days(10),
            x: 100.0,
            width: 500.0,
        };
        assert!((axis.at(start - Duration::days(1)) - 100.0).abs() < f64::EPSILON);
        assert!((axis.at(start + Duration::days(5)) - 350.0).abs() < f64::EPSILON);
        assert!((axis.at(axis.end + Duration::days(1)) - 600.0).abs() < f64::EPSILON);
        assert_eq!(axis.ticks().len(), 6, "every second day over ten days");
    }
}
