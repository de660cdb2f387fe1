//! The evaluator's semantics, on inputs read by the real readers.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::path::PathBuf;

use testat_inputs::{InputSet, ReadOptions};
use testat_rules::{Outcome, RuleError, RuleOrigin, RuleSet, evaluate};

fn rules(sources: &[&str]) -> RuleSet {
    let mut set = RuleSet::empty();
    for (i, source) in sources.iter().enumerate() {
        set.add_source(
            source,
            RuleOrigin::File(PathBuf::from(format!("rule{i}.yaml"))),
            testat_catalog::builtin(),
        )
        .unwrap();
    }
    set
}

fn inputs(name: &str, text: &str) -> InputSet {
    let mut set = InputSet::default();
    set.add_bytes(
        PathBuf::from(name),
        text.as_bytes().to_vec(),
        true,
        &ReadOptions::default(),
    );
    set.finish();
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    set
}

fn outcomes(inputs: &InputSet, rules: &RuleSet) -> Vec<(String, Outcome, Option<String>)> {
    evaluate(inputs, rules)
        .into_iter()
        .map(|f| {
            (
                inputs.resources[f.resource].address.clone(),
                f.outcome,
                f.detail,
            )
        })
        .collect()
}

const KMS_RULE: &str = r#"
id: T-EBS-KMS
title: Volumes use a customer key
severity: high
criteria: [CRY-04]
provider: aws
resources: [aws_ebs_volume]
unknown_if: [kms_key_id]
condition: has(resource.kms_key_id) && resource.kms_key_id != ""
message: no key
remediation: set kms_key_id
"#;

#[test]
fn values_known_only_after_apply_give_unknown_not_fail() {
    let plan = r#"{"format_version": "1.2", "resource_changes": [
      {"address": "aws_ebs_volume.a", "mode": "managed", "type": "aws_ebs_volume", "name": "a",
       "provider_name": "registry.terraform.io/hashicorp/aws",
       "change": {"actions": ["create"], "after": {"size": 10, "encrypted": true}, "after_unknown": {"kms_key_id": true, "id": true}}},
      {"address": "aws_ebs_volume.b", "mode": "managed", "type": "aws_ebs_volume", "name": "b",
       "provider_name": "registry.terraform.io/hashicorp/aws",
       "change": {"actions": ["create"], "after": {"size": 10, "kms_key_id": null}, "after_unknown": {"id": true}}},
      {"address": "aws_ebs_volume.c", "mode": "managed", "type": "aws_ebs_volume", "name": "c",
       "provider_name": "registry.terraform.io/hashicorp/aws",
       "change": {"actions": ["update"], "after": {"size": 10, "kms_key_id": "arn:aws:kms:eu-central-1:1:key/x"}, "after_unknown": {}}}
    ]}"#;
    let inputs = inputs("plan.json", plan);
    let result = outcomes(&inputs, &rules(&[KMS_RULE]));
    assert_eq!(result[0].0, "aws_ebs_volume.a");
    assert_eq!(result[0].1, Outcome::Unknown);
    assert!(result[0].2.as_deref().unwrap().contains("kms_key_id"));
    assert_eq!(result[1].1, Outcome::Fail, "null is not set");
    assert_eq!(result[2].1, Outcome::Pass);
}

#[test]
fn related_resources_are_found_by_id_in_state() {
    let state = r#"{"format_version": "1.0", "values": {"root_module": {"resources": [
      {"address": "aws_s3_bucket.a", "mode": "managed", "type": "aws_s3_bucket", "name": "a",
       "provider_name": "registry.terraform.io/hashicorp/aws", "values": {"id": "acme-a", "bucket": "acme-a"}},
      {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
       "provider_name": "registry.terraform.io/hashicorp/aws", "values": {"id": "acme-b", "bucket": "acme-b"}},
      {"address": "aws_s3_bucket_versioning.a", "mode": "managed", "type": "aws_s3_bucket_versioning", "name": "a",
       "provider_name": "registry.terraform.io/hashicorp/aws",
       "values": {"id": "acme-a", "bucket": "acme-a", "versioning_configuration": [{"status": "Enabled", "mfa_delete": ""}]}}
    ]}}}"#;
    let rule = r#"
