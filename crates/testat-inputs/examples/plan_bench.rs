//! Speed and memory of reading a large Terraform plan, against `serde_json::Value`.
//!
//! ```text
//! cargo run --release -p testat-inputs --example plan_bench -- generate /tmp/plan.json 25000
//! /usr/bin/time -v cargo run --release -p testat-inputs --example plan_bench -- read /tmp/plan.json
//! /usr/bin/time -v cargo run --release -p testat-inputs --example plan_bench -- value /tmp/plan.json
//! ```
//!
//! `generate` writes a single-line plan (as Terraform does) with the given number of
//! resources: every resource appears in `planned_values`, `resource_changes` (with
//! `before`, `after`, `after_unknown`, sensitivity) and `prior_state`, and the
//! configuration has versioning resources referring to buckets. About 4 KB per
//! resource, so 100,000 resources make a plan of roughly 400 MB.
//! `read` runs `read_paths` on it, and parses every resource's values once (what a
//! scan does); `value` reads the file and parses it into one `serde_json::Value`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use testat_inputs::{ReadOptions, read_paths};

/// Resources per configuration block (`count`).
const PER_CONFIG: usize = 50;

fn attributes(i: usize, known: bool) -> String {
    let name = format!("acme-bucket-{i:07}");
    let id = if known {
        format!(
            r#""id":"{name}","arn":"arn:aws:s3:::{name}","bucket_domain_name":"{name}.s3.amazonaws.com","#
        )
    } else {
        String::new()
    };
    format!(
        r#"{{{id}"acceleration_status":"","acl":null,"bucket":"{name}","bucket_prefix":"","force_destroy":false,"grant":[{{"id":"","permissions":["FULL_CONTROL"],"type":"CanonicalUser","uri":""}}],"hosted_zone_id":"Z21DNDUVLTQW6Q","lifecycle_rule":[],"logging":[{{"target_bucket":"acme-logs","target_prefix":"s3/{name}/"}}],"object_lock_enabled":false,"policy":"","region":"eu-central-1","replication_configuration":[],"request_payer":"BucketOwner","server_side_encryption_configuration":[{{"rule":[{{"apply_server_side_encryption_by_default":[{{"kms_master_key_id":"arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab","sse_algorithm":"aws:kms"}}],"bucket_key_enabled":true}}]}}],"tags":{{"cost-center":"cc-{c}","environment":"production","owner":"platform-team","service":"storage"}},"tags_all":{{"cost-center":"cc-{c}","environment":"production","owner":"platform-team","service":"storage"}},"timeouts":null,"versioning":[{{"enabled":true,"mfa_delete":false}}],"website":[]}}"#,
        c = i % 97
    )
}

fn address(i: usize) -> (String, usize, usize) {
    let config = i / PER_CONFIG;
    let index = i % PER_CONFIG;
    (format!("aws_s3_bucket.b{config}[{index}]"), config, index)
}

