#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]
//! Terraform plan and state JSON, read from fixtures in the shape of `terraform show -json`.

use std::path::{Path, PathBuf};

use testat_inputs::{ACCOUNT_KIND, Action, InputKind, InputSet, ReadOptions, Values, read_paths};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn read(name: &str) -> InputSet {
    let set = read_paths(&[data(name)], &ReadOptions::default());
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
    set
}

/// Addresses of the resources linked to resource `index`.
fn linked(set: &InputSet, index: usize) -> Vec<&str> {
    set.links[index]
        .iter()
        .map(|&other| set.resources[other].address.as_str())
        .collect()
}

const PLAN_ADDRESSES: &[&str] = &[
    "aws_db_instance.main",
    "aws_s3_bucket.data[0]",
    "aws_s3_bucket.data[1]",
    "aws_s3_bucket.logs",
    r#"aws_s3_bucket.site["blue"]"#,
    r#"aws_s3_bucket.site["green"]"#,
    "aws_s3_bucket_server_side_encryption_configuration.logs",
    "aws_s3_bucket_versioning.data[0]",
    "aws_s3_bucket_versioning.data[1]",
    "aws_s3_bucket_versioning.logs",
    r#"aws_s3_bucket_versioning.site["blue"]"#,
    r#"aws_s3_bucket_versioning.site["green"]"#,
    r#"module.storage["archive"].aws_s3_bucket.this"#,
    r#"module.storage["archive"].aws_s3_bucket_server_side_encryption_configuration.this"#,
    r#"module.storage["archive"].module.logging.aws_cloudwatch_log_group.this["app"]"#,
    r#"module.storage["archive"].module.logging.aws_cloudwatch_log_group.this["audit"]"#,
    r#"module.storage["archive"].module.logging.aws_kms_key.logs"#,
    r#"module.storage["backup"].aws_s3_bucket.this"#,
    r#"module.storage["backup"].aws_s3_bucket_server_side_encryption_configuration.this"#,
    r#"module.storage["backup"].module.logging.aws_cloudwatch_log_group.this["app"]"#,
    r#"module.storage["backup"].module.logging.aws_cloudwatch_log_group.this["audit"]"#,
    r#"module.storage["backup"].module.logging.aws_kms_key.logs"#,
    // The synthetic account resource of the plan's provider comes last.
    "account.aws",
];

/// Links expected in the plan fixture, by index into `PLAN_ADDRESSES`.
const PLAN_LINKS: &[&[usize]] = &[
    &[],
    &[7],
    &[8],
    &[6, 9],
    &[10],
    &[11],
    &[3],
    &[1],
    &[2],
    &[3],
    &[4],
    &[5],
    &[13],
    &[12],
    &[16],
    &[16],
    &[14, 15],
    &[18],
    &[17],
    &[21],
    &[21],
    &[19, 20],
];

#[test]
fn plan_resources_in_order_without_deleted_and_data() {
    let set = read("plan.json");
    assert_eq!(set.files.len(), 1);
    let file = &set.files[0];
    assert_eq!(file.kind, InputKind::TerraformPlan);
    assert_eq!(file.format_version.as_deref(), Some("1.2"));
    assert_eq!(file.terraform_version.as_deref(), Some("1.9.5"));
    assert_eq!(
        file.size,
        std::fs::metadata(data("plan.json")).unwrap().len()
    );
    assert_eq!(file.sha256.len(), 64);
    let addresses: Vec<&str> = set.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(addresses, PLAN_ADDRESSES);
    assert!(
        set.resources
            .iter()
            .all(|r| r.provider == "aws" && r.file == 0)
    );
    assert_eq!(set.links.len(), set.resources.len());
}

#[test]
fn plan_kinds_actions_pointers_and_lines() {
    let set = read("plan.json");
    let r = &set.resources;
    assert_eq!(r[0].kind, "aws_db_instance");
    assert_eq!(r[0].action, Some(Action::Replace));
    assert_eq!(r[0].pointer, "/resource_changes/0/change/after");
    assert_eq!((r[0].line, r[0].column), (509, 18));
    // aws_instance.old (deleted) was entry 1, so data[0] is entry 2.
    assert_eq!(r[1].pointer, "/resource_changes/2/change/after");
    assert_eq!((r[1].line, r[1].column), (566, 18));
    assert_eq!(r[1].action, Some(Action::Create));
    assert_eq!(r[4].action, Some(Action::NoOp));
    assert_eq!(r[10].action, Some(Action::Update));
    // data.aws_caller_identity.current (entry 13) is skipped.
    assert_eq!(r[12].pointer, "/resource_changes/14/change/after");
    assert_eq!(r[12].kind, "aws_s3_bucket");
    assert_eq!((r[12].line, r[12].column), (1053, 18));
    assert_eq!(r[21].pointer, "/resource_changes/23/change/after");
    assert_eq!(r[21].kind, "aws_kms_key");
    assert_eq!((r[21].line, r[21].column), (1389, 18));
    assert_eq!(
        r[14].config_address.as_deref(),
        Some("module.storage.module.logging.aws_cloudwatch_log_group.this")
    );
    assert_eq!(r[1].config_address.as_deref(), Some("aws_s3_bucket.data"));
}

