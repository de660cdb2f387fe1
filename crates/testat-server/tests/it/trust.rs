//! The public trust page and its admin API: publishing, what the page shows and never
//! shows, the banded transparency report, public and gated documents (request, NDA,
//! approval, download, expiry, denial), the anchor of the audit log, escaping of every
//! published or outsider-supplied string, and the audit trail of each step.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::NaiveDate;
use testat_inquiry::{InquiryKind, NewInquiry};
use testat_records::Role;
use testat_server::ServerConfig;
use testat_store::{Location, NewEvidence, Stamp, Store};

use crate::support::{NOW, Reply, Server, at, project};

const CONFIG: &str = r#"
[service]
name = "Beispiel Cloud <script>alert('service')</script>"
provider = "Beispiel GmbH"
description = "Managed object storage for public-sector customers."
models = ["IaaS"]
deployment = "public"
jurisdiction = "DE"
certifications = ["ISO/IEC 27001:2022"]

[[location]]
name = "Frankfurt <img src=x onerror=alert(1)>"
country = "DE"
purposes = ["processing", "storage"]
operated_by = "Rechenzentrum AG"

[[subservice]]
name = "Rechenzentrum AG"
provides = "Data centre housing"
method = "carve-out"
criteria = ["PS-01"]

[[out_of_scope]]
criteria = ["PS"]
reason = "physical security is carved out to the data centre operator"
subservice = "Rechenzentrum AG"
"#;

/// Strings that are in the store but must never reach the public page.
const SECRET_ADDRESS: &str = "aws_s3_bucket.hidden_marker_bucket";
const SECRET_EVIDENCE: &str = "hidden-marker-evidence.txt";
const SECRET_NOTE: &str = "hidden marker note about the vault";

fn stamp(actor: &str) -> Stamp {
    Stamp {
        actor: actor.into(),
        at: at(NOW),
    }
}

/// Added to [`CONFIG`] for the GDPR annex: a location outside the EU/EEA with a
/// declared mechanism, a subservice organisation outside it without one, and the breach
/// notification commitment.
const GDPR_CONFIG: &str = r#"
[[location]]
name = "Virginia"
country = "US"
purposes = ["backup"]
transfer_mechanism = "SCC"
transfer_note = "module 3 <b>bold</b>"

[[subservice]]
name = "Helpdesk Ltd."
provides = "First-level support"
method = "inclusive"
countries = ["IN"]

[gdpr]
breach_notification_hours = 24
"#;

/// A server in a directory made by `testat init` (so its store has a signing key),
/// with the service description above.
async fn server() -> Server {
    server_with(CONFIG).await
}

/// The same with the settings `config`.
async fn server_with(config: &str) -> Server {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("testat.toml"), config).unwrap();
    testat_store::init(dir.path(), None, &stamp("setup"))
        .await
        .unwrap();
    let store = Store::open(&Location::find(dir.path(), None).unwrap())
        .await
        .unwrap();
    Server::over(store, dir, ServerConfig::default()).await
}

/// The same store and directory, with the clock at `now`.
fn later(s: &Server, now: &str) -> Server {
    Server {
        app: testat_server::app(
            project(s._dir.path(), now),
            s.store.clone(),
            ServerConfig::default(),
        ),
        store: s.store.clone(),
        tokens: s.tokens.clone(),
        _dir: tempfile::tempdir().unwrap(),
    }
}

async fn fill_store_with_private_records(s: &Server) {
    let run = serde_json::json!({
        "scope": "ci",
        "started_at": "2026-03-09T09:00:00Z",
        "finished_at": "2026-03-09T09:01:00Z",
        "tool_version": "0.1.0",
        "catalog_version": "2020",
        "ruleset_sha256": "00",
        "rule_count": 1,
        "resource_count": 1,
        "inputs": [{"path": "plan.json", "kind": "terraform-plan", "sha256": "ab", "size": 10}],
        "findings": [{"rule": "AWS-S3-ENCRYPTION", "address": SECRET_ADDRESS, "outcome": "fail", "criteria": ["CRY-03"]}],
    });
    let r = s
        .call("POST", "/api/runs", Some(Role::Editor), Some(run))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let file = s._dir.path().join(SECRET_EVIDENCE);
    std::fs::write(&file, "the key is under the mat").unwrap();
    s.store
        .add_evidence(
            &NewEvidence {
                file: Some(file),
                url: None,
                note: Some(SECRET_NOTE.into()),
                criteria: vec!["OPS-01".into()],
                effective: None,
                valid_until: None,
            },
            &stamp("alice"),
        )
        .await
        .unwrap();
}

