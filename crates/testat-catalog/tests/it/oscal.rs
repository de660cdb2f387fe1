//! The OSCAL catalog export of both versions: its shape, and that compliance-trestle
//! reads it (through `validators/validate.py`, see testat-test-support).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use serde_json::Value;
use testat_catalog::{
    C5Version, ExternalCatalog, OSCAL_UUID_SEED, TESTAT_NS, builtin_version, control_id,
};
use testat_test_support::{
    VALIDATOR_PYTHON_TRESTLE3, validate, validate_rejects, validate_rejects_with,
};

const WHEN: &str = "2026-05-01T00:00:00Z";

fn export(version: C5Version) -> (tempfile::TempDir, std::path::PathBuf, Value) {
    let json = builtin_version(version).to_oscal_json(WHEN).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("c5-{version}.json"));
    std::fs::write(&path, &json).unwrap();
    (dir, path, serde_json::from_str(&json).unwrap())
}

/// Every `ns` in the document, with where it is.
fn namespaces(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(ns)) = map.get("ns") {
                out.push(ns.clone());
            }
            map.values().for_each(|v| namespaces(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| namespaces(v, out)),
        _ => {}
    }
}

fn prop<'a>(control: &'a Value, name: &str) -> Option<&'a str> {
    control["props"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == name)?["value"]
        .as_str()
}

#[test]
fn the_namespace_is_an_https_uri_and_uuids_keep_their_seed() {
    assert!(TESTAT_NS.starts_with("https://"), "{TESTAT_NS}");
    for version in C5Version::ALL {
        let (_dir, _path, doc) = export(version);
        let mut found = Vec::new();
        namespaces(&doc, &mut found);
        assert!(!found.is_empty());
        assert!(found.iter().all(|ns| ns == TESTAT_NS), "{found:?}");
    }
    // The catalog UUIDs are those Testat gave before the namespace changed.
    assert_eq!(OSCAL_UUID_SEED, "urn:testat:oscal");
    let (_dir, _path, doc) = export(C5Version::V2020);
    assert_eq!(
        doc["catalog"]["uuid"],
        "8987cd44-e2a3-59b9-a464-992fbcfcc567"
    );
    let (_dir, _path, doc) = export(C5Version::V2026);
    assert_eq!(
        doc["catalog"]["uuid"],
        "7bfd5b23-0e43-52d1-b2f4-cc3f7b8cd176"
    );
}

#[test]
fn c5_2020_export_is_unchanged_in_shape_and_passes_trestle() {
    let (_dir, path, doc) = export(C5Version::V2020);
    let groups = doc["catalog"]["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 17);
    let controls: Vec<&Value> = groups
        .iter()
        .flat_map(|g| g["controls"].as_array().unwrap())
        .collect();
    assert_eq!(controls.len(), 121);
    assert!(controls.iter().all(|c| c.get("controls").is_none()));
    assert!(controls.iter().all(|c| prop(c, "title-de").is_none()));
    validate("oscal-catalog", &path);
}

#[test]
fn c5_2026_export_has_subcriteria_as_child_controls_and_passes_trestle() {
    let c5 = builtin_version(C5Version::V2026);
    let (_dir, path, doc) = export(C5Version::V2026);
    assert!(
        doc["catalog"]["metadata"]["remarks"]
            .as_str()
            .unwrap()
            .contains("C5:2026")
    );
    let groups = doc["catalog"]["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 18);
    assert_eq!(groups[0]["id"], "gc");
    let controls: Vec<&Value> = groups
        .iter()
        .flat_map(|g| g["controls"].as_array().unwrap())
        .collect();
    assert_eq!(controls.len(), 174);
    let mut children = 0;
    for (control, criterion) in controls.iter().zip(&c5.criteria) {
        assert_eq!(control["id"], control_id(&criterion.id));
        assert_eq!(prop(control, "label"), Some(criterion.id.as_str()));
        assert_eq!(prop(control, "title-de"), criterion.title_de.as_deref());
        let subs = control["controls"]
            .as_array()
            .map_or(&[][..], Vec::as_slice);
        assert_eq!(subs.len(), criterion.subcriteria.len(), "{}", criterion.id);
        for (child, sub) in subs.iter().zip(&criterion.subcriteria) {
            assert_eq!(child["id"], control_id(&sub.id));
            assert_eq!(child["class"], "sub-criterion");
            assert_eq!(child["title"], sub.label.as_str());
            assert_eq!(prop(child, "label"), Some(sub.id.as_str()));
            assert_eq!(prop(child, "level"), Some(sub.level.as_str()));
            children += 1;
        }
    }
    assert_eq!(children, 623);
    let cry03 = controls.iter().find(|c| c["id"] == "cry-03").unwrap();
    assert_eq!(cry03["controls"][0]["id"], "cry-03.01b");
    validate("oscal-catalog", &path);
}

#[test]
fn trestle_rejects_a_broken_catalog_so_the_checks_above_mean_something() {
    let (_dir, path, mut doc) = export(C5Version::V2026);
    // A child control without a title is not OSCAL.
    doc["catalog"]["groups"][1]["controls"][0]["controls"][0]
        .as_object_mut()
        .unwrap()
        .remove("title");
    std::fs::write(&path, serde_json::to_string(&doc).unwrap()).unwrap();
    validate_rejects("oscal-catalog", &path);
}

#[test]
fn trestle_3_refuses_the_old_urn_namespace_which_is_why_it_changed() {
    let (_dir, path, doc) = export(C5Version::V2020);
    let old = doc.to_string().replace(TESTAT_NS, "urn:testat:oscal");
    std::fs::write(&path, old).unwrap();
    let said = validate_rejects_with(VALIDATOR_PYTHON_TRESTLE3, "oscal-catalog", &path);
    assert!(said.is_empty() || said.contains("URL"), "{said}");
}

#[test]
fn the_2026_export_reads_back_as_an_external_catalogue_with_subcriteria() {
    let c5 = builtin_version(C5Version::V2026);
    let (_dir, path, _doc) = export(C5Version::V2026);
    let external = ExternalCatalog::load(&path, c5).unwrap();
    assert!(external.unmatched.is_empty(), "{:?}", external.unmatched);
    assert_eq!(external.texts.len(), 174 + 623);
    assert_eq!(
        external.text("CRY-03").unwrap().text,
        c5.get("CRY-03").unwrap().summary.trim()
    );
    assert_eq!(
        external.text("CRY-03.01B").unwrap().title,
        c5.find("CRY-03.01B").unwrap().subcriterion().unwrap().label
    );
}
