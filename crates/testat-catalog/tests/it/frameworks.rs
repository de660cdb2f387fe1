//! ISO/IEC 27001:2022, GDPR and BDSG as data, and Testat's mappings from C5 to them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::collections::HashSet;

use testat_catalog::{
    C5Version, Framework, FrameworkMapping, Support, builtin, builtin_version, framework,
    framework_mappings_for, frameworks, mappings,
};

#[test]
fn three_frameworks_with_both_versions_mapped() {
    let ids: Vec<&str> = frameworks().iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["iso27001-2022", "gdpr", "bdsg"]);
    for f in frameworks() {
        assert!(!f.disclaimer.trim().is_empty() && f.source.starts_with("https://"));
        for version in C5Version::ALL {
            let m = mappings(&f.id, version).unwrap();
            assert_eq!((m.framework.as_str(), m.c5), (f.id.as_str(), version));
        }
    }
    assert_eq!(framework("GDPR").unwrap().id, "gdpr");
    assert!(framework("nis2").is_none());
    assert!(mappings("nis2", C5Version::V2020).is_none());
}

#[test]
fn iso_annex_a_has_93_controls_in_four_themes() {
    let iso = framework("iso27001-2022").unwrap();
    let ids: Vec<&str> = iso.controls.iter().map(|c| c.id.as_str()).collect();
    let expected: Vec<String> = [(5, 37), (6, 8), (7, 14), (8, 34)]
        .iter()
        .flat_map(|&(theme, count)| (1..=count).map(move |n| format!("A.{theme}.{n}")))
        .collect();
    assert_eq!(ids, expected);
    for c in &iso.controls {
        assert_eq!(c.label, c.id);
        assert_eq!(Some(c.group.as_str()), c.id.split('.').nth(1));
        assert!(c.parent_id().is_none());
    }
    assert_eq!(iso.controls_in("8").count(), 34);
    assert_eq!(iso.control("A.8.24").unwrap().title, "Use of cryptography");
}

/// What issue 17 asks for at least: GDPR Art. 5(1)(f), 24, 25, 28, 30, 32-35, 44-49.
const GDPR_ARTICLES: &[&str] = &[
    "art5.1.f", "art24", "art25", "art28", "art30", "art32", "art33", "art34", "art35", "art44",
    "art45", "art46", "art47", "art48", "art49",
];

#[test]
fn gdpr_and_bdsg_carry_the_entries_the_mappings_need() {
    let gdpr = framework("gdpr").unwrap();
    for id in GDPR_ARTICLES {
        assert!(gdpr.control(id).is_some(), "{id}");
    }
    let points: Vec<&str> = gdpr.parts_of("art32").map(|c| c.id.as_str()).collect();
    for point in ["art32.1.a", "art32.1.b", "art32.1.c", "art32.1.d"] {
        assert!(points.contains(&point), "{point} in {points:?}");
    }
    assert_eq!(gdpr.control("art32.1.a").unwrap().label, "Art. 32(1)(a)");
    let bdsg = framework("bdsg").unwrap();
    for id in ["s22", "s64"] {
        assert!(bdsg.control(id).is_some(), "{id}");
    }
    assert_eq!(bdsg.parts_of("s64").count(), 16);
}

/// Every control is mapped from `version`, or listed as unmapped with a reason.
fn covered(framework_id: &str, version: C5Version, control: &str) -> bool {
    let m = mappings(framework_id, version).unwrap();
    !m.criteria_for(control).is_empty()
        || m.unmapped_reason(control)
            .is_some_and(|r| !r.trim().is_empty())
}

#[test]
fn every_control_and_listed_article_is_mapped_from_c5_2020_or_says_why_not() {
    for f in frameworks() {
        for version in C5Version::ALL {
            for c in &f.controls {
                assert!(
                    covered(&f.id, version, &c.id),
                    "{} {} C5:{version}",
                    f.id,
                    c.id
                );
            }
        }
    }
    let iso = mappings("iso27001-2022", C5Version::V2020).unwrap();
    let unmapped: Vec<&str> = iso.unmapped.iter().map(|u| u.control.as_str()).collect();
    assert!(unmapped.len() <= 6, "{unmapped:?}");
    for id in GDPR_ARTICLES {
        assert!(covered("gdpr", C5Version::V2020, id), "{id}");
    }
    for version in C5Version::ALL {
        let gdpr = mappings("gdpr", version).unwrap();
        for point in ["art32.1.a", "art32.1.b", "art32.1.c", "art32.1.d"] {
            assert!(!gdpr.criteria_for(point).is_empty(), "{point} C5:{version}");
        }
    }
}

