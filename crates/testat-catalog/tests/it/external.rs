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

/// A small library in the shape CISO Assistant uses for its frameworks; the
/// descriptions are our own placeholder sentences, not the BSI's text.
const CISO_ASSISTANT_2026: &str = r#"urn: urn:example:risk:library:c5-test
locale: en
ref_id: C5-TEST
name: Test library
objects:
  framework:
    urn: urn:example:risk:framework:c5-test
    ref_id: C5-TEST
    name: Test framework
    requirement_nodes:
    - urn: urn:example:risk:req_node:c5-test:crypto
      assessable: false
      depth: 1
      name: Cryptography
    - urn: urn:example:risk:req_node:c5-test:cry-03
      assessable: true
      depth: 2
      parent_urn: urn:example:risk:req_node:c5-test:crypto
      ref_id: CRY-03
      name: Encryption of data at rest
      description: "BASIC CRITERIA\nCRY-03.01B\nPlaceholder about stored data.\nIt runs over two lines.\nCRY-03.02B\nPlaceholder about keys.\n\nADDITIONAL (SHARPENING)\n–\n\nSUPPLEMENTARY INFORMATION\nCRY-03.01B mentioned again in a note."
    - urn: urn:example:risk:req_node:c5-test:cry-03.02b
      assessable: true
      depth: 3
      parent_urn: urn:example:risk:req_node:c5-test:cry-03
      ref_id: cry-03.02b
      name: Own node for a sub-criterion
      description: Placeholder given on its own node.
    - urn: urn:example:risk:req_node:c5-test:idm-01
      assessable: true
      depth: 2
      ref_id: IDM-01
      name: Old domain code
      description: Placeholder.
    - urn: urn:example:risk:req_node:c5-test:no-id
      assessable: true
      depth: 2
      name: A node without ref_id is skipped
"#;

#[test]
fn ciso_assistant_library_is_read_with_criteria_and_subcriteria() {
    let c5 = testat_catalog::builtin_version(testat_catalog::C5Version::V2026);
    let file = file_with(CISO_ASSISTANT_2026.as_bytes());
    let external = ExternalCatalog::load(file.path(), c5).unwrap();
    assert_eq!(external.format, ExternalFormat::CisoAssistant);
    let cry03 = external.text("CRY-03").unwrap();
    assert_eq!(cry03.title, "Encryption of data at rest");
    assert_eq!(cry03.place, "/objects/framework/requirement_nodes/1");
    assert!(cry03.text.starts_with("BASIC CRITERIA"));
    // Taken from inside the criterion's text, up to the next ID or heading.
    let sub = external.text("CRY-03.01B").unwrap();
    assert_eq!(
        sub.text,
        "Placeholder about stored data.\nIt runs over two lines."
    );
    assert_eq!(
        sub.place,
        "/objects/framework/requirement_nodes/1, at CRY-03.01B"
    );
    // A node of its own wins over the text inside the criterion.
    let own = external.text("CRY-03.02B").unwrap();
    assert_eq!(own.text, "Placeholder given on its own node.");
    assert_eq!(own.place, "/objects/framework/requirement_nodes/2");
    let unmatched: Vec<(&str, &str)> = external
        .unmatched
        .iter()
        .map(|u| (u.id.as_str(), u.reason.as_str()))
        .collect();
    assert_eq!(unmatched.len(), 1, "{unmatched:?}");
    assert_eq!(unmatched[0].0, "IDM-01");
    assert!(
        unmatched[0]
            .1
            .starts_with("not a C5:2026 criterion or sub-criterion"),
        "{unmatched:?}"
    );
    assert_eq!(external.texts.len(), 3);
}

#[test]
fn ciso_assistant_library_for_2020_matches_criteria() {
    let source = CISO_ASSISTANT_2026
        .replace("cry-03.02b", "cry-03")
        .replace("IDM-01", "OPS-12");
    let file = file_with(source.as_bytes());
    let external = ExternalCatalog::load(file.path(), builtin()).unwrap();
    assert_eq!(external.format, ExternalFormat::CisoAssistant);
    assert!(external.text("OPS-12").is_some());
    // No sub-criteria in C5:2020: the IDs inside the text are left alone.
    assert!(external.text("CRY-03.01B").is_none());
    // The second CRY-03 node is reported, not silently dropped.
    assert_eq!(external.unmatched.len(), 1);
    assert!(external.unmatched[0].reason.contains("appears again"));
}

#[test]
fn broken_ciso_assistant_libraries_are_named() {
    let file = file_with(b"objects:\n  framework:\n    requirement_nodes: [\n");
    let message = ExternalCatalog::load(file.path(), builtin())
        .unwrap_err()
        .to_string();
    assert!(
        message.contains(&format!("{}:", file.path().display())),
        "{message}"
    );

    let file = file_with(b"objects:\n  framework:\n    name: x\n");
    let message = ExternalCatalog::load(file.path(), builtin())
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("/objects/framework/requirement_nodes"),
        "{message}"
    );

    let file = file_with(
        b"objects:\n  framework:\n    requirement_nodes:\n    - ref_id: CRY-03\n      description: [1]\n",
    );
    let message = ExternalCatalog::load(file.path(), builtin())
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("/objects/framework/requirement_nodes/0/description: expected a string"),
        "{message}"
    );
}

#[test]
fn csv_with_subcriteria_for_2026() {
    let c5 = testat_catalog::builtin_version(testat_catalog::C5Version::V2026);
    let file =
        file_with(b"id,title,text\nCRY-03,T,Text.\ncry-03.01b,,Sub text.\nCRY-03.09B,,Nope\n");
    let external = ExternalCatalog::load(file.path(), c5).unwrap();
    assert_eq!(external.format, ExternalFormat::Csv);
    assert_eq!(external.text("CRY-03.01B").unwrap().text, "Sub text.");
    assert_eq!(external.unmatched.len(), 1);
    assert!(
        external.unmatched[0].reason.contains("nearest: CRY-03.01B"),
        "{:?}",
        external.unmatched
    );
}