id: T-VERSIONED
title: Buckets are versioned
severity: medium
criteria: [OPS-06]
provider: aws
resources: [aws_s3_bucket]
related:
  versioning: aws_s3_bucket_versioning
condition: related.versioning.exists(v, v.versioning_configuration.exists(c, c.status == "Enabled"))
message: not versioned
remediation: version it
"#;
    let inputs = inputs("state.json", state);
    let result = outcomes(&inputs, &rules(&[rule]));
    assert_eq!(
        result
            .iter()
            .map(|(a, o, _)| (a.as_str(), *o))
            .collect::<Vec<_>>(),
        [
            ("aws_s3_bucket.a", Outcome::Pass),
            ("aws_s3_bucket.b", Outcome::Fail)
        ]
    );
}

#[test]
fn a_condition_that_reads_a_missing_attribute_is_an_error_with_a_hint() {
    let rule = r#"
id: T-CARELESS
title: Careless
severity: low
criteria: [AM-01]
provider: kubernetes
resources: [ConfigMap]
condition: resource.data.owner == "me"
message: m
remediation: r
"#;
    let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {other: x}\n";
    let inputs = inputs("cm.yaml", manifest);
    let result = outcomes(&inputs, &rules(&[rule]));
    assert_eq!(result[0].1, Outcome::Error);
    let detail = result[0].2.as_deref().unwrap();
    assert!(
        detail.contains("owner") && detail.contains("has()"),
        "{detail}"
    );
}

#[test]
fn findings_come_in_resource_then_rule_order_whatever_the_threads() {
    let mut manifest = String::new();
    for i in 0..500 {
        manifest.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n      securityContext: {{privileged: {}}}\n",
            i % 3 == 0
        ));
    }
    let inputs = inputs("pods.yaml", &manifest);
    let privileged = r#"
id: T-PRIV
title: Not privileged
severity: high
criteria: [OPS-23]
provider: kubernetes
resources: ["@workloads"]
condition: containers.all(c, !c.securityContext.privileged)
message: m
remediation: r
"#;
    let named = r#"
id: T-NAMED
title: Named
severity: low
criteria: [AM-01]
provider: kubernetes
resources: [Pod]
condition: meta.address.startsWith("Pod/p")
message: m
remediation: r
"#;
    let set = rules(&[privileged, named]);
    let findings = evaluate(&inputs, &set);
    assert_eq!(findings.len(), 1000);
    for (i, pair) in findings.chunks(2).enumerate() {
        assert_eq!((pair[0].resource, pair[0].rule), (i, 0));
        assert_eq!((pair[1].resource, pair[1].rule), (i, 1));
        let expected = if i % 3 == 0 {
            Outcome::Fail
        } else {
            Outcome::Pass
        };
        assert_eq!(pair[0].outcome, expected, "pod {i}");
        assert_eq!(pair[1].outcome, Outcome::Pass);
    }
    assert_eq!(findings, evaluate(&inputs, &set), "deterministic");
}

#[test]
fn duplicate_ids_and_escaping_fixture_paths_are_refused() {
    let mut set = rules(&[KMS_RULE]);
    let error = set
        .add_source(
            KMS_RULE,
            RuleOrigin::File(PathBuf::from("other.yaml")),
            testat_catalog::builtin(),
        )
        .unwrap_err();
    assert!(matches!(error, RuleError::Duplicate { .. }), "{error}");
    assert!(error.to_string().contains("rule0.yaml") && error.to_string().contains("other.yaml"));

    let origin = RuleOrigin::File(PathBuf::from("rules/x.yaml"));
    for path in ["../secrets.json", "/etc/passwd", "fixtures/../../x"] {
        let message = origin.read_relative(path).unwrap_err();
        assert!(message.contains("must stay inside"), "{path}: {message}");
    }
}

#[test]
fn retain_keeps_the_kind_index_in_step() {
    let other = KMS_RULE
        .replace("T-EBS-KMS", "T-OTHER")
        .replace("aws_ebs_volume]", "aws_instance]");
    let mut set = rules(&[KMS_RULE, &other]);
    set.retain(|r| r.id() == "T-OTHER");
    assert_eq!(set.len(), 1);
    assert!(set.for_kind("aws_ebs_volume").is_empty());
    assert_eq!(set.for_kind("aws_instance"), &[0]);
}

