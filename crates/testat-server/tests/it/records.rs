//! Evidence (uploads, links, notes, downloads), attestations and exceptions through
//! the API: the happy paths, roles that may not, bad input, and that a refused
//! request leaves nothing behind.

use std::path::Path;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use testat_records::Role;
use testat_server::ServerConfig;
use testat_store::{Location, Store};

use crate::support::{Reply, Server};

const BOUNDARY: &str = "testat-boundary-5f2c9a";

/// A server whose SQLite store keeps evidence files in `evidence/` of its folder.
pub async fn with_evidence_folder(config: ServerConfig) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&Location::sqlite(
        &dir.path().join("store.db"),
        Some(dir.path().join("evidence")),
    ))
    .await
    .unwrap();
    Server::over(store, dir, config).await
}

/// One part of a form: name, file name (for files), content.
pub struct Part<'a>(pub &'a str, pub Option<&'a str>, pub &'a [u8]);

/// A `multipart/form-data` body of `parts`.
pub fn form(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for Part(name, file, data) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let disposition = match file {
            Some(f) => format!("form-data; name=\"{name}\"; filename=\"{f}\""),
            None => format!("form-data; name=\"{name}\""),
        };
        body.extend_from_slice(format!("Content-Disposition: {disposition}\r\n").as_bytes());
        if file.is_some() {
            body.extend_from_slice(b"Content-Type: application/octet-stream\r\n");
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Uploads `parts` as `role`, declaring the length when `length` is set.
pub async fn upload(s: &Server, role: Role, parts: &[Part<'_>], length: bool) -> Reply {
    let body = form(parts);
    let mut request = Request::post("/api/evidence")
        .header(header::AUTHORIZATION, format!("Bearer {}", s.token(role)))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        );
    if length {
        request = request.header(header::CONTENT_LENGTH, body.len());
    }
    s.send(request.body(Body::from(body)).unwrap()).await
}

/// Every file under `dir` (recursively).
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path.display().to_string());
        }
    }
    out
}

