//! Scope by level: which levels of sub-criteria (basic, sharpening, complementing) a
//! C5:2026 engagement covers, and what that does to the roll-up.
//!
//! The service description names the levels in `testat.toml` (`[scope] levels`);
//! basic is always covered. A catalogue without sub-criteria (C5:2020) cannot be
//! scoped by level. From the levels, [`LevelScope::new`] works out per criterion which
//! sub-criteria are in scope:
//!
//! - a rule's `criteria_2026` entry that names a sub-criterion counts for its criterion
//!   only when the sub-criterion's level is covered ([`LevelScope::criteria_of`]); an
//!   entry that names a whole criterion counts as before;
//! - a criterion all of whose sub-criteria are at levels not covered is *out of scope
//!   by level* ([`OutOfLevel`]): `not applicable`, with its own reason, never `not met`
//!   or `not assessed` ([`apply_levels`]);
//! - a criterion with sub-criteria in and out of scope is assessed on the ones in
//!   scope; the others are listed ([`LevelScope::excluded_subcriteria`]);
//! - attestations and evidence name whole criteria, so they count for the sub-criteria
//!   in scope.

use serde::Serialize;
use testat_catalog::{Catalog, Level};

use crate::{CriterionStatus, Status};

/// The levels of sub-criteria an engagement covers, resolved against a catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelScope {
    /// The levels covered, in catalogue order; always includes basic.
    pub levels: Vec<Level>,
    /// Whether the service description chose them (`false`: the default, every level).
    pub chosen: bool,
    /// How many sub-criteria of the catalogue are in scope.
    pub subcriteria_in_scope: usize,
    /// How many sub-criteria of the catalogue are at levels not covered.
    pub subcriteria_out_of_scope: usize,
    /// Criteria whose sub-criteria are all at levels not covered, in catalogue order.
    pub out_of_level: Vec<OutOfLevel>,
    /// Criteria with sub-criteria both in and out of scope: the ones out, by criterion,
    /// in catalogue order.
    pub partly_in_level: Vec<PartlyInLevel>,
}

/// A criterion out of scope by level: every sub-criterion of it is at a level the
/// engagement does not cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutOfLevel {
    /// Criterion ID.
    pub criterion: String,
    /// The levels of its sub-criteria (none of them covered), in catalogue order.
    pub levels: Vec<Level>,
}

/// A criterion assessed on part of its sub-criteria.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartlyInLevel {
    /// Criterion ID.
    pub criterion: String,
    /// Its sub-criteria at levels not covered, in catalogue order.
    pub excluded: Vec<String>,
}

impl LevelScope {
    /// The scope of `levels` (basic is added when missing; repeats are ignored) over
    /// `catalog`. `chosen` says whether the service description named them.
    pub fn new(catalog: &Catalog, levels: &[Level], chosen: bool) -> Self {
        let levels: Vec<Level> = Level::ALL
            .into_iter()
            .filter(|l| *l == Level::Basic || levels.contains(l))
            .collect();
        let mut scope = Self {
            levels,
            chosen,
            subcriteria_in_scope: 0,
            subcriteria_out_of_scope: 0,
            out_of_level: Vec::new(),
            partly_in_level: Vec::new(),
        };
        for c in &catalog.criteria {
            let (inside, outside): (Vec<_>, Vec<_>) = c
                .subcriteria
                .iter()
                .partition(|s| scope.levels.contains(&s.level));
            scope.subcriteria_in_scope += inside.len();
            scope.subcriteria_out_of_scope += outside.len();
            if outside.is_empty() {
                continue;
            }
            if inside.is_empty() {
                let mut levels: Vec<Level> = outside.iter().map(|s| s.level).collect();
                levels.sort();
                levels.dedup();
                scope.out_of_level.push(OutOfLevel {
                    criterion: c.id.clone(),
                    levels,
                });
            } else {
                scope.partly_in_level.push(PartlyInLevel {
                    criterion: c.id.clone(),
                    excluded: outside.iter().map(|s| s.id.clone()).collect(),
                });
            }
        }
        scope
    }

