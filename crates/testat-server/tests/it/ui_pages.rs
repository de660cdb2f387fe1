//! Every page renders for the roles that may see it, is refused (an error page) for
//! the others, sends nobody to the sign-in page, shows only the navigation a role may
//! use, and keeps to the page policy (no inline scripts or styles).

use axum::http::{Method, StatusCode, header};
use testat_records::Role;
use testat_server::auth::allows;
use testat_server::routes::{Access, endpoints};

use crate::ui_support::{get, get_as, seed, server, server_over};

/// The GET pages of the UI with their parameters filled in (the trust pages have a
/// suite of their own).
fn pages() -> Vec<(String, Access)> {
    endpoints()
        .into_iter()
        .filter(|e| {
            e.method == Method::GET && !e.path.starts_with("/api") && !e.path.starts_with("/trust")
        })
        .map(|e| {
            let path = e
                .path
                .replace("/criteria/{id}", "/criteria/CRY-03")
                .replace("/runs/{a}/diff/{b}", "/runs/1/diff/2")
                .replace("/runs/{id}", "/runs/2")
                .replace("/inquiries/{id}", "/inquiries/1")
                .replace("/evidence/{id}/file", "/evidence/1/file")
                .replace("/static/{name}", "/static/app.css")
                .replace("/runs/diff", "/runs/diff?a=1&b=2");
            let path = if path == "/reports" {
                "/reports?type=1&format=json".to_owned()
            } else {
                path
            };
            assert!(!path.contains('{'), "no example for {}", e.path);
            (path, e.access)
        })
        .collect()
}

#[tokio::test]
async fn every_page_answers_each_role_as_the_route_table_says() {
    let s = server().await;
    seed(&s, "aws_s3_bucket.data").await;
    let mut checked = 0;
    for (path, access) in pages() {
        for role in Role::ALL {
            let r = get_as(&s, &path, role).await;
            let allowed = match access {
                Access::Public => true,
                Access::Needs(c) => allows(role, c),
            };
            if allowed {
                let expected = if path.starts_with("/runs/diff") {
                    StatusCode::SEE_OTHER
                } else {
                    StatusCode::OK
                };
                assert_eq!(r.status, expected, "{role} {path}: {}", r.text());
            } else {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{role} {path}");
                let html = r.text();
                assert!(
                    html.contains("data-testid=\"error\"") && html.contains("may not do this"),
                    "{role} {path}: {html}"
                );
                assert!(
                    r.headers[header::CONTENT_TYPE]
                        .to_str()
                        .unwrap()
                        .starts_with("text/html")
                );
            }
            checked += 1;
        }
        // Nobody signed in: public pages open, the others send to the sign-in page.
        let anonymous = get(&s, &path, None).await;
        if access == Access::Public {
            assert_eq!(anonymous.status, StatusCode::OK, "{path}");
        } else {
            assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "{path}");
            let to = anonymous.headers[header::LOCATION].to_str().unwrap();
            assert!(to.starts_with("/login?next=/"), "{path} -> {to}");
        }
    }
    assert!(checked >= 5 * 14, "only {checked} page checks");
}

#[tokio::test]
async fn pages_are_html_in_utf8_keep_to_the_policy_and_show_umlauts() {
    let s = server().await;
    seed(&s, "aws_s3_bucket.data").await;
    for (path, access) in pages() {
        if path.starts_with("/static")
            || path.starts_with("/evidence")
            || path.starts_with("/reports")
            || path.starts_with("/runs/diff")
        {
            continue;
        }
        if access != Access::Public {
            let r = get_as(&s, &path, Role::Admin).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            assert_eq!(
                r.headers[header::CONTENT_TYPE],
                "text/html; charset=utf-8",
                "{path}"
            );
            let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
            assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
            let html = r.text();
            assert!(html.starts_with("<!doctype html>"), "{path}");
            assert!(!html.contains("style=\""), "{path}: inline style");
            for script in html.split("<script").skip(1) {
                assert!(
                    script
                        .trim_start()
                        .starts_with(&format!("src=\"{}", escaped("/static/"))),
                    "{path}: inline script"
                );
            }
            assert!(
                !html.contains(" onclick=") && !html.contains(" onsubmit="),
                "{path}: inline handler"
            );
            assert!(
                html.contains("<main id=\"main\">") && html.contains("<h1"),
                "{path}"
            );
        }
    }
    let register = get_as(&s, "/inquiries/1", Role::Legal).await.text();
    assert!(register.contains("Bundesamt für Justiz"), "{register}");
    assert!(register.contains("§ 100j StPO"));
}

