#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

//! The section "what this shows for …" of an assessment, in every format that
//! carries it: JSON against its schema, Markdown, HTML in a real browser, PDF
//! through `pdftotext`, OSCAL assessment results through compliance-trestle.

use testat_assess::{Assessment, Status, StatusCounts, example, framework_rollup};
use testat_catalog::{C5Version, framework, mappings};
use testat_report::assessment::{
    render_assessment_results, render_html, render_json, render_markdown, render_pdf,
};
use testat_test_support::validate;

/// The example Type 2 assessment with the GDPR section, and CRY-03 not met.
fn with_gdpr() -> Assessment {
    let mut a = example::type2(testat_catalog::builtin());
    for c in &mut a.criteria {
        match c.id.as_str() {
            "CRY-01" => c.status = Status::Met,
            "CRY-02" => c.status = Status::PartlyMet,
            "CRY-03" => c.status = Status::NotMet,
            "CRY-04" | "OPS-09" | "OPS-11" => c.status = Status::NotAssessed,
            _ => {}
        }
    }
    // Count again, so that the assessment stays consistent.
    a.counts = StatusCounts::default();
    for d in &mut a.domains {
        d.counts = StatusCounts::default();
    }
    for c in &a.criteria {
        a.counts.add(c.status);
        let d = a.domains.iter_mut().find(|d| d.code == c.domain).unwrap();
        d.counts.add(c.status);
    }
    let rollup = framework_rollup(
        framework("gdpr").unwrap(),
        mappings("gdpr", C5Version::V2020).unwrap(),
        a.criteria
            .iter()
            .map(|c| (c.id.as_str(), c.title.as_str(), c.status)),
    );
    a.frameworks.push(rollup);
    a
}

#[test]
fn json_carries_the_section_and_passes_its_schema() {
    let a = with_gdpr();
    let json = render_json(&a).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let art32a = doc["frameworks"][0]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "art32.1.a")
        .unwrap();
    assert_eq!(art32a["support"], "partly supported");
    assert_eq!(art32a["weakest"]["criterion"], "CRY-03");
    let support: Vec<&str> = art32a["supported_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["criterion"].as_str().unwrap())
        .collect();
    assert_eq!(support, ["CRY-01", "CRY-02"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gdpr.json");
    std::fs::write(&path, &json).unwrap();
    validate("assessment-json", &path);
    // Without --framework the key is absent, as before.
    let plain = render_json(&example::type2(testat_catalog::builtin())).unwrap();
    assert!(!plain.contains("\"frameworks\""));
}

#[test]
fn markdown_has_the_section_with_not_met_as_missing() {
    let md = render_markdown(&with_gdpr()).unwrap();
    let section = md
        .split("## What this shows for Regulation \\(EU\\) 2016/679")
        .nth(1)
        .unwrap()
        .split("## Criteria")
        .next()
        .unwrap();
    let row = section
        .lines()
        .find(|l| l.starts_with("| Art. 32\\(1\\)\\(a\\) |"))
        .unwrap();
    assert_eq!(
        row,
        "| Art. 32\\(1\\)\\(a\\) | Pseudonymisation and encryption | partly supported | 1 | 1 | 1 | 3 | CRY-03 \\(not met\\) | CRY-01 \\(met\\), CRY-02 \\(partly met\\) | CRY-03 \\(not met\\), CRY-04 \\(not assessed\\), OPS-09 \\(not assessed\\), OPS-11 \\(not assessed\\) |"
    );
    assert!(section.contains("not a statement of compliance"));
    assert!(section.contains("| Art. 32\\(3\\) |"));
}

#[test]
fn html_has_the_section_and_loads_cleanly_in_chromium() {
    let html = render_html(&with_gdpr()).unwrap();
    if let Some(dir) = std::env::var_os("TESTAT_HTML_DIR") {
        std::fs::write(std::path::Path::new(&dir).join("gdpr.html"), &html).unwrap();
    }
    assert!(
        html.contains(
            "<a href=\"#framework-gdpr\">What this shows for Regulation (EU) 2016&#x2f;679"
        )
    );
    assert!(html.contains(
        "<tr><th scope=\"row\">Art. 32(1)(a)</th><td>Pseudonymisation and encryption</td><td>partly supported</td><td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">3</td><td>CRY-03 (not met)</td><td>CRY-01 (met), CRY-02 (partly met)</td>"
    ), "{html}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gdpr.html");
    std::fs::write(&path, &html).unwrap();
    validate("html", &path);
}

#[test]
fn pdf_has_the_section_with_extractable_text() {
    let pdf = render_pdf(&with_gdpr()).unwrap();
    if !testat_test_support::tool_available(
        "pdftotext",
        "PDF text extraction",
        "apt-get install poppler-utils",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gdpr.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&file)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("4 What this shows for Regulation (EU) 2016/679"),
        "{flat}"
    );
    assert!(flat.contains("not a statement of compliance, and not legal advice"));
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("Art. 32(1)(a)"))
        .unwrap();
    for cell in [
        "Pseudonymisation and",
        "partly",
        "1/1/1/3",
        "CRY-01 (met), CRY-02",
        "CRY-03 (not met),",
    ] {
        assert!(row.contains(cell), "{cell} in {row}");
    }
}

#[test]
fn oscal_has_a_result_per_framework_with_its_control_ids_and_trestle_reads_it() {
    let a = with_gdpr();
    let text = render_assessment_results(&a).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let results = doc["assessment-results"]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let gdpr = &results[1];
    assert!(
        gdpr["title"]
            .as_str()
            .unwrap()
            .starts_with("What this shows for Regulation (EU) 2016/679")
    );
    let findings = gdpr["findings"].as_array().unwrap();
    let entries = framework("gdpr").unwrap().controls.len();
    assert_eq!(findings.len(), entries);
    let art32a = findings
        .iter()
        .find(|f| f["target"]["target-id"] == "art32.1.a")
        .unwrap();
    assert_eq!(art32a["target"]["status"]["state"], "not-satisfied");
    assert_eq!(art32a["target"]["status"]["reason"], "other");
    assert!(
        art32a["description"]
            .as_str()
            .unwrap()
            .contains("Supported by: CRY-01 (met), CRY-02 (partly met). Missing: CRY-03 (not met)")
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gdpr-ar.json");
    std::fs::write(&path, &text).unwrap();
    validate("oscal-ar", &path);
}
