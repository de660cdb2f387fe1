//! The API's first routes: health, sign-in, tokens, status, runs and uploads.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use testat_records::Role;

use crate::support::Server;

fn run_body(outcome: &str) -> serde_json::Value {
    serde_json::json!({
        "scope": "ci",
        "started_at": "2026-03-10T09:00:00Z",
        "finished_at": "2026-03-10T09:01:00Z",
        "tool_version": "0.1.0",
        "catalog_version": "2020",
        "ruleset_sha256": "00",
        "rule_count": 1,
        "resource_count": 1,
        "inputs": [{"path": "plan.json", "kind": "terraform-plan", "sha256": "ab", "size": 10}],
        "findings": [{"rule": "AWS-S3-ENCRYPTION", "address": "aws_s3_bucket.a", "outcome": outcome, "criteria": ["CRY-03"]}],
    })
}

#[tokio::test]
async fn health_is_public_and_errors_are_json_with_security_headers() {
    let s = Server::sqlite().await;
    let r = s.call("GET", "/api/health", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["status"], "ok");
    for h in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
    ] {
        assert!(r.headers.contains_key(h), "{h} missing");
    }
    let r = s.call("GET", "/api/status", None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["error"]["code"], "unauthorized");
    let r = s.call("GET", "/nowhere", None, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["status"], 404);
}

#[tokio::test]
async fn tokens_are_checked_for_expiry_revocation_and_role() {
    let s = Server::sqlite().await;
    assert_eq!(
        s.call("GET", "/api/status", Some(Role::Viewer), None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        s.call("GET", "/api/runs", Some(Role::Viewer), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let bogus = Request::get("/api/status")
        .header(header::AUTHORIZATION, "Bearer tt_nonsense")
        .body(Body::empty())
        .unwrap();
    assert_eq!(s.send(bogus).await.status, StatusCode::UNAUTHORIZED);
    // Make a token, use it, revoke it.
    let made = s
        .call(
            "POST",
            "/api/tokens",
            Some(Role::Admin),
            Some(serde_json::json!({"name": "ci", "role": "editor", "days": 30})),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let (id, secret) = (
        made.json()["id"].as_i64().unwrap(),
        made.json()["token"].as_str().unwrap().to_owned(),
    );
    let with = |secret: &str| {
        Request::get("/api/runs")
            .header(header::AUTHORIZATION, format!("Bearer {secret}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(s.send(with(&secret)).await.status, StatusCode::OK);
    let revoked = s
        .call(
            "POST",
            &format!("/api/tokens/{id}/revoke"),
            Some(Role::Admin),
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let after = s.send(with(&secret)).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert!(after.text().contains("revoked"), "{}", after.text());
    // The editor may not make tokens.
    let denied = s
        .call(
            "POST",
            "/api/tokens",
            Some(Role::Editor),
            Some(serde_json::json!({"name": "x", "role": "admin", "days": 1})),
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    // Out-of-range lifetimes and unknown fields are refused with JSON errors.
    let long = s
        .call(
            "POST",
            "/api/tokens",
            Some(Role::Admin),
            Some(serde_json::json!({"name": "x", "role": "viewer", "days": 999})),
        )
        .await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = s
        .call(
            "POST",
            "/api/tokens",
            Some(Role::Admin),
            Some(serde_json::json!({"name": "x", "role": "viewer", "days": 1, "admin": true})),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown field")
    );
    let broken = Request::post("/api/tokens")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", s.token(Role::Admin)),
        )
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"name\":"))
        .unwrap();
    let broken = s.send(broken).await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);
    assert_eq!(broken.json()["error"]["code"], "bad_request");
}

#[tokio::test]
async fn uploads_are_idempotent_checked_and_reach_the_status() {
    let s = Server::sqlite().await;
    let first = s
        .call(
            "POST",
            "/api/runs",
            Some(Role::Editor),
            Some(run_body("fail")),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let again = s
        .call(
            "POST",
            "/api/runs",
            Some(Role::Editor),
            Some(run_body("fail")),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["run"], first.json()["run"]);
    assert_eq!(again.json()["created"], false);
    let runs = s
        .call("GET", "/api/runs", Some(Role::Auditor), None)
        .await
        .json();
    assert_eq!(runs.as_array().unwrap().len(), 1);
    let bad = s
        .call(
            "POST",
            "/api/runs",
            Some(Role::Editor),
            Some(run_body("maybe")),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("/findings/0/outcome"), "{}", bad.text());
    let auditor = s
        .call(
            "POST",
            "/api/runs",
            Some(Role::Auditor),
            Some(run_body("pass")),
        )
        .await;
    assert_eq!(auditor.status, StatusCode::FORBIDDEN);
    let status = s
        .call("GET", "/api/status/cry-03", Some(Role::Viewer), None)
        .await;
    assert_eq!(status.status, StatusCode::OK);
    assert_eq!(
        status.json()["criterion"]["status"],
        "not met",
        "{}",
        status.text()
    );
    // A second, passing run changes the cached status (the audit head moved).
    let mut fixed = run_body("pass");
    fixed["started_at"] = "2026-03-10T09:30:00Z".into();
    fixed["finished_at"] = "2026-03-10T09:31:00Z".into();
    assert_eq!(
        s.call("POST", "/api/runs", Some(Role::Editor), Some(fixed))
            .await
            .status,
        StatusCode::CREATED
    );
    let status = s
        .call("GET", "/api/status/CRY-03", Some(Role::Viewer), None)
        .await
        .json();
    assert_ne!(status["criterion"]["status"], "not met");
}

#[tokio::test]
async fn sign_in_sets_a_strict_cookie_needs_csrf_and_is_rate_limited() {
    let s = Server::sqlite().await;
    let hash = testat_server::auth::hash_password("a long enough password").unwrap();
    let stamp = testat_store::Stamp {
        actor: "setup".into(),
        at: crate::support::at(crate::support::NOW),
    };
    s.store
        .add_user("alice", Role::Admin, &hash, &stamp)
        .await
        .unwrap();
    let sign_in = |password: &str| {
        Request::post("/api/session")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                serde_json::to_vec(&serde_json::json!({"name": "alice", "password": password}))
                    .unwrap(),
            ))
            .unwrap()
    };
    let ok = s.send(sign_in("a long enough password")).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
    let cookie = ok
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap().to_owned();
    let csrf = ok.json()["csrf_token"].as_str().unwrap().to_owned();
    let post = |csrf: Option<&str>| {
        let mut r = Request::post("/api/tokens")
            .header(header::COOKIE, &session)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(c) = csrf {
            r = r.header("x-csrf-token", c);
        }
        r.body(Body::from(r#"{"name":"n","role":"viewer","days":1}"#))
            .unwrap()
    };
    assert_eq!(s.send(post(None)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        s.send(post(Some("wrong"))).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(s.send(post(Some(&csrf))).await.status, StatusCode::CREATED);
    // Five wrong passwords lock the account for the window, even with the right one.
    for _ in 0..5 {
        assert_eq!(
            s.send(sign_in("wrong password!!")).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let locked = s.send(sign_in("a long enough password")).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_they_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let store = testat_store::Store::open(&testat_store::Location::sqlite(
        &dir.path().join("s.db"),
        None,
    ))
    .await
    .unwrap();
    let config = testat_server::ServerConfig {
        max_body_bytes: 1000,
        ..Default::default()
    };
    let s = Server::over(store, dir, config).await;
    let big = Request::post("/api/runs")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", s.token(Role::Editor)),
        )
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, "5000")
        .body(Body::from(vec![b' '; 5000]))
        .unwrap();
    let r = s.send(big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"]["code"], "too_large");
}
