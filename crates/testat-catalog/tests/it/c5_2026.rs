//! The built-in C5:2026 catalogue: its own words, versions, and lookup of criteria and
//! sub-criteria.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use testat_catalog::{
    C5Version, CatalogError, Found, Level, builtin, builtin_version, is_criterion_id,
    is_criterion_or_subcriterion_id, is_subcriterion_id,
};

fn c5() -> &'static testat_catalog::Catalog {
    builtin_version(C5Version::V2026)
}

/// A line break after a hyphen inside folded YAML turns `risk-assessed` into
/// `risk- assessed`; only `Betriebs- und …` style forms may keep the space.
fn broken_hyphen(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    for (i, window) in bytes.windows(3).enumerate() {
        if window[0].is_ascii_lowercase() && window[1] == b'-' && window[2] == b' ' {
            let rest = &text[i + 3..];
            if !["and ", "or ", "und ", "oder "]
                .iter()
                .any(|w| rest.starts_with(w))
            {
                return Some(&text[i.saturating_sub(20)..(i + 15).min(text.len())]);
            }
        }
    }
    None
}

#[test]
fn summaries_labels_and_tags_are_written_and_short() {
    for catalog in [builtin(), c5()] {
        for c in &catalog.criteria {
            let summary = c.summary.trim();
            assert!(!summary.is_empty() && !summary.contains("TODO"), "{}", c.id);
            let sentences = summary.matches(". ").count() + 1;
            assert!(
                (1..=3).contains(&sentences),
                "{} summary has {sentences} sentences",
                c.id
            );
            assert!((1..=4).contains(&c.tags.len()), "{} has 1 to 4 tags", c.id);
            for text in [&c.summary, &c.customer_part] {
                assert_eq!(broken_hyphen(text), None, "{}", c.id);
            }
            for sub in &c.subcriteria {
                let words = sub.label.split_whitespace().count();
                assert!(
                    (1..=12).contains(&words),
                    "{} label has {words} words",
                    sub.id
                );
                assert_eq!(broken_hyphen(&sub.label), None, "{}", sub.id);
            }
        }
    }
}

#[test]
fn versions_parse_display_and_pick_their_catalogue() {
    for (input, version) in [
        ("2020", C5Version::V2020),
        ("2026", C5Version::V2026),
        (" C5:2026 ", C5Version::V2026),
        ("c5-2020", C5Version::V2020),
    ] {
        assert_eq!(input.parse::<C5Version>().unwrap(), version, "{input}");
    }
    let error = "2025".parse::<C5Version>().unwrap_err();
    assert!(matches!(error, CatalogError::UnknownVersion { .. }));
    assert_eq!(
        error.to_string(),
        "unknown C5 version `2025`; Testat knows 2020 and 2026"
    );
    assert_eq!(C5Version::V2026.to_string(), "2026");
    assert_eq!(C5Version::default(), C5Version::V2020);
    assert!(std::ptr::eq(builtin(), builtin_version(C5Version::V2020)));
    for version in C5Version::ALL {
        let catalog = version.catalog();
        assert_eq!(catalog.name, version.name());
        assert_eq!(catalog.c5_version(), Some(version));
    }
    assert_eq!(
        serde_json::to_string(&C5Version::V2026).unwrap(),
        "\"2026\""
    );
    assert_eq!(
        serde_json::from_str::<C5Version>("2026").unwrap(),
        C5Version::V2026
    );
    assert_eq!(
        serde_json::from_str::<C5Version>("\"2020\"").unwrap(),
        C5Version::V2020
    );
    assert!(serde_json::from_str::<C5Version>("2019").is_err());
}

#[test]
fn id_shapes() {
    assert!(is_criterion_id("CRY-03") && !is_criterion_id("CRY-03.01B"));
    for id in ["CRY-03.01B", "AM-07.01AS", "OIS-04.02AC"] {
        assert!(is_subcriterion_id(id), "{id}");
        assert!(is_criterion_or_subcriterion_id(id), "{id}");
    }
    for id in [
        "CRY-03.1B",
        "CRY-03.01",
        "CRY-03.01X",
        "CRY-03.01BB",
        "cry-03.01b",
    ] {
        assert!(!is_subcriterion_id(id), "{id}");
    }
    assert!(is_criterion_or_subcriterion_id("GC-01"));
    assert_eq!(Level::of_id("AM-07.01AS"), Some(Level::Sharpening));
    assert_eq!(Level::of_id("AM-07"), None);
}

