//! CLI tests of `testat assess` and `testat report`: a store built by the CLI with a
//! fixed clock over a month (runs with a gap, a failure that is fixed, one that comes
//! back when its exception lapses, evidence that expires, a review done late and one
//! not done, a domain scoped out), then Type 1 and Type 2 read back in every format.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;

/// Where a test directory names its PostgreSQL database; without it, the store is the
/// SQLite file in `.testat/`.
const DB_URL_FILE: &str = "db-url";

/// `testat` in `dir`, with the clock at `now`, on the directory's store.
fn at(dir: &Path, now: &str) -> assert_cmd::Command {
    let mut command = crate::support::in_dir(dir, now, "alice");
    if let Ok(url) = std::fs::read_to_string(dir.join(DB_URL_FILE)) {
        command.env("TESTAT_DATABASE_URL", url.trim());
    }
    command
}

const CONFIG: &str = r#"
[service]
name = "Beispiel Kubernetes Platform"
provider = "Beispiel GmbH"
description = "Managed Kubernetes for public-sector workloads."
models = ["PaaS"]
deployment = "public"
jurisdiction = "DE"
certifications = ["ISO/IEC 27001:2022"]

[[location]]
name = "Frankfurt"
country = "DE"
purposes = ["processing", "storage"]
operated_by = "Rechenzentrum AG"

[[subservice]]
name = "Rechenzentrum AG"
provides = "Data centre housing"
method = "carve-out"
criteria = ["PS-01"]

[[out_of_scope]]
criteria = ["PS"]
reason = "physical security is carved out to the data centre operator"
subservice = "Rechenzentrum AG"

[assessment]
max_scan_gap = "3d"
"#;

/// Approved on 19 March, after the first failure was fixed.
const EXCEPTION: &str = r#"
[[exception]]
rule = "K8S-NO-PRIVILEGED"
resource = "Pod/shop/web"
justification = "debugging a kernel module, to be removed"
approved_by = "CISO"
expires = "2026-03-25"
"#;

fn pod(privileged: bool) -> String {
    format!(
        "apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
  containers:
    - name: web
      image: registry.example.com/web@sha256:{digest}
      resources:
        limits: {{cpu: 500m, memory: 256Mi}}
        requests: {{cpu: 100m, memory: 128Mi}}
      securityContext:
        privileged: {privileged}
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
",
        digest = "0123456789abcdef".repeat(4)
    )
}

/// Scans the manifest at `now` with `privileged` set, recording the run.
fn scan(dir: &Path, now: &str, privileged: bool) {
    std::fs::write(dir.join("k8s/app.yaml"), pod(privileged)).unwrap();
    let out = at(dir, now)
        .args(["scan", "k8s", "--record"])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "scan at {now}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The month of March 2026 on SQLite, built once and shared by the tests (read-only
/// after).
fn month() -> &'static Path {
    static STORE: OnceLock<tempfile::TempDir> = OnceLock::new();
    STORE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            build_month(dir.path());
            dir
        })
        .path()
}

