//! Workloads declared through Terraform's `kubernetes` provider, in the shape of the
//! Kubernetes API.
//!
//! A `kubernetes_deployment_v1` in a plan holds the same pod spec as a Deployment in a
//! manifest, written the way the provider's schema writes it: snake_case names, every
//! nested block a list (a block that can occur once is a list of one), singular block
//! names for lists (`container`, `port`), and some numbers as strings (`run_as_user`,
//! the octal `default_mode`). This module rewrites such values into the object the
//! provider sends to the cluster, so that one set of container rules judges both.
//!
//! What the rewrite follows (terraform-provider-kubernetes 3.2.1, SDK v2 schema):
//! - a block list becomes a list where the API has a list (`container` →
//!   `containers`), and its first element where the API has an object (the provider
//!   uses only that one);
//! - a JSON object in a plan is always a map (`labels`, `limits`), so its keys are kept;
//! - `null`, empty blocks and empty strings where the API wants a number are left out,
//!   as the provider leaves them out;
//! - `after_unknown` is rewritten the same way, so that a value known only after apply
//!   stays unknown at the same place.

use std::path::Path;

use serde_json::{Map, Value};

use crate::Values;
use crate::reader::Parsed;

/// Terraform resource types of the `kubernetes` provider that declare a workload, with
/// the Kubernetes kind each creates (the deprecated names have the same schema as
/// their `_v1` twins).
pub const TERRAFORM_WORKLOADS: &[(&str, &str)] = &[
    ("kubernetes_pod", "Pod"),
    ("kubernetes_pod_v1", "Pod"),
    ("kubernetes_deployment", "Deployment"),
    ("kubernetes_deployment_v1", "Deployment"),
    ("kubernetes_daemonset", "DaemonSet"),
    ("kubernetes_daemon_set_v1", "DaemonSet"),
    ("kubernetes_stateful_set", "StatefulSet"),
    ("kubernetes_stateful_set_v1", "StatefulSet"),
    ("kubernetes_job", "Job"),
    ("kubernetes_job_v1", "Job"),
    ("kubernetes_cron_job", "CronJob"),
    ("kubernetes_cron_job_v1", "CronJob"),
    ("kubernetes_replication_controller", "ReplicationController"),
    (
        "kubernetes_replication_controller_v1",
        "ReplicationController",
    ),
];

/// The Kubernetes kind a Terraform resource type of the `kubernetes` provider
/// declares, when it declares a workload.
pub fn workload_kind(terraform_type: &str) -> Option<&'static str> {
    // Asked for every resource's kind on the rule engine's path: most are not the
    // provider's, and that is one comparison.
    if !terraform_type.starts_with("kubernetes_") {
        return None;
    }
    TERRAFORM_WORKLOADS
        .iter()
        .find(|(name, _)| *name == terraform_type)
        .map(|(_, kind)| *kind)
}

/// The Terraform type whose `manifest` is a Kubernetes object as it is (any kind).
const TERRAFORM_MANIFEST: &str = "kubernetes_manifest";

/// Rewrites the values (and `after_unknown`) of every workload resource of a Terraform
/// file read from `text` into the Kubernetes object it declares; a `kubernetes_manifest`
/// holding a workload becomes that object, of that kind. A resource whose values cannot
/// be rewritten, or whose object does not match the Kubernetes API, is a problem and is
/// marked malformed, so that rules give `error` on it; one whose pod spec is not known
/// before apply is left to the rules, which say `unknown`.
pub(crate) fn rewrite_workloads(path: &Path, text: &str, parsed: &mut Parsed) {
    for index in 0..parsed.resources.len() {
        let Some(resource) = parsed.resources.get_mut(index) else {
            continue;
        };
        let problem = if resource.kind == TERRAFORM_MANIFEST {
            manifest(resource, text)
        } else if let Some(kind) = workload_kind(&resource.kind) {
            provider_workload(resource, kind, text)
        } else {
            continue;
        };
        if let Some((pointer, message)) = problem {
            parsed.mark_malformed(path, index, &pointer, &message, "");
        }
    }
}

/// The JSON at a resource's values (or `after_unknown`) in the file's text.
fn read(text: &str, values: &Values) -> Option<Value> {
    match values {
        Values::Span(range) => text
            .get(range.clone())
            .and_then(|raw| serde_json::from_str(raw).ok()),
        _ => None,
    }
}

