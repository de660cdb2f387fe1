//! Stored XSS: markup in every string a page shows from a plan, an upload or a form
//! (resource addresses and scopes of uploaded runs, evidence file names and notes,
//! exception texts, an inquiry's authority, user and token names, the way back after
//! sign-in, an error's message) appears only escaped.

use axum::http::StatusCode;
use testat_records::Role;

use crate::ui_support::{
    XSS, add_user, assert_inert, assert_shown_escaped, get, get_as, post_form, post_multipart,
    run_body, server, sign_in, upload,
};

#[tokio::test]
async fn markup_in_uploaded_runs_is_shown_escaped_on_every_page() {
    let s = server().await;
    upload(&s, run_body("2026-03-05T08:00:00Z", XSS, "pass")).await;
    upload(&s, run_body("2026-03-06T08:00:00Z", XSS, "fail")).await;
    let mut scoped = run_body("2026-03-07T08:00:00Z", XSS, "fail");
    scoped["scope"] = XSS.into();
    scoped["inputs"][0]["path"] = XSS.into();
    upload(&s, scoped).await;
    for path in [
        "/criteria/CRY-03",
        "/runs",
        "/runs/2",
        "/runs/3",
        "/runs/1/diff/2",
        "/assessments?type=1",
        "/assessments?type=2&from=2026-03-01&to=2026-03-09",
    ] {
        let r = get_as(&s, path, Role::Admin).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
        assert_shown_escaped(&r.text(), path);
    }
    for path in ["/", "/criteria?status=not+met"] {
        assert_inert(&get_as(&s, path, Role::Admin).await.text(), path);
    }
}

#[tokio::test]
async fn markup_in_forms_is_stored_as_text_and_shown_escaped() {
    let s = server().await;
    add_user(&s, "root", Role::Admin).await;
    let admin = sign_in(&s, "root").await;
    // Evidence: the file name and the note.
    let file_name = format!("{XSS}.txt");
    let added = post_multipart(
        &s,
        "/criteria/OPS-08/evidence",
        &admin,
        true,
        &[
            ("file", Some(file_name.as_str()), b"x".as_slice()),
            ("note", None, XSS.as_bytes()),
        ],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    let page = get(&s, "/criteria/OPS-08", Some(&admin.cookie))
        .await
        .text();
    assert_shown_escaped(&page, "evidence note");
    let evidence = s.store.evidence(Some("OPS-08")).await.unwrap();
    let name = evidence[0].name.clone().unwrap();
    assert!(!name.contains('<') && !name.contains('/'), "{name}");
    // An attestation statement and an exception's texts.
    post_form(
        &s,
        "/criteria/OPS-08/attestations",
        &admin,
        true,
        &[
            ("status", "partial"),
            ("statement", XSS),
            ("owner", XSS),
            ("next_review", ""),
        ],
    )
    .await;
    assert_shown_escaped(
        &get(&s, "/criteria/OPS-08", Some(&admin.cookie))
            .await
            .text(),
        "attestation",
    );
    let exception = post_form(
        &s,
        "/exceptions",
        &admin,
        true,
        &[
            ("rule", "AWS-S3-*"),
            ("resource", XSS),
            ("justification", XSS),
            ("risk_owner", XSS),
            ("expires", "2026-04-30"),
        ],
    )
    .await;
    assert_eq!(
        exception.status,
        StatusCode::SEE_OTHER,
        "{}",
        exception.text()
    );
    assert_shown_escaped(
        &get(&s, "/exceptions", Some(&admin.cookie)).await.text(),
        "exceptions",
    );
    // An inquiry's authority, legal basis and handlers.
    let inquiry = post_form(
        &s,
        "/inquiries",
        &admin,
        true,
        &[
            ("received_on", "2026-03-09"),
            ("channel", XSS),
            ("authority", XSS),
            ("country", "FR"),
            ("legal_basis", XSS),
            ("kind", "other"),
            ("data_categories", ""),
            ("customers", ""),
            ("deadline", "2026-03-12"),
            ("handlers", XSS),
        ],
    )
    .await;
    assert_eq!(inquiry.status, StatusCode::SEE_OTHER, "{}", inquiry.text());
    for path in ["/inquiries", "/inquiries/1", "/"] {
        assert_shown_escaped(&get(&s, path, Some(&admin.cookie)).await.text(), path);
    }
    post_form(
        &s,
        "/inquiries/1/bar",
        &admin,
        true,
        &[("reason", XSS), ("review", "2026-04-01")],
    )
    .await;
    assert_shown_escaped(
        &get(&s, "/inquiries/1", Some(&admin.cookie)).await.text(),
        "bar reason",
    );
    // User and token names.
    post_form(
        &s,
        "/admin/users",
        &admin,
        true,
        &[
            ("name", XSS),
            ("role", "viewer"),
            ("password", "a long enough secret"),
        ],
    )
    .await;
    assert_shown_escaped(
        &get(&s, "/admin/users", Some(&admin.cookie)).await.text(),
        "users",
    );
    let made = post_form(
        &s,
        "/admin/tokens",
        &admin,
        true,
        &[("name", XSS), ("role", "viewer"), ("days", "1")],
    )
    .await;
    assert_shown_escaped(&made.text(), "token made");
    assert_shown_escaped(
        &get(&s, "/admin/tokens", Some(&admin.cookie)).await.text(),
        "tokens",
    );
}

#[tokio::test]
async fn reflected_markup_is_escaped_too() {
    let s = server().await;
    let login = get(
        &s,
        "/login?next=/%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
        None,
    )
    .await;
    assert_eq!(login.status, StatusCode::OK);
    assert_inert(&login.text(), "login next");
    let missing = get_as(
        &s,
        "/criteria/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        Role::Admin,
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_inert(&missing.text(), "error page");
    let filter = get_as(
        &s,
        "/criteria?domain=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        Role::Admin,
    )
    .await;
    assert_inert(&filter.text(), "filter");
    let form = get_as(
        &s,
        "/assessments?type=2&from=%3Cscript%3Ealert(1)&to=x",
        Role::Admin,
    )
    .await;
    assert_eq!(form.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_shown_escaped(&form.text(), "assessment form");
}