/// Records the month of March 2026 through the CLI into the store of `d`.
fn build_month(d: &Path) {
    std::fs::create_dir(d.join("k8s")).unwrap();
    std::fs::write(d.join("testat.toml"), CONFIG).unwrap();
    at(d, "2026-02-20T09:00:00Z").arg("init").assert().success();
    // Baseline before the period; then the runs of March.
    scan(d, "2026-02-28T06:00:00Z", false);
    scan(d, "2026-03-01T06:00:00Z", false);
    scan(d, "2026-03-03T06:00:00Z", true); // detected: 48 h after the last good run
    scan(d, "2026-03-05T06:00:00Z", false); // fixed after 48 h
    // No run for a week: a gap longer than the 3 days allowed.
    scan(d, "2026-03-12T06:00:00Z", false);
    scan(d, "2026-03-14T06:00:00Z", false);
    scan(d, "2026-03-17T06:00:00Z", false);
    // Privileged again, excepted until 25 March, failing once that lapses.
    std::fs::write(d.join("testat.toml"), format!("{CONFIG}{EXCEPTION}")).unwrap();
    for day in [20, 23, 25, 26, 29, 31] {
        scan(d, &format!("2026-03-{day}T06:00:00Z"), true);
    }
    // Manual criteria: an attestation whose review is never done, evidence
    // that expires in the period, a review done two days late.
    at(d, "2026-02-21T10:00:00Z")
        .args(["attest", "OIS-01", "--status", "implemented"])
        .args(["--statement", "ISMS certified", "--owner", "CISO"])
        .args(["--next-review", "2026-03-15"])
        .assert()
        .success();
    at(d, "2026-02-21T10:00:00Z")
        .args(["evidence", "add", "--note", "ISO 27001 certificate"])
        .args(["--criterion", "OIS-01", "--effective", "2025-04-01"])
        .args(["--valid-until", "2026-03-20"])
        .assert()
        .success();
    at(d, "2026-02-21T10:00:00Z")
        .args(["attest", "OIS-02", "--status", "implemented"])
        .args(["--statement", "roles defined", "--owner", "CISO"])
        .args(["--next-review", "2026-03-10"])
        .assert()
        .success();
    at(d, "2026-03-12T10:00:00Z")
        .args(["attest", "OIS-02", "--status", "implemented"])
        .args(["--statement", "roles reviewed", "--owner", "CISO"])
        .args(["--next-review", "2027-03-10"])
        .assert()
        .success();
    at(d, "2026-02-21T10:00:00Z")
        .args(["evidence", "add", "--note", "role matrix"])
        .args(["--criterion", "OIS-02", "--effective", "2026-01-01"])
        .assert()
        .success();
    // A request from an agency, rejected after legal review, customer told.
    let inquiry = |now: &str, args: &[&str]| {
        at(d, now).arg("inquiry").args(args).assert().success();
    };
    inquiry(
        "2026-03-02T09:00:00Z",
        &[
            "add",
            "--received",
            "2026-03-02",
            "--channel",
            "letter",
            "--authority",
            "Staatsanwaltschaft Berlin",
            "--country",
            "DE",
            "--legal-basis",
            "§ 100a StPO",
            "--kind",
            "data-disclosure",
            "--handler",
            "Jo (legal)",
        ],
    );
    inquiry(
        "2026-03-03T09:00:00Z",
        &["advance", "1", "--to", "legal-review"],
    );
    inquiry(
        "2026-03-05T09:00:00Z",
        &["advance", "1", "--to", "rejected"],
    );
    inquiry(
        "2026-03-06T09:00:00Z",
        &["notify", "1", "--date", "2026-03-06", "--how", "e-mail"],
    );
    inquiry("2026-03-06T10:00:00Z", &["close", "1", "--note", "done"]);
}

const AFTER: &str = "2026-04-02T09:00:00Z";

