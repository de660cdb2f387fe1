//! `testat scan` and `testat rules`: the exit-code contract, outputs, exceptions and
//! bad input, on the bundled examples and on files made by the tests.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::collections::BTreeSet;
use std::path::Path;

use crate::support::{in_dir, repo_root, testat, validate};
use predicates::prelude::*;
use serde_json::Value;

fn scan_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let output = testat()
        .current_dir(dir)
        .arg("scan")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap(), json)
}

fn failing(report: &Value) -> BTreeSet<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["outcome"] == "fail")
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["resource"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The failing findings the examples are built to show: every
/// `examples/<provider>/expected-failures.txt` (lines `RULE-ID ADDRESS`, `#` comments).
fn expected_example_failures() -> BTreeSet<(String, String)> {
    let mut expected = BTreeSet::new();
    for entry in std::fs::read_dir(repo_root().join("examples")).unwrap() {
        let path = entry.unwrap().path().join("expected-failures.txt");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for line in text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let (rule, address) = line
                .split_once(' ')
                .unwrap_or_else(|| panic!("{}: `{line}`", path.display()));
            assert!(
                expected.insert((rule.to_owned(), address.trim().to_owned())),
                "{}: `{line}` is listed twice",
                path.display()
            );
        }
    }
    expected
}

#[test]
fn bundled_examples_show_exactly_the_misconfigurations_they_were_built_for() {
    let (code, report) = scan_json(&repo_root(), &["examples"]);
    assert_eq!(code, 1, "critical failures make the scan fail");
    let expected = expected_example_failures();
    assert!(
        expected.len() >= 5,
        "the examples show several misconfigurations"
    );
    assert_eq!(failing(&report), expected);
    for outcome in ["error", "unknown"] {
        let odd: Vec<&Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["outcome"] == outcome)
            .collect();
        assert!(
            odd.is_empty(),
            "no {outcome} findings in the examples: {odd:?}"
        );
    }
    assert!(report["problems"].as_array().unwrap().is_empty());
}

#[test]
fn text_report_names_domain_criteria_places_and_fixes() {
    let assert = testat()
        .current_dir(repo_root())
        .args(["scan", "examples"])
        .assert()
        .code(1);
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    for needle in [
        "COS",
        "Communication Security",
        "aws_security_group.admin",
        "examples/aws/shop.plan.json",
        "AWS-SG-ADMIN-PORTS-OPEN",
        "0.0.0.0/0",
    ] {
        assert!(
            out.contains(needle),
            "text output mentions {needle}:\n{out}"
        );
    }
    assert!(!out.contains('\u{1b}'), "no colours when piped");
}

#[test]
fn fail_on_threshold_decides_the_exit_code() {
    let root = repo_root();
    // Without the rules that fail at high or critical in the AWS example, only medium
    // failures remain.
    let without_high = [
        "scan",
        "examples/aws",
        "--skip-rule",
        "AWS-SG-ADMIN-PORTS-OPEN",
        "--skip-rule",
        "AWS-EKS-API-PRIVATE",
        "--skip-rule",
        "AWS-IAM-CREDENTIAL-HANDLING",
    ];
    // Exit 0 at the default threshold (high) ...
    testat()
        .current_dir(&root)
        .args(without_high)
        .assert()
        .code(0);
    // ... and 1 when medium failures count.
    testat()
        .current_dir(&root)
        .args(without_high)
        .args(["--fail-on", "medium"])
        .assert()
        .code(1);
    // Critical failures fail even at the highest threshold.
    testat()
        .current_dir(&root)
        .args(["scan", "examples/aws", "--fail-on", "critical"])
        .assert()
        .code(1);
}

