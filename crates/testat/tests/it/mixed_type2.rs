//! A Type 2 assessment over runs that mix Testat's own scans and imported Checkov
//! runs (the real Checkov output kept in crates/testat-import/tests/data): failure
//! intervals come from both, and every report format names the importing tool.

use std::path::Path;

use serde_json::Value;

use crate::support::{in_dir, repo_root};

const CONFIG: &str = r#"
[service]
name = "Beispiel Plattform"
provider = "Beispiel GmbH"
description = "Managed Kubernetes."
models = ["PaaS"]
deployment = "public"
jurisdiction = "DE"

[assessment]
max_scan_gap = "3d"

# Checkov's privileged-container check alone, beside Testat's rule of the same
# matter; every other Checkov check is left out of the criteria here.
[[mapping]]
tool = "checkov"
check = "CKV_*"
criteria = []
criteria_2026 = []

[[mapping]]
tool = "checkov"
check = "CKV_K8S_16"
criteria = ["OPS-23"]
"#;

fn pod(privileged: bool) -> String {
    format!(
        "apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    seccompProfile: {{type: RuntimeDefault}}
  containers:
    - name: web
      image: registry.example.com/web@sha256:{digest}
      resources:
        limits: {{cpu: 500m, memory: 256Mi}}
        requests: {{cpu: 100m, memory: 128Mi}}
      securityContext:
        privileged: {privileged}
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: {{drop: [ALL]}}
",
        digest = "0123456789abcdef".repeat(4)
    )
}

/// A day of March: Testat scans the pod, and Checkov's report of that day is imported.
fn day(d: &Path, day: u32, privileged: bool, checkov: &str) {
    let now = format!("2026-03-{day:02}T06:00:00Z");
    std::fs::write(d.join("k8s/app.yaml"), pod(privileged)).unwrap();
    let scan = in_dir(d, &now, "alice")
        .args(["scan", "k8s", "--record"])
        .output()
        .unwrap();
    assert!(matches!(scan.status.code(), Some(0 | 1)), "scan {now}");
    let report = repo_root()
        .join("crates/testat-import/tests/data")
        .join(checkov);
    let import = in_dir(d, &now, "alice")
        .args(["import", "--record"])
        .arg(report)
        .output()
        .unwrap();
    assert_eq!(
        import.status.code(),
        Some(1),
        "import {now}: {}",
        String::from_utf8_lossy(&import.stderr)
    );
}

#[test]
fn type_2_over_scans_and_imports_shows_intervals_from_both() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("k8s")).unwrap();
    std::fs::write(d.join("testat.toml"), CONFIG).unwrap();
    in_dir(d, "2026-02-20T09:00:00Z", "alice")
        .arg("init")
        .assert()
        .success();
    // Checkov on the small inputs; then on examples/ for two days (its failures
    // there are detected on the 3rd and gone on the 5th); Testat sees the pod
    // privileged on the 3rd, fixed on the 5th.
    day(d, 1, false, "checkov-suppressed.json");
    day(d, 3, true, "checkov-examples.json");
    day(d, 4, true, "checkov-examples.json");
    day(d, 5, false, "checkov-suppressed.json");
    day(d, 7, false, "checkov-suppressed.json");

    let after = "2026-04-02T09:00:00Z";
    let period = ["--type", "2", "--from", "2026-03-02", "--to", "2026-03-31"];
    let out = in_dir(d, after, "alice")
        .arg("assess")
        .args(period)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let a: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ops23 = a["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "OPS-23")
        .unwrap();
    let failures = ops23["failures"].as_array().unwrap();
    let ours = failures
        .iter()
        .find(|f| f["rule"] == "K8S-NO-PRIVILEGED")
        .unwrap_or_else(|| panic!("no interval of Testat's rule: {failures:?}"));
    assert_eq!(ours["detected"], "2026-03-03T06:00:00Z");
    assert_eq!(ours["fixed"], "2026-03-05T06:00:00Z");
    let imported = failures
        .iter()
        .find(|f| f["rule"] == "checkov:CKV_K8S_16")
        .unwrap_or_else(|| panic!("no interval of the imported check: {failures:?}"));
    assert_eq!(imported["scope"], "checkov");
    assert_eq!(imported["resource"], "DaemonSet.logging.log-shipper");
    assert_eq!(imported["detected"], "2026-03-03T06:00:00Z");
    // Gone from Checkov's report on the 5th: no longer failing.
    assert_eq!(imported["fixed"], "2026-03-05T06:00:00Z");
    assert_eq!(failures.len(), 2, "{failures:?}");
    let rule = imported["rule"].as_str().unwrap().to_owned();
    assert_eq!(a["period"]["runs"]["checkov"], 4, "{}", a["period"]);
    assert_eq!(a["period"]["runs"]["default"], 4, "{}", a["period"]);

    // Every report format names the tool (in the rule ID) beside Testat's rule.
    let pdftotext = testat_test_support::tool_available(
        "pdftotext",
        "the PDF part of the mixed Type 2 test",
        "apt-get install poppler-utils",
    );
    let out_dir = tempfile::tempdir().unwrap();
    for format in ["md", "csv", "json", "html", "oscal", "pdf"] {
        if format == "pdf" && !pdftotext {
            continue;
        }
        let file = out_dir.path().join(format!("report.{format}"));
        in_dir(d, after, "alice")
            .arg("report")
            .args(period)
            .args(["--format", format, "--out"])
            .arg(&file)
            .assert()
            .success();
        let text = if format == "pdf" {
            let out = std::process::Command::new("pdftotext")
                .arg(&file)
                .arg("-")
                .output()
                .unwrap();
            String::from_utf8(out.stdout)
                .unwrap()
                .split_whitespace()
                .collect::<String>()
        } else {
            // Markdown escapes `_`; HTML writes `:` and `/` as entities at places.
            std::fs::read_to_string(&file)
                .unwrap()
                .replace('\\', "")
                .replace("&#x3a;", ":")
                .replace("&#58;", ":")
        };
        let want = |s: &str| {
            if format == "pdf" {
                s.split_whitespace().collect::<String>()
            } else {
                s.to_owned()
            }
        };
        assert!(text.contains(&want(&rule)), "{format} lacks {rule}");
        assert!(
            text.contains(&want("K8S-NO-PRIVILEGED")),
            "{format} lacks Testat's rule"
        );
    }
}