fn inquiry(country: &str, received: &str) -> NewInquiry {
    NewInquiry {
        received_on: NaiveDate::parse_from_str(received, "%Y-%m-%d").unwrap(),
        channel: "letter".into(),
        authority: "Secret Authority <b>X</b>".into(),
        country: country.into(),
        legal_basis: "a statute".into(),
        kind: InquiryKind::DataDisclosure,
        data_categories: vec!["account data".into()],
        customers: vec!["customer-hidden-marker".into()],
        deadline: None,
        handlers: vec!["legal".into()],
    }
}

/// A multipart upload of a document.
fn document_upload(
    s: &Server,
    name: &str,
    content: &[u8],
    title: &str,
    gated: bool,
) -> Request<Body> {
    let boundary = "----testatboundary7d3";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n{title}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"gated\"\r\n\r\n{gated}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post("/api/trust/documents")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", s.token(Role::Admin)),
        )
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

async fn add_document(s: &Server, name: &str, content: &[u8], title: &str, gated: bool) -> i64 {
    let r = s
        .send(document_upload(s, name, content, title, gated))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_i64().unwrap()
}

async fn publish(s: &Server, body: serde_json::Value) -> Reply {
    s.call("POST", "/api/trust/publish", Some(Role::Admin), Some(body))
        .await
}

