//! Assessments, reports, the audit routes (verify, bundles) and findings through the
//! API; the OpenAPI document against the route table; and who may use each of the
//! routes added with them.

use axum::http::StatusCode;
use serde_json::json;
use testat_records::Role;
use testat_server::ServerConfig;
use testat_store::{Location, Stamp, Store};

use crate::records::{Part, upload, with_evidence_folder};
use crate::support::{NOW, Reply, Server, at};

fn assert_error(r: &Reply, status: StatusCode, needle: &str) {
    assert_eq!(r.status, status, "{}", r.text());
    let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains(needle), "`{needle}` not in `{message}`");
}

fn header(r: &Reply, name: &str) -> String {
    r.headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .to_str()
        .unwrap()
        .to_owned()
}

fn run(scope: &str, minute: u32, outcome: &str) -> serde_json::Value {
    json!({
        "scope": scope,
        "started_at": format!("2026-03-05T09:{minute:02}:00Z"),
        "finished_at": format!("2026-03-05T09:{minute:02}:30Z"),
        "tool_version": "0.1.0",
        "catalog_version": "2020",
        "ruleset_sha256": "00",
        "rule_count": 1,
        "resource_count": 1,
        "inputs": [],
        "findings": [{"rule": "AWS-S3-ENCRYPTION", "address": format!("aws_s3_bucket.{scope}"),
            "outcome": outcome, "criteria": ["CRY-03"]}],
    })
}

