//! Type 2: what happened during a period, from the recorded runs of each scope.
//!
//! - **Failure intervals.** Each scope's state at the period start is the last run
//!   before it; every run in the period then changes it. A finding that turns `fail`
//!   opens an interval, one that stops failing (passes, is excepted or is gone) closes
//!   it. *Time to detect* is the longest the failure can have gone unseen: from the
//!   last run that did not see it to the run that did. *Time to fix* runs from
//!   detection to the first run that no longer sees it.
//! - **Gaps.** Between consecutive runs of a scope (and from the period start or to
//!   its end), any stretch longer than the allowed gap is a deviation. A run covers the
//!   allowed gap after it; coverage is the share of the period covered by the union of
//!   all scopes' runs.
//! - **Sample.** A reproducible draw of runs and evidence for the auditor
//!   ([`draw_sample`]).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};

use crate::model::{FailureInterval, Gap};

/// A recorded run, as the period sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunPoint {
    /// Run ID.
    pub id: i64,
    /// When it finished.
    pub finished: DateTime<Utc>,
}

/// One finding's change in a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Rule ID.
    pub rule: String,
    /// Resource address.
    pub address: String,
    /// Outcome before (`None`: not present).
    pub old: Option<String>,
    /// Outcome after (`None`: gone).
    pub new: Option<String>,
}

/// One scope's runs around a period.
#[derive(Debug, Clone, Default)]
pub struct ScopeHistory {
    /// The scope.
    pub scope: String,
    /// The last run that finished before the period, if any.
    pub baseline: Option<RunPoint>,
    /// `(rule, address)` failing at the baseline.
    pub baseline_failing: Vec<(String, String)>,
    /// The runs that finished in the period, oldest first, with their changes.
    pub runs: Vec<(RunPoint, Vec<Change>)>,
}

/// Every failure interval in the period, per scope, ordered by scope, detection,
/// rule and resource.
pub fn failure_intervals(histories: &[ScopeHistory], start: DateTime<Utc>) -> Vec<FailureInterval> {
    let mut all = Vec::new();
    for h in histories {
        let mut open: BTreeMap<(String, String), FailureInterval> = BTreeMap::new();
        for (rule, address) in &h.baseline_failing {
            let Some(base) = h.baseline else { break };
            open.insert(
                (rule.clone(), address.clone()),
                FailureInterval {
                    scope: h.scope.clone(),
                    rule: rule.clone(),
                    resource: address.clone(),
                    last_good: None,
                    detected: start,
                    fixed: None,
                    detected_run: base.id,
                    fixed_run: None,
                    time_to_detect_secs: None,
                    time_to_fix_secs: None,
                },
            );
        }
        let mut previous = h.baseline;
        for (run, changes) in &h.runs {
            for c in changes {
                let was = c.old.as_deref() == Some("fail");
                let is = c.new.as_deref() == Some("fail");
                let key = (c.rule.clone(), c.address.clone());
                if is && !was {
                    let last_good = previous.map(|p| p.finished);
                    open.insert(
                        key,
                        FailureInterval {
                            scope: h.scope.clone(),
                            rule: c.rule.clone(),
                            resource: c.address.clone(),
                            last_good,
                            detected: run.finished,
                            fixed: None,
                            detected_run: run.id,
                            fixed_run: None,
                            time_to_detect_secs: last_good
                                .map(|g| (run.finished - g).num_seconds()),
                            time_to_fix_secs: None,
                        },
                    );
                } else if was
                    && !is
                    && let Some(mut interval) = open.remove(&key)
                {
                    interval.fixed = Some(run.finished);
                    interval.fixed_run = Some(run.id);
                    interval.time_to_fix_secs =
                        Some((run.finished - interval.detected).num_seconds());
                    all.push(interval);
                }
            }
            previous = Some(*run);
        }
        all.extend(open.into_values());
    }
    all.sort_by(|a, b| {
        (&a.scope, a.detected, &a.rule, &a.resource).cmp(&(
            &b.scope,
            b.detected,
            &b.rule,
            &b.resource,
        ))
    });
    all
}