async fn status_of(s: &Server, criterion: &str) -> String {
    let r = s
        .call(
            "GET",
            &format!("/api/status/{criterion}"),
            Some(Role::Viewer),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["criterion"]["status"].as_str().unwrap().to_owned()
}

fn assert_error(r: &Reply, status: StatusCode, needle: &str) {
    assert_eq!(r.status, status, "{}", r.text());
    let body = r.json();
    assert_eq!(body["error"]["status"], status.as_u16(), "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains(needle), "`{needle}` not in `{message}`");
}

#[tokio::test]
async fn an_uploaded_file_is_listed_downloaded_and_moves_the_status() {
    let s = with_evidence_folder(ServerConfig::default()).await;
    let before = status_of(&s, "OIS-01").await;
    let content = b"%PDF-1.7 policy signed by the board";
    let r = upload(
        &s,
        Role::Editor,
        &[
            Part("criterion", None, b"ois-01"),
            Part("criterion", None, b"OIS-02"),
            Part("file", Some("security policy.pdf"), content),
            Part("note", None, b"signed <b>2026</b>"),
            Part("effective", None, b"2026-01-01"),
            Part("valid_until", None, b"2026-12-31"),
        ],
        true,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let added = r.json();
    let id = added["id"].as_i64().unwrap();
    assert_eq!(added["kind"], "file");
    assert_eq!(added["name"], "security policy.pdf");
    assert_eq!(added["criteria"], json!(["OIS-01", "OIS-02"]));
    assert_eq!(added["note"], "signed <b>2026</b>");
    assert_eq!(added["media_type"], "application/pdf");
    assert_eq!(added["added_by"], "token 2 (editor-token)");
    assert_eq!(added["valid_until"], "2026-12-31");
    assert_eq!(
        added["sha256"].as_str().unwrap(),
        testat_store::sha256_hex(content)
    );

    // Listed, alone and by criterion; one piece; the auditor reads too.
    let all = s
        .call("GET", "/api/evidence", Some(Role::Auditor), None)
        .await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(all.json().as_array().unwrap().len(), 1);
    let of = s
        .call(
            "GET",
            "/api/evidence?criterion=ois-02",
            Some(Role::Editor),
            None,
        )
        .await;
    assert_eq!(of.json().as_array().unwrap().len(), 1);
    let none = s
        .call(
            "GET",
            "/api/evidence?criterion=OPS-01",
            Some(Role::Editor),
            None,
        )
        .await;
    assert_eq!(none.json(), json!([]));
    let one = s
        .call(
            "GET",
            &format!("/api/evidence/{id}"),
            Some(Role::Admin),
            None,
        )
        .await;
    assert_eq!(one.json(), added);

    // The download: the bytes, the stored type, an attachment, nothing runs.
    let file = s
        .call(
            "GET",
            &format!("/api/evidence/{id}/content"),
            Some(Role::Auditor),
            None,
        )
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.body, content);
    let h = |name: &str| file.headers.get(name).unwrap().to_str().unwrap().to_owned();
    assert_eq!(h("content-type"), "application/pdf");
    assert_eq!(
        h("content-disposition"),
        "attachment; filename=\"security policy.pdf\"; filename*=UTF-8''security%20policy.pdf"
    );
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert_eq!(
        h("content-security-policy"),
        testat_server::security::REPORT_CSP
    );

    // Evidence without an attestation is part of the way; with one, the criterion is met.
    let partly = status_of(&s, "OIS-01").await;
    assert_ne!(partly, before);
    let attested = s
        .call(
            "POST",
            "/api/attestations",
            Some(Role::Editor),
            Some(json!({"criterion": "OIS-01", "status": "implemented",
                "statement": "The board approved the policy.", "owner": "CISO",
                "next_review": "2027-01-15"})),
        )
        .await;
    assert_eq!(attested.status, StatusCode::CREATED, "{}", attested.text());
    assert_eq!(attested.json()["status"], "implemented");
    assert_eq!(attested.json()["next_review"], "2027-01-15");
    assert_eq!(status_of(&s, "OIS-01").await, "met");
    let history = s
        .call(
            "GET",
            "/api/attestations?criterion=ois-01",
            Some(Role::Auditor),
            None,
        )
        .await;
    assert_eq!(history.json().as_array().unwrap().len(), 1);
    assert_eq!(
        s.call("GET", "/api/attestations", Some(Role::Editor), None)
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn links_and_notes_are_json_and_have_no_file() {
    let s = with_evidence_folder(ServerConfig::default()).await;
    let link = s
        .call(
            "POST",
            "/api/evidence",
            Some(Role::Admin),
            Some(
                json!({"criteria": ["OPS-06"], "url": "https://wiki.example/backup-test",
                "note": "restore test", "effective": "2026-02-01"}),
            ),
        )
        .await;
    assert_eq!(link.status, StatusCode::CREATED, "{}", link.text());
    assert_eq!(link.json()["kind"], "url");
    let note = s
        .call(
            "POST",
            "/api/evidence",
            Some(Role::Editor),
            Some(json!({"criteria": ["OPS-06"], "note": "<script>alert(1)</script>"})),
        )
        .await;
    assert_eq!(note.status, StatusCode::CREATED);
    assert_eq!(note.json()["note"], "<script>alert(1)</script>");
    // JSON is JSON: the note comes back as a string, with a JSON content type.
    assert!(
        note.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let id = note.json()["id"].as_i64().unwrap();
    let r = s
        .call(
            "GET",
            &format!("/api/evidence/{id}/content"),
            Some(Role::Editor),
            None,
        )
        .await;
    assert_error(&r, StatusCode::NOT_FOUND, "is a note and has no file");
    let r = s
        .call("GET", "/api/evidence/999/content", Some(Role::Editor), None)
        .await;
    assert_error(&r, StatusCode::NOT_FOUND, "evidence 999 not found");
    let r = s
        .call("GET", "/api/evidence/abc", Some(Role::Editor), None)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn path_tricks_in_file_names_are_sanitised() {
    let s = with_evidence_folder(ServerConfig::default()).await;
    for (given, stored) in [
        ("../../etc/passwd", "passwd"),
        ("C:\\\\temp\\\\x.txt", "x.txt"),
        ("..\\\\..\\\\boot.ini", "boot.ini"),
        ("tab\there.txt", "tab_here.txt"),
        (".hidden", "hidden"),
        ("..", "evidence"),
        (
            "<img src=x onerror=alert(1)>.png",
            "_img src=x onerror=alert(1)_.png",
        ),
    ] {
        let r = upload(
            &s,
            Role::Editor,
            &[
                Part("criterion", None, b"OPS-06"),
                Part("file", Some(given), given.as_bytes()),
            ],
            true,
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{given}: {}", r.text());
        assert_eq!(r.json()["name"], stored, "{given}");
        let id = r.json()["id"].as_i64().unwrap();
        let file = s
            .call(
                "GET",
                &format!("/api/evidence/{id}/content"),
                Some(Role::Editor),
                None,
            )
            .await;
        let disposition = file.headers["content-disposition"].to_str().unwrap();
        assert!(
            disposition.starts_with(&format!("attachment; filename=\"{stored}\"")),
            "{disposition}"
        );
    }
    // Nothing was written outside the evidence folder's objects.
    let dir = s._dir.path();
    assert!(!dir.join("etc").exists() && !dir.join("passwd").exists());
    for f in files_under(&dir.join("evidence")) {
        assert!(f.contains("/evidence/objects/"), "{f}");
    }
}

#[tokio::test]
async fn refused_uploads_leave_no_record_and_no_file() {
    let config = ServerConfig {
        max_body_bytes: 4096,
        ..Default::default()
    };
    let s = with_evidence_folder(config).await;
    let big = vec![b'x'; 8000];
    let cases: Vec<(Vec<Part<'_>>, bool, StatusCode, &str)> = vec![
        (
            vec![
                Part("criterion", None, b"XYZ-99"),
                Part("file", Some("a.txt"), b"a"),
            ],
            true,
            StatusCode::UNPROCESSABLE_ENTITY,
            "XYZ-99",
        ),
        (
            vec![Part("file", Some("a.txt"), b"a")],
            true,
            StatusCode::UNPROCESSABLE_ENTITY,
            "at least one criterion",
        ),
        (
            vec![
                Part("criterion", None, b"OPS-06"),
                Part("file", Some("a.txt"), b"a"),
                Part("effective", None, b"2026-02-30"),
            ],
            true,
            StatusCode::UNPROCESSABLE_ENTITY,
            "effective: `2026-02-30` is not a date",
        ),
        (
            vec![
                Part("criterion", None, b"OPS-06"),
                Part("file", Some("a.txt"), b"a"),
                Part("effective", None, b"2026-03-01"),
                Part("valid_until", None, b"2026-02-01"),
            ],
            true,
            StatusCode::UNPROCESSABLE_ENTITY,
            "before effective",
        ),
        (
            vec![
                Part("criterion", None, b"OPS-06"),
                Part("file", Some("a.txt"), b"a"),
                Part("file", Some("b.txt"), b"b"),
            ],
            true,
            StatusCode::UNPROCESSABLE_ENTITY,
            "one file per upload",
        ),
        (
            vec![
                Part("criterion", None, b"OPS-06"),
                Part("file", Some("a.txt"), b"a"),
                Part("admin", None, b"true"),
            ],
            true,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown field `admin`",
        ),
        (
            vec![
                Part("criterion", None, b"OPS-06"),
                Part("file", Some("a.txt"), b"a"),
                Part("url", None, b"https://example.com"),
            ],
            true,
            StatusCode::UNPROCESSABLE_ENTITY,
            "not both",
        ),
        // Over the limit, declared: refused before the body is read.
        (
            vec![
                Part("criterion", None, b"OPS-06"),
                Part("file", Some("big.bin"), &big),
            ],
            true,
            StatusCode::PAYLOAD_TOO_LARGE,
            "limit",
        ),
        // Over the limit, undeclared: refused while it is read.
        (
            vec![
                Part("criterion", None, b"OPS-06"),
                Part("file", Some("big.bin"), &big),
            ],
            false,
            StatusCode::PAYLOAD_TOO_LARGE,
            "limit",
        ),
    ];
    for (parts, length, status, needle) in &cases {
        let r = upload(&s, Role::Editor, parts, *length).await;
        assert_error(&r, *status, needle);
    }
    // A broken form.
    let broken = Request::post("/api/evidence")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", s.token(Role::Editor)),
        )
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(format!("--{BOUNDARY}\r\nContent-Disp")))
        .unwrap();
    let r = s.send(broken).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(r.json()["error"]["message"].is_string());
    // JSON: unknown fields, wrong types, bad dates, bad links, nothing to add.
    for (body, status, needle) in [
        (
            json!({"criteria": ["OPS-06"], "note": "n", "file": "/etc/passwd"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown field `file`",
        ),
        (
            json!({"criteria": "OPS-06", "note": "n"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid type",
        ),
        (
            json!({"criteria": ["OPS-06"], "note": "n", "effective": "yesterday"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "effective",
        ),
        (
            json!({"criteria": ["OPS-06"], "url": "javascript:alert(1)"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "http:// or https://",
        ),
        (
            json!({"criteria": ["OPS-06"], "note": "  "}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "nothing to add",
        ),
        (
            json!({"criteria": [], "note": "n"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "at least one criterion",
        ),
        (
            json!({"criteria": ["NOPE-1"], "note": "n"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "NOPE-1",
        ),
    ] {
        let r = s
            .call("POST", "/api/evidence", Some(Role::Editor), Some(body))
            .await;
        assert_error(&r, status, needle);
    }
    // Roles that may not add evidence; nobody at all.
    for role in [Role::Viewer, Role::Legal, Role::Auditor] {
        let r = upload(
            &s,
            role,
            &[
                Part("criterion", None, b"OPS-06"),
                Part("file", Some("a.txt"), b"a"),
            ],
            true,
        )
        .await;
        assert_error(&r, StatusCode::FORBIDDEN, "may not");
    }
    let r = s
        .call(
            "POST",
            "/api/evidence",
            None,
            Some(json!({"criteria": ["OPS-06"], "note": "n"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    for role in [Role::Viewer, Role::Legal] {
        let r = s.call("GET", "/api/evidence", Some(role), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    // Nothing was stored: no record, no file, no event beyond the setup's tokens.
    assert!(s.store.evidence(None).await.unwrap().is_empty());
    let stored = files_under(&s._dir.path().join("evidence"));
    assert!(
        stored.iter().all(|f| !f.contains("/objects/")),
        "{stored:?}"
    );
    let (head, _) = s.store.audit_head().await.unwrap();
    assert_eq!(head, 5, "only the five tokens of the setup are in the log");
    assert!(s.store.verify().await.unwrap().ok());
}

#[tokio::test]
async fn the_store_size_limit_names_the_file_not_the_temporary_folder() {
    let dir = tempfile::tempdir().unwrap();
    let mut location = Location::sqlite(
        &dir.path().join("store.db"),
        Some(dir.path().join("evidence")),
    );
    location.max_evidence_size = 10;
    let store = Store::open(&location).await.unwrap();
    let s = Server::over(store, dir, ServerConfig::default()).await;
    let r = upload(
        &s,
        Role::Editor,
        &[
            Part("criterion", None, b"OPS-06"),
            Part("file", Some("../big.log"), b"twenty bytes of log!"),
        ],
        true,
    )
    .await;
    assert_error(
        &r,
        StatusCode::PAYLOAD_TOO_LARGE,
        "big.log: 20 bytes is over the evidence size limit of 10 bytes",
    );
    assert!(!r.text().contains("/tmp"), "{}", r.text());
    assert!(s.store.evidence(None).await.unwrap().is_empty());
    assert!(
        files_under(&s._dir.path().join("evidence"))
            .iter()
            .all(|f| !f.contains("/objects/"))
    );
}

#[tokio::test]
async fn an_unknown_criterion_in_a_query_is_not_found() {
    let s = Server::sqlite().await;
    for path in [
        "/api/evidence?criterion=XYZ-99",
        "/api/attestations?criterion=XYZ-99",
    ] {
        let r = s.call("GET", path, Some(Role::Editor), None).await;
        assert_error(&r, StatusCode::NOT_FOUND, "XYZ-99");
    }
    let r = s
        .call("GET", "/api/evidence?crit=OPS-06", Some(Role::Editor), None)
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "unknown field");
    // A SQLite store without an evidence folder cannot keep files: a clear conflict.
    let r = upload(
        &s,
        Role::Editor,
        &[
            Part("criterion", None, b"OPS-06"),
            Part("file", Some("a.txt"), b"a"),
        ],
        true,
    )
    .await;
    assert_error(&r, StatusCode::CONFLICT, "no evidence folder");
    assert!(s.store.evidence(None).await.unwrap().is_empty());
}

#[tokio::test]
async fn attestations_check_their_input_and_role() {
    let s = Server::sqlite().await;
    let base = json!({"criterion": "OIS-01", "status": "partial",
        "statement": "Half done.", "owner": "CISO"});
    let with = |key: &str, value: serde_json::Value| {
        let mut b = base.clone();
        b[key] = value;
        b
    };
    for (body, status, needle) in [
        (
            with("criterion", json!("XYZ-99")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "XYZ-99",
        ),
        (
            with("status", json!("done")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "status",
        ),
        (
            with("statement", json!(" ")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "a statement and an owner",
        ),
        (
            with("next_review", json!("2026-13-01")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "next_review",
        ),
        (
            with("owner", json!(7)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid type",
        ),
        (
            with("approved", json!(true)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown field `approved`",
        ),
    ] {
        let r = s
            .call("POST", "/api/attestations", Some(Role::Editor), Some(body))
            .await;
        assert_error(&r, status, needle);
    }
    for role in [Role::Auditor, Role::Legal, Role::Viewer] {
        let r = s
            .call("POST", "/api/attestations", Some(role), Some(base.clone()))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
    }
    assert!(s.store.attestations(None).await.unwrap().is_empty());
    let ok = s
        .call("POST", "/api/attestations", Some(Role::Admin), Some(base))
        .await;
    assert_eq!(ok.status, StatusCode::CREATED);
    assert_eq!(ok.json()["criterion"], "OIS-01");
}

fn failing_run() -> serde_json::Value {
    json!({
        "scope": "ci",
        "started_at": "2026-03-10T09:00:00Z",
        "finished_at": "2026-03-10T09:01:00Z",
        "tool_version": "0.1.0",
        "catalog_version": "2020",
        "ruleset_sha256": "00",
        "rule_count": 1,
        "resource_count": 1,
        "inputs": [],
        "findings": [{"rule": "AWS-S3-ENCRYPTION", "address": "aws_s3_bucket.a",
            "outcome": "fail", "criteria": ["CRY-03"]}],
    })
}

#[tokio::test]
async fn exceptions_are_added_listed_and_revoked() {
    let s = Server::sqlite().await;
    let run = s
        .call("POST", "/api/runs", Some(Role::Editor), Some(failing_run()))
        .await;
    assert_eq!(run.status, StatusCode::CREATED, "{}", run.text());
    assert_eq!(status_of(&s, "CRY-03").await, "not met");
    let added = s
        .call(
            "POST",
            "/api/exceptions",
            Some(Role::Editor),
            Some(json!({"rule": "AWS-S3-*", "resource": "aws_s3_bucket.a",
                "justification": "Encrypted by the provider until the migration.",
                "approved_by": "CISO", "expires": "2026-06-30"})),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    let x = added.json();
    assert_eq!(x["state"], "active");
    assert_eq!(x["expires"], "2026-06-30");
    let id = x["id"].as_i64().unwrap();
    assert_ne!(status_of(&s, "CRY-03").await, "not met");

    // Revoked: kept on record, no longer counted.
    let path = format!("/api/exceptions/{id}/revoke");
    let revoke = |role, body| s.call("POST", &path, Some(role), body);
    let r = revoke(Role::Auditor, Some(json!({"reason": "x"}))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = revoke(Role::Editor, Some(json!({"reason": " "}))).await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "a reason");
    let r = revoke(Role::Editor, Some(json!({"why": "x"}))).await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "unknown field");
    let r = revoke(Role::Editor, None).await;
    assert!(r.status.is_client_error());
    let r = revoke(
        Role::Editor,
        Some(json!({"reason": "Migration done early."})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["state"], "revoked");
    assert_eq!(r.json()["revoked"]["reason"], "Migration done early.");
    assert_eq!(status_of(&s, "CRY-03").await, "not met");
    let again = revoke(Role::Editor, Some(json!({"reason": "twice"}))).await;
    assert_error(&again, StatusCode::CONFLICT, "already exists");
    let missing = s
        .call(
            "POST",
            "/api/exceptions/99/revoke",
            Some(Role::Editor),
            Some(json!({"reason": "r"})),
        )
        .await;
    assert_error(&missing, StatusCode::NOT_FOUND, "exception 99");

    let list = s
        .call("GET", "/api/exceptions", Some(Role::Auditor), None)
        .await;
    assert_eq!(list.json().as_array().unwrap().len(), 1);
    let active = s
        .call(
            "GET",
            "/api/exceptions?state=active",
            Some(Role::Auditor),
            None,
        )
        .await;
    assert_eq!(active.json(), json!([]));
    let bad = s
        .call(
            "GET",
            "/api/exceptions?state=dormant",
            Some(Role::Auditor),
            None,
        )
        .await;
    assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "dormant");
    let r = s
        .call("GET", "/api/exceptions", Some(Role::Viewer), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_exceptions_are_refused_and_not_stored() {
    let s = Server::sqlite().await;
    let base = json!({"rule": "AWS-S3-ENCRYPTION", "justification": "j",
        "approved_by": "CISO", "expires": "2026-06-30"});
    let with = |key: &str, value: serde_json::Value| {
        let mut b = base.clone();
        b[key] = value;
        b
    };
    for (body, status, needle) in [
        (
            with("expires", json!("2026-03-09")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "in the past",
        ),
        (
            with("expires", json!("soon")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "expires",
        ),
        (
            with("justification", json!("")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "a justification",
        ),
        (
            with("rule", json!(" ")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "needs a rule",
        ),
        (
            with("scope", json!("all")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown field `scope`",
        ),
    ] {
        let r = s
            .call("POST", "/api/exceptions", Some(Role::Editor), Some(body))
            .await;
        assert_error(&r, status, needle);
    }
    for role in [Role::Legal, Role::Auditor, Role::Viewer] {
        let r = s
            .call("POST", "/api/exceptions", Some(role), Some(base.clone()))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    assert!(s.store.exceptions().await.unwrap().is_empty());
    // Without a resource, the exception covers every resource.
    let r = s
        .call("POST", "/api/exceptions", Some(Role::Editor), Some(base))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.json()["resource"], "*");
}

#[tokio::test]
async fn evidence_files_live_in_postgresql_in_team_mode() {
    let Some(admin) = testat_test_support::postgres_admin_url("server evidence on PostgreSQL")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut location = Location::sqlite(&dir.path().join("unused.db"), None);
    location.database_url = testat_test_support::fresh_postgres_database(
        &admin,
        &format!("testat_server_evidence_{}", std::process::id()),
    )
    .await;
    let store = Store::open(&location).await.unwrap();
    let s = Server::over(store, dir, ServerConfig::default()).await;
    let content = b"backup restore log\n";
    let r = upload(
        &s,
        Role::Editor,
        &[
            Part("criterion", None, b"OPS-07"),
            Part("file", Some("../restore.log"), content),
        ],
        true,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["name"], "restore.log");
    assert_eq!(r.json()["media_type"], "text/plain");
    let id = r.json()["id"].as_i64().unwrap();
    // A second server on the same database sees the file.
    let other_dir = tempfile::tempdir().unwrap();
    let other_store = Store::open(&location).await.unwrap();
    let other = Server {
        app: testat_server::app(
            crate::support::project(other_dir.path(), crate::support::NOW),
            other_store.clone(),
            ServerConfig::default(),
        ),
        store: other_store,
        tokens: s.tokens.clone(),
        _dir: other_dir,
    };
    let file = other
        .call(
            "GET",
            &format!("/api/evidence/{id}/content"),
            Some(Role::Auditor),
            None,
        )
        .await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.text());
    assert_eq!(file.body, content);
    // A refused upload leaves nothing in the database either.
    let r = upload(
        &s,
        Role::Editor,
        &[
            Part("criterion", None, b"NOPE-01"),
            Part("file", Some("x.log"), b"other bytes"),
        ],
        true,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(s.store.evidence(None).await.unwrap().len(), 1);
    let report = s.store.verify().await.unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(report.files, 1);
}
