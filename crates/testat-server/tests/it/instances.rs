//! Several server instances on one database, and restarts: whatever one instance
//! writes (records, sessions, failed sign-ins, the published trust page) the others
//! see at once, and a new router on the same database carries on where the old one
//! stopped. On the real PostgreSQL server CI starts; the restart also on SQLite.

use axum::http::StatusCode;
use testat_records::Role;
use testat_server::ServerConfig;
use testat_store::{Location, Store};

use crate::support::{NOW, Server, project};
use crate::ui_support::{
    PASSWORD, add_user, get, post_form, post_login, run_body, sign_in, upload,
};

fn config() -> ServerConfig {
    ServerConfig {
        login_limit: (2, 20),
        ..ServerConfig::default()
    }
}

/// Another instance on the database of `location`: its own connection pool, its own
/// caches and project folder, the tokens of `first`.
async fn another(location: &Location, first: &Server) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(location).await.unwrap();
    Server {
        app: testat_server::app(project(dir.path(), NOW), store.clone(), config()),
        store,
        tokens: first.tokens.clone(),
        _dir: dir,
    }
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

#[tokio::test]
async fn two_instances_on_one_postgresql_database_share_writes_sessions_and_limits() {
    let Some(admin) = testat_test_support::postgres_admin_url("two server instances") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut location = Location::sqlite(&dir.path().join("unused.db"), None);
    location.database_url = testat_test_support::fresh_postgres_database(
        &admin,
        &format!("testat_server_instances_{}", std::process::id()),
    )
    .await;
    let a = Server::over(Store::open(&location).await.unwrap(), dir, config()).await;
    let b = another(&location, &a).await;

    // B reads (and caches) the status; a run uploaded through A changes what B says.
    let before = status_of(&b, "CRY-03").await;
    upload(
        &a,
        run_body("2026-03-09T08:00:00Z", "aws_s3_bucket.data", "fail"),
    )
    .await;
    let after = status_of(&b, "CRY-03").await;
    assert_ne!(before, after, "B kept its cached status");
    assert_eq!(after, "not met");
    assert_eq!(
        b.call("GET", "/api/runs", Some(Role::Auditor), None)
            .await
            .json()
            .as_array()
            .map_or(0, Vec::len),
        1
    );
    // The trust page published through A is B's public page.
    assert_eq!(
        b.call("GET", "/trust.json", None, None).await.status,
        StatusCode::NOT_FOUND
    );
    let published = a
        .call(
            "POST",
            "/api/trust/publish",
            Some(Role::Admin),
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::CREATED,
        "{}",
        published.text()
    );
    assert_eq!(
        b.call("GET", "/trust.json", None, None).await.status,
        StatusCode::OK
    );
    // A token made through B works on A; revoked through A, it is refused by B.
    let made = b
        .call(
            "POST",
            "/api/tokens",
            Some(Role::Admin),
            Some(serde_json::json!({"name": "ci", "role": "viewer", "days": 7})),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let (id, secret) = (
        made.json()["id"].as_i64().unwrap(),
        made.json()["token"].as_str().unwrap().to_owned(),
    );
    let with = |s: &Server, secret: &str| {
        let request = axum::http::Request::get("/api/status")
            .header(
                axum::http::header::AUTHORIZATION,
                format!("Bearer {secret}"),
            )
            .body(axum::body::Body::empty())
            .unwrap();
        let app = s.app.clone();
        async move {
            use tower::ServiceExt;
            app.oneshot(request).await.unwrap().status()
        }
    };
    assert_eq!(with(&a, &secret).await, StatusCode::OK);
    let revoked = a
        .call(
            "POST",
            &format!("/api/tokens/{id}/revoke"),
            Some(Role::Admin),
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert_eq!(with(&b, &secret).await, StatusCode::UNAUTHORIZED);

    // A session started on A is valid on B, and signing out on B ends it on A.
    add_user(&a, "erika", Role::Editor).await;
    let session = sign_in(&a, "erika").await;
    assert_eq!(
        get(&b, "/criteria/CRY-03", Some(&session.cookie))
            .await
            .status,
        StatusCode::OK
    );
    let out = post_form(&b, "/logout", &session, true, &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.text());
    assert_eq!(
        get(&a, "/", Some(&session.cookie)).await.status,
        StatusCode::SEE_OTHER
    );

    // Failed sign-ins through A count on B: the limit (2) holds across instances.
    add_user(&a, "max", Role::Viewer).await;
    for s in [&a, &b] {
        let r = post_login(s, "max", "guessing wrongly", "").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let locked = post_login(&b, "max", PASSWORD, "").await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    let locked = post_login(&a, "max", PASSWORD, "").await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);

    // A restart: both instances go away, a new one on the same database keeps the
    // session of a user signed in before, with its CSRF token.
    let session = sign_in(&b, "erika").await;
    let (tokens, store_a, store_b) = (a.tokens.clone(), a.store.clone(), b.store.clone());
    drop((a, b));
    store_a.close().await;
    store_b.close().await;
    let restarted = {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&location).await.unwrap();
        Server {
            app: testat_server::app(project(dir.path(), NOW), store.clone(), config()),
            store,
            tokens,
            _dir: dir,
        }
    };
    let page = get(&restarted, "/criteria/CRY-03", Some(&session.cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let attested = post_form(
        &restarted,
        "/criteria/CRY-03/attestations",
        &session,
        true,
        &[
            ("status", "implemented"),
            ("statement", "keys rotate yearly"),
            ("owner", "erika"),
            ("next_review", "2026-09-01"),
        ],
    )
    .await;
    assert_eq!(
        attested.status,
        StatusCode::SEE_OTHER,
        "{}",
        attested.text()
    );
    assert_eq!(
        restarted
            .store
            .attestations(Some("CRY-03"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(restarted.store.verify().await.unwrap().ok());
}

#[tokio::test]
async fn a_session_survives_a_restart_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::sqlite(&dir.path().join("store.db"), None);
    let first = Server::over(
        Store::open(&location).await.unwrap(),
        tempfile::tempdir().unwrap(),
        config(),
    )
    .await;
    add_user(&first, "erika", Role::Editor).await;
    let session = sign_in(&first, "erika").await;
    let store = first.store.clone();
    let tokens = first.tokens.clone();
    drop(first);
    store.close().await;
    let again = {
        let store = Store::open(&location).await.unwrap();
        Server {
            app: testat_server::app(project(dir.path(), NOW), store.clone(), config()),
            store,
            tokens,
            _dir: tempfile::tempdir().unwrap(),
        }
    };
    let page = get(&again, "/", Some(&session.cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    assert_eq!(
        again
            .call("GET", "/api/status", Some(Role::Viewer), None)
            .await
            .status,
        StatusCode::OK
    );
}
