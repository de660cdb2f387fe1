#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

//! The HTML report and handout: their content, the escaping of untrusted text, and a
//! real browser (headless Chromium through `validators/check-html.mjs`) loading them
//! without errors or network requests.
//!
//! Set `TESTAT_HTML_DIR` to keep the rendered pages there for a look.

use std::path::Path;

use testat_assess::example;
use testat_report::assessment::{render_handout_html, render_html};
use testat_test_support::{validate, validate_rejects};

fn keep(name: &str, html: &str) {
    if let Some(dir) = std::env::var_os("TESTAT_HTML_DIR") {
        std::fs::write(Path::new(&dir).join(name), html).unwrap();
    }
}

#[test]
fn report_holds_the_assessment() {
    let catalog = testat_catalog::builtin();
    let a = example::type2(catalog);
    let html = render_html(&a).unwrap();
    keep("type2.html", &html);

    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<h1>Beispiel Cloud Storage</h1>"));
    assert!(html.contains("Beispiel GmbH"));
    assert!(html.contains("2026-03-01</strong> to <strong>2026-03-31"));
    for c in &a.criteria {
        assert!(
            html.contains(&format!("id=\"criterion-{}\"", c.id)),
            "{} has no section",
            c.id
        );
        assert!(html.contains(&format!("<span class=\"id\">{}</span>", c.id)));
    }
    // The scope: in the scope table and on every scoped-out criterion.
    let reason = "Physical security is provided by the carved-out data centre operator.";
    assert!(html.contains(reason));
    let scoped = a.criteria.iter().filter(|c| c.scoped_out.is_some()).count();
    assert!(scoped > 0);
    assert_eq!(
        html.matches(&format!("<strong>Out of scope:</strong> {reason}"))
            .count(),
        scoped
    );
    assert!(html.contains("carve-out"));
    // The period: the gap, coverage, the sample with its seed and method.
    assert!(html.contains("2026-03-20 06:00 UTC"));
    assert!(html.contains("72 h"));
    assert!(html.contains("93.5 %"));
    assert!(html.contains("<dt>Seed</dt><dd><code>42</code></dd>"));
    assert!(html.contains("splitmix64(seed)"));
    // The charts: status by domain and a timeline for the domains with failures.
    assert!(html.contains("<svg class=\"chart\" id=\"chart-status\""));
    assert!(html.contains("id=\"timeline-CRY\""));
    assert!(html.contains("id=\"timeline-IDM\""));
    assert!(
        html.contains("fill=\"url(#timeline-IDM-open)\""),
        "open interval"
    );
    // Records behind the criteria.
    assert!(html.contains("5f2b0c1e0c4d6f0e9d3b1a2c4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091"));
    assert!(html.contains("<span class=\"tag warn\">expired</span>"));
    assert!(html.contains("<span class=\"tag warn\">not valid</span>"));
    assert!(html.contains("ISMS established and certified"));
    // Self-contained: nothing to fetch, nothing to run.
    assert!(!html.contains("<script"));
    assert!(!html.contains("<link"));
    assert!(!html.contains("src="));
    assert!(!html.contains("@import"));
}

#[test]
fn untrusted_text_is_escaped() {
    let catalog = testat_catalog::builtin();
    let mut a = example::type2(catalog);
    let evil = r#"aws_s3_bucket.x"><script>alert(1)</script>&amp;'"#;
    let c = a.criteria.iter_mut().find(|c| c.id == "IDM-09").unwrap();
    c.rules[0].failing.push(evil.into());
    c.failures[0].resource = evil.into();
    c.reasons.push(format!("failed on {evil}"));
    c.evidence.push(testat_assess::EvidenceRef {
        id: 9,
        kind: "url".into(),
        label: "javascript:alert(1)".into(),
        sha256: None,
        effective: None,
        valid_until: None,
        valid: true,
    });
    let html = render_html(&a).unwrap();
    assert!(!html.contains("<script>"), "unescaped script");
    assert!(!html.contains(r#"x"><"#));
    assert!(
        html.contains(
            "aws_s3_bucket.x&quot;&gt;&lt;script&gt;alert(1)&lt;&#x2f;script&gt;&amp;amp;&#x27;"
        ) || html.contains(
            "aws_s3_bucket.x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;&#x27;"
        )
    );
    // Only http(s) evidence becomes a link.
    assert!(!html.contains("href=\"javascript:"));

    let mut h = example::handout(catalog);
    h.domains[0].items[0].customer_part = evil.into();
    let html = render_handout_html(&h).unwrap();
    assert!(!html.contains("<script>"));
}

#[test]
fn type1_has_no_period() {
    let catalog = testat_catalog::builtin();
    let mut a = example::type2(catalog);
    a.kind = testat_assess::AssessmentKind::Type1 {
        at: chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
    };
    a.period = None;
    a.service.service = None;
    let html = render_html(&a).unwrap();
    assert!(html.contains("Type 1: design of the controls at <strong>2026-03-31</strong>"));
    assert!(html.contains("(no [service] in testat.toml)"));
    assert!(!html.contains("id=\"period\""));
    assert!(!html.contains("timeline-"));
}

#[test]
fn handout_lists_duties_by_domain() {
    let catalog = testat_catalog::builtin();
    let h = example::handout(catalog);
    let html = render_handout_html(&h).unwrap();
    keep("handout.html", &html);
    assert!(html.contains("<h1>What customers of Beispiel Cloud Storage must do</h1>"));
    assert!(html.contains("Physical security is provided by the carved-out data centre operator."));
    for d in &h.domains {
        assert!(html.contains(&format!("id=\"domain-{}\"", d.code)));
        for i in &d.items {
            assert!(html.contains(&format!("<span class=\"id\">{}</span>", i.criterion)));
        }
    }
}

#[test]
fn chromium_loads_the_pages_cleanly() {
    let catalog = testat_catalog::builtin();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.html");
    std::fs::write(&report, render_html(&example::type2(catalog)).unwrap()).unwrap();
    validate("html", &report);
    let handout = dir.path().join("handout.html");
    std::fs::write(
        &handout,
        render_handout_html(&example::handout(catalog)).unwrap(),
    )
    .unwrap();
    validate("html", &handout);
    let gdpr = dir.path().join("handout-gdpr.html");
    std::fs::write(
        &gdpr,
        render_handout_html(&example::gdpr_handout(catalog)).unwrap(),
    )
    .unwrap();
    validate("html", &gdpr);
}

#[test]
fn chromium_check_can_fail() {
    let catalog = testat_catalog::builtin();
    let good = render_html(&example::type2(catalog)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let broken = [
        (
            "console.html",
            good.replace("</main>", "<script>console.error(\"x\")</script></main>"),
        ),
        (
            "network.html",
            good.replace(
                "</main>",
                "<img src=\"http://example.invalid/x.png\" alt=\"\"></main>",
            ),
        ),
        (
            "throws.html",
            good.replace("</main>", "<script>undefinedFunction()</script></main>"),
        ),
        (
            "no-heading.html",
            good.replace("<h1>", "<p>").replace("</h1>", "</p>"),
        ),
        ("hidden-heading.html", good.replace("<h1>", "<h1 hidden>")),
        (
            "missing-criterion.html",
            good.replacen("class=\"criterion ", "class=\"gone ", 1),
        ),
    ];
    for (name, html) in broken {
        assert_ne!(html, good, "{name} is not broken");
        let path = dir.path().join(name);
        std::fs::write(&path, html).unwrap();
        let said = validate_rejects("html", &path);
        eprintln!("{name}: {said}");
    }
}
