//! The built-in catalogues against the BSI's facts in `tests/reference/`: IDs, domains,
//! titles (English and German), sub-criteria and their levels, exactly.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use testat_catalog::{AdditionalCriterion, C5Version, Level, builtin, builtin_version};

/// The rows of a reference TSV file as maps from column name to value.
fn rows(name: &str) -> Vec<HashMap<String, String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            assert_eq!(cells.len(), header.len(), "{name}: {line}");
            header
                .iter()
                .zip(cells)
                .map(|(h, c)| ((*h).to_owned(), c.to_owned()))
                .collect()
        })
        .collect()
}

#[test]
fn c5_2026_domains_match_the_reference_in_order() {
    let c5 = builtin_version(C5Version::V2026);
    let reference = rows("c5-2026-domains.tsv");
    let ours: Vec<(&str, &str, usize)> = c5
        .domains
        .iter()
        .map(|d| {
            (
                d.code.as_str(),
                d.name.as_str(),
                c5.criteria_in(&d.code).count(),
            )
        })
        .collect();
    let theirs: Vec<(&str, &str, usize)> = reference
        .iter()
        .map(|r| {
            (
                r["code"].as_str(),
                r["name"].as_str(),
                r["criteria"].parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(ours, theirs);
    assert_eq!(
        c5.domains.len(),
        18,
        "17 domains and the general conditions"
    );
    assert_eq!(c5.domains[0].code, "GC");
    assert!(c5.domain("IAM").is_some() && c5.domain("IDM").is_none());
}

#[test]
fn c5_2026_criteria_titles_and_subcriteria_match_the_reference_exactly() {
    let c5 = builtin_version(C5Version::V2026);
    let reference = rows("c5-2026-criteria.tsv");
    assert_eq!(c5.criteria.len(), reference.len());
    for (criterion, row) in c5.criteria.iter().zip(&reference) {
        let id = &row["id"];
        assert_eq!(&criterion.id, id);
        assert_eq!(&criterion.domain, &row["domain"], "{id} domain");
        assert_eq!(&criterion.title, &row["title"], "{id} title");
        assert_eq!(
            criterion.title_de.as_deref(),
            Some(row["title_de"].as_str()),
            "{id} German title"
        );
        let ids: Vec<&str> = criterion
            .subcriteria
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        let expected: Vec<&str> = row["subcriteria"].split_whitespace().collect();
        assert_eq!(ids, expected, "{id} sub-criteria in order");
        for (level, column) in [
            (Level::Basic, "basic"),
            (Level::Sharpening, "sharpening"),
            (Level::Complementing, "complementing"),
        ] {
            assert_eq!(
                criterion.subcriteria_at(level).count().to_string(),
                row[column],
                "{id} {column} count"
            );
        }
        for sub in &criterion.subcriteria {
            let suffix_level = if sub.id.ends_with("AS") {
                Level::Sharpening
            } else if sub.id.ends_with("AC") {
                Level::Complementing
            } else {
                Level::Basic
            };
            assert_eq!(sub.level, suffix_level, "{} level", sub.id);
        }
        // The customer's part is filled exactly where the catalogue names
        // complementary customer criteria.
        match row["customer_criteria"].as_str() {
            "yes" => assert!(
                !criterion.customer_part.trim().is_empty(),
                "{id} customer part"
            ),
            "no" => assert!(
                criterion.customer_part.trim().is_empty(),
                "{id} no customer part"
            ),
            _ => {}
        }
    }
}

#[test]
fn c5_2026_has_174_entries_168_criteria_and_623_subcriteria() {
    let c5 = builtin_version(C5Version::V2026);
    assert_eq!(c5.criteria.len(), 174);
    let general: Vec<&str> = c5.criteria_in("GC").map(|c| c.id.as_str()).collect();
    assert_eq!(
        general,
        ["GC-01", "GC-02", "GC-03", "GC-04", "GC-05", "GC-06"]
    );
    let criteria = c5.criteria.iter().filter(|c| c.domain != "GC");
    assert_eq!(criteria.count(), 168);
    let domains: std::collections::BTreeSet<&str> = c5
        .criteria
        .iter()
        .filter(|c| c.domain != "GC")
        .map(|c| c.domain.as_str())
        .collect();
    assert_eq!(domains.len(), 17);

    let mut per_level: BTreeMap<Level, usize> = BTreeMap::new();
    for (_, sub) in c5.subcriteria() {
        *per_level.entry(sub.level).or_default() += 1;
    }
    assert_eq!(c5.subcriteria().count(), 623);
    assert_eq!(per_level[&Level::Basic], 462);
    assert_eq!(per_level[&Level::Sharpening], 29);
    assert_eq!(per_level[&Level::Complementing], 132);
    // The general conditions have none.
    assert!(c5.criteria_in("GC").all(|c| c.subcriteria.is_empty()));
}

#[test]
fn c5_2026_additional_criterion_follows_from_the_levels() {
    let c5 = builtin_version(C5Version::V2026);
    for criterion in &c5.criteria {
        let additional = criterion
            .subcriteria
            .iter()
            .any(|s| s.level.is_additional());
        let expected = if additional {
            AdditionalCriterion::Yes
        } else {
            AdditionalCriterion::No
        };
        assert_eq!(criterion.additional_criterion, expected, "{}", criterion.id);
    }
    assert_eq!(
        c5.get("OIS-01").unwrap().additional_criterion,
        AdditionalCriterion::Yes
    );
    assert_eq!(
        c5.get("OIS-02").unwrap().additional_criterion,
        AdditionalCriterion::No
    );
}

#[test]
fn c5_2020_ids_domains_and_titles_match_the_reference_exactly() {
    let c5 = builtin();
    let reference = rows("c5-2020-criteria.tsv");
    assert_eq!(c5.criteria.len(), 121);
    assert_eq!(c5.criteria.len(), reference.len());
    for (criterion, row) in c5.criteria.iter().zip(&reference) {
        let id = &row["id"];
        assert_eq!(&criterion.id, id);
        assert_eq!(&criterion.domain, &row["domain"], "{id} domain");
        assert_eq!(
            c5.domain(&criterion.domain).unwrap().name,
            row["domain_name"],
            "{id} domain name"
        );
        assert_eq!(&criterion.title, &row["title"], "{id} title");
        assert_eq!(
            criterion.additional_criterion.as_str(),
            row["has_additional_criterion"],
            "{id} additional criterion"
        );
        assert!(criterion.title_de.is_none() && criterion.subcriteria.is_empty());
    }
}
