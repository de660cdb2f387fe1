//! CLI tests of the store commands: init, scan --record, runs, evidence, attest,
//! exceptions and verify, on real SQLite files in temporary directories.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::path::Path;

use predicates::prelude::*;

const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
    - name: web
      image: nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000
      securityContext:
        privileged: PRIVILEGED
";

/// `testat` in `dir`, with a fixed clock and actor.
fn at(dir: &Path) -> assert_cmd::Command {
    crate::support::in_dir(dir, "2026-03-01T10:00:00Z", "alice")
}

fn init(dir: &Path) {
    at(dir)
        .arg("init")
        .assert()
        .success()
        .stdout(predicate::str::contains("public key (Ed25519): "));
}

fn pod(dir: &Path, privileged: bool) -> std::path::PathBuf {
    let path = dir.join("pod.yaml");
    std::fs::write(
        &path,
        POD.replace("PRIVILEGED", if privileged { "true" } else { "false" }),
    )
    .unwrap();
    path
}

#[test]
fn init_creates_the_store_with_a_private_key() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let root = dir.path().join(".testat");
    assert!(root.join("config.toml").is_file());
    assert!(root.join("testat.db").is_file());
    assert!(root.join("evidence").is_dir());
    let public = std::fs::read_to_string(root.join("keys/signing.pub")).unwrap();
    assert_eq!(public.trim().len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(root.join("keys/signing.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    at(dir.path())
        .arg("init")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    at(dir.path())
        .arg("verify")
        .assert()
        .success()
        .stdout(predicate::str::contains("verified: 1 audit events"));
}

#[test]
fn store_commands_without_a_store_say_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    at(dir.path())
        .args(["runs", "list"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("no Testat store here")
                .and(predicate::str::contains("testat init")),
        );
}

#[test]
fn database_passwords_never_appear_in_messages() {
    let dir = tempfile::tempdir().unwrap();
    at(dir.path())
        .args([
            "--db",
            "postgres://alice:s3cret-pw@127.0.0.1:1/testat",
            "verify",
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("postgres://alice:***@127.0.0.1:1/testat")
                .and(predicate::str::contains("s3cret").not()),
        );
}

#[test]
fn recorded_runs_can_be_listed_shown_and_compared() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let plan = pod(dir.path(), true);
    at(dir.path())
        .args(["scan", "--record"])
        .arg(&plan)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("recorded run 1 in the store"));
    pod(dir.path(), false);
    at(dir.path())
        .env("TESTAT_NOW", "2026-03-01T11:00:00Z")
        .args(["scan", "--record"])
        .arg(&plan)
        .assert()
        .stderr(predicate::str::contains("recorded run 2 in the store"));
    at(dir.path())
        .args(["runs", "list"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("1   2026-03-01T10:00:00Z")
                .and(predicate::str::contains("2   2026-03-01T11:00:00Z")),
        );
    at(dir.path())
        .args(["runs", "show", "1"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("K8S-NO-PRIVILEGED  Pod/shop/web")
                .and(predicate::str::contains("kubernetes"))
                .and(predicate::str::contains("by alice")),
        );
    at(dir.path())
        .args(["runs", "diff", "1", "2"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("fail -> pass  K8S-NO-PRIVILEGED  Pod/shop/web")
                .and(predicate::str::contains("1 finding(s) differ")),
        );
    at(dir.path())
        .args([
            "runs",
            "failed",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-01",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "failed in 1 run(s), first 2026-03-01T10:00:00Z",
        ));
    at(dir.path())
        .args(["runs", "show", "7"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("run 7 not found"));
    at(dir.path()).arg("verify").assert().success();
}

#[test]
fn store_exceptions_apply_to_scans() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let plan = pod(dir.path(), true);
    at(dir.path())
        .args([
            "exceptions",
            "add",
            "--rule",
            "K8S-NO-PRIVILEGED",
            "--resource",
            "Pod/shop/*",
            "--justification",
            "CNI agent",
            "--approved-by",
            "CISO",
            "--expires",
            "2026-12-31",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("stored exception 1"));
    at(dir.path())
        .args(["scan", "--record", "-f", "json"])
        .arg(&plan)
        .assert()
        .stdout(predicate::str::contains("\"excepted\""));
    at(dir.path())
        .args(["runs", "list", "-f", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"excepted\": 1"));
    at(dir.path())
        .args(["exceptions", "list", "--expired"])
        .assert()
        .success()
        .stdout("no expired exceptions\n");
    at(dir.path())
        .env("TESTAT_NOW", "2027-01-02T00:00:00Z")
        .args(["exceptions", "list", "--expired"])
        .assert()
        .success()
        .stdout(predicate::str::contains("EXPIRED until 2026-12-31"));
}

#[test]
fn evidence_is_stored_once_listed_and_exported_safely() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    std::fs::write(dir.path().join("backup report.pdf"), b"%PDF backup").unwrap();
    at(dir.path())
        .args([
            "evidence",
            "add",
            "backup report.pdf",
            "--criterion",
            "OPS-6",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("OPS-06"));
    for _ in 0..2 {
        at(dir.path())
            .args([
                "evidence",
                "add",
                "backup report.pdf",
                "--criterion",
                "ops-06",
                "--effective",
                "2026-01-01",
                "--valid-until",
                "2026-12-31",
            ])
            .assert()
            .success()
            .stdout(predicate::str::contains("for OPS-06"));
    }
    at(dir.path())
        .args([
            "evidence",
            "add",
            "--note",
            "walkthrough with the CISO",
            "--criterion",
            "OIS-01",
        ])
        .assert()
        .success();
    let blobs: Vec<_> = walk(&dir.path().join(".testat/evidence/objects"));
    assert_eq!(blobs.len(), 1, "deduplicated: {blobs:?}");
    at(dir.path())
        .args(["evidence", "list", "--criterion", "OPS-06"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("effective 2026-01-01")
                .and(predicate::str::contains("walkthrough").not()),
        );
    at(dir.path())
        .args(["evidence", "show", "1"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("application/pdf").and(predicate::str::contains(
                "added        2026-03-01T10:00:00Z by alice",
            )),
        );
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    at(dir.path())
        .args(["evidence", "export", "1", "--to", "out"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(out.join("backup report.pdf")).unwrap(),
        b"%PDF backup"
    );
    at(dir.path())
        .args(["evidence", "export", "1", "--to", "out"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refuses to overwrite"));
    at(dir.path()).arg("verify").assert().success();

    // Tampering with the stored file is found and named.
    std::fs::write(&blobs[0], b"%PDF forged").unwrap();
    at(dir.path()).arg("verify").assert().code(1).stdout(
        predicate::str::contains("FAILED evidence file").and(predicate::str::contains("altered")),
    );
    std::fs::remove_file(&blobs[0]).unwrap();
    at(dir.path())
        .arg("verify")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("removed: the file is missing"));
}

#[test]
fn evidence_names_cannot_escape_the_export_folder() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/..evil"), b"x").unwrap();
    at(dir.path())
        .args(["evidence", "add", "sub/..evil", "--criterion", "OPS-06"])
        .assert()
        .success();
    at(dir.path())
        .args(["evidence", "show", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("name         evil"));
    at(dir.path())
        .args(["evidence", "add", "missing.pdf", "--criterion", "OPS-06"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.pdf"));
    at(dir.path())
        .args(["evidence", "add", "--criterion", "OPS-06"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to add"));
}

#[test]
fn attestations_are_kept_as_history() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    at(dir.path())
        .args([
            "attest",
            "ois-01",
            "--status",
            "planned",
            "--statement",
            "ISMS being set up",
            "--owner",
            "CISO",
        ])
        .assert()
        .success()
        .stdout("recorded attestation 1: OIS-01 is planned\n");
    at(dir.path())
        .env("TESTAT_NOW", "2026-06-01T00:00:00Z")
        .args([
            "attest",
            "OIS-01",
            "--status",
            "implemented",
            "--statement",
            "ISMS certified",
            "--owner",
            "CISO",
            "--next-review",
            "2027-06-01",
        ])
        .assert()
        .success();
    at(dir.path())
        .args(["attest", "OIS-01", "--history"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("2026-03-01T10:00:00Z  planned")
                .and(predicate::str::contains(
                    "2026-06-01T00:00:00Z  implemented",
                ))
                .and(predicate::str::contains("next review 2027-06-01")),
        );
    at(dir.path())
        .args(["attest", "OIS-01", "--status", "planned"])
        .assert()
        .code(2);
    at(dir.path())
        .arg("verify")
        .assert()
        .success()
        .stdout(predicate::str::contains("3 audit events, 2 records"));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.path().is_dir() {
                out.extend(walk(&e.path()));
            } else {
                out.push(e.path());
            }
        }
    }
    out
}
