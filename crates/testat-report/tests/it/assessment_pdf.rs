#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

//! The PDF report and handout: structure, determinism, and the text as a real PDF
//! consumer (poppler's `pdftotext`) extracts it, including German characters and
//! over-long addresses that must stay within the page.

use std::path::Path;
use std::process::Command;

use testat_assess::{Assessment, RuleOutcome, example};
use testat_report::assessment::{render_handout_pdf, render_pdf};

/// The right edge of the text area (A4 width 595.28 minus the 56 pt margin).
const TEXT_RIGHT: f64 = 595.28 - 56.0;
const TEXT_LEFT: f64 = 56.0;

fn example() -> Assessment {
    example::type2(testat_catalog::builtin())
}

/// Runs `pdftotext` with `args` on `pdf`; `None` (after a loud skip) when poppler is
/// not installed, which fails in CI.
fn pdftotext(pdf: &[u8], args: &[&str]) -> Option<String> {
    if !testat_test_support::tool_available(
        "pdftotext",
        "PDF text extraction",
        "apt-get install poppler-utils",
    ) {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.pdf");
    std::fs::write(&file, pdf).unwrap();
    let output = Command::new("pdftotext")
        .args(args)
        .arg(&file)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "pdftotext failed on the report: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8(output.stdout).unwrap())
}

/// The text with every run of whitespace made one space, so that wrapped lines read on.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn page_count(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    let at = text.find("/Type /Pages").expect("a page tree");
    let count = &text[at..];
    let count = &count[count.find("/Count ").unwrap() + 7..];
    let digits: String = count.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap()
}

#[test]
fn report_is_a_deterministic_multi_page_pdf() {
    let a = example();
    let pdf = render_pdf(&a).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.ends_with(b"%%EOF") || pdf.ends_with(b"%%EOF\n"));
    assert_eq!(pdf, render_pdf(&a).unwrap(), "same assessment, same bytes");
    assert!(page_count(&pdf) > 1, "the example spans several pages");
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains("/BaseFont /Helvetica"));
    assert!(raw.contains("/Encoding /WinAnsiEncoding"));
    assert!(!raw.contains("/FontFile"), "no font is embedded");
    assert!(raw.contains("/Producer (Testat 0.1.0)"));
    assert!(raw.contains("/CreationDate (D:20260402100000Z)"));

    let handout = render_handout_pdf(&example::handout(testat_catalog::builtin())).unwrap();
    assert!(handout.starts_with(b"%PDF-"));
    // For looking at the layout: TESTAT_PDF_OUT=/tmp cargo test -p testat-report.
    if let Some(dir) = std::env::var_os("TESTAT_PDF_OUT") {
        std::fs::write(Path::new(&dir).join("assessment-example.pdf"), &pdf).unwrap();
        std::fs::write(Path::new(&dir).join("handout-example.pdf"), &handout).unwrap();
    }
    assert_eq!(
        handout,
        render_handout_pdf(&example::handout(testat_catalog::builtin())).unwrap()
    );
}

#[test]
fn report_text_is_extractable() {
    let mut a = example();
    a.service.locations[0].name = "Rechenzentrum Süd".into();
    if let Some(s) = &mut a.service.service {
        s.description = "Grüße aus Öhringen: Straße, Ärger, Übung – 5 € je TB".into();
    }
    let pdf = render_pdf(&a).unwrap();
    let Some(text) = pdftotext(&pdf, &["-layout"]) else {
        return;
    };
    let text = flat(&text);
    let must = [
        "Beispiel Cloud Storage",
        "2026-03-01 to 2026-03-31",
        "Rechenzentrum Süd",
        "Grüße aus Öhringen: Straße, Ärger, Übung – 5 € je TB",
        "Physical security is provided by the carved-out data centre operator.",
        "aws_iam_user.admin",
        "aws_s3_bucket.logs",
        "2026-03-20 06:00 UTC",
        "72 h",
        "Seed 42",
        "Median time to fix",
        "NOT MET",
        "PARTLY MET",
        "5f2b0c1e0c4d6f0e9d3b1a2c4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091",
        "Beispiel Cloud Storage – C5:2020 Type 2 – page 1 of",
    ];
    for m in must {
        assert!(text.contains(m), "{m:?} missing from the extracted text");
    }
    for c in &a.criteria {
        assert!(text.contains(&c.id), "criterion {} missing", c.id);
    }
    let pages = page_count(&pdf);
    assert!(text.contains(&format!("page {pages} of {pages}")));
}