/// `text` as minijinja's HTML escaping writes it.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('/', "&#x2f;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn nav_of(html: &str) -> Vec<String> {
    html.split("data-testid=\"nav-")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_navigation_shows_each_role_only_what_it_may_open() {
    let s = server().await;
    let expected = [
        (
            Role::Admin,
            vec![
                "dashboard",
                "criteria",
                "runs",
                "exceptions",
                "assessments",
                "inquiries",
                "users",
                "tokens",
            ],
        ),
        (
            Role::Editor,
            vec!["dashboard", "criteria", "runs", "exceptions", "assessments"],
        ),
        (Role::Legal, vec!["dashboard", "criteria", "inquiries"]),
        (
            Role::Auditor,
            vec![
                "dashboard",
                "criteria",
                "runs",
                "exceptions",
                "assessments",
                "inquiries",
            ],
        ),
        (Role::Viewer, vec!["dashboard", "criteria"]),
    ];
    for (role, links) in expected {
        let html = get_as(&s, "/", role).await.text();
        assert_eq!(nav_of(&html), links, "{role}");
        // Every link shown opens.
        for link in &links {
            let href = html
                .split(&format!("data-testid=\"nav-{link}\""))
                .next()
                .unwrap()
                .rsplit("href=\"")
                .next()
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .replace("&#x2f;", "/");
            assert_eq!(
                get_as(&s, &href, role).await.status,
                StatusCode::OK,
                "{role} {href}"
            );
        }
    }
}

#[tokio::test]
async fn the_dashboard_draws_the_status_by_domain() {
    let s = server().await;
    seed(&s, "aws_s3_bucket.data").await;
    let html = get_as(&s, "/", Role::Viewer).await.text();
    assert!(html.contains("id=\"chart-status\""), "{html}");
    assert!(html.contains("data-domain=\"CRY\""));
    assert!(html.contains("class=\"f-not-met\""), "CRY-03 fails");
    assert!(html.contains("data-testid=\"domain-table\""));
    // A viewer sees neither runs nor the register, and no link to criterion pages.
    assert!(!html.contains("data-testid=\"recent-runs\""));
    assert!(!html.contains("data-testid=\"due\""));
    let list = get_as(&s, "/criteria?status=not+met", Role::Viewer)
        .await
        .text();
    assert!(list.contains("data-criterion=\"CRY-03\""), "{list}");
    assert!(!list.contains("href=\"/criteria/CRY-03\""));
    // An auditor sees the runs and what falls due in the register.
    let html = get_as(&s, "/", Role::Auditor).await.text();
    assert!(html.contains("data-testid=\"recent-runs\"") && html.contains("href=\"/runs/2\""));
    assert!(
        html.contains("href=\"/inquiries/1\""),
        "the deadline of 2026-03-20 is due"
    );
}

