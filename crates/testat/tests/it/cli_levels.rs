//! Scope by level in a C5:2026 engagement: `[scope] levels` in `testat.toml` decides
//! which sub-criteria count, in status, assessments and reports; mistakes are errors
//! that name the key; `catalog list --level` selects criteria by their sub-criteria.

use std::path::Path;

use serde_json::Value;

use crate::support::{in_dir, repo_root};

const NOW: &str = "2027-09-01T10:00:00Z";

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &std::process::Output) -> Value {
    assert!(output.status.success(), "{}", stderr(output));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Two user rules that name only additional sub-criteria: one complementing
/// (CRY-05.01AC; CRY-05 also has basic ones), one sharpening (CRY-04.01AS). Both fail
/// on the one bucket of the plan, which has no tags.
fn write_rules(dir: &Path) {
    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    for (id, criterion_2026) in [("ACME-REUSE", "CRY-05.01AC"), ("ACME-SHARP", "CRY-04.01AS")] {
        std::fs::write(
            rules.join(format!("{id}.yaml")),
            format!(
                "id: {id}\ntitle: Buckets are tagged\nseverity: high\ncriteria: [AM-01]\n\
                 criteria_2026: [{criterion_2026}]\nprovider: aws\nresources: [aws_s3_bucket]\n\
                 condition: has(resource.tags)\nmessage: untagged\nremediation: tag it\n"
            ),
        )
        .unwrap();
    }
    std::fs::write(
        dir.join("plan.json"),
        r#"{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{"root_module":{"resources":[
            {"address":"aws_s3_bucket.logs","mode":"managed","type":"aws_s3_bucket","name":"logs",
             "provider_name":"registry.terraform.io/hashicorp/aws","values":{"bucket":"logs"}}]}}}"#,
    )
    .unwrap();
}

/// `testat.toml` with the rules folder and, when given, `[scope] levels`.
fn write_settings(dir: &Path, levels: Option<&str>) {
    let mut text = "[scan]\nrules = [\"rules\"]\n".to_owned();
    if let Some(levels) = levels {
        text.push_str(&format!("\n[scope]\nlevels = {levels}\n"));
    }
    std::fs::write(dir.join("testat.toml"), text).unwrap();
}

