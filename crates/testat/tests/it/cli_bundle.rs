//! CLI tests of `testat bundle export|verify`: a bundle verifies without the store,
//! and any change to a file, the manifest, the signature or an audit event, a wrong
//! key, or an unsafe name inside the archive makes verification fail, naming it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::io::Read;
use std::path::{Path, PathBuf};

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
        privileged: true
";

fn at(dir: &Path) -> assert_cmd::Command {
    crate::support::in_dir(dir, "2026-03-01T10:00:00Z", "alice")
}

/// A store with a run, a piece of file evidence, a note, an attestation and an
/// exception; returns the path of an exported bundle of 2026.
fn store_with_bundle(dir: &Path) -> PathBuf {
    at(dir).arg("init").assert().success();
    std::fs::write(dir.join("pod.yaml"), POD).unwrap();
    at(dir)
        .args(["scan", "pod.yaml", "--record"])
        .assert()
        .code(1);
    std::fs::write(
        dir.join("backup-report.pdf"),
        b"%PDF-1.4 backup restored fine",
    )
    .unwrap();
    at(dir)
        .args([
            "evidence",
            "add",
            "backup-report.pdf",
            "--criterion",
            "OPS-06",
        ])
        .args(["--effective", "2026-01-01", "--valid-until", "2026-12-31"])
        .assert()
        .success();
    at(dir)
        .args([
            "evidence",
            "add",
            "--note",
            "walkthrough",
            "--criterion",
            "OIS-01",
        ])
        .assert()
        .success();
    at(dir)
        .args(["attest", "OIS-01", "--status", "implemented"])
        .args(["--statement", "ISMS in place", "--owner", "CISO"])
        .assert()
        .success();
    at(dir)
        .args(["exceptions", "add", "--rule", "K8S-*", "--resource", "*"])
        .args(["--justification", "lab", "--approved-by", "CISO"])
        .args(["--expires", "2026-12-31"])
        .assert()
        .success();
    let out = dir.join("audit-2026.tar.zst");
    at(dir)
        .args([
            "bundle",
            "export",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
        ])
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "1 run(s), 2 evidence record(s) with 1 file(s), 1 attestation(s), 1 exception(s)",
        ));
    out
}

/// The entries of a bundle, in order.
fn unpack(path: &Path) -> Vec<(String, Vec<u8>)> {
    let file = std::fs::File::open(path).unwrap();
    let mut archive = tar::Archive::new(zstd::Decoder::new(file).unwrap());
    archive
        .entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let name = e.path().unwrap().to_string_lossy().into_owned();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).unwrap();
            (name, bytes)
        })
        .collect()
}

/// Writes `entries` as a bundle; names are written raw (even unsafe ones).
fn repack(path: &Path, entries: &[(String, Vec<u8>)]) {
    let file = std::fs::File::create(path).unwrap();
    let mut builder = tar::Builder::new(zstd::Encoder::new(file, 3).unwrap());
    for (name, bytes) in entries {
        let mut header = tar::Header::new_gnu();
        let raw = &mut header.as_gnu_mut().unwrap().name;
        raw[..name.len()].copy_from_slice(name.as_bytes());
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        builder.append(&header, bytes.as_slice()).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap();
}

/// Verifies `bundle` from an empty directory (no store); returns (exit code, stdout).
fn verify(bundle: &Path, key: Option<&str>) -> (i32, String) {
    let elsewhere = tempfile::tempdir().unwrap();
    let mut command = at(elsewhere.path());
    command.args(["bundle", "verify"]).arg(bundle);
    if let Some(key) = key {
        command.args(["--key", key]);
    }
    let out = command.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Repacks `bundle` with `change` applied, verifies it; returns (exit code, stdout).
fn tampered(bundle: &Path, change: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) -> (i32, String) {
    let mut entries = unpack(bundle);
    change(&mut entries);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tampered.tar.zst");
    repack(&path, &entries);
    verify(&path, None)
}

fn entry<'a>(entries: &'a mut [(String, Vec<u8>)], prefix: &str) -> &'a mut (String, Vec<u8>) {
    entries
        .iter_mut()
        .find(|(n, _)| n.starts_with(prefix))
        .unwrap()
}

#[test]
fn an_exported_bundle_verifies_without_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = store_with_bundle(dir.path());
    let (code, out) = verify(&bundle, None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("verified: "), "{out}");
    assert!(out.contains("bundle 2026-01-01 to 2026-12-31"), "{out}");

    let names: Vec<String> = unpack(&bundle).into_iter().map(|(n, _)| n).collect();
    let sha = testat_sha(b"%PDF-1.4 backup restored fine");
    for want in [
        "manifest.json",
        "manifest.sig",
        "audit/events.json",
        "records/runs.json",
        "records/evidence.json",
        "records/attestations.json",
        "records/exceptions.json",
        &format!("evidence/{sha}"),
    ] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }
    let entries = unpack(&bundle);
    let manifest: serde_json::Value = serde_json::from_slice(
        &entries
            .iter()
            .find(|(n, _)| n == "manifest.json")
            .unwrap()
            .1,
    )
    .unwrap();
    let public = std::fs::read_to_string(dir.path().join(".testat/keys/signing.pub")).unwrap();
    assert_eq!(manifest["public_key"], public.trim());
    // init, run, 2 evidence, attestation, exception: the whole log is in 2026.
    assert_eq!(manifest["audit"]["first_seq"], 1);
    assert_eq!(manifest["audit"]["last_seq"], 6);
    assert_eq!(manifest["audit"]["head_seq"], 6);
    let runs: serde_json::Value = serde_json::from_slice(
        &entries
            .iter()
            .find(|(n, _)| n == "records/runs.json")
            .unwrap()
            .1,
    )
    .unwrap();
    assert_eq!(runs[0]["inputs"].as_array().unwrap().len(), 1);
    assert!(!runs[0]["criteria"].as_array().unwrap().is_empty());

    // The key received separately, as a file or as hex.
    let key_file = dir.path().join(".testat/keys/signing.pub");
    assert_eq!(verify(&bundle, Some(key_file.to_str().unwrap())).0, 0);
    assert_eq!(verify(&bundle, Some(public.trim())).0, 0);

    // A period with nothing in it is still a valid bundle.
    let empty = dir.path().join("2025.tar.zst");
    at(dir.path())
        .args([
            "bundle",
            "export",
            "--from",
            "2025-01-01",
            "--to",
            "2025-12-31",
        ])
        .arg("--out")
        .arg(&empty)
        .assert()
        .success()
        .stdout(predicate::str::contains("0 run(s), 0 evidence record(s)"));
    assert_eq!(verify(&empty, None).0, 0);

    // Export never overwrites.
    at(dir.path())
        .args([
            "bundle",
            "export",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
        ])
        .arg("--out")
        .arg(&bundle)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refuses to overwrite"));
}

