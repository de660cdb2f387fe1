//! External catalogues: matched by ID, unknown entries reported, bad files named.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::io::Write;

use testat_catalog::{CatalogError, ExternalCatalog, ExternalFormat, builtin};

fn file_with(content: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(content).unwrap();
    file
}

#[test]
fn csv_entries_are_matched_and_unknown_ids_reported() {
    let file = file_with(
        "\u{feff}id,title,text\nCRY-03,Encryption at rest,\"Official text, with a comma.\"\nops-12,Logs,Logs text\nXYZ-01,Other,Not ours\nIDM-9,Typo,Near miss\n"
            .as_bytes(),
    );
    let external = ExternalCatalog::load(file.path(), builtin()).unwrap();
    assert_eq!(external.format, ExternalFormat::Csv);
    assert_eq!(
        external.text("CRY-03").unwrap().text,
        "Official text, with a comma."
    );
    assert_eq!(external.text("OPS-12").unwrap().title, "Logs");
    let unmatched: Vec<(&str, &str)> = external
        .unmatched
        .iter()
        .map(|u| (u.id.as_str(), u.place.as_str()))
        .collect();
    assert_eq!(unmatched, [("XYZ-01", "line 4"), ("IDM-9", "line 5")]);
    assert!(external.unmatched[1].reason.contains("IDM-09"));
}

#[test]
fn csv_with_wrong_header_or_ragged_rows_names_the_line() {
    let file = file_with(b"code,name,description\nCRY-03,a,b\n");
    let message = ExternalCatalog::load(file.path(), builtin())
        .unwrap_err()
        .to_string();
    assert!(
        message.contains(":1:") && message.contains("id, title and text"),
        "{message}"
    );

    let file = file_with(b"id,title,text\nCRY-03,a,b\nCRY-04,only two\n");
    let message = ExternalCatalog::load(file.path(), builtin())
        .unwrap_err()
        .to_string();
    assert!(message.contains(":3:"), "names line 3: {message}");
}

#[test]
fn our_own_oscal_export_reads_back_completely() {
    let c5 = builtin();
    let json = c5.to_oscal_json("2026-01-01T00:00:00Z").unwrap();
    let file = file_with(json.as_bytes());
    let external = ExternalCatalog::load(file.path(), c5).unwrap();
    assert_eq!(external.format, ExternalFormat::OscalJson);
    assert_eq!(external.texts.len(), 121);
    assert!(external.unmatched.is_empty());
    assert_eq!(
        external.text("CRY-03").unwrap().text,
        c5.get("CRY-03").unwrap().summary.trim()
    );
}

#[test]
fn oscal_with_nested_controls_and_statement_parts() {
    let json = r#"{"catalog": {"uuid": "x", "groups": [{"id": "g", "groups": [{"id": "h",
        "controls": [{"id": "cry-03", "title": "T", "parts": [
            {"name": "overview", "prose": "ignored"},
            {"name": "statement", "prose": "Main.", "parts": [{"name": "item", "prose": "Sub."}]}],
          "controls": [{"id": "cry-03.1", "title": "Enhancement"}]}]}]}]}}"#;
    let file = file_with(json.as_bytes());
    let external = ExternalCatalog::load(file.path(), builtin()).unwrap();
    assert_eq!(external.text("CRY-03").unwrap().text, "Main.\n\nSub.");
    assert_eq!(external.unmatched.len(), 1);
    assert_eq!(
        external.unmatched[0].place,
        "/catalog/groups/0/groups/0/controls/0/controls/0"
    );
}

#[test]
fn malformed_oscal_is_named_by_line_or_pointer() {
    let file = file_with(b"{\"catalog\": {\n  \"groups\": [\n    {\"id\": 1,]\n}}");
    let error = ExternalCatalog::load(file.path(), builtin()).unwrap_err();
    assert!(
        matches!(error, CatalogError::Json { line: 3, .. }),
        "{error}"
    );

    let file = file_with(br#"{"catalog": {"groups": [{"controls": [{"title": "no id"}]}]}}"#);
    let message = ExternalCatalog::load(file.path(), builtin())
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("/catalog/groups/0/controls/0/id"),
        "{message}"
    );

    let file = file_with(br#"{"profile": {}}"#);
    let message = ExternalCatalog::load(file.path(), builtin())
        .unwrap_err()
        .to_string();
    assert!(message.contains("\"catalog\""), "{message}");

    let file = file_with(br#"{"catalog": {"groups": {"id": "not a list"}}}"#);
    let message = ExternalCatalog::load(file.path(), builtin())
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("/catalog/groups: expected an array"),
        "{message}"
    );
}

#[test]
fn deeply_nested_groups_are_refused_not_overflowed() {
    let depth = 5_000;
    let json = format!(
        "{{\"catalog\": {}{}}}",
        "{\"groups\": [".repeat(depth),
        "]}".repeat(depth)
    );
    let file = file_with(json.as_bytes());
    // serde_json stops at its recursion limit; either way: an error, not a crash.
    let error = ExternalCatalog::load(file.path(), builtin()).unwrap_err();
    assert!(
        matches!(
            error,
            CatalogError::Json { .. } | CatalogError::Shape { .. }
        ),
        "{error}"
    );
}

#[test]
fn invalid_utf8_and_missing_files_are_named() {
    let file = file_with(b"id,title,text\nCRY-03,\xff\xfe,b\n");
    let message = ExternalCatalog::load(file.path(), builtin())
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("not valid UTF-8") && message.contains("offset 21"),
        "{message}"
    );

    let message = ExternalCatalog::load("/nonexistent/official.csv".as_ref(), builtin())
        .unwrap_err()
        .to_string();
    assert!(message.contains("/nonexistent/official.csv"), "{message}");
}
