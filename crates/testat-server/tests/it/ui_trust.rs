//! The trust page's admin page: reachable from the navigation for admins only; its
//! forms publish, add and withdraw documents, set the NDA and decide requests, each
//! with the session's CSRF token; outsiders' strings are shown escaped.

use axum::http::StatusCode;
use testat_records::Role;

use crate::support::Server;
use crate::ui_support::{
    XSS, add_user, assert_shown_escaped, get, post_form, post_multipart, server, sign_in,
};

/// An outsider's request for document `id` (JSON, as a script would send it).
async fn request_document(s: &Server, id: i64, name: &str, nda: i64) -> i64 {
    let body = serde_json::json!({
        "name": name,
        "email": "erika@example.com",
        "company": "Kunde AG",
        "nda_version": nda,
        "accept": true,
    });
    let r = s
        .send(
            axum::http::Request::post(format!("/trust/documents/{id}/request"))
                .header(axum::http::header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from(body.to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    r.json()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn admins_run_the_trust_page_from_its_page() {
    let s = server().await;
    add_user(&s, "ada", Role::Admin).await;
    add_user(&s, "erika", Role::Editor).await;
    let editor = sign_in(&s, "erika").await;
    let dashboard = get(&s, "/", Some(&editor.cookie)).await.text();
    assert!(!dashboard.contains("data-testid=\"nav-trust\""));
    assert_eq!(
        get(&s, "/admin/trust", Some(&editor.cookie)).await.status,
        StatusCode::FORBIDDEN
    );

    let admin = sign_in(&s, "ada").await;
    let dashboard = get(&s, "/", Some(&admin.cookie)).await.text();
    assert!(
        dashboard.contains("data-testid=\"nav-trust\""),
        "{dashboard}"
    );
    let first = get(&s, "/admin/trust", Some(&admin.cookie)).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    assert!(first.text().contains("Nothing is published yet"));

    // A gated document and the NDA, through the page's forms.
    let added = post_multipart(
        &s,
        "/admin/trust/documents",
        &admin,
        true,
        &[
            ("title", None, b"C5 report 2026"),
            ("gated", None, b"true"),
            ("file", Some("c5-report.pdf"), b"%PDF the report"),
        ],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    let document = s.store.documents().await.unwrap()[0].id;
    let nda = post_form(
        &s,
        "/admin/trust/nda",
        &admin,
        true,
        &[("text", "Keep it to yourself.")],
    )
    .await;
    assert_eq!(nda.status, StatusCode::SEE_OTHER, "{}", nda.text());
    let (version, text) = s.store.nda().await.unwrap().unwrap();
    assert_eq!(text, "Keep it to yourself.");

    // Without the CSRF token, publishing is refused and nothing is published.
    let fields = [("type", "1"), ("countries", "DE, FR")];
    let refused = post_form(&s, "/admin/trust/publish", &admin, false, &fields).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(s.store.latest_snapshot().await.unwrap().is_none());
    let bad = post_form(&s, "/admin/trust/publish", &admin, true, &[("type", "3")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("neither 1 nor 2"));
    let published = post_form(&s, "/admin/trust/publish", &admin, true, &fields).await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.text()
    );
    let trust = s.call("GET", "/trust", None, None).await;
    assert_eq!(trust.status, StatusCode::OK);
    assert!(trust.text().contains("C5 report 2026"));
    let page = get(&s, "/admin/trust?done=published", Some(&admin.cookie))
        .await
        .text();
    assert!(page.contains("Snapshot 1, published"), "{page}");

    // Two outsiders ask; one is approved (the link is shown once), one denied.
    let asked = request_document(&s, document, &format!("Eve {XSS}"), version).await;
    let other = request_document(&s, document, "Max", version).await;
    let page = get(&s, "/admin/trust", Some(&admin.cookie)).await.text();
    assert_shown_escaped(&page, "a requester's name");
    assert!(page.contains(&format!("data-testid=\"approve-{asked}\"")));
    let too_long = post_form(
        &s,
        &format!("/admin/trust/requests/{asked}/approve"),
        &admin,
        true,
        &[("days", "91")],
    )
    .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    let approved = post_form(
        &s,
        &format!("/admin/trust/requests/{asked}/approve"),
        &admin,
        true,
        &[("days", "7")],
    )
    .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text());
    let html = approved.text().replace("&#x2f;", "/");
    let start = html.find("/trust/download/").unwrap();
    let link: String = html[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "/_-".contains(*c))
        .collect();
    let got = s.call("GET", &link, None, None).await;
    assert_eq!(got.status, StatusCode::OK, "{link}: {}", got.text());
    assert_eq!(got.body, b"%PDF the report");
    let denied = post_form(
        &s,
        &format!("/admin/trust/requests/{other}/deny"),
        &admin,
        true,
        &[],
    )
    .await;
    assert_eq!(denied.status, StatusCode::SEE_OTHER, "{}", denied.text());
    let page = get(&s, "/admin/trust", Some(&admin.cookie)).await.text();
    assert!(page.contains(&format!(
        "data-request=\"{asked}\" data-decision=\"approved\""
    )));
    assert!(page.contains(&format!(
        "data-request=\"{other}\" data-decision=\"denied\""
    )));

    // Withdrawn, the document's link stops working.
    let withdrawn = post_form(
        &s,
        &format!("/admin/trust/documents/{document}/withdraw"),
        &admin,
        true,
        &[],
    )
    .await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    assert!(!s.call("GET", &link, None, None).await.status.is_success());
    // Every step is in the audit log under the admin's name.
    let by_ada: Vec<String> = s
        .store
        .audit_events(None, None)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.actor == "ada")
        .map(|e| e.action)
        .collect();
    for action in [
        "trust.publish",
        "trust.nda",
        "trust.decide",
        "trust.withdraw",
    ] {
        assert!(
            by_ada.iter().any(|a| a.starts_with(action)),
            "{action} missing: {by_ada:?}"
        );
    }
}

#[tokio::test]
async fn the_publish_form_has_a_checkbox_for_the_gdpr_annex() {
    let s = server().await;
    add_user(&s, "ada", Role::Admin).await;
    let admin = sign_in(&s, "ada").await;
    let page = get(&s, "/admin/trust", Some(&admin.cookie)).await.text();
    assert!(
        page.contains("name=\"gdpr_annex\" type=\"checkbox\" value=\"yes\""),
        "{page}"
    );

    // Not ticked: the browser sends nothing, and the annex is left out.
    let plain = post_form(&s, "/admin/trust/publish", &admin, true, &[("type", "1")]).await;
    assert_eq!(plain.status, StatusCode::SEE_OTHER, "{}", plain.text());
    let snapshot = s.call("GET", "/trust.json", None, None).await.json();
    assert!(snapshot["handout"].get("gdpr").is_none());
    assert!(
        !s.call("GET", "/trust", None, None)
            .await
            .text()
            .contains("Art. 32(1)(a)")
    );

    // Ticked: the snapshot carries the annex.
    let fields = [("type", "1"), ("gdpr_annex", "yes")];
    let ticked = post_form(&s, "/admin/trust/publish", &admin, true, &fields).await;
    assert_eq!(ticked.status, StatusCode::SEE_OTHER, "{}", ticked.text());
    let snapshot = s.call("GET", "/trust.json", None, None).await.json();
    assert_eq!(
        snapshot["handout"]["gdpr"]["measures"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert!(
        s.call("GET", "/trust", None, None)
            .await
            .text()
            .contains("Art. 32(1)(a)")
    );
}
