//! The Markdown, CSV and JSON assessment reports and the customer handout, rendered from
//! the fixed example assessment: snapshots of Markdown and JSON, the JSON checked
//! against its schema by jsonschema, the CSV read back by a CSV parser.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use testat_assess::{AssessmentKind, Status, example};
use testat_report::assessment::{
    render_csv, render_handout_json, render_handout_markdown, render_json, render_markdown,
};

fn catalog() -> &'static testat_catalog::Catalog {
    testat_catalog::builtin()
}

#[test]
fn markdown_snapshot() {
    let md = render_markdown(&example::type2(catalog())).unwrap();
    insta::assert_snapshot!("assessment_type2_md", md);
}

#[test]
fn json_snapshot() {
    let json = render_json(&example::type2(catalog())).unwrap();
    insta::assert_snapshot!("assessment_type2_json", json);
}

#[test]
fn handout_markdown_snapshot() {
    let md = render_handout_markdown(&example::handout(catalog())).unwrap();
    insta::assert_snapshot!("handout_md", md);
}

#[test]
fn handout_gdpr_markdown_snapshot() {
    let md = render_handout_markdown(&example::gdpr_handout(catalog())).unwrap();
    let annex = md
        .split_once("## GDPR annex")
        .map(|(_, annex)| format!("## GDPR annex{annex}"))
        .expect("the annex");
    insta::assert_snapshot!("handout_gdpr_md", annex);
}

#[test]
fn markdown_escapes_untrusted_text() {
    let mut a = example::type2(catalog());
    let c = a.criteria.iter_mut().find(|c| c.id == "IDM-09").unwrap();
    c.rules[0].failing = vec!["evil[x](https://example.invalid) | <img src=x> *bold*".into()];
    c.reasons.push("line one\nline two".into());
    let md = render_markdown(&a).unwrap();
    assert!(
        md.contains(r"evil\[x\]\(https://example.invalid\) \| \<img src=x\> \*bold\*"),
        "{md}"
    );
    assert!(md.contains("- line one line two"));
    assert!(!md.contains("](https://example.invalid)"));
}

#[test]
fn json_is_valid_against_its_schema_and_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let type2 = dir.path().join("type2.json");
    std::fs::write(&type2, render_json(&example::type2(catalog())).unwrap()).unwrap();
    testat_test_support::validate("assessment-json", &type2);

    let mut t1 = example::type2(catalog());
    t1.kind = AssessmentKind::Type1 {
        at: chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
    };
    t1.period = None;
    let type1 = dir.path().join("type1.json");
    std::fs::write(&type1, render_json(&t1).unwrap()).unwrap();
    testat_test_support::validate("assessment-json", &type1);

    let handout = dir.path().join("handout.json");
    std::fs::write(
        &handout,
        render_handout_json(&example::handout(catalog())).unwrap(),
    )
    .unwrap();
    testat_test_support::validate("assessment-json", &handout);

    let gdpr = dir.path().join("handout-gdpr.json");
    std::fs::write(
        &gdpr,
        render_handout_json(&example::gdpr_handout(catalog())).unwrap(),
    )
    .unwrap();
    testat_test_support::validate("assessment-json", &gdpr);

    // The validator rejects counts that disagree with the criteria, and schema breaks.
    let mut wrong = example::type2(catalog());
    wrong.counts.met += 1;
    let bad = dir.path().join("bad-counts.json");
    std::fs::write(&bad, render_json(&wrong).unwrap()).unwrap();
    testat_test_support::validate_rejects("assessment-json", &bad);
    let mut wrong = example::type2(catalog());
    wrong.criteria[0].id = "bogus".into();
    let bad = dir.path().join("bad-id.json");
    std::fs::write(&bad, render_json(&wrong).unwrap()).unwrap();
    testat_test_support::validate_rejects("assessment-json", &bad);
    // A criterion not met listed as a measure in place breaks the schema.
    let mut wrong = example::gdpr_handout(catalog());
    let annex = wrong.gdpr.as_mut().unwrap();
    let gap = annex.measures[0].gaps.pop().unwrap();
    annex.measures[0].in_place.push(gap);
    let bad = dir.path().join("bad-gdpr.json");
    std::fs::write(&bad, render_handout_json(&wrong).unwrap()).unwrap();
    testat_test_support::validate_rejects("assessment-json", &bad);
}

