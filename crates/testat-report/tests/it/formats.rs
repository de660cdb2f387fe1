#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

//! Every format, rendered from a report built from real parts (readers, rule engine,
//! exceptions), locked by snapshots and handed to real consumers of the format.

use std::path::PathBuf;

use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::Value;
use testat_inputs::{InputSet, ReadOptions};
use testat_report::{ReportError, ScanFormat, ScanReport, render, summary};
use testat_rules::{
    Exception, ExceptionUse, Finding, Outcome, RuleOrigin, RuleSet, Severity, apply_exceptions,
    evaluate,
};

use testat_test_support::{validate, validate_rejects};

const K8S_RULE: &str = r#"
id: K8S-NO-PRIVILEGED
title: Containers do not run privileged
severity: high
criteria: [OPS-23, IDM-06]
provider: kubernetes
resources: ["@workloads"]
condition: >
  containers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged)
  || !c.securityContext.privileged)
message: A container runs privileged.
remediation: |
  Remove `privileged: true` from the container's securityContext:

      securityContext:
        privileged: false
"#;

const ACL_RULE: &str = r#"
id: TF-S3-PRIVATE-ACL
title: Buckets are not public through their ACL
severity: medium
criteria: [IDM-07]
provider: aws
resources: [aws_s3_bucket]
unknown_if: [acl]
condition: '!has(resource.acl) || resource.acl == "private"'
message: The bucket's ACL makes it readable by anyone.
remediation: Set `acl = "private"` and grant access through bucket policies for named principals instead.
description: A public-read ACL exposes every object of the bucket to the internet, bypassing the access rules.
"#;

const OWNER_RULE: &str = r#"
id: TF-S3-OWNER-TAG
title: Buckets name their owner
severity: low
criteria: [AM-01]
provider: aws
resources: [aws_s3_bucket]
condition: 'resource.tags["owner"] != ""'
message: The bucket does not name an owner.
remediation: Add `tags = { owner = "team-name" }` to the bucket.
"#;

const MANIFESTS: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.27
          securityContext:
            privileged: true
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: default
spec:
  template:
    spec:
      containers:
        - name: api
          image: api:2
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: kube-system
spec:
  template:
    spec:
      containers:
        - name: agent
          image: agent:1
          securityContext:
            privileged: true
";

fn bucket(key: &str, after: &str, unknown: &str) -> String {
    let address = format!("aws_s3_bucket.{key}");
    let (name, index) = match key.split_once("[\"") {
        Some((name, rest)) => {
            let index = serde_json::to_string(rest.trim_end_matches("\"]")).unwrap();
            (name.to_owned(), format!(",\"index\":{index}"))
        }
        None => (key.to_owned(), String::new()),
    };
    format!(
        r#"{{"address":{address},"mode":"managed","type":"aws_s3_bucket","name":"{name}"{index},
  "provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{{"actions":["create"],"before":null,"after":{after},"after_unknown":{unknown}}}}}"#,
        address = serde_json::to_string(&address).unwrap(),
    )
}

fn plan() -> String {
    let changes = [
        bucket(
            "logs",
            r#"{"bucket":"logs","acl":"private","tags":{"owner":"ops"}}"#,
            "{}",
        ),
        bucket(
            "public",
            r#"{"bucket":"public","acl":"public-read","tags":{"owner":""}}"#,
            "{}",
        ),
        bucket(
            "fresh",
            r#"{"bucket":"fresh","tags":{"owner":"web"}}"#,
            r#"{"acl":true}"#,
        ),
        // A for_each key with markup, quotes and a control character: every format
        // must escape it.
        bucket(
            "odd[\"a<&>'\u{1}b\"]",
            r#"{"bucket":"odd","acl":"private","tags":null}"#,
            "{}",
        ),
    ];
    format!(
        "{{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.8\",\"resource_changes\":[\n{}\n]}}\n",
        changes.join(",\n")
    )
}

/// Owns everything a [`ScanReport`] borrows.
struct Scan {
    inputs: InputSet,
    rules: RuleSet,
    findings: Vec<Finding>,
    exceptions: Vec<Exception>,
    exception_use: ExceptionUse,
}