#[test]
fn criteria_filter_selects_rules_and_refuses_unknown_ids() {
    let (code, report) = scan_json(&repo_root(), &["examples", "--criteria", "cry-03"]);
    assert_eq!(code, 1);
    let rules = report["rules"].as_array().unwrap();
    assert!(rules.len() >= 3, "{rules:?}");
    for rule in rules {
        let criteria = rule["criteria"].as_array().unwrap();
        assert!(criteria.iter().any(|c| c == "CRY-03"), "{rule}");
    }
    let ids: BTreeSet<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(
        ids.contains("TC-COS-ENCRYPTION") && ids.contains("AWS-S3-ENCRYPTION"),
        "{ids:?}"
    );
    assert!(!ids.contains("K8S-NO-PRIVILEGED"));

    testat()
        .current_dir(repo_root())
        .args(["scan", "examples", "--criteria", "CRY-3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `CRY-03`?"));
    testat()
        .current_dir(repo_root())
        .args(["scan", "examples", "--skip-rule", "AWS-S3-VERSIONIN"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("AWS-S3-VERSIONING"));
}

#[test]
fn exceptions_except_until_they_expire_and_then_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo_root().join("examples/aws/shop.plan.json"),
        dir.path().join("plan.json"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("testat.toml"),
        r#"
[scan]
fail_on = "medium"

[[exception]]
rule = "AWS-SG-ADMIN-PORTS-OPEN"
resource = "aws_security_group.admin"
justification = "Break-glass access during the migration; closed by ticket OPS-4711."
approved_by = "CISO"
risk_owner = "Head of Platform"
expires = 2026-12-31

[[exception]]
rule = "AWS-S3-*"
resource = "aws_s3_bucket.access_logs"
justification = "Log bucket; versioning was waived for the pilot."
approved_by = "CISO"
expires = "2026-06-30"
"#,
    )
    .unwrap();
    let output = testat()
        .current_dir(dir.path())
        .env("TESTAT_NOW", "2026-11-28T10:00:00Z")
        .args(["scan", "plan.json", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "the expired exception no longer covers the bucket"
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let outcome_of = |rule: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule && f["outcome"] != "pass")
            .map(|f| f["outcome"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        outcome_of("AWS-SG-ADMIN-PORTS-OPEN").as_deref(),
        Some("excepted")
    );
    assert_eq!(outcome_of("AWS-S3-VERSIONING").as_deref(), Some("fail"));
    let exceptions = report["exceptions"].as_array().unwrap();
    assert_eq!(exceptions.len(), 2);
    assert_eq!(exceptions[0]["active"], true);
    assert_eq!(exceptions[1]["active"], false);

    // In January the first one has lapsed as well.
    let text = testat()
        .current_dir(dir.path())
        .env("TESTAT_NOW", "2027-01-02T10:00:00Z")
        .args(["scan", "plan.json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("expired"), "{text}");
}

#[test]
fn malformed_config_is_named_with_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("testat.toml"),
        "[scan]\nfail_on = \"sometimes\"\n",
    )
    .unwrap();
    testat()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("testat.toml:2:"));
}

#[test]
fn one_bad_file_does_not_hide_the_findings_of_the_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo_root().join("examples/kubernetes/shop.yaml"),
        dir.path().join("shop.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.json"),
        "{\"format_version\": \"1.2\", \"resource_changes\": [\n  {\"address\": }\n]}",
    )
    .unwrap();
    let (code, report) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 2, "an unreadable input is an input error");
    assert!(failing(&report).contains(&(
        "K8S-NO-PRIVILEGED".to_owned(),
        "DaemonSet/logging/log-shipper".to_owned()
    )));
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    let message = problems[0]["message"].as_str().unwrap();
    assert!(
        message.contains("broken.json") && message.contains(":2:"),
        "{message}"
    );
}

#[test]
fn standard_input_is_read() {
    let manifest = std::fs::read(repo_root().join("examples/kubernetes/shop.yaml")).unwrap();
    testat()
        .args(["scan", "-"])
        .write_stdin(manifest)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("DaemonSet/logging/log-shipper"));
}

