//! The register of investigation requests through the API: the workflow, the
//! register's rules as 422s, what falls due, the transparency report and the INQ
//! evidence; legal may change it, the auditor may only read it, others see nothing.

use axum::http::StatusCode;
use serde_json::json;
use testat_records::Role;

use crate::support::{Reply, Server};

fn request_body() -> serde_json::Value {
    json!({
        "received_on": "2026-03-01",
        "channel": "letter",
        "authority": "Agency <script>alert(1)</script>",
        "country": "us",
        "legal_basis": "subpoena",
        "kind": "data-disclosure",
        "data_categories": ["mailbox"],
        "customers": ["acme"],
        "deadline": "2026-03-15",
        "handlers": ["Jo"],
    })
}

fn assert_error(r: &Reply, status: StatusCode, needle: &str) {
    assert_eq!(r.status, status, "{}", r.text());
    let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains(needle), "`{needle}` not in `{message}`");
}

async fn step(s: &Server, id: i64, what: &str, body: Option<serde_json::Value>) -> Reply {
    s.call(
        "POST",
        &format!("/api/inquiries/{id}/{what}"),
        Some(Role::Legal),
        body,
    )
    .await
}

#[tokio::test]
async fn a_request_goes_through_the_workflow() {
    let s = Server::sqlite().await;
    let added = s
        .call(
            "POST",
            "/api/inquiries",
            Some(Role::Legal),
            Some(request_body()),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    let r = added.json();
    let id = r["id"].as_i64().unwrap();
    assert_eq!(r["state"], "received");
    assert_eq!(r["country"], "US");
    assert_eq!(r["outside_eea"], true);
    assert_eq!(r["authority"], "Agency <script>alert(1)</script>");

    // What falls due: the deadline within 14 days, not within 2.
    let due = s
        .call(
            "GET",
            "/api/inquiries/due?within=14",
            Some(Role::Auditor),
            None,
        )
        .await;
    assert_eq!(due.status, StatusCode::OK, "{}", due.text());
    assert_eq!(due.json()["items"][0]["inquiry"], id);
    assert_eq!(due.json()["items"][0]["date"], "2026-03-15");
    let soon = s
        .call(
            "GET",
            "/api/inquiries/due?within=2",
            Some(Role::Legal),
            None,
        )
        .await;
    assert_eq!(soon.json()["items"], json!([]));

    // Illegal steps are refused with the rule's message.
    let r = step(&s, id, "advance", Some(json!({"to": "disclosed"}))).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "cannot move from received to disclosed",
    );
    let r = step(&s, id, "advance", Some(json!({"to": "approved"}))).await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "unknown state");
    let r = step(&s, id, "advance", Some(json!({"to": "legal-review"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["state"], "legal-review");
    let r = step(
        &s,
        id,
        "advance",
        Some(json!({"to": "disclosed", "note": "mailbox export handed over"})),
    )
    .await;
    assert_eq!(r.json()["state"], "disclosed");
    let r = step(&s, id, "close", None).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "record the customer-notification decision first",
    );
    let r = step(
        &s,
        id,
        "notify",
        Some(json!({"date": "2026-03-20", "how": "e-mail"})),
    )
    .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "in the future");
    let r = step(&s, id, "notify", Some(json!({"date": "2026-03-09"}))).await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "missing field `how`");
    let r = step(
        &s,
        id,
        "notify",
        Some(json!({"date": "2026-03-09", "how": "e-mail"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        r.json()["notification"],
        json!({"decision": "notified", "on": "2026-03-09", "how": "e-mail"})
    );
    let r = step(&s, id, "close", Some(json!({"note": "done"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["state"], "closed");
    let r = step(&s, id, "advance", Some(json!({"to": "rejected"}))).await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "closed is final");
    let shown = s
        .call(
            "GET",
            &format!("/api/inquiries/{id}"),
            Some(Role::Auditor),
            None,
        )
        .await;
    assert_eq!(shown.json()["events"].as_array().unwrap().len(), 4);
    let r = step(&s, 42, "advance", Some(json!({"to": "legal-review"}))).await;
    assert_error(&r, StatusCode::NOT_FOUND, "inquiry 42");

    // A second request whose notification is barred.
    let second = s
        .call(
            "POST",
            "/api/inquiries",
            Some(Role::Admin),
            Some(json!({"received_on": "2026-02-10", "channel": "portal",
                "authority": "Bundesamt", "country": "DE", "legal_basis": "StPO",
                "kind": "preservation", "handlers": ["Kim"]})),
        )
        .await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.text());
    let id2 = second.json()["id"].as_i64().unwrap();
    let r = step(
        &s,
        id2,
        "bar",
        Some(json!({"reason": "gag order", "review": "2026-03-01"})),
    )
    .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "in the past");
    let r = step(
        &s,
        id2,
        "bar",
        Some(json!({"reason": "gag order", "review": "2026-09-01"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());

    let list = s
        .call("GET", "/api/inquiries", Some(Role::Auditor), None)
        .await;
    assert_eq!(list.json().as_array().unwrap().len(), 2);
    let evidence = s
        .call("GET", "/api/inquiries/evidence", Some(Role::Auditor), None)
        .await;
    assert_eq!(evidence.status, StatusCode::OK);
    assert_eq!(evidence.json()["requests"], 2);
    assert_eq!(evidence.json()["criteria"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn the_transparency_report_comes_banded_in_three_formats() {
    let s = Server::sqlite().await;
    let added = s
        .call(
            "POST",
            "/api/inquiries",
            Some(Role::Legal),
            Some(request_body()),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED);
    let json_report = s
        .call(
            "GET",
            "/api/inquiries/report?period=2026-h1",
            Some(Role::Auditor),
            None,
        )
        .await;
    assert_eq!(json_report.status, StatusCode::OK, "{}", json_report.text());
    let report = json_report.json();
    assert_eq!(report["band"], 10);
    assert!(
        !report.to_string().contains("\"exact\":1"),
        "a single request shows as a band: {report}"
    );
    let exact = s
        .call(
            "GET",
            "/api/inquiries/report?period=2026&band=1&format=json",
            Some(Role::Legal),
            None,
        )
        .await;
    assert_eq!(exact.status, StatusCode::OK);
    let md = s
        .call(
            "GET",
            "/api/inquiries/report?period=2026-Q1&format=md",
            Some(Role::Legal),
            None,
        )
        .await;
    assert_eq!(md.status, StatusCode::OK);
    assert_eq!(md.headers["content-type"], "text/markdown; charset=utf-8");
    assert!(
        md.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("transparency-2026-Q1.md")
    );
    let html = s
        .call(
            "GET",
            "/api/inquiries/report?period=2026-H1&band=5&format=html",
            Some(Role::Legal),
            None,
        )
        .await;
    assert_eq!(html.status, StatusCode::OK);
    assert_eq!(html.headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(
        html.headers["content-security-policy"],
        testat_server::security::REPORT_CSP
    );
    assert!(html.text().contains("<html"));
    for (query, status, needle) in [
        (
            "period=2026-H3",
            StatusCode::UNPROCESSABLE_ENTITY,
            "is not a year",
        ),
        (
            "period=2026&band=0",
            StatusCode::UNPROCESSABLE_ENTITY,
            "at least 1",
        ),
        (
            "period=2026&format=pdf",
            StatusCode::BAD_REQUEST,
            "unknown variant",
        ),
        ("period=2026&band=-1", StatusCode::BAD_REQUEST, "band"),
        ("", StatusCode::BAD_REQUEST, "missing field `period`"),
    ] {
        let r = s
            .call(
                "GET",
                &format!("/api/inquiries/report?{query}"),
                Some(Role::Legal),
                None,
            )
            .await;
        assert_error(&r, status, needle);
    }
    let r = s
        .call(
            "GET",
            "/api/inquiries/due?within=-1",
            Some(Role::Legal),
            None,
        )
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "within");
    let r = s
        .call(
            "GET",
            "/api/inquiries/due?within=soon",
            Some(Role::Legal),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn bad_requests_are_refused_and_nothing_is_recorded() {
    let s = Server::sqlite().await;
    let with = |key: &str, value: serde_json::Value| {
        let mut b = request_body();
        b[key] = value;
        b
    };
    let without = |key: &str| {
        let mut b = request_body();
        b.as_object_mut().unwrap().remove(key);
        b
    };
    for (body, status, needle) in [
        (
            with("received_on", json!("2026-04-01")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "in the future",
        ),
        (
            with("received_on", json!("01.03.2026")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "received_on",
        ),
        (
            with("deadline", json!("2026-02-01")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "before the request was received",
        ),
        (
            with("country", json!("UK")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "ISO 3166-1",
        ),
        (
            with("kind", json!("wiretap")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown kind",
        ),
        (
            with("handlers", json!([" "])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "at least one handler",
        ),
        (
            with("handlers", json!("Jo")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid type",
        ),
        (
            with("secret", json!(true)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown field `secret`",
        ),
        (
            without("authority"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "missing field `authority`",
        ),
        (
            with("channel", json!("")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "a channel",
        ),
    ] {
        let r = s
            .call("POST", "/api/inquiries", Some(Role::Legal), Some(body))
            .await;
        assert_error(&r, status, needle);
    }
    // Roles: legal and admin change the register, the auditor reads it, others see
    // nothing of it.
    for role in [Role::Auditor, Role::Editor, Role::Viewer] {
        let r = s
            .call("POST", "/api/inquiries", Some(role), Some(request_body()))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
    }
    for role in [Role::Editor, Role::Viewer] {
        for path in [
            "/api/inquiries",
            "/api/inquiries/1",
            "/api/inquiries/due",
            "/api/inquiries/evidence",
            "/api/inquiries/report?period=2026",
        ] {
            let r = s.call("GET", path, Some(role), None).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role} {path}");
        }
    }
    assert!(s.store.inquiries().await.unwrap().is_empty());
    let added = s
        .call(
            "POST",
            "/api/inquiries",
            Some(Role::Legal),
            Some(request_body()),
        )
        .await;
    let id = added.json()["id"].as_i64().unwrap();
    let r = s
        .call(
            "POST",
            &format!("/api/inquiries/{id}/advance"),
            Some(Role::Auditor),
            Some(json!({"to": "legal-review"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    for (what, body, needle) in [
        (
            "advance",
            json!({"to": "legal-review", "by": "me"}),
            "unknown field `by`",
        ),
        ("advance", json!({"to": 3}), "invalid type"),
        (
            "notify",
            json!({"date": "yesterday", "how": "mail"}),
            "date",
        ),
        ("bar", json!({"reason": "gag"}), "missing field `review`"),
        ("close", json!({"note": ["a"]}), "invalid type"),
    ] {
        let r = step(&s, id, what, Some(body)).await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, needle);
    }
    let r = s.store.inquiry(id).await.unwrap();
    assert!(r.events.is_empty(), "no step was recorded: {:?}", r.events);
}