/// Rewrites a workload of the provider's own types; the problem (pointer and message)
/// when it cannot be rewritten or checked.
fn provider_workload(
    resource: &mut crate::Resource,
    kind: &str,
    text: &str,
) -> Option<(String, String)> {
    let values = read(text, &resource.values).unwrap_or(Value::Null);
    let unknown = read(text, &resource.unknown)
        .as_ref()
        .and_then(self::unknown);
    match object(&values, kind) {
        Ok(object) => {
            let checked = crate::workload::check(kind, &object);
            resource.values = Values::Json(object.to_string().into_boxed_str());
            resource.unknown = json_values(unknown.as_ref());
            match checked {
                Err(_) if spec_unknown(unknown.as_ref()) => None,
                Err(malformed) => Some((
                    String::new(),
                    format!(
                        "the {kind} it declares does not match the Kubernetes API: {}",
                        malformed.message
                    ),
                )),
                Ok(()) => None,
            }
        }
        Err(unconvertible) => {
            resource.values = Values::None;
            resource.unknown = Values::None;
            Some((unconvertible.pointer, unconvertible.message))
        }
    }
}

/// Makes a `kubernetes_manifest` that holds a workload that workload: its values the
/// `manifest` (already in the API's shape), its kind the manifest's. Other manifests
/// are left as they are.
fn manifest(resource: &mut crate::Resource, text: &str) -> Option<(String, String)> {
    let values = read(text, &resource.values)?;
    let manifest = values.get("manifest")?;
    let kind = manifest
        .get("kind")
        .and_then(Value::as_str)
        .filter(|kind| crate::WORKLOAD_KINDS.contains(kind))?
        .to_owned();
    let unknown = read(text, &resource.unknown)
        .and_then(|unknown| unknown.get("manifest").cloned())
        .filter(any_unknown);
    let checked = crate::workload::check(&kind, manifest);
    resource.values = Values::Json(manifest.to_string().into_boxed_str());
    resource.unknown = json_values(unknown.as_ref());
    resource.kind = kind;
    match checked {
        Err(malformed) if !spec_unknown(unknown.as_ref()) => Some((
            format!("/manifest{}", malformed.pointer),
            format!(
                "the manifest does not match the Kubernetes API: {}",
                malformed.message
            ),
        )),
        _ => None,
    }
}

/// Whether a rewritten `after_unknown` marks anything in `spec` unknown: then a pod
/// spec that looks incomplete may be completed at apply, and the rules say `unknown`.
/// Unknown metadata (`generation`, `uid`, which the provider always computes) does not
/// excuse a workload without containers.
fn spec_unknown(unknown: Option<&Value>) -> bool {
    unknown
        .and_then(|unknown| unknown.get("spec"))
        .is_some_and(any_unknown)
}

/// Whether Terraform's `after_unknown` (or a part of it) marks anything unknown.
pub fn any_unknown(unknown: &Value) -> bool {
    match unknown {
        Value::Bool(b) => *b,
        Value::Array(items) => items.iter().any(any_unknown),
        Value::Object(members) => members.values().any(any_unknown),
        _ => false,
    }
}

fn json_values(value: Option<&Value>) -> Values {
    match value {
        Some(value) => Values::Json(value.to_string().into_boxed_str()),
        None => Values::None,
    }
}

/// Why a value cannot be rewritten: where (a JSON pointer within the resource's
/// values) and what is wrong.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Unconvertible {
    pub pointer: String,
    pub message: String,
}

/// The Kubernetes object a workload resource's values declare: `apiVersion`, `kind`,
/// and its `metadata` and `spec` blocks rewritten.
pub(crate) fn object(values: &Value, kind: &str) -> Result<Value, Unconvertible> {
    let mut object = metadata_and_spec(values, false)?;
    object.insert("apiVersion".into(), api_version(kind).into());
    object.insert("kind".into(), kind.into());
    Ok(Value::Object(object))
}