impl Scan {
    fn new() -> Self {
        let catalog = testat_catalog::builtin();
        let mut inputs = InputSet::default();
        let options = ReadOptions::default();
        inputs.add_bytes(
            PathBuf::from("manifests/web.yaml"),
            MANIFESTS.as_bytes().to_vec(),
            true,
            &options,
        );
        inputs.add_bytes(
            PathBuf::from("plans/web.json"),
            plan().into_bytes(),
            true,
            &options,
        );
        inputs.add_bytes(
            PathBuf::from("plans/broken.json"),
            b"{\"format_version\": \"1.2\",".to_vec(),
            true,
            &options,
        );
        inputs.finish();
        inputs.skipped.push(PathBuf::from("plans/README.md"));

        let mut rules = RuleSet::empty();
        for (name, source) in [
            ("k8s.yaml", K8S_RULE),
            ("acl.yaml", ACL_RULE),
            ("owner.yaml", OWNER_RULE),
        ] {
            rules
                .add_source(
                    source,
                    RuleOrigin::File(PathBuf::from(format!("rules/{name}"))),
                    catalog,
                )
                .unwrap();
        }

        let exceptions = vec![
            Exception {
                rule: "K8S-NO-PRIVILEGED".into(),
                resource: "DaemonSet/kube-system/*".into(),
                justification: "The node agent needs host access; reviewed quarterly.".into(),
                approved_by: "CISO".into(),
                risk_owner: Some("Platform team".into()),
                expires: NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(),
            },
            Exception {
                rule: "TF-S3-*".into(),
                resource: "aws_s3_bucket.public".into(),
                justification: "Public website assets until the CDN migration.".into(),
                approved_by: "Head of Web".into(),
                risk_owner: None,
                expires: NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
            },
        ];
        let mut findings = evaluate(&inputs, &rules);
        let today = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        let exception_use = apply_exceptions(&mut findings, &inputs, &rules, &exceptions, today);
        Self {
            inputs,
            rules,
            findings,
            exceptions,
            exception_use,
        }
    }

    fn report(&self) -> ScanReport<'_> {
        ScanReport {
            tool_version: "0.1.0",
            catalog: testat_catalog::builtin(),
            inputs: &self.inputs,
            rules: &self.rules,
            findings: &self.findings,
            exceptions: &self.exceptions,
            exception_use: &self.exception_use,
            fail_on: Severity::High,
            started_at: Utc.with_ymd_and_hms(2025, 3, 1, 10, 0, 0).unwrap(),
            finished_at: Utc.with_ymd_and_hms(2025, 3, 1, 10, 0, 2).unwrap()
                + chrono::Duration::milliseconds(500),
        }
    }

    fn count(&self, outcome: Outcome) -> usize {
        self.findings
            .iter()
            .filter(|f| f.outcome == outcome)
            .count()
    }
}

fn write(dir: &tempfile::TempDir, name: &str, content: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    path
}

#[test]
fn the_fixture_has_every_outcome() {
    let scan = Scan::new();
    for outcome in [
        Outcome::Pass,
        Outcome::Fail,
        Outcome::Unknown,
        Outcome::Error,
        Outcome::Excepted,
    ] {
        assert!(
            scan.count(outcome) > 0,
            "no {outcome:?} finding: {:#?}",
            scan.findings
        );
    }
    assert_eq!(scan.inputs.problems.len(), 1, "{:?}", scan.inputs.problems);
    assert_eq!(scan.exception_use.expired, vec![1]);
    assert_eq!(scan.exception_use.excepted, vec![1, 0]);
}

