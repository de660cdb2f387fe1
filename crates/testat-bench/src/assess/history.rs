//! The generated history of the assessment bench: which findings fail on which day,
//! when each run is taken, and the attestations, evidence and exceptions recorded for
//! the manual criteria. Deterministic for a given seed.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use testat_catalog::{Automation, Catalog};
use testat_records::{AttestStatus, NewAttestation};
use testat_store::NewEvidence;

use super::{STREAM_DAY, STREAM_MANUAL, STREAM_SCHEDULE};
use crate::rng::{Rng, mix};

/// Outcomes over the days: which findings fail, and until which day.
///
/// Day 0: 0.5 % fail, each for 1 to 120 days. Every later day, 0.25 % of the findings
/// start failing (85 % for 1–3 days, 13 % for 4–13, 2 % for 14–60: a few stay failing
/// for weeks) and those whose time is up pass again; about 0.5 % of the findings
/// change a day.
#[derive(Debug, Clone)]
pub(super) struct Outcomes {
    /// 0: passing; else the day it passes again.
    fail_until: Vec<u32>,
    seed: u64,
}

impl Outcomes {
    pub(super) fn new(n: usize, seed: u64) -> Self {
        let mut rng = Rng::new(mix(seed, STREAM_DAY));
        let fail_until = (0..n)
            .map(|_| {
                if rng.chance(1, 200) {
                    rng.range(1, 120) as u32
                } else {
                    0
                }
            })
            .collect();
        Self { fail_until, seed }
    }

    pub(super) fn failing(&self, i: usize) -> bool {
        self.fail_until[i] != 0
    }

    /// The day finding `i` passes again; 0 while it passes.
    pub(super) fn fails_until(&self, i: usize) -> u32 {
        self.fail_until[i]
    }

    /// Moves to `day` (≥ 1; days in order) and returns the findings that changed.
    pub(super) fn step(&mut self, day: u32) -> Vec<usize> {
        let mut changed = Vec::new();
        for (i, until) in self.fail_until.iter_mut().enumerate() {
            if *until != 0 && *until <= day {
                *until = 0;
                changed.push(i);
            }
        }
        let n = self.fail_until.len() as u64;
        let mut rng = Rng::new(mix(self.seed, STREAM_DAY + u64::from(day)));
        let new = (n * 25 + rng.below(10_000)) / 10_000;
        for _ in 0..new {
            let i = rng.below(n) as usize;
            if self.fail_until[i] != 0 {
                continue;
            }
            let roll = rng.below(100);
            let days = if roll < 85 {
                rng.range(1, 3)
            } else if roll < 98 {
                rng.range(4, 13)
            } else {
                rng.range(14, 60)
            };
            self.fail_until[i] = day + days as u32;
            changed.push(i);
        }
        changed.sort_unstable();
        changed.dedup();
        changed
    }
}

/// The first day of the schedule.
pub(super) fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default()
}

/// When each run starts, by calendar day (0 = 2025-01-01): 06:00 UTC plus up to ten
/// minutes, every day but a few skipped ones (about one in 60 days, now and then two
/// or three in a row), until `runs` runs.
pub(super) fn schedule(runs: usize, seed: u64) -> BTreeMap<u32, DateTime<Utc>> {
    let mut rng = Rng::new(mix(seed, STREAM_SCHEDULE));
    let mut out = BTreeMap::new();
    let mut day = 0u32;
    while out.len() < runs {
        if day > 0 && rng.chance(1, 60) {
            day += if rng.chance(4, 5) {
                1
            } else {
                rng.range(2, 3) as u32
            };
        }
        let date = first_day() + chrono::Duration::days(i64::from(day));
        let start = Utc.from_utc_datetime(&date.and_hms_opt(6, 0, 0).unwrap_or_default())
            + chrono::Duration::seconds(rng.below(600) as i64);
        out.insert(day, start);
        day += 1;
    }
    out
}

/// Something people record besides runs.
#[derive(Debug, Clone)]
pub(super) enum Manual {
    Attest(NewAttestation),
    Evidence(NewEvidence),
}