#[test]
fn plan_values_and_unknowns() {
    let set = read("plan.json");
    let versioning = &set.resources[9];
    assert_eq!(versioning.address, "aws_s3_bucket_versioning.logs");
    let values = set.values(versioning).unwrap();
    // `bucket` is unknown until apply: absent from `after`, true in `after_unknown`.
    assert!(values.get("bucket").is_none());
    assert_eq!(values["versioning_configuration"][0]["status"], "Enabled");
    let unknown = set.unknown(versioning).unwrap().unwrap();
    assert_eq!(unknown["bucket"], true);
    assert_eq!(
        set.values_text(versioning).unwrap().chars().next(),
        Some('{')
    );
    // No-op with `after_unknown: {}`: nothing unknown.
    let blue = &set.resources[4];
    assert!(matches!(blue.unknown, Values::None));
    assert_eq!(set.unknown(blue).unwrap(), None);
    assert_eq!(set.values(blue).unwrap()["id"], "acme-site-blue");
    // The replaced database: the values after the change.
    assert_eq!(
        set.values(&set.resources[0]).unwrap()["storage_encrypted"],
        true
    );
    assert_eq!(set.file(&set.resources[0]).unwrap().path, data("plan.json"));
}

#[test]
fn plan_links_from_configuration_references() {
    let set = read("plan.json");
    for (index, expected) in PLAN_LINKS.iter().enumerate() {
        let expected: Vec<&str> = expected.iter().map(|&i| PLAN_ADDRESSES[i]).collect();
        assert_eq!(
            linked(&set, index),
            expected,
            "links of {}",
            PLAN_ADDRESSES[index]
        );
    }
}

#[test]
fn plan_without_resource_changes_falls_back_to_planned_values() {
    let set = read("plan-planned-values-only.json");
    assert_eq!(set.files[0].format_version.as_deref(), Some("0.1"));
    let addresses: Vec<&str> = set.resources.iter().map(|r| r.address.as_str()).collect();
    // planned_values lists the root module's resources, then each module depth-first:
    // the same order as resource_changes in this plan.
    assert_eq!(addresses, PLAN_ADDRESSES);
    assert_eq!(
        set.resources[16].pointer,
        "/planned_values/root_module/child_modules/0/child_modules/0/resources/2/values"
    );
    assert_eq!(set.resources[16].address, PLAN_ADDRESSES[16]);
    assert_eq!(
        set.resources[12].pointer,
        "/planned_values/root_module/child_modules/0/resources/0/values"
    );
    assert_eq!(
        set.resources[3].pointer,
        "/planned_values/root_module/resources/3/values"
    );
    assert!(set.resources.iter().all(|r| r.action.is_none()));
    assert!(
        set.resources
            .iter()
            .all(|r| matches!(r.unknown, Values::None))
    );
    assert_eq!(
        set.values(&set.resources[3]).unwrap()["bucket"],
        "acme-logs"
    );
    // Same configuration, so the same links.
    for (index, expected) in PLAN_LINKS.iter().enumerate() {
        assert_eq!(
            set.links[index], *expected,
            "links of {}",
            PLAN_ADDRESSES[index]
        );
    }
}

#[test]
fn single_line_plan_has_character_columns() {
    // Terraform writes plans on one line; re-serialize the fixture that way, with a
    // non-ASCII character early on so byte and character columns differ.
    let pretty = std::fs::read_to_string(data("plan.json")).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&pretty).unwrap();
    value["variables"]["note"] = serde_json::json!({"value": "Grüße"});
    let text = serde_json::to_string(&value).unwrap();
    assert!(!text.contains('\n'));
    let mut set = InputSet::default();
    set.add_bytes(
        "plan.json".into(),
        text.clone().into_bytes(),
        true,
        &ReadOptions::default(),
    );
    set.finish();
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    assert_eq!(set.resources.len(), PLAN_ADDRESSES.len());
    for resource in set.resources.iter().filter(|r| r.kind != ACCOUNT_KIND) {
        let Values::Span(range) = &resource.values else {
            panic!("{} has no span", resource.address);
        };
        assert_eq!(resource.line, 1);
        assert_eq!(resource.column, text[..range.start].chars().count() + 1);
        assert!(text[range.clone()].starts_with('{'));
    }
    for (index, expected) in PLAN_LINKS.iter().enumerate() {
        assert_eq!(set.links[index], *expected);
    }
}

