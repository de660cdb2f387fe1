//! Large, realistic inputs for the import benchmark: Checkov JSON and Prowler OCSF
//! files of any size, written as a stream (one record in memory at a time). The same
//! size and seed give the same bytes.
//!
//! The records have every member the real tools write, with the same nesting and
//! indentation (Checkov: `json.dumps(indent=4)`; Prowler: pydantic's
//! `model_dump_json(indent=4)`), so their size per finding is close to the real
//! thing: about 2.6 KB for Checkov (with its code blocks) and 4.6 KB for Prowler. The
//! checks come from the built-in mapping tables plus 10% that no table maps.

use std::io::{self, Write};

use serde::Deserialize;
use serde_json::{Value, json};

use crate::mapping::BUILTIN_TABLES;

/// Bytes of one generated Checkov finding, on average (to size a file).
pub const CHECKOV_BYTES_PER_FINDING: usize = 7_700;
/// Bytes of one generated Prowler finding, on average.
pub const PROWLER_BYTES_PER_FINDING: usize = 6_600;

/// SplitMix64: small, fast, and the same on every platform.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }
}

#[derive(Deserialize)]
struct Table {
    checks: Vec<Entry>,
}

#[derive(Deserialize, Clone)]
struct Entry {
    check: String,
    provider: Option<String>,
    about: String,
}

fn table(tool: &str) -> Vec<Entry> {
    BUILTIN_TABLES
        .iter()
        .filter(|(origin, _)| origin.contains(tool))
        .filter_map(|(_, text)| serde_norway::from_str::<Table>(text).ok())
        .flat_map(|t| t.checks)
        .collect()
}

/// Checks to draw from: the table's, plus a tenth more that no table maps.
fn pool(tool: &str, unmapped: impl Fn(usize) -> Entry) -> Vec<Entry> {
    let mut checks = table(tool);
    let extra = checks.len() / 10 + 1;
    checks.extend((0..extra).map(unmapped));
    checks
}

/// `text` with every line but the first indented by `depth` levels of four spaces,
/// as if it had been written nested that deep.
fn nested(text: &str, depth: usize) -> String {
    let pad = "    ".repeat(depth);
    text.replace('\n', &format!("\n{pad}"))
}

fn pretty(value: &Value) -> io::Result<String> {
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    serde::Serialize::serialize(value, &mut ser).map_err(io::Error::other)?;
    String::from_utf8(buf).map_err(io::Error::other)
}

/// Writes a Checkov JSON report (`checkov -o json` of two frameworks, so a list of two
/// reports) with `findings` check records: 70% passed, 25% failed, 5% skipped with a
/// suppress comment.
pub fn checkov_json<W: Write>(out: W, findings: usize, seed: u64) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    let mut rng = Rng(seed);
    let pool = pool("checkov", |i| Entry {
        check: format!("CKV_AWS_{}", 900 + i),
        provider: Some("aws".to_owned()),
        about: format!("Generated check {i} that no table maps"),
    });
    let (plan, k8s): (Vec<Entry>, Vec<Entry>) = pool
        .into_iter()
        .partition(|e| e.provider.as_deref() != Some("kubernetes"));
    let halves = [
        ("terraform_plan", plan, findings - findings / 3),
        ("kubernetes", k8s, findings / 3),
    ];
    out.write_all(b"[\n")?;
    for (r, (framework, checks, count)) in halves.iter().enumerate() {
        let mut passed = Vec::new();
        let mut failed = Vec::new();
        let mut skipped = Vec::new();
        for i in 0..*count {
            let roll = rng.below(100);
            let list = if roll < 70 {
                &mut passed
            } else if roll < 95 {
                &mut failed
            } else {
                &mut skipped
            };
            list.push(i);
        }
        out.write_all(b"    {\n")?;
        writeln!(out, "        \"check_type\": \"{framework}\",")?;
        out.write_all(b"        \"results\": {\n")?;
        for (name, list, result) in [
            ("passed_checks", &passed, "PASSED"),
            ("failed_checks", &failed, "FAILED"),
            ("skipped_checks", &skipped, "SKIPPED"),
        ] {
            write!(out, "            \"{name}\": [")?;
            for (n, &i) in list.iter().enumerate() {
                let Some(entry) = rng.pick(checks) else {
                    break;
                };
                let record = checkov_record(&mut rng, entry, framework, result, i);
                out.write_all(if n == 0 {
                    b"\n                "
                } else {
                    b",\n                "
                })?;
                out.write_all(nested(&pretty(&record)?, 4).as_bytes())?;
            }
            if list.is_empty() {
                out.write_all(b"],\n")?;
            } else {
                out.write_all(b"\n            ],\n")?;
            }
        }
        out.write_all(b"            \"parsing_errors\": []\n        },\n")?;
        let summary = json!({
            "passed": passed.len(),
            "failed": failed.len(),
            "skipped": skipped.len(),
            "parsing_errors": 0,
            "resource_count": count / 8 + 1,
            "checkov_version": "3.3.30",
        });
        writeln!(
            out,
            "        \"summary\": {},",
            nested(&pretty(&summary)?, 2)
        )?;
        out.write_all(b"        \"url\": \"Add an api key '--bc-api-key <api-key>' to see more detailed insights via https://bridgecrew.cloud\"\n")?;
        out.write_all(if r + 1 < halves.len() {
            b"    },\n"
        } else {
            b"    }\n"
        })?;
    }
    out.write_all(b"]\n")?;
    out.flush()
}