#[tokio::test]
async fn assessments_of_both_types_and_their_refusals() {
    let s = Server::sqlite().await;
    let r = s
        .call(
            "POST",
            "/api/runs",
            Some(Role::Editor),
            Some(run("ci", 0, "fail")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let one = s
        .call(
            "POST",
            "/api/assessments",
            Some(Role::Auditor),
            Some(json!({"type": 1})),
        )
        .await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.text());
    assert_eq!(header(&one, "content-type"), "application/json");
    let a = one.json();
    assert_eq!(a["schema"], "testat-assessment/v1");
    assert_eq!(a["kind"], json!({"type": "1", "at": "2026-03-10"}));
    let past = s
        .call(
            "POST",
            "/api/assessments",
            Some(Role::Editor),
            Some(json!({"type": 1, "at": "2026-03-01"})),
        )
        .await;
    assert_eq!(past.json()["kind"]["at"], "2026-03-01");
    let two = s
        .call(
            "POST",
            "/api/assessments",
            Some(Role::Admin),
            Some(json!({"type": 2, "from": "2026-03-01", "to": "2026-03-09",
                "sample": 25, "seed": 7})),
        )
        .await;
    assert_eq!(two.status, StatusCode::OK, "{}", two.text());
    let a = two.json();
    assert_eq!(
        a["kind"],
        json!({"type": "2", "from": "2026-03-01", "to": "2026-03-09"})
    );
    assert_eq!(a["period"]["sample"]["seed"], 7);
    for (body, needle) in [
        (json!({"type": 3}), "type 1 or 2"),
        (json!({"type": "one"}), "invalid type"),
        (json!({"type": 1, "at": "2026-03-11"}), "in the future"),
        (json!({"type": 1, "at": "2026-02-30"}), "at"),
        (
            json!({"type": 1, "from": "2026-01-01"}),
            "belong to a Type 2 assessment",
        ),
        (
            json!({"type": 2, "from": "2026-01-01"}),
            "needs from and to",
        ),
        (
            json!({"type": 2, "at": "2026-01-01", "from": "2026-01-01", "to": "2026-01-31"}),
            "at belongs to a Type 1",
        ),
        (
            json!({"type": 2, "from": "2026-02-01", "to": "2026-01-01"}),
            "after it ends",
        ),
        (
            json!({"type": 2, "from": "2026-03-01", "to": "2026-03-31"}),
            "after today",
        ),
        (
            json!({"type": 2, "from": "2026-03-01", "to": "2026-03-09", "seed": 7}),
            "a seed needs a sample",
        ),
        (
            json!({"type": 2, "from": "2026-03-01", "to": "2026-03-09", "sample": 0}),
            "at least 1",
        ),
        (
            json!({"type": 1, "format": "pdf"}),
            "unknown field `format`",
        ),
    ] {
        let r = s
            .call("POST", "/api/assessments", Some(Role::Auditor), Some(body))
            .await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, needle);
    }
    for role in [Role::Viewer, Role::Legal] {
        let r = s
            .call(
                "POST",
                "/api/assessments",
                Some(role),
                Some(json!({"type": 1})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn reports_come_in_every_format_as_downloads() {
    let s = Server::sqlite().await;
    let r = s
        .call(
            "POST",
            "/api/runs",
            Some(Role::Editor),
            Some(run("ci", 0, "fail")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    for (query, media_type, file, starts) in [
        (
            "",
            "text/html; charset=utf-8",
            "c5-type1-2026-03-10.html",
            "<!",
        ),
        (
            "?type=1&at=2026-03-09&format=pdf",
            "application/pdf",
            "c5-type1-2026-03-09.pdf",
            "%PDF",
        ),
        (
            "?format=md",
            "text/markdown; charset=utf-8",
            "c5-type1-2026-03-10.md",
            "",
        ),
        (
            "?format=markdown",
            "text/markdown; charset=utf-8",
            "c5-type1-2026-03-10.md",
            "",
        ),
        (
            "?format=csv",
            "text/csv; charset=utf-8",
            "c5-type1-2026-03-10.csv",
            "",
        ),
        (
            "?type=2&from=2026-01-01&to=2026-02-28&format=json",
            "application/json",
            "c5-type2-2026-01-01-to-2026-02-28.json",
            "{",
        ),
        (
            "?type=2&from=2026-01-01&to=2026-02-28&sample=5&seed=1&format=oscal",
            "application/json",
            "c5-type2-2026-01-01-to-2026-02-28.oscal-ar.json",
            "{",
        ),
        (
            "?format=oscal-poam",
            "application/json",
            "c5-type1-2026-03-10.oscal-poam.json",
            "{",
        ),
    ] {
        let r = s
            .call(
                "GET",
                &format!("/api/reports{query}"),
                Some(Role::Auditor),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text());
        assert_eq!(header(&r, "content-type"), media_type, "{query}");
        assert!(
            header(&r, "content-disposition")
                .starts_with(&format!("attachment; filename=\"{file}\"")),
            "{query}: {}",
            header(&r, "content-disposition")
        );
        assert_eq!(
            header(&r, "content-security-policy"),
            testat_server::security::REPORT_CSP
        );
        assert_eq!(header(&r, "x-content-type-options"), "nosniff");
        assert!(r.body.starts_with(starts.as_bytes()), "{query}");
        assert!(!r.body.is_empty());
        if media_type == "application/json" {
            let _ = r.json();
        }
    }
    for (format, media_type) in [
        ("", "text/markdown; charset=utf-8"),
        ("?format=html", "text/html; charset=utf-8"),
        ("?format=pdf", "application/pdf"),
        ("?format=json", "application/json"),
    ] {
        let r = s
            .call(
                "GET",
                &format!("/api/reports/customer{format}"),
                Some(Role::Editor),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{format}: {}", r.text());
        assert_eq!(header(&r, "content-type"), media_type);
        assert!(header(&r, "content-disposition").contains("c5-customer-handout."));
    }
    for (query, status, needle) in [
        ("?format=docx", StatusCode::BAD_REQUEST, "unknown variant"),
        ("?kind=2", StatusCode::BAD_REQUEST, "unknown field"),
        ("?type=two", StatusCode::BAD_REQUEST, "type"),
        ("?at=2026-13-01", StatusCode::BAD_REQUEST, "at"),
        (
            "?type=2&from=2026-01-01",
            StatusCode::UNPROCESSABLE_ENTITY,
            "needs from and to",
        ),
        (
            "?type=1&at=2027-01-01",
            StatusCode::UNPROCESSABLE_ENTITY,
            "in the future",
        ),
    ] {
        let r = s
            .call(
                "GET",
                &format!("/api/reports{query}"),
                Some(Role::Auditor),
                None,
            )
            .await;
        assert_error(&r, status, needle);
    }
    let r = s
        .call(
            "GET",
            "/api/reports/customer?format=csv",
            Some(Role::Auditor),
            None,
        )
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "unknown variant");
    for role in [Role::Viewer, Role::Legal] {
        for path in ["/api/reports", "/api/reports/customer"] {
            let r = s.call("GET", path, Some(role), None).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role} {path}");
        }
    }
}

#[tokio::test]
async fn verify_reports_problems_with_200_and_ok_false() {
    let s = with_evidence_folder(ServerConfig::default()).await;
    let content = b"the log of a restore test";
    let r = upload(
        &s,
        Role::Editor,
        &[
            Part("criterion", None, b"OPS-07"),
            Part("file", Some("restore.log"), content),
        ],
        true,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    let sha = testat_store::sha256_hex(content);
    let verified = s
        .call("GET", "/api/verify", Some(Role::Auditor), None)
        .await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.text());
    assert_eq!(verified.json()["ok"], true);
    assert_eq!(verified.json()["files"], 1);
    for role in [Role::Editor, Role::Legal, Role::Viewer] {
        let r = s.call("GET", "/api/verify", Some(role), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
    }
    // Someone alters the stored file.
    let blob = s
        ._dir
        .path()
        .join("evidence/objects")
        .join(&sha[..2])
        .join(&sha);
    std::fs::write(&blob, b"a different log").unwrap();
    let verified = s.call("GET", "/api/verify", Some(Role::Admin), None).await;
    assert_eq!(verified.status, StatusCode::OK);
    assert_eq!(verified.json()["ok"], false, "{}", verified.text());
    assert!(!verified.json()["problems"].as_array().unwrap().is_empty());
    let download = s
        .call(
            "GET",
            &format!("/api/evidence/{id}/content"),
            Some(Role::Auditor),
            None,
        )
        .await;
    assert_error(&download, StatusCode::CONFLICT, "altered");
    assert!(
        !download
            .text()
            .contains(&s._dir.path().display().to_string())
    );
}

/// A server over a store made by `testat init` in its folder (with a signing key).
async fn initialised() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let stamp = Stamp {
        actor: "setup".into(),
        at: at(NOW),
    };
    testat_store::init(dir.path(), None, &stamp).await.unwrap();
    let store = Store::open(&Location::find(dir.path(), None).unwrap())
        .await
        .unwrap();
    Server::over(store, dir, ServerConfig::default()).await
}

#[tokio::test]
async fn bundles_are_signed_streamed_and_verifiable() {
    let s = initialised().await;
    let r = s
        .call(
            "POST",
            "/api/runs",
            Some(Role::Editor),
            Some(run("ci", 0, "fail")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = s
        .call(
            "POST",
            "/api/evidence",
            Some(Role::Editor),
            Some(json!({"criteria": ["OPS-06"], "note": "restore tested"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let bundle = s
        .call(
            "POST",
            "/api/bundles",
            Some(Role::Auditor),
            Some(json!({"from": "2026-03-01", "to": "2026-03-31"})),
        )
        .await;
    assert_eq!(bundle.status, StatusCode::OK, "{}", bundle.text());
    assert_eq!(header(&bundle, "content-type"), "application/zstd");
    assert!(
        header(&bundle, "content-disposition")
            .starts_with("attachment; filename=\"testat-audit-2026-03-01-to-2026-03-31.tar.zst\"")
    );
    assert_eq!(
        header(&bundle, "content-length"),
        bundle.body.len().to_string()
    );
    let key = header(&bundle, "x-testat-signing-key");
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("bundle.tar.zst");
    std::fs::write(&file, &bundle.body).unwrap();
    let public = testat_store::parse_public_key(&key).unwrap();
    let report = testat_store::verify_bundle(&file, Some(&public)).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    assert!(report.events > 0);
    // No temporary files are left behind in the store's folder.
    let tmp = s._dir.path().join(".testat/evidence/tmp");
    assert!(
        std::fs::read_dir(&tmp).map_or(true, |mut d| d.next().is_none()),
        "leftovers in {}",
        tmp.display()
    );

    for (body, status, needle) in [
        (
            json!({"from": "2026-03-31", "to": "2026-03-01"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "before it starts",
        ),
        (
            json!({"from": "2026-03-01"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "missing field `to`",
        ),
        (
            json!({"from": "2026-03-01", "to": "2026-03-31", "out": "/tmp/x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown field `out`",
        ),
        (
            json!({"from": "March", "to": "2026-03-31"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "from",
        ),
    ] {
        let r = s
            .call("POST", "/api/bundles", Some(Role::Auditor), Some(body))
            .await;
        assert_error(&r, status, needle);
    }
    for role in [Role::Editor, Role::Legal, Role::Viewer] {
        let r = s
            .call(
                "POST",
                "/api/bundles",
                Some(role),
                Some(json!({"from": "2026-03-01", "to": "2026-03-31"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
    }
    // A store without a key folder cannot sign: a clear conflict.
    let plain = Server::sqlite().await;
    let r = plain
        .call(
            "POST",
            "/api/bundles",
            Some(Role::Admin),
            Some(json!({"from": "2026-03-01", "to": "2026-03-31"})),
        )
        .await;
    assert_error(&r, StatusCode::CONFLICT, "no signing key");
}

#[tokio::test]
async fn findings_of_the_latest_run_per_scope_and_failures_of_a_period() {
    let s = Server::sqlite().await;
    for (scope, minute, outcome) in [("ci", 0, "fail"), ("ci", 10, "pass"), ("prod", 20, "fail")] {
        let r = s
            .call(
                "POST",
                "/api/runs",
                Some(Role::Editor),
                Some(run(scope, minute, outcome)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    let all = s
        .call("GET", "/api/findings", Some(Role::Auditor), None)
        .await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text());
    let scopes = all.json()["scopes"].as_array().unwrap().clone();
    assert_eq!(scopes.len(), 2);
    assert_eq!(scopes[0]["scope"], "ci");
    assert_eq!(scopes[0]["run"]["id"], 2);
    assert_eq!(scopes[0]["findings"][0]["outcome"], "pass");
    assert_eq!(scopes[1]["findings"][0]["address"], "aws_s3_bucket.prod");
    let failing = s
        .call(
            "GET",
            "/api/findings?outcome=fail",
            Some(Role::Editor),
            None,
        )
        .await
        .json();
    assert_eq!(failing["scopes"][0]["findings"], json!([]));
    assert_eq!(
        failing["scopes"][1]["findings"].as_array().unwrap().len(),
        1
    );
    let ci = s
        .call("GET", "/api/findings?scope=ci", Some(Role::Editor), None)
        .await
        .json();
    assert_eq!(ci["scopes"].as_array().unwrap().len(), 1);
    let r = s
        .call("GET", "/api/findings?scope=qa", Some(Role::Editor), None)
        .await;
    assert_error(&r, StatusCode::NOT_FOUND, "scope `qa`");
    let r = s
        .call("GET", "/api/findings?outcome=bad", Some(Role::Editor), None)
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "outcome `bad`");

    let failed = s
        .call(
            "GET",
            "/api/failures?from=2026-03-01&to=2026-03-05",
            Some(Role::Auditor),
            None,
        )
        .await;
    assert_eq!(failed.status, StatusCode::OK, "{}", failed.text());
    assert_eq!(failed.json()[0]["criterion"], "CRY-03");
    assert_eq!(failed.json()[0]["failed_runs"], 2);
    let none = s
        .call(
            "GET",
            "/api/failures?from=2026-03-06&to=2026-03-09",
            Some(Role::Auditor),
            None,
        )
        .await;
    assert_eq!(none.json(), json!([]));
    for (query, status) in [
        (
            "from=2026-03-09&to=2026-03-01",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("from=2026-03-01", StatusCode::BAD_REQUEST),
        ("from=2026-03-01&to=tomorrow", StatusCode::BAD_REQUEST),
    ] {
        let r = s
            .call(
                "GET",
                &format!("/api/failures?{query}"),
                Some(Role::Auditor),
                None,
            )
            .await;
        assert_eq!(r.status, status, "{query}: {}", r.text());
        assert!(r.json()["error"]["message"].is_string());
    }
    for role in [Role::Viewer, Role::Legal] {
        for path in [
            "/api/findings",
            "/api/failures?from=2026-03-01&to=2026-03-05",
        ] {
            let r = s.call("GET", path, Some(role), None).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role} {path}");
        }
    }
}

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_api_routes() {
    let s = Server::sqlite().await;
    let doc = s.call("GET", "/api/openapi.json", None, None).await.json();
    let paths = doc["paths"].as_object().unwrap();
    let mut table = std::collections::BTreeSet::new();
    for e in testat_server::routes::endpoints() {
        if e.path.starts_with("/api/") && e.path != "/api/openapi.json" {
            table.insert((e.method.as_str().to_ascii_lowercase(), e.path.to_owned()));
        }
    }
    let mut documented = std::collections::BTreeSet::new();
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                documented.insert((method.clone(), path.clone()));
            }
        }
    }
    let undocumented: Vec<_> = table.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&table).collect();
    assert!(
        undocumented.is_empty(),
        "routes without OpenAPI: {undocumented:?}"
    );
    let mut ids = std::collections::BTreeSet::new();
    for item in paths.values() {
        for operation in item.as_object().unwrap().values() {
            if let Some(id) = operation["operationId"].as_str() {
                assert!(ids.insert(id.to_owned()), "operationId {id} is not unique");
            }
        }
    }
    assert!(
        unrouted.is_empty(),
        "OpenAPI paths without a route: {unrouted:?}"
    );
}

/// Who may use each route of the records, the register, the reports and the audit
/// trail: (method, path, the roles allowed). Every other role gets 403, nobody 401.
const MATRIX: &[(&str, &str, &[Role])] = {
    use Role::*;
    const RECORDS_READ: &[Role] = &[Admin, Editor, Auditor];
    const RECORDS_WRITE: &[Role] = &[Admin, Editor];
    const REGISTER_READ: &[Role] = &[Admin, Legal, Auditor];
    const REGISTER_WRITE: &[Role] = &[Admin, Legal];
    const EXPORT: &[Role] = &[Admin, Auditor];
    &[
        ("GET", "/api/evidence", RECORDS_READ),
        ("POST", "/api/evidence", RECORDS_WRITE),
        ("GET", "/api/evidence/1", RECORDS_READ),
        ("GET", "/api/evidence/1/content", RECORDS_READ),
        ("GET", "/api/attestations", RECORDS_READ),
        ("POST", "/api/attestations", RECORDS_WRITE),
        ("GET", "/api/exceptions", RECORDS_READ),
        ("POST", "/api/exceptions", RECORDS_WRITE),
        ("POST", "/api/exceptions/1/revoke", RECORDS_WRITE),
        ("GET", "/api/inquiries", REGISTER_READ),
        ("POST", "/api/inquiries", REGISTER_WRITE),
        ("GET", "/api/inquiries/1", REGISTER_READ),
        ("GET", "/api/inquiries/due", REGISTER_READ),
        ("GET", "/api/inquiries/report?period=2026", REGISTER_READ),
        ("GET", "/api/inquiries/evidence", REGISTER_READ),
        ("POST", "/api/inquiries/1/advance", REGISTER_WRITE),
        ("POST", "/api/inquiries/1/notify", REGISTER_WRITE),
        ("POST", "/api/inquiries/1/bar", REGISTER_WRITE),
        ("POST", "/api/inquiries/1/close", REGISTER_WRITE),
        ("POST", "/api/assessments", RECORDS_READ),
        ("GET", "/api/reports?format=md", RECORDS_READ),
        ("GET", "/api/reports/customer", RECORDS_READ),
        ("GET", "/api/verify", EXPORT),
        ("POST", "/api/bundles", EXPORT),
        ("GET", "/api/findings", RECORDS_READ),
        (
            "GET",
            "/api/failures?from=2026-03-01&to=2026-03-02",
            RECORDS_READ,
        ),
    ]
};

#[tokio::test]
async fn each_role_may_use_only_its_routes() {
    let s = Server::sqlite().await;
    for (method, path, allowed) in MATRIX {
        let body = (*method == "POST").then(|| json!({}));
        let r = s.call(method, path, None, body.clone()).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "nobody {method} {path}");
        for role in Role::ALL {
            let r = s.call(method, path, Some(role), body.clone()).await;
            if allowed.contains(&role) {
                assert!(
                    r.status != StatusCode::FORBIDDEN && r.status != StatusCode::UNAUTHORIZED,
                    "{role} {method} {path}: {}",
                    r.status
                );
            } else {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{role} {method} {path}");
            }
            assert!(
                !r.status.is_server_error(),
                "{role} {method} {path}: {} {}",
                r.status,
                r.text()
            );
        }
    }
    // Every route of these modules is in the matrix.
    let covered: std::collections::BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|(m, p, _)| {
            let path = p.split('?').next().unwrap().replace("/1", "/{id}");
            ((*m).to_owned(), path)
        })
        .collect();
    for e in testat_server::routes::endpoints() {
        let ours = [
            "/api/evidence",
            "/api/attestations",
            "/api/exceptions",
            "/api/inquiries",
            "/api/assessments",
            "/api/reports",
            "/api/verify",
            "/api/bundles",
            "/api/findings",
            "/api/failures",
        ]
        .iter()
        .any(|p| e.path.starts_with(p));
        if ours {
            assert!(
                covered.contains(&(e.method.to_string(), e.path.to_owned())),
                "{} {} has no entry in the matrix",
                e.method,
                e.path
            );
        }
    }
}
