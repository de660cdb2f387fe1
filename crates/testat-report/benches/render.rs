#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark fails by panicking"
)]

//! How long each format takes for a large scan: `cargo bench -p testat-report`.
//!
//! Generates a Terraform plan with `TESTAT_BENCH_RESOURCES` buckets (default 100,000),
//! runs three rules on it (300,000 findings by default, a third of them failing) and
//! renders every format once, printing the time and size of each.

use std::path::PathBuf;
use std::time::Instant;

use chrono::Utc;
use testat_inputs::{InputSet, ReadOptions};
use testat_report::{ScanFormat, ScanReport, render};
use testat_rules::{ExceptionUse, RuleOrigin, RuleSet, Severity, evaluate};

const RULES: [&str; 3] = [
    r#"
id: BENCH-ACL
title: Buckets are private
severity: high
criteria: [IDM-07]
provider: aws
resources: [aws_s3_bucket]
condition: 'resource.acl == "private"'
message: The bucket is public.
remediation: Set `acl = "private"`.
"#,
    r#"
id: BENCH-OWNER
title: Buckets name their owner
severity: low
criteria: [AM-01]
provider: aws
resources: [aws_s3_bucket]
condition: 'has(resource.tags.owner)'
message: The bucket names no owner.
remediation: Add an owner tag.
"#,
    r#"
id: BENCH-NAME
title: Buckets have a name
severity: medium
criteria: [AM-01, OPS-23]
provider: aws
resources: [aws_s3_bucket]
condition: 'resource.bucket != ""'
message: The bucket has no name.
remediation: Name the bucket.
"#,
];

fn plan(resources: usize) -> String {
    let mut out = String::from(
        "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.8\",\"resource_changes\":[\n",
    );
    for i in 0..resources {
        if i > 0 {
            out.push_str(",\n");
        }
        let acl = if i % 3 == 0 { "public-read" } else { "private" };
        out.push_str(&format!(
            r#"{{"address":"module.m{m}.aws_s3_bucket.b[{i}]","mode":"managed","type":"aws_s3_bucket","name":"b","index":{i},"provider_name":"registry.terraform.io/hashicorp/aws","change":{{"actions":["create"],"before":null,"after":{{"bucket":"bucket-{i}","acl":"{acl}","tags":{{"owner":"team-{m}"}}}},"after_unknown":{{}}}}}}"#,
            m = i % 50,
        ));
    }
    out.push_str("\n]}\n");
    out
}

fn main() {
    let resources: usize = std::env::var("TESTAT_BENCH_RESOURCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let catalog = testat_catalog::builtin();
    let mut inputs = InputSet::default();
    let options = ReadOptions::default();
    let t = Instant::now();
    inputs.add_bytes(
        PathBuf::from("plans/big.json"),
        plan(resources).into_bytes(),
        true,
        &options,
    );
    inputs.finish();
    assert!(inputs.problems.is_empty(), "{:?}", inputs.problems);
    let mut rules = RuleSet::empty();
    for (i, source) in RULES.iter().enumerate() {
        rules
            .add_source(
                source,
                RuleOrigin::File(PathBuf::from(format!("bench/{i}.yaml"))),
                catalog,
            )
            .unwrap();
    }
    let findings = evaluate(&inputs, &rules);
    eprintln!(
        "setup: {} resources, {} findings in {:.2?}",
        inputs.resources.len(),
        findings.len(),
        t.elapsed()
    );
    let usage = ExceptionUse::default();
    let report = ScanReport {
        tool_version: "0.1.0",
        catalog,
        inputs: &inputs,
        rules: &rules,
        findings: &findings,
        exceptions: &[],
        exception_use: &usage,
        fail_on: Severity::High,
        started_at: Utc::now(),
        finished_at: Utc::now(),
    };
    for format in [
        ScanFormat::Json,
        ScanFormat::Sarif,
        ScanFormat::Junit,
        ScanFormat::Text,
    ] {
        let t = Instant::now();
        let out = render(&report, format, false).unwrap();
        let elapsed = t.elapsed();
        println!(
            "{:<6} {:>8.1} ms  {:>7.1} MB",
            format.as_str(),
            elapsed.as_secs_f64() * 1000.0,
            out.len() as f64 / 1e6
        );
    }
}
