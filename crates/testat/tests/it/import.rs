//! CLI tests of `testat import` on the real producers' output kept in
//! crates/testat-import/tests/data (Checkov on `examples/`, Prowler OCSF made with
//! py-ocsf-models, Semgrep's SARIF): every output format, exit codes, mappings from
//! `testat.toml`, recording per tool scope, bad input recording nothing, and a Type 2
//! assessment over runs that mix Testat's scans and imported runs.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{in_dir, repo_root};

fn data(name: &str) -> PathBuf {
    repo_root()
        .join("crates/testat-import/tests/data")
        .join(name)
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn json_of(dir: &Path, now: &str, args: &[&str], code: i32) -> Value {
    let out = in_dir(dir, now, "alice").args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The import of `file` (JSON output, exit 1 expected), its first import.
fn imported(dir: &Path, file: &Path) -> Value {
    let doc = json_of(
        dir,
        "2026-03-01T10:00:00Z",
        &["import", arg(file), "--output-format", "json"],
        1,
    );
    assert_eq!(doc["kind"], "testat-import");
    doc["files"][0]["imports"][0].clone()
}

fn check<'a>(import: &'a Value, id: &str) -> &'a Value {
    import["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"]["id"] == id)
        .unwrap_or_else(|| panic!("no check {id}"))
}

#[test]
fn checkov_output_of_the_examples_is_mapped_to_criteria() {
    let dir = tempfile::tempdir().unwrap();
    let import = imported(dir.path(), &data("checkov-examples.json"));
    assert_eq!(import["tool"]["name"], "checkov");
    assert_eq!(import["tool"]["version"], "3.3.30");
    let findings = import["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 539);
    let mapped = import["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["c5_2020"].as_array().unwrap().is_empty())
        .count();
    assert!(mapped >= 90, "{mapped} checks mapped");
    // Place and remediation link are kept.
    let fail = findings.iter().find(|f| f["outcome"] == "fail").unwrap();
    assert_eq!(fail["place"]["kind"], "file");
    assert!(fail["place"]["start_line"].as_u64().unwrap() > 0);
    let ids: Vec<&str> = import["rule_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        ids.iter().all(|id| id.starts_with("checkov:CKV")),
        "{ids:?}"
    );
    // Unmapped checks are counted, not dropped.
    assert!(import["unmapped_findings"].as_u64().unwrap() > 0);
}

#[test]
fn every_output_format_names_the_tool_and_exit_codes_follow_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let now = "2026-03-01T10:00:00Z";
    let checkov = data("checkov-examples.json");
    for format in ["text", "json", "sarif", "junit"] {
        let file = d.join(format!("out.{format}"));
        let out = in_dir(d, now, "alice")
            .args(["import", arg(&checkov), "--output-format", format, "-o"])
            .arg(&file)
            .output()
            .unwrap();
        // Checkov's open-source output has no severities: its failures count.
        assert_eq!(out.status.code(), Some(1), "{format}");
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.contains("checkov:CKV_K8S_43"),
            "{format} lacks the rule ID"
        );
        assert!(text.contains("checkov"), "{format} lacks the tool");
        match format {
            "sarif" => drop(crate::support::validate("sarif", &file)),
            "junit" => drop(crate::support::validate("junit", &file)),
            "text" => assert!(text.contains("Unmapped checks"), "{text}"),
            _ => {}
        }
    }
    // Prowler's only high failure is muted; the others are medium: exit 0 at high,
    // 1 at medium. MANUAL is unknown, never a pass.
    let prowler = data("prowler-aws.ocsf.json");
    let run = |fail_on: &str| {
        in_dir(d, now, "alice")
            .args([
                "import",
                arg(&prowler),
                "--output-format",
                "json",
                "--fail-on",
                fail_on,
            ])
            .output()
            .unwrap()
    };
    let medium = run("medium");
    assert_eq!(medium.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&medium.stdout).unwrap();
    let import = &doc["files"][0]["imports"][0];
    let outcomes: Vec<&str> = import["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["outcome"].as_str().unwrap())
        .collect();
    assert!(outcomes.contains(&"unknown") && outcomes.contains(&"excepted"));
    let critical = run("critical");
    assert_eq!(
        critical.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&critical.stdout)
    );
}

