//! Generator of large, realistic Terraform plans in the shape `terraform show -json
//! plan.out` writes them (format 1.2, one line).
//!
//! The plan is described first by a small skeleton (modules, resource blocks with their
//! instance keys, actions and flaws); the document is then streamed section by section
//! (`planned_values`, `resource_changes`, `prior_state`, `configuration`), generating
//! each resource's values again from its block's seed wherever they appear. Only one
//! resource's values are in memory at a time.
//!
//! | module | writes |
//! | --- | --- |
//! | `skeleton` | nothing: draws the modules and blocks from the seed |
//! | this one | the document around the sections |
//! | `values` | `planned_values` and `prior_state` |
//! | `changes` | `resource_changes` |
//! | `config` | `configuration` and `relevant_attributes` |
//! | `kinds`, `attrs` | one resource's values (per provider), and how a plan splits them |

mod attrs;
mod changes;
mod config;
mod kinds;
mod skeleton;
mod values;

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::json;

use self::changes::write_changes;
use self::config::{write_config_module, write_relevant_attributes};
use self::skeleton::Skeleton;
use self::values::{Section, write_values_module};

/// Terraform version written into the plan.
const TERRAFORM_VERSION: &str = "1.9.8";

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Number of resource instances (managed and data) in the plan.
    pub resources: usize,
    /// Seed; the same seed and size give the same bytes.
    pub seed: u64,
}

/// What was generated.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Resource instances in the plan (managed and data sources).
    pub instances: usize,
    /// Managed resource instances that still exist after the plan (what a scanner sees).
    pub managed: usize,
    /// Managed instances the plan deletes.
    pub deleted: usize,
    /// Data source instances.
    pub data: usize,
    /// Managed, not deleted instances that a misconfiguration can be on (buckets,
    /// security groups and rules, storage accounts, firewalls; not the versioning and
    /// encryption resources attached to a bucket).
    pub primary: usize,
    /// Managed, not deleted instances of a misconfigured block.
    pub flawed: usize,
    /// Modules other than the root module.
    pub modules: usize,
    /// Instances per resource type.
    pub by_type: BTreeMap<&'static str, usize>,
}

/// Streaming JSON output.
struct Out<W: Write> {
    w: W,
}

impl<W: Write> Out<W> {
    fn raw(&mut self, text: &str) -> io::Result<()> {
        self.w.write_all(text.as_bytes())
    }

    fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        serde_json::to_writer(&mut self.w, value).map_err(io::Error::from)
    }

    /// `"key":` with a leading comma unless `first`.
    fn key(&mut self, first: &mut bool, key: &str) -> io::Result<()> {
        if !*first {
            self.raw(",")?;
        }
        *first = false;
        self.json(key)?;
        self.raw(":")
    }

    /// A separator inside an array.
    fn item(&mut self, first: &mut bool) -> io::Result<()> {
        if !*first {
            self.raw(",")?;
        }
        *first = false;
        Ok(())
    }
}

