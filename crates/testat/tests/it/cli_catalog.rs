//! `testat catalog …` and the general command-line contract.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use crate::support::{testat, validate};
use predicates::prelude::*;
use serde_json::Value;

fn json_of(args: &[&str]) -> Value {
    let output = testat()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&output).unwrap()
}

fn stdout_of(args: &[&str]) -> String {
    let output = testat()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(output).unwrap()
}

#[test]
fn list_json_has_121_criteria_in_17_domains() {
    let doc = json_of(&["catalog", "list", "--format", "json"]);
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["criteria"].as_array().unwrap().len(), 121);
    assert_eq!(doc["domains"].as_array().unwrap().len(), 17);
    let total: u64 = doc["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["criteria"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 121);
}

#[test]
fn list_filters_by_domain_tag_and_automation() {
    let doc = json_of(&["catalog", "list", "--domain", "ops", "--format", "json"]);
    assert_eq!(doc["criteria"].as_array().unwrap().len(), 24);

    let doc = json_of(&["catalog", "list", "--tag", "encryption", "--format", "json"]);
    let ids: Vec<&str> = doc["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"CRY-03"), "{ids:?}");
    assert!(doc["criteria"].as_array().unwrap().iter().all(|c| {
        c["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "encryption")
    }));

    let doc = json_of(&[
        "catalog",
        "list",
        "--automation",
        "automated",
        "--format",
        "json",
    ]);
    assert!(
        doc["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["automation"] == "automated")
    );
}

#[test]
fn list_table_of_one_domain() {
    insta::assert_snapshot!(stdout_of(&["catalog", "list", "--domain", "CRY"]));
}

#[test]
fn list_csv_is_parseable_with_one_row_per_criterion() {
    let text = stdout_of(&["catalog", "list", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "id",
            "domain",
            "title",
            "additional_criterion",
            "automation",
            "tags",
            "summary",
            "customer_part"
        ]
    );
    assert_eq!(reader.records().count(), 121);
}

#[test]
fn unknown_domain_or_tag_is_a_usage_error_with_a_hint() {
    testat()
        .args(["catalog", "list", "--domain", "XX"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("unknown domain `XX`")
                .and(predicate::str::contains("OIS, SP")),
        );
    testat()
        .args(["catalog", "list", "--tag", "crypto"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("unknown tag `crypto`")
                .and(predicate::str::contains("encryption")),
        );
}

#[test]
fn show_one_criterion() {
    // A criterion no rule tests, so that the snapshot does not move with the rule library.
    insta::assert_snapshot!(stdout_of(&["catalog", "show", "inq-02"]));
}

#[test]
fn show_json() {
    let doc = json_of(&["catalog", "show", "OPS-12", "--format", "json"]);
    assert_eq!(doc["criterion"]["id"], "OPS-12");
    assert_eq!(doc["criterion"]["domain_name"], "Operations");
}

#[test]
fn show_unknown_id_suggests_the_nearest() {
    testat()
        .args(["catalog", "show", "IDM-9"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: unknown criterion `IDM-9`; did you mean `IDM-09`?\n");
    testat()
        .args(["catalog", "show", "CYR-03"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean one of `CRY-03`"));
}

#[test]
fn search_ranks_results() {
    insta::assert_snapshot!(stdout_of(&[
        "catalog",
        "search",
        "key",
        "management",
        "--limit",
        "3"
    ]));
    let doc = json_of(&["catalog", "search", "backup", "--format", "json"]);
    let first = &doc["results"][0];
    assert!(
        first["id"].as_str().unwrap().starts_with("OPS-0"),
        "{first}"
    );
    assert!(doc["total"].as_u64().unwrap() >= 3);
}

#[test]
fn search_without_matches_says_so() {
    testat()
        .args(["catalog", "search", "xylophone"])
        .assert()
        .success()
        .stdout("No criterion matches \"xylophone\".\n");
}

#[test]
fn oscal_export_is_accepted_by_a_real_oscal_consumer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c5.json");
    testat()
        .args(["catalog", "export", "--format", "oscal-json", "--output"])
        .arg(&path)
        .assert()
        .success()
        .stdout("");
    let doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let groups = doc["catalog"]["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 17);
    let controls: usize = groups
        .iter()
        .map(|g| g["controls"].as_array().unwrap().len())
        .sum();
    assert_eq!(controls, 121);
    assert_eq!(doc["catalog"]["metadata"]["oscal-version"], "1.1.2");
    validate("oscal-catalog", &path);
}

#[test]
fn external_csv_catalogue_is_shown_beside_our_summary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("official.csv");
    std::fs::write(
        &path,
        "id,title,text\nCRY-03,Encryption of sensitive data for storage,The official wording would stand here.\nXYZ-99,Stray,Not a criterion\n",
    )
    .unwrap();
    testat()
        .arg("--catalog")
        .arg(&path)
        .args(["catalog", "show", "CRY-03"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "The official wording would stand here.",
        ))
        .stdout(predicate::str::contains("What it asks (Testat's summary)"))
        .stderr(predicate::str::contains(
            "XYZ-99 at line 3: not a C5:2020 criterion",
        ));
    // The environment variable works like the option.
    testat()
        .env("TESTAT_CATALOG", &path)
        .args(["catalog", "show", "CRY-04"])
        .assert()
        .success()
        .stdout(predicate::str::contains("has no entry for CRY-04"));
}

#[test]
fn malformed_external_catalogue_is_an_input_error_naming_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(&path, "{\"catalog\": {\"groups\": [}\n").unwrap();
    testat()
        .arg("--catalog")
        .arg(&path)
        .args(["catalog", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.json:1:").and(predicate::str::contains("hint:")));
}

#[test]
fn completions_version_help_and_usage_errors() {
    for shell in ["bash", "zsh", "fish"] {
        testat()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("catalog"));
    }
    testat()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("testat "));
    testat()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("C5:2020"));
    testat()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Usage"));
    testat().args(["catalog", "frobnicate"]).assert().code(2);
}

#[test]
fn colours_only_when_asked_or_on_a_terminal() {
    let plain = stdout_of(&["catalog", "show", "CRY-03"]);
    assert!(!plain.contains('\u{1b}'), "no escape codes when piped");
    let output = testat()
        .args(["--color", "always", "catalog", "show", "CRY-03"])
        .env_remove("NO_COLOR")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(output).unwrap().contains('\u{1b}'));
}

#[test]
fn testat_toml_can_name_the_external_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("official.csv"),
        "id,title,text\nOPS-12,Logging,Text from the configured file.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("testat.toml"),
        "[catalog]\nexternal = \"official.csv\"\n",
    )
    .unwrap();
    testat()
        .current_dir(dir.path())
        .args(["catalog", "show", "OPS-12"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Text from the configured file."));
}