/// C5:2020 criteria the GDPR mapping judged not to bear on personal data (the
/// mapping file's header says why).
const NOT_PERSONAL_DATA: &[&str] = &[
    "OIS-05", "SP-03", "HR-04", "AM-02", "AM-03", "AM-05", "OPS-01", "OPS-02", "OPS-03", "COS-07",
    "DEV-02", "DEV-04", "DEV-05", "DEV-07", "DEV-08", "DEV-09", "SSO-05",
];

#[test]
fn every_c5_2020_criterion_bearing_on_personal_data_maps_to_an_article() {
    let gdpr = mappings("gdpr", C5Version::V2020).unwrap();
    let mapped: HashSet<&str> = gdpr.mappings.iter().map(|m| m.criterion.as_str()).collect();
    for c in &builtin().criteria {
        let excluded = NOT_PERSONAL_DATA.contains(&c.id.as_str());
        assert_eq!(
            mapped.contains(c.id.as_str()),
            !excluded,
            "{}: {}",
            c.id,
            if excluded {
                "listed as not bearing on personal data, but mapped"
            } else {
                "not mapped to any GDPR entry"
            }
        );
    }
}

#[test]
fn c5_ids_exist_and_subcriteria_appear_only_for_2026() {
    for f in frameworks() {
        for version in C5Version::ALL {
            let catalog = builtin_version(version);
            let m = mappings(&f.id, version).unwrap();
            let mut pairs = HashSet::new();
            for mapping in &m.mappings {
                assert!(catalog.contains(&mapping.criterion), "{mapping:?}");
                assert!(f.control(&mapping.control).is_some(), "{mapping:?}");
                assert!(
                    pairs.insert((&mapping.criterion, &mapping.control)),
                    "{mapping:?}"
                );
                assert!(!mapping.reason.trim().is_empty(), "{mapping:?}");
                if version == C5Version::V2020 {
                    assert!(mapping.subcriterion_id().is_none(), "{mapping:?}");
                }
            }
        }
    }
    let gdpr = mappings("gdpr", C5Version::V2026).unwrap();
    assert!(gdpr.mappings.iter().any(|m| m.subcriterion_id().is_some()));
}

#[test]
fn lookups_both_ways_roll_subcriteria_up_to_their_criterion() {
    let gdpr = mappings("gdpr", C5Version::V2026).unwrap();
    // SSO-03.02B (customer authorises subprocessors) is mapped as a sub-criterion.
    let sub = gdpr.controls_for("sso-03.02b");
    assert!(!sub.is_empty());
    assert!(sub.iter().all(|m| m.criterion == "SSO-03.02B"));
    let criterion = gdpr.controls_for("SSO-03");
    for m in &sub {
        assert!(criterion.contains(m), "{m:?} shows in the criterion's view");
    }
    assert!(criterion.iter().all(|m| m.criterion_id() == "SSO-03"));
    // From the control's side.
    let art28: Vec<&str> = gdpr
        .criteria_for("art28.2")
        .iter()
        .map(|m| m.criterion.as_str())
        .collect();
    assert!(art28.contains(&"SSO-03.02B"), "{art28:?}");
    // Across frameworks.
    let all = framework_mappings_for(C5Version::V2020, "CRY-03");
    let frameworks: HashSet<&str> = all.iter().map(|(f, _)| f.id.as_str()).collect();
    assert!(frameworks.contains("iso27001-2022") && frameworks.contains("gdpr"));
    assert!(all.iter().any(|(f, m)| f.id == "gdpr"
        && m.control == "art32.1.a"
        && m.relation == Support::Supports));
}

const FRAMEWORK: &str = r#"
id: test
name: Test framework
version: "1"
publisher: Us
source: "https://example.org"
disclaimer: Not the text.
groups:
  - id: "1"
    title: One
controls:
  - id: c1
    label: "C 1"
    group: "1"
    parent: ""
    title: First
    summary: About the first.
  - id: c1.a
    label: "C 1(a)"
    group: "1"
    parent: c1
    title: Point a
    summary: About point a.
"#;

const MAPPING: &str = r#"
framework: test
c5: "2026"
mappings:
  - criterion: CRY-03
    control: c1
    relation: supports
    reason: Because.
    note: ""
  - criterion: CRY-03.01B
    control: c1.a
    relation: partly-supports
    reason: Partly.
    note: ""
