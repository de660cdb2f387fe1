//! What the page tests share: users who sign in through the form, requests with the
//! session cookie, form and multipart bodies, the CSRF token read from a page, and a
//! store with runs, evidence and a request in the register.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use testat_records::Role;
use testat_store::Stamp;

use crate::support::{NOW, Reply, Server, at};

/// The password of every test user.
pub const PASSWORD: &str = "correct horse battery";

/// The XSS attempt planted in untrusted strings.
pub const XSS: &str = "\"><script>alert(1)</script>";

/// A signed-in browser: its session cookie and the CSRF token of its forms.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// A server over a SQLite store that keeps evidence files in its folder.
pub async fn server() -> Server {
    server_with(testat_server::ServerConfig::default()).await
}

/// [`server`] with `config`.
pub async fn server_with(config: testat_server::ServerConfig) -> Server {
    server_over(config, &[]).await
}

/// [`server`] with `config`, in a project folder holding `files` (name, content).
pub async fn server_over(config: testat_server::ServerConfig, files: &[(&str, &str)]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    let location = testat_store::Location::sqlite(
        &dir.path().join("store.db"),
        Some(dir.path().join("evidence")),
    );
    let store = testat_store::Store::open(&location).await.unwrap();
    Server::over(store, dir, config).await
}

pub fn stamp() -> Stamp {
    Stamp {
        actor: "setup".into(),
        at: at(NOW),
    }
}

/// Adds user `name` with `role` (password [`PASSWORD`]).
pub async fn add_user(s: &Server, name: &str, role: Role) {
    let hash = testat_server::auth::hash_password(PASSWORD).unwrap();
    s.store.add_user(name, role, &hash, &stamp()).await.unwrap();
}

/// `application/x-www-form-urlencoded` of `fields`.
pub fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Posts the sign-in form.
pub async fn post_login(s: &Server, name: &str, password: &str, next: &str) -> Reply {
    let request = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form(&[
            ("name", name),
            ("password", password),
            ("next", next),
        ])))
        .unwrap();
    s.send(request).await
}

/// Signs in as `name` through the form and reads the CSRF token from the dashboard.
pub async fn sign_in(s: &Server, name: &str) -> Session {
    let reply = post_login(s, name, PASSWORD, "").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let cookie = reply.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let page = get(s, "/", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let csrf = csrf_of(&page.text()).expect("the page carries the CSRF token");
    Session { cookie, csrf }
}

/// The CSRF token in a page's form actions.
pub fn csrf_of(html: &str) -> Option<String> {
    let start = html.find("?csrf=")? + "?csrf=".len();
    let rest = &html[start..];
    let end = rest.find(|c: char| !c.is_ascii_hexdigit())?;
    Some(rest[..end].to_owned())
}

/// `GET path` with the session cookie (or none).
pub async fn get(s: &Server, path: &str, cookie: Option<&str>) -> Reply {
    let mut request = Request::get(path).header(header::ACCEPT, "text/html");
    if let Some(c) = cookie {
        request = request.header(header::COOKIE, c);
    }
    s.send(request.body(Body::empty()).unwrap()).await
}

/// `GET path` as `role` with its API token.
pub async fn get_as(s: &Server, path: &str, role: Role) -> Reply {
    s.call("GET", path, Some(role), None).await
}

/// Posts a form to `path` with the session; `csrf` adds the session's token.
pub async fn post_form(
    s: &Server,
    path: &str,
    session: &Session,
    csrf: bool,
    fields: &[(&str, &str)],
) -> Reply {
    let uri = if csrf {
        format!("{path}?csrf={}", session.csrf)
    } else {
        path.to_owned()
    };
    let request = Request::post(uri)
        .header(header::COOKIE, &session.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form(fields)))
        .unwrap();
    s.send(request).await
}

/// A part of a multipart body: (field, file name, content).
pub type Part<'a> = (&'a str, Option<&'a str>, &'a [u8]);

