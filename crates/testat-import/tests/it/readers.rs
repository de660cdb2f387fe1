//! The readers on real producers' output (tests/data/README.md says how each file
//! was made).

use std::collections::BTreeMap;
use std::path::PathBuf;

use sha2::{Digest, Sha256};
use testat_import::{
    Format, Import, ImportedFile, MappingSource, Mappings, Outcome, Place, Severity, import_file,
    read_file, unmapped_as_toml,
};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn imported(name: &str) -> ImportedFile {
    let mappings = Mappings::builtin().unwrap();
    import_file(&data(name), None, &mappings).unwrap()
}

fn one(file: &ImportedFile) -> &Import {
    assert_eq!(file.imports.len(), 1, "one tool in {}", file.path);
    &file.imports[0]
}

fn counts(import: &Import) -> BTreeMap<&'static str, usize> {
    import
        .counts()
        .into_iter()
        .map(|(o, n)| (o.as_str(), n))
        .collect()
}

fn find<'a>(import: &'a Import, check: &str, resource: &str) -> &'a testat_import::ImportedFinding {
    import
        .findings
        .iter()
        .find(|f| import.checks[f.check].key.id == check && f.resource == resource)
        .unwrap_or_else(|| panic!("no finding of {check} on {resource}"))
}

#[test]
fn checkov_json_of_the_examples() {
    let file = imported("checkov-examples.json");
    assert_eq!(file.format, Format::Checkov);
    let bytes = std::fs::read(data("checkov-examples.json")).unwrap();
    assert_eq!(file.size, bytes.len() as u64);
    assert_eq!(file.sha256, hex::encode(Sha256::digest(&bytes)));

    let import = one(&file);
    assert_eq!(import.tool.name, "checkov");
    assert_eq!(import.tool.version.as_deref(), Some("3.3.30"));
    assert_eq!(
        counts(import),
        BTreeMap::from([("fail", 64), ("pass", 475)])
    );
    assert_eq!(
        import.frameworks,
        BTreeMap::from([
            ("kubernetes".to_owned(), 354),
            ("terraform_plan".to_owned(), 185)
        ])
    );
    assert!(import.problems.is_empty(), "{:?}", import.problems);
    assert_eq!(import.default_scope(), "checkov");
    assert_eq!(
        import.rule_id(&import.checks[0]),
        format!("checkov:{}", import.checks[0].key.id)
    );
    // Checkov's open-source output has no severity, and none is made up.
    assert!(import.findings.iter().all(|f| f.severity.is_none()));
    assert!(import.checks.iter().all(|c| c.severity.is_none()));

    // The log shipper of examples/kubernetes runs privileged.
    let privileged = find(import, "CKV_K8S_16", "DaemonSet.logging.log-shipper");
    assert_eq!(privileged.outcome, Outcome::Fail);
    let check = &import.checks[privileged.check];
    assert_eq!(check.mapping, MappingSource::Builtin);
    assert!(!check.c5_2020.is_empty() && !check.c5_2026.is_empty());
    assert_eq!(check.key.provider.as_deref(), Some("kubernetes"));
    let Place::File {
        path,
        start_line,
        end_line,
        ..
    } = &privileged.place
    else {
        panic!("{:?}", privileged.place)
    };
    assert!(path.ends_with("kubernetes/shop.yaml"), "{path}");
    assert!(start_line.is_some() && end_line >= start_line);

    // The temporary SSH rule of examples/google.
    let ssh = find(
        import,
        "CKV_GCP_2",
        "google_compute_firewall.allow_ssh_vendor",
    );
    assert_eq!(ssh.outcome, Outcome::Fail);
    assert_eq!(import.checks[ssh.check].mapping, MappingSource::Builtin);

    // Most findings map to criteria; the rest are counted.
    let mapped = import
        .findings
        .iter()
        .filter(|f| !import.checks[f.check].c5_2020.is_empty())
        .count();
    assert!(
        mapped * 2 > import.findings.len(),
        "{mapped} of {}",
        import.findings.len()
    );
    assert_eq!(
        import.unmapped_findings() + mapped,
        import.findings.len(),
        "every finding is mapped or counted as unmapped"
    );
}