#[tokio::test]
async fn the_criterion_page_has_status_rules_failures_evidence_and_exceptions() {
    let s = server().await;
    seed(&s, "aws_s3_bucket.data").await;
    let r = get_as(&s, "/criteria/cry-03", Role::Auditor).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "the ID as the catalogue spells it"
    );
    assert_eq!(r.headers[header::LOCATION], "/criteria/CRY-03");
    let html = get_as(&s, "/criteria/CRY-03", Role::Auditor).await.text();
    assert!(html.contains("data-status=\"not met\""), "{html}");
    assert!(html.contains("AWS-S3-ENCRYPTION"));
    assert!(html.contains("data-testid=\"failing-AWS-S3-ENCRYPTION\""));
    assert!(html.contains("aws_s3_bucket.data"));
    assert!(html.contains("href=\"/evidence/1/file\"") && html.contains("policy.txt"));
    assert!(html.contains("signed by the CISO"));
    assert!(html.contains("aws_s3_bucket.legacy") && html.contains("data-state=\"active\""));
    // An auditor reads; the forms are for editors.
    assert!(!html.contains("data-testid=\"evidence-form\""));
    let editor = get_as(&s, "/criteria/CRY-03", Role::Editor).await.text();
    assert!(
        editor.contains("data-testid=\"evidence-form\"")
            && editor.contains("data-testid=\"attest-form\"")
    );
    // Legal may read the catalogue but not the records.
    let legal = get_as(&s, "/criteria/CRY-03", Role::Legal).await.text();
    assert!(
        legal.contains("data-testid=\"summary\"") && !legal.contains("data-testid=\"evidence\"")
    );
    // Unknown criteria are a 404 page.
    let missing = get_as(&s, "/criteria/XYZ-99", Role::Auditor).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.text().contains("data-testid=\"error\""));
    // The evidence file is a download under a policy that runs nothing.
    let file = get_as(&s, "/evidence/1/file", Role::Auditor).await;
    assert_eq!(file.body, b"key rotation policy");
    assert_eq!(
        file.headers[header::CONTENT_TYPE],
        "application/octet-stream"
    );
    assert!(
        file.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"policy.txt\"")
    );
    assert!(
        file.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
}

#[tokio::test]
async fn the_official_text_and_the_settings_exceptions_appear_when_configured() {
    let settings = "[catalog]\nexternal = \"official.csv\"\n\n[[exception]]\nrule = \"AWS-S3-ENCRYPTION\"\nresource = \"aws_s3_bucket.old\"\njustification = \"<b>kept</b> for the archive\"\napproved_by = \"ciso\"\nexpires = \"2026-01-31\"\n";
    let official = "id,title,text\nCRY-03,Storage encryption,\"Placeholder text: Schlüssel <em>getrennt</em> halten.\"\n";
    let s = server_over(
        testat_server::ServerConfig::default(),
        &[("testat.toml", settings), ("official.csv", official)],
    )
    .await;
    let html = get_as(&s, "/criteria/CRY-03", Role::Auditor).await.text();
    assert!(html.contains("data-testid=\"official\""), "{html}");
    assert!(
        html.contains("Placeholder text: Schlüssel &lt;em&gt;getrennt&lt;&#x2f;em&gt; halten.")
    );
    assert!(html.contains("aws_s3_bucket.old") && html.contains("testat.toml"));
    assert!(html.contains("&lt;b&gt;kept&lt;&#x2f;b&gt;"));
    let list = get_as(&s, "/exceptions", Role::Auditor).await.text();
    assert!(
        list.contains("data-testid=\"configured-exceptions\"")
            && list.contains("data-state=\"expired\"")
    );
    // Without a catalogue file there is no official text.
    let plain = server().await;
    let html = get_as(&plain, "/criteria/CRY-03", Role::Auditor)
        .await
        .text();
    assert!(!html.contains("data-testid=\"official\""));
}