fn testat_sha(bytes: &[u8]) -> String {
    testat_store::sha256_hex(bytes)
}

#[test]
fn any_change_to_the_bundle_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = store_with_bundle(dir.path());
    let sha = testat_sha(b"%PDF-1.4 backup restored fine");

    // An evidence file.
    let (code, out) = tampered(&bundle, |e| entry(e, "evidence/").1.push(b'!'));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("FAILED evidence/{sha}: altered")),
        "{out}"
    );

    // A record.
    let (code, out) = tampered(&bundle, |e| {
        let runs = &mut entry(e, "records/runs.json").1;
        *runs = String::from_utf8(runs.clone())
            .unwrap()
            .replace("alice", "mallory")
            .into_bytes();
    });
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAILED records/runs.json: altered"), "{out}");

    // The manifest (re-listing a changed file's hash does not help: the signature breaks).
    let (code, out) = tampered(&bundle, |e| {
        let m = &mut entry(e, "manifest.json").1;
        *m = String::from_utf8(m.clone())
            .unwrap()
            .replace("alice", "mallory")
            .into_bytes();
    });
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAILED manifest.sig: does not match manifest.json"),
        "{out}"
    );

    // The signature.
    let (code, out) = tampered(&bundle, |e| {
        let s = &mut entry(e, "manifest.sig").1;
        s[0] = if s[0] == b'0' { b'1' } else { b'0' };
    });
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAILED manifest.sig"), "{out}");

    // An audit event.
    let (code, out) = tampered(&bundle, |e| {
        let events = &mut entry(e, "audit/events.json").1;
        let mut v: serde_json::Value = serde_json::from_slice(events).unwrap();
        v["events"][2]["actor"] = "mallory".into();
        *events = serde_json::to_vec_pretty(&v).unwrap();
    });
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAILED audit event 3: altered"), "{out}");
    assert!(out.contains("FAILED audit/events.json: altered"), "{out}");

    // An audit event removed from the slice.
    let (code, out) = tampered(&bundle, |e| {
        let events = &mut entry(e, "audit/events.json").1;
        let mut v: serde_json::Value = serde_json::from_slice(events).unwrap();
        v["events"].as_array_mut().unwrap().remove(3);
        *events = serde_json::to_vec_pretty(&v).unwrap();
    });
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAILED audit event 5: out of sequence"),
        "{out}"
    );

    // A file added, a file removed.
    let (code, out) = tampered(&bundle, |e| {
        e.push(("evidence/extra".into(), b"x".to_vec()))
    });
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAILED evidence/extra: added"), "{out}");
    let (code, out) = tampered(&bundle, |e| e.retain(|(n, _)| !n.starts_with("evidence/")));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("FAILED evidence/{sha}: missing")),
        "{out}"
    );

    // Repacked unchanged, it still verifies.
    let (code, out) = tampered(&bundle, |_| {});
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_bundle_signed_by_another_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = store_with_bundle(dir.path());
    let other = tempfile::tempdir().unwrap();
    at(other.path()).arg("init").assert().success();
    let other_key = other.path().join(".testat/keys/signing.pub");
    let (code, out) = verify(&bundle, Some(other_key.to_str().unwrap()));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAILED manifest.json: signed for public key"),
        "{out}"
    );
    assert!(out.contains("not the key given"), "{out}");
    let (code, out) = verify(&bundle, Some(&"0".repeat(63)));
    assert_eq!(code, 2, "{out}");
}

#[test]
fn unsafe_names_in_a_crafted_archive_are_refused_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = store_with_bundle(dir.path());
    for bad in ["../x", "/tmp/testat-bundle-x", "evidence/../../x"] {
        let work = tempfile::tempdir().unwrap();
        let inner = work.path().join("a/b");
        std::fs::create_dir_all(&inner).unwrap();
        let mut entries = unpack(&bundle);
        entries.insert(0, (bad.to_owned(), b"owned".to_vec()));
        let path = inner.join("crafted.tar.zst");
        repack(&path, &entries);
        let out = at(&inner)
            .args(["bundle", "verify", "crafted.tar.zst"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{bad}: {stdout}");
        assert!(
            stdout.contains(&format!("FAILED {bad}: unsafe name")),
            "{bad}: {stdout}"
        );
        assert!(!work.path().join("a/x").exists());
        assert!(!work.path().join("x").exists());
        assert!(!Path::new("/tmp/testat-bundle-x").exists());
        let listed: Vec<_> = std::fs::read_dir(&inner).unwrap().flatten().collect();
        assert_eq!(listed.len(), 1, "verify wrote nothing");
    }
}