/// A C5:2026 store with one recorded run of the two rules.
fn engagement() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let output = in_dir(d, "2027-08-01T09:00:00Z", "alice")
        .args(["init", "--c5", "2026"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    write_rules(d);
    write_settings(d, None);
    let output = in_dir(d, "2027-08-01T10:00:00Z", "ci")
        .args(["scan", "plan.json", "--no-builtin-rules", "--record"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    dir
}

fn status_json(dir: &Path) -> Value {
    json(
        &in_dir(dir, NOW, "t")
            .args(["status", "-f", "json"])
            .output()
            .unwrap(),
    )
}

fn criterion<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["criterion"] == id || c["id"] == id)
        .unwrap()
}

#[test]
fn rules_on_sub_criteria_outside_the_levels_do_not_count() {
    let dir = engagement();
    let d = dir.path();

    // Default: every level, so both failures count.
    let all = status_json(d);
    assert_eq!(
        all["levels"]["levels"],
        serde_json::json!(["basic", "sharpening", "complementing"])
    );
    assert_eq!(all["levels"]["chosen"], false);
    assert_eq!(all["levels"]["subcriteria_out_of_scope"], 0);
    assert_eq!(criterion(&all, "CRY-05")["status"], "not met");
    assert_eq!(criterion(&all, "CRY-04")["status"], "not met");
    assert_eq!(all["counts"]["not met"], 2);

    // Basic only: neither counts; the criteria are not met by nothing, and say why.
    write_settings(d, Some(r#"["basic"]"#));
    let basic = status_json(d);
    assert_eq!(basic["levels"]["levels"], serde_json::json!(["basic"]));
    assert_eq!(basic["levels"]["chosen"], true);
    assert!(
        basic["counts"].get("not met").is_none(),
        "{}",
        basic["counts"]
    );
    let cry05 = criterion(&basic, "CRY-05");
    assert_eq!(cry05["status"], "not assessed");
    let reasons = cry05["reasons"].to_string();
    assert!(!reasons.contains("ACME-REUSE"), "{reasons}");
    assert!(
        reasons.contains("out of scope by level: CRY-05.01AC"),
        "{reasons}"
    );
    assert_eq!(criterion(&basic, "CRY-04")["status"], "not assessed");
    // Every C5:2026 criterion with sub-criteria has a basic one: none is cut whole.
    assert_eq!(basic["levels"]["out_of_level"], serde_json::json!([]));
    assert!(basic["counts"].get("not applicable").is_none());

    // Basic and sharpening: the sharpening failure counts, the complementing one not.
    write_settings(d, Some(r#"["sharpening"]"#));
    let sharp = status_json(d);
    assert_eq!(
        sharp["levels"]["levels"],
        serde_json::json!(["basic", "sharpening"])
    );
    assert_eq!(criterion(&sharp, "CRY-04")["status"], "not met");
    assert_eq!(criterion(&sharp, "CRY-05")["status"], "not assessed");

    // The terminal summary states the levels.
    write_settings(d, Some(r#"["basic"]"#));
    let output = in_dir(d, NOW, "t").arg("status").output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("levels in scope: basic (chosen in [scope] levels); 462 of 623 sub-criteria; criteria out of scope by level: none"),
        "{text}"
    );
}

#[test]
fn reports_carry_the_levels_in_scope() {
    let dir = engagement();
    let d = dir.path();
    write_settings(d, Some(r#"["basic"]"#));
    let out = tempfile::tempdir().unwrap();
    let report = |format: &str, extension: &str| {
        let file = out.path().join(format!("report-{format}.{extension}"));
        let output = in_dir(d, NOW, "t")
            .args(["report", "--type", "1", "--at", "2027-08-31"])
            .args(["--format", format, "--out"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(output.status.success(), "{format}: {}", stderr(&output));
        file
    };

    let file = report("json", "json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(doc["levels"]["levels"], serde_json::json!(["basic"]));
    assert_eq!(doc["service"]["levels"], serde_json::json!(["basic"]));
    let cry05 = criterion(&doc, "CRY-05");
    assert_eq!(cry05["status"], "not assessed");
    assert_eq!(
        cry05["excluded_subcriteria"],
        serde_json::json!(["CRY-05.01AC"])
    );
    let rules = cry05["rules"].as_array().unwrap();
    assert!(
        !rules.is_empty(),
        "the built-in rules on basic sub-criteria are listed"
    );
    assert!(rules.iter().all(|r| r["id"] != "ACME-REUSE"), "{cry05}");
    assert!(cry05.get("out_of_level").is_none());
    assert!(
        criterion(&doc, "CRY-06")
            .get("excluded_subcriteria")
            .is_none()
    );
    assert_eq!(doc["counts"]["not_met"], 0);
    drop(testat_test_support::validate("assessment-json", &file));

    let md = std::fs::read_to_string(report("md", "md")).unwrap();
    assert!(
        md.contains("### Levels\n\nSub-criteria in scope: **basic** (as the service description chooses): 462 of 623 sub-criteria."),
        "{md}"
    );
    assert!(md.contains("No criterion is out of scope by level."));
    assert!(md.contains("Sub-criteria out of scope by level: CRY-05.01AC."));

    // The other formats render.
    let pdf = std::fs::read(report("pdf", "pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    for (format, extension) in [("html", "html"), ("oscal", "oscal.json"), ("csv", "csv")] {
        let text = std::fs::read_to_string(report(format, extension)).unwrap();
        assert!(
            text.contains("CRY-05") || text.contains("cry-05"),
            "{format}"
        );
    }

    // Under every level the failure counts again, in the report as in the status.
    write_settings(d, None);
    let file = report("json", "json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let cry05 = criterion(&doc, "CRY-05");
    assert_eq!(cry05["status"], "not met");
    assert!(
        cry05["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "ACME-REUSE")
    );
    assert_eq!(doc["counts"]["not_met"], 2);
    assert!(doc["service"].get("levels").is_none());
}

#[test]
fn unknown_levels_and_levels_under_c5_2020_are_errors_naming_the_key() {
    let dir = engagement();
    let d = dir.path();
    write_settings(d, Some(r#"["basic", "complimenting"]"#));
    for args in [
        &["status"][..],
        &[
            "report",
            "--type",
            "1",
            "--at",
            "2027-08-31",
            "--format",
            "json",
        ][..],
    ] {
        let output = in_dir(d, NOW, "t").args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains(
                "testat.toml: [scope]: levels: `complimenting` is not a level (basic, sharpening, complementing)"
            ),
            "{}",
            stderr(&output)
        );
    }

    let old = tempfile::tempdir().unwrap();
    let output = in_dir(old.path(), "2026-01-05T09:00:00Z", "alice")
        .arg("init")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    std::fs::write(
        old.path().join("testat.toml"),
        "[scope]\nlevels = [\"basic\"]\n",
    )
    .unwrap();
    let output = in_dir(old.path(), "2026-06-01T09:00:00Z", "t")
        .arg("status")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("testat.toml: [scope]: levels: C5:2020 has no sub-criteria"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn catalog_list_selects_criteria_by_the_levels_of_their_sub_criteria() {
    let reference = std::fs::read_to_string(
        repo_root().join("crates/testat-catalog/tests/reference/c5-2026-criteria.tsv"),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut lines = reference.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    for level in ["basic", "sharpening", "complementing"] {
        // The reference counts each criterion's sub-criteria per level.
        let column = header.iter().position(|h| *h == level).unwrap();
        let expected: Vec<String> = rows
            .iter()
            .filter(|cells| cells[column] != "0")
            .map(|cells| cells[0].to_owned())
            .collect();
        let doc = json(
            &in_dir(dir.path(), NOW, "t")
                .args([
                    "--c5", "2026", "catalog", "list", "--level", level, "-f", "json",
                ])
                .output()
                .unwrap(),
        );
        let listed: Vec<String> = doc["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(listed, expected, "{level}");
        assert!(!listed.is_empty() && listed.len() < 174, "{level}");
    }
    let output = in_dir(dir.path(), NOW, "t")
        .args(["--c5", "2020", "catalog", "list", "--level", "basic"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("C5:2020 has no sub-criteria"),
        "{}",
        stderr(&output)
    );
}
