//! The YAML loader refuses catalogues that break the model, naming where.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use testat_catalog::{Catalog, CatalogError};

const GOOD: &str = r#"
name: Test
version: "1"
publisher: Us
domains:
  - code: CRY
    name: Cryptography
criteria:
  - id: CRY-01
    domain: CRY
    title: Policy
    additional_criterion: unknown
    automation: manual
    tags: [policy]
    summary: A summary.
"#;

fn error_of(source: &str) -> String {
    Catalog::from_yaml(source, "test.yaml")
        .unwrap_err()
        .to_string()
}

#[test]
fn a_minimal_catalogue_loads() {
    let catalog = Catalog::from_yaml(GOOD, "test.yaml").unwrap();
    assert_eq!(catalog.get("cry-01").unwrap().title, "Policy");
}

#[test]
fn unknown_field_is_refused_with_its_line() {
    let source = GOOD.replace(
        "    summary: A summary.",
        "    summary: A summary.\n    colour: red",
    );
    let message = error_of(&source);
    assert!(message.starts_with("test.yaml:"), "{message}");
    assert!(message.contains("unknown field `colour`"), "{message}");
    assert!(
        message.contains("test.yaml:16:5:"),
        "names line 16: {message}"
    );
    assert!(
        !message.contains("at line"),
        "says the place once: {message}"
    );
}

#[test]
fn bad_id_duplicate_id_unknown_domain_and_tag_are_refused() {
    let cases = [
        (
            GOOD.replace("id: CRY-01", "id: CRY-1"),
            "CRY-1",
            "two digits",
        ),
        (
            GOOD.replace("domain: CRY\n    title", "domain: OPS\n    title"),
            "CRY-01",
            "not declared",
        ),
        (
            GOOD.replace("tags: [policy]", "tags: [crypto]"),
            "CRY-01",
            "unknown tag `crypto`",
        ),
        (
            GOOD.replace("summary: A summary.", "summary: \"  \""),
            "CRY-01",
            "summary is empty",
        ),
        (
            format!("{GOOD}{}", &GOOD[GOOD.find("  - id").unwrap()..]),
            "CRY-01",
            "appears twice",
        ),
    ];
    for (source, id, expected) in cases {
        let message = error_of(&source);
        assert!(
            message.contains(&format!("criterion {id}")) && message.contains(expected),
            "expected `{expected}` about {id}, got: {message}"
        );
    }
}

#[test]
fn wrong_enum_value_names_the_allowed_ones() {
    let message = error_of(&GOOD.replace("automation: manual", "automation: sometimes"));
    assert!(message.contains("automated"), "{message}");
    assert!(message.contains("test.yaml:"), "{message}");
}

#[test]
fn lookup_is_case_insensitive_and_suggests() {
    let c5 = testat_catalog::builtin();
    assert_eq!(c5.get(" cry-03 ").unwrap().id, "CRY-03");
    match c5.get("IDM-9") {
        Err(CatalogError::UnknownCriterion { suggestions, .. }) => {
            assert_eq!(suggestions, ["IDM-09"]);
        }
        other => panic!("expected an unknown-criterion error, got {other:?}"),
    }
    let message = c5.get("cyr-03").unwrap_err().to_string();
    assert!(
        message.contains("did you mean") && message.contains("`CRY-03`"),
        "{message}"
    );
    let message = c5.get("nonsense").unwrap_err().to_string();
    assert!(
        message.contains("criterion IDs look like CRY-03"),
        "{message}"
    );
    assert!(
        !message.contains("testat "),
        "library errors name no command: {message}"
    );
}

#[test]
fn search_ranks_title_matches_first() {
    let c5 = testat_catalog::builtin();
    let hits = c5.search("key management");
    assert_eq!(
        hits.first().map(|h| h.criterion.id.as_str()),
        Some("CRY-04")
    );
    let ids: Vec<&str> = c5
        .search("encrypt")
        .iter()
        .map(|h| h.criterion.id.as_str())
        .collect();
    assert!(
        ids.contains(&"CRY-02") && ids.contains(&"CRY-03"),
        "{ids:?}"
    );
    assert!(c5.search("  ").is_empty());
    assert!(c5.search("xylophone").is_empty());
    assert_eq!(c5.search("ops-12").first().unwrap().criterion.id, "OPS-12");
}

