//! Checks of the built-in C5:2020 data: the shape the rest of Testat relies on.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::collections::HashSet;

use testat_catalog::{Automation, builtin, is_criterion_id};

/// Domain codes and criterion counts of C5:2020, in catalogue order.
const DOMAINS: &[(&str, usize)] = &[
    ("OIS", 7),
    ("SP", 3),
    ("HR", 6),
    ("AM", 6),
    ("PS", 7),
    ("OPS", 24),
    ("IDM", 9),
    ("CRY", 4),
    ("COS", 8),
    ("PI", 3),
    ("DEV", 10),
    ("SSO", 5),
    ("SIM", 5),
    ("BCM", 4),
    ("COM", 4),
    ("INQ", 4),
    ("PSS", 12),
];

#[test]
fn has_121_unique_well_formed_ids() {
    let c5 = builtin();
    assert_eq!(c5.criteria.len(), 121);
    let ids: HashSet<&str> = c5.criteria.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), 121, "IDs are unique");
    for id in ids {
        assert!(
            is_criterion_id(id),
            "{id} matches ^[A-Z]{{2,3}}-[0-9]{{2}}$"
        );
    }
}

#[test]
fn has_every_domain_in_order_with_its_count() {
    let c5 = builtin();
    let codes: Vec<&str> = c5.domains.iter().map(|d| d.code.as_str()).collect();
    let expected: Vec<&str> = DOMAINS.iter().map(|(code, _)| *code).collect();
    assert_eq!(codes, expected);
    for (code, count) in DOMAINS {
        assert_eq!(c5.criteria_in(code).count(), *count, "criteria in {code}");
        // Numbering within a domain is 01..=count without gaps.
        for (i, c) in c5.criteria_in(code).enumerate() {
            assert_eq!(c.id, format!("{code}-{:02}", i + 1));
        }
    }
}

#[test]
fn every_criterion_has_a_short_summary_and_tags() {
    for c in &builtin().criteria {
        let summary = c.summary.trim();
        assert!(!summary.is_empty(), "{} has a summary", c.id);
        assert!(!summary.contains("TODO"), "{} summary is written", c.id);
        let sentences = summary.matches(". ").count() + 1;
        assert!(
            (1..=3).contains(&sentences),
            "{} summary has {sentences} sentences",
            c.id
        );
        assert!((1..=4).contains(&c.tags.len()), "{} has 1 to 4 tags", c.id);
    }
}

#[test]
fn automation_flags_cover_the_technical_criteria() {
    let c5 = builtin();
    let automated: Vec<&str> = c5
        .criteria
        .iter()
        .filter(|c| c.automation == Automation::Automated)
        .map(|c| c.id.as_str())
        .collect();
    for id in ["CRY-02", "CRY-03", "COS-04", "OPS-13"] {
        assert!(automated.contains(&id), "{id} is automated");
    }
    for id in ["HR-01", "PS-04", "INQ-01"] {
        assert!(!automated.contains(&id), "{id} is not automated");
    }
}

#[test]
fn customer_parts_exist_where_customers_have_a_part() {
    let c5 = builtin();
    for id in ["IDM-02", "CRY-03", "INQ-02"] {
        assert!(!c5.get(id).unwrap().customer_part.trim().is_empty(), "{id}");
    }
    for id in ["HR-01", "PS-04"] {
        assert!(c5.get(id).unwrap().customer_part.trim().is_empty(), "{id}");
    }
}