#[test]
fn summary_counts_outcomes_threshold_and_criteria() {
    let scan = Scan::new();
    let s = summary(&scan.report());
    assert_eq!(s.findings, scan.findings.len());
    assert_eq!(s.counts.total(), scan.findings.len());
    assert_eq!(s.counts.failed, scan.count(Outcome::Fail));
    assert_eq!(s.counts.unknown, scan.count(Outcome::Unknown));
    assert_eq!(s.counts.errors, scan.count(Outcome::Error));
    // Only K8S-NO-PRIVILEGED (high) is at or above `high`; the web deployment fails it.
    assert_eq!(s.failed_at_threshold, 1);
    assert_eq!(
        s.failed_at_threshold + s.failed_below_threshold,
        s.counts.failed
    );
    assert_eq!(s.expired_exceptions, 1);
    assert_eq!((s.problems, s.skipped), (1, 1));
    // Catalogue order of domains, with names.
    let domains: Vec<(&str, &str)> = s.domains.iter().map(|d| (d.code, d.name)).collect();
    assert_eq!(
        domains,
        [
            ("AM", "Asset Management"),
            ("OPS", "Operations"),
            ("IDM", "Identity and Access Management")
        ]
    );
    let idm = &s.domains[2];
    let ids: Vec<&str> = idm.criteria.iter().map(|c| c.id).collect();
    assert_eq!(ids, ["IDM-06", "IDM-07"]);
    // IDM-06 (privileged) has the three workloads: web fails, api passes, agent is excepted.
    assert_eq!(
        (
            idm.criteria[0].counts.failed,
            idm.criteria[0].counts.passed,
            idm.criteria[0].counts.excepted
        ),
        (1, 1, 1)
    );

    // A lower threshold makes the medium and low failures count; unknown and error never do.
    let mut report = scan.report();
    report.fail_on = Severity::Low;
    let low = summary(&report);
    assert_eq!(low.failed_at_threshold, low.counts.failed);
    assert_eq!(low.failed_below_threshold, 0);
    report.fail_on = Severity::Critical;
    assert_eq!(summary(&report).failed_at_threshold, 0);
}

#[test]
fn text_snapshot() {
    let scan = Scan::new();
    let text = render(&scan.report(), ScanFormat::Text, false).unwrap();
    assert!(!text.contains('\u{1b}'), "no escape codes without colour");
    for line in text.lines() {
        assert!(
            line.chars().count() <= 100,
            "line longer than 100 columns: {line:?}"
        );
    }
    insta::assert_snapshot!("text", text);
}

#[test]
fn text_colour_only_when_asked() {
    let scan = Scan::new();
    let coloured = render(&scan.report(), ScanFormat::Text, true).unwrap();
    assert!(coloured.contains("\u{1b}["));
    let plain = render(&scan.report(), ScanFormat::Text, false).unwrap();
    // The control character of the odd address is shown escaped, never raw.
    assert!(plain.contains("\\u{1}"));
    assert!(!plain.contains('\u{1}'));
}

#[test]
fn json_snapshot_and_schema() {
    let scan = Scan::new();
    let json = render(&scan.report(), ScanFormat::Json, false).unwrap();
    insta::assert_snapshot!("json", json);

    let dir = tempfile::tempdir().unwrap();
    validate("scan-json", &write(&dir, "scan.json", &json));
}

#[test]
fn json_agrees_with_the_findings() {
    let scan = Scan::new();
    let json: Value =
        serde_json::from_str(&render(&scan.report(), ScanFormat::Json, false).unwrap()).unwrap();
    assert_eq!(json["schema_version"], testat_report::SCHEMA_VERSION);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), scan.findings.len());
    for (out, finding) in findings.iter().zip(&scan.findings) {
        assert_eq!(out["outcome"], finding.outcome.as_str());
        assert_eq!(out["rule"], scan.rules.rules()[finding.rule].spec.id);
        assert_eq!(
            out["resource"],
            scan.inputs.resources[finding.resource].address
        );
    }
    assert_eq!(json["summary"]["failed_at_threshold"], 1);
    assert_eq!(json["exceptions"][0]["active"], true);
    assert_eq!(json["exceptions"][1]["active"], false);
    // A failure covered only by the expired exception points at it.
    let public = findings
        .iter()
        .find(|f| f["resource"] == "aws_s3_bucket.public" && f["rule"] == "TF-S3-PRIVATE-ACL")
        .unwrap();
    assert_eq!(
        (public["outcome"].as_str(), public["exception"].as_u64()),
        (Some("fail"), Some(1))
    );
}