/// Attestations and evidence for the manual and partly automated criteria, by day and
/// minute of the day, up to `last_day`:
///
/// - 90 % of the criteria are attested in the first month (80 % implemented, 12 %
///   partial, 8 % planned) with a review every 90, 180 or 365 days; 85 % of the reviews
///   are done on time, 10 % late, 5 % never.
/// - 85 % have evidence (a link or a note; some cover two criteria of a domain) valid
///   for 180 or 365 days from its effective date; 80 % of it is renewed before it
///   expires, the rest lapses.
pub(super) fn manual_events(
    catalog: &Catalog,
    last_day: u32,
    seed: u64,
) -> Vec<(u32, u32, Manual)> {
    let mut rng = Rng::new(mix(seed, STREAM_MANUAL));
    let criteria: Vec<&testat_catalog::Criterion> = catalog
        .criteria
        .iter()
        .filter(|c| matches!(c.automation, Automation::Manual | Automation::Partly))
        .collect();
    let date = |day: u32| first_day() + chrono::Duration::days(i64::from(day));
    let owners = ["ciso", "ops-lead", "hr-lead", "dpo", "platform-team"];
    let mut events = Vec::new();
    for c in &criteria {
        if rng.chance(9, 10) {
            let owner = (*rng.pick(&owners)).to_owned();
            let mut day = rng.below(30) as u32;
            let roll = rng.below(100);
            let status = if roll < 80 {
                AttestStatus::Implemented
            } else if roll < 92 {
                AttestStatus::Partial
            } else {
                AttestStatus::Planned
            };
            let every = *rng.pick(&[90u32, 180, 365]);
            loop {
                if day > last_day {
                    break;
                }
                events.push((
                    day,
                    rng.below(8 * 60) as u32,
                    Manual::Attest(NewAttestation {
                        criterion: c.id.clone(),
                        status,
                        statement: format!("{} is in place as described in the ISMS.", c.id),
                        owner: owner.clone(),
                        next_review: Some(date(day + every)),
                    }),
                ));
                let roll = rng.below(100);
                day = if roll < 85 {
                    day + every - rng.below(14) as u32
                } else if roll < 95 {
                    day + every + rng.range(10, 40) as u32
                } else {
                    break;
                };
            }
        }
        if rng.chance(85, 100) {
            let mut criteria = vec![c.id.clone()];
            // Now and then a second criterion of the same domain (the next one).
            if rng.chance(1, 4)
                && let Some(other) = next_in_domain(catalog, c)
            {
                criteria.push(other);
            }
            criteria.sort();
            criteria.dedup();
            let valid = *rng.pick(&[180u32, 365]);
            let mut effective = rng.below(45) as u32;
            let mut version = 1;
            loop {
                let added = effective.saturating_sub(rng.below(5) as u32);
                if added > last_day {
                    break;
                }
                let url = rng.chance(1, 2);
                events.push((
                    added,
                    rng.below(8 * 60) as u32,
                    Manual::Evidence(NewEvidence {
                        file: None,
                        url: url.then(|| {
                            format!(
                                "https://wiki.example.com/isms/{}/v{version}",
                                c.id.to_lowercase()
                            )
                        }),
                        note: Some(format!("{} evidence, version {version}", c.id)),
                        criteria: criteria.clone(),
                        effective: Some(date(effective)),
                        valid_until: Some(date(effective + valid - 1)),
                    }),
                ));
                if !rng.chance(4, 5) {
                    break;
                }
                effective += valid - rng.below(20) as u32;
                version += 1;
            }
        }
    }
    events.sort_by_key(|(day, minute, _)| (*day, *minute));
    events
}

/// The criterion after `c` in catalogue order, when it is in the same domain.
fn next_in_domain(catalog: &Catalog, c: &testat_catalog::Criterion) -> Option<String> {
    let at = catalog.criteria.iter().position(|x| x.id == c.id)?;
    catalog
        .criteria
        .get(at + 1)
        .filter(|next| next.domain == c.domain)
        .map(|next| next.id.clone())
}
