//! The built-in mapping tables and the user's overrides.

use serde::Deserialize;
use testat_import::{
    CheckKey, ImportError, MappingEntry, MappingSource, Mappings, c5_2026_ids, read,
    unmapped_as_toml,
};

fn key(provider: Option<&str>, id: &str) -> CheckKey {
    CheckKey {
        provider: provider.map(str::to_owned),
        id: id.to_owned(),
    }
}

#[test]
fn every_criterion_in_the_builtin_tables_exists() {
    // `builtin` checks every C5:2020 ID against the catalogue and every C5:2026 ID
    // against crates/testat-catalog/data/c5-2026.yaml.
    let mappings = Mappings::builtin().unwrap();
    assert!(
        mappings.builtin_count("checkov") >= 150,
        "{}",
        mappings.builtin_count("checkov")
    );
    assert!(
        mappings.builtin_count("prowler") >= 150,
        "{}",
        mappings.builtin_count("prowler")
    );
    let ids = c5_2026_ids().unwrap();
    assert!(ids.contains("CRY-05") && ids.contains("GC-01") && !ids.contains("IDM-01"));
}

#[test]
fn builtin_lookups() {
    let m = Mappings::builtin().unwrap();
    let ebs = m.lookup("checkov", &key(Some("aws"), "CKV_AWS_3"));
    assert_eq!(ebs.source, MappingSource::Builtin);
    assert_eq!(ebs.c5_2020, ["CRY-03"]);
    assert_eq!(ebs.c5_2026, ["CRY-05"]);
    // Checkov IDs are unique, whatever the provider.
    assert_eq!(
        m.lookup("Checkov", &key(None, "CKV_AWS_3")).source,
        MappingSource::Builtin
    );
    // Prowler IDs are looked up per provider.
    let aws = m.lookup(
        "prowler",
        &key(Some("aws"), "kms_key_not_publicly_accessible"),
    );
    let gcp = m.lookup(
        "prowler",
        &key(Some("gcp"), "kms_key_not_publicly_accessible"),
    );
    assert_eq!(aws.source, MappingSource::Builtin);
    assert_eq!(gcp.source, MappingSource::Builtin);
    let azure = m.lookup(
        "prowler",
        &key(Some("azure"), "kms_key_not_publicly_accessible"),
    );
    assert_eq!(azure.source, MappingSource::Unmapped);
    assert_eq!(
        m.lookup("semgrep", &key(None, "CKV_AWS_3")).source,
        MappingSource::Unmapped
    );
}

#[derive(Debug, Deserialize)]
struct Settings {
    #[serde(default)]
    mapping: Vec<MappingEntry>,
}

fn settings(toml_text: &str) -> Vec<MappingEntry> {
    toml::from_str::<Settings>(toml_text).unwrap().mapping
}

#[test]
fn overrides_replace_builtin_entries() {
    let entries = settings(
        r#"
        [[mapping]]
        tool = "checkov"
        check = "CKV_AWS_*"
        criteria = ["cry-03"]

        [[mapping]]
        tool = "checkov"
        check = "CKV_AWS_3"
        c5_2020 = ["CRY-03", "OPS-12"]
        c5_2026 = ["CRY-05"]

        [[mapping]]
        tool = "checkov"
        check = "CKV_AWS_1?"
        criteria = []
        criteria_2026 = []

        [[mapping]]
        tool = "prowler"
        provider = "gcp"
        check = "kms_*"
        criteria_2026 = ["CRY-10"]

        [[mapping]]
        tool = "semgrep"
        check = "tls-*"
        criteria = ["CRY-02"]
        criteria_2026 = ["CRY-04"]
        about = "TLS checks in our code"
        "#,
    );
    let m = Mappings::builtin()
        .unwrap()
        .with_overrides(&entries, "testat.toml")
        .unwrap();

    // A pattern replaces the whole entry: the C5:2026 list it leaves out is empty.
    let pattern = m.lookup("checkov", &key(Some("aws"), "CKV_AWS_5"));
    assert_eq!(pattern.source, MappingSource::Override(0));
    assert_eq!(pattern.c5_2020, ["CRY-03"]);
    assert!(pattern.c5_2026.is_empty());
    // An exact entry wins over patterns, wherever it stands.
    let exact = m.lookup("checkov", &key(Some("aws"), "CKV_AWS_3"));
    assert_eq!(exact.source, MappingSource::Override(1));
    assert_eq!(exact.c5_2020, ["CRY-03", "OPS-12"]);
    // Among patterns the later wins; empty lists ignore the check.
    let ignored = m.lookup("checkov", &key(Some("aws"), "CKV_AWS_19"));
    assert_eq!(ignored.source, MappingSource::Ignored);
    // Provider filters.
    let gcp = m.lookup(
        "prowler",
        &key(Some("gcp"), "kms_key_not_publicly_accessible"),
    );
    assert_eq!(gcp.source, MappingSource::Override(3));
    assert_eq!(gcp.c5_2026, ["CRY-10"]);
    let aws = m.lookup(
        "prowler",
        &key(Some("aws"), "kms_key_not_publicly_accessible"),
    );
    assert_eq!(aws.source, MappingSource::Builtin);
    // SARIF tools by the first word of their name.
    let semgrep = m.lookup("Semgrep OSS", &key(None, "tls-verification-off"));
    assert_eq!(semgrep.source, MappingSource::Override(4));
}