#[test]
fn sarif_has_failing_and_excepted_findings() {
    let scan = Scan::new();
    let sarif = render(&scan.report(), ScanFormat::Sarif, false).unwrap();
    let log: Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), scan.rules.len());
    let results = run["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        scan.count(Outcome::Fail) + scan.count(Outcome::Excepted)
    );
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), scan.count(Outcome::Excepted));
    assert_eq!(suppressed[0]["suppressions"][0]["status"], "accepted");
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let level = result["level"].as_str().unwrap();
        assert_eq!(
            level,
            rules[index]["defaultConfiguration"]["level"]
                .as_str()
                .unwrap()
        );
        let fingerprint = result["partialFingerprints"]["testatFinding/v1"]
            .as_str()
            .unwrap();
        assert_eq!(fingerprint.len(), 16);
    }
    let k8s = rules
        .iter()
        .find(|r| r["id"] == "K8S-NO-PRIVILEGED")
        .unwrap();
    assert_eq!(k8s["properties"]["security-severity"], "7.0");
    assert_eq!(
        k8s["properties"]["tags"],
        serde_json::json!(["OPS-23", "IDM-06", "security", "c5:2020"])
    );
    assert_eq!(
        run["artifacts"].as_array().unwrap().len(),
        scan.inputs.files.len()
    );
    assert_eq!(run["artifacts"][0]["location"]["uri"], "manifests/web.yaml");
    assert_eq!(
        run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap()
            .len(),
        scan.inputs.problems.len()
    );

    let dir = tempfile::tempdir().unwrap();
    let said = validate("sarif", &write(&dir, "scan.sarif", &sarif));
    assert!(
        said.is_empty() || said.contains(&format!("with {} results", results.len())),
        "{said}"
    );
    // Not even a warning from the multitool (its notes are advice we do not take).
    assert!(!said.contains(" warning "), "{said}");
}

#[test]
fn junit_counts_match_the_findings() {
    let scan = Scan::new();
    let xml = render(&scan.report(), ScanFormat::Junit, false).unwrap();
    assert_eq!(xml.matches("<testsuite ").count(), scan.rules.len());
    assert_eq!(xml.matches("<testcase ").count(), scan.findings.len());
    assert_eq!(xml.matches("<failure ").count(), scan.count(Outcome::Fail));
    assert_eq!(xml.matches("<error ").count(), scan.count(Outcome::Error));
    assert_eq!(
        xml.matches("<skipped ").count(),
        scan.count(Outcome::Unknown) + scan.count(Outcome::Excepted)
    );
    assert!(xml.contains(&format!(
        "<testsuites name=\"testat\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"2.500\">",
        scan.findings.len(),
        scan.count(Outcome::Fail),
        scan.count(Outcome::Error),
        scan.count(Outcome::Unknown) + scan.count(Outcome::Excepted),
    )));
    // Markup in the address is escaped; the control character XML forbids is dropped.
    assert!(
        xml.contains("name=\"aws_s3_bucket.odd[&quot;a&lt;&amp;&gt;'b&quot;]\""),
        "{xml}"
    );
    assert!(!xml.contains('\u{1}'));

    let dir = tempfile::tempdir().unwrap();
    let said = validate("junit", &write(&dir, "scan.xml", &xml));
    assert!(
        said.is_empty() || said.contains(&format!("{} test cases", scan.findings.len())),
        "{said}"
    );
}

#[test]
fn sarif_snapshot() {
    let scan = Scan::new();
    insta::assert_snapshot!(
        "sarif",
        render(&scan.report(), ScanFormat::Sarif, false).unwrap()
    );
}

#[test]
fn junit_snapshot() {
    let scan = Scan::new();
    insta::assert_snapshot!(
        "junit",
        render(&scan.report(), ScanFormat::Junit, false).unwrap()
    );
}