#[test]
fn find_returns_criteria_and_subcriteria_case_insensitively() {
    let c5 = c5();
    match c5.find(" cry-03.01b ").unwrap() {
        Found::SubCriterion(criterion, sub) => {
            assert_eq!(criterion.id, "CRY-03");
            assert_eq!(sub.id, "CRY-03.01B");
            assert_eq!(sub.level, Level::Basic);
        }
        other => panic!("expected a sub-criterion, got {other:?}"),
    }
    assert_eq!(c5.find("iam-01").unwrap().id(), "IAM-01");
    assert!(c5.find("IAM-01").unwrap().subcriterion().is_none());
    assert_eq!(c5.find("gc-06").unwrap().criterion().domain, "GC");
    let (criterion, sub) = c5.exact_subcriterion("OIS-01.01AS").unwrap();
    assert_eq!(
        (criterion.id.as_str(), sub.level),
        ("OIS-01", Level::Sharpening)
    );
    assert!(c5.contains("OIS-01.01AC") && c5.contains("OIS-01") && !c5.contains("ois-01"));
    assert!(!builtin().has_subcriteria() && c5.has_subcriteria());
}

#[test]
fn get_stays_with_criteria_and_points_from_a_subcriterion_to_its_criterion() {
    let c5 = c5();
    assert_eq!(c5.get("cry-03").unwrap().id, "CRY-03");
    match c5.get("cry-03.01b") {
        Err(CatalogError::UnknownCriterion { suggestions, .. }) => {
            assert_eq!(suggestions, ["CRY-03"]);
        }
        other => panic!("expected an unknown-criterion error, got {other:?}"),
    }
}

fn suggestions(input: &str) -> Vec<String> {
    match c5().find(input) {
        Err(CatalogError::UnknownCriterion { suggestions, .. }) => suggestions,
        other => panic!("expected an unknown-criterion error for {input}, got {other:?}"),
    }
}

#[test]
fn unknown_subcriteria_get_useful_suggestions() {
    // One-digit numbers are padded.
    assert_eq!(suggestions("cry-3.1b"), ["CRY-03.01B"]);
    assert_eq!(suggestions("IAM-9"), ["IAM-09"]);
    // A number without its level: the sub-criteria with that number.
    assert_eq!(
        suggestions("OIS-01.01"),
        ["OIS-01.01B", "OIS-01.01AS", "OIS-01.01AC"]
    );
    // A typo in the level or number: the nearest sub-criteria.
    assert!(suggestions("OIS-04.01AX").contains(&"OIS-04.01AC".to_owned()));
    // A sub-criterion number far beyond the list: its criterion.
    assert!(!suggestions("GC-01.07B").is_empty());
    // The old domain code is not silently mapped.
    let message = c5().find("IDM-01").unwrap_err().to_string();
    assert!(
        message.starts_with("unknown criterion `IDM-01`"),
        "{message}"
    );
    let message = c5().find("XYZ-99.99B").unwrap_err().to_string();
    assert!(
        message.starts_with("unknown sub-criterion `XYZ-99.99B`") && message.contains("CRY-03.01B"),
        "{message}"
    );
}

#[test]
fn search_reads_german_titles_and_subcriterion_labels() {
    let c5 = c5();
    let first = c5.search("Aufgabentrennung");
    assert_eq!(
        first.first().map(|h| h.criterion.id.as_str()),
        Some("OIS-04")
    );
    assert_eq!(c5.search("iam-01").first().unwrap().criterion.id, "IAM-01");
    // A word only a sub-criterion label has still finds its criterion.
    let label_word = "accredited";
    assert!(
        c5.get("OIS-01")
            .unwrap()
            .subcriteria
            .iter()
            .any(|s| s.label.to_lowercase().contains(label_word))
    );
    let ids: Vec<&str> = c5
        .search(label_word)
        .iter()
        .map(|h| h.criterion.id.as_str())
        .collect();
    assert!(ids.contains(&"OIS-01"), "{ids:?}");
}
