//! CLI test of `testat status`: a store built by the CLI with a fixed clock, then the
//! roll-up read back as JSON.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::path::Path;

use serde_json::Value;

/// `testat` in `dir`, with the clock at `now`.
fn at(dir: &Path, now: &str) -> assert_cmd::Command {
    crate::support::in_dir(dir, now, "alice")
}

const BEFORE: &str = "2026-03-01T10:00:00Z";

fn status_json(dir: &Path, now: &str, args: &[&str]) -> Value {
    let out = at(dir, now)
        .arg("status")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn find<'a>(list: &'a Value, id: &str) -> &'a Value {
    list["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["criterion"] == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

fn reasons(c: &Value) -> Vec<String> {
    c["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn status_rolls_up_scans_attestations_and_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    at(dir.path(), BEFORE).arg("init").assert().success();
    // The examples have known failures: the scan exits 1 but records the run.
    at(dir.path(), BEFORE)
        .arg("scan")
        .arg(&examples)
        .arg("--record")
        .assert()
        .code(1);
    at(dir.path(), BEFORE)
        .args([
            "attest",
            "OIS-01",
            "--status",
            "implemented",
            "--statement",
            "ISMS certified",
        ])
        .args(["--owner", "CISO", "--next-review", "2026-06-30"])
        .assert()
        .success();
    at(dir.path(), BEFORE)
        .args([
            "evidence",
            "add",
            "--note",
            "ISO 27001 certificate",
            "--criterion",
            "OIS-01",
        ])
        .args(["--valid-until", "2026-04-30"])
        .assert()
        .success();
    at(dir.path(), BEFORE)
        .args([
            "attest",
            "OIS-02",
            "--status",
            "not-applicable",
            "--statement",
            "no such duty",
        ])
        .args(["--owner", "CISO"])
        .assert()
        .success();

    // While the evidence is valid and the review not due.
    let list = status_json(dir.path(), BEFORE, &[]);
    let ois01 = find(&list, "OIS-01");
    assert_eq!(ois01["status"], "met", "{ois01}");
    assert_eq!(find(&list, "OIS-02")["status"], "not applicable");
    assert_eq!(find(&list, "OIS-03")["status"], "not assessed");
    let cry03 = find(&list, "CRY-03");
    assert_eq!(cry03["status"], "not met");
    assert!(
        reasons(cry03)
            .iter()
            .any(|r| r.contains("AWS-S3-ENCRYPTION failed on aws_s3_bucket.access_logs")),
        "{cry03}"
    );
    assert!(list["counts"]["not met"].as_u64().unwrap() >= 1);

    // --domain keeps one domain.
    let cry = status_json(dir.path(), BEFORE, &["--domain", "cry"]);
    assert!(
        cry["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["domain"] == "CRY")
    );

    // Later: the evidence has expired and the review is overdue.
    let later = status_json(dir.path(), "2026-07-15T10:00:00Z", &["OIS-01"]);
    assert_eq!(later["criterion"], "OIS-01");
    assert_eq!(later["status"], "partly met", "{later}");
    let why = reasons(&later);
    assert!(
        why.iter().any(|r| r == "evidence 1 expired on 2026-04-30"),
        "{why:?}"
    );
    assert!(
        why.iter().any(|r| r == "review overdue since 2026-06-30"),
        "{why:?}"
    );
}

#[test]
fn status_of_an_unknown_criterion_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    at(dir.path(), BEFORE).arg("init").assert().success();
    at(dir.path(), BEFORE)
        .args(["status", "XYZ-99"])
        .assert()
        .code(2);
}
