//! `testat serve`, `testat user`, `testat token` and `testat scan --record --server`:
//! the real binary serving on loopback, and the real binary uploading to it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{in_dir, repo_root};
use predicates::prelude::*;

const NOW: &str = "2026-03-10T10:00:00Z";

/// A free port on loopback.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `testat serve` in `dir`, waiting until it answers.
fn serve(dir: &std::path::Path, port: u16) -> Child {
    let child = Command::new(assert_cmd::cargo::cargo_bin("testat"))
        .current_dir(dir)
        .env("TESTAT_NOW", NOW)
        .env_remove("TESTAT_DATABASE_URL")
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
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

fn stop(child: Child) -> String {
    // SIGTERM: the server finishes requests in flight and exits 0.
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "serve exited with {:?}", out.status);
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn ci_uploads_a_scan_to_the_server_with_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    in_dir(d, NOW, "setup").arg("init").assert().success();
    in_dir(d, NOW, "setup")
        .args(["user", "add", "alice", "--role", "admin"])
        .write_stdin("short\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at least 12 characters"));
    in_dir(d, NOW, "setup")
        .args(["user", "add", "alice", "--role", "admin"])
        .env("TESTAT_PASSWORD", "a long enough password")
        .assert()
        .success();
    let made = in_dir(d, NOW, "setup")
        .args(["token", "add", "ci", "--role", "editor", "--days", "30"])
        .output()
        .unwrap();
    assert!(made.status.success());
    let made = String::from_utf8(made.stdout).unwrap();
    let token = made.lines().nth(1).unwrap().to_owned();
    assert!(token.starts_with("tt_"), "{made}");
    in_dir(d, NOW, "setup")
        .args(["token", "add", "x", "--role", "wizard"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown role `wizard`"));

    let port = free_port();
    let server = serve(d, port);
    let url = format!("http://127.0.0.1:{port}");
    let examples = repo_root().join("examples");
    // The examples fail on purpose: exit 1, and the run is recorded on the server.
    let scan = |token: &str| {
        let mut c = in_dir(d, NOW, "ci");
        c.args([
            "scan",
            examples.to_str().unwrap(),
            "--format",
            "json",
            "--output",
            "/dev/null",
        ])
        .args(["--record", "--server", &url, "--token", token]);
        c
    };
    scan(&token)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("recorded run 1 on"));
    scan("tt_wrong")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refused the run (401)"));
    let runs: serde_json::Value = ureq::get(&format!("{url}/api/runs"))
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    assert_eq!(runs.as_array().unwrap().len(), 1);
    assert_eq!(runs[0]["actor"], "token 1 (ci)");
    let log = stop(server);
    assert!(log.contains("testat server listening"), "{log}");
    assert!(log.contains("shutting down"), "{log}");
    // Revoked, the token no longer uploads.
    in_dir(d, NOW, "setup")
        .args(["token", "revoke", "1"])
        .assert()
        .success();
    let server = serve(d, port);
    scan(&token)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("revoked"));
    stop(server);
    in_dir(d, NOW, "setup")
        .args(["token", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("REVOKED"));
}

#[test]
fn the_server_of_a_c5_2026_store_works_with_c5_2026() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    in_dir(d, NOW, "setup")
        .args(["init", "--c5", "2026"])
        .assert()
        .success();
    let made = in_dir(d, NOW, "setup")
        .args(["token", "add", "reader", "--role", "auditor", "--days", "1"])
        .output()
        .unwrap();
    assert!(made.status.success());
    let made = String::from_utf8(made.stdout).unwrap();
    let token = made.lines().nth(1).unwrap().to_owned();
    let port = free_port();
    let server = serve(d, port);
    let get = |path: &str| {
        ureq::get(&format!("http://127.0.0.1:{port}{path}"))
            .header("Authorization", &format!("Bearer {token}"))
            .config()
            .http_status_as_error(false)
            .build()
            .call()
            .unwrap()
    };
    let mut all = get("/api/status");
    assert_eq!(all.status(), 200);
    let all: serde_json::Value = all.body_mut().read_json().unwrap();
    let ids: Vec<&str> = all["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["criterion"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"IAM-01") && !ids.contains(&"IDM-01"),
        "{ids:?}"
    );
    assert_eq!(get("/api/status/IAM-01").status(), 200);
    assert_eq!(get("/api/status/IDM-01").status(), 404);
    stop(server);
}