    /// Every level: the default, when the service description names none.
    pub fn all(catalog: &Catalog) -> Self {
        Self::new(catalog, &Level::ALL, false)
    }

    /// Whether sub-criteria of `level` are in scope.
    pub fn covers(&self, level: Level) -> bool {
        self.levels.contains(&level)
    }

    /// Whether every level is covered (nothing is cut).
    pub fn is_complete(&self) -> bool {
        self.levels.len() == Level::ALL.len()
    }

    /// The levels as words, e.g. `basic, sharpening`.
    pub fn describe(&self) -> String {
        words(&self.levels)
    }

    /// Whether a `criteria_2026` entry counts: a sub-criterion at a covered level, or
    /// a whole criterion.
    pub fn counts(&self, entry: &str) -> bool {
        Level::of_id(entry).is_none_or(|l| self.covers(l))
    }

    /// The criteria a rule's `criteria_2026` entries count for under this scope: a
    /// sub-criterion counts for its criterion when its level is covered. Sorted,
    /// without repeats.
    pub fn criteria_of(&self, entries: &[String]) -> Vec<String> {
        let mut out: Vec<String> = entries
            .iter()
            .filter(|e| self.counts(e))
            .map(|id| id.split('.').next().unwrap_or(id).to_owned())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// One line for summaries, e.g. `levels in scope: basic, sharpening (chosen in
    /// [scope] levels); 560 of 623 sub-criteria; out of scope by level: none`.
    pub fn summary(&self) -> String {
        let source = if self.chosen {
            "chosen in [scope] levels"
        } else {
            "the default: every level"
        };
        let out = if self.out_of_level.is_empty() {
            "none".to_owned()
        } else {
            self.out_of_level
                .iter()
                .map(|o| format!("{} ({})", o.criterion, words(&o.levels)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "levels in scope: {} ({source}); {} of {} sub-criteria; criteria out of scope by level: {out}",
            self.describe(),
            self.subcriteria_in_scope,
            self.subcriteria_in_scope + self.subcriteria_out_of_scope,
        )
    }

    /// The criterion's entry when it is out of scope by level.
    pub fn out_of_level(&self, criterion: &str) -> Option<&OutOfLevel> {
        self.out_of_level.iter().find(|o| o.criterion == criterion)
    }

    /// The criterion's sub-criteria at levels not covered (empty when none are, or
    /// when the whole criterion is out of scope by level).
    pub fn excluded_subcriteria(&self, criterion: &str) -> &[String] {
        self.partly_in_level
            .iter()
            .find(|p| p.criterion == criterion)
            .map_or(&[], |p| p.excluded.as_slice())
    }
}

impl OutOfLevel {
    /// The reason reports give, e.g. `out of scope by level: only complementing
    /// sub-criteria, and the engagement covers basic`.
    pub fn reason(&self, scope: &LevelScope) -> String {
        format!(
            "out of scope by level: only {} sub-criteria, and the engagement covers {}",
            words(&self.levels),
            scope.describe()
        )
    }
}

fn words(levels: &[Level]) -> String {
    levels
        .iter()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Marks the criteria out of scope by level as `not applicable`, the level reason
/// first among their reasons (the rest stay, for information), and notes on the
/// criteria assessed on part of their sub-criteria which ones are left out.
pub fn apply_levels(statuses: &mut [CriterionStatus], scope: &LevelScope) {
    for c in statuses {
        if let Some(o) = scope.out_of_level(&c.criterion) {
            c.status = Status::NotApplicable;
            c.reasons.insert(0, o.reason(scope));
            continue;
        }
        let excluded = scope.excluded_subcriteria(&c.criterion);
        if !excluded.is_empty() {
            c.reasons.push(format!(
                "assessed on the {} sub-criteria only; out of scope by level: {}",
                scope.describe(),
                excluded.join(", ")
            ));
        }
    }
}

#[cfg(test)]
mod tests;