fn generate(path: &PathBuf, count: usize) -> std::io::Result<()> {
    let mut out = String::with_capacity(count * 4200);
    out.push_str(r#"{"format_version":"1.2","terraform_version":"1.9.5","variables":{"env":{"value":"production"}},"planned_values":{"root_module":{"resources":["#);
    for i in 0..count {
        let (addr, config, index) = address(i);
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"{{"address":"{addr}","mode":"managed","type":"aws_s3_bucket","name":"b{config}","index":{index},"provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,"values":{},"sensitive_values":{{"grant":[{{"permissions":[false]}}],"logging":[{{}}],"tags":{{}},"tags_all":{{}}}}}}"#,
            attributes(i, i % 2 == 0)
        );
    }
    out.push_str(r#"]}},"resource_changes":["#);
    for i in 0..count {
        let (addr, config, index) = address(i);
        if i > 0 {
            out.push(',');
        }
        let (actions, before, unknown) = if i % 2 == 0 {
            (r#"["update"]"#, attributes(i, true), "{}")
        } else {
            (
                r#"["create"]"#,
                "null".to_owned(),
                r#"{"arn":true,"bucket_domain_name":true,"id":true,"grant":[{"permissions":[false]}],"logging":[{}],"tags":{},"tags_all":{}}"#,
            )
        };
        let _ = write!(
            out,
            r#"{{"address":"{addr}","mode":"managed","type":"aws_s3_bucket","name":"b{config}","index":{index},"provider_name":"registry.terraform.io/hashicorp/aws","change":{{"actions":{actions},"before":{before},"after":{},"after_unknown":{unknown},"before_sensitive":{{"tags":{{}}}},"after_sensitive":{{"grant":[{{"permissions":[false]}}],"tags":{{}},"tags_all":{{}}}}}}}}"#,
            attributes(i, i % 2 == 0)
        );
    }
    out.push_str(r#"],"prior_state":{"format_version":"1.0","terraform_version":"1.9.5","values":{"root_module":{"resources":["#);
    let mut first = true;
    for i in (0..count).step_by(2) {
        let (addr, config, index) = address(i);
        if !first {
            out.push(',');
        }
        first = false;
        let _ = write!(
            out,
            r#"{{"address":"{addr}","mode":"managed","type":"aws_s3_bucket","name":"b{config}","index":{index},"provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,"values":{},"sensitive_values":{{"tags":{{}}}}}}"#,
            attributes(i, true)
        );
    }
    out.push_str(r#"]}}},"configuration":{"provider_config":{"aws":{"name":"aws","full_name":"registry.terraform.io/hashicorp/aws"}},"root_module":{"resources":["#);
    let configs = count.div_ceil(PER_CONFIG);
    for config in 0..configs {
        if config > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"{{"address":"aws_s3_bucket.b{config}","mode":"managed","type":"aws_s3_bucket","name":"b{config}","provider_config_key":"aws","expressions":{{"bucket":{{"references":["count.index"]}},"logging":[{{"target_bucket":{{"references":["aws_s3_bucket.b0[0].id","aws_s3_bucket.b0[0]","aws_s3_bucket.b0"]}}}}]}},"schema_version":0,"count_expression":{{"constant_value":{PER_CONFIG}}}}}"#
        );
    }
    out.push_str(r#"]}},"timestamp":"2025-01-15T10:00:00Z","applyable":true,"complete":true,"errored":false}"#);
    out.push('\n');
    std::fs::File::create(path)?.write_all(out.as_bytes())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["generate", path, count] => {
            let Ok(count) = count.parse() else {
                eprintln!("not a number: {count}");
                return ExitCode::FAILURE;
            };
            let path = PathBuf::from(path);
            if let Err(error) = generate(&path, count) {
                eprintln!("{}: {error}", path.display());
                return ExitCode::FAILURE;
            }
            let size = std::fs::metadata(&path).map_or(0, |m| m.len());
            println!("{}: {count} resources, {size} bytes", path.display());
        }
        ["read", path] => {
            let start = Instant::now();
            let set = read_paths(&[PathBuf::from(path)], &ReadOptions::default());
            let read = start.elapsed();
            let mut parsed = 0usize;
            for resource in &set.resources {
                if set.values(resource).is_ok() {
                    parsed += 1;
                }
            }
            let links: usize = set.links.iter().map(Vec::len).sum();
            println!(
                "read_paths: {:.3} s; with every resource's values parsed once: {:.3} s; {} resources, {parsed} values parsed, {links} link ends, {} problems",
                read.as_secs_f64(),
                start.elapsed().as_secs_f64(),
                set.resources.len(),
                set.problems.len()
            );
        }
        ["value", path] => {
            let start = Instant::now();
            let Ok(text) = std::fs::read_to_string(path) else {
                eprintln!("cannot read {path}");
                return ExitCode::FAILURE;
            };
            let read = start.elapsed();
            let value: serde_json::Value = match serde_json::from_str(&text) {
                Ok(value) => value,
                Err(error) => {
                    eprintln!("{path}: {error}");
                    return ExitCode::FAILURE;
                }
            };
            println!(
                "read file: {:.3} s; serde_json::Value parse: {:.3} s; total {:.3} s ({} top-level keys)",
                read.as_secs_f64(),
                (start.elapsed() - read).as_secs_f64(),
                start.elapsed().as_secs_f64(),
                value.as_object().map_or(0, serde_json::Map::len)
            );
        }
        _ => {
            eprintln!("usage: plan_bench generate PATH RESOURCES | read PATH | value PATH");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