#[test]
fn state_resources_from_child_modules() {
    let set = read("state.json");
    let file = &set.files[0];
    assert_eq!(file.kind, InputKind::TerraformState);
    assert_eq!(file.format_version.as_deref(), Some("1.0"));
    let found: Vec<(&str, &str, &str, usize, usize)> = set
        .resources
        .iter()
        .filter(|r| r.kind != ACCOUNT_KIND)
        .map(|r| {
            (
                r.address.as_str(),
                r.kind.as_str(),
                r.pointer.as_str(),
                r.line,
                r.column,
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "aws_instance.web",
                "aws_instance",
                "/values/root_module/resources/0/values",
                21,
                21
            ),
            (
                "aws_kms_key.logs",
                "aws_kms_key",
                "/values/root_module/resources/1/values",
                57,
                21
            ),
            (
                "aws_s3_bucket.logs",
                "aws_s3_bucket",
                "/values/root_module/resources/2/values",
                72,
                21
            ),
            (
                "aws_s3_bucket_server_side_encryption_configuration.logs",
                "aws_s3_bucket_server_side_encryption_configuration",
                "/values/root_module/resources/3/values",
                93,
                21
            ),
            (
                "aws_s3_bucket_versioning.logs",
                "aws_s3_bucket_versioning",
                "/values/root_module/resources/4/values",
                129,
                21
            ),
            (
                "module.network.aws_security_group.web",
                "aws_security_group",
                "/values/root_module/child_modules/0/resources/0/values",
                174,
                25
            ),
            (
                "module.network.aws_subnet.private[0]",
                "aws_subnet",
                "/values/root_module/child_modules/0/resources/1/values",
                200,
                25
            ),
            (
                "module.network.aws_subnet.private[1]",
                "aws_subnet",
                "/values/root_module/child_modules/0/resources/2/values",
                217,
                25
            ),
            (
                "module.network.aws_vpc.main",
                "aws_vpc",
                "/values/root_module/child_modules/0/resources/3/values",
                233,
                25
            ),
            (
                "module.network.module.flow_logs.aws_flow_log.this",
                "aws_flow_log",
                "/values/root_module/child_modules/0/child_modules/0/resources/0/values",
                253,
                29
            ),
        ]
    );
    assert!(
        set.resources
            .iter()
            .all(|r| r.action.is_none() && r.provider == "aws")
    );
    assert_eq!(
        set.resources[6].config_address.as_deref(),
        Some("module.network.aws_subnet.private")
    );
    assert_eq!(
        set.values(&set.resources[2]).unwrap()["bucket"],
        "acme-logs"
    );
    assert_eq!(set.unknown(&set.resources[2]).unwrap(), None);
}

#[test]
fn state_links_by_matching_ids() {
    let set = read("state.json");
    let expected: &[&[usize]] = &[
        &[5, 6],    // instance: subnet_id, vpc_security_group_ids
        &[],        // KMS key: its ARN is only used nested inside the SSE rule
        &[3, 4, 9], // bucket: shares its ID with SSE and versioning; flow log targets its ARN
        &[2, 4],
        &[2, 3],
        &[0, 8], // security group: vpc_id; used by the instance
        &[0, 8],
        &[8],
        &[5, 6, 7, 9], // VPC: everyone's vpc_id
        &[2, 8],       // flow log: log_destination is the bucket's ARN
    ];
    for (index, expected) in expected.iter().enumerate() {
        assert_eq!(
            set.links[index], *expected,
            "links of {}",
            set.resources[index].address
        );
    }
}

