//! Realistic attribute sets per resource type, modelled on the provider schemas
//! (hashicorp/aws 5.x, tencentcloudstack/tencentcloud 1.81, hashicorp/azurerm 4.x,
//! hashicorp/google 6.x).
//!
//! This module holds what every kind shares (how a block is repeated, the context a
//! kind function fills in from, names, tags and labels); the kinds themselves are in
//! one file per provider, and the data sources in `data`.

mod aws;
mod azurerm;
mod data;
mod google;
mod tencentcloud;

use serde_json::{Map, Value, json};

use crate::rng::Rng;

pub use self::aws::{
    aws_s3_bucket, aws_s3_bucket_logging, aws_s3_bucket_public_access_block, aws_s3_bucket_sse,
    aws_s3_bucket_versioning, aws_security_group, aws_security_group_rule,
    aws_vpc_security_group_ingress_rule,
};
pub use self::azurerm::{azurerm_network_security_group, azurerm_storage_account};
pub use self::data::{DATA_KINDS, data_source};
pub use self::google::{google_compute_firewall, google_storage_bucket};
pub use self::tencentcloud::tencentcloud_cos_bucket;

/// AWS account of every generated ARN.
const ACCOUNT: &str = "123456789012";

/// How a resource block is repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// One instance.
    Single,
    /// `count = n`.
    Count,
    /// `for_each = …`.
    ForEach,
}

/// What a kind function knows about the block and instance it fills in.
pub struct Ctx<'a> {
    /// Deployment environment (`prod`, `staging`, …).
    pub env: &'a str,
    /// Block name (`orders_17`).
    pub name: &'a str,
    /// Instance suffix for names: `""`, `"-0"`, `"-eu"`.
    pub suffix: &'a str,
    /// How the block is repeated (changes the configuration expressions).
    pub repeat: Repeat,
    /// Whether this block is the misconfigured one.
    pub flaw: bool,
    /// Module-local address of the block this one refers to (`aws_s3_bucket.orders_17`).
    pub target: Option<&'a str>,
    /// Block-level random numbers: the same for every instance of the block.
    pub rng: Rng,
}

impl Ctx<'_> {
    /// A name unique across the plan, as the configuration would build it from
    /// `var.environment`, the block name and the instance key.
    fn unique(&self, separator: char) -> String {
        let base = format!("{}-{}{}", self.env, self.name, self.suffix);
        base.replace(['_', '-'], &separator.to_string())
    }

    /// Expression of a name built from `var.environment` and the instance key.
    fn name_expr(&self) -> Value {
        match self.repeat {
            Repeat::Single => json!({ "references": ["var.environment"] }),
            Repeat::Count => json!({ "references": ["var.environment", "count.index"] }),
            Repeat::ForEach => json!({ "references": ["var.environment", "each.key"] }),
        }
    }

    /// `references` of `target.<attribute>`, in the forms Terraform lists them.
    fn target_refs(&self, attribute: &str) -> Vec<String> {
        let Some(target) = self.target else {
            return vec![format!("var.{attribute}")];
        };
        match self.repeat {
            Repeat::Single => vec![format!("{target}.{attribute}"), target.to_owned()],
            Repeat::Count => vec![
                format!("{target}[count.index].{attribute}"),
                format!("{target}[count.index]"),
                target.to_owned(),
                "count.index".to_owned(),
            ],
            Repeat::ForEach => vec![
                format!("{target}[each.key].{attribute}"),
                format!("{target}[each.key]"),
                target.to_owned(),
                "each.key".to_owned(),
            ],
        }
    }

    /// Tags as a team would set them: a handful of keys, some shared via
    /// `local.common_tags`. Returns (tags, tags_all, expression).
    fn tags(&mut self, name: &str) -> (Value, Value, Value) {
        let owner = *self.rng.pick(&[
            "platform-team",
            "payments",
            "data-engineering",
            "identity-and-access",
            "shop-team",
            "site-reliability",
            "analytics",
            "billing",
        ]);
        let mut tags = Map::new();
        tags.insert("Name".into(), json!(name));
        tags.insert("environment".into(), json!(self.env));
        tags.insert("owner".into(), json!(owner));
        tags.insert(
            "cost-center".into(),
            json!(format!("cc-{}", 4000 + self.rng.below(900))),
        );
        let extra: [(&str, &[&str]); 7] = [
            (
                "project",
                &[
                    "checkout",
                    "ledger",
                    "customer-portal",
                    "search",
                    "ingest",
                    "reporting",
                ],
            ),
            (
                "data-classification",
                &["internal", "confidential", "public", "restricted"],
            ),
            (
                "compliance",
                &["bsi-c5-2020", "iso-27001", "bsi-c5-2020,iso-27001"],
            ),
            (
                "backup-policy",
                &["daily-35d", "weekly-12w", "none", "hourly-7d"],
            ),
            (
                "service",
                &[
                    "api-gateway",
                    "order-service",
                    "invoice-worker",
                    "event-bus",
                    "web-frontend",
                ],
            ),
            (
                "contact",
                &[
                    "platform@acme.example",
                    "security@acme.example",
                    "oncall-payments@acme.example",
                ],
            ),
            (
                "ticket",
                &[
                    "INFRA-1182",
                    "SEC-2204",
                    "OPS-977",
                    "DATA-3141",
                    "INFRA-2290",
                ],
            ),
        ];
        let wanted = self.rng.range(2, 6) as usize;
        for (key, values) in extra.iter().take(wanted) {
            tags.insert((*key).into(), json!(*self.rng.pick(values)));
        }
        let mut all = tags.clone();
        all.insert("managed-by".into(), json!("terraform"));
        all.insert(
            "repository".into(),
            json!("github.com/acme/infrastructure-live"),
        );
        all.insert("terraform-workspace".into(), json!(self.env));
        let expr = if self.repeat != Repeat::Single || self.rng.chance(1, 2) {
            json!({ "references": ["local.common_tags", "var.environment"] })
        } else {
            crate::generate::attrs::constant(&Value::Object(tags.clone()))
        };
        (Value::Object(tags), Value::Object(all), expr)
    }

    /// Google labels (lowercase keys and values only).
    fn labels(&mut self) -> (Value, Value) {
        let mut labels = Map::new();
        labels.insert("environment".into(), json!(self.env));
        labels.insert(
            "owner".into(),
            json!(
                *self
                    .rng
                    .pick(&["platform-team", "payments", "data-engineering", "analytics"])
            ),
        );
        labels.insert(
            "cost-center".into(),
            json!(format!("cc-{}", 4000 + self.rng.below(900))),
        );
        if self.rng.chance(2, 3) {
            labels.insert(
                "data-classification".into(),
                json!(*self.rng.pick(&["internal", "confidential", "restricted"])),
            );
        }
        if self.rng.chance(1, 2) {
            labels.insert("compliance".into(), json!("bsi-c5-2020"));
        }
        let expr = json!({ "references": ["local.common_labels", "var.environment"] });
        (Value::Object(labels), expr)
    }

    fn description(&mut self, what: &str) -> String {
        let purpose = *self.rng.pick(&[
            "managed by the platform team; changes go through the infrastructure repository",
            "created for the checkout service, see the runbook in the service repository",
            "part of the landing zone baseline, do not change by hand",
            "temporary until the migration to the new network is finished (INFRA-2290)",
        ]);
        format!("{what} for {}: {purpose}", self.name.replace('_', " "))
    }
}
