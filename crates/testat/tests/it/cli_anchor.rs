//! `testat verify --anchor FILE` on a real store: an anchor saved from the running
//! server's `/trust/anchor` (and from a published `/trust.json`) holds on the untouched
//! store, a forged signature fails, and a history rewritten end to end (every event and
//! the head recomputed, which plain `verify` cannot tell) fails with exit code 1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::in_dir;
use predicates::prelude::*;
use sqlx::Connection;

const NOW: &str = "2026-03-10T10:00:00Z";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn serve(dir: &Path, port: u16) -> Child {
    let child = Command::new(assert_cmd::cargo::cargo_bin("testat"))
        .current_dir(dir)
        .env("TESTAT_NOW", NOW)
        .env_remove("TESTAT_DATABASE_URL")
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while ureq::get(&format!("http://127.0.0.1:{port}/api/health"))
        .call()
        .is_err()
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    child
}

fn stop(child: Child) {
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "serve exited with {:?}", out.status);
}

fn get(url: &str) -> String {
    ureq::get(url)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap()
}

/// The audit event hash as docs/store.md defines it.
fn event_hash(fields: [&str; 7]) -> String {
    let mut buf = Vec::new();
    for field in std::iter::once("testat-audit-v1").chain(fields) {
        buf.extend_from_slice(&(field.len() as u64).to_be_bytes());
        buf.extend_from_slice(field.as_bytes());
    }
    testat_store::sha256_hex(&buf)
}

/// What someone with write access to the database can do: change an old event (here,
/// who made it), recompute every hash after it and move the head. Every record still
/// matches its event's payload, so the store is consistent in itself.
async fn rewrite_history(db: &Path) {
    let url = format!("sqlite://{}", db.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let events: Vec<(i64, i64, String, String, String, String)> = sqlx::query_as(
        "SELECT seq, at, actor, action, object, payload_sha256 FROM audit_events ORDER BY seq",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut prev = "0".repeat(64);
    for (seq, at, actor, action, object, payload_sha256) in events {
        let actor = if seq == 1 {
            "mallory".to_owned()
        } else {
            actor
        };
        let hash = event_hash([
            &seq.to_string(),
            &at.to_string(),
            &actor,
            &action,
            &object,
            &payload_sha256,
            &prev,
        ]);
        sqlx::query("UPDATE audit_events SET actor = $1, prev_hash = $2, hash = $3 WHERE seq = $4")
            .bind(&actor)
            .bind(&prev)
            .bind(&hash)
            .bind(seq)
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(seq)
            .bind(&hash)
            .execute(&mut conn)
            .await
            .unwrap();
        prev = hash;
    }
    conn.close().await.unwrap();
}

#[test]
fn saved_anchors_detect_a_history_rewritten_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    in_dir(d, NOW, "setup").arg("init").assert().success();
    for note in ["ISO 27001 certificate", "role matrix"] {
        in_dir(d, NOW, "alice")
            .args(["evidence", "add", "--note", note, "--criterion", "OIS-01"])
            .assert()
            .success();
    }
    let made = in_dir(d, NOW, "setup")
        .args([
            "token",
            "add",
            "publisher",
            "--role",
            "admin",
            "--days",
            "30",
        ])
        .output()
        .unwrap();
    assert!(made.status.success());
    let token = String::from_utf8(made.stdout)
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_owned();

    // Save the anchor the server publishes, then publish the trust page (which embeds
    // the anchor of its moment) and save that too.
    let port = free_port();
    let server = serve(d, port);
    let url = format!("http://127.0.0.1:{port}");
    let anchor_file = d.join("anchor.json");
    std::fs::write(&anchor_file, get(&format!("{url}/trust/anchor"))).unwrap();
    let published = ureq::post(&format!("{url}/api/trust/publish"))
        .header("Authorization", &format!("Bearer {token}"))
        .send_json(serde_json::json!({}))
        .unwrap();
    assert_eq!(published.status(), 201);
    let snapshot_file = d.join("trust.json");
    std::fs::write(&snapshot_file, get(&format!("{url}/trust.json"))).unwrap();
    stop(server);
    let anchor: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&anchor_file).unwrap()).unwrap();
    assert_eq!(anchor["format"], "testat-anchor/v1");

    // The untouched store: both hold.
    for file in [&anchor_file, &snapshot_file] {
        in_dir(d, NOW, "auditor")
            .args(["verify", "--anchor", file.to_str().unwrap()])
            .assert()
            .success()
            .stdout(predicate::str::contains("anchor verified: event"));
    }

    // A forged signature fails.
    let mut forged = anchor.clone();
    let signature = forged["signature"].as_str().unwrap().to_owned();
    let flipped = if signature.starts_with('0') { "1" } else { "0" };
    forged["signature"] = format!("{flipped}{}", &signature[1..]).into();
    let forged_file = d.join("forged.json");
    std::fs::write(&forged_file, forged.to_string()).unwrap();
    in_dir(d, NOW, "auditor")
        .args(["verify", "--anchor", forged_file.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "FAILED anchor: anchor signature: not valid for this store's public key",
        ));
    // So does an anchor whose event was changed after signing.
    let mut moved = anchor.clone();
    moved["seq"] = (anchor["seq"].as_i64().unwrap() - 1).into();
    std::fs::write(&forged_file, moved.to_string()).unwrap();
    in_dir(d, NOW, "auditor")
        .args(["verify", "--anchor", forged_file.to_str().unwrap()])
        .assert()
        .code(1);

    // Rewrite the whole history with a recomputed chain: plain verify sees nothing …
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(rewrite_history(&d.join(".testat/testat.db")));
    in_dir(d, NOW, "auditor").arg("verify").assert().success();
    // … the saved anchors do.
    for file in [&anchor_file, &snapshot_file] {
        in_dir(d, NOW, "auditor")
            .args(["verify", "--anchor", file.to_str().unwrap()])
            .assert()
            .code(1)
            .stdout(predicate::str::contains("FAILED anchor: audit event"))
            .stdout(predicate::str::contains("rewritten"))
            .stdout(predicate::str::contains("anchor FAILED"));
    }

    // Without the store's public key the check cannot run, and says what is missing.
    std::fs::remove_file(d.join(".testat/keys/signing.pub")).unwrap();
    in_dir(d, NOW, "auditor")
        .args(["verify", "--anchor", anchor_file.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("signing.pub is missing"));
    // A store named only by its database has no keys folder.
    let elsewhere = tempfile::tempdir().unwrap();
    in_dir(elsewhere.path(), NOW, "auditor")
        .args(["--db", d.join(".testat/testat.db").to_str().unwrap()])
        .args(["verify", "--anchor", anchor_file.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no keys folder"));
    // Not an anchor at all.
    let junk = d.join("junk.json");
    std::fs::write(&junk, "{\"format\": \"something/v9\"}").unwrap();
    in_dir(d, NOW, "auditor")
        .args(["verify", "--anchor", junk.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a testat-anchor/v1 anchor"));
}
