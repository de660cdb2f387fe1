//! CLI tests of `testat inquiry`: the full lifecycle (with a barred notification and
//! its review date), refused transitions and bad input, `due`, the banded
//! transparency report, the INQ evidence, and `testat verify` after all of it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::path::Path;

use predicates::prelude::*;

/// `testat` in `dir`, with the clock fixed to `now` and a fixed actor.
fn at(dir: &Path, now: &str) -> assert_cmd::Command {
    crate::support::in_dir(dir, now, "legal")
}

const NOW: &str = "2026-03-01T10:00:00Z";

fn run(dir: &Path, args: &[&str]) -> String {
    let out = at(dir, NOW).args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

fn add(dir: &Path, country: &str, kind: &str, received: &str, extra: &[&str]) -> i64 {
    let mut args = vec![
        "inquiry",
        "add",
        "--received",
        received,
        "--channel",
        "letter",
        "--authority",
        "Some Prosecutor",
        "--country",
        country,
        "--legal-basis",
        "§ 100a StPO",
        "--kind",
        kind,
        "--handler",
        "Jo (legal)",
    ];
    args.extend_from_slice(extra);
    let out = run(dir, &args);
    out.split_whitespace()
        .nth(2)
        .unwrap()
        .trim_end_matches(':')
        .parse()
        .unwrap()
}

fn init() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    at(dir.path(), NOW).arg("init").assert().success();
    dir
}

fn audit_events(dir: &Path) -> String {
    let out = at(dir, NOW).arg("verify").assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn full_lifecycle_with_a_barred_notification_and_its_review() {
    let dir = init();
    let d = dir.path();
    let id = add(
        d,
        "us",
        "data-disclosure",
        "2026-02-20",
        &[
            "--data",
            "mailbox,logins",
            "--customer",
            "acme",
            "--deadline",
            "2026-03-05",
        ],
    );
    assert_eq!(id, 1);
    let shown = run(d, &["inquiry", "show", "1"]);
    assert!(shown.contains("inquiry 1  received"), "{shown}");
    assert!(shown.contains("US (outside the EU/EEA)"), "{shown}");

    // Deadline comes up within 7 days.
    let due = run(d, &["inquiry", "due", "--within", "7d"]);
    assert!(
        due.contains("due      2026-03-05  inquiry 1  deadline"),
        "{due}"
    );

    let out = run(d, &["inquiry", "advance", "1", "--to", "legal-review"]);
    assert!(out.contains("now legal-review"), "{out}");
    run(
        d,
        &[
            "inquiry",
            "advance",
            "1",
            "--to",
            "partially-disclosed",
            "--note",
            "login times of one account only",
        ],
    );
    // Closing without a decision is refused and stores nothing.
    at(d, NOW)
        .args(["inquiry", "close", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "record the customer-notification decision first",
        ));
    run(
        d,
        &[
            "inquiry",
            "bar",
            "1",
            "--reason",
            "gag order, 18 U.S.C. § 2705(b)",
            "--review",
            "2026-03-04",
        ],
    );
    run(d, &["inquiry", "close", "1", "--note", "done"]);
    let shown = run(d, &["inquiry", "show", "1"]);
    assert!(
        shown.contains("inquiry 1  closed  notification barred"),
        "{shown}"
    );
    assert!(shown.contains("review by 2026-03-04"), "{shown}");
    assert!(
        shown.contains("legal-review -> partially-disclosed"),
        "{shown}"
    );

    // The bar's review comes up, then is overdue and shows as a gap of INQ-02.
    let due = run(d, &["inquiry", "due"]);
    assert!(
        due.contains("2026-03-04  inquiry 1  review of the notification bar"),
        "{due}"
    );
    assert!(
        !due.contains("deadline"),
        "a decided request's deadline is not due: {due}"
    );
    let later = at(d, "2026-03-10T09:00:00Z")
        .args(["inquiry", "due"])
        .assert()
        .success();
    let later = String::from_utf8(later.get_output().stdout.clone()).unwrap();
    assert!(
        later.contains("OVERDUE  2026-03-04  inquiry 1  review"),
        "{later}"
    );
    let evidence = at(d, "2026-03-10T09:00:00Z")
        .args(["inquiry", "evidence"])
        .assert()
        .success();
    let evidence = String::from_utf8(evidence.get_output().stdout.clone()).unwrap();
    assert!(evidence.contains("INQ-02  GAPS"), "{evidence}");
    assert!(
        evidence.contains("was due for review on 2026-03-04"),
        "{evidence}"
    );
    assert!(evidence.contains("INQ-01  supported"), "{evidence}");

    // Reviewing the bar is a new event (the closed request keeps its history).
    at(d, "2026-03-10T09:00:00Z")
        .args([
            "inquiry",
            "bar",
            "1",
            "--reason",
            "gag order extended",
            "--review",
            "2026-09-10",
        ])
        .assert()
        .success();
    let evidence = at(d, "2026-03-10T09:00:00Z")
        .args(["inquiry", "evidence", "--format", "json"])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&evidence.get_output().stdout).unwrap();
    for c in json["criteria"].as_array().unwrap() {
        assert_eq!(c["support"], "supported", "{c}");
    }
    let events = run(d, &["inquiry", "show", "1", "--format", "json"]);
    let record: serde_json::Value = serde_json::from_str(&events).unwrap();
    assert_eq!(record["events"].as_array().unwrap().len(), 5);
    assert_eq!(record["state"], "closed");

    let verified = audit_events(d);
    // init + add + 5 events.
    assert!(
        verified.starts_with("verified: 7 audit events"),
        "{verified}"
    );
}