unmapped: []
"#;

fn mapping_error(source: &str) -> String {
    let framework = Framework::from_yaml(FRAMEWORK, "fw.yaml").unwrap();
    FrameworkMapping::from_yaml(
        source,
        "map.yaml",
        &framework,
        builtin_version(C5Version::V2026),
    )
    .unwrap_err()
    .to_string()
}

#[test]
fn a_small_framework_and_mapping_load() {
    let framework = Framework::from_yaml(FRAMEWORK, "fw.yaml").unwrap();
    let mapping = FrameworkMapping::from_yaml(
        MAPPING,
        "map.yaml",
        &framework,
        builtin_version(C5Version::V2026),
    )
    .unwrap();
    assert_eq!(mapping.controls_for("CRY-03").len(), 2);
    assert_eq!(mapping.controls_for("CRY-03.01B").len(), 1);
    assert_eq!(
        mapping.criteria_for("c1.a")[0].relation,
        Support::PartlySupports
    );
}

#[test]
fn broken_frameworks_are_refused_naming_the_entry() {
    let cases = [
        (
            FRAMEWORK.replace(
                "group: \"1\"\n    parent: c1",
                "group: \"2\"\n    parent: c1",
            ),
            "control c1.a: names a group that is not declared",
        ),
        (
            FRAMEWORK.replace("parent: c1\n", "parent: c9\n"),
            "control c1.a: its parent is not a control listed before it",
        ),
        (
            FRAMEWORK.replace("id: c1.a", "id: c1"),
            "control c1: ID appears twice",
        ),
        (
            FRAMEWORK.replace("summary: About point a.", "summary: \"\""),
            "control c1.a: summary is empty",
        ),
        (
            FRAMEWORK.replace("disclaimer: Not the text.", "disclaimer: \"\""),
            "field disclaimer: is empty",
        ),
    ];
    for (source, expected) in cases {
        let message = Framework::from_yaml(&source, "fw.yaml")
            .unwrap_err()
            .to_string();
        assert_eq!(message, format!("fw.yaml: {expected}"));
    }
    let message = Framework::from_yaml(
        &FRAMEWORK.replace("title: First", "title: First\n    weight: 1"),
        "fw.yaml",
    )
    .unwrap_err()
    .to_string();
    assert!(message.contains("unknown field `weight`"), "{message}");
}

#[test]
fn broken_mappings_are_refused_naming_the_mapping() {
    let cases = [
        (
            MAPPING.replace("control: c1\n", "control: c9\n"),
            "mapping CRY-03 → c9: c9 is not a control of test",
        ),
        (
            MAPPING.replace("criterion: CRY-03\n", "criterion: IDM-03\n"),
            "mapping IDM-03 → c1: IDM-03 is not a C5:2026 criterion or sub-criterion",
        ),
        (
            MAPPING.replace("CRY-03.01B", "CRY-03.09B"),
            "mapping CRY-03.09B → c1.a: CRY-03.09B is not a C5:2026 criterion or sub-criterion",
        ),
        (
            MAPPING.replace("reason: Because.", "reason: \" \""),
            "mapping CRY-03 → c1: the reason is empty",
        ),
        (
            MAPPING.replace("CRY-03.01B\n    control: c1.a", "CRY-03\n    control: c1"),
            "mapping CRY-03 → c1: appears twice",
        ),
        (
            MAPPING.replace(
                "CRY-03.01B\n    control: c1.a",
                "CRY-03.01B\n    control: c1",
            ),
            "control c1.a: has no mapping; map it or list it under `unmapped` with a reason",
        ),
        (
            MAPPING.replace(
                "unmapped: []",
                "unmapped:\n  - control: c1\n    reason: None fits.",
            ),
            "unmapped c1: is listed as unmapped but has mappings",
        ),
        (
            MAPPING.replace("framework: test", "framework: gdpr"),
            "framework: the file maps to `gdpr`, not to `test`",
        ),
        (
            MAPPING.replace("c5: \"2026\"", "c5: \"2020\""),
            "c5: the file maps C5:2020, not C5:2026",
        ),
    ];
    for (source, expected) in cases {
        assert_eq!(mapping_error(&source), format!("map.yaml: {expected}"));
    }
    let message = mapping_error(&MAPPING.replace("relation: supports", "relation: complies"));
    assert!(message.contains("partly-supports"), "{message}");
}