/// `after_unknown` of a workload resource, rewritten as [`object`] rewrites its values;
/// `None` when nothing in `metadata` or `spec` is unknown.
pub(crate) fn unknown(unknown: &Value) -> Option<Value> {
    // Leaves of `after_unknown` are booleans, which never fail to convert.
    let object = metadata_and_spec(unknown, true).ok()?;
    (!object.is_empty()).then_some(Value::Object(object))
}

/// The `metadata` and `spec` blocks of a resource's values (or of its
/// `after_unknown`), rewritten.
fn metadata_and_spec(source: &Value, unknown: bool) -> Result<Map<String, Value>, Unconvertible> {
    let mut rewrite = Rewrite {
        unknown,
        pointer: String::new(),
    };
    let mut object = Map::new();
    for key in ["metadata", "spec"] {
        if let Some(value) = source.get(key)
            && let Some(value) = rewrite.field(key, key, "", value)?
        {
            object.insert(key.into(), value);
        }
    }
    Ok(object)
}

fn api_version(kind: &str) -> &'static str {
    match kind {
        "Deployment" | "DaemonSet" | "StatefulSet" => "apps/v1",
        "Job" | "CronJob" => "batch/v1",
        _ => "v1",
    }
}

/// One rewrite of values (or of `after_unknown`, whose leaves are `true`).
struct Rewrite {
    unknown: bool,
    /// The JSON pointer of the value being rewritten, for errors.
    pointer: String,
}

impl Rewrite {
    /// The API's value for the block or attribute `key` (the provider's name) in an
    /// object under `parent` (the API's name); `None` when the API leaves it out.
    fn field(
        &mut self,
        key: &str,
        api_key: &str,
        parent: &str,
        value: &Value,
    ) -> Result<Option<Value>, Unconvertible> {
        let depth = self.pointer.len();
        self.pointer.push('/');
        self.pointer
            .push_str(&key.replace('~', "~0").replace('/', "~1"));
        let result = self.value(api_key, parent, value);
        self.pointer.truncate(depth);
        result
    }

    fn value(
        &mut self,
        api_key: &str,
        parent: &str,
        value: &Value,
    ) -> Result<Option<Value>, Unconvertible> {
        match value {
            Value::Null => Ok(None),
            Value::Array(items) if items.is_empty() => Ok(None),
            Value::Array(items) if items.iter().any(Value::is_object) => {
                self.blocks(api_key, parent, items)
            }
            // `after_unknown` of a list of scalars (or of blocks unknown as a whole):
            // kept per element where the API has a list; elsewhere unknown as a whole
            // when any element is, which never hides an unknown value.
            Value::Array(items) if self.unknown => Ok(if is_list(api_key, parent) {
                Some(value.clone())
            } else {
                items
                    .contains(&Value::Bool(true))
                    .then_some(Value::Bool(true))
            }),
            Value::Bool(false) if self.unknown => Ok(None),
            Value::Object(members) if self.unknown && members.is_empty() => Ok(None),
            Value::String(text) if !self.unknown => self.scalar(api_key, parent, text),
            // Scalars, lists of scalars, and maps, whose keys are the user's.
            other => Ok(Some(other.clone())),
        }
    }

