//! Generator of large Kubernetes manifests: many `Deployment` documents in one
//! multi-document YAML file, in the layout `helm template` and `kubectl get -o yaml`
//! write (two-space indentation, block style, `---` between documents).
//!
//! Each workload has two containers (an application and a sidecar) and draws its
//! settings from the seed, so that every built-in Kubernetes rule sees passing and
//! failing workloads: about a third harden everything, the rest leave out one or more
//! settings. Documents are written one at a time; nothing is kept.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::rng::Rng;

/// What to generate.
pub struct Options {
    /// Number of `Deployment` documents.
    pub workloads: usize,
    /// Seed: the same seed and count give the same file.
    pub seed: u64,
}

/// What was generated.
#[derive(Default)]
pub struct Stats {
    /// Documents written.
    pub workloads: usize,
    /// Workloads with every hardening setting.
    pub hardened: usize,
    /// Workloads per namespace.
    pub by_namespace: BTreeMap<&'static str, usize>,
}

const NAMESPACES: &[&str] = &[
    "shop",
    "payments",
    "search",
    "identity",
    "monitoring",
    "default",
    "batch",
    "edge",
];
const APPS: &[&str] = &[
    "api", "web", "worker", "cart", "checkout", "indexer", "auth", "gateway", "report",
];
const SIDECARS: &[&str] = &["envoy", "fluent-bit", "otel-collector", "vault-agent"];

/// Writes the manifest to `out`.
pub fn generate(options: &Options, mut out: impl Write) -> io::Result<Stats> {
    let mut rng = Rng::new(options.seed);
    let mut stats = Stats::default();
    let mut document = String::with_capacity(4096);
    for index in 0..options.workloads {
        document.clear();
        let hardened = deployment(&mut rng, index, &mut document, &mut stats);
        stats.hardened += usize::from(hardened);
        stats.workloads += 1;
        out.write_all(document.as_bytes())?;
    }
    out.flush()?;
    Ok(stats)
}

/// One `Deployment` document; whether it sets every hardening setting.
fn deployment(rng: &mut Rng, index: usize, out: &mut String, stats: &mut Stats) -> bool {
    let namespace = *rng.pick(NAMESPACES);
    *stats.by_namespace.entry(namespace).or_default() += 1;
    let app = *rng.pick(APPS);
    let name = format!("{app}-{index}");
    let hardened = rng.chance(1, 3);
    let flaw = |rng: &mut Rng| !hardened && rng.chance(1, 3);
    let replicas = rng.range(1, 6);
    let _ = write!(
        out,
        "---\n\
         apiVersion: apps/v1\n\
         kind: Deployment\n\
         metadata:\n  \
           name: {name}\n  \
           namespace: {namespace}\n  \
           labels:\n    \
             app: {name}\n\
         spec:\n  \
           replicas: {replicas}\n  \
           selector:\n    \
             matchLabels:\n      \
               app: {name}\n  \
           template:\n    \
             metadata:\n      \
               labels:\n        \
                 app: {name}\n    \
             spec:\n",
    );
    if !flaw(rng) {
        out.push_str("      automountServiceAccountToken: false\n");
    }
    out.push_str("      serviceAccountName: ");
    out.push_str(app);
    out.push('\n');
    if flaw(rng) {
        out.push_str("      hostNetwork: true\n");
    }
    if !flaw(rng) {
        out.push_str(
            "      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n        \
             seccompProfile:\n          type: RuntimeDefault\n",
        );
    }
    out.push_str("      containers:\n");
    let image_digest = !flaw(rng);
    container(rng, out, app, image_digest, hardened, true);
    let sidecar = *rng.pick(SIDECARS);
    container(rng, out, sidecar, true, hardened, false);
    if flaw(rng) {
        out.push_str("      volumes:\n        - name: host-logs\n          hostPath:\n            path: /var/log\n");
    }
    hardened
}

/// One container under `containers:`.
fn container(rng: &mut Rng, out: &mut String, name: &str, digest: bool, hardened: bool, app: bool) {
    let flaw = |rng: &mut Rng| !hardened && rng.chance(1, 4);
    let _ = write!(out, "        - name: {name}\n          image: ");
    if digest {
        let _ = writeln!(out, "registry.example.com/{name}@sha256:{}", rng.hex(64));
    } else {
        let _ = writeln!(out, "registry.example.com/{name}:latest");
    }
    out.push_str("          imagePullPolicy: IfNotPresent\n");
    if app {
        let port = *rng.pick(&[8080u64, 8443, 9090, 3000]);
        let _ = write!(
            out,
            "          ports:\n            - name: http\n              containerPort: {port}\n              protocol: TCP\n"
        );
        if flaw(rng) {
            let _ = writeln!(out, "              hostPort: {port}");
        }
    }
    if !flaw(rng) {
        let cpu = rng.range(1, 8) * 100;
        let memory = rng.range(1, 16) * 64;
        let _ = write!(
            out,
            "          resources:\n            requests:\n              cpu: {cpu}m\n              \
             memory: {memory}Mi\n            limits:\n              cpu: {}m\n              memory: {memory}Mi\n",
            cpu * 2
        );
    }
    out.push_str("          securityContext:\n");
    out.push_str(if flaw(rng) {
        "            allowPrivilegeEscalation: true\n"
    } else {
        "            allowPrivilegeEscalation: false\n"
    });
    if flaw(rng) {
        out.push_str("            privileged: true\n");
    }
    if !flaw(rng) {
        out.push_str("            readOnlyRootFilesystem: true\n");
    }
    out.push_str("            capabilities:\n");
    if flaw(rng) {
        out.push_str("              add: [\"NET_ADMIN\"]\n");
    } else {
        out.push_str("              drop: [\"ALL\"]\n");
    }
}