#[test]
fn illegal_transitions_and_unknown_states_are_refused_and_nothing_is_stored() {
    let dir = init();
    let d = dir.path();
    add(d, "DE", "preservation", "2026-02-01", &[]);
    at(d, NOW)
        .args(["inquiry", "advance", "1", "--to", "disclosed"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot move from received to disclosed: from received the next state is legal-review",
        ));
    at(d, NOW)
        .args(["inquiry", "advance", "1", "--to", "approved"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown state `approved`"));
    at(d, NOW)
        .args(["inquiry", "close", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "from received the next state is legal-review",
        ));
    at(d, NOW)
        .args(["inquiry", "advance", "9", "--to", "legal-review"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("inquiry 9 not found"));
    let shown = run(d, &["inquiry", "show", "1", "--format", "json"]);
    let record: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(record["state"], "received");
    assert!(record["events"].as_array().unwrap().is_empty());
    assert!(audit_events(d).starts_with("verified: 2 audit events"));
}

#[test]
fn bad_input_is_refused_with_exit_2_and_nothing_stored() {
    let dir = init();
    let d = dir.path();
    let base = |received: &str, country: &str, kind: &str| {
        let mut c = at(d, NOW);
        c.args([
            "inquiry",
            "add",
            "--received",
            received,
            "--channel",
            "mail",
            "--authority",
            "X",
            "--country",
            country,
            "--legal-basis",
            "law",
            "--kind",
            kind,
            "--handler",
            "Jo",
        ]);
        c
    };
    base("2026-03-02", "DE", "other")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "received date 2026-03-02 is in the future",
        ));
    base("2026-02-01", "UK", "other").assert().code(2).stderr(
        predicate::str::contains("not an ISO 3166-1 alpha-2 code")
            .and(predicate::str::contains("GB")),
    );
    base("2026-02-01", "XX", "other").assert().code(2);
    base("2026-02-01", "DE", "wiretap")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown kind of request `wiretap`",
        ));
    let listed = run(d, &["inquiry", "list"]);
    assert!(listed.contains("no requests recorded"), "{listed}");

    add(d, "FR", "other", "2026-02-10", &[]);
    at(d, NOW)
        .args([
            "inquiry",
            "notify",
            "1",
            "--date",
            "2026-02-09",
            "--how",
            "e-mail",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "notification date 2026-02-09 is before the request was received (2026-02-10)",
        ));
    at(d, NOW)
        .args([
            "inquiry",
            "bar",
            "1",
            "--reason",
            "x",
            "--review",
            "2026-01-01",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is in the past"));
    at(d, NOW)
        .args(["inquiry", "report", "--period", "2026-H3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("period `2026-H3`"));
    let shown = run(d, &["inquiry", "show", "1", "--format", "json"]);
    let record: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert!(record["events"].as_array().unwrap().is_empty());
    assert!(record["notification"].is_null());
    assert!(audit_events(d).starts_with("verified: 2 audit events"));
}

#[test]
fn the_report_bands_small_counts() {
    let dir = init();
    let d = dir.path();
    // 12 German requests (notified), 1 from the US, 1 outside the period.
    for day in 1..=12 {
        let date = format!("2026-01-{day:02}");
        let id = add(d, "DE", "data-disclosure", &date, &["--customer", "c1"]);
        let id = id.to_string();
        run(d, &["inquiry", "advance", &id, "--to", "legal-review"]);
        run(d, &["inquiry", "advance", &id, "--to", "rejected"]);
        run(
            d,
            &[
                "inquiry",
                "notify",
                &id,
                "--date",
                "2026-02-01",
                "--how",
                "letter",
            ],
        );
    }
    add(d, "US", "interception", "2026-02-01", &[]);
    add(d, "DE", "other", "2025-12-31", &[]);

    let json = run(
        d,
        &[
            "inquiry", "report", "--period", "2026-H1", "--format", "json",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["format"], "testat-transparency-report");
    assert_eq!(report["version"], 1);
    assert_eq!(report["band"], 10);
    let count = |v: &serde_json::Value| v["display"].as_str().unwrap().to_owned();
    let line = |section: &str, key: &str| {
        report[section]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["key"] == key)
            .map(|l| count(&l["requests"]))
            .unwrap()
    };
    assert_eq!(line("countries", "DE"), "12");
    assert_eq!(line("countries", "US"), "0-9", "a single request is hidden");
    assert_eq!(line("kinds", "data-disclosure"), "12");
    assert_eq!(line("kinds", "interception"), "0-9");
    assert_eq!(line("kinds", "preservation"), "0-9", "0 looks like 1");
    assert_eq!(line("outcomes", "rejected"), "12");
    assert_eq!(line("outcomes", "pending"), "0-9");
    // 13 exact would reveal US = 13 - 12; the total is a range instead.
    assert_eq!(count(&report["total"]), "10-19");
    assert_eq!(count(&report["customers_notified"]), "12");
    assert_eq!(count(&report["outside_eea"]), "0-9");
    assert!(!json.contains("\"13\""), "{json}");

    let exact = run(
        d,
        &[
            "inquiry", "report", "--period", "2026-H1", "--format", "json", "--band", "1",
        ],
    );
    let exact: serde_json::Value = serde_json::from_str(&exact).unwrap();
    assert_eq!(count(&exact["total"]), "13");

    let md = run(d, &["inquiry", "report", "--period", "2026-H1"]);
    assert!(md.contains("# Transparency report 2026-H1"), "{md}");
    assert!(md.contains("| US | 0-9 |"), "{md}");
    assert!(md.contains("| DE | 12 |"), "{md}");
    assert!(md.contains("Counts below 10 are shown as 0-9"), "{md}");

    let year = run(
        d,
        &["inquiry", "report", "--period", "2025", "--format", "json"],
    );
    let year: serde_json::Value = serde_json::from_str(&year).unwrap();
    assert_eq!(count(&year["total"]), "0-9");

    at(d, NOW)
        .args([
            "inquiry",
            "report",
            "--period",
            "2026-H1",
            "--format",
            "html",
            "-o",
            "report.html",
        ])
        .assert()
        .success();
    let html = std::fs::read_to_string(d.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(
        html.contains("<td>US</td><td class=\"n\">0-9</td>"),
        "{html}"
    );
    for external in ["src=", "href=", "http://", "https://", "@import", "url("] {
        assert!(
            !html.contains(external),
            "external resource {external}: {html}"
        );
    }
    assert!(audit_events(d).starts_with("verified:"));
}

#[test]
fn evidence_reflects_the_register() {
    let dir = init();
    let d = dir.path();
    let evidence = |now: &str| {
        let out = at(d, now)
            .args(["inquiry", "evidence", "--format", "json"])
            .assert()
            .success();
        let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        v["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["criterion"].as_str().unwrap().to_owned(),
                    c["support"].as_str().unwrap().to_owned(),
                    c["reasons"].to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert!(evidence(NOW).iter().all(|(_, s, _)| s == "no-requests"));

    // A disclosure without a note and without customers: gaps in INQ-03 and INQ-04.
    add(
        d,
        "DE",
        "data-disclosure",
        "2026-02-01",
        &["--deadline", "2026-02-20"],
    );
    let e = evidence(NOW);
    assert_eq!(e[0].1, "gaps", "undecided after its deadline: {:?}", e[0]);
    assert!(
        e[0].2
            .contains("still received after its deadline 2026-02-20"),
        "{:?}",
        e[0]
    );
    run(d, &["inquiry", "advance", "1", "--to", "legal-review"]);
    run(d, &["inquiry", "advance", "1", "--to", "disclosed"]);
    let e = evidence(NOW);
    assert_eq!(e[0].1, "supported", "{:?}", e[0]);
    assert_eq!(e[2].1, "gaps", "{:?}", e[2]);
    assert!(
        e[2].2.contains("does not document what was handed over"),
        "{:?}",
        e[2]
    );
    assert_eq!(e[3].1, "gaps", "{:?}", e[3]);
    assert!(e[3].2.contains("no data categories"), "{:?}", e[3]);
    run(
        d,
        &[
            "inquiry",
            "notify",
            "1",
            "--date",
            "2026-02-25",
            "--how",
            "e-mail to the account owner",
        ],
    );
    run(d, &["inquiry", "close", "1"]);
    assert_eq!(evidence(NOW)[1].1, "supported");

    // Tampering with the register is caught by the evidence check and by verify.
    // Python's sqlite3 module edits the file behind Testat's back.
    let db = d.join(".testat/testat.db");
    let status = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); \
             c.execute(\"UPDATE inquiries SET country = 'FR' WHERE id = 1\"); c.commit()",
        ])
        .arg(&db)
        .status()
        .unwrap();
    assert!(status.success());
    let e = evidence(NOW);
    assert!(
        e.iter()
            .all(|(_, s, r)| s == "gaps" && r.contains("inquiry 1: altered")),
        "{e:?}"
    );
    at(d, NOW)
        .arg("verify")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("inquiry 1: altered"));
}
