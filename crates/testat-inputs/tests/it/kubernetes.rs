#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]
//! Kubernetes manifests: multi-document YAML, `kind: List`, JSON.

use std::path::{Path, PathBuf};

use testat_inputs::{
    InputKind, InputSet, ReadOptions, Values, WORKLOAD_KINDS, pod_spec, read_paths,
};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/k8s")
        .join(name)
}

fn read(paths: &[PathBuf]) -> InputSet {
    let set = read_paths(paths, &ReadOptions::default());
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
    set
}

#[test]
fn multi_document_yaml_with_list_and_empty_document() {
    let set = read(&[data("app.yaml")]);
    assert_eq!(set.files.len(), 1);
    assert_eq!(set.files[0].kind, InputKind::Kubernetes);
    assert_eq!(set.files[0].format_version, None);
    let found: Vec<(&str, &str, &str, usize, usize)> = set
        .resources
        .iter()
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
            ("Deployment/shop/web", "Deployment", "/0", 2, 1),
            // Document 1 is empty (only a comment) and skipped.
            ("CronJob/nightly-report", "CronJob", "/2", 30, 1),
            ("Service/shop/web", "Service", "/3/items/0", 46, 1),
            (
                "ConfigMap/shop/web-config",
                "ConfigMap",
                "/3/items/1",
                46,
                1
            ),
            ("Namespace/shop", "Namespace", "/4", 68, 1),
        ]
    );
    for resource in &set.resources {
        assert_eq!(resource.provider, "kubernetes");
        assert!(resource.action.is_none() && resource.config_address.is_none());
        assert!(matches!(resource.values, Values::Json(_)));
        assert!(matches!(resource.unknown, Values::None));
        assert!(
            set.links[set
                .resources
                .iter()
                .position(|r| std::ptr::eq(r, resource))
                .unwrap()]
            .is_empty()
        );
    }
    let config = set.values(&set.resources[3]).unwrap();
    assert_eq!(config["data"]["LOG_LEVEL"], "info");
    assert_eq!(set.unknown(&set.resources[3]).unwrap(), None);
}

#[test]
fn pod_specs_of_workloads() {
    let set = read(&[data("app.yaml")]);
    let deployment = set.values(&set.resources[0]).unwrap();
    let spec = pod_spec(&deployment, "Deployment").unwrap();
    assert_eq!(spec["containers"][0]["name"], "web");
    let cron = set.values(&set.resources[1]).unwrap();
    let spec = pod_spec(&cron, "CronJob").unwrap();
    assert_eq!(spec["restartPolicy"], "OnFailure");
    let service = set.values(&set.resources[2]).unwrap();
    assert_eq!(pod_spec(&service, "Service"), None);
    assert!(WORKLOAD_KINDS.contains(&"CronJob") && WORKLOAD_KINDS.contains(&"Pod"));
    assert!(!WORKLOAD_KINDS.contains(&"Service"));
}

#[test]
fn json_manifests() {
    let set = read(&[data("pod.json"), data("pods-list.json")]);
    assert_eq!(set.files.len(), 2);
    let found: Vec<(&str, &str, usize, usize)> = set
        .resources
        .iter()
        .map(|r| (r.address.as_str(), r.pointer.as_str(), r.file, r.line))
        .collect();
    assert_eq!(
        found,
        [
            ("Pod/ops/debug", "/0", 0, 1),
            ("Pod/default/a", "/0/items/0", 1, 1),
            ("Pod/default/b", "/0/items/1", 1, 1),
        ]
    );
    let pod = set.values(&set.resources[0]).unwrap();
    assert_eq!(pod_spec(&pod, "Pod").unwrap()["hostNetwork"], true);
}

#[test]
fn directory_of_manifests_in_sorted_order() {
    let set = read(&[data("")]);
    let files: Vec<String> = set
        .files
        .iter()
        .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["app.yaml", "pod.json", "pods-list.json"]);
    assert_eq!(set.resources.len(), 8);
    assert!(set.skipped.is_empty(), "{:?}", set.skipped);
}

#[test]
fn yaml_from_bytes_and_unnamed_objects() {
    let mut set = InputSet::default();
    let text = b"apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: job-\nspec:\n  containers: [{name: a, image: busybox:1.36}]\n---\napiVersion: v1\nkind: Secret\n".to_vec();
    set.add_bytes("-".into(), text, true, &ReadOptions::default());
    set.finish();
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    let addresses: Vec<&str> = set.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(addresses, ["Pod/job-", "Secret/<unnamed>"]);
    assert_eq!(set.resources[1].line, 8);
}