#[test]
fn state_links_across_files() {
    // Two states: the network stack and an app stack using its subnet.
    let app = br#"{"format_version":"1.0","values":{"root_module":{"resources":[
        {"address":"aws_instance.app","mode":"managed","type":"aws_instance","name":"app",
         "provider_name":"registry.terraform.io/hashicorp/aws","values":{"id":"i-app","subnet_id":"subnet-0bbb"}}]}}}"#;
    let mut set = read("state.json");
    set.add_bytes(
        "app.json".into(),
        app.to_vec(),
        true,
        &ReadOptions::default(),
    );
    set.finish();
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    // The last resource is the second file's AWS account; the app comes before it.
    let app = set.resources.len() - 2;
    assert_eq!(set.resources[app + 1].kind, ACCOUNT_KIND);
    assert_eq!(linked(&set, app), ["module.network.aws_subnet.private[1]"]);
    assert_eq!(set.links.len(), set.resources.len());
}

#[test]
fn empty_state_is_a_state_without_resources() {
    let mut set = InputSet::default();
    let bytes = br#"{"format_version":"1.0"}"#.to_vec();
    set.add_bytes(
        "empty-state.json".into(),
        bytes,
        true,
        &ReadOptions::default(),
    );
    set.finish();
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    assert_eq!(set.files[0].kind, InputKind::TerraformState);
    assert!(set.resources.is_empty());
}

#[test]
fn literal_keys_pick_one_instance_and_unresolved_references_are_uncertain() {
    let change = |address: &str, kind: &str| {
        format!(
            r#"{{"address":{address:?},"mode":"managed","type":"{kind}","provider_name":"registry.terraform.io/hashicorp/aws","change":{{"actions":["create"],"after":{{}}}}}}"#
        )
    };
    let changes = [
        change("aws_s3_bucket.b[0]", "aws_s3_bucket"),
        change("aws_s3_bucket.b[1]", "aws_s3_bucket"),
        change(r#"aws_s3_bucket_policy.p["x"]"#, "aws_s3_bucket_policy"),
        change("aws_s3_bucket_policy.q[0]", "aws_s3_bucket_policy"),
    ]
    .join(",");
    let text = format!(
        r#"{{"format_version":"1.2","resource_changes":[{changes}],"configuration":{{"root_module":{{"resources":[
            {{"address":"aws_s3_bucket_policy.p","mode":"managed","expressions":{{"bucket":{{"references":["aws_s3_bucket.b[0].id","aws_s3_bucket.b"]}}}}}},
            {{"address":"aws_s3_bucket_policy.q","mode":"managed","expressions":{{"bucket":{{"references":["aws_s3_bucket.b","local.pick"]}}}}}}]}}}}}}"#
    );
    let set = read_text("plan.json", text);
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    // `p` names `b[0]`: that instance only. `q` names `b[local.pick]`: nothing says
    // which, and no known value does either, so both buckets, uncertain.
    // The fifth resource is the plan's AWS account, which links to nothing.
    assert_eq!(
        set.links,
        [vec![2, 3], vec![3], vec![0], vec![0, 1], vec![]]
    );
    assert_eq!(set.uncertain_links(0), [3]);
    assert_eq!(set.uncertain_links(1), [3]);
    assert_eq!(set.uncertain_links(2), Vec::<usize>::new());
    assert_eq!(set.uncertain_links(3), [0, 1]);
}

/// What reading `text` as the file `name` gives.
fn read_text(name: &str, text: String) -> InputSet {
    let mut set = InputSet::default();
    set.add_bytes(
        name.into(),
        text.into_bytes(),
        true,
        &ReadOptions::default(),
    );
    set.finish();
    set
}

/// The resource with this address.
fn by_address<'s>(set: &'s InputSet, address: &str) -> &'s testat_inputs::Resource {
    set.resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no {address}"))
}

/// The plan `terraform` wrote for workloads of the `kubernetes` provider.
fn kubernetes_workloads_plan() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../rules/kubernetes/fixtures/generated/terraform-workloads/plan.json")
}