/// Posts a multipart form to `path` with the session; `csrf` adds its token.
pub async fn post_multipart(
    s: &Server,
    path: &str,
    session: &Session,
    csrf: bool,
    parts: &[Part<'_>],
) -> Reply {
    let boundary = "testat-boundary-7f3a";
    let mut body = Vec::new();
    for (name, file, content) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
                    f.replace('"', "%22")
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let uri = if csrf {
        format!("{path}?csrf={}", session.csrf)
    } else {
        path.to_owned()
    };
    let request = Request::post(uri)
        .header(header::COOKIE, &session.cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    s.send(request).await
}

/// A run of scope `ci` finished at `finished` (RFC 3339) where rule
/// AWS-S3-ENCRYPTION (CRY-03) has `outcome` on `address`.
pub fn run_body(finished: &str, address: &str, outcome: &str) -> serde_json::Value {
    let end = at(finished);
    let start = end - chrono::Duration::minutes(1);
    serde_json::json!({
        "scope": "ci",
        "started_at": start.to_rfc3339(),
        "finished_at": end.to_rfc3339(),
        "tool_version": "0.1.0",
        "catalog_version": "2020",
        "ruleset_sha256": "00",
        "rule_count": 1,
        "resource_count": 2,
        "inputs": [{"path": "plan.json", "kind": "terraform-plan", "sha256": "ab", "size": 10}],
        "findings": [
            {"rule": "AWS-S3-ENCRYPTION", "address": address, "outcome": outcome, "criteria": ["CRY-03"]},
            {"rule": "AWS-S3-ENCRYPTION", "address": "aws_s3_bucket.logs", "outcome": "pass", "criteria": ["CRY-03"]},
        ],
    })
}

/// Uploads a run through the API (as CI would).
pub async fn upload(s: &Server, body: serde_json::Value) -> i64 {
    let r = s
        .call("POST", "/api/runs", Some(Role::Editor), Some(body))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["run"].as_i64().unwrap()
}

/// A store with two runs (the second fixes nothing and breaks `address`), a file of
/// evidence for CRY-03, an exception and one request in the register.
pub async fn seed(s: &Server, address: &str) {
    upload(
        s,
        run_body("2026-03-05T08:00:00Z", "aws_s3_bucket.data", "pass"),
    )
    .await;
    upload(s, run_body("2026-03-06T08:00:00Z", address, "fail")).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("policy.txt");
    std::fs::write(&file, b"key rotation policy").unwrap();
    s.store
        .add_evidence(
            &testat_store::NewEvidence {
                file: Some(file),
                note: Some("signed by the CISO".into()),
                criteria: vec!["CRY-03".into()],
                ..Default::default()
            },
            &stamp(),
        )
        .await
        .unwrap();
    s.store
        .add_exception(
            &testat_store::Exception {
                rule: "AWS-S3-ENCRYPTION".into(),
                resource: "aws_s3_bucket.legacy".into(),
                justification: "migrated in Q2".into(),
                approved_by: "ciso".into(),
                risk_owner: None,
                expires: chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
            },
            &stamp(),
        )
        .await
        .unwrap();
    s.store
        .add_inquiry(
            &testat_inquiry::NewInquiry {
                received_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
                channel: "letter".into(),
                authority: "Bundesamt für Justiz".into(),
                country: "DE".into(),
                legal_basis: "§ 100j StPO".into(),
                kind: testat_inquiry::InquiryKind::DataDisclosure,
                data_categories: vec!["subscriber data".into()],
                customers: vec!["acme".into()],
                deadline: chrono::NaiveDate::from_ymd_opt(2026, 3, 20),
                handlers: vec!["legal".into()],
            },
            &stamp(),
        )
        .await
        .unwrap();
}

/// Asserts that `html` holds `needle` only escaped: never the raw markup.
pub fn assert_inert(html: &str, what: &str) {
    assert!(
        !html.contains("<script>alert(1)"),
        "{what}: raw script in the page:\n{html}"
    );
    assert!(
        !html.contains("\"><script"),
        "{what}: the attribute breaks out:\n{html}"
    );
}

/// Asserts that `html` shows the XSS attempt escaped (so it was rendered, inertly).
pub fn assert_shown_escaped(html: &str, what: &str) {
    assert_inert(html, what);
    assert!(
        html.contains("&lt;script&gt;alert(1)"),
        "{what}: the escaped text is missing:\n{html}"
    );
}