#[test]
fn checkov_skipped_checks_are_excepted_with_their_comment() {
    let file = imported("checkov-suppressed.json");
    let import = one(&file);
    assert_eq!(
        counts(import),
        BTreeMap::from([("excepted", 3), ("fail", 24), ("pass", 83)])
    );
    let logging = find(import, "CKV_AWS_18", "aws_s3_bucket.reports");
    assert_eq!(logging.outcome, Outcome::Excepted);
    assert_eq!(
        logging.justification.as_deref(),
        Some("Access logs of this bucket are kept by the central log account")
    );
    let digest = find(import, "CKV_K8S_43", "Deployment.shop.reports");
    assert_eq!(digest.outcome, Outcome::Excepted);
    assert_eq!(
        digest.justification.as_deref(),
        Some("Image digests are pinned by the release pipeline")
    );
    assert!(
        import
            .findings
            .iter()
            .filter(|f| f.outcome != Outcome::Excepted)
            .all(|f| f.justification.is_none())
    );
    assert_eq!(
        import.frameworks.keys().collect::<Vec<_>>(),
        ["kubernetes", "terraform"]
    );
}

#[test]
fn checkov_sarif_is_sarif_whose_tool_is_checkov() {
    let file = imported("checkov-examples.sarif");
    assert_eq!(file.format, Format::Sarif);
    let import = one(&file);
    assert_eq!(import.tool.name, "Checkov");
    assert_eq!(import.tool.key(), "checkov");
    assert_eq!(import.tool.version.as_deref(), Some("3.3.30"));
    assert_eq!(import.default_scope(), "sarif:checkov");
    // SARIF holds the failures only.
    assert_eq!(counts(import), BTreeMap::from([("fail", 64)]));
    // `level` is not a severity.
    assert!(import.findings.iter().all(|f| f.severity.is_none()));
    // The Checkov table applies to Checkov's SARIF too.
    let privileged = import
        .findings
        .iter()
        .find(|f| import.checks[f.check].key.id == "CKV_K8S_16")
        .unwrap();
    assert_eq!(
        import.checks[privileged.check].mapping,
        MappingSource::Builtin
    );
    assert_eq!(
        import.checks[privileged.check].key.provider.as_deref(),
        Some("kubernetes")
    );
    let Place::File {
        path, start_line, ..
    } = &privileged.place
    else {
        panic!()
    };
    assert!(path.ends_with("shop.yaml"));
    assert_eq!(
        privileged.resource,
        format!("{path}:{}", start_line.unwrap())
    );
    assert_eq!(
        import.checks[privileged.check].title.as_deref(),
        Some("Container should not be privileged")
    );

    let suppressed = imported("checkov-suppressed.sarif");
    let import = one(&suppressed);
    assert_eq!(
        counts(import),
        BTreeMap::from([("excepted", 3), ("fail", 24)])
    );
    let reasons: Vec<_> = import
        .findings
        .iter()
        .filter_map(|f| f.justification.as_deref())
        .collect();
    assert!(
        reasons.contains(&"Reports can be rebuilt; no second region needed"),
        "{reasons:?}"
    );
}

#[test]
fn semgrep_sarif() {
    let file = imported("semgrep.sarif");
    assert_eq!(file.format, Format::Sarif);
    let import = one(&file);
    assert_eq!(import.tool.name, "Semgrep OSS");
    assert_eq!(import.tool.key(), "semgrep");
    assert_eq!(import.tool.version.as_deref(), Some("1.185.0"));
    assert_eq!(import.default_scope(), "sarif:semgrep");
    assert_eq!(
        counts(import),
        BTreeMap::from([("excepted", 1), ("fail", 2)])
    );

    let tls: Vec<_> = import
        .findings
        .iter()
        .filter(|f| import.checks[f.check].key.id == "tls-verification-off")
        .collect();
    assert_eq!(tls.len(), 2);
    // security-severity 7.4 on the rule: high. The other rule has none.
    assert!(tls.iter().all(|f| f.severity == Some(Severity::High)));
    let password = import
        .findings
        .iter()
        .find(|f| import.checks[f.check].key.id == "fixed-password")
        .unwrap();
    assert_eq!(password.severity, None);
    // `# nosemgrep` is an in-source suppression without a justification.
    let excepted = tls.iter().find(|f| f.outcome == Outcome::Excepted).unwrap();
    assert_eq!(excepted.justification, None);
    assert_eq!(excepted.resource, "app.py:12");
    assert_eq!(
        excepted.place,
        Place::File {
            path: "app.py".to_owned(),
            start_line: Some(12),
            end_line: Some(12),
            start_column: Some(12)
        }
    );
    // Nobody maps Semgrep rules to C5 until the user does.
    assert_eq!(import.unmapped().len(), 2);
    let toml = unmapped_as_toml(import);
    assert!(
        toml.contains("tool = \"semgrep\"\ncheck = \"fixed-password\""),
        "{toml}"
    );
}