/// The gaps longer than `max_gap` in each scope, and the coverage of `[start, end]` by
/// the union of all scopes' runs, in percent. With no scope at all the whole period is
/// one gap in scope `default`.
pub fn gaps_and_coverage(
    histories: &[ScopeHistory],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    max_gap: Duration,
) -> (Vec<Gap>, f64) {
    let gap = |scope: &str, from: DateTime<Utc>, to: DateTime<Utc>| Gap {
        scope: scope.to_owned(),
        from,
        to,
        hours: (to - from).num_hours(),
    };
    if histories.is_empty() {
        return (vec![gap("default", start, end)], 0.0);
    }
    let mut gaps = Vec::new();
    let mut covered: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    for h in histories {
        let mut points: Vec<DateTime<Utc>> = h.baseline.iter().map(|b| b.finished).collect();
        points.extend(h.runs.iter().map(|(r, _)| r.finished));
        for p in &points {
            covered.push(((*p).max(start), (*p + max_gap).min(end)));
        }
        let mut from = points.first().copied().filter(|p| *p <= start);
        let mut prev = from.unwrap_or(start);
        let in_period = h.runs.iter().map(|(r, _)| r.finished).chain([end]);
        for next in in_period {
            // Only the part of the stretch inside the period counts.
            let uncovered_from = from.map_or(start, |f| (f + max_gap).max(start));
            if next - prev > max_gap && next > uncovered_from {
                gaps.push(gap(&h.scope, prev, next));
            }
            prev = next;
            from = Some(next);
        }
    }
    covered.retain(|(a, b)| a < b);
    covered.sort();
    let mut total = Duration::zero();
    let mut current: Option<(DateTime<Utc>, DateTime<Utc>)> = None;
    for (a, b) in covered {
        current = match current {
            Some((ca, cb)) if a <= cb => Some((ca, cb.max(b))),
            Some((ca, cb)) => {
                total += cb - ca;
                Some((a, b))
            }
            None => Some((a, b)),
        };
    }
    if let Some((a, b)) = current {
        total += b - a;
    }
    let length = (end - start).num_seconds().max(1) as f64;
    let coverage = (total.num_seconds() as f64 / length * 1000.0).round() / 10.0;
    gaps.sort_by(|a, b| (a.from, &a.scope).cmp(&(b.from, &b.scope)));
    (gaps, coverage.min(100.0))
}

/// The median of the fixed intervals' time to fix, in seconds.
pub fn median_time_to_fix(intervals: &[FailureInterval]) -> Option<i64> {
    let mut fixes: Vec<i64> = intervals
        .iter()
        .filter_map(|i| i.time_to_fix_secs)
        .collect();
    if fixes.is_empty() {
        return None;
    }
    fixes.sort_unstable();
    let mid = fixes.len() / 2;
    Some(if fixes.len().is_multiple_of(2) {
        (fixes[mid - 1] + fixes[mid]) / 2
    } else {
        fixes[mid]
    })
}