async fn set_nda(s: &Server, text: &str) -> i64 {
    let r = s
        .call(
            "PUT",
            "/api/trust/nda",
            Some(Role::Admin),
            Some(serde_json::json!({ "text": text })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["version"].as_i64().unwrap()
}

/// A public request (no token) with a JSON or form body.
async fn outsider(s: &Server, path: &str, content_type: &str, body: String) -> Reply {
    s.send(
        Request::post(path)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

async fn request_json(s: &Server, document: i64, body: serde_json::Value) -> Reply {
    outsider(
        s,
        &format!("/trust/documents/{document}/request"),
        "application/json",
        body.to_string(),
    )
    .await
}

fn requester(nda: i64) -> serde_json::Value {
    serde_json::json!({
        "name": "Erika Mustermann",
        "email": "erika@example.com",
        "company": "Kunde AG",
        "nda_version": nda,
        "accept": true,
    })
}

async fn actions(store: &Store) -> Vec<String> {
    store
        .audit_events(None, None)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

fn assert_no_private_records(text: &str) {
    for secret in [
        SECRET_ADDRESS,
        SECRET_EVIDENCE,
        SECRET_NOTE,
        "hidden_marker",
        "customer-hidden-marker",
        "Secret Authority",
        "AWS-S3-ENCRYPTION",
        "the key is under the mat",
    ] {
        assert!(!text.contains(secret), "`{secret}` leaked:\n{text}");
    }
}

#[tokio::test]
async fn only_admins_publish_and_the_page_shows_the_snapshot_and_nothing_else() {
    let s = server().await;
    // Nothing published yet: a 404 page, and a 404 JSON error.
    let page = s.call("GET", "/trust", None, None).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.text().contains("not published"), "{}", page.text());
    assert_eq!(
        s.call("GET", "/trust.json", None, None).await.status,
        StatusCode::NOT_FOUND
    );
    fill_store_with_private_records(&s).await;
    s.store
        .add_inquiry(&inquiry("DE", "2026-03-02"), &stamp("legal"))
        .await
        .unwrap();

    for (role, status) in [
        (None, StatusCode::UNAUTHORIZED),
        (Some(Role::Editor), StatusCode::FORBIDDEN),
        (Some(Role::Auditor), StatusCode::FORBIDDEN),
        (Some(Role::Legal), StatusCode::FORBIDDEN),
        (Some(Role::Viewer), StatusCode::FORBIDDEN),
    ] {
        let r = s
            .call(
                "POST",
                "/api/trust/publish",
                role,
                Some(serde_json::json!({})),
            )
            .await;
        assert_eq!(r.status, status, "{role:?}");
    }
    let published = publish(
        &s,
        serde_json::json!({"attestation": {"type": 2, "from": "2026-01-01", "to": "2026-02-28"}}),
    )
    .await;
    assert_eq!(
        published.status,
        StatusCode::CREATED,
        "{}",
        published.text()
    );
    assert_eq!(published.json()["format"], "testat-trust/v1");

    let page = s.call("GET", "/trust", None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(
        page.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(
        csp.contains("style-src 'self'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    // Our own style sheet only: no inline style, no script.
    assert!(html.contains("href=\"/trust/style.css\""));
    for inline in ["<style", "style=", "<script", "<img"] {
        assert!(!html.contains(inline), "`{inline}` in the page");
    }
    for shown in [
        "Beispiel GmbH",
        "Managed object storage",
        "Rechenzentrum AG",
        "Data centre housing",
        "physical security is carved out",
        "2026-01-01 to 2026-02-28",
        "Type 2",
        "27001:2022",
        "Government requests",
        "Other countries",
        "Audit log anchor",
    ] {
        assert!(html.contains(shown), "`{shown}` missing");
    }
    // Status by domain: the domains with counts, drawn as bars.
    assert!(html.contains("<svg class=\"bar\""));
    assert!(html.contains(">CRY</span>") && html.contains(">OPS</span>"));
    assert_no_private_records(&html);

    let json = s.call("GET", "/trust.json", None, None).await;
    assert_eq!(json.status, StatusCode::OK);
    let snapshot = json.json();
    assert_eq!(snapshot["format"], "testat-trust/v1");
    assert_eq!(snapshot["attestation"]["type"], "2");
    assert_eq!(snapshot["attestation"]["from"], "2026-01-01");
    assert_eq!(snapshot["scope"][0]["criterion"], "PS-01");
    assert_eq!(snapshot["locations"][0]["country"], "DE");
    assert_eq!(snapshot["subservices"][0]["method"], "carve-out");
    assert_eq!(snapshot["handout"]["schema"], "testat-customer-handout/v1");
    // Status per domain is counts per status, and nothing else.
    for d in snapshot["status"]["domains"].as_array().unwrap() {
        let mut keys: Vec<&String> = d.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["code", "counts", "title"]);
    }
    assert_no_private_records(&json.text());

    // A document added after the publication is not reachable until the next one.
    let unpublished = add_document(&s, "later.pdf", b"%PDF later", "Later", false).await;
    assert_eq!(
        s.call(
            "GET",
            &format!("/trust/documents/{unpublished}"),
            None,
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !s.call("GET", "/trust", None, None)
            .await
            .text()
            .contains("Later")
    );
    assert_eq!(
        publish(&s, serde_json::json!({})).await.status,
        StatusCode::CREATED
    );
    let page = s.call("GET", "/trust", None, None).await.text();
    assert!(page.contains("Later") && page.contains("Type 1"));
    assert_eq!(
        s.call(
            "GET",
            &format!("/trust/documents/{unpublished}"),
            None,
            None
        )
        .await
        .status,
        StatusCode::OK
    );

    // A wrong request is refused before anything is published.
    for bad in [
        serde_json::json!({"attestation": {"type": 3}}),
        serde_json::json!({"attestation": {"type": 2, "from": "2026-01-01"}}),
        serde_json::json!({"attestation": {"type": 2, "from": "2026-01-01", "to": "2026-12-31"}}),
        serde_json::json!({"attestation": {"type": 1, "at": "2027-01-01"}}),
        serde_json::json!({"transparency": {"period": "2026-H3"}}),
        serde_json::json!({"transparency": {"band": 1}}),
        serde_json::json!({"transparency": {"countries": ["XX"]}}),
    ] {
        let r = publish(&s, bad.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            r.text()
        );
    }
    let unknown = publish(&s, serde_json::json!({"everything": true})).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Every admin route of the trust page is in the OpenAPI document; the public pages
    // are not API routes.
    let doc = s.call("GET", "/api/openapi.json", None, None).await.json();
    for e in testat_server::routes::endpoints() {
        let documented = doc["paths"][e.path][e.method.as_str().to_lowercase()].is_object();
        if e.path.starts_with("/api/trust") {
            assert!(
                documented,
                "{} {} is not in the OpenAPI document",
                e.method, e.path
            );
        } else if e.path.starts_with("/trust") {
            assert!(!documented, "{}", e.path);
        }
    }
    let events = actions(&s.store).await;
    assert_eq!(events.iter().filter(|a| *a == "trust.publish").count(), 2);
}

/// The four points of Art. 32(1) as the annex heads them.
const ART32_HEADINGS: [&str; 4] = [
    "Art. 32(1)(a) Pseudonymisation and encryption",
    "Art. 32(1)(b) Confidentiality, integrity, availability and resilience",
    "Art. 32(1)(c) Restoring availability and access after an incident",
    "Art. 32(1)(d) Regular testing and evaluation",
];

#[tokio::test]
async fn the_gdpr_annex_is_published_only_when_asked_for() {
    let s = server_with(&format!("{CONFIG}{GDPR_CONFIG}")).await;
    fill_store_with_private_records(&s).await;

    // Without the option (the default), neither the page nor the JSON has the annex.
    let plain = publish(&s, serde_json::json!({})).await;
    assert_eq!(plain.status, StatusCode::CREATED, "{}", plain.text());
    let snapshot = s.call("GET", "/trust.json", None, None).await.json();
    assert!(snapshot["handout"].get("gdpr").is_none(), "{snapshot}");
    let html = s.call("GET", "/trust", None, None).await.text();
    assert!(!html.contains("GDPR annex"), "{html}");
    for heading in ART32_HEADINGS {
        assert!(!html.contains(heading), "{heading} without the option");
    }
    assert!(!html.contains("mechanism not declared"));
    let off = publish(&s, serde_json::json!({"gdpr_annex": false})).await;
    assert_eq!(off.status, StatusCode::CREATED, "{}", off.text());
    let html = s.call("GET", "/trust", None, None).await.text();
    assert!(!html.contains("GDPR annex"));

    // Not a boolean: refused, and nothing new is published.
    let wrong = publish(&s, serde_json::json!({"gdpr_annex": "yes"})).await;
    assert!(wrong.status.is_client_error(), "{}", wrong.status);

    // With it, the snapshot carries the annex and the page shows it.
    let with = publish(&s, serde_json::json!({"gdpr_annex": true})).await;
    assert_eq!(with.status, StatusCode::CREATED, "{}", with.text());
    let snapshot = s.call("GET", "/trust.json", None, None).await.json();
    let gdpr = &snapshot["handout"]["gdpr"];
    assert_eq!(gdpr["measures"].as_array().unwrap().len(), 4, "{gdpr}");
    let html = s.call("GET", "/trust", None, None).await.text();
    assert!(html.contains("href=\"#gdpr\""));
    assert!(html.contains("GDPR annex: processing on behalf of the customer"));
    for heading in ART32_HEADINGS {
        assert!(
            html.contains(&format!("<h4>{heading}</h4>")),
            "{heading}:\n{html}"
        );
    }
    // CRY-03 failed in the run: a gap under Art. 32(1)(a), never a measure in place.
    let point_a =
        &html[html.find(ART32_HEADINGS[0]).unwrap()..html.find(ART32_HEADINGS[1]).unwrap()];
    assert!(
        point_a.contains("Gap: not in place (criterion not met)</dt><dd>CRY-03"),
        "{point_a}"
    );
    assert!(!point_a.contains("In place (criterion met)</dt><dd>CRY-03"));
    // Transfers: declared with its mechanism, undeclared as such, EU/EEA as none (the
    // page escapes `/` too).
    assert!(
        html.contains("<td>Virginia</td><td>US</td><td>backup</td><td>the provider</td><td>Transfer: standard contractual clauses (Art. 46(2)(c)) (module 3 &lt;b&gt;bold&lt;&#x2f;b&gt;)</td>"),
        "{html}"
    );
    assert!(
        html.contains("<td>Helpdesk Ltd.</td><td>First-level support</td><td>IN</td><td>Transfer: mechanism not declared</td>"),
        "{html}"
    );
    assert!(html.contains("<td>DE</td><td>processing, storage</td><td>Rechenzentrum AG</td><td>No transfer (EU&#x2f;EEA)</td>"));
    assert!(html.contains("within 24 hours of becoming aware of a personal data breach"));
    // The annex names criteria, never findings, rules or resources, and escapes what
    // the settings say.
    assert_no_private_records(&html);
    assert_no_private_records(&snapshot.to_string());
    assert!(!html.contains("<img src=x"));
    assert!(!html.contains("<b>bold</b>"));
}

#[tokio::test]
async fn the_transparency_report_is_banded_for_a_fixed_list_of_countries() {
    let s = server().await;
    // One request, from France: it must show only as a band under "other countries".
    s.store
        .add_inquiry(&inquiry("FR", "2026-02-01"), &stamp("legal"))
        .await
        .unwrap();
    assert_eq!(
        publish(
            &s,
            serde_json::json!({"transparency": {"period": "2026-H1"}})
        )
        .await
        .status,
        StatusCode::CREATED
    );
    let snapshot = s.call("GET", "/trust.json", None, None).await.json();
    let t = &snapshot["transparency"];
    assert_eq!(t["band"], 10);
    let countries: Vec<(String, String)> = t["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["key"].as_str().unwrap().to_owned(),
                l["requests"]["display"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        countries,
        [
            ("DE".to_owned(), "0-9".to_owned()),
            ("US".to_owned(), "0-9".to_owned()),
            ("other".to_owned(), "0-9".to_owned())
        ]
    );
    assert_eq!(t["total"]["display"], "0-9");
    // No count in the report is exact below the band.
    fn walk(v: &serde_json::Value, band: u64) {
        match v {
            serde_json::Value::Object(m) if m.contains_key("min") && m.contains_key("max") => {
                let (min, max) = (m["min"].as_u64().unwrap(), m["max"].as_u64().unwrap());
                assert!(
                    min != max || min >= band,
                    "exact count {min} below the band"
                );
            }
            serde_json::Value::Object(m) => m.values().for_each(|v| walk(v, band)),
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, band)),
            _ => {}
        }
    }
    walk(t, 10);
    assert!(!serde_json::to_string(t).unwrap().contains("\"FR\""));
    let html = s.call("GET", "/trust", None, None).await.text();
    assert!(!html.contains(">FR<"));
    assert!(html.contains("Other countries</td><td class=\"num\">0-9</td>"));
    assert_no_private_records(&html);

    // The admin may choose the countries and the band, never a band of 1.
    let chosen = publish(
        &s,
        serde_json::json!({"transparency": {"period": "2026-H1", "band": 2, "countries": ["fr", "AT"]}}),
    )
    .await;
    assert_eq!(chosen.status, StatusCode::CREATED, "{}", chosen.text());
    let t = &s.call("GET", "/trust.json", None, None).await.json()["transparency"];
    assert_eq!(t["countries"][0]["key"], "FR");
    assert_eq!(t["countries"][0]["requests"]["display"], "0-1");
    assert_eq!(t["countries"][1]["key"], "AT");
    assert_eq!(t["countries"][2]["key"], "other");
}

#[tokio::test]
async fn documents_are_public_or_requested_approved_downloaded_and_expire() {
    let s = server().await;
    let public = add_document(&s, "c5-summary.pdf", b"%PDF public", "C5 summary", false).await;
    let gated = add_document(
        &s,
        "../../C5 report (2026).pdf",
        b"%PDF the full report",
        "Full C5 report",
        true,
    )
    .await;
    let withdrawn = add_document(&s, "old.pdf", b"%PDF old", "Old report", true).await;
    let nda = set_nda(&s, "Keep it to yourself.\nSecond paragraph.").await;
    assert_eq!(
        s.call(
            "POST",
            &format!("/api/trust/documents/{withdrawn}/withdraw"),
            Some(Role::Admin),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        publish(&s, serde_json::json!({})).await.status,
        StatusCode::CREATED
    );

    let html = s.call("GET", "/trust", None, None).await.text();
    assert!(html.contains(&format!("href=\"/trust/documents/{public}\"")));
    assert!(html.contains(&format!("action=\"/trust/documents/{gated}/request\"")));
    assert!(html.contains(&format!("name=\"nda_version\" value=\"{nda}\"")));
    assert!(html.contains("Keep it to yourself."));
    assert!(!html.contains("Old report"));

    // A public document downloads as an attachment with a safe name.
    let r = s
        .call("GET", &format!("/trust/documents/{public}"), None, None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, b"%PDF public");
    assert_eq!(
        r.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"c5-summary.pdf\""
    );
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(
        r.headers[header::CONTENT_SECURITY_POLICY],
        testat_server::security::REPORT_CSP
    );
    // Gated, withdrawn and unknown documents do not download; only gated ones are
    // requested.
    for id in [gated, withdrawn, 999] {
        assert_eq!(
            s.call("GET", &format!("/trust/documents/{id}"), None, None)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
    for id in [public, withdrawn, 999] {
        assert_eq!(
            request_json(&s, id, requester(nda)).await.status,
            StatusCode::NOT_FOUND,
            "{id}"
        );
    }

    // Bad input is refused, and nothing is recorded.
    let mut no_accept = requester(nda);
    no_accept["accept"] = false.into();
    let mut bad_email = requester(nda);
    bad_email["email"] = "erika at example".into();
    let mut long_name = requester(nda);
    long_name["name"] = "x".repeat(201).into();
    let mut unknown_field = requester(nda);
    unknown_field["role"] = "admin".into();
    for (body, status) in [
        (no_accept, StatusCode::UNPROCESSABLE_ENTITY),
        (bad_email, StatusCode::UNPROCESSABLE_ENTITY),
        (long_name, StatusCode::UNPROCESSABLE_ENTITY),
        (unknown_field, StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let r = request_json(&s, gated, body.clone()).await;
        assert_eq!(r.status, status, "{body}: {}", r.text());
        assert!(r.json()["error"]["message"].is_string());
    }
    assert!(s.store.access_requests().await.unwrap().is_empty());

    // A request with markup in every field is stored as sent and served as JSON.
    let xss = "<script>alert('x')</script>";
    let mut marked = requester(nda);
    marked["name"] = format!("Eve {xss}").into();
    marked["company"] = "<img src=x onerror=alert(2)>".into();
    let r = request_json(&s, gated, marked).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    let first = r.json()["id"].as_i64().unwrap();
    // The same by the page's form: a thank-you page.
    let form = outsider(
        &s,
        &format!("/trust/documents/{gated}/request"),
        "application/x-www-form-urlencoded",
        format!(
            "name=Max+Muster&email=max%40example.org&company=%3Cb%3EKunde%3C%2Fb%3E&nda_version={nda}&accept=yes"
        ),
    )
    .await;
    assert_eq!(form.status, StatusCode::ACCEPTED, "{}", form.text());
    assert!(form.text().contains("administrator"));
    let without_checkbox = outsider(
        &s,
        &format!("/trust/documents/{gated}/request"),
        "application/x-www-form-urlencoded",
        format!("name=Max&email=max%40example.org&company=K&nda_version={nda}"),
    )
    .await;
    assert_eq!(without_checkbox.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        without_checkbox.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );

    let listed = s
        .call("GET", "/api/trust/requests", Some(Role::Admin), None)
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.headers[header::CONTENT_TYPE], "application/json");
    let requests = listed.json();
    assert_eq!(requests[0]["name"], format!("Eve {xss}"));
    assert_eq!(requests[0]["nda_version"], nda);
    assert_eq!(requests[0]["address"], "unknown");
    assert_eq!(requests[1]["company"], "<b>Kunde</b>");
    for role in [Role::Editor, Role::Auditor, Role::Legal, Role::Viewer] {
        assert_eq!(
            s.call("GET", "/api/trust/requests", Some(role), None)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }

    // A new NDA makes the old version stale: reload.
    let newer = set_nda(&s, "A stricter agreement.").await;
    let stale = request_json(&s, gated, requester(nda)).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text());
    assert!(stale.text().contains("reload"));
    let third = request_json(&s, gated, requester(newer)).await;
    assert_eq!(third.status, StatusCode::ACCEPTED);
    let third = third.json()["id"].as_i64().unwrap();

    // Approve: 1 to 90 days; the link downloads until it expires.
    for days in [0, 91] {
        assert_eq!(
            s.call(
                "POST",
                &format!("/api/trust/requests/{first}/approve"),
                Some(Role::Admin),
                Some(serde_json::json!({ "days": days })),
            )
            .await
            .status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    let approved = s
        .call(
            "POST",
            &format!("/api/trust/requests/{first}/approve"),
            Some(Role::Admin),
            Some(serde_json::json!({ "days": 1 })),
        )
        .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text());
    let link = approved.json()["link"].as_str().unwrap().to_owned();
    assert!(link.starts_with("/trust/download/tl_"));
    assert_eq!(approved.json()["expires_at"], "2026-03-11T10:00:00+00:00");
    let got = s.call("GET", &link, None, None).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, b"%PDF the full report");
    assert_eq!(
        got.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"C5_report__2026_.pdf\""
    );
    assert_eq!(got.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    // Deciding twice is refused.
    assert_eq!(
        s.call(
            "POST",
            &format!("/api/trust/requests/{first}/deny"),
            Some(Role::Admin),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    // After expiry (a server with a later clock on the same store): 410 Gone.
    let next_day = later(&s, "2026-03-12T10:00:00Z");
    let gone = next_day.call("GET", &link, None, None).await;
    assert_eq!(gone.status, StatusCode::GONE, "{}", gone.text());
    assert!(gone.text().contains("expired"));
    assert_eq!(
        s.call("GET", "/trust/download/tl_0000", None, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.call("GET", &link.replace("tl_", "xx_"), None, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Deny: no link, and the request stays denied.
    let second = first + 1;
    assert_eq!(
        s.call(
            "POST",
            &format!("/api/trust/requests/{second}/deny"),
            Some(Role::Admin),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    let requests = s
        .call("GET", "/api/trust/requests", Some(Role::Admin), None)
        .await
        .json();
    assert_eq!(requests[0]["decision"], "approved");
    assert_eq!(requests[1]["decision"], "denied");
    assert!(requests[1].get("link_expires_at").is_none());
    assert!(requests.to_string().find("link_sha256").is_none());

    // Withdrawing the document stops links that have not expired.
    let approved = s
        .call(
            "POST",
            &format!("/api/trust/requests/{third}/approve"),
            Some(Role::Admin),
            Some(serde_json::json!({ "days": 30 })),
        )
        .await
        .json();
    let link = approved["link"].as_str().unwrap().to_owned();
    assert_eq!(
        s.call("GET", &link, None, None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        s.call(
            "POST",
            &format!("/api/trust/documents/{gated}/withdraw"),
            Some(Role::Admin),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s.call("GET", &link, None, None).await.status,
        StatusCode::GONE
    );
    assert!(
        !s.call("GET", "/trust", None, None)
            .await
            .text()
            .contains("Full C5 report")
    );

    // Every step is in the audit log: documents, NDA, publication, requests with the
    // NDA version and address, decisions, downloads.
    let events = s.store.audit_events(None, None).await.unwrap();
    let count = |action: &str| events.iter().filter(|e| e.action == action).count();
    assert_eq!(count("trust.document"), 3);
    assert_eq!(count("trust.withdraw"), 2);
    assert_eq!(count("trust.nda"), 2);
    assert_eq!(count("trust.publish"), 1);
    assert_eq!(count("trust.request"), 3);
    assert_eq!(count("trust.decide"), 3);
    assert_eq!(count("trust.download"), 2);
    let request_event = events.iter().find(|e| e.action == "trust.request").unwrap();
    assert!(request_event.payload.contains("\"nda_version\":1"));
    assert!(request_event.payload.contains("\"address\":\"unknown\""));
    let download = events
        .iter()
        .find(|e| e.action == "trust.download")
        .unwrap();
    assert!(download.payload.contains(&format!("\"request\":{first}")));
    assert!(s.store.verify().await.unwrap().ok());
}

#[tokio::test]
async fn the_anchor_is_signed_and_checks_against_the_store() {
    let s = server().await;
    let r = s.call("GET", "/trust/anchor", None, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let anchor: testat_store::Anchor = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(anchor.format, "testat-anchor/v1");
    let (seq, hash) = s.store.audit_head().await.unwrap();
    assert_eq!((anchor.seq, anchor.hash.clone()), (seq, hash));
    let key = testat_store::load_public_key(
        &s._dir
            .path()
            .join(".testat/keys")
            .join(testat_store::PUBLIC_KEY_FILE),
    )
    .unwrap();
    assert!(s.store.verify_anchor(&anchor, &key).await.unwrap().ok());
    // A forged signature, or an anchor of another key, fails.
    let mut forged = anchor.clone();
    forged.hash = "0".repeat(64);
    let check = s.store.verify_anchor(&forged, &key).await.unwrap();
    assert!(!check.ok());
    assert!(check.problems.iter().any(|p| p.place == "anchor signature"));

    // The snapshot embeds the anchor at its publication; a later anchor moves on and
    // the old one still holds.
    assert_eq!(
        publish(&s, serde_json::json!({})).await.status,
        StatusCode::CREATED
    );
    let embedded: testat_store::Anchor = serde_json::from_value(
        s.call("GET", "/trust.json", None, None).await.json()["anchor"].clone(),
    )
    .unwrap();
    assert_eq!(embedded, anchor);
    let now: testat_store::Anchor =
        serde_json::from_slice(&s.call("GET", "/trust/anchor", None, None).await.body).unwrap();
    assert_eq!(now.seq, anchor.seq + 1);
    assert!(s.store.verify_anchor(&anchor, &key).await.unwrap().ok());
    let html = s.call("GET", "/trust", None, None).await.text();
    assert!(html.contains(&anchor.signature));

    // A store without keys (a database only): 404 saying what is missing.
    let bare = Server::sqlite().await;
    let r = bare.call("GET", "/trust/anchor", None, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("signing key")
    );
    assert_eq!(
        publish(&bare, serde_json::json!({})).await.status,
        StatusCode::CREATED
    );
    assert!(bare.call("GET", "/trust.json", None, None).await.json()["anchor"].is_null());
}

#[tokio::test]
async fn published_strings_are_escaped_and_public_requests_are_limited() {
    let s = server().await;
    let gated = add_document(
        &s,
        "<svg onload=alert(3)>.pdf",
        b"x",
        "Report <script>alert(4)</script>",
        true,
    )
    .await;
    let nda = set_nda(&s, "</div><script>alert(5)</script>").await;
    assert_eq!(
        publish(&s, serde_json::json!({})).await.status,
        StatusCode::CREATED
    );
    let html = s.call("GET", "/trust", None, None).await.text();
    assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<svg onload"));
    let at = html.find("Beispiel Cloud").unwrap();
    assert!(
        html[at..].starts_with("Beispiel Cloud &lt;script&gt;alert("),
        "{}",
        &html[at..at + 80]
    );
    assert!(html.contains("Frankfurt &lt;img src=x onerror=alert(1)&gt;"));
    // (minijinja escapes `/` too.)
    assert!(html.contains("Report &lt;script&gt;alert(4)&lt;&#x2f;script&gt;"));
    assert!(html.contains("&lt;&#x2f;div&gt;&lt;script&gt;alert(5)&lt;&#x2f;script&gt;"));
    // The style sheet is served to go with it.
    let css = s.call("GET", "/trust/style.css", None, None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );

    // Public requests are limited per address (as many as failed sign-ins: 20 within
    // 15 minutes by default), valid or not.
    let path = format!("/trust/documents/{gated}/request");
    for i in 0..20 {
        let r = if i % 2 == 0 {
            request_json(&s, gated, requester(nda)).await
        } else {
            outsider(&s, &path, "application/json", "{".into()).await
        };
        assert_ne!(r.status, StatusCode::TOO_MANY_REQUESTS, "request {i}");
    }
    let limited = request_json(&s, gated, requester(nda)).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    // Once the window has passed, the address may ask again.
    let hour = later(&s, "2026-03-10T11:00:00Z");
    assert_eq!(
        request_json(&hour, gated, requester(nda)).await.status,
        StatusCode::ACCEPTED
    );
    // Other content types are refused.
    assert_eq!(
        outsider(&s, &path, "text/plain", "hello".into())
            .await
            .status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
}

#[tokio::test]
async fn on_postgres_two_instances_share_publications_requests_and_links() {
    let Some(admin) = testat_test_support::postgres_admin_url("the trust page on PostgreSQL")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("testat.toml"), CONFIG).unwrap();
    let url = testat_test_support::fresh_postgres_database(
        &admin,
        &format!("testat_trust_{}", std::process::id()),
    )
    .await;
    testat_store::init(dir.path(), Some(&url), &stamp("setup"))
        .await
        .unwrap();
    let location = Location::find(dir.path(), None).unwrap();
    assert!(location.database_url.starts_with("postgres"));
    let one = Server::over(
        Store::open(&location).await.unwrap(),
        dir,
        ServerConfig::default(),
    )
    .await;
    // A second instance: its own connections, its own cache, the same database.
    let other_store = Store::open(&location).await.unwrap();
    let two = Server {
        app: testat_server::app(
            project(one._dir.path(), NOW),
            other_store.clone(),
            ServerConfig::default(),
        ),
        store: other_store,
        tokens: one.tokens.clone(),
        _dir: tempfile::tempdir().unwrap(),
    };
    assert_eq!(
        two.call("GET", "/trust", None, None).await.status,
        StatusCode::NOT_FOUND
    );
    let gated = add_document(
        &one,
        "report.pdf",
        b"%PDF kept in the database",
        "Report",
        true,
    )
    .await;
    let nda = set_nda(&one, "Confidential.").await;
    assert_eq!(
        publish(&one, serde_json::json!({})).await.status,
        StatusCode::CREATED
    );
    // The other instance's cached "nothing published" is stale: the head moved.
    let page = two.call("GET", "/trust", None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text()
            .contains(&format!("/trust/documents/{gated}/request"))
    );
    let asked = request_json(&two, gated, requester(nda)).await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", asked.text());
    let id = asked.json()["id"].as_i64().unwrap();
    let link = one
        .call(
            "POST",
            &format!("/api/trust/requests/{id}/approve"),
            Some(Role::Admin),
            Some(serde_json::json!({"days": 7})),
        )
        .await
        .json()["link"]
        .as_str()
        .unwrap()
        .to_owned();
    let got = two.call("GET", &link, None, None).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, b"%PDF kept in the database");
    // Both hand out the same anchor, and it holds.
    let a = one.call("GET", "/trust/anchor", None, None).await;
    let b = two.call("GET", "/trust/anchor", None, None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.body, b.body);
    let anchor: testat_store::Anchor = serde_json::from_slice(&a.body).unwrap();
    let key = testat_store::load_public_key(
        &one._dir
            .path()
            .join(".testat/keys")
            .join(testat_store::PUBLIC_KEY_FILE),
    )
    .unwrap();
    assert!(two.store.verify_anchor(&anchor, &key).await.unwrap().ok());
    assert!(one.store.verify().await.unwrap().ok());
}