#[tokio::test]
async fn runs_and_their_difference() {
    let s = server().await;
    seed(&s, "aws_s3_bucket.data").await;
    let list = get_as(&s, "/runs", Role::Editor).await.text();
    assert!(
        list.contains("data-run=\"2\"") && list.contains("href=\"/runs/1/diff/2\""),
        "{list}"
    );
    let run = get_as(&s, "/runs/2", Role::Editor).await.text();
    assert!(run.contains("data-testid=\"run-failing\"") && run.contains("aws_s3_bucket.data"));
    let diff = get_as(&s, "/runs/1/diff/2", Role::Editor).await.text();
    assert!(diff.contains("1 now fail"), "{diff}");
    let compare = get_as(&s, "/runs/diff?a=1&b=2", Role::Editor).await;
    assert_eq!(compare.status, StatusCode::SEE_OTHER);
    assert_eq!(compare.headers[header::LOCATION], "/runs/1/diff/2");
    assert_eq!(
        get_as(&s, "/runs/99", Role::Editor).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get_as(&s, "/runs/x", Role::Editor).await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn the_type2_view_has_the_timeline_and_every_report_downloads() {
    let s = server().await;
    seed(&s, "aws_s3_bucket.data").await;
    let page = get_as(&s, "/assessments", Role::Auditor).await.text();
    assert!(
        page.contains("data-testid=\"assessment-form\"")
            && !page.contains("data-testid=\"assessment\"")
    );
    let query = "type=2&from=2026-03-01&to=2026-03-09";
    let r = get_as(&s, &format!("/assessments?{query}"), Role::Auditor).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    assert!(html.contains("data-type=\"2\""), "{html}");
    assert!(html.contains("id=\"timeline-CRY\""), "{html}");
    assert!(html.contains("data-criterion=\"CRY-03\""));
    assert!(html.contains("class=\"open\""), "still failing at the end");
    assert!(html.contains("data-testid=\"deviations\""));
    let formats = ["html", "pdf", "md", "csv", "json", "oscal", "oscal-poam"];
    for f in formats {
        let href = format!("/reports?{query}&format={f}");
        assert!(html.contains(&escaped(&href)), "{f} link");
        let d = get_as(&s, &href, Role::Auditor).await;
        assert_eq!(d.status, StatusCode::OK, "{f}: {}", d.text());
        let disposition = d.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            disposition.starts_with("attachment; filename=\"c5-type2-2026-03-01-to-2026-03-09."),
            "{disposition}"
        );
        assert!(
            d.headers[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .contains("sandbox")
        );
        assert!(!d.body.is_empty());
    }
    let pdf = get_as(&s, &format!("/reports?{query}&format=pdf"), Role::Auditor).await;
    assert!(pdf.body.starts_with(b"%PDF"));
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    for f in ["html", "pdf", "md", "json"] {
        let h = get_as(
            &s,
            &format!("/reports?what=customer&format={f}"),
            Role::Auditor,
        )
        .await;
        assert_eq!(h.status, StatusCode::OK, "handout {f}");
    }
    // Type 1 at a date, and periods that cannot be assessed.
    let t1 = get_as(&s, "/assessments?type=1&at=2026-03-06", Role::Editor)
        .await
        .text();
    assert!(t1.contains("data-type=\"1\""));
    let future = get_as(
        &s,
        "/assessments?type=2&from=2026-03-01&to=2026-04-01",
        Role::Editor,
    )
    .await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(future.text().contains("data-testid=\"assessment-error\""));
    let bad = get_as(&s, "/reports?type=1&format=docx", Role::Auditor).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("data-testid=\"error\""));
}

#[tokio::test]
async fn assets_are_cached_and_unknown_pages_are_error_pages_for_browsers() {
    let s = server().await;
    let css = get(&s, "/static/app.css", None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert!(
        css.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    let js = get(&s, "/static/app.js", None).await;
    assert_eq!(
        js.headers[header::CONTENT_TYPE],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        get(&s, "/static/../Cargo.toml", None).await.status,
        StatusCode::NOT_FOUND
    );
    let page = get(&s, "/nowhere", None).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.text().contains("data-testid=\"error\""));
    // The API stays JSON, for people and programs alike.
    let api = get(&s, "/api/status", None).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    assert_eq!(api.json()["error"]["code"], "unauthorized");
    let login = get(&s, "/login", None).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.text().contains("data-testid=\"login-form\""));
    assert!(
        !login.text().contains("data-testid=\"nav-"),
        "no navigation before sign-in"
    );
}
