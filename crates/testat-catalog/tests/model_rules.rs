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