#[test]
fn csv_has_one_row_per_criterion_and_survives_commas_and_newlines() {
    let mut a = example::type2(catalog());
    a.criteria[0].reasons = vec!["a, b".into(), "\"quoted\"\nnext".into()];
    let text = render_csv(&a).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(headers.get(0), Some("criterion"));
    assert_eq!(headers.get(4), Some("status"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), catalog().criteria.len());
    assert_eq!(rows[0].get(6), Some("a, b\n\"quoted\"\nnext"));
    let idm09 = rows.iter().find(|r| r.get(0) == Some("IDM-09")).unwrap();
    assert_eq!(idm09.get(4), Some(Status::NotMet.as_str()));
    assert_eq!(
        idm09.get(8),
        Some("aws-iam-mfa: aws_iam_user.admin"),
        "failing resources"
    );
    let ps01 = rows.iter().find(|r| r.get(0) == Some("PS-01")).unwrap();
    assert!(ps01.get(5).unwrap().starts_with("Physical security"));
}

#[test]
fn csv_cells_cannot_start_a_formula() {
    let mut a = example::type2(catalog());
    let c = a.criteria.iter_mut().find(|c| c.id == "IDM-09").unwrap();
    c.reasons = vec!["=HYPERLINK(\"http://example.invalid\",\"x\")".into()];
    c.scoped_out = Some("@SUM(1+1)".into());
    let text = render_csv(&a).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|r| r.get(0) == Some("IDM-09"))
        .unwrap();
    assert_eq!(
        row.get(6),
        Some("'=HYPERLINK(\"http://example.invalid\",\"x\")")
    );
    assert_eq!(row.get(5), Some("'@SUM(1+1)"));
    assert_eq!(row.get(0), Some("IDM-09"), "ordinary cells are untouched");
}

/// A criterion with 1,000 failure intervals and deviations and 1,000 failing resources:
/// the reports for people and OSCAL list 50 of each and count the rest; JSON keeps all.
fn flood() -> testat_assess::Assessment {
    let mut a = example::type2(catalog());
    let c = a.criteria.iter_mut().find(|c| c.id == "CRY-03").unwrap();
    let template = c.failures[0].clone();
    c.failures = (0..1000)
        .map(|i| {
            let mut f = template.clone();
            f.resource = format!("aws_s3_bucket.b{i:04}");
            f
        })
        .collect();
    c.deviations = (0..1000).map(|i| format!("deviation {i:04}")).collect();
    c.rules[0].failing = (0..1000)
        .map(|i| format!("aws_s3_bucket.f{i:04}"))
        .collect();
    a
}

#[test]
fn long_lists_are_capped_for_people_and_kept_in_json() {
    use testat_report::assessment::{LISTED, render_assessment_results, render_html};
    let a = flood();
    let left_out = 1000 - LISTED;
    let md = render_markdown(&a).unwrap();
    assert!(md.contains(&format!("… and {left_out} more failure intervals")));
    assert!(md.contains(&format!("… and {left_out} more deviations")));
    assert!(md.contains(&format!("(+{left_out} more)")));
    assert!(md.contains("aws\\_s3\\_bucket.b0049") && !md.contains("aws\\_s3\\_bucket.b0050"));

    let html = render_html(&a).unwrap();
    assert!(html.contains(&format!("… and {left_out} more failure intervals")));
    assert!(html.contains(&format!("+{left_out} more")));
    assert!(!html.contains("aws_s3_bucket.b0050"));
    // The 1,000 identical intervals merge into one bar of the timeline.
    assert!(html.contains("1000 failure interval(s) from"), "merged bar");

    let csv = render_csv(&a).unwrap();
    assert!(csv.contains(&format!("(+{left_out} more)")));
    assert!(!csv.contains("deviation 0050"));

    let oscal = render_assessment_results(&a).unwrap();
    assert!(oscal.contains(&format!("{left_out} more failure intervals")));
    assert!(!oscal.contains("aws_s3_bucket.b0050"));

    let json = render_json(&a).unwrap();
    assert!(json.contains("aws_s3_bucket.b0999") && json.contains("deviation 0999"));
}