#[test]
fn missing_path_is_an_input_error() {
    testat()
        .args(["scan", "does-not-exist.json"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("does-not-exist.json"));
}

#[test]
fn broken_user_rules_are_reported_with_file_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad-cel.yaml"),
        "id: ACME-ONE\ntitle: t\nseverity: low\ncriteria: [AM-01]\nprovider: aws\nresources: [aws_s3_bucket]\ncondition: has(resource.tags) &&\nmessage: m\nremediation: r\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bad-criterion.yaml"),
        "id: ACME-TWO\ntitle: t\nseverity: low\ncriteria: [AM-1]\nprovider: aws\nresources: [aws_s3_bucket]\ncondition: \"true\"\nmessage: m\nremediation: r\n",
    )
    .unwrap();
    testat()
        .current_dir(repo_root())
        .args(["scan", "examples", "--rules"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("2 rule files could not be loaded"))
        .stderr(predicate::str::contains("bad-cel.yaml: rule ACME-ONE: `condition` is not valid CEL"))
        .stderr(predicate::str::contains("bad-criterion.yaml: rule ACME-TWO: `criteria`: unknown criterion `AM-1`; did you mean `AM-01`?"));
}

#[test]
fn user_rules_run_beside_the_built_in_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("owner-tag.yaml"),
        r#"id: ACME-OWNER-TAG
title: Buckets carry an owner tag
severity: high
criteria: [AM-01]
provider: aws
resources: [aws_s3_bucket]
condition: has(resource.tags) && "owner" in resource.tags && resource.tags.owner == "shop-team"
message: no owner
remediation: tag it
"#,
    )
    .unwrap();
    let (_, report) = scan_json(
        &repo_root(),
        &["examples/aws", "--rules", dir.path().to_str().unwrap()],
    );
    let acme: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "ACME-OWNER-TAG")
        .collect();
    assert_eq!(acme.len(), 3, "three buckets");
    assert!(acme.iter().all(|f| f["outcome"] == "pass"));
}

#[test]
fn machine_formats_are_accepted_by_real_consumers() {
    let dir = tempfile::tempdir().unwrap();
    for (format, kind, file) in [
        ("sarif", "sarif", "scan.sarif"),
        ("junit", "junit", "scan.xml"),
        ("json", "scan-json", "scan.json"),
    ] {
        let path = dir.path().join(file);
        testat()
            .current_dir(repo_root())
            .args(["scan", "examples", "--format", format, "--output"])
            .arg(&path)
            .assert()
            .code(1)
            .stdout("");
        validate(kind, &path);
    }
}

#[test]
fn builtin_rules_pass_their_own_fixtures() {
    testat()
        .args(["rules", "test"])
        .assert()
        .success()
        .stdout(predicate::str::contains(" 0 failed"));
}

#[test]
fn rules_test_reports_a_fixture_that_lies() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("lying.yaml"),
        r#"id: ACME-LIAR
title: Containers are not privileged
severity: high
criteria: [OPS-23]
provider: kubernetes
resources: ["@workloads"]
condition: containers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || !c.securityContext.privileged)
message: privileged
remediation: unset it
tests:
  - name: labelled wrongly
    content: |
      apiVersion: v1
      kind: Pod
      metadata: {name: p}
      spec:
        containers:
          - name: c
            image: busybox:1.36
            securityContext: {privileged: true}
    expect:
      Pod/p: pass
"#,
    )
    .unwrap();
    testat()
        .args(["rules", "test"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "ACME-LIAR test `labelled wrongly`",
        ))
        .stdout(predicate::str::contains("`Pod/p`: expected pass, got fail"))
        .stdout(predicate::str::contains("has no failing fixture"));
}

#[test]
fn rules_list_and_show() {
    testat()
        .args(["rules", "list", "--criterion", "ops-06"])
        .assert()
        .success()
        .stdout(predicate::str::contains("AWS-S3-VERSIONING"))
        .stdout(predicate::str::contains("K8S-NO-PRIVILEGED").not());
    testat()
        .args(["rules", "show", "aws-s3-versioning"])
        .assert()
        .success()
        .stdout(predicate::str::contains("aws_s3_bucket_versioning"))
        .stdout(predicate::str::contains("OPS-06"));
    testat().args(["rules", "show", "NOPE"]).assert().code(2);
}