/// Writes a plan of `options.resources` instances to `out` (buffer it) and returns
/// what it contains.
pub fn generate<W: Write>(options: &Options, out: W) -> io::Result<Stats> {
    let skeleton = Skeleton::build(options);
    let mut out = Out { w: out };
    out.raw("{\"format_version\":\"1.2\",\"terraform_version\":")?;
    out.json(TERRAFORM_VERSION)?;
    out.raw(",\"variables\":")?;
    out.json(&json!({
        "environment": { "value": "prod" },
        "network": { "value": "projects/acme-platform-prod/global/networks/vpc-prod" },
        "resource_group_name": { "value": "rg-acme-prod" },
        "log_bucket": { "value": "acme-prod-access-logs" },
        "vpc_id": { "value": "vpc-0c0ffee1234567890" }
    }))?;
    out.raw(",\"planned_values\":{\"outputs\":")?;
    out.json(&json!({ "environment": { "sensitive": false, "type": "string", "value": "prod" } }))?;
    out.raw(",\"root_module\":")?;
    write_values_module(&skeleton, &mut out, 0, Section::Planned)?;
    out.raw("},\"resource_changes\":")?;
    write_changes(&skeleton, &mut out)?;
    out.raw(",\"output_changes\":")?;
    out.json(&json!({ "environment": {
        "actions": ["no-op"], "before": "prod", "after": "prod", "after_unknown": false,
        "before_sensitive": false, "after_sensitive": false
    }}))?;
    out.raw(",\"prior_state\":{\"format_version\":\"1.0\",\"terraform_version\":")?;
    out.json(TERRAFORM_VERSION)?;
    out.raw(",\"values\":{\"outputs\":")?;
    out.json(&json!({ "environment": { "sensitive": false, "type": "string", "value": "prod" } }))?;
    out.raw(",\"root_module\":")?;
    write_values_module(&skeleton, &mut out, 0, Section::Prior)?;
    out.raw("}},\"configuration\":{\"provider_config\":")?;
    out.json(&json!({
        "aws": { "name": "aws", "full_name": "registry.terraform.io/hashicorp/aws", "version_constraint": "~> 5.80",
            "expressions": { "region": { "constant_value": "eu-central-1" },
                "default_tags": [{ "tags": { "references": ["var.environment"] } }] } },
        "azurerm": { "name": "azurerm", "full_name": "registry.terraform.io/hashicorp/azurerm", "version_constraint": "~> 4.14",
            "expressions": { "features": [{}], "subscription_id": { "constant_value": "0f3a6c1e-7d2b-4a5e-9c8f-1b2d3e4f5a6b" } } },
        "google": { "name": "google", "full_name": "registry.terraform.io/hashicorp/google", "version_constraint": "~> 6.12",
            "expressions": { "project": { "constant_value": "acme-platform-prod" }, "region": { "constant_value": "europe-west3" } } },
        "tencentcloud": { "name": "tencentcloud", "full_name": "registry.terraform.io/tencentcloudstack/tencentcloud", "version_constraint": "~> 1.81",
            "expressions": { "region": { "constant_value": "ap-guangzhou" } } }
    }))?;
    out.raw(",\"root_module\":")?;
    write_config_module(&skeleton, &mut out, 0)?;
    out.raw("},\"relevant_attributes\":")?;
    write_relevant_attributes(&skeleton, &mut out)?;
    out.raw(",\"timestamp\":\"2025-06-02T08:15:00Z\",\"applyable\":true,\"complete\":true,\"errored\":false}")?;
    out.w.flush()?;
    Ok(skeleton.stats())
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn plan(resources: usize, seed: u64) -> (Vec<u8>, Stats) {
        let mut bytes = Vec::new();
        let stats = generate(&Options { resources, seed }, &mut bytes).unwrap();
        (bytes, stats)
    }

    #[test]
    fn output_is_one_line_of_valid_json_in_plan_shape() {
        let (bytes, stats) = plan(500, 1);
        assert!(!bytes.contains(&b'\n'));
        let doc: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(doc["format_version"], "1.2");
        for section in [
            "planned_values",
            "resource_changes",
            "prior_state",
            "configuration",
        ] {
            assert!(!doc[section].is_null(), "{section} missing");
        }
        assert_eq!(stats.instances, 500);
        let changes = doc["resource_changes"].as_array().unwrap();
        let managed_changes = changes.iter().filter(|c| c["mode"] == "managed").count();
        assert_eq!(managed_changes, stats.managed + stats.deleted);
        assert!(!doc["configuration"]["root_module"]["module_calls"].is_null());
    }

    #[test]
    fn same_seed_same_bytes() {
        assert_eq!(plan(300, 9).0, plan(300, 9).0);
        assert_ne!(plan(300, 9).0, plan(300, 10).0);
    }

    #[test]
    fn about_a_third_is_misconfigured() {
        let (_, stats) = plan(5000, 3);
        let share = stats.flawed as f64 / stats.primary as f64;
        assert!((0.28..0.4).contains(&share), "{share}");
        for kind in [
            "aws_s3_bucket",
            "aws_s3_bucket_versioning",
            "aws_security_group",
            "tencentcloud_cos_bucket",
            "azurerm_storage_account",
            "azurerm_network_security_group",
            "google_storage_bucket",
            "google_compute_firewall",
        ] {
            assert!(stats.by_type.get(kind).copied().unwrap_or(0) > 0, "{kind}");
        }
        assert!(stats.data > 0 && stats.deleted > 0);
    }

    #[test]
    fn versioning_refers_to_its_bucket() {
        let (bytes, _) = plan(400, 5);
        let doc: Value = serde_json::from_slice(&bytes).unwrap();
        let resources = doc["configuration"]["root_module"]["resources"]
            .as_array()
            .unwrap();
        let versioning = resources
            .iter()
            .find(|r| r["type"] == "aws_s3_bucket_versioning")
            .unwrap();
        let refs = versioning["expressions"]["bucket"]["references"]
            .as_array()
            .unwrap();
        let bucket = format!("aws_s3_bucket.{}", versioning["name"].as_str().unwrap());
        assert!(
            refs.iter().any(|r| r == &Value::String(bucket.clone())),
            "{refs:?}"
        );
    }
}
