//! `testat transition --to 2026` on a C5:2020 store built with the CLI, and the
//! audited carry-over `testat attest … --from-2020`.

use std::path::Path;

use serde_json::{Value, json};

use crate::support::in_dir;

const NOW: &str = "2027-01-10T09:00:00Z";

fn ok(dir: &Path, args: &[&str]) -> std::process::Output {
    let output = in_dir(dir, NOW, "alice").args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn criterion<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

/// The sub-criteria of a C5:2026 criterion, as `catalog show` lists them.
fn subcriteria(id: &str) -> Vec<String> {
    let elsewhere = tempfile::tempdir().unwrap();
    let output = ok(
        elsewhere.path(),
        &["--c5", "2026", "catalog", "show", id, "-f", "json"],
    );
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    doc["criterion"]["subcriteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

const RULE: &str = r#"id: OUR-CRYPTO-REVIEW
title: Crypto review tag present
severity: low
criteria: [CRY-01]
criteria_2026: [CRY-03.01B]
provider: aws
resources: [aws_s3_bucket]
condition: has(resource.tags)
message: No tags.
remediation: Add tags.
"#;

#[test]
fn transition_lists_what_carries_over_and_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    std::fs::create_dir(d.join("ours")).unwrap();
    std::fs::write(d.join("ours/review.yaml"), RULE).unwrap();
    std::fs::write(d.join("testat.toml"), "[scan]\nrules = [\"ours\"]\n").unwrap();
    // 1: valid today, lapses before June 2027. 2: valid beyond. 3: expired already.
    for (criterion, note, until) in [
        ("CRY-01", "crypto policy", "2027-03-31"),
        ("IDM-01", "access policy", "2028-01-31"),
        ("IDM-01", "old access policy", "2026-12-31"),
    ] {
        ok(
            d,
            &[
                "evidence",
                "add",
                "--criterion",
                criterion,
                "--note",
                note,
                "--valid-until",
                until,
            ],
        );
    }
    ok(
        d,
        &[
            "attest",
            "OIS-01",
            "--status",
            "implemented",
            "--statement",
            "ISMS runs",
            "--owner",
            "ciso",
        ],
    );

    let output = ok(d, &["transition", "--to", "2026", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["from"], "C5:2020");
    assert_eq!(doc["to"], "C5:2026");
    assert_eq!(doc["first_period"], "2027-06-01");
    assert_eq!(doc["criteria"].as_array().unwrap().len(), 174);

    let iam = criterion(&doc, "IAM-01");
    assert_eq!(iam["counterparts"][0]["id"], "IDM-01");
    assert_eq!(iam["counterparts"][0]["relation"], "equal");
    assert_eq!(
        iam["evidence"],
        json!([{"id": 2, "via": "IDM-01", "valid_until": "2028-01-31"}])
    );
    assert_eq!(iam["lapsing"], json!([]));
    assert_eq!(iam["subcriteria_to_cover"], json!([]));
    assert_eq!(iam["new"], false);

    for id in ["CRY-01", "CRY-11"] {
        let c = criterion(&doc, id);
        assert_eq!(
            c["lapsing"],
            json!([{"id": 1, "via": "CRY-01", "valid_until": "2027-03-31"}]),
            "{id}"
        );
        assert_eq!(c["evidence"], json!([]), "{id}");
    }
    let cry01 = criterion(&doc, "CRY-01");
    assert_eq!(cry01["subcriteria_to_cover"], json!(subcriteria("CRY-01")));

    let ois = criterion(&doc, "OIS-01");
    assert_eq!(
        ois["attestations"],
        json!([{"id": 1, "via": "OIS-01", "status": "implemented"}])
    );

    // CRY-03 is new in 2026; our rule tests one of its sub-criteria.
    let cry03 = criterion(&doc, "CRY-03");
    assert_eq!(cry03["new"], true);
    assert_eq!(cry03["counterparts"], json!([]));
    assert_eq!(cry03["rules"], json!(["OUR-CRYPTO-REVIEW"]));
    assert_eq!(cry03["tested_subcriteria"], json!(["CRY-03.01B"]));
    let rest: Vec<String> = subcriteria("CRY-03")
        .into_iter()
        .filter(|s| s != "CRY-03.01B")
        .collect();
    assert_eq!(cry03["subcriteria_to_cover"], json!(rest));

    let gc02 = criterion(&doc, "GC-02");
    assert_eq!(gc02["new"], true);

    // Counts per domain add up from the entries.
    let cry = doc["domains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "CRY")
        .unwrap();
    assert_eq!(cry["lapsing_evidence"], 2);
    let entries: Vec<&Value> = doc["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["domain"] == "CRY")
        .collect();
    assert_eq!(cry["criteria"], entries.len());
    assert_eq!(
        cry["new"],
        entries.iter().filter(|c| c["new"] == true).count()
    );
    let iam_domain = doc["domains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "IAM")
        .unwrap();
    assert!(iam_domain["carried"].as_u64().unwrap() >= 1);

    // Markdown and HTML carry the same items.
    let md = String::from_utf8(ok(d, &["transition", "--to", "2026"]).stdout).unwrap();
    assert!(md.contains("## IAM-01 "), "{md}");
    assert!(
        md.contains("- carries over: evidence: \\#2 \\(IDM-01, until 2028-01-31\\)"),
        "{md}"
    );
    assert!(md.contains("| CRY Cryptography"), "{md}");
    assert!(md.contains("missing: new in C5:2026"));
    let html =
        String::from_utf8(ok(d, &["transition", "--to", "2026", "-f", "html"]).stdout).unwrap();
    assert!(html.contains("<section id=\"CRY-03\">") && html.contains("OUR-CRYPTO-REVIEW"));

    // Nothing was changed: the store is still C5:2020, and a C5:2026 store refuses.
    let new = tempfile::tempdir().unwrap();
    ok(new.path(), &["init", "--c5", "2026"]);
    let output = in_dir(new.path(), NOW, "alice")
        .args(["transition", "--to", "2026"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("starts from a C5:2020 store"));
}

#[test]
fn carrying_an_attestation_over_is_explicit_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init", "--c5", "2026"]);
    let output = ok(
        d,
        &[
            "attest",
            "IAM-01",
            "--from-2020",
            "idm-01",
            "--status",
            "implemented",
            "--statement",
            "Access policy carried over",
            "--owner",
            "ciso",
        ],
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("IAM-01 is implemented (carried over from C5:2020 IDM-01)"),
        "{text}"
    );
    // The audit log names both criteria.
    let rows = audit_rows(&d.join(".testat/testat.db"));
    assert!(
        rows.contains("attest.carry|carry-over C5:2020 IDM-01 to C5:2026 IAM-01|")
            && rows.contains("\"from_2020\":\"IDM-01\"")
            && rows.contains("attest|attestation 1|"),
        "{rows}"
    );
    ok(d, &["verify"]);

    // Not a counterpart, and not into a C5:2020 store.
    let output = in_dir(d, NOW, "alice")
        .args([
            "attest",
            "IAM-01",
            "--from-2020",
            "CRY-01",
            "--status",
            "implemented",
            "--statement",
            "x",
            "--owner",
            "y",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let e = String::from_utf8_lossy(&output.stderr);
    assert!(
        e.contains("C5:2020 CRY-01 is not a counterpart of C5:2026 IAM-01") && e.contains("IDM-01"),
        "{e}"
    );
    let old = tempfile::tempdir().unwrap();
    ok(old.path(), &["init"]);
    let output = in_dir(old.path(), NOW, "alice")
        .args([
            "attest",
            "OIS-01",
            "--from-2020",
            "OIS-01",
            "--status",
            "implemented",
            "--statement",
            "x",
            "--owner",
            "y",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("into a C5:2026 engagement"));
}

/// The attestation events of the audit log, one `action|object|payload` line each,
/// read straight from the SQLite file.
fn audit_rows(db: &Path) -> String {
    use sqlx::Connection;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let url = format!("sqlite://{}", db.display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT action, object, payload FROM audit_events \
             WHERE action LIKE 'attest%' ORDER BY seq",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap();
        rows.into_iter()
            .map(|(action, object, payload)| format!("{action}|{object}|{payload}\n"))
            .collect()
    })
}
