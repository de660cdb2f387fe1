#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

//! OSCAL assessment results and POA&M of the example assessments, read back by
//! compliance-trestle (validators/oscal_assessment.py) and checked against the
//! assessment they came from.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde_json::Value;
use testat_assess::{Assessment, AssessmentKind, Status};
use testat_report::assessment::{render_assessment_results, render_poam};
use testat_test_support::{validate, validate_rejects};

fn type2() -> Assessment {
    testat_assess::example::type2(testat_catalog::builtin())
}

fn type1() -> Assessment {
    let mut a = type2();
    a.kind = AssessmentKind::Type1 {
        at: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
    };
    a.period = None;
    a
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn uuids(list: &Value, key: &str) -> BTreeSet<String> {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i[key].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn assessment_results_are_read_by_trestle() {
    let dir = tempfile::tempdir().unwrap();
    for (name, a) in [("type2", type2()), ("type1", type1())] {
        let text = render_assessment_results(&a).unwrap();
        assert!(text.ends_with("}\n"));
        let path = write(dir.path(), &format!("{name}-ar.json"), &text);
        let said = validate("oscal-ar", &path);
        assert!(
            said.is_empty() || said.contains(&format!("{} findings", a.criteria.len())),
            "{said}"
        );
    }
}

#[test]
fn poam_is_read_by_trestle() {
    let dir = tempfile::tempdir().unwrap();
    for (name, a) in [("type2", type2()), ("type1", type1())] {
        let open = a
            .criteria
            .iter()
            .filter(|c| matches!(c.status, Status::NotMet | Status::PartlyMet))
            .count();
        let path = write(
            dir.path(),
            &format!("{name}-poam.json"),
            &render_poam(&a).unwrap(),
        );
        let said = validate("oscal-poam", &path);
        assert!(
            said.is_empty() || said.contains(&format!("{open} poam-items")),
            "{said}"
        );
    }
}

#[test]
fn one_finding_per_criterion_not_satisfied_for_the_unmet() {
    let a = type2();
    let doc = parse(&render_assessment_results(&a).unwrap());
    let ar = &doc["assessment-results"];
    assert_eq!(ar["metadata"]["oscal-version"], "1.1.2");
    assert_eq!(ar["metadata"]["last-modified"], "2026-04-02T10:00:00Z");
    assert_eq!(ar["metadata"]["parties"][0]["name"], "Beispiel GmbH");
    assert!(
        ar["metadata"]["title"]
            .as_str()
            .unwrap()
            .contains("Type 2 assessment of Beispiel Cloud Storage, 2026-03-01 to 2026-03-31")
    );
    let result = &ar["results"][0];
    assert_eq!(result["start"], "2026-03-01T00:00:00Z");
    assert_eq!(result["end"], "2026-03-31T23:59:59Z");

    let findings = result["findings"].as_array().unwrap();
    assert_eq!(findings.len(), a.criteria.len());
    for (f, c) in findings.iter().zip(&a.criteria) {
        let target = &f["target"];
        assert_eq!(target["type"], "objective-id");
        assert_eq!(target["target-id"], testat_catalog::control_id(&c.id));
        let expected = match c.status {
            Status::Met | Status::NotApplicable => "satisfied",
            Status::PartlyMet | Status::NotMet | Status::NotAssessed => "not-satisfied",
        };
        assert_eq!(target["status"]["state"], expected, "{}", c.id);
        let status_prop = f["props"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "status")
            .unwrap();
        assert_eq!(status_prop["value"], c.status.as_str());
        assert_eq!(status_prop["ns"], testat_catalog::TESTAT_NS);
        for reason in &c.reasons {
            let first_word = reason.split_whitespace().next().unwrap();
            assert!(f["description"].as_str().unwrap().contains(first_word));
        }
        // A risk exactly for the criteria not met or partly met.
        assert_eq!(
            f.get("related-risks").is_some(),
            matches!(c.status, Status::NotMet | Status::PartlyMet),
            "{}",
            c.id
        );
    }
    let not_met = a
        .criteria
        .iter()
        .filter(|c| matches!(c.status, Status::NotMet | Status::PartlyMet))
        .count();
    assert_eq!(result["risks"].as_array().unwrap().len(), not_met);

    // The scope: scoped-out criteria excluded, with their reason.
    let selection = &result["reviewed-controls"]["control-selections"][0];
    let excluded = uuids(&selection["exclude-controls"], "control-id");
    let scoped: BTreeSet<String> = a
        .scope
        .iter()
        .map(|s| testat_catalog::control_id(&s.criterion))
        .collect();
    assert!(!scoped.is_empty());
    assert_eq!(excluded, scoped);
    let included = uuids(&selection["include-controls"], "control-id");
    assert_eq!(included.len() + excluded.len(), a.criteria.len());
    assert!(included.is_disjoint(&excluded));
    assert!(
        selection["remarks"]
            .as_str()
            .unwrap()
            .contains("carved-out data centre operator")
    );

    // Observations: evidence with its label, failure intervals with their detection time.
    let observations = result["observations"].as_array().unwrap();
    assert!(observations.iter().any(|o| {
        o["relevant-evidence"][0]["description"]
            .as_str()
            .is_some_and(|d| d.contains("isms-policy.pdf"))
    }));
    assert!(observations.iter().any(|o| {
        o["collected"] == "2026-03-16T06:00:00Z"
            && o["title"]
                .as_str()
                .unwrap()
                .contains("aws-iam-mfa failed on aws_iam_user.admin")
    }));
    // The control IDs are those of the catalog export.
    let catalog = parse(
        &testat_catalog::builtin()
            .to_oscal_json("2026-01-01T00:00:00Z")
            .unwrap(),
    );
    let controls: BTreeSet<String> = catalog["catalog"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["controls"].as_array().unwrap())
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    for f in findings {
        assert!(controls.contains(f["target"]["target-id"].as_str().unwrap()));
    }
}

#[test]
fn type1_covers_the_day() {
    let doc = parse(&render_assessment_results(&type1()).unwrap());
    let result = &doc["assessment-results"]["results"][0];
    assert_eq!(result["start"], "2026-03-31T00:00:00Z");
    assert_eq!(result["end"], "2026-03-31T23:59:59Z");
    assert!(
        doc["assessment-results"]["metadata"]["title"]
            .as_str()
            .unwrap()
            .contains("Type 1")
    );
    // Different assessments, different documents.
    let type2 = parse(&render_assessment_results(&type2()).unwrap());
    assert_ne!(
        doc["assessment-results"]["uuid"],
        type2["assessment-results"]["uuid"]
    );
}

#[test]
fn poam_items_exactly_for_not_met_and_partly_met() {
    let a = type2();
    let ar = parse(&render_assessment_results(&a).unwrap());
    let doc = parse(&render_poam(&a).unwrap());
    let poam = &doc["plan-of-action-and-milestones"];
    let items = poam["poam-items"].as_array().unwrap();
    let open: Vec<&str> = a
        .criteria
        .iter()
        .filter(|c| matches!(c.status, Status::NotMet | Status::PartlyMet))
        .map(|c| c.id.as_str())
        .collect();
    assert!(open.contains(&"IDM-09") && open.contains(&"CRY-03"));
    let criteria: Vec<&str> = items
        .iter()
        .map(|i| {
            i["props"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == "criterion")
                .unwrap()["value"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(criteria, open);

    // What the items refer to is in the POA&M, with the UUIDs of the assessment results.
    let observations = uuids(&poam["observations"], "uuid");
    let risks = uuids(&poam["risks"], "uuid");
    let ar_result = &ar["assessment-results"]["results"][0];
    assert!(observations.is_subset(&uuids(&ar_result["observations"], "uuid")));
    assert!(risks.is_subset(&uuids(&ar_result["risks"], "uuid")));
    for item in items {
        for r in item["related-risks"].as_array().unwrap() {
            assert!(risks.contains(r["risk-uuid"].as_str().unwrap()));
        }
        for o in item["related-observations"]
            .as_array()
            .into_iter()
            .flatten()
        {
            assert!(observations.contains(o["observation-uuid"].as_str().unwrap()));
        }
    }
    let idm09 = items
        .iter()
        .find(|i| i["title"].as_str().unwrap().starts_with("IDM-09"))
        .unwrap();
    let description = idm09["description"].as_str().unwrap();
    assert!(
        description.contains("exception expired 2026-03-15"),
        "{description}"
    );
    assert!(
        description.contains("not fixed by the end of the period"),
        "{description}"
    );
}

#[test]
fn poam_without_open_items_is_an_error() {
    let mut a = type2();
    for c in &mut a.criteria {
        if matches!(c.status, Status::NotMet | Status::PartlyMet) {
            c.status = Status::Met;
        }
    }
    let error = render_poam(&a).unwrap_err().to_string();
    assert!(error.contains("at least one poam-item"), "{error}");
}

#[test]
fn output_is_deterministic() {
    for a in [type2(), type1()] {
        assert_eq!(
            render_assessment_results(&a).unwrap(),
            render_assessment_results(&a.clone()).unwrap()
        );
        assert_eq!(render_poam(&a).unwrap(), render_poam(&a.clone()).unwrap());
    }
}

#[test]
fn the_validator_rejects_broken_documents() {
    let dir = tempfile::tempdir().unwrap();
    let a = type2();

    // A status OSCAL does not know.
    let mut doc = parse(&render_assessment_results(&a).unwrap());
    doc["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] =
        "bogus".into();
    let said = validate_rejects(
        "oscal-ar",
        &write(dir.path(), "bogus.json", &doc.to_string()),
    );
    assert!(said.is_empty() || said.contains("bogus"), "{said}");

    // A finding pointing at an observation that is not there.
    let mut doc = parse(&render_assessment_results(&a).unwrap());
    let findings = doc["assessment-results"]["results"][0]["findings"]
        .as_array_mut()
        .unwrap();
    let finding = findings
        .iter_mut()
        .find(|f| f.get("related-observations").is_some())
        .unwrap();
    finding["related-observations"][0]["observation-uuid"] =
        "00000000-0000-4000-8000-000000000000".into();
    let said = validate_rejects(
        "oscal-ar",
        &write(dir.path(), "dangling.json", &doc.to_string()),
    );
    assert!(
        said.is_empty() || said.contains("is not in the document"),
        "{said}"
    );

    // A POA&M item whose risk is missing.
    let mut doc = parse(&render_poam(&a).unwrap());
    doc["plan-of-action-and-milestones"]["risks"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    let said = validate_rejects(
        "oscal-poam",
        &write(dir.path(), "poam-dangling.json", &doc.to_string()),
    );
    assert!(
        said.is_empty() || said.contains("is not in the document"),
        "{said}"
    );

    // A POA&M without items.
    let mut doc = parse(&render_poam(&a).unwrap());
    doc["plan-of-action-and-milestones"]["poam-items"] = Value::Array(Vec::new());
    validate_rejects(
        "oscal-poam",
        &write(dir.path(), "poam-empty.json", &doc.to_string()),
    );
}
