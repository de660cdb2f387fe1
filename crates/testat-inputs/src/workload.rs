//! The shape of Kubernetes workloads, checked against the Kubernetes API before rules
//! run.
//!
//! A workload is read into the typed objects of `k8s-openapi` (the API's own
//! definitions): a field of the wrong type (a `spec` that is a list, `resources`
//! written as a list, `runAsUser:65534` without a space, which YAML reads as a string)
//! is reported with its path and what the API expects. A workload must also have a pod
//! template with at least one container; without one, container rules would pass on
//! nothing. Unknown fields are accepted, as `kubectl` does without `--validate=strict`.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Kinds whose objects carry a pod spec (see [`pod_spec`]).
pub const WORKLOAD_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "DeploymentConfig",
];

/// The lists of a pod spec that hold containers; container rules read all three.
pub const CONTAINER_LISTS: &[&str] = &["containers", "initContainers", "ephemeralContainers"];

/// The pod spec of a workload object of the given kind: `spec` of a Pod,
/// `spec.template.spec` of a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
/// ReplicationController or OpenShift DeploymentConfig,
/// `spec.jobTemplate.spec.template.spec` of a CronJob; `None`
/// for other kinds or when the object has no such field.
pub fn pod_spec<'v>(value: &'v Value, kind: &str) -> Option<&'v Value> {
    pod_spec_path(kind)?
        .iter()
        .try_fold(value, |value, key| value.get(key))
}

/// Where [`pod_spec`] finds the pod spec of a workload of the given kind, as keys from
/// the object down; `None` for kinds that are not workloads. A Terraform workload type
/// (`kubernetes_deployment_v1`) has its values in the shape of the kind it declares.
pub fn pod_spec_path(kind: &str) -> Option<&'static [&'static str]> {
    match crate::terraform::kubernetes::workload_kind(kind).unwrap_or(kind) {
        "Pod" => Some(&["spec"]),
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job"
        | "DeploymentConfig" => Some(&["spec", "template", "spec"]),
        "CronJob" => Some(&["spec", "jobTemplate", "spec", "template", "spec"]),
        _ => None,
    }
}

/// Why a workload cannot be checked: where (a dotted path such as
/// `spec.template.spec.containers[0].securityContext`, and the same as a JSON pointer)
/// and what is wrong.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Malformed {
    pub path: String,
    pub pointer: String,
    pub message: String,
}

/// Checks a workload of the given kind; `Ok` for other kinds.
pub(crate) fn check(kind: &str, value: &Value) -> Result<(), Malformed> {
    use k8s_openapi::api::{apps::v1 as apps, batch::v1 as batch, core::v1 as core};
    match kind {
        "Pod" => typed::<core::Pod>(value)?,
        "ReplicationController" => typed::<core::ReplicationController>(value)?,
        "Deployment" => typed::<apps::Deployment>(value)?,
        "StatefulSet" => typed::<apps::StatefulSet>(value)?,
        "DaemonSet" => typed::<apps::DaemonSet>(value)?,
        "ReplicaSet" => typed::<apps::ReplicaSet>(value)?,
        "Job" => typed::<batch::Job>(value)?,
        "CronJob" => typed::<batch::CronJob>(value)?,
        "DeploymentConfig" => typed::<DeploymentConfig>(value)?,
        _ => return Ok(()),
    }
    let template = match kind {
        "Pod" => "spec",
        "CronJob" => "spec.jobTemplate.spec.template.spec",
        _ => "spec.template.spec",
    };
    let Some(spec) = pod_spec(value, kind) else {
        return Err(Malformed {
            path: template.to_owned(),
            pointer: pointer_of(template),
            message: format!("the {kind} has no pod spec at `{template}`"),
        });
    };
    let has_container = spec
        .get("containers")
        .and_then(Value::as_array)
        .is_some_and(|list| !list.is_empty());
    if !has_container {
        let path = format!("{template}.containers");
        return Err(Malformed {
            pointer: pointer_of(&path),
            message: format!("the {kind} has no containers at `{path}` (a pod needs at least one)"),
            path,
        });
    }
    Ok(())
}

/// What Testat checks of an OpenShift `DeploymentConfig` (`apps.openshift.io/v1`),
/// which `k8s-openapi` does not define: its pod template is the core API's.
#[derive(serde::Deserialize)]
#[expect(dead_code, reason = "deserialised only to check the types")]
struct DeploymentConfig {
    #[serde(default)]
    spec: Option<DeploymentConfigSpec>,
}

#[derive(serde::Deserialize)]
#[expect(dead_code, reason = "deserialised only to check the types")]
struct DeploymentConfigSpec {
    #[serde(default)]
    template: Option<k8s_openapi::api::core::v1::PodTemplateSpec>,
}