/// SplitMix64: a small, fully specified generator, so that an auditor can redraw the
/// sample from the seed with any implementation (a general-purpose RNG crate does not
/// promise the same stream across versions).
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`), by rejection so there is no modulo bias.
    fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// Draws up to `size` items from `items` (sorted first, so the input order does not
/// matter): a partial Fisher-Yates shuffle driven by SplitMix64(`seed`), the first
/// `size` positions taken, returned sorted.
pub fn draw_sample<T: Ord + Clone>(items: &[T], size: usize, seed: u64) -> Vec<T> {
    let mut pool: Vec<T> = items
        .iter()
        .cloned()
        .collect::<BTreeSet<T>>()
        .into_iter()
        .collect();
    let take = size.min(pool.len());
    let mut rng = SplitMix64(seed);
    for i in 0..take {
        let j = i + rng.below((pool.len() - i) as u64) as usize;
        pool.swap(i, j);
    }
    pool.truncate(take);
    pool.sort();
    pool
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn t(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn change(rule: &str, address: &str, old: Option<&str>, new: Option<&str>) -> Change {
        Change {
            rule: rule.into(),
            address: address.into(),
            old: old.map(Into::into),
            new: new.map(Into::into),
        }
    }

    fn run(id: i64, day: u32) -> RunPoint {
        RunPoint {
            id,
            finished: t(day, 6),
        }
    }

    #[test]
    fn a_failure_that_is_fixed_has_detect_and_fix_times() {
        let h = ScopeHistory {
            scope: "default".into(),
            baseline: Some(run(1, 1)),
            baseline_failing: vec![],
            runs: vec![
                (run(2, 2), vec![]),
                (
                    run(3, 3),
                    vec![change("r", "a", Some("pass"), Some("fail"))],
                ),
                (
                    run(4, 5),
                    vec![change("r", "a", Some("fail"), Some("pass"))],
                ),
            ],
        };
        let i = failure_intervals(&[h], t(1, 12));
        assert_eq!(i.len(), 1);
        assert_eq!(i[0].last_good, Some(t(2, 6)));
        assert_eq!(i[0].detected, t(3, 6));
        assert_eq!(i[0].fixed, Some(t(5, 6)));
        assert_eq!(i[0].time_to_detect_secs, Some(86_400));
        assert_eq!(i[0].time_to_fix_secs, Some(2 * 86_400));
        assert_eq!(median_time_to_fix(&i), Some(2 * 86_400));
    }

    #[test]
    fn failing_before_the_period_starts_at_the_period_start_and_can_stay_open() {
        let h = ScopeHistory {
            scope: "prod".into(),
            baseline: Some(run(1, 1)),
            baseline_failing: vec![("r".into(), "a".into()), ("r".into(), "b".into())],
            runs: vec![(run(2, 4), vec![change("r", "b", Some("fail"), None)])],
        };
        let i = failure_intervals(&[h], t(2, 0));
        assert_eq!(i.len(), 2);
        let a = i
            .iter()
            .find(|x| x.resource == "a")
            .map(|x| (x.detected, x.fixed));
        assert_eq!(a, Some((t(2, 0), None)), "open to the end");
        let b = i.iter().find(|x| x.resource == "b").map(|x| x.fixed);
        assert_eq!(b, Some(Some(t(4, 6))), "a resource that is gone is fixed");
    }

    #[test]
    fn an_excepted_finding_ends_a_failure_but_unknown_does_not_start_one() {
        let h = ScopeHistory {
            scope: "default".into(),
            baseline: None,
            baseline_failing: vec![],
            runs: vec![
                (
                    run(1, 1),
                    vec![
                        change("r", "a", None, Some("fail")),
                        change("r", "u", None, Some("unknown")),
                    ],
                ),
                (
                    run(2, 2),
                    vec![change("r", "a", Some("fail"), Some("excepted"))],
                ),
            ],
        };
        let i = failure_intervals(&[h], t(1, 0));
        assert_eq!(i.len(), 1);
        assert_eq!(
            i[0].last_good, None,
            "no earlier run: time to detect unknown"
        );
        assert_eq!(i[0].time_to_detect_secs, None);
        assert_eq!(i[0].fixed_run, Some(2));
    }

    #[test]
    fn gaps_longer_than_allowed_are_found_and_coverage_counts_them() {
        let h = ScopeHistory {
            scope: "default".into(),
            baseline: Some(RunPoint {
                id: 1,
                finished: t(1, 0) - Duration::hours(2),
            }),
            baseline_failing: vec![],
            runs: vec![
                (run(2, 1), vec![]),
                (run(3, 2), vec![]),
                (run(4, 6), vec![]),
                (run(5, 7), vec![]),
            ],
        };
        // Period 1 Mar 00:00 to 8 Mar 00:00, daily runs allowed 36 h apart.
        let (gaps, coverage) = gaps_and_coverage(&[h], t(1, 0), t(8, 0), Duration::hours(36));
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert_eq!(
            (gaps[0].from, gaps[0].to, gaps[0].hours),
            (t(2, 6), t(6, 6), 96)
        );
        // Uncovered: 3 Mar 18:00 to 6 Mar 06:00 = 60 h of 168 h.
        assert!((coverage - 64.3).abs() < 0.05, "{coverage}");
    }

    #[test]
    fn a_period_without_runs_is_one_gap() {
        let (gaps, coverage) = gaps_and_coverage(&[], t(1, 0), t(3, 0), Duration::hours(24));
        assert_eq!(gaps.len(), 1);
        assert_eq!(gaps[0].hours, 48);
        assert_eq!(coverage, 0.0);
        let idle = ScopeHistory {
            scope: "prod".into(),
            ..ScopeHistory::default()
        };
        let (gaps, _) = gaps_and_coverage(&[idle], t(1, 0), t(3, 0), Duration::hours(24));
        assert_eq!(gaps.len(), 1);
        assert_eq!(gaps[0].scope, "prod");
    }

    #[test]
    fn the_final_stretch_to_the_period_end_counts() {
        let h = ScopeHistory {
            scope: "default".into(),
            baseline: None,
            baseline_failing: vec![],
            runs: vec![(run(1, 1), vec![])],
        };
        let (gaps, _) = gaps_and_coverage(&[h], t(1, 0), t(5, 0), Duration::hours(24));
        // 1 Mar 00:00 to 06:00 is short; 1 Mar 06:00 to 5 Mar is a gap.
        assert_eq!(gaps.len(), 1);
        assert_eq!(gaps[0].from, t(1, 6));
        assert_eq!(gaps[0].to, t(5, 0));
    }

    #[test]
    fn the_sample_is_reproducible_and_depends_on_the_seed() {
        let items: Vec<i64> = (1..=100).collect();
        let a = draw_sample(&items, 10, 42);
        assert_eq!(a, draw_sample(&items, 10, 42));
        let mut reversed = items.clone();
        reversed.reverse();
        assert_eq!(
            a,
            draw_sample(&reversed, 10, 42),
            "input order does not matter"
        );
        assert_ne!(a, draw_sample(&items, 10, 43));
        assert_eq!(a.len(), 10);
        assert_eq!(draw_sample(&items[..3], 10, 1), vec![1, 2, 3]);
        // The stream is fixed: SplitMix64(42) gives these; a change of algorithm must
        // show up here, because auditors redraw samples from the seed.
        assert_eq!(SplitMix64(0).next(), 0xE220_A839_7B1D_CDAF);
    }
}