fn run_json(dir: &Path, now: &str, args: &[&str]) -> Value {
    let out = at(dir, now).args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn criterion<'a>(a: &'a Value, id: &str) -> &'a Value {
    a["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

fn lines(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect()
}

const TYPE2: &[&str] = &[
    "assess",
    "--type",
    "2",
    "--from",
    "2026-03-01",
    "--to",
    "2026-03-31",
    "--format",
    "json",
];

#[test]
fn type_2_finds_gaps_failure_intervals_and_manual_deviations() {
    let dir = month();
    let a = run_json(dir, AFTER, TYPE2);
    assert_eq!(a["schema"], "testat-assessment/v1");
    assert_eq!(a["kind"]["type"], "2");
    let period = &a["period"];
    assert_eq!(period["runs"]["default"], 12, "{period}");
    assert_eq!(period["max_gap_hours"], 72);
    let gaps = period["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0]["from"], "2026-03-05T06:00:00Z");
    assert_eq!(gaps[0]["to"], "2026-03-12T06:00:00Z");
    assert_eq!(gaps[0]["hours"], 168);
    let coverage = period["coverage_percent"].as_f64().unwrap();
    assert!(coverage > 80.0 && coverage < 100.0, "{coverage}");

    let ops23 = criterion(&a, "OPS-23");
    assert_eq!(ops23["status"], "not met", "{ops23}");
    let failures = ops23["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 2, "{failures:?}");
    let fixed = &failures[0];
    assert_eq!(fixed["rule"], "K8S-NO-PRIVILEGED");
    assert_eq!(fixed["resource"], "Pod/shop/web");
    assert_eq!(fixed["detected"], "2026-03-03T06:00:00Z");
    assert_eq!(fixed["fixed"], "2026-03-05T06:00:00Z");
    assert_eq!(fixed["time_to_detect_secs"], 2 * 86_400);
    assert_eq!(fixed["time_to_fix_secs"], 2 * 86_400);
    // Excepted from the 20th; failing from the first run after the exception lapsed.
    let open = &failures[1];
    assert_eq!(open["detected"], "2026-03-26T06:00:00Z");
    assert_eq!(open["fixed"], Value::Null);
    assert_eq!(period["median_time_to_fix_secs"], 2 * 86_400);
    let why = lines(&ops23["reasons"]);
    assert!(
        why.iter()
            .any(|r| r.contains("Pod/shop/web (exception expired 2026-03-25)")),
        "{why:?}"
    );
    let deviations = lines(&ops23["deviations"]);
    assert!(
        deviations.iter().any(|d| d
            .contains("no run in scope default from 2026-03-05 06:00 to 2026-03-12 06:00 (168 h")),
        "{deviations:?}"
    );
    assert!(
        deviations
            .iter()
            .any(|d| d.contains("not fixed by the end of the period")),
        "{deviations:?}"
    );
    let exceptions = ops23["exceptions"].as_array().unwrap();
    assert_eq!(exceptions[0]["active"], false);

    let ois01 = criterion(&a, "OIS-01");
    let d = lines(&ois01["deviations"]);
    assert!(
        d.iter()
            .any(|x| x.contains("evidence 1 expired on 2026-03-20")),
        "{d:?}"
    );
    assert!(
        d.iter()
            .any(|x| x.contains("due 2026-03-15 and not done by the end of the period")),
        "{d:?}"
    );
    assert_eq!(ois01["status"], "partly met", "{ois01}");
    let ois02 = criterion(&a, "OIS-02");
    let d = lines(&ois02["deviations"]);
    assert_eq!(
        d,
        vec!["review of attestation 2 was due 2026-03-10 and done 2026-03-12, 2 day(s) late"]
    );
    assert_eq!(ois02["status"], "partly met", "{ois02}");

    // Scoping.
    let ps01 = criterion(&a, "PS-01");
    assert_eq!(ps01["status"], "not applicable");
    assert_eq!(
        lines(&ps01["reasons"])[0],
        "out of scope: physical security is carved out to the data centre operator (covered by Rechenzentrum AG)"
    );
    assert_eq!(
        a["scope"].as_array().unwrap().len(),
        7,
        "every PS criterion"
    );
    assert_eq!(
        a["service"]["service"]["name"],
        "Beispiel Kubernetes Platform"
    );
    assert!(a["counts"]["not_applicable"].as_u64().unwrap() >= 7);
}

#[test]
fn type_1_sees_only_what_was_recorded_by_its_date() {
    let dir = month();
    let t1 = |date: &str| {
        run_json(
            dir,
            AFTER,
            &["assess", "--type", "1", "--at", date, "--format", "json"],
        )
    };
    let during = t1("2026-03-04");
    assert_eq!(during["kind"]["at"], "2026-03-04");
    assert_eq!(during["period"], Value::Null);
    assert_eq!(criterion(&during, "OPS-23")["status"], "not met");
    let after_fix = t1("2026-03-06");
    assert_eq!(criterion(&after_fix, "OPS-23")["status"], "met");
    // The register as it stood on 4 March: the request was in legal review.
    let inq02 = lines(&criterion(&during, "INQ-02")["reasons"]);
    assert!(
        inq02
            .iter()
            .any(|r| r.starts_with("register: 0 closed request(s)")),
        "{inq02:?}"
    );
    let inq02 = lines(&criterion(&after_fix, "INQ-02")["reasons"]);
    assert!(
        inq02
            .iter()
            .any(|r| r.starts_with("register: 1 closed request(s)")),
        "{inq02:?}"
    );
    // Before the second attestation of OIS-02 existed, the first one counts.
    let ois02 = criterion(&during, "OIS-02");
    assert_eq!(ois02["attestation"]["id"], 2);
    // Before anything was recorded, nothing is assessed.
    let empty = t1("2026-02-19");
    assert_eq!(criterion(&empty, "OPS-23")["status"], "not assessed");
    assert_eq!(criterion(&empty, "PS-02")["status"], "not applicable");
}

#[test]
fn the_sample_is_reproducible_from_its_seed() {
    let dir = month();
    let with = |seed: &str| {
        let mut args = TYPE2.to_vec();
        args.extend(["--sample", "3", "--seed", seed]);
        run_json(dir, AFTER, &args)["period"]["sample"].clone()
    };
    let a = with("7");
    assert_eq!(a["seed"], 7);
    assert_eq!(a["runs"].as_array().unwrap().len(), 3);
    assert_eq!(
        a["evidence"].as_array().unwrap().len(),
        0,
        "no evidence dated in March"
    );
    assert_eq!(a, with("7"));
    let others: Vec<Value> = ["8", "9", "10"].iter().map(|s| with(s)).collect();
    assert!(
        others.iter().any(|o| o["runs"] != a["runs"]),
        "the seed matters"
    );
}

#[test]
fn bad_periods_and_service_descriptions_are_usage_errors() {
    let dir = month();
    let err = |args: &[&str]| {
        let out = at(dir, AFTER).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(err(&["assess", "--type", "2", "--from", "2026-03-01"]).contains("--to DATE"));
    assert!(
        err(&[
            "assess",
            "--type",
            "2",
            "--from",
            "2026-03-31",
            "--to",
            "2026-03-01"
        ])
        .contains("starts")
    );
    assert!(err(&["assess", "--type", "1", "--at", "2027-01-01"]).contains("future"));
    assert!(err(&["assess", "--type", "3"]).contains("3 is not in 1..=2"));
    assert!(err(&["assess", "--type", "1", "--sample", "3"]).contains("Type 2"));
    assert!(err(&["report", "--type", "1", "--format", "pdf"]).contains("--out"));
    assert!(
        err(&[
            "report",
            "--type",
            "1",
            "-f",
            "md",
            "-o",
            "no/such/dir/r.md"
        ])
        .contains("cannot write no/such/dir/r.md: the folder no/such/dir does not exist")
    );

    let bad = tempfile::tempdir().unwrap();
    at(bad.path(), AFTER).arg("init").assert().success();
    let broken = CONFIG.replace("country = \"DE\"", "country = \"XX\"");
    std::fs::write(bad.path().join("testat.toml"), broken).unwrap();
    let out = at(bad.path(), AFTER)
        .args(["assess", "--type", "1"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("testat.toml: [[location]] 1 (Frankfurt): country `XX` is not an ISO 3166-1 alpha-2 country code"),
        "{stderr}"
    );
    let unknown = CONFIG.replace("criteria = [\"PS\"]", "criteria = [\"PS-99\"]");
    std::fs::write(bad.path().join("testat.toml"), unknown).unwrap();
    let out = at(bad.path(), AFTER).args(["status"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("[[out_of_scope]] 1"), "{stderr}");
}

#[test]
fn status_shows_the_scope() {
    let dir = month();
    let out = at(dir, AFTER)
        .args(["status", "PS-03", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "not applicable");
    assert!(lines(&v["reasons"])[0].starts_with("out of scope: physical security"));
}

/// Every reason of the Type 2 assessment shows up in each text format.
#[test]
fn every_format_carries_the_reasons() {
    let dir = month();
    let out_dir = tempfile::tempdir().unwrap();
    let must = [
        "Beispiel Kubernetes Platform",
        "2026-03-01",
        "2026-03-31",
        "Pod/shop/web",
        "exception expired 2026-03-25",
        "2026-03-05 06:00",
        "168 h",
        "evidence 1 expired on 2026-03-20",
        "due 2026-03-15 and not done by the end of the period",
        "2 day(s) late",
        "physical security is carved out to the data centre operator",
        "register: 1 closed request(s) with a decision",
    ];
    let pdftotext = testat_test_support::tool_available(
        "pdftotext",
        "the PDF part of every_format_carries_the_reasons",
        "apt-get install poppler-utils",
    );
    let formats = ["md", "csv", "json", "html", "oscal", "pdf"];
    for format in formats.into_iter().filter(|f| *f != "pdf" || pdftotext) {
        let extension = if format == "oscal" {
            "oscal.json"
        } else {
            format
        };
        let file = out_dir.path().join(format!("report.{extension}"));
        let mut args: Vec<&str> = TYPE2[1..TYPE2.len() - 2].to_vec();
        args.insert(0, "report");
        let file_arg = file.to_str().unwrap();
        args.extend(["--format", format, "--out", file_arg]);
        at(dir, AFTER).args(&args).assert().success();
        // The real consumers read what the command line wrote, not only the fixtures.
        match format {
            "json" => drop(testat_test_support::validate("assessment-json", &file)),
            "oscal" => drop(testat_test_support::validate("oscal-ar", &file)),
            "html" => drop(testat_test_support::validate("html", &file)),
            _ => {}
        }
        let text = if format == "pdf" {
            let out = std::process::Command::new("pdftotext")
                .arg(&file)
                .arg("-")
                .output()
                .unwrap();
            assert!(out.status.success());
            // Lines are wrapped on the page: compare with single spaces.
            String::from_utf8(out.stdout)
                .unwrap()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            std::fs::read_to_string(&file).unwrap()
        };
        let text = if format == "html" {
            // Entities as the browser would show them.
            text.replace("&#x2f;", "/")
                .replace("&#x27;", "'")
                .replace("&#39;", "'")
                .replace("&quot;", "\"")
                .replace("&amp;", "&")
        } else {
            text.replace('\\', "")
        };
        // A CSV holds rows of criteria only: no service or period.
        let skip = if format == "csv" { 3 } else { 0 };
        for m in &must[skip..] {
            assert!(text.contains(m), "{format} lacks `{m}`");
        }
    }
}

#[test]
fn the_customer_handout_lists_customer_duties_and_the_scope() {
    let dir = month();
    let out = at(dir, AFTER)
        .args(["report", "customer", "--format", "md"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("Beispiel Kubernetes Platform"), "{md}");
    assert!(
        md.contains("### IDM Identity and Access Management"),
        "{md}"
    );
    assert!(
        md.contains("out of the service's scope"),
        "PS duties are marked"
    );
    let json = run_json(dir, AFTER, &["report", "customer", "--format", "json"]);
    assert_eq!(json["schema"], "testat-customer-handout/v1");
    let duties: usize = json["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["items"].as_array().unwrap().len())
        .sum();
    let catalog = testat_catalog::builtin();
    let expected = catalog
        .criteria
        .iter()
        .filter(|c| !c.customer_part.trim().is_empty())
        .count();
    assert_eq!(duties, expected);
}

/// The same month recorded into PostgreSQL gives the same Type 2 assessment, to the
/// byte, as on SQLite.
#[test]
fn type_2_on_postgresql_equals_sqlite() {
    let Some(admin) = testat_test_support::postgres_admin_url("the PostgreSQL assessment test")
    else {
        return;
    };
    let name = format!("testat_cli_assess_{}", std::process::id());
    let url = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(testat_test_support::fresh_postgres_database(&admin, &name));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(DB_URL_FILE), url).unwrap();
    build_month(dir.path());
    let mut args = TYPE2.to_vec();
    args.extend(["--sample", "4", "--seed", "11"]);
    let on_postgres = run_json(dir.path(), AFTER, &args);
    let on_sqlite = run_json(month(), AFTER, &args);
    assert_eq!(
        criterion(&on_postgres, "OPS-23")["failures"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(on_postgres, on_sqlite);
}