#[test]
fn bad_overrides_name_their_entry() {
    let check = |toml_text: &str, says: &str| {
        let entries = settings(toml_text);
        let e = Mappings::builtin()
            .unwrap()
            .with_overrides(&entries, "testat.toml")
            .unwrap_err();
        let text = e.to_string();
        assert!(matches!(e, ImportError::Mapping { .. }));
        assert!(
            text.starts_with("testat.toml: [[mapping]] 2 (checkov CKV_AWS_2"),
            "{text}"
        );
        assert!(text.contains(says), "{text}");
    };
    let ok = "[[mapping]]\ntool = \"checkov\"\ncheck = \"CKV_AWS_1\"\ncriteria = [\"CRY-03\"]\n";
    check(
        &format!(
            "{ok}[[mapping]]\ntool = \"checkov\"\ncheck = \"CKV_AWS_2\"\ncriteria = [\"CRY-33\"]"
        ),
        "C5:2020: unknown criterion `CRY-33`",
    );
    check(
        &format!(
            "{ok}[[mapping]]\ntool = \"checkov\"\ncheck = \"CKV_AWS_2\"\ncriteria_2026 = [\"IDM-01\"]"
        ),
        "C5:2026: unknown criterion `IDM-01` (it is a C5:2020 ID",
    );
    check(
        &format!(
            "{ok}[[mapping]]\ntool = \"checkov\"\ncheck = \"CKV_AWS_2\"\ncriteria_2026 = [\"CRY-5\"]"
        ),
        "criterion IDs look like",
    );
    check(
        &format!("{ok}[[mapping]]\ntool = \"checkov\"\ncheck = \"CKV_AWS_2\""),
        "give `criteria`",
    );
}

#[test]
fn mapping_entries_refuse_unknown_keys() {
    let e = toml::from_str::<Settings>(
        "[[mapping]]\ntool = \"checkov\"\ncheck = \"CKV_AWS_1\"\ncriterion = [\"CRY-03\"]\n",
    )
    .unwrap_err();
    assert!(e.to_string().contains("unknown field `criterion`"), "{e}");
    let both = toml::from_str::<Settings>(
        "[[mapping]]\ntool = \"checkov\"\ncheck = \"X\"\ncriteria = []\nc5_2020 = []\n",
    );
    assert!(both.is_err());
}

#[test]
fn unmapped_checks_as_ready_to_edit_toml() {
    let report = br#"[{"check_type": "terraform", "results": {"failed_checks": [
      {"check_id": "CKV_AWS_3", "check_name": "EBS volume encrypted", "file_path": "/a.tf", "resource": "aws_ebs_volume.a"},
      {"check_id": "CKV_AWS_9999", "check_name": "A check \"nobody\"\nmaps", "file_path": "/a.tf", "resource": "aws_x.a"},
      {"check_id": "CKV_AWS_9999", "check_name": "A check \"nobody\"\nmaps", "file_path": "/a.tf", "resource": "aws_x.b"}]},
      "summary": {"checkov_version": "3.3.30"}}]"#;
    let mut file = read(&report[..], "checkov.json", None).unwrap();
    let import = &mut file.imports[0];
    let builtin = Mappings::builtin().unwrap();
    builtin.apply(import);
    assert_eq!(import.unmapped_findings(), 2);
    let text = unmapped_as_toml(import);
    assert!(text.contains("# A check \"nobody\" maps (2 findings)\n[[mapping]]\ntool = \"checkov\"\ncheck = \"CKV_AWS_9999\"\ncriteria = []\ncriteria_2026 = []\n"), "{text}");
    assert!(!text.contains("CKV_AWS_3\""), "{text}");

    // Pasted as it is, the entries parse and make Testat ignore the check.
    let entries = settings(&text);
    assert_eq!(entries.len(), 1);
    let with = builtin.with_overrides(&entries, "testat.toml").unwrap();
    with.apply(import);
    assert_eq!(import.unmapped_findings(), 0);
    assert_eq!(import.checks[1].mapping, MappingSource::Ignored);
    assert_eq!(import.checks[0].mapping, MappingSource::Builtin);
}