#[test]
fn account_rules_run_once_per_provider_and_file_over_the_gathered_kinds() {
    let rule = r#"
id: T-TRAIL
title: A multi-region trail exists
severity: high
criteria: [OPS-13]
provider: aws
scope: account
resources: [aws_cloudtrail]
condition: estate.aws_cloudtrail.exists(t, has(t.is_multi_region_trail) && t.is_multi_region_trail)
message: no trail
remediation: add one
"#;
    let change = |address: &str, kind: &str, provider: &str, after: &str| {
        format!(
            r#"{{"address":"{address}","mode":"managed","type":"{kind}","name":"x","provider_name":"registry.terraform.io/hashicorp/{provider}","change":{{"actions":["create"],"after":{after}}}}}"#
        )
    };
    let plan = |changes: &[String]| {
        format!(
            r#"{{"format_version":"1.2","resource_changes":[{}]}}"#,
            changes.join(",")
        )
    };
    let mut set = InputSet::default();
    for (name, text) in [
        (
            "with-trail.json",
            plan(&[
                change("aws_s3_bucket.a", "aws_s3_bucket", "aws", "{}"),
                change(
                    "aws_cloudtrail.main",
                    "aws_cloudtrail",
                    "aws",
                    r#"{"is_multi_region_trail": true}"#,
                ),
                change(
                    "google_storage_bucket.g",
                    "google_storage_bucket",
                    "google",
                    "{}",
                ),
            ]),
        ),
        (
            "without.json",
            plan(&[
                change("aws_s3_bucket.b", "aws_s3_bucket", "aws", "{}"),
                change(
                    "aws_cloudtrail.local",
                    "aws_cloudtrail",
                    "aws",
                    r#"{"is_multi_region_trail": false}"#,
                ),
            ]),
        ),
        (
            "pods.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: busybox:1.36}]}\n".to_owned(),
        ),
    ] {
        set.add_bytes(
            PathBuf::from(name),
            text.into_bytes(),
            true,
            &ReadOptions::default(),
        );
    }
    set.finish();
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    let result: Vec<(String, String, Outcome)> = evaluate(&set, &rules(&[rule]))
        .into_iter()
        .map(|f| {
            let r = &set.resources[f.resource];
            (
                set.files[r.file].path.display().to_string(),
                r.address.clone(),
                f.outcome,
            )
        })
        .collect();
    assert_eq!(
        result,
        [
            (
                "with-trail.json".to_owned(),
                "account.aws".to_owned(),
                Outcome::Pass
            ),
            (
                "without.json".to_owned(),
                "account.aws".to_owned(),
                Outcome::Fail
            ),
        ],
        "one finding per AWS account per file; none for google or Kubernetes"
    );
}

#[test]
fn malformed_workloads_are_errors_with_the_reason_never_passes() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testat-inputs/tests/corpus/malformed-workloads.yaml");
    let inputs = testat_inputs::read_paths(&[path], &ReadOptions::default());
    assert_eq!(inputs.problems.len(), 4, "{:#?}", inputs.problems);
    let rules = RuleSet::builtin(testat_catalog::builtin()).unwrap();
    let findings = evaluate(&inputs, &rules);
    for finding in &findings {
        let resource = &inputs.resources[finding.resource];
        if resource.address == "Deployment/shop/well-formed" {
            assert_ne!(finding.outcome, Outcome::Error, "{finding:?}");
            continue;
        }
        assert_eq!(
            finding.outcome,
            Outcome::Error,
            "{}: {finding:?}",
            resource.address
        );
        let detail = finding.detail.as_deref().unwrap();
        assert!(detail.contains("Kubernetes API"), "{detail}");
        assert!(detail.contains(&resource.address), "{detail}");
    }
    let malformed_findings = findings
        .iter()
        .filter(|f| inputs.resources[f.resource].address != "Deployment/shop/well-formed")
        .count();
    assert_eq!(malformed_findings, 4 * 8);
}