#[test]
fn every_criterion_flagged_automated_has_a_rule() {
    let output = testat()
        .args(["rules", "coverage", "--check", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let missing: Vec<&str> = report["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["automation"] == "automated" && c["rules"].as_array().unwrap().is_empty())
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(
        missing.is_empty(),
        "automated criteria without a rule: {missing:?}"
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(
        report["rules"].as_u64().unwrap() >= 60,
        "the library has at least 60 rules"
    );
}

#[test]
fn the_rule_reference_page_is_up_to_date() {
    let generated = testat().args(["rules", "docs"]).output().unwrap().stdout;
    let generated = String::from_utf8(generated).unwrap();
    let committed =
        std::fs::read_to_string(repo_root().join("docs/rules-reference.md")).unwrap_or_default();
    assert!(
        generated == committed,
        "docs/rules-reference.md differs from the rules; regenerate it with \
         `cargo run -- rules docs --output docs/rules-reference.md`"
    );
}

#[test]
fn catalog_show_lists_the_rules_that_test_a_criterion() {
    testat()
        .args(["catalog", "show", "OPS-06"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Rules that test it"))
        .stdout(predicate::str::contains("AWS-S3-VERSIONING"));
    testat()
        .args(["catalog", "show", "HR-01"])
        .assert()
        .success()
        .stdout(predicate::str::contains("none; evidence or an attestation"));
}

#[test]
fn rule_parameters_and_the_account_baseline_change_outcomes_and_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo_root().join("examples/aws/shop.plan.json"),
        dir.path().join("plan.json"),
    )
    .unwrap();
    let rds = (
        "AWS-RDS-BACKUP-RETENTION".to_owned(),
        "aws_db_instance.orders".to_owned(),
    );
    // The orders database keeps backups 14 days: enough for the default of 7.
    let (_, report) = scan_json(dir.path(), &["plan.json"]);
    assert!(!failing(&report).contains(&rds));

    std::fs::write(
        dir.path().join("testat.toml"),
        "[rules.AWS-RDS-BACKUP-RETENTION]\nmin_days = 30\n",
    )
    .unwrap();
    let (_, report) = scan_json(dir.path(), &["plan.json"]);
    assert!(failing(&report).contains(&rds), "30 days are asked for");

    in_dir(dir.path(), "2026-11-28T09:00:00Z", "ci")
        .arg("init")
        .assert()
        .success();
    in_dir(dir.path(), "2026-11-28T10:00:00Z", "ci")
        .args(["scan", "plan.json", "--record", "--format", "json"])
        .assert()
        .code(1);
    let output = in_dir(dir.path(), "2026-11-28T11:00:00Z", "ci")
        .args(["assess", "--type", "1", "--format", "json"])
        .output()
        .unwrap();
    let assessment: Value = serde_json::from_slice(&output.stdout).unwrap();
    let applied: Vec<&Value> = assessment["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["rules"].as_array().unwrap())
        .filter(|r| r["id"] == "AWS-RDS-BACKUP-RETENTION")
        .map(|r| &r["parameters"])
        .collect();
    assert!(!applied.is_empty());
    assert!(
        applied
            .iter()
            .all(|p| **p == serde_json::json!(["min_days = 30"])),
        "{applied:?}"
    );

    std::fs::write(
        dir.path().join("testat.toml"),
        "[rules.AWS-RDS-BACKUP-RETENTION]\nmin_days = \"30\"\n",
    )
    .unwrap();
    testat()
        .current_dir(dir.path())
        .args(["scan", "plan.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("testat.toml").and(predicate::str::contains("min_days")));
}

#[test]
fn account_level_rules_are_unknown_unless_the_input_is_the_account_baseline() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo_root().join("rules/aws/fixtures/no-account-resources.plan.json"),
        dir.path().join("plan.json"),
    )
    .unwrap();
    let outcome = |report: &Value| -> BTreeSet<String> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "AWS-CLOUDTRAIL-ALL-REGIONS")
            .map(|f| f["outcome"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, report) = scan_json(dir.path(), &["plan.json"]);
    assert_eq!(outcome(&report), BTreeSet::from(["unknown".to_owned()]));
    let (code, report) = scan_json(dir.path(), &["plan.json", "--account-baseline", "aws"]);
    assert_eq!(outcome(&report), BTreeSet::from(["fail".to_owned()]));
    assert_eq!(code, 1);
    testat()
        .current_dir(dir.path())
        .args(["scan", "plan.json", "--account-baseline", "amazon"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("amazon"));
}