fn checkov_record(rng: &mut Rng, entry: &Entry, framework: &str, result: &str, i: usize) -> Value {
    let provider = entry.provider.as_deref().unwrap_or("aws");
    let resource_index = i / 8;
    let (resource, file) = if framework == "kubernetes" {
        (
            format!("Deployment.shop.service-{resource_index}"),
            format!("/k8s/service-{}.yaml", resource_index / 20),
        )
    } else {
        (
            format!("{provider}_resource.item_{resource_index}"),
            format!("/{provider}/plan-{}.json", resource_index / 500),
        )
    };
    let start = 1 + (resource_index % 500) * 40;
    let lines = 20 + rng.below(20);
    let code: Vec<Value> = (0..lines)
        .map(|l| {
            json!([
                start + l,
                format!("            \"attribute_{l}\": \"value of line {l} for {resource}\",\n")
            ])
        })
        .collect();
    let mut check_result = json!({
        "result": result,
        "evaluated_keys": ["server_side_encryption_configuration/[0]/rule/[0]/apply_server_side_encryption_by_default"],
    });
    if result == "SKIPPED"
        && let Some(map) = check_result.as_object_mut()
    {
        map.insert(
            "suppress_comment".to_owned(),
            json!(format!(
                "Accepted by the platform team, ticket OPS-{}",
                1000 + i % 500
            )),
        );
    }
    json!({
        "check_id": entry.check,
        "bc_check_id": null,
        "check_name": entry.about,
        "check_result": check_result,
        "code_block": code,
        "file_path": file,
        "file_abs_path": format!("/home/ci/work/infra{file}"),
        "repo_file_path": format!("/infra{file}"),
        "file_line_range": [start, start + lines - 1],
        "resource": resource,
        "evaluations": null,
        "check_class": format!("checkov.terraform.checks.resource.{provider}.Generated{}", entry.check.len()),
        "fixed_definition": null,
        "entity_tags": {"team": "shop", "env": "prod"},
        "caller_file_path": null,
        "caller_file_line_range": null,
        "resource_address": if framework == "kubernetes" { Value::Null } else { json!(resource) },
        "severity": null,
        "bc_category": null,
        "benchmarks": null,
        "description": null,
        "short_description": null,
        "vulnerability_details": null,
        "connected_node": null,
        "guideline": null,
        "details": [],
        "check_len": null,
        "definition_context_file_path": null
    })
}

/// Writes Prowler's OCSF output (`prowler -M json-ocsf`) with `findings` Detection
/// Findings of one AWS account: 60% PASS, 30% FAIL, 5% MANUAL, 5% muted FAIL.
pub fn prowler_ocsf<W: Write>(out: W, findings: usize, seed: u64) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    let mut rng = Rng(seed);
    let pool: Vec<Entry> = pool("prowler", |i| Entry {
        check: format!("generated_unmapped_check_{i}"),
        provider: Some("aws".to_owned()),
        about: format!("Generated check {i} that no table maps"),
    })
    .into_iter()
    .filter(|e| e.provider.as_deref() == Some("aws"))
    .collect();
    let regions = ["eu-central-1", "eu-west-1", "us-east-1", "eu-north-1"];
    out.write_all(b"[")?;
    for i in 0..findings {
        let Some(entry) = rng.pick(&pool) else {
            break;
        };
        let region = rng.pick(&regions).copied().unwrap_or("eu-central-1");
        let roll = rng.below(100);
        let (status, muted) = match roll {
            0..60 => ("PASS", false),
            60..90 => ("FAIL", false),
            90..95 => ("MANUAL", false),
            _ => ("FAIL", true),
        };
        let severity = ["Low", "Medium", "High", "Critical"][rng.below(4)];
        let record = prowler_record(entry, i, region, status, muted, severity);
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(pretty(&record)?.as_bytes())?;
    }
    out.write_all(b"]")?;
    out.flush()
}

