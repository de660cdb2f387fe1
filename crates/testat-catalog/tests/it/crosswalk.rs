//! The crosswalk C5:2020 → C5:2026: complete, consistent, and usable both ways.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::collections::HashSet;

use testat_catalog::{C5Version, Crosswalk, Relation, builtin, builtin_version, crosswalk};

#[test]
fn every_criterion_of_both_versions_appears() {
    let crosswalk = crosswalk();
    assert_eq!(crosswalk.from, C5Version::V2020);
    assert_eq!(crosswalk.to, C5Version::V2026);
    let c2020: HashSet<&str> = crosswalk
        .pairs
        .iter()
        .filter_map(|p| p.c5_2020.as_deref())
        .collect();
    let c2026: HashSet<&str> = crosswalk
        .pairs
        .iter()
        .filter_map(|p| p.c5_2026.as_deref())
        .collect();
    assert_eq!(c2020.len(), 121);
    assert_eq!(c2026.len(), 174);
    for c in &builtin().criteria {
        assert!(!crosswalk.from_2020(&c.id).is_empty(), "{}", c.id);
    }
    for c in &builtin_version(C5Version::V2026).criteria {
        assert!(!crosswalk.to_2020(&c.id).is_empty(), "{}", c.id);
    }
}

#[test]
fn relations_have_the_right_sides_and_reasons() {
    for pair in &crosswalk().pairs {
        match pair.relation {
            Relation::New => assert!(pair.c5_2020.is_none() && pair.c5_2026.is_some()),
            Relation::Dropped => assert!(pair.c5_2020.is_some() && pair.c5_2026.is_none()),
            _ => assert!(pair.c5_2020.is_some() && pair.c5_2026.is_some()),
        }
        if pair.relation != Relation::Equal {
            assert!(!pair.reason.trim().is_empty(), "{pair:?}");
        }
    }
}

#[test]
fn lookups_work_both_ways() {
    let crosswalk = crosswalk();
    // IDM became IAM.
    let to: Vec<(Option<&str>, Relation)> = crosswalk
        .from_2020("idm-01")
        .iter()
        .map(|p| (p.c5_2026.as_deref(), p.relation))
        .collect();
    assert!(to.contains(&(Some("IAM-01"), Relation::Equal)), "{to:?}");
    // A general condition is new, unless a 2020 criterion overlaps.
    let back = crosswalk.to_2020("GC-02");
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].relation, Relation::New);
    assert_eq!(back[0].c5_2020, None);
    // A sub-criterion ID is looked up by its criterion.
    assert_eq!(crosswalk.to_2020("IAM-01.01B"), crosswalk.to_2020("IAM-01"));
    // A criterion split in 2026 has several pairs.
    assert!(crosswalk.from_2020("AM-01").len() > 1);
    assert!(crosswalk.from_2020("XYZ-01").is_empty());
}

const GOOD: &str = r#"
from: "2020"
to: "2026"
pairs:
  - c5_2020: OIS-01
    c5_2026: OIS-01
    relation: equal
"#;

/// The built-in crosswalk with `extra` appended to its pairs.
fn error_with(extra: &str) -> String {
    let source = format!(
        "{}{extra}",
        include_str!("../../data/crosswalk-c5-2020-2026.yaml")
    );
    Crosswalk::from_yaml(
        &source,
        "test.yaml",
        builtin(),
        builtin_version(C5Version::V2026),
    )
    .unwrap_err()
    .to_string()
}

#[test]
fn broken_pairs_are_refused_naming_the_pair() {
    let cases = [
        (
            "  - c5_2020: OIS-99\n    c5_2026: OIS-01\n    relation: overlap\n    reason: x\n",
            "OIS-99 is not a C5:2020 criterion",
        ),
        (
            "  - c5_2020: OIS-01\n    c5_2026: OIS-01.01B\n    relation: overlap\n    reason: x\n",
            "sub-criteria are not paired",
        ),
        (
            "  - c5_2020: OIS-01\n    c5_2026: GC-02\n    relation: new\n    reason: x\n",
            "a `new` pair has only c5_2026",
        ),
        (
            "  - c5_2026: GC-02\n    relation: dropped\n    reason: x\n",
            "a `dropped` pair has only c5_2020",
        ),
        (
            "  - c5_2020: OIS-02\n    relation: overlap\n    reason: x\n",
            "has both c5_2020 and c5_2026",
        ),
        (
            "  - c5_2020: OIS-01\n    c5_2026: OIS-02\n    relation: broader\n",
            "a `broader` pair needs a reason",
        ),
        (
            "  - c5_2020: OIS-01\n    c5_2026: OIS-01\n    relation: equal\n",
            "the same pair appears twice",
        ),
    ];
    for (extra, expected) in cases {
        let message = error_with(extra);
        assert!(
            message.starts_with("test.yaml: pair ") && message.contains(expected),
            "expected `{expected}`, got: {message}"
        );
    }
    let message = error_with("  - c5_2020: OIS-01\n    c5_2026: OIS-02\n    relation: similar\n");
    assert!(message.contains("overlap"), "{message}");
    let message = error_with("    weight: 3\n");
    assert!(message.contains("unknown field `weight`"), "{message}");
}

#[test]
fn a_crosswalk_that_leaves_criteria_out_is_refused() {
    let message = Crosswalk::from_yaml(
        GOOD,
        "test.yaml",
        builtin(),
        builtin_version(C5Version::V2026),
    )
    .unwrap_err()
    .to_string();
    assert!(
        message.contains("criterion OIS-02") && message.contains("at least one pair"),
        "{message}"
    );
    let message = Crosswalk::from_yaml(
        &GOOD.replace("from: \"2020\"", "from: \"2026\""),
        "test.yaml",
        builtin(),
        builtin_version(C5Version::V2026),
    )
    .unwrap_err()
    .to_string();
    assert!(message.contains("goes from 2020 to 2026"), "{message}");
}
