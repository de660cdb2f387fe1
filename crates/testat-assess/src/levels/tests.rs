//! Unit tests of scope by level, on the built-in C5:2026 catalogue and on a copy of it
//! in which one criterion keeps only its complementing sub-criterion (the built-in
//! catalogue has no criterion without basic sub-criteria).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use testat_catalog::{C5Version, Catalog, Level};

use super::*;
use crate::{Inputs, RuleResult, ServiceDescription, assess};

fn c5_2026() -> &'static Catalog {
    C5Version::V2026.catalog()
}

/// C5:2026 with CRY-05 reduced to its complementing sub-criterion CRY-05.01AC.
fn only_complementing() -> Catalog {
    let mut catalog = c5_2026().clone();
    let cry05 = catalog
        .criteria
        .iter_mut()
        .find(|c| c.id == "CRY-05")
        .unwrap();
    cry05
        .subcriteria
        .retain(|s| s.level == Level::Complementing);
    assert_eq!(cry05.subcriteria.len(), 1);
    assert_eq!(cry05.subcriteria[0].id, "CRY-05.01AC");
    catalog
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 7, 1).unwrap()
}

fn failing(rule: &str, criteria: Vec<String>) -> RuleResult {
    RuleResult {
        scope: "default".into(),
        run: 1,
        rule: rule.into(),
        criteria,
        failing: vec!["aws_ebs_volume.data".into()],
        ..RuleResult::default()
    }
}

fn status_of(
    catalog: &Catalog,
    scope: &LevelScope,
    rules: &[RuleResult],
    id: &str,
) -> CriterionStatus {
    let inputs = Inputs {
        rules,
        ..Inputs::default()
    };
    let mut all = assess(catalog, &inputs, today());
    apply_levels(&mut all, scope);
    all.into_iter().find(|c| c.criterion == id).unwrap()
}

#[test]
fn basic_is_always_covered_and_levels_come_in_catalogue_order() {
    let scope = LevelScope::new(c5_2026(), &[Level::Complementing], true);
    assert_eq!(scope.levels, vec![Level::Basic, Level::Complementing]);
    assert_eq!(scope.describe(), "basic, complementing");
    assert!(!scope.is_complete());
    let all = LevelScope::all(c5_2026());
    assert!(all.is_complete() && !all.chosen);
    assert_eq!(all.subcriteria_out_of_scope, 0);
    assert!(all.out_of_level.is_empty() && all.partly_in_level.is_empty());
}

#[test]
fn basic_only_on_the_builtin_catalogue_cuts_sub_criteria_but_no_whole_criterion() {
    let scope = LevelScope::new(c5_2026(), &[Level::Basic], true);
    // Every C5:2026 criterion with sub-criteria has a basic one.
    assert!(scope.out_of_level.is_empty());
    assert_eq!(
        scope.subcriteria_in_scope + scope.subcriteria_out_of_scope,
        623
    );
    assert!(scope.subcriteria_out_of_scope > 0);
    assert_eq!(scope.excluded_subcriteria("CRY-05"), ["CRY-05.01AC"]);
    assert!(scope.excluded_subcriteria("CRY-06").is_empty());
    // Sharpening and complementing: CRY-05's complementing one is still out.
    let sharpening = LevelScope::new(c5_2026(), &[Level::Sharpening], true);
    assert_eq!(sharpening.excluded_subcriteria("CRY-05"), ["CRY-05.01AC"]);
}

#[test]
fn rule_entries_count_only_at_covered_levels() {
    let basic = LevelScope::new(c5_2026(), &[], true);
    let all = LevelScope::all(c5_2026());
    let both = vec!["CRY-05.01B".to_owned(), "CRY-05.01AC".to_owned()];
    let additional = vec!["CRY-05.01AC".to_owned(), "CRY-04.01AS".to_owned()];
    assert_eq!(basic.criteria_of(&both), ["CRY-05"]);
    assert!(basic.criteria_of(&additional).is_empty());
    assert_eq!(all.criteria_of(&additional), ["CRY-04", "CRY-05"]);
    // A whole criterion named in `criteria_2026` counts whatever the levels.
    assert_eq!(basic.criteria_of(&["IAM-01".to_owned()]), ["IAM-01"]);
}

#[test]
fn a_criterion_with_only_additional_sub_criteria_is_out_of_scope_by_level() {
    let catalog = only_complementing();
    let basic = LevelScope::new(&catalog, &[Level::Basic, Level::Sharpening], true);
    let out = basic.out_of_level("CRY-05").unwrap();
    assert_eq!(out.levels, vec![Level::Complementing]);
    let s = status_of(&catalog, &basic, &[], "CRY-05");
    assert_eq!(s.status, Status::NotApplicable);
    assert_eq!(
        s.reasons[0],
        "out of scope by level: only complementing sub-criteria, and the engagement covers basic, sharpening"
    );

    // With complementing covered it is assessed as any other criterion.
    let all = LevelScope::all(&catalog);
    assert!(all.out_of_level("CRY-05").is_none());
    let s = status_of(&catalog, &all, &[], "CRY-05");
    assert_eq!(s.status, Status::NotAssessed);
}

#[test]
fn a_failure_on_an_out_of_level_sub_criterion_does_not_make_its_criterion_not_met() {
    let catalog = c5_2026();
    let entries = vec!["CRY-05.01AC".to_owned()];
    let basic = LevelScope::new(catalog, &[Level::Basic], true);
    let rules = [failing("custom-reuse", basic.criteria_of(&entries))];
    let s = status_of(catalog, &basic, &rules, "CRY-05");
    assert_eq!(s.status, Status::NotAssessed, "{:?}", s.reasons);
    assert!(
        s.reasons
            .iter()
            .any(|r| r.contains("out of scope by level: CRY-05.01AC")),
        "{:?}",
        s.reasons
    );

    let all = LevelScope::all(catalog);
    let rules = [failing("custom-reuse", all.criteria_of(&entries))];
    let s = status_of(catalog, &all, &rules, "CRY-05");
    assert_eq!(s.status, Status::NotMet);
    assert!(s.reasons[0].starts_with("custom-reuse failed on aws_ebs_volume.data"));
}

#[test]
fn the_service_description_names_levels_and_mistakes_name_the_key() {
    let with = |levels: &[&str]| ServiceDescription {
        levels: Some(levels.iter().map(|l| (*l).to_owned()).collect()),
        ..ServiceDescription::default()
    };
    let scope = with(&["Sharpening"])
        .level_scope(c5_2026())
        .unwrap()
        .unwrap();
    assert_eq!(scope.levels, vec![Level::Basic, Level::Sharpening]);
    assert!(scope.chosen);
    let default = ServiceDescription::default()
        .level_scope(c5_2026())
        .unwrap()
        .unwrap();
    assert!(default.is_complete() && !default.chosen);

    let e = with(&["basic", "complimenting"])
        .level_scope(c5_2026())
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "[scope]: levels: `complimenting` is not a level (basic, sharpening, complementing)"
    );
    assert!(
        with(&["basic", "complimenting"])
            .validate(c5_2026())
            .is_err()
    );

    // C5:2020 has no sub-criteria: no level scope, and naming levels is an error.
    let c5_2020 = C5Version::V2020.catalog();
    assert_eq!(ServiceDescription::default().level_scope(c5_2020), Ok(None));
    let e = with(&["basic"]).level_scope(c5_2020).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("[scope]: levels: C5:2020 has no sub-criteria"),
        "{e}"
    );
}
