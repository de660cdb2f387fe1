//! CLI tests of the frameworks beside C5: `catalog show` and `catalog list
//! --framework`, and `status --framework` on a store built by the CLI.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::path::Path;

use serde_json::Value;

use crate::support::stdout;

const NOW: &str = "2026-03-01T10:00:00Z";

fn at(dir: &Path) -> assert_cmd::Command {
    crate::support::in_dir(dir, NOW, "alice")
}

fn json(cmd: &mut assert_cmd::Command) -> Value {
    serde_json::from_str(&stdout(cmd)).unwrap()
}

#[test]
fn catalog_show_names_the_mapped_iso_controls_and_articles() {
    let dir = tempfile::tempdir().unwrap();
    let text = stdout(at(dir.path()).args(["catalog", "show", "CRY-03"]));
    let section = text
        .split("Other frameworks")
        .nth(1)
        .expect("a frameworks section");
    for needle in [
        "ISO/IEC 27001:2022",
        "A.8.24          Use of cryptography",
        "Art. 32(1)(a)   Pseudonymisation and encryption",
        "§ 64 Abs. 2 BDSG",
        "partly-supports: Customer data is encrypted at rest.",
    ] {
        assert!(section.contains(needle), "{needle} in\n{section}");
    }
    let doc = json(at(dir.path()).args(["catalog", "show", "cry-03", "-f", "json"]));
    let links = doc["frameworks"].as_array().unwrap();
    let pairs: Vec<(&str, &str, &str)> = links
        .iter()
        .map(|l| {
            (
                l["framework"].as_str().unwrap(),
                l["control"].as_str().unwrap(),
                l["relation"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("iso27001-2022", "A.8.24", "partly-supports"),
            ("gdpr", "art5.1.f", "supports"),
            ("gdpr", "art32.1.a", "supports"),
            ("gdpr", "art34", "partly-supports"),
            ("gdpr", "art46", "partly-supports"),
            ("bdsg", "s22.2.7", "supports"),
            ("bdsg", "s64.2", "supports"),
            ("bdsg", "s64.3.2", "supports"),
            ("bdsg", "s64.3.3", "supports"),
        ]
    );
}

#[test]
fn catalog_list_framework_lists_entries_with_their_criteria() {
    let dir = tempfile::tempdir().unwrap();
    let doc = json(at(dir.path()).args(["catalog", "list", "--framework", "gdpr", "-f", "json"]));
    assert_eq!(doc["framework"]["id"], "gdpr");
    assert_eq!(doc["c5"], "2020");
    let controls = doc["controls"].as_array().unwrap();
    let art32a = controls.iter().find(|c| c["id"] == "art32.1.a").unwrap();
    assert_eq!(art32a["label"], "Art. 32(1)(a)");
    assert_eq!(art32a["parent"], "art32");
    let mapped: Vec<&str> = art32a["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["criterion"].as_str().unwrap())
        .collect();
    assert_eq!(
        mapped,
        ["CRY-01", "CRY-02", "CRY-03", "CRY-04", "OPS-09", "OPS-11"]
    );
    let art32_3 = controls.iter().find(|c| c["id"] == "art32.3").unwrap();
    assert!(art32_3["mappings"].as_array().unwrap().is_empty());
    assert!(!art32_3["unmapped_reason"].as_str().unwrap().is_empty());

    let table = stdout(at(dir.path()).args(["catalog", "list", "--framework", "iso27001-2022"]));
    assert!(
        table.contains("A.8.24          Use of cryptography"),
        "{table}"
    );
    assert!(table.contains("93 entries"), "{table}");
    let csv = stdout(at(dir.path()).args(["catalog", "list", "--framework", "bdsg", "-f", "csv"]));
    assert!(csv.starts_with("framework,control,label,title,criterion,relation,reason,note\n"));
    assert!(csv.contains("bdsg,s64.2,§ 64 Abs. 2 BDSG,"), "{csv}");

    // The criterion filters do not apply to a framework list.
    at(dir.path())
        .args(["catalog", "list", "--framework", "gdpr", "--domain", "CRY"])
        .assert()
        .code(2);
    at(dir.path())
        .args(["catalog", "list", "--framework", "nis2"])
        .assert()
        .code(2);
}

/// A store with a met, a partly met and a not met criterion under Art. 32(1)(a),
/// and OIS-01 met (the only criterion mapped to Art. 32 itself).
fn store() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    at(dir.path()).arg("init").assert().success();
    for (criterion, status) in [
        ("CRY-01", "implemented"),
        ("CRY-02", "implemented"),
        ("CRY-03", "planned"),
        ("OIS-01", "implemented"),
    ] {
        at(dir.path())
            .args(["attest", criterion, "--status", status])
            .args(["--statement", "as described", "--owner", "CISO"])
            .assert()
            .success();
    }
    for criterion in ["CRY-01", "OIS-01"] {
        at(dir.path())
            .args(["evidence", "add", "--note", "policy and proof"])
            .args(["--criterion", criterion])
            .assert()
            .success();
    }
    dir
}

fn control<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

fn ids(list: &Value) -> Vec<(&str, &str)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["criterion"].as_str().unwrap(),
                c["status"].as_str().unwrap(),
            )
        })
        .collect()
}

