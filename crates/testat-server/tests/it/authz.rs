//! The authorisation matrix: every route of the route table, asked by every role, by
//! nobody, and with an expired and a revoked token, gets the status written here. The
//! expectations are spelled out per route (not derived from the table's capability),
//! and a route added to the table without an entry here fails the test.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use testat_records::Role;
use testat_server::auth::Secret;

use crate::support::{Reply, Server, at};
use crate::ui_support::{seed, server, stamp};

/// Who may use a route.
#[derive(Debug, Clone, Copy)]
enum Who {
    /// Anyone, signed in or not.
    Public,
    /// Exactly these roles; every other role gets 403, nobody 401 (or the sign-in page).
    Roles(&'static [Role]),
}

use Role::{Admin, Auditor, Editor, Legal, Viewer};
use Who::{Public, Roles};

const EVERY_ROLE: Who = Roles(&[Admin, Editor, Legal, Auditor, Viewer]);
const CATALOG: Who = Roles(&[Admin, Editor, Legal, Auditor]);
const RECORDS_READ: Who = Roles(&[Admin, Editor, Auditor]);
const RECORDS_WRITE: Who = Roles(&[Admin, Editor]);
const REGISTER_READ: Who = Roles(&[Admin, Legal, Auditor]);
const REGISTER_WRITE: Who = Roles(&[Admin, Legal]);
const EXPORT: Who = Roles(&[Admin, Auditor]);
const ADMIN: Who = Roles(&[Admin]);

/// (method, route template, who may use it).
const MATRIX: &[(&str, &str, Who)] = &[
    // Health, the API document, sign-in.
    ("GET", "/api/health", Public),
    ("GET", "/api/openapi.json", Public),
    ("POST", "/api/session", Public),
    ("DELETE", "/api/session", Public),
    // Status and catalogue.
    ("GET", "/api/status", EVERY_ROLE),
    ("GET", "/api/status/{criterion}", EVERY_ROLE),
    ("GET", "/api/catalog", CATALOG),
    ("GET", "/api/catalog/{id}", CATALOG),
    // Runs and findings.
    ("GET", "/api/runs", RECORDS_READ),
    ("POST", "/api/runs", RECORDS_WRITE),
    ("GET", "/api/runs/{id}", RECORDS_READ),
    ("GET", "/api/runs/{id}/findings", RECORDS_READ),
    ("GET", "/api/runs/{a}/diff/{b}", RECORDS_READ),
    ("GET", "/api/findings", RECORDS_READ),
    ("GET", "/api/failures", RECORDS_READ),
    // Evidence, attestations, exceptions.
    ("GET", "/api/evidence", RECORDS_READ),
    ("POST", "/api/evidence", RECORDS_WRITE),
    ("GET", "/api/evidence/{id}", RECORDS_READ),
    ("GET", "/api/evidence/{id}/content", RECORDS_READ),
    ("GET", "/api/attestations", RECORDS_READ),
    ("POST", "/api/attestations", RECORDS_WRITE),
    ("GET", "/api/exceptions", RECORDS_READ),
    ("POST", "/api/exceptions", RECORDS_WRITE),
    ("POST", "/api/exceptions/{id}/revoke", RECORDS_WRITE),
    // Assessments and reports.
    ("POST", "/api/assessments", RECORDS_READ),
    ("GET", "/api/reports", RECORDS_READ),
    ("GET", "/api/reports/customer", RECORDS_READ),
    // The register.
    ("GET", "/api/inquiries", REGISTER_READ),
    ("POST", "/api/inquiries", REGISTER_WRITE),
    ("GET", "/api/inquiries/due", REGISTER_READ),
    ("GET", "/api/inquiries/report", REGISTER_READ),
    ("GET", "/api/inquiries/evidence", REGISTER_READ),
    ("GET", "/api/inquiries/{id}", REGISTER_READ),
    ("POST", "/api/inquiries/{id}/advance", REGISTER_WRITE),
    ("POST", "/api/inquiries/{id}/notify", REGISTER_WRITE),
    ("POST", "/api/inquiries/{id}/bar", REGISTER_WRITE),
    ("POST", "/api/inquiries/{id}/close", REGISTER_WRITE),
    // The audit trail.
    ("GET", "/api/verify", EXPORT),
    ("POST", "/api/bundles", EXPORT),
    // Users, tokens, the trust page's administration.
    ("GET", "/api/users", ADMIN),
    ("POST", "/api/users", ADMIN),
    ("POST", "/api/users/{id}/disable", ADMIN),
    ("GET", "/api/tokens", ADMIN),
    ("POST", "/api/tokens", ADMIN),
    ("POST", "/api/tokens/{id}/revoke", ADMIN),
    ("POST", "/api/trust/publish", ADMIN),
    ("GET", "/api/trust/documents", ADMIN),
    ("POST", "/api/trust/documents", ADMIN),
    ("POST", "/api/trust/documents/{id}/withdraw", ADMIN),
    ("GET", "/api/trust/nda", ADMIN),
    ("PUT", "/api/trust/nda", ADMIN),
    ("GET", "/api/trust/requests", ADMIN),
    ("POST", "/api/trust/requests/{id}/approve", ADMIN),
    ("POST", "/api/trust/requests/{id}/deny", ADMIN),
    // The public trust page.
    ("GET", "/trust", Public),
    ("GET", "/trust.json", Public),
    ("GET", "/trust/style.css", Public),
    ("GET", "/trust/anchor", Public),
    ("GET", "/trust/documents/{id}", Public),
    ("POST", "/trust/documents/{id}/request", Public),
    ("GET", "/trust/download/{secret}", Public),
    // Pages.
    ("GET", "/static/{name}", Public),
    ("GET", "/login", Public),
    ("POST", "/login", Public),
    ("POST", "/logout", Public),
    ("GET", "/", EVERY_ROLE),
    ("GET", "/criteria", EVERY_ROLE),
    ("GET", "/criteria/{id}", CATALOG),
    ("POST", "/criteria/{id}/evidence", RECORDS_WRITE),
    ("POST", "/criteria/{id}/attestations", RECORDS_WRITE),
    ("GET", "/evidence/{id}/file", RECORDS_READ),
    ("GET", "/runs", RECORDS_READ),
    ("GET", "/runs/diff", RECORDS_READ),
    ("GET", "/runs/{id}", RECORDS_READ),
    ("GET", "/runs/{a}/diff/{b}", RECORDS_READ),
    ("GET", "/assessments", RECORDS_READ),
    ("GET", "/reports", RECORDS_READ),
    ("GET", "/exceptions", RECORDS_READ),
    ("POST", "/exceptions", RECORDS_WRITE),
    ("POST", "/exceptions/{id}/revoke", RECORDS_WRITE),
    ("GET", "/inquiries", REGISTER_READ),
    ("POST", "/inquiries", REGISTER_WRITE),
    ("GET", "/inquiries/new", REGISTER_WRITE),
    ("GET", "/inquiries/{id}", REGISTER_READ),
    ("POST", "/inquiries/{id}/advance", REGISTER_WRITE),
    ("POST", "/inquiries/{id}/notify", REGISTER_WRITE),
    ("POST", "/inquiries/{id}/bar", REGISTER_WRITE),
    ("GET", "/admin/users", ADMIN),
    ("POST", "/admin/users", ADMIN),
    ("POST", "/admin/users/{id}/disable", ADMIN),
    ("GET", "/admin/tokens", ADMIN),
    ("POST", "/admin/tokens", ADMIN),
    ("POST", "/admin/tokens/{id}/revoke", ADMIN),
    ("GET", "/admin/trust", ADMIN),
    ("POST", "/admin/trust/publish", ADMIN),
    ("POST", "/admin/trust/documents", ADMIN),
    ("POST", "/admin/trust/documents/{id}/withdraw", ADMIN),
    ("POST", "/admin/trust/nda", ADMIN),
    ("POST", "/admin/trust/requests/{id}/approve", ADMIN),
    ("POST", "/admin/trust/requests/{id}/deny", ADMIN),
];

/// A concrete request path for a route template. IDs name records that do not exist,
/// so that no request of the matrix changes what a later one finds (revoking token 1
/// would revoke the admin's).
fn example(template: &str) -> String {
    let path = template
        .replace("{criterion}", "CRY-03")
        .replace("/criteria/{id}", "/criteria/CRY-03")
        .replace("/catalog/{id}", "/catalog/CRY-03")
        .replace("{name}", "app.css")
        .replace("{secret}", "tt_not_a_link")
        .replace("{id}", "999")
        .replace("{a}", "998")
        .replace("{b}", "999");
    match path.as_str() {
        "/api/failures" => "/api/failures?from=2026-03-01&to=2026-03-02".into(),
        "/api/inquiries/report" => "/api/inquiries/report?period=2026".into(),
        "/api/reports" => "/api/reports?format=md".into(),
        "/reports" => "/reports?type=1&format=json".into(),
        "/runs/diff" => "/runs/diff?a=1&b=2".into(),
        _ => path,
    }
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

async fn ask(s: &Server, method: &str, path: &str, bearer: Option<&str>) -> Reply {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = bearer {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let body = if method == "GET" {
        Body::empty()
    } else if is_api(path) {
        request = request.header(header::CONTENT_TYPE, "application/json");
        Body::from("{}")
    } else {
        request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        Body::empty()
    };
    s.send(request.body(body).unwrap()).await
}

/// Checks that `r` is the refusal of somebody not (validly) signed in: a JSON 401 from
/// the API; for pages, the sign-in page when nobody asked, else a 401 error page (a
/// dead token is not sent to sign in, whatever the page).
fn assert_unauthenticated(r: &Reply, method: &str, path: &str, who: &str) {
    if is_api(path) {
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{who} {method} {path}");
        assert_eq!(r.json()["error"]["code"], "unauthorized", "{who} {path}");
    } else if method == "GET" && who == "nobody" {
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{who} {method} {path}");
        let to = r.headers[header::LOCATION].to_str().unwrap();
        assert!(to.starts_with("/login?next="), "{who} {path} -> {to}");
    } else {
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{who} {method} {path}");
        assert!(r.text().contains("data-testid=\"error\""), "{who} {path}");
    }
}

fn assert_forbidden(r: &Reply, method: &str, path: &str, role: Role) {
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{role} {method} {path}");
    if is_api(path) {
        assert_eq!(r.json()["error"]["code"], "forbidden", "{role} {path}");
    } else {
        assert!(r.text().contains("may not do this"), "{role} {path}");
    }
}

fn assert_let_through(r: &Reply, method: &str, path: &str, who: &str) {
    assert!(
        r.status != StatusCode::UNAUTHORIZED && r.status != StatusCode::FORBIDDEN,
        "{who} {method} {path}: {} {}",
        r.status,
        r.text()
    );
}

#[tokio::test]
async fn every_route_answers_every_role_nobody_and_dead_tokens_as_the_matrix_says() {
    let s = server().await;
    seed(&s, "aws_s3_bucket.data").await;
    // An expired and a revoked admin token: as good as none, everywhere.
    let expired = "tt_test_expired";
    s.store
        .add_token(
            "expired",
            Admin,
            &Secret::hash(expired),
            at("2026-03-01T00:00:00Z"),
            &stamp(),
        )
        .await
        .unwrap();
    let revoked = "tt_test_revoked";
    let id = s
        .store
        .add_token(
            "revoked",
            Admin,
            &Secret::hash(revoked),
            at("2026-04-01T00:00:00Z"),
            &stamp(),
        )
        .await
        .unwrap();
    s.store.revoke_token(id, &stamp()).await.unwrap();

    // The matrix and the route table name the same routes.
    let table: BTreeSet<(String, String)> = testat_server::routes::endpoints()
        .iter()
        .map(|e| (e.method.to_string(), e.path.to_owned()))
        .collect();
    let matrix: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(matrix.len(), MATRIX.len(), "a route is in the matrix twice");
    let missing: Vec<_> = table.difference(&matrix).collect();
    assert!(
        missing.is_empty(),
        "routes without a matrix entry: {missing:?}"
    );
    let stale: Vec<_> = matrix.difference(&table).collect();
    assert!(
        stale.is_empty(),
        "matrix entries without a route: {stale:?}"
    );

    let mut checked = 0;
    for (method, template, who) in MATRIX {
        let path = example(template);
        for (name, token) in [("expired token", expired), ("revoked token", revoked)] {
            let r = ask(&s, method, &path, Some(token)).await;
            assert_unauthenticated(&r, method, &path, name);
            checked += 1;
        }
        let nobody = ask(&s, method, &path, None).await;
        match who {
            Public => assert_let_through(&nobody, method, &path, "nobody"),
            Roles(_) => assert_unauthenticated(&nobody, method, &path, "nobody"),
        }
        assert!(!nobody.status.is_server_error(), "nobody {method} {path}");
        for role in Role::ALL {
            let r = ask(&s, method, &path, Some(s.token(role))).await;
            match who {
                Roles(allowed) if !allowed.contains(&role) => {
                    assert_forbidden(&r, method, &path, role);
                }
                _ => assert_let_through(&r, method, &path, role.as_str()),
            }
            assert!(
                !r.status.is_server_error(),
                "{role} {method} {path}: {} {}",
                r.status,
                r.text()
            );
            checked += 1;
        }
    }
    assert_eq!(checked, MATRIX.len() * 7);
    // A method no route has on a routed path is 405, for anyone, never a 500.
    for (method, path, token) in [
        ("TRACE", "/api/health", None),
        ("PATCH", "/api/status", Some(s.token(Admin))),
        ("DELETE", "/criteria/CRY-03", Some(s.token(Admin))),
    ] {
        let r = ask(&s, method, path, token).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
    }
}