fn prowler_record(
    entry: &Entry,
    i: usize,
    region: &str,
    status: &str,
    muted: bool,
    severity: &str,
) -> Value {
    let account = "123456789012";
    let name = format!("resource-{}", i / 12);
    let service = entry.check.split('_').next().unwrap_or("aws");
    let uid = format!("arn:aws:{service}:{region}:{account}:{name}");
    let severity_id = match severity {
        "Low" => 2,
        "Medium" => 3,
        "High" => 4,
        _ => 5,
    };
    let frameworks = [
        "CIS-5.0",
        "CIS-6.0",
        "ISO27001-2022",
        "NIST-800-53-Revision-5",
        "NIST-CSF-2.0",
        "PCI-4.0",
        "SOC2",
        "GDPR",
        "HIPAA",
        "ENS-RD2022",
        "AWS-Foundational-Security-Best-Practices",
        "MITRE-ATTACK",
        "KISA-ISMS-P-2023",
        "C5-2025",
        "BSI-Grundschutz",
        "FedRAMP-Moderate-Revision-4",
        "CISA",
        "NIS2",
        "Prowler-ThreatScore",
        "AWS-Well-Architected-Framework-Security-Pillar",
    ];
    let compliance: serde_json::Map<String, Value> = frameworks
        .iter()
        .enumerate()
        .map(|(n, f)| {
            let ids: Vec<String> = (0..3)
                .map(|k| format!("{}.{}.{}", n + 1, k + 1, entry.check.len() % 9))
                .collect();
            ((*f).to_owned(), json!(ids))
        })
        .collect();
    json!({
        "message": format!("{} for {name}: {status}.", entry.about),
        "metadata": {
            "event_code": entry.check,
            "product": {"name": "Prowler", "uid": "prowler", "vendor_name": "Prowler", "version": "5.40.0"},
            "profiles": ["cloud", "datetime"],
            "tenant_uid": "",
            "version": "1.5.0"
        },
        "severity_id": severity_id,
        "severity": severity,
        "status": if muted { "Suppressed" } else { "New" },
        "status_code": status,
        "status_detail": format!("{} for {name}: {status}.", entry.about),
        "status_id": if muted { 3 } else { 1 },
        "unmapped": {
            "related_url": "",
            "categories": ["encryption"],
            "depends_on": [],
            "related_to": [],
            "additional_urls": [],
            "notes": "",
            "compliance": compliance,
            "scan_id": "01990a9c-0b00-7000-8000-000000000001",
            "provider_uid": account,
            "provider": "aws"
        },
        "activity_name": "Create",
        "activity_id": 1,
        "finding_info": {
            "analytic": {"category": service, "name": entry.about, "type": "Rule", "type_id": 1, "uid": entry.check},
            "created_time": 1_787_551_200,
            "created_time_dt": "2026-08-24T06:00:00Z",
            "desc": format!("Generated description of {}.", entry.check),
            "title": entry.about,
            "types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
            "uid": format!("prowler-aws-{}-{account}-{region}-{name}", entry.check)
        },
        "resources": [{
            "cloud_partition": "aws",
            "region": region,
            "data": {
                "details": "",
                "metadata": {
                    "name": name,
                    "arn": uid,
                    "region": region,
                    "tags": [{"Key": "team", "Value": "shop"}, {"Key": "env", "Value": "prod"}],
                    "encryption": {"enabled": status == "PASS", "key": format!("arn:aws:kms:{region}:{account}:key/0000-{i}")},
                    "logging": {"enabled": true, "target": "central-logs"},
                    "created": "2025-11-02T10:00:00Z"
                }
            },
            "group": {"name": service},
            "labels": ["team:shop", "env:prod"],
            "name": name,
            "type": "AwsResource",
            "uid": uid
        }],
        "category_name": "Findings",
        "category_uid": 2,
        "class_name": "Detection Finding",
        "class_uid": 2004,
        "cloud": {
            "account": {"name": "shop-prod", "type": "AWS Account", "type_id": 10, "uid": account, "labels": []},
            "org": {"name": "", "uid": ""},
            "provider": "aws",
            "region": region
        },
        "remediation": {
            "desc": format!("Generated advice for {}.", entry.check),
            "references": [format!("https://docs.example.com/prowler/{}", entry.check)]
        },
        "risk_details": "Generated risk text.",
        "time": 1_787_551_200,
        "time_dt": "2026-08-24T06:00:00Z",
        "type_uid": 200_401,
        "type_name": "Detection Finding: Create"
    })
}