/// A catalogue in the C5:2026 shape: German titles and sub-criteria.
const GOOD_2026: &str = r#"
name: Test
version: "1"
publisher: Us
domains:
  - code: GC
    name: General conditions
  - code: CRY
    name: Cryptography
criteria:
  - id: GC-01
    domain: GC
    title: Statement
    title_de: Angaben
    automation: manual
    tags: [transparency]
    summary: A summary.
    subcriteria: []
  - id: CRY-01
    domain: CRY
    title: Policy
    title_de: Leitlinie
    automation: manual
    tags: [policy]
    summary: A summary.
    subcriteria:
      - id: CRY-01.01B
        level: basic
        label: Basic topic
      - id: CRY-01.01AS
        level: sharpening
        label: Stricter topic
      - id: CRY-01.01AC
        level: complementing
        label: Further topic
"#;

#[test]
fn a_catalogue_with_subcriteria_loads_and_derives_additional_criteria() {
    let catalog = Catalog::from_yaml(GOOD_2026, "test.yaml").unwrap();
    let criterion = catalog.get("CRY-01").unwrap();
    assert_eq!(criterion.title_de.as_deref(), Some("Leitlinie"));
    assert_eq!(criterion.subcriteria.len(), 3);
    assert_eq!(
        criterion.additional_criterion,
        testat_catalog::AdditionalCriterion::Yes
    );
    assert_eq!(
        catalog.get("GC-01").unwrap().additional_criterion,
        testat_catalog::AdditionalCriterion::No
    );
    assert_eq!(catalog.find("cry-01.01as").unwrap().id(), "CRY-01.01AS");
    // Stated and derived agree: accepted.
    let stated = GOOD_2026.replace(
        "    title_de: Leitlinie\n",
        "    title_de: Leitlinie\n    additional_criterion: yes\n",
    );
    Catalog::from_yaml(&stated, "test.yaml").unwrap();
}

#[test]
fn broken_subcriteria_are_refused_naming_the_subcriterion() {
    let cases = [
        (
            GOOD_2026.replace("id: CRY-01.01B", "id: CRY-01.1B"),
            "CRY-01.1B",
            "two digits and B, AS or AC",
        ),
        (
            GOOD_2026.replace("id: CRY-01.01AC", "id: CRY-02.01AC"),
            "CRY-02.01AC",
            "listed under CRY-01 but belongs to CRY-02",
        ),
        (
            GOOD_2026.replace(
                "id: CRY-01.01AC\n        level: complementing",
                "id: CRY-01.01AC\n        level: sharpening",
            ),
            "CRY-01.01AC",
            "ends in `AS`",
        ),
        (
            GOOD_2026.replace("label: Further topic", "label: \" \""),
            "CRY-01.01AC",
            "label is empty",
        ),
        (
            GOOD_2026.replace("id: CRY-01.01B", "id: CRY-01.02B"),
            "CRY-01.01AS",
            "CRY-01.01B does not exist",
        ),
        (
            GOOD_2026
                .replace("id: CRY-01.01AC", "id: CRY-01.01AS")
                .replace("level: complementing", "level: sharpening"),
            "CRY-01.01AS",
            "appears twice",
        ),
        (
            GOOD_2026.replace(
                "    title_de: Leitlinie\n",
                "    title_de: Leitlinie\n    additional_criterion: no\n",
            ),
            "CRY-01",
            "the sub-criteria say `yes`",
        ),
        (
            GOOD_2026.replace("title_de: Angaben", "title_de: \"\""),
            "GC-01",
            "title_de is empty",
        ),
        (
            GOOD_2026.replace("    subcriteria: []\n", ""),
            "GC-01",
            "missing field `additional_criterion`",
        ),
    ];
    for (source, id, expected) in cases {
        let message = error_of(&source);
        assert!(
            message.contains(&format!("criterion {id}")) && message.contains(expected),
            "expected `{expected}` about {id}, got: {message}"
        );
    }
    let message = error_of(&GOOD_2026.replace("level: basic", "level: base"));
    assert!(message.contains("sharpening"), "{message}");
}
