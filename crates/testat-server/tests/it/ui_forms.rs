//! The forms, end to end in process: sign in through `POST /login`, take the cookie,
//! read the CSRF token from the page, post the form, follow the 303 and see the
//! change. Without the token a form is refused with a 403 page.

use axum::http::{StatusCode, header};
use testat_records::Role;

use crate::ui_support::{
    Session, add_user, csrf_of, get, post_form, post_login, post_multipart, seed, server,
    server_with, sign_in,
};

fn location(r: &crate::support::Reply) -> String {
    r.headers[header::LOCATION].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn sign_in_goes_back_to_the_page_asked_for_and_sign_out_ends_the_session() {
    let s = server().await;
    add_user(&s, "erika", Role::Editor).await;
    let asked = get(&s, "/criteria/CRY-03", None).await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    let to = location(&asked);
    assert_eq!(to, "/login?next=/criteria/CRY-03");
    let form = get(&s, &to, None).await.text();
    assert!(
        form.contains("name=\"next\" value=\"&#x2f;criteria&#x2f;CRY-03\""),
        "{form}"
    );
    // Wrong password: the form again, with the message.
    let wrong = post_login(&s, "erika", "not the password", "/criteria/CRY-03").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.text().contains("data-testid=\"login-error\""));
    assert!(wrong.text().contains("wrong name or password"));
    assert!(!wrong.headers.contains_key(header::SET_COOKIE));
    // Right password: a strict cookie and back to the page.
    let ok = post_login(&s, "erika", crate::ui_support::PASSWORD, "/criteria/CRY-03").await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&ok), "/criteria/CRY-03");
    let cookie = ok.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    // A form posted from another site does not sign in.
    let cross = axum::http::Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(axum::body::Body::from(crate::ui_support::form(&[
            ("name", "erika"),
            ("password", crate::ui_support::PASSWORD),
        ])))
        .unwrap();
    let cross = s.send(cross).await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    assert!(!cross.headers.contains_key(header::SET_COOKIE));
    // Another site is never the way back.
    let elsewhere = post_login(&s, "erika", crate::ui_support::PASSWORD, "//evil.example/").await;
    assert_eq!(location(&elsewhere), "/");
    let session = sign_in(&s, "erika").await;
    let page = get(&s, "/criteria/CRY-03", Some(&session.cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("data-testid=\"user-name\">erika<"));
    // Signed in, the sign-in page sends on.
    assert_eq!(
        get(&s, "/login", Some(&session.cookie)).await.status,
        StatusCode::SEE_OTHER
    );
    // Signing out needs the token, then the cookie no longer works.
    let refused = post_form(&s, "/logout", &session, false, &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let out = post_form(&s, "/logout", &session, true, &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&out), "/login");
    assert!(
        out.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(
        get(&s, "/", Some(&session.cookie)).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn failed_sign_ins_are_limited_and_the_page_says_so() {
    let config = testat_server::ServerConfig {
        login_limit: (3, 20),
        ..Default::default()
    };
    let s = server_with(config).await;
    add_user(&s, "erika", Role::Editor).await;
    for _ in 0..3 {
        let r = post_login(&s, "erika", "guessing wrongly", "").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let locked = post_login(&s, "erika", crate::ui_support::PASSWORD, "").await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    let html = locked.text();
    assert!(
        html.contains("data-testid=\"login-error\"") && html.contains("too many failed sign-ins"),
        "{html}"
    );
}

async fn csrf_on(s: &crate::support::Server, session: &Session, path: &str) -> String {
    let page = get(s, path, Some(&session.cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{path}");
    csrf_of(&page.text()).unwrap()
}

#[tokio::test]
async fn editors_add_evidence_and_attestations_and_the_status_follows() {
    let s = server().await;
    add_user(&s, "erika", Role::Editor).await;
    add_user(&s, "anna", Role::Auditor).await;
    let session = sign_in(&s, "erika").await;
    // The page's forms carry the session's token.
    assert_eq!(
        csrf_on(&s, &session, "/criteria/OPS-08").await,
        session.csrf
    );
    let before = get(&s, "/criteria/OPS-08", Some(&session.cookie))
        .await
        .text();
    assert!(before.contains("data-status=\"not assessed\""), "{before}");
    // Without the token: refused, nothing written.
    let parts = [
        (
            "file",
            Some("Backup-Prüfung.pdf"),
            b"%PDF-1.4 restore test".as_slice(),
        ),
        ("url", None, b"".as_slice()),
        ("note", None, b"restore tested on 2026-03-01".as_slice()),
        ("effective", None, b"2026-03-01".as_slice()),
        ("valid_until", None, b"".as_slice()),
    ];
    let refused = post_multipart(&s, "/criteria/OPS-08/evidence", &session, false, &parts).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text().contains("CSRF"));
    assert!(s.store.evidence(Some("OPS-08")).await.unwrap().is_empty());
    // With it: stored, and back to the page, which lists it.
    let added = post_multipart(&s, "/criteria/OPS-08/evidence", &session, true, &parts).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    assert_eq!(location(&added), "/criteria/OPS-08?done=evidence#evidence");
    let stored = s.store.evidence(Some("OPS-08")).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].name.as_deref(), Some("Backup-Prüfung.pdf"));
    assert_eq!(stored[0].added_by, "erika");
    let page = get(&s, "/criteria/OPS-08?done=evidence", Some(&session.cookie))
        .await
        .text();
    assert!(
        page.contains("Backup-Prüfung.pdf") && page.contains("data-testid=\"notice\""),
        "{page}"
    );
    // The file comes back as it went in.
    let auditor = sign_in(&s, "anna").await;
    let file = get(
        &s,
        &format!("/evidence/{}/file", stored[0].id),
        Some(&auditor.cookie),
    )
    .await;
    assert_eq!(file.body, b"%PDF-1.4 restore test");
    // An attestation: implemented with valid evidence makes the criterion met.
    let attested = post_form(
        &s,
        "/criteria/OPS-08/attestations",
        &session,
        true,
        &[
            ("status", "implemented"),
            (
                "statement",
                "Backups are restored and checked every quarter.",
            ),
            ("owner", "Ops lead"),
            ("next_review", "2026-06-30"),
        ],
    )
    .await;
    assert_eq!(
        attested.status,
        StatusCode::SEE_OTHER,
        "{}",
        attested.text()
    );
    let after = get(&s, "/criteria/OPS-08", Some(&session.cookie))
        .await
        .text();
    assert!(after.contains("Backups are restored and checked every quarter."));
    assert!(after.contains("data-status=\"met\""), "{after}");
    // Bad input is an error page, not JSON, and writes nothing.
    let bad = post_form(
        &s,
        "/criteria/OPS-08/attestations",
        &session,
        true,
        &[
            ("status", "done"),
            ("statement", "x"),
            ("owner", "y"),
            ("next_review", ""),
        ],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text().contains("unknown attestation status"),
        "{}",
        bad.text()
    );
    let unknown_field = post_form(
        &s,
        "/criteria/OPS-08/attestations",
        &session,
        true,
        &[
            ("status", "planned"),
            ("statement", "x"),
            ("owner", "y"),
            ("admin", "1"),
        ],
    )
    .await;
    assert!(unknown_field.status.is_client_error());
    assert!(unknown_field.text().contains("data-testid=\"error\""));
    assert_eq!(s.store.attestations(Some("OPS-08")).await.unwrap().len(), 1);
    // An auditor may not post, even with the right token.
    let denied = post_form(
        &s,
        "/criteria/OPS-08/attestations",
        &auditor,
        true,
        &[("status", "planned"), ("statement", "x"), ("owner", "y")],
    )
    .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn exceptions_are_approved_by_the_signed_in_user_and_revoked() {
    let s = server().await;
    seed(&s, "aws_s3_bucket.data").await;
    add_user(&s, "erika", Role::Editor).await;
    let session = sign_in(&s, "erika").await;
    let fields = [
        ("rule", "AWS-S3-ENCRYPTION"),
        ("resource", "aws_s3_bucket.data"),
        ("justification", "Encryption lands with the migration."),
        ("risk_owner", ""),
        ("expires", "2026-04-30"),
    ];
    assert_eq!(
        post_form(&s, "/exceptions", &session, false, &fields)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let added = post_form(&s, "/exceptions", &session, true, &fields).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    let stored = s.store.exceptions().await.unwrap();
    let new = stored.last().unwrap();
    assert_eq!(new.exception.approved_by, "erika");
    // The failure on that resource is excepted now: CRY-03 no longer fails.
    let criterion = get(&s, "/criteria/CRY-03", Some(&session.cookie))
        .await
        .text();
    assert!(
        !criterion.contains("data-status=\"not met\""),
        "{criterion}"
    );
    let page = get(&s, "/exceptions", Some(&session.cookie)).await.text();
    assert!(page.contains(&format!(
        "data-exception=\"{}\" data-state=\"active\"",
        new.id
    )));
    // Unknown rules and past dates are refused.
    let mut bad = fields;
    bad[0] = ("rule", "NO-SUCH-RULE");
    assert_eq!(
        post_form(&s, "/exceptions", &session, true, &bad)
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let mut past = fields;
    past[4] = ("expires", "2026-01-01");
    assert_eq!(
        post_form(&s, "/exceptions", &session, true, &past)
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Revoking needs a reason, and happens once.
    let path = format!("/exceptions/{}/revoke", new.id);
    let empty = post_form(&s, &path, &session, true, &[("reason", " ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let revoked = post_form(
        &s,
        &path,
        &session,
        true,
        &[("reason", "migration done early")],
    )
    .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let page = get(&s, "/exceptions", Some(&session.cookie)).await.text();
    assert!(page.contains(&format!(
        "data-exception=\"{}\" data-state=\"revoked\"",
        new.id
    )));
    assert!(page.contains("migration done early"));
    let again = post_form(&s, &path, &session, true, &[("reason", "twice")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

/// The workflow buttons of request `id` as `session` sees them.
async fn buttons(s: &crate::support::Server, session: &Session, id: i64) -> Vec<(String, bool)> {
    let html = get(s, &format!("/inquiries/{id}"), Some(&session.cookie))
        .await
        .text();
    html.split("data-next=\"")
        .skip(1)
        .map(|rest| {
            let state = rest.split('"').next().unwrap().to_owned();
            let tag = rest.split('>').next().unwrap();
            (state, tag.contains("disabled"))
        })
        .collect()
}

#[tokio::test]
async fn the_register_offers_exactly_the_next_steps_of_the_workflow() {
    let s = server().await;
    add_user(&s, "lena", Role::Legal).await;
    add_user(&s, "anna", Role::Auditor).await;
    let legal = sign_in(&s, "lena").await;
    let form = get(&s, "/inquiries/new", Some(&legal.cookie)).await;
    assert_eq!(form.status, StatusCode::OK);
    let recorded = post_form(
        &s,
        "/inquiries",
        &legal,
        true,
        &[
            ("received_on", "2026-03-09"),
            ("channel", "letter"),
            ("authority", "Staatsanwaltschaft München I"),
            ("country", "de"),
            ("legal_basis", "§ 100j StPO"),
            ("kind", "data-disclosure"),
            ("data_categories", "subscriber data, IP addresses"),
            ("customers", "acme"),
            ("deadline", "2026-03-16"),
            ("handlers", "lena"),
        ],
    )
    .await;
    assert_eq!(
        recorded.status,
        StatusCode::SEE_OTHER,
        "{}",
        recorded.text()
    );
    assert_eq!(location(&recorded), "/inquiries/1?done=added");
    let page = get(&s, "/inquiries/1", Some(&legal.cookie)).await.text();
    assert!(
        page.contains("Staatsanwaltschaft München I") && page.contains("IP addresses"),
        "{page}"
    );
    assert_eq!(
        buttons(&s, &legal, 1).await,
        vec![("legal-review".to_owned(), false)]
    );
    let list = get(&s, "/inquiries", Some(&legal.cookie)).await.text();
    assert!(list.contains("data-inquiry=\"1\" data-state=\"received\""));
    assert!(
        list.contains("data-testid=\"due-list\""),
        "the deadline is within 30 days"
    );
    // A move the workflow does not allow is refused.
    let skip = post_form(
        &s,
        "/inquiries/1/advance",
        &legal,
        true,
        &[("to", "disclosed"), ("note", "")],
    )
    .await;
    assert_eq!(skip.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        skip.text()
            .contains("cannot move from received to disclosed")
    );
    let step = |to: &'static str| [("to", to), ("note", "as decided")];
    let review = post_form(
        &s,
        "/inquiries/1/advance",
        &legal,
        true,
        &step("legal-review"),
    )
    .await;
    assert_eq!(review.status, StatusCode::SEE_OTHER);
    let next: Vec<String> = buttons(&s, &legal, 1)
        .await
        .into_iter()
        .map(|b| b.0)
        .collect();
    assert_eq!(
        next,
        ["rejected", "challenged", "partially-disclosed", "disclosed"]
    );
    post_form(&s, "/inquiries/1/advance", &legal, true, &step("disclosed")).await;
    // Closing needs the notification decision: the button is there but disabled.
    assert_eq!(
        buttons(&s, &legal, 1).await,
        vec![("closed".to_owned(), true)]
    );
    let early = post_form(&s, "/inquiries/1/advance", &legal, true, &step("closed")).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bar = post_form(
        &s,
        "/inquiries/1/bar",
        &legal,
        true,
        &[
            ("reason", "court order of 2026-03-09"),
            ("review", "2026-06-09"),
        ],
    )
    .await;
    assert_eq!(bar.status, StatusCode::SEE_OTHER, "{}", bar.text());
    let notified = post_form(
        &s,
        "/inquiries/1/notify",
        &legal,
        true,
        &[("on", "2026-03-10"), ("how", "e-mail to the account owner")],
    )
    .await;
    assert_eq!(
        notified.status,
        StatusCode::SEE_OTHER,
        "{}",
        notified.text()
    );
    assert_eq!(
        buttons(&s, &legal, 1).await,
        vec![("closed".to_owned(), false)]
    );
    let closed = post_form(&s, "/inquiries/1/advance", &legal, true, &step("closed")).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let page = get(&s, "/inquiries/1", Some(&legal.cookie)).await.text();
    assert!(page.contains("data-testid=\"inquiry-state\" data-state=\"closed\""));
    assert!(buttons(&s, &legal, 1).await.is_empty());
    assert_eq!(page.matches("data-event=\"transition\"").count(), 3);
    // The auditor reads the history and sees no buttons or forms; posting is refused.
    add_user(&s, "legal2", Role::Legal).await;
    let auditor = sign_in(&s, "anna").await;
    let read = get(&s, "/inquiries/1", Some(&auditor.cookie)).await.text();
    assert!(read.contains("data-testid=\"inquiry-history\""));
    assert!(
        !read.contains("data-testid=\"advance-form\"")
            && !read.contains("data-testid=\"notify-form\"")
    );
    let list = get(&s, "/inquiries", Some(&auditor.cookie)).await.text();
    assert!(!list.contains("data-testid=\"new-inquiry\""));
    let denied = post_form(
        &s,
        "/inquiries/1/notify",
        &auditor,
        true,
        &[("on", "2026-03-10"), ("how", "x")],
    )
    .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert_eq!(
        get(&s, "/inquiries/new", Some(&auditor.cookie))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn admins_add_and_disable_users_and_make_and_revoke_tokens() {
    let s = server().await;
    add_user(&s, "root", Role::Admin).await;
    let admin = sign_in(&s, "root").await;
    let added = post_form(
        &s,
        "/admin/users",
        &admin,
        true,
        &[
            ("name", "vera"),
            ("role", "viewer"),
            ("password", "a long enough secret"),
        ],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    let short = post_form(
        &s,
        "/admin/users",
        &admin,
        true,
        &[("name", "x"), ("role", "viewer"), ("password", "short")],
    )
    .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let taken = post_form(
        &s,
        "/admin/users",
        &admin,
        true,
        &[
            ("name", "vera"),
            ("role", "viewer"),
            ("password", "a long enough secret"),
        ],
    )
    .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    let users = get(&s, "/admin/users", Some(&admin.cookie)).await.text();
    assert!(users.contains("data-user=\"vera\""));
    // Vera signs in, then is disabled: her session ends.
    let vera = post_login(&s, "vera", "a long enough secret", "").await;
    assert_eq!(vera.status, StatusCode::SEE_OTHER);
    let vera_cookie = vera.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        get(&s, "/", Some(&vera_cookie)).await.status,
        StatusCode::OK
    );
    let id = s
        .store
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.name == "vera")
        .unwrap()
        .id;
    let disabled = post_form(&s, &format!("/admin/users/{id}/disable"), &admin, true, &[]).await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER);
    assert_eq!(
        get(&s, "/", Some(&vera_cookie)).await.status,
        StatusCode::SEE_OTHER
    );
    // A token: the secret is shown once, works, and stops when revoked.
    let made = post_form(
        &s,
        "/admin/tokens",
        &admin,
        true,
        &[("name", "ci-upload"), ("role", "editor"), ("days", "30")],
    )
    .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text());
    let html = made.text();
    let secret = html
        .split("data-testid=\"token-secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert!(secret.starts_with("tt_") && secret.len() == 67, "{secret}");
    assert_eq!(made.headers[header::CACHE_CONTROL], "no-store");
    let with_token = |secret: &str| {
        axum::http::Request::get("/api/runs")
            .header(header::AUTHORIZATION, format!("Bearer {secret}"))
            .body(axum::body::Body::empty())
            .unwrap()
    };
    assert_eq!(s.send(with_token(&secret)).await.status, StatusCode::OK);
    let list = get(&s, "/admin/tokens", Some(&admin.cookie)).await.text();
    assert!(!list.contains(&secret), "the secret is not shown again");
    let token = s
        .store
        .tokens()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == "ci-upload")
        .unwrap();
    assert!(list.contains(&format!("data-token=\"{}\" data-state=\"valid\"", token.id)));
    let out_of_range = post_form(
        &s,
        "/admin/tokens",
        &admin,
        true,
        &[("name", "x"), ("role", "editor"), ("days", "400")],
    )
    .await;
    assert_eq!(out_of_range.status, StatusCode::UNPROCESSABLE_ENTITY);
    let revoked = post_form(
        &s,
        &format!("/admin/tokens/{}/revoke", token.id),
        &admin,
        true,
        &[],
    )
    .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(
        s.send(with_token(&secret)).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Other roles reach none of it.
    add_user(&s, "erika", Role::Editor).await;
    let editor = sign_in(&s, "erika").await;
    assert_eq!(
        get(&s, "/admin/users", Some(&editor.cookie)).await.status,
        StatusCode::FORBIDDEN
    );
    let denied = post_form(
        &s,
        "/admin/tokens",
        &editor,
        true,
        &[("name", "x"), ("role", "admin"), ("days", "1")],
    )
    .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert!(denied.text().contains("data-testid=\"error\""));
}

#[tokio::test]
async fn uploads_over_the_limit_are_refused_with_a_page_and_store_nothing() {
    let config = testat_server::ServerConfig {
        max_body_bytes: 2000,
        ..Default::default()
    };
    let s = server_with(config).await;
    add_user(&s, "erika", Role::Editor).await;
    let session = sign_in(&s, "erika").await;
    let big = vec![b'x'; 5000];
    let r = post_multipart(
        &s,
        "/criteria/OPS-08/evidence",
        &session,
        true,
        &[("file", Some("big.bin"), &big)],
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.text().contains("data-testid=\"error\""));
    assert!(s.store.evidence(None).await.unwrap().is_empty());
}

#[tokio::test]
async fn on_postgresql_evidence_uploaded_through_a_page_lives_in_the_database() {
    let Some(admin_url) = testat_test_support::postgres_admin_url("UI on PostgreSQL") else {
        return;
    };
    let name = format!("testat_ui_{}", std::process::id());
    let dir = tempfile::tempdir().unwrap();
    let mut location = testat_store::Location::sqlite(&dir.path().join("unused.db"), None);
    location.database_url = testat_test_support::fresh_postgres_database(&admin_url, &name).await;
    let store = testat_store::Store::open(&location).await.unwrap();
    let s = crate::support::Server::over(store, dir, testat_server::ServerConfig::default()).await;
    add_user(&s, "erika", Role::Editor).await;
    let session = sign_in(&s, "erika").await;
    let added = post_multipart(
        &s,
        "/criteria/OPS-08/evidence",
        &session,
        true,
        &[(
            "file",
            Some("Wiederherstellung.txt"),
            b"restore ok".as_slice(),
        )],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    let page = get(&s, "/criteria/OPS-08", Some(&session.cookie))
        .await
        .text();
    assert!(page.contains("Wiederherstellung.txt"));
    let id = s.store.evidence(Some("OPS-08")).await.unwrap()[0].id;
    let file = get(&s, &format!("/evidence/{id}/file"), Some(&session.cookie)).await;
    assert_eq!(file.body, b"restore ok");
    assert!(s.store.verify().await.unwrap().ok());
}
