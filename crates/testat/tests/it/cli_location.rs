//! The data location rules (PSS-12): their permitted regions come from
//! `[rules.<ID>] allowed_regions`, else from the `regions` of the service
//! description's `[[location]]` entries, else nothing is permitted and they are
//! `unknown`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{repo_root, testat};
use serde_json::Value;

/// Outcome (and detail) of AWS-DATA-REGION per resource address.
fn region_outcomes(dir: &Path) -> BTreeMap<String, (String, String)> {
    let output = testat()
        .current_dir(dir)
        .args(["scan", "plan.json", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "AWS-DATA-REGION")
        .map(|f| {
            (
                f["resource"].as_str().unwrap().to_owned(),
                (
                    f["outcome"].as_str().unwrap().to_owned(),
                    f["detail"].as_str().unwrap_or_default().to_owned(),
                ),
            )
        })
        .collect()
}

fn outcome(found: &BTreeMap<String, (String, String)>, address: &str) -> String {
    found
        .get(address)
        .unwrap_or_else(|| panic!("no finding for {address}: {found:?}"))
        .0
        .clone()
}

#[test]
fn permitted_regions_come_from_the_rule_setting_or_the_service_locations() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo_root().join("rules/aws/fixtures/generated/region/plan.json"),
        dir.path().join("plan.json"),
    )
    .unwrap();

    // Nothing permitted is declared: every resource is unknown, with the reason.
    let found = region_outcomes(dir.path());
    assert_eq!(found.len(), 6, "{found:?}");
    for (address, (outcome, detail)) in &found {
        assert_eq!(outcome, "unknown", "{address}");
        assert!(detail.contains("[[location]]"), "{address}: {detail}");
    }

    // The service description's locations name the regions.
    std::fs::write(
        dir.path().join("testat.toml"),
        "[[location]]\nname = \"Frankfurt\"\ncountry = \"DE\"\npurposes = [\"processing\", \"storage\"]\nregions = [\"eu-central-1\"]\n\n[[location]]\nname = \"Dublin\"\ncountry = \"IE\"\npurposes = [\"backup\"]\nregions = [\"eu-west-1\", \"eu-central-1\"]\n",
    )
    .unwrap();
    let found = region_outcomes(dir.path());
    assert_eq!(outcome(&found, "aws_s3_bucket.frankfurt"), "pass");
    assert_eq!(outcome(&found, "aws_db_instance.ireland"), "pass");
    assert_eq!(outcome(&found, "aws_ebs_volume.zone"), "pass");
    assert_eq!(outcome(&found, "aws_s3_bucket.virginia"), "fail");
    assert_eq!(outcome(&found, "aws_sqs_queue.arn"), "fail");
    // The provider's region decides, which the plan does not show.
    assert_eq!(
        outcome(&found, "aws_dynamodb_table.provider_default"),
        "unknown"
    );

    // The rule's own setting wins over the locations.
    let mut toml = std::fs::read_to_string(dir.path().join("testat.toml")).unwrap();
    toml.push_str("\n[rules.AWS-DATA-REGION]\nallowed_regions = [\"us-east-1\"]\n");
    std::fs::write(dir.path().join("testat.toml"), toml).unwrap();
    let found = region_outcomes(dir.path());
    assert_eq!(outcome(&found, "aws_s3_bucket.virginia"), "pass");
    assert_eq!(outcome(&found, "aws_s3_bucket.frankfurt"), "fail");

    // A region written as a single string is refused, naming the file and the rule.
    std::fs::write(
        dir.path().join("testat.toml"),
        "[rules.AWS-DATA-REGION]\nallowed_regions = \"eu-central-1\"\n",
    )
    .unwrap();
    let output = testat()
        .current_dir(dir.path())
        .args(["scan", "plan.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("testat.toml") && stderr.contains("allowed_regions"),
        "{stderr}"
    );
}