#[test]
fn an_attribute_of_the_wrong_json_type_is_reported_as_such() {
    let plan = r#"{"format_version": "1.2", "resource_changes": [
      {"address": "aws_security_group.edited", "mode": "managed", "type": "aws_security_group", "name": "edited",
       "provider_name": "registry.terraform.io/hashicorp/aws",
       "change": {"actions": ["create"], "after": {"ingress": [
         {"cidr_blocks": ["0.0.0.0/0"], "protocol": "tcp", "from_port": "22", "to_port": "22"}]}}}
    ]}"#;
    let inputs = inputs("plan.json", plan);
    let mut rules = RuleSet::builtin(testat_catalog::builtin()).unwrap();
    rules.retain(|r| r.id() == "AWS-SG-ADMIN-PORTS-OPEN");
    let found = outcomes(&inputs, &rules);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, Outcome::Error);
    let detail = found[0].2.as_deref().unwrap();
    assert!(detail.contains("JSON type"), "{detail}");
    assert!(
        detail.contains("`ingress[0].from_port` = \"22\""),
        "{detail}"
    );
}

const RETENTION_RULE: &str = r#"
id: T-CWL-DAYS
title: Log groups keep events long enough
severity: medium
criteria: [OPS-12]
provider: aws
resources: [aws_cloudwatch_log_group]
parameters:
  min_days:
    default: 365
    description: The fewest days a log group must keep events.
condition: has(resource.retention_in_days) && resource.retention_in_days >= params.min_days
message: too short
remediation: keep longer
"#;

#[test]
fn parameters_have_defaults_and_are_set_with_their_type() {
    let plan = r#"{"format_version": "1.2", "resource_changes": [
      {"address": "aws_cloudwatch_log_group.a", "mode": "managed", "type": "aws_cloudwatch_log_group", "name": "a",
       "provider_name": "registry.terraform.io/hashicorp/aws",
       "change": {"actions": ["create"], "after": {"retention_in_days": 400}}}
    ]}"#;
    let inputs = inputs("plan.json", plan);
    let mut rules = rules(&[RETENTION_RULE]);
    assert_eq!(outcomes(&inputs, &rules)[0].1, Outcome::Pass);
    assert_eq!(
        rules.get("T-CWL-DAYS").unwrap().parameters()["min_days"],
        serde_json::json!(365)
    );
    rules
        .set_parameter("T-CWL-DAYS", "min_days", serde_json::json!(500))
        .unwrap();
    assert_eq!(outcomes(&inputs, &rules)[0].1, Outcome::Fail);
    let rule = rules.get("T-CWL-DAYS").unwrap();
    assert_eq!(rule.parameters()["min_days"], serde_json::json!(500));
    assert_eq!(rule.changed_parameters().len(), 1);
    for (name, value, wanted) in [
        (
            "min_days",
            serde_json::json!("400"),
            "expected a whole number, found a string",
        ),
        (
            "min_days",
            serde_json::json!(400.5),
            "expected a whole number, found a number",
        ),
        (
            "max_days",
            serde_json::json!(1),
            "the rule's parameters are min_days",
        ),
    ] {
        let error = rules
            .set_parameter("T-CWL-DAYS", name, value)
            .unwrap_err()
            .to_string();
        assert!(error.contains(wanted), "{error}");
    }
    let error = rules
        .set_parameter("T-NOPE", "min_days", serde_json::json!(1))
        .unwrap_err();
    assert!(matches!(error, RuleError::Parameter { .. }), "{error}");
}

#[test]
fn c5_2026_mappings_name_sub_criteria_or_criteria_that_exist() {
    let source = |ids: &str| {
        format!(
            "id: T-MAPPED\ntitle: t\nseverity: low\ncriteria: [CRY-03]\ncriteria_2026: [{ids}]\nprovider: aws\nresources: [aws_s3_bucket]\ncondition: 'true'\nmessage: m\nremediation: r\n"
        )
    };
    let add = |ids: &str| {
        RuleSet::empty().add_source(
            &source(ids),
            RuleOrigin::File(PathBuf::from("rule.yaml")),
            testat_catalog::builtin(),
        )
    };
    assert!(add("CRY-03.01B, OPS-12").is_ok());
    let unknown = add("CRY-03.99B").unwrap_err().to_string();
    assert!(
        unknown.contains("criteria_2026") && unknown.contains("C5:2026"),
        "{unknown}"
    );
    let spelling = add("cry-03.01b").unwrap_err().to_string();
    assert!(
        spelling.contains("write `cry-03.01b` as `CRY-03.01B`"),
        "{spelling}"
    );
}