#[test]
fn validators_reject_broken_files() {
    let scan = Scan::new();
    let dir = tempfile::tempdir().unwrap();

    let mut json: Value =
        serde_json::from_str(&render(&scan.report(), ScanFormat::Json, false).unwrap()).unwrap();
    json["findings"][0]["outcome"] = "maybe".into();
    let said = validate_rejects("scan-json", &write(&dir, "bad.json", &json.to_string()));
    assert!(said.is_empty() || said.contains("maybe"), "{said}");
    let mut json: Value =
        serde_json::from_str(&render(&scan.report(), ScanFormat::Json, false).unwrap()).unwrap();
    json["summary"]["passed"] = 1000.into();
    validate_rejects(
        "scan-json",
        &write(&dir, "inconsistent.json", &json.to_string()),
    );

    // Against the schema: a level SARIF does not have, a driver without a name.
    let mut sarif: Value =
        serde_json::from_str(&render(&scan.report(), ScanFormat::Sarif, false).unwrap()).unwrap();
    sarif["runs"][0]["results"][0]["level"] = "fatal".into();
    sarif["runs"][0]["tool"]["driver"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    let said = validate_rejects("sarif", &write(&dir, "bad.sarif", &sarif.to_string()));
    assert!(
        said.is_empty() || said.contains("'fatal' is not one of"),
        "{said}"
    );
    // Valid against the schema, but the multitool's SARIF1009 sees the dangling index.
    // (Edited as text: re-serialising through `Value` would sort `results` before
    // `tool`, and the multitool then reports nothing at all.)
    let sarif = render(&scan.report(), ScanFormat::Sarif, false).unwrap();
    let dangling = sarif.replacen("\"ruleIndex\": 0,", "\"ruleIndex\": 99,", 1);
    assert_ne!(dangling, sarif);
    let said = validate_rejects("sarif", &write(&dir, "index.sarif", &dangling));
    assert!(said.is_empty() || said.contains("SARIF1009"), "{said}");

    let xml = render(&scan.report(), ScanFormat::Junit, false).unwrap();
    let wrong_totals = xml.replacen(
        "<testsuites name=\"testat\" tests=\"",
        "<testsuites name=\"testat\" tests=\"9",
        1,
    );
    validate_rejects("junit", &write(&dir, "totals.xml", &wrong_totals));
    let unescaped = xml.replacen("&amp;", "&", 1);
    let said = validate_rejects("junit", &write(&dir, "unescaped.xml", &unescaped));
    assert!(said.is_empty() || said.contains("well-formed"), "{said}");
}

#[test]
fn a_finding_pointing_nowhere_is_an_error_not_a_panic() {
    let scan = Scan::new();
    let mut findings = scan.findings.clone();
    findings.push(Finding {
        rule: 99,
        resource: 0,
        outcome: Outcome::Fail,
        detail: None,
        exception: None,
    });
    let mut report = scan.report();
    report.findings = &findings;
    for format in [
        ScanFormat::Text,
        ScanFormat::Json,
        ScanFormat::Sarif,
        ScanFormat::Junit,
    ] {
        let error = render(&report, format, false).unwrap_err();
        assert!(matches!(
            error,
            ReportError::Dangling {
                what: "rule",
                index: 99,
                ..
            }
        ));
        assert_eq!(
            error.to_string(),
            format!(
                "finding {}: rule 99 does not exist (the scan has 3)",
                findings.len() - 1
            )
        );
    }
    // The summary still counts it, and a failure of an unknown rule fails the scan.
    assert_eq!(summary(&report).failed_at_threshold, 2);
}

#[test]
fn an_empty_scan_renders_in_every_format() {
    let inputs = InputSet::default();
    let rules = RuleSet::empty();
    let usage = ExceptionUse::default();
    let report = ScanReport {
        tool_version: "0.1.0",
        catalog: testat_catalog::builtin(),
        inputs: &inputs,
        rules: &rules,
        findings: &[],
        exceptions: &[],
        exception_use: &usage,
        fail_on: Severity::High,
        started_at: Utc.with_ymd_and_hms(2025, 3, 1, 10, 0, 0).unwrap(),
        finished_at: Utc.with_ymd_and_hms(2025, 3, 1, 10, 0, 0).unwrap(),
    };
    let text = render(&report, ScanFormat::Text, false).unwrap();
    assert!(text.ends_with(
        "0 failed at or above high (0 below), 0 excepted, 0 passed, 0 unknown, 0 errors\n"
    ));
    let dir = tempfile::tempdir().unwrap();
    for (format, kind, name) in [
        (ScanFormat::Json, "scan-json", "empty.json"),
        (ScanFormat::Sarif, "sarif", "empty.sarif"),
        (ScanFormat::Junit, "junit", "empty.xml"),
    ] {
        validate(
            kind,
            &write(&dir, name, &render(&report, format, false).unwrap()),
        );
    }
}