    /// A block list: a list of rewritten objects where the API has a list, else the
    /// first object.
    fn blocks(
        &mut self,
        api_key: &str,
        parent: &str,
        items: &[Value],
    ) -> Result<Option<Value>, Unconvertible> {
        if api_key == "sources" {
            return self.projected_sources(items).map(Some);
        }
        if is_list(api_key, parent) {
            let mut list = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                let depth = self.pointer.len();
                self.pointer.push_str(&format!("/{index}"));
                let rewritten = self.object(api_key, item);
                self.pointer.truncate(depth);
                // Every element keeps its place, so that the indexes of the others do
                // not move: `null` for a value Terraform does not know yet, `{}` for an
                // element with nothing unknown.
                list.push(rewritten?.unwrap_or_else(|| {
                    if self.unknown {
                        Value::Object(Map::new())
                    } else {
                        Value::Null
                    }
                }));
            }
            return Ok(Some(Value::Array(list)));
        }
        let depth = self.pointer.len();
        self.pointer.push_str("/0");
        let first = match items.first() {
            Some(item) => self.object(api_key, item),
            None => Ok(None),
        };
        self.pointer.truncate(depth);
        first
    }

    /// A block's object with its names rewritten; `None` when nothing is left.
    fn object(&mut self, api_key: &str, value: &Value) -> Result<Option<Value>, Unconvertible> {
        let Value::Object(members) = value else {
            return self.value(api_key, "", value);
        };
        let mut object = Map::new();
        for (key, member) in members {
            let name = api_name(key, api_key);
            if let Some(member) = self.field(key, &name, api_key, member)? {
                object.insert(name, member);
            }
        }
        Ok((!object.is_empty() || !self.unknown).then_some(Value::Object(object)))
    }

    /// The `sources` of a projected volume: the provider lists several sources in one
    /// block (`{secret: [..], config_map: [..]}`); the API has one per element.
    fn projected_sources(&mut self, items: &[Value]) -> Result<Value, Unconvertible> {
        let mut sources = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let Value::Object(members) = item else {
                continue;
            };
            for (key, member) in members {
                let Some(blocks) = member.as_array() else {
                    continue;
                };
                let name = api_name(key, "sources");
                for (inner, block) in blocks.iter().enumerate() {
                    let depth = self.pointer.len();
                    self.pointer.push_str(&format!("/{index}/{key}/{inner}"));
                    let rewritten = self.object(&name, block);
                    self.pointer.truncate(depth);
                    if let Some(source) = rewritten? {
                        sources.push(Value::Object(Map::from_iter([(name.clone(), source)])));
                    }
                }
            }
        }
        Ok(Value::Array(sources))
    }

    /// A string attribute: a number where the API has a number (the provider keeps
    /// user and group IDs, replicas and toleration seconds as decimal text, file modes
    /// as octal text, ports as a number or a port name).
    fn scalar(
        &self,
        api_key: &str,
        parent: &str,
        text: &str,
    ) -> Result<Option<Value>, Unconvertible> {
        let radix = match api_key {
            "runAsUser"
            | "runAsGroup"
            | "fsGroup"
            | "tolerationSeconds"
            | "replicas"
            | "ttlSecondsAfterFinished" => 10,
            "defaultMode" | "mode" => 8,
            "port" if matches!(parent, "httpGet" | "tcpSocket") => {
                return Ok(Some(match text.parse::<i64>() {
                    Ok(number) => number.into(),
                    Err(_) => text.into(),
                }));
            }
            _ => return Ok(Some(text.into())),
        };
        if text.is_empty() {
            return Ok(None);
        }
        match i64::from_str_radix(text, radix) {
            Ok(number) => Ok(Some(number.into())),
            Err(_) => Err(Unconvertible {
                pointer: self.pointer.clone(),
                message: format!(
                    "`{}` is \"{text}\", which is not {}",
                    self.pointer.rsplit('/').next().unwrap_or_default(),
                    if radix == 8 {
                        "an octal file mode such as \"0644\""
                    } else {
                        "a whole number"
                    }
                ),
            }),
        }
    }
}

/// Whether the API holds a list (not an object) under `api_key` in an object under
/// `parent`.
fn is_list(api_key: &str, parent: &str) -> bool {
    match api_key {
        // A node selector in node affinity, a list of terms in pod (anti-)affinity.
        "requiredDuringSchedulingIgnoredDuringExecution" => parent != "nodeAffinity",
        _ => LISTS.contains(&api_key),
    }
}

/// API fields that hold lists of objects (after [`api_name`]).
const LISTS: &[&str] = &[
    "containers",
    "initContainers",
    "ports",
    "env",
    "envFrom",
    "volumeMounts",
    "volumeDevices",
    "volumes",
    "tolerations",
    "sysctls",
    "httpHeaders",
    "nodeSelectorTerms",
    "matchExpressions",
    "matchFields",
    "readinessGates",
    "imagePullSecrets",
    "hostAliases",
    "topologySpreadConstraints",
    "items",
    "options",
    "preferredDuringSchedulingIgnoredDuringExecution",
    "volumeClaimTemplates",
];