#[test]
fn status_framework_rolls_the_c5_status_up_per_entry() {
    let dir = store();
    let gdpr = json(at(dir.path()).args(["status", "--framework", "gdpr", "-f", "json"]));
    assert_eq!(gdpr["framework"], "gdpr");
    assert_eq!(gdpr["as_of"], "2026-03-01");
    assert_eq!(gdpr["c5"], "2020");

    let art32a = control(&gdpr, "art32.1.a");
    assert_eq!(art32a["support"], "partly supported");
    assert_eq!(
        art32a["counts"],
        serde_json::json!({"met": 1, "partly_met": 1, "not_met": 1, "not_assessed": 3, "not_applicable": 0})
    );
    assert_eq!(art32a["weakest"]["criterion"], "CRY-03");
    assert_eq!(art32a["weakest"]["status"], "not met");
    assert_eq!(
        ids(&art32a["supported_by"]),
        [("CRY-01", "met"), ("CRY-02", "partly met")]
    );
    assert_eq!(
        ids(&art32a["missing"]),
        [
            ("CRY-03", "not met"),
            ("CRY-04", "not assessed"),
            ("OPS-09", "not assessed"),
            ("OPS-11", "not assessed")
        ]
    );

    let art32 = control(&gdpr, "art32");
    assert_eq!(art32["support"], "supported");
    assert_eq!(ids(&art32["supported_by"]), [("OIS-01", "met")]);
    assert!(art32["missing"].as_array().unwrap().is_empty());

    let art32_3 = control(&gdpr, "art32.3");
    assert_eq!(art32_3["support"], "no c5 mapping");
    assert!(art32_3["weakest"].is_null());
    assert!(!art32_3["unmapped_reason"].as_str().unwrap().is_empty());

    // Art. 33(5) rests on SIM-03 alone, which nothing records.
    let art33_5 = control(&gdpr, "art33.5");
    assert_eq!(art33_5["support"], "not supported");
    assert_eq!(ids(&art33_5["missing"]), [("SIM-03", "not assessed")]);

    // ISO: every link to A.8.24 only partly supports it, so met criteria do not
    // make it "supported".
    let iso = json(at(dir.path()).args(["status", "--framework", "iso27001-2022", "-f", "json"]));
    assert_eq!(iso["controls"].as_array().unwrap().len(), 93);
    let a824 = control(&iso, "A.8.24");
    assert_eq!(a824["support"], "partly supported");
    assert_eq!(
        a824["counts"],
        serde_json::json!({"met": 1, "partly_met": 1, "not_met": 1, "not_assessed": 1, "not_applicable": 0})
    );

    // Whatever the framework, a not met criterion is never support.
    let bdsg = json(at(dir.path()).args(["status", "--framework", "bdsg", "-f", "json"]));
    for doc in [&gdpr, &iso, &bdsg] {
        let counts = &doc["counts"];
        let total: u64 = [
            "supported",
            "partly_supported",
            "not_supported",
            "no_mapping",
        ]
        .iter()
        .map(|k| counts[k].as_u64().unwrap())
        .sum();
        assert_eq!(total as usize, doc["controls"].as_array().unwrap().len());
        for c in doc["controls"].as_array().unwrap() {
            for s in c["supported_by"].as_array().unwrap() {
                assert!(
                    s["status"] == "met" || s["status"] == "partly met",
                    "{} {c}",
                    doc["framework"]
                );
            }
        }
    }

    let text = stdout(at(dir.path()).args(["status", "--framework", "gdpr"]));
    let line = text
        .lines()
        .find(|l| l.starts_with("Art. 32(1)(a)"))
        .unwrap();
    assert_eq!(
        line.split_whitespace().collect::<Vec<_>>(),
        [
            "Art.",
            "32(1)(a)",
            "partly",
            "supported",
            "1",
            "1",
            "1",
            "3",
            "CRY-03",
            "(not",
            "met)"
        ]
    );
    assert!(!text.to_lowercase().contains("compliant"), "{text}");
}

#[test]
fn assess_and_report_carry_the_framework_sections_asked_for() {
    let dir = store();
    let doc = json(at(dir.path()).args([
        "report",
        "--framework",
        "gdpr",
        "--framework",
        "iso27001-2022",
        "-f",
        "json",
    ]));
    let ids: Vec<&str> = doc["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["framework"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["gdpr", "iso27001-2022"]);
    let art32a = control(&doc["frameworks"][0], "art32.1.a");
    assert_eq!(
        art32a["counts"],
        serde_json::json!({"met": 1, "partly_met": 1, "not_met": 1, "not_assessed": 3, "not_applicable": 0})
    );
    assert_eq!(
        ids_of(&art32a["supported_by"]),
        ["CRY-01", "CRY-02"],
        "not met is never support"
    );

    let text = stdout(at(dir.path()).args(["assess", "--framework", "bdsg"]));
    assert!(
        text.contains(
            "what this shows for Bundesdatenschutzgesetz (BDSG) (evidence, not compliance):"
        ),
        "{text}"
    );
    let plain = json(at(dir.path()).args(["report", "-f", "json"]));
    assert!(plain.get("frameworks").is_none());
}

fn ids_of(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["criterion"].as_str().unwrap())
        .collect()
}