#[test]
fn handout_text_is_extractable() {
    let h = example::handout(testat_catalog::builtin());
    let pdf = render_handout_pdf(&h).unwrap();
    let Some(text) = pdftotext(&pdf, &["-layout"]) else {
        return;
    };
    let text = flat(&text);
    assert!(text.contains("What customers of Beispiel Cloud Storage must do"));
    for d in &h.domains {
        for item in &d.items {
            assert!(text.contains(&item.criterion), "{} missing", item.criterion);
        }
    }
}

/// Every word `pdftotext -bbox` reports, as (text, xMin, xMax).
fn words(bbox: &str) -> Vec<(String, f64, f64)> {
    let attr = |line: &str, name: &str| -> f64 {
        let at = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let end = line[at..].find('"').unwrap();
        line[at..at + end].parse().unwrap()
    };
    bbox.lines()
        .map(str::trim)
        .filter(|l| l.starts_with("<word "))
        .map(|l| {
            let text = l[l.find('>').unwrap() + 1..l.rfind("</word>").unwrap()].to_string();
            (text, attr(l, "xMin"), attr(l, "xMax"))
        })
        .collect()
}

#[test]
fn long_addresses_and_many_reasons_stay_on_the_page() {
    let mut a = example();
    let address = format!("module.very_deep.aws_s3_bucket.{}", "x".repeat(270));
    assert!(address.len() >= 300);
    let c = a.criteria.iter_mut().find(|c| c.id == "IDM-09").unwrap();
    c.reasons = (0..200)
        .map(|n| format!("reason {n}: aws-iam-mfa failed on {address}"))
        .collect();
    c.rules.push(RuleOutcome {
        id: "aws-s3-encryption".into(),
        title: "S3 buckets encrypt data at rest".into(),
        passed: 1,
        failing: vec![address.clone(); 3],
        excepted: vec![address.clone()],
        unknown: 0,
        parameters: Vec::new(),
    });
    c.failures[0].resource = address.clone();
    a.service.locations[0].name = address.clone();

    let pdf = render_pdf(&a).unwrap();
    assert!(page_count(&pdf) > page_count(&render_pdf(&example()).unwrap()));
    let Some(bbox) = pdftotext(&pdf, &["-bbox"]) else {
        return;
    };
    let words = words(&bbox);
    assert!(words.len() > 1000);
    for (text, x_min, x_max) in &words {
        assert!(
            *x_min >= TEXT_LEFT - 0.5 && *x_max <= TEXT_RIGHT + 0.5,
            "{text:?} runs from {x_min} to {x_max}, outside the text area {TEXT_LEFT}..{TEXT_RIGHT}"
        );
    }
    // The address, broken over lines, still reads whole.
    let plain = pdftotext(&pdf, &[]).unwrap();
    let joined: String = plain.split_whitespace().collect();
    assert!(joined.contains(&format!("reason199:aws-iam-mfafailedon{address}")));
}

#[test]
fn characters_outside_winansi_become_question_marks() {
    let mut a = example();
    if let Some(s) = &mut a.service.service {
        s.name = "Dienst 東京 ✓".into();
    }
    let pdf = render_pdf(&a).unwrap();
    let Some(text) = pdftotext(&pdf, &["-layout"]) else {
        return;
    };
    assert!(flat(&text).contains("Dienst ?? ?"));
}

#[test]
fn long_lists_are_capped() {
    let mut a = example();
    let c = a.criteria.iter_mut().find(|c| c.id == "CRY-03").unwrap();
    let template = c.failures[0].clone();
    c.failures = (0..1000)
        .map(|i| {
            let mut f = template.clone();
            f.resource = format!("aws_s3_bucket.b{i:04}");
            f
        })
        .collect();
    c.rules[0].failing = (0..1000)
        .map(|i| format!("aws_s3_bucket.f{i:04}"))
        .collect();
    let pdf = render_pdf(&a).unwrap();
    let Some(text) = pdftotext(&pdf, &[]) else {
        return;
    };
    let text = flat(&text);
    assert!(text.contains("… and 950 more failure intervals"), "{text}");
    assert!(text.contains("(+950 more)"));
    assert!(text.contains("aws_s3_bucket.b0049"));
    assert!(!text.contains("aws_s3_bucket.b0050"));
}