/// Reads `value` as `T`; on a mismatch, where and why.
fn typed<T: DeserializeOwned>(value: &Value) -> Result<(), Malformed> {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(_) => Ok(()),
        Err(error) => {
            let mut path = String::new();
            let mut pointer = String::new();
            for segment in error.path().iter() {
                match segment {
                    serde_path_to_error::Segment::Seq { index } => {
                        path.push_str(&format!("[{index}]"));
                        pointer.push_str(&format!("/{index}"));
                    }
                    serde_path_to_error::Segment::Map { key } => {
                        if !path.is_empty() {
                            path.push('.');
                        }
                        path.push_str(key);
                        pointer.push('/');
                        pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    }
                    serde_path_to_error::Segment::Enum { .. }
                    | serde_path_to_error::Segment::Unknown => {}
                }
            }
            Err(Malformed {
                message: format!(
                    "`{path}` does not match the Kubernetes API: {}",
                    plain(&error.inner().to_string())
                ),
                path,
                pointer,
            })
        }
    }
}

/// A `serde` message in the words of a manifest's author: `found a list, expected a
/// mapping (PodSpec)` rather than `invalid type: sequence, expected PodSpec`.
fn plain(message: &str) -> String {
    let message = message.strip_prefix("invalid type: ").unwrap_or(message);
    let Some((found, expected)) = message.split_once(", expected ") else {
        return message.to_owned();
    };
    let found = match found {
        "sequence" => "a list".to_owned(),
        "map" => "a mapping".to_owned(),
        "null" => "nothing (null)".to_owned(),
        other => match other.strip_prefix("string ") {
            Some(text) => format!("the text {text}"),
            None => other.to_owned(),
        },
    };
    let expected = match expected {
        "i32" | "i64" | "u32" | "u64" => "a whole number".to_owned(),
        "a boolean" | "bool" => "true or false".to_owned(),
        "a sequence" => "a list".to_owned(),
        "a string" | "string" => "text".to_owned(),
        name if name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            format!("a mapping ({name})")
        }
        other => other.to_owned(),
    };
    format!("found {found}, expected {expected}")
}

fn pointer_of(path: &str) -> String {
    path.split('.')
        .map(|segment| format!("/{segment}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wrong_types_and_missing_pod_specs() {
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}, "spec": []});
        let error = check("Pod", &pod).unwrap_err();
        assert_eq!(error.path, "spec");
        assert!(error.message.contains("found a list"), "{}", error.message);

        let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"template": {"spec": {
            "containers": [{"name": "a", "image": "x:1", "securityContext": {"runAsUser": "65534"}}]}}}});
        let error = check("Deployment", &deployment).unwrap_err();
        assert_eq!(
            error.path,
            "spec.template.spec.containers[0].securityContext.runAsUser"
        );
        assert_eq!(
            error.pointer,
            "/spec/template/spec/containers/0/securityContext/runAsUser"
        );
        assert!(
            error.message.contains("expected a whole number"),
            "{}",
            error.message
        );

        let cron = json!({"apiVersion": "batch/v1", "kind": "CronJob", "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": null}}});
        let error = check("CronJob", &cron).unwrap_err();
        assert_eq!(error.path, "spec.jobTemplate.spec.template.spec");

        let empty = json!({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": []}});
        assert!(
            check("Pod", &empty)
                .unwrap_err()
                .message
                .contains("no containers")
        );

        let good = json!({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "a",
            "resources": {"limits": {"cpu": 1, "memory": "64Mi"}}, "extra": true}]}});
        assert_eq!(check("Pod", &good), Ok(()));
        assert_eq!(check("Service", &json!({"spec": []})), Ok(()));
    }

    #[test]
    fn openshift_deployment_configs() {
        let config = |spec: serde_json::Value| {
            json!({"apiVersion": "apps.openshift.io/v1", "kind": "DeploymentConfig",
                "metadata": {"name": "web"}, "spec": spec})
        };
        let good = config(
            json!({"replicas": 2, "triggers": [{"type": "ConfigChange"}],
            "template": {"spec": {"containers": [{"name": "web", "image": "web:1"}]}}}),
        );
        assert_eq!(check("DeploymentConfig", &good), Ok(()));
        assert_eq!(
            pod_spec(&good, "DeploymentConfig").unwrap()["containers"][0]["name"],
            "web"
        );

        let wrong = config(json!({"template": {"spec": {"containers": [{"name": "web",
            "securityContext": {"privileged": "yes"}}]}}}));
        let error = check("DeploymentConfig", &wrong).unwrap_err();
        assert_eq!(
            error.path,
            "spec.template.spec.containers[0].securityContext.privileged"
        );

        let error = check("DeploymentConfig", &config(json!({"replicas": 1}))).unwrap_err();
        assert_eq!(error.path, "spec.template.spec");
    }

    #[test]
    fn pod_specs() {
        let deployment = serde_json::json!({"spec": {"template": {"spec": {"containers": []}}}});
        assert!(pod_spec(&deployment, "Deployment").is_some());
        assert!(pod_spec(&deployment, "Service").is_none());
        let cron = serde_json::json!({"spec": {"jobTemplate": {"spec": {"template": {"spec": {"a": 1}}}}}});
        assert_eq!(
            pod_spec(&cron, "CronJob"),
            Some(&serde_json::json!({"a": 1}))
        );
        let pod = serde_json::json!({"spec": {"b": 2}});
        assert_eq!(pod_spec(&pod, "Pod"), Some(&serde_json::json!({"b": 2})));
        for kind in WORKLOAD_KINDS {
            assert!(!kind.is_empty());
        }
    }
}