#[test]
fn mappings_in_testat_toml_override_and_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("testat.toml"),
        "[[mapping]]\ntool = \"checkov\"\ncheck = \"CKV_K8S_4?\"\ncriteria = [\"CRY-03\"]\n",
    )
    .unwrap();
    let import = imported(d, &data("checkov-examples.json"));
    assert_eq!(check(&import, "CKV_K8S_43")["c5_2020"][0], "CRY-03");

    std::fs::write(
        d.join("testat.toml"),
        "[[mapping]]\ntool = \"checkov\"\ncheck = \"CKV_AWS_*\"\ncriteria = [\"CRY-33\"]\n",
    )
    .unwrap();
    let out = in_dir(d, "2026-03-01T10:00:00Z", "alice")
        .args(["import", arg(&data("checkov-examples.json"))])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("testat.toml: [[mapping]] 1 (checkov CKV_AWS_*)") && err.contains("CRY-33"),
        "{err}"
    );

    // --unmapped prints entries that testat.toml takes back.
    std::fs::remove_file(d.join("testat.toml")).unwrap();
    let out = in_dir(d, "2026-03-01T10:00:00Z", "alice")
        .args(["import", arg(&data("prowler-aws.ocsf.json")), "--unmapped"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let toml_text = String::from_utf8(out.stdout).unwrap();
    assert!(
        toml_text.contains("ec2_elastic_ip_unassigned"),
        "{toml_text}"
    );
    let parsed: toml::Table = toml::from_str(&toml_text).unwrap();
    assert!(!parsed["mapping"].as_array().unwrap().is_empty());
}

#[test]
fn recorded_imports_keep_tool_version_and_hashes_in_scopes_per_tool() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let now = "2026-03-01T10:00:00Z";
    in_dir(d, now, "alice").arg("init").assert().success();

    // A file that is none of the formats: exit 2, and the good file beside it is not
    // recorded either.
    std::fs::write(d.join("bad.json"), "{\"hello\": 1}").unwrap();
    let out = in_dir(d, now, "alice")
        .args([
            "import",
            arg(&data("checkov-examples.json")),
            "bad.json",
            "--record",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.json"));
    assert_eq!(
        json_of(d, now, &["runs", "list", "--format", "json"], 0),
        Value::Array(vec![])
    );

    let out = in_dir(d, now, "alice")
        .args(["import", "--record"])
        .args([
            data("checkov-examples.json"),
            data("prowler-aws.ocsf.json"),
            data("semgrep.sarif"),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let runs = json_of(d, now, &["runs", "list", "--format", "json"], 0);
    let runs = runs.as_array().unwrap();
    let scopes: Vec<&str> = runs.iter().map(|r| r["scope"].as_str().unwrap()).collect();
    assert_eq!(scopes, ["checkov", "prowler:123456789012", "sarif:semgrep"]);
    assert_eq!(runs[0]["source"]["tool"], "checkov");
    assert_eq!(runs[0]["source"]["version"], "3.3.30");
    assert_eq!(runs[1]["source"]["tool"], "Prowler");
    let shown = json_of(d, now, &["runs", "show", "1", "--format", "json"], 0);
    let sha = sha256_hex(&std::fs::read(data("checkov-examples.json")).unwrap());
    assert_eq!(shown["inputs"][0]["sha256"], sha);
    assert_eq!(shown["inputs"][0]["kind"], "checkov");
    let text = in_dir(d, now, "alice")
        .args(["runs", "show", "2"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("imported from Prowler"));

    // Status counts imported failures under their criteria.
    let status = json_of(d, now, &["status", "--format", "json"], 0);
    assert!(
        status.to_string().contains("checkov:CKV"),
        "status: {status}"
    );
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