/// The API's name for the provider's `key` in a block under `parent` (the API's name):
/// lowerCamelCase, except where the API spells it otherwise. Block lists take the API's
/// plural (`container` → `containers`); `port`, `volume` and `option` only where they
/// are blocks (a probe's `port` is a number).
fn api_name(key: &str, parent: &str) -> String {
    let plural = match (key, parent) {
        ("container", _) => Some("containers"),
        ("init_container", _) => Some("initContainers"),
        ("port", "containers" | "initContainers") => Some("ports"),
        ("volume_mount", _) => Some("volumeMounts"),
        ("volume_device", _) => Some("volumeDevices"),
        ("volume", "spec") => Some("volumes"),
        ("toleration", _) => Some("tolerations"),
        ("sysctl", _) => Some("sysctls"),
        ("http_header", _) => Some("httpHeaders"),
        ("node_selector_term", _) => Some("nodeSelectorTerms"),
        ("readiness_gate", _) => Some("readinessGates"),
        ("topology_spread_constraint", _) => Some("topologySpreadConstraints"),
        ("option", "dnsConfig") => Some("options"),
        ("volume_claim_template", _) => Some("volumeClaimTemplates"),
        _ => None,
    };
    if let Some(plural) = plural {
        return plural.to_owned();
    }
    let irregular = match key {
        "host_ipc" => "hostIPC",
        "host_pid" => "hostPID",
        "host_ip" => "hostIP",
        "downward_api" => "downwardAPI",
        "run_as_username" => "runAsUserName",
        "volume_id" => "volumeID",
        "data_disk_uri" => "diskURI",
        "pd_id" => "pdID",
        "dataset_uuid" => "datasetUUID",
        "target_ww_ns" => "targetWWNs",
        "ceph_monitors" => "monitors",
        "rbd_image" => "image",
        "rbd_pool" => "pool",
        "rados_user" => "user",
        "endpoints_name" => "endpoints",
        "ceph_fs" => "cephfs",
        _ => return camel(key),
    };
    irregular.to_owned()
}