#[test]
fn kubernetes_provider_workloads_in_the_shape_of_the_api() {
    let set = read_paths(&[kubernetes_workloads_plan()], &ReadOptions::default());
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
    let by_address = |address: &str| by_address(&set, address);

    let web = by_address("kubernetes_deployment_v1.web");
    assert_eq!(web.kind, "kubernetes_deployment_v1");
    assert_eq!(web.provider, "kubernetes");
    let values = set.values(web).unwrap();
    assert_eq!(values["kind"], "Deployment");
    assert_eq!(values["spec"]["replicas"], 2);
    let pod = testat_inputs::pod_spec(&values, &web.kind).unwrap();
    assert_eq!(pod["securityContext"]["runAsUser"], 10001);
    assert_eq!(pod["containers"][0]["ports"][0]["containerPort"], 8080);
    assert_eq!(pod["volumes"][0]["emptyDir"]["sizeLimit"], "64Mi");

    let debug = by_address("kubernetes_pod_v1.debug");
    let values = set.values(debug).unwrap();
    let container = &values["spec"]["containers"][0];
    assert_eq!(container["securityContext"]["runAsUser"], 0);
    assert_eq!(container["ports"][0]["hostPort"], 2222);
    assert_eq!(values["spec"]["hostPID"], true);

    // Known only after apply: one image, and all containers of the job.
    let agent = set
        .unknown(by_address("kubernetes_daemonset.agent"))
        .unwrap();
    assert_eq!(
        agent.unwrap()["spec"]["template"]["spec"]["containers"][0]["image"],
        true
    );
    let migrate = set
        .unknown(by_address("kubernetes_job_v1.migrate"))
        .unwrap();
    assert_eq!(
        migrate.unwrap()["spec"]["template"]["spec"]["containers"],
        true
    );
    // A kubernetes_manifest holding a workload is that workload; others stay as they are.
    let api = by_address("kubernetes_manifest.api");
    assert_eq!(api.kind, "Deployment");
    assert_eq!(
        testat_inputs::pod_spec(&set.values(api).unwrap(), &api.kind).unwrap()["containers"][0]["securityContext"]
            ["privileged"],
        true
    );
    assert_eq!(set.unknown(api).unwrap(), None);
    assert_eq!(
        by_address("kubernetes_manifest.settings").kind,
        "kubernetes_manifest"
    );
    // Not a workload: left as the provider wrote it.
    let config_map = by_address("kubernetes_config_map_v1.build");
    assert!(set.values(config_map).unwrap()["metadata"].is_array());
}

#[test]
fn kubernetes_provider_workload_without_containers_is_malformed_despite_unknown_metadata() {
    // The provider computes `generation`, `resource_version` and `uid`, so a real plan
    // always marks metadata unknown; that must not excuse a pod spec without containers.
    let text = r#"{"format_version":"1.2","resource_changes":[{"address":"kubernetes_deployment_v1.empty",
        "mode":"managed","type":"kubernetes_deployment_v1","name":"empty",
        "provider_name":"registry.terraform.io/hashicorp/kubernetes","change":{"actions":["create"],
        "after":{"metadata":[{"name":"empty","namespace":"shop"}],
                 "spec":[{"template":[{"metadata":[{}],"spec":[{"container":[]}]}]}]},
        "after_unknown":{"id":true,"metadata":[{"generation":true,"resource_version":true,"uid":true}],
                 "spec":[{"template":[{"metadata":[{}],"spec":[{"container":[]}]}]}]}}}]}"#;
    let set = read_text("plan.json", text.to_owned());
    let reason = set.malformed(0).expect("marked malformed");
    assert!(reason.contains("no containers"), "{reason}");
    assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
}

#[test]
fn kubernetes_provider_workload_that_cannot_be_rewritten() {
    let text = std::fs::read_to_string(kubernetes_workloads_plan()).unwrap();
    assert_eq!(text.matches(r#""run_as_user": "0""#).count(), 3);
    let text = text.replace(r#""run_as_user": "0""#, r#""run_as_user": "root""#);
    let set = read_text("plan.json", text);
    let index = set
        .resources
        .iter()
        .position(|r| r.address == "kubernetes_pod_v1.debug")
        .unwrap();
    let reason = set.malformed(index).unwrap();
    assert!(
        reason.contains("\"root\", which is not a whole number"),
        "{reason}"
    );
    assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
    let problem = set.problems[0].to_string();
    assert!(
        problem.contains("/change/after/spec/0/container/0/security_context/0/run_as_user"),
        "{problem}"
    );
}

#[test]
fn provider_regions_from_a_plan_terraform_wrote() {
    let plan = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../rules/aws/fixtures/generated/provider-region/plan.json");
    let set = read_paths(&[plan], &ReadOptions::default());
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
    let region = |address: &str| by_address(&set, address).provider_region.as_deref();
    // A root variable's value; a constant; inherited and handed to modules.
    assert_eq!(region("aws_s3_bucket.data"), Some("eu-central-1"));
    assert_eq!(region("aws_s3_bucket.us"), Some("us-east-1"));
    assert_eq!(
        region("module.jobs.aws_sqs_queue.this"),
        Some("eu-central-1")
    );
    assert_eq!(
        region("module.jobs_us.aws_sqs_queue.this"),
        Some("us-east-1")
    );
    // A local: the plan records only the reference.
    assert_eq!(region("aws_s3_bucket.replica"), None);
}