#[test]
fn prowler_ocsf() {
    let file = imported("prowler-aws.ocsf.json");
    assert_eq!(file.format, Format::ProwlerOcsf);
    let import = one(&file);
    assert_eq!(import.tool.name, "Prowler");
    assert_eq!(import.tool.version.as_deref(), Some("5.40.0"));
    assert_eq!(import.accounts, ["123456789012"]);
    assert_eq!(import.default_scope(), "prowler:123456789012");
    assert_eq!(import.resource_count(), 8); // two checks look at the root user
    let first = &import.checks[0];
    assert_eq!(
        import.rule_id(first),
        "prowler:aws:s3_bucket_default_encryption"
    );
    assert_eq!(
        counts(import),
        BTreeMap::from([("excepted", 1), ("fail", 4), ("pass", 3), ("unknown", 1)])
    );

    // MANUAL is unknown, never pass.
    let manual = import
        .findings
        .iter()
        .find(|f| {
            import.checks[f.check].key.id == "account_security_contact_information_is_registered"
        })
        .unwrap();
    assert_eq!(manual.outcome, Outcome::Unknown);

    // A muted failure is excepted.
    let muted = find(
        import,
        "ec2_ebs_volume_encryption",
        "arn:aws:ec2:eu-central-1:123456789012:volume/vol-0123456789abcdef0",
    );
    assert_eq!(muted.outcome, Outcome::Excepted);
    assert!(muted.justification.as_deref().unwrap().contains("muted"));

    let ssh = find(
        import,
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
        "arn:aws:ec2:eu-central-1:123456789012:security-group/sg-0a1b2c3d4e5f60718",
    );
    assert_eq!(ssh.outcome, Outcome::Fail);
    assert_eq!(ssh.severity, Some(Severity::High));
    assert_eq!(
        ssh.place,
        Place::Cloud {
            provider: Some("aws".to_owned()),
            account: Some("123456789012".to_owned()),
            region: Some("eu-central-1".to_owned()),
            namespace: None,
            resource_id: Some(ssh.resource.clone()),
            resource_type: Some("AwsEc2SecurityGroup".to_owned()),
        }
    );
    assert!(ssh.detail.as_deref().unwrap().contains("port 22"));
    let check = &import.checks[ssh.check];
    assert_eq!(check.mapping, MappingSource::Builtin);
    assert_eq!(check.key.provider.as_deref(), Some("aws"));
    assert!(check.remediation.is_some());
    // Prowler's own C5 requirements stay a hint.
    let hint = check
        .hints
        .iter()
        .find(|h| h.framework == "C5-2025")
        .unwrap();
    assert_eq!(hint.requirements, ["PI-01.01AC"]);
    assert!(!check.c5_2020.contains(&"PI-01".to_owned()));

    let s3 = find(
        import,
        "s3_bucket_default_encryption",
        "arn:aws:s3:::shop-invoices",
    );
    assert_eq!(
        import.checks[s3.check].references,
        ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html"]
    );

    // A check no table maps is counted, and listed as TOML with Prowler's hints.
    let unmapped = import.unmapped();
    assert_eq!(unmapped.len(), 1);
    let (key, count) = unmapped.into_iter().next().unwrap();
    assert_eq!((key.id.as_str(), count), ("ec2_elastic_ip_unassigned", 1));
    let toml = unmapped_as_toml(import);
    assert!(toml.contains("provider = \"aws\""), "{toml}");
}

#[test]
fn prowler_ids_are_looked_up_per_provider() {
    let file = imported("prowler-gcp.ocsf.json");
    let import = one(&file);
    assert_eq!(import.default_scope(), "prowler:shop-prod-4711");
    let kms = import
        .checks
        .iter()
        .find(|c| c.key.id == "kms_key_not_publicly_accessible")
        .unwrap();
    assert_eq!(kms.key.provider.as_deref(), Some("gcp"));
    assert_eq!(kms.mapping, MappingSource::Builtin);
    let critical = import
        .findings
        .iter()
        .find(|f| f.outcome == Outcome::Fail)
        .unwrap();
    assert_eq!(critical.severity, Some(Severity::Critical));
    let Place::Cloud { region, .. } = &critical.place else {
        panic!()
    };
    assert_eq!(region.as_deref(), Some("global"));
}

#[test]
fn a_named_format_skips_detection() {
    let file = read_file(&data("semgrep.sarif"), Some(Format::Sarif)).unwrap();
    assert_eq!(file.imports[0].checks[0].mapping, MappingSource::NotApplied);
    let wrong = read_file(&data("semgrep.sarif"), Some(Format::Checkov)).unwrap_err();
    assert!(
        wrong.to_string().contains("not a valid Checkov JSON file"),
        "{wrong}"
    );
}