fn camel(key: &str) -> String {
    let mut name = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            name.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            name.push(c);
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A `kubernetes_deployment_v1` as `terraform show -json` records it.
    fn deployment() -> Value {
        json!({
            "id": "shop/web",
            "wait_for_rollout": true,
            "metadata": [{"name": "web", "namespace": "shop", "labels": {"app_name": "web"},
                "annotations": null, "generate_name": null}],
            "spec": [{
                "replicas": "2",
                "selector": [{"match_labels": {"app": "web"}, "match_expressions": []}],
                "template": [{
                    "metadata": [{"labels": {"app": "web"}}],
                    "spec": [{
                        "host_network": false, "host_pid": true, "host_ipc": false,
                        "automount_service_account_token": true,
                        "security_context": [{"run_as_user": "1000", "run_as_non_root": true,
                            "fs_group": "", "seccomp_profile": [{"type": "RuntimeDefault"}],
                            "sysctl": [], "windows_options": []}],
                        "container": [{
                            "name": "web", "image": "nginx:1.27", "args": null,
                            "port": [{"container_port": 8080, "host_port": null, "protocol": "TCP"}],
                            "security_context": [{"allow_privilege_escalation": false,
                                "privileged": false, "run_as_user": null,
                                "capabilities": [{"add": null, "drop": ["ALL"]}]}],
                            "resources": [{"limits": {"cpu": "500m", "memory": "256Mi"}}],
                            "liveness_probe": [{"http_get": [{"path": "/healthz", "port": "8080",
                                "http_header": []}], "tcp_socket": []}],
                            "volume_mount": [{"mount_path": "/data", "name": "data"}]
                        }],
                        "init_container": [],
                        "volume": [
                            {"name": "data", "host_path": [{"path": "/var/data", "type": null}]},
                            {"name": "config", "config_map": [{"name": "web", "default_mode": "0644"}]},
                            {"name": "token", "projected": [{"sources": [{
                                "secret": [{"name": "a"}, {"name": "b"}],
                                "service_account_token": [{"audience": "api", "expiration_seconds": 3600}]
                            }]}]}
                        ]
                    }]
                }]
            }]
        })
    }

    #[test]
    fn a_deployment_in_the_shape_of_the_api() {
        let object = object(&deployment(), "Deployment").unwrap();
        assert_eq!(object["apiVersion"], "apps/v1");
        assert_eq!(object["metadata"]["labels"]["app_name"], "web");
        assert!(object["metadata"].get("annotations").is_none());
        assert!(object.get("id").is_none());
        assert_eq!(object["spec"]["replicas"], 2);
        assert_eq!(object["spec"]["selector"]["matchLabels"]["app"], "web");
        let pod = &object["spec"]["template"]["spec"];
        assert_eq!(pod["hostPID"], true);
        assert_eq!(pod["securityContext"]["runAsUser"], 1000);
        assert!(pod["securityContext"].get("fsGroup").is_none());
        assert_eq!(
            pod["securityContext"]["seccompProfile"]["type"],
            "RuntimeDefault"
        );
        let container = &pod["containers"][0];
        assert_eq!(container["ports"][0]["containerPort"], 8080);
        assert!(container["ports"][0].get("hostPort").is_none());
        assert_eq!(
            container["securityContext"]["capabilities"]["drop"],
            json!(["ALL"])
        );
        assert_eq!(container["livenessProbe"]["httpGet"]["port"], 8080);
        assert_eq!(container["volumeMounts"][0]["mountPath"], "/data");
        assert_eq!(container["resources"]["limits"]["memory"], "256Mi");
        assert!(pod.get("initContainers").is_none());
        assert_eq!(pod["volumes"][0]["hostPath"]["path"], "/var/data");
        assert_eq!(pod["volumes"][1]["configMap"]["defaultMode"], 420);
        let sources = &pod["volumes"][2]["projected"]["sources"];
        assert_eq!(sources[1]["secret"]["name"], "b");
        assert_eq!(sources[2]["serviceAccountToken"]["expirationSeconds"], 3600);
    }

    #[test]
    fn unknown_values_stay_where_they_are() {
        let after_unknown = json!({
            "id": true,
            "metadata": [{"generation": true, "labels": {}}],
            "spec": [{"template": [{"spec": [{
                "container": [{"image": false, "resources": true}, {"image": true}, true,
                    {"security_context": [{"capabilities": [{"drop": [false, true]}]}],
                     "args": [false, false]}]
            }]}]}]
        });
        let unknown = unknown(&after_unknown).unwrap();
        let containers = &unknown["spec"]["template"]["spec"]["containers"];
        assert_eq!(containers[0]["resources"], true);
        assert!(containers[0].get("image").is_none());
        assert_eq!(containers[1]["image"], true);
        assert_eq!(containers[2], true);
        assert_eq!(
            containers[3]["securityContext"]["capabilities"]["drop"],
            true
        );
        assert!(containers[3].get("args").is_none());
        assert!(unknown.get("id").is_none());
        assert_eq!(self::unknown(&json!({"id": true, "spec": [{}]})), None);
        // Containers unknown as a whole keep the API's name.
        let whole = json!({"spec": [{"container": true, "volume": true}]});
        assert_eq!(
            self::unknown(&whole),
            Some(json!({"spec": {"containers": true, "volumes": true}}))
        );
    }

    #[test]
    fn numbers_that_are_not_numbers() {
        let mut values = deployment();
        values["spec"][0]["template"][0]["spec"][0]["security_context"][0]["run_as_user"] =
            json!("root");
        let error = object(&values, "Deployment").unwrap_err();
        assert_eq!(
            error.pointer,
            "/spec/0/template/0/spec/0/security_context/0/run_as_user"
        );
        assert!(
            error.message.contains("not a whole number"),
            "{}",
            error.message
        );

        let mut values = deployment();
        values["spec"][0]["template"][0]["spec"][0]["volume"][1]["config_map"][0]["default_mode"] =
            json!("0999");
        let error = object(&values, "Deployment").unwrap_err();
        assert!(error.message.contains("octal"), "{}", error.message);
    }

    #[test]
    fn names() {
        assert_eq!(
            api_name("read_only_root_filesystem", "securityContext"),
            "readOnlyRootFilesystem"
        );
        assert_eq!(api_name("port", "containers"), "ports");
        assert_eq!(api_name("port", "httpGet"), "port");
        assert_eq!(api_name("volume", "spec"), "volumes");
        assert_eq!(api_name("volume", "quobyte"), "volume");
        assert_eq!(api_name("host_ipc", "spec"), "hostIPC");
        assert_eq!(workload_kind("kubernetes_daemonset"), Some("DaemonSet"));
        assert_eq!(workload_kind("kubernetes_manifest"), None);
    }
}
