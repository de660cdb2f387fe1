//! Realistic attribute sets per resource type, modelled on the provider schemas
//! (hashicorp/aws 5.x, tencentcloudstack/tencentcloud 1.81, hashicorp/azurerm 4.x,
//! hashicorp/google 6.x).

use serde_json::{Map, Value, json};

use super::attrs::Attrs;
use crate::rng::Rng;

/// AWS account of every generated ARN.
const ACCOUNT: &str = "123456789012";
/// Tencent Cloud APPID suffix of COS bucket names.
const APPID: &str = "1250000000";

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
            super::attrs::constant(&Value::Object(tags.clone()))
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

/// `aws_s3_bucket`. `versioned` says whether versioning ends up enabled (it shows in
/// the inline `versioning` block the provider reads back into state).
pub fn aws_s3_bucket(ctx: &mut Ctx<'_>, versioned: bool) -> Attrs {
    let mut a = Attrs::default();
    let bucket = format!("acme-{}", ctx.unique('-'));
    a.set_expr("bucket", json!(bucket), ctx.name_expr());
    let force_destroy = ctx.rng.chance(1, 5);
    if force_destroy {
        a.set("force_destroy", json!(true));
    } else {
        a.fill("force_destroy", json!(false));
    }
    a.fill("object_lock_enabled", json!(false));
    let (tags, all, expr) = ctx.tags(&bucket);
    a.set_expr("tags", tags, expr);
    a.fill("tags_all", all);
    a.fill("timeouts", Value::Null);
    a.computed("acceleration_status", json!(""));
    a.computed("acl", Value::Null);
    a.computed("arn", json!(format!("arn:aws:s3:::{bucket}")));
    a.computed(
        "bucket_domain_name",
        json!(format!("{bucket}.s3.amazonaws.com")),
    );
    a.computed("bucket_prefix", json!(""));
    a.computed(
        "bucket_regional_domain_name",
        json!(format!("{bucket}.s3.eu-central-1.amazonaws.com")),
    );
    a.computed("cors_rule", json!([]));
    a.computed(
        "grant",
        json!([{
            "id": ctx.rng.hex(64),
            "permissions": ["FULL_CONTROL"],
            "type": "CanonicalUser",
            "uri": ""
        }]),
    );
    a.computed("hosted_zone_id", json!("Z21DNDUVLTQW6Q"));
    a.computed("id", json!(bucket));
    a.computed("lifecycle_rule", json!([]));
    a.computed("logging", json!([]));
    a.computed("object_lock_configuration", json!([]));
    a.computed("policy", json!(""));
    a.computed("region", json!("eu-central-1"));
    a.computed("replication_configuration", json!([]));
    a.computed("request_payer", json!("BucketOwner"));
    a.computed(
        "server_side_encryption_configuration",
        json!([{
            "rule": [{
                "apply_server_side_encryption_by_default": [{
                    "kms_master_key_id": "",
                    "sse_algorithm": "AES256"
                }],
                "bucket_key_enabled": false
            }]
        }]),
    );
    a.computed(
        "versioning",
        json!([{ "enabled": versioned, "mfa_delete": false }]),
    );
    a.computed("website", json!([]));
    a.computed("website_domain", Value::Null);
    a.computed("website_endpoint", Value::Null);
    a
}

/// `aws_s3_bucket_versioning` for the bucket in `ctx.target`.
pub fn aws_s3_bucket_versioning(ctx: &mut Ctx<'_>, status: &str) -> Attrs {
    let mut a = Attrs::default();
    let bucket = format!("acme-{}", ctx.unique('-'));
    a.reference("bucket", json!(bucket), ctx.target_refs("id"));
    a.fill("expected_bucket_owner", Value::Null);
    a.fill("mfa", Value::Null);
    a.set("versioning_configuration", json!([{ "status": status }]));
    a.unknown_patch.insert(
        "versioning_configuration".into(),
        json!([{ "mfa_delete": true }]),
    );
    a.state_patch.insert(
        "versioning_configuration".into(),
        json!([{ "mfa_delete": "", "status": status }]),
    );
    a.computed("id", json!(bucket));
    a.depends_on = ctx.target.map(|t| vec![t.to_owned()]).unwrap_or_default();
    a
}

/// `aws_s3_bucket_server_side_encryption_configuration` for the bucket in `ctx.target`.
/// With `kms` false it uses S3-managed keys (AES256), which the rules do not accept.
pub fn aws_s3_bucket_sse(ctx: &mut Ctx<'_>, kms: bool) -> Attrs {
    let mut a = Attrs::default();
    let bucket = format!("acme-{}", ctx.unique('-'));
    a.reference("bucket", json!(bucket), ctx.target_refs("id"));
    a.fill("expected_bucket_owner", Value::Null);
    let key = format!(
        "arn:aws:kms:eu-central-1:{ACCOUNT}:key/{}-{}-{}-{}-{}",
        ctx.rng.hex(8),
        ctx.rng.hex(4),
        ctx.rng.hex(4),
        ctx.rng.hex(4),
        ctx.rng.hex(12)
    );
    a.set(
        "rule",
        json!([{
            "apply_server_side_encryption_by_default": [{
                "kms_master_key_id": if kms { Value::String(key) } else { Value::Null },
                "sse_algorithm": if kms { "aws:kms" } else { "AES256" }
            }],
            "bucket_key_enabled": kms
        }]),
    );
    a.computed("id", json!(bucket));
    a.depends_on = ctx.target.map(|t| vec![t.to_owned()]).unwrap_or_default();
    a
}

/// `aws_s3_bucket_public_access_block` for the bucket in `ctx.target`; an incomplete one
/// leaves bucket policies open.
pub fn aws_s3_bucket_public_access_block(ctx: &mut Ctx<'_>, complete: bool) -> Attrs {
    let mut a = Attrs::default();
    let bucket = format!("acme-{}", ctx.unique('-'));
    a.reference("bucket", json!(bucket), ctx.target_refs("id"));
    a.set("block_public_acls", json!(true));
    a.set("block_public_policy", json!(complete));
    a.set("ignore_public_acls", json!(true));
    a.set("restrict_public_buckets", json!(complete));
    a.fill("skip_destroy", Value::Null);
    a.computed("id", json!(bucket));
    a.depends_on = ctx.target.map(|t| vec![t.to_owned()]).unwrap_or_default();
    a
}

/// `aws_s3_bucket_logging` for the bucket in `ctx.target`, into the environment's log
/// bucket.
pub fn aws_s3_bucket_logging(ctx: &mut Ctx<'_>) -> Attrs {
    let mut a = Attrs::default();
    let bucket = format!("acme-{}", ctx.unique('-'));
    a.reference("bucket", json!(bucket), ctx.target_refs("id"));
    a.set_expr(
        "target_bucket",
        json!(format!("acme-{}-access-logs", ctx.env)),
        json!({ "references": ["var.log_bucket"] }),
    );
    a.set("target_prefix", json!(format!("s3/{bucket}/")));
    a.fill("expected_bucket_owner", Value::Null);
    a.fill("target_grant", json!([]));
    a.fill("target_object_key_format", json!([]));
    a.computed("id", json!(bucket));
    a.depends_on = ctx.target.map(|t| vec![t.to_owned()]).unwrap_or_default();
    a
}

/// One inline ingress or egress rule of an `aws_security_group`.
fn sg_rule(
    cidrs: &[&str],
    ipv6: &[&str],
    port: (i64, i64),
    protocol: &str,
    description: &str,
) -> Value {
    json!({
        "cidr_blocks": cidrs,
        "description": description,
        "from_port": port.0,
        "ipv6_cidr_blocks": ipv6,
        "prefix_list_ids": [],
        "protocol": protocol,
        "security_groups": [],
        "self": false,
        "to_port": port.1
    })
}

/// An inline ingress rule: (cidrs, port range, protocol, description).
type Ingress = (
    &'static [&'static str],
    (i64, i64),
    &'static str,
    &'static str,
);

/// Acceptable ingress rules.
const SAFE_INGRESS: &[Ingress] = &[
    (&["0.0.0.0/0"], (443, 443), "tcp", "HTTPS from the internet"),
    (
        &["0.0.0.0/0"],
        (80, 80),
        "tcp",
        "HTTP from the internet, redirects to HTTPS",
    ),
    (
        &["10.0.0.0/16"],
        (5432, 5432),
        "tcp",
        "PostgreSQL from the application subnets",
    ),
    (&["10.20.0.0/16"], (22, 22), "tcp", "SSH from the VPN range"),
    (&["172.16.0.0/12"], (8080, 8090), "tcp", "internal services"),
    (
        &["10.0.0.0/8"],
        (9100, 9100),
        "tcp",
        "node exporter from monitoring",
    ),
    (
        &["10.0.0.0/16", "10.1.0.0/16"],
        (6379, 6379),
        "tcp",
        "Redis from the workers",
    ),
];

/// `aws_security_group` with inline ingress and egress blocks; a flawed one opens SSH or
/// RDP (or everything) to the internet.
pub fn aws_security_group(ctx: &mut Ctx<'_>, flaw: bool) -> Attrs {
    let mut a = Attrs::default();
    let name = ctx.unique('-');
    let id = format!("sg-0{}", ctx.rng.hex(16));
    a.set_expr("name", json!(name), ctx.name_expr());
    let description = ctx.description("Security group");
    a.set("description", json!(description));
    let mut ingress = Vec::new();
    let count = ctx.rng.range(1, 4) as usize;
    let start = ctx.rng.below(SAFE_INGRESS.len() as u64) as usize;
    for i in 0..count {
        let (cidrs, port, protocol, text) = SAFE_INGRESS[(start + i) % SAFE_INGRESS.len()];
        ingress.push(sg_rule(cidrs, &[], port, protocol, text));
    }
    if flaw {
        ingress.push(match ctx.rng.below(3) {
            0 => sg_rule(
                &["0.0.0.0/0"],
                &[],
                (22, 22),
                "tcp",
                "SSH for the support team",
            ),
            1 => sg_rule(
                &["0.0.0.0/0"],
                &[],
                (3389, 3389),
                "tcp",
                "RDP for the Windows jump host",
            ),
            _ => sg_rule(
                &[],
                &["::/0"],
                (0, 0),
                "-1",
                "everything over IPv6 (temporary)",
            ),
        });
    }
    a.set("ingress", Value::Array(ingress));
    a.set(
        "egress",
        json!([sg_rule(
            &["0.0.0.0/0"],
            &["::/0"],
            (0, 0),
            "-1",
            "all outbound traffic"
        )]),
    );
    a.set_expr(
        "vpc_id",
        json!(format!("vpc-0{}", ctx.rng.hex(16))),
        json!({ "references": ["var.vpc_id"] }),
    );
    a.fill("revoke_rules_on_delete", json!(false));
    let (tags, all, expr) = ctx.tags(&name);
    a.set_expr("tags", tags, expr);
    a.fill("tags_all", all);
    a.fill("timeouts", Value::Null);
    a.computed(
        "arn",
        json!(format!(
            "arn:aws:ec2:eu-central-1:{ACCOUNT}:security-group/{id}"
        )),
    );
    a.computed("id", json!(id));
    a.computed("name_prefix", json!(""));
    a.computed("owner_id", json!(ACCOUNT));
    a
}

/// `aws_security_group_rule` attached to the group in `ctx.target`.
pub fn aws_security_group_rule(ctx: &mut Ctx<'_>, flaw: bool) -> Attrs {
    let mut a = Attrs::default();
    let (cidrs, port, protocol, text) = if flaw {
        (&["0.0.0.0/0"][..], (3389, 3389), "tcp", "RDP for a vendor")
    } else {
        let (c, p, pr, t) = *ctx.rng.pick(SAFE_INGRESS);
        (c, p, pr, t)
    };
    a.set("type", json!("ingress"));
    a.set("from_port", json!(port.0));
    a.set("to_port", json!(port.1));
    a.set("protocol", json!(protocol));
    a.set("cidr_blocks", json!(cidrs));
    a.set("description", json!(text));
    a.reference(
        "security_group_id",
        json!(format!("sg-0{}", ctx.rng.hex(16))),
        ctx.target_refs("id"),
    );
    a.fill("ipv6_cidr_blocks", Value::Null);
    a.fill("prefix_list_ids", Value::Null);
    a.fill("self", json!(false));
    a.fill("timeouts", Value::Null);
    a.computed(
        "id",
        json!(format!(
            "sgrule-{}",
            1_000_000_000 + ctx.rng.below(3_000_000_000)
        )),
    );
    a.computed(
        "security_group_rule_id",
        json!(format!("sgr-0{}", ctx.rng.hex(16))),
    );
    a.computed("source_security_group_id", json!(""));
    a
}

/// `aws_vpc_security_group_ingress_rule` attached to the group in `ctx.target`.
pub fn aws_vpc_security_group_ingress_rule(ctx: &mut Ctx<'_>, flaw: bool) -> Attrs {
    let mut a = Attrs::default();
    let (cidr, from, to, protocol, text) = if flaw {
        (
            "0.0.0.0/0",
            22,
            22,
            "tcp",
            "SSH from anywhere (break glass)",
        )
    } else {
        *ctx.rng.pick(&[
            ("10.20.0.0/16", 22, 22, "tcp", "SSH from the VPN range"),
            ("0.0.0.0/0", 443, 443, "tcp", "HTTPS from the internet"),
            (
                "10.0.0.0/16",
                5432,
                5432,
                "tcp",
                "PostgreSQL from the application subnets",
            ),
        ])
    };
    a.set("cidr_ipv4", json!(cidr));
    a.set("from_port", json!(from));
    a.set("to_port", json!(to));
    a.set("ip_protocol", json!(protocol));
    a.set("description", json!(text));
    a.reference(
        "security_group_id",
        json!(format!("sg-0{}", ctx.rng.hex(16))),
        ctx.target_refs("id"),
    );
    a.fill("cidr_ipv6", Value::Null);
    a.fill("prefix_list_id", Value::Null);
    a.fill("referenced_security_group_id", Value::Null);
    let name = ctx.unique('-');
    let (tags, all, expr) = ctx.tags(&name);
    a.set_expr("tags", tags, expr);
    a.fill("tags_all", all);
    let id = format!("sgr-0{}", ctx.rng.hex(16));
    a.computed(
        "arn",
        json!(format!(
            "arn:aws:ec2:eu-central-1:{ACCOUNT}:security-group-rule/{id}"
        )),
    );
    a.computed("id", json!(id));
    a.computed("security_group_rule_id", json!(id));
    a
}

/// `tencentcloud_cos_bucket`; a flawed one has no `encryption_algorithm`, a public ACL,
/// no versioning or no access logging.
pub fn tencentcloud_cos_bucket(ctx: &mut Ctx<'_>, flaw: bool) -> Attrs {
    let mut a = Attrs::default();
    let bucket = format!("{}-{APPID}", ctx.unique('-'));
    let weakness = if flaw { ctx.rng.range(1, 4) } else { 0 };
    a.set_expr("bucket", json!(bucket), ctx.name_expr());
    a.set(
        "acl",
        json!(if weakness == 2 {
            "public-read"
        } else {
            "private"
        }),
    );
    if weakness == 1 {
        if ctx.rng.chance(1, 2) {
            a.set("encryption_algorithm", json!(""));
        } else {
            a.fill("encryption_algorithm", Value::Null);
        }
        a.fill("kms_id", Value::Null);
    } else {
        let algorithm = *ctx.rng.pick(&["AES256", "KMS", "SM4"]);
        a.set("encryption_algorithm", json!(algorithm));
        if algorithm == "KMS" {
            a.set_expr(
                "kms_id",
                json!(format!(
                    "{}-{}-11ef-{}-{}",
                    ctx.rng.hex(8),
                    ctx.rng.hex(4),
                    ctx.rng.hex(4),
                    ctx.rng.hex(12)
                )),
                json!({ "references": ["tencentcloud_kms_key.cos.id", "tencentcloud_kms_key.cos"] }),
            );
        } else {
            a.fill("kms_id", Value::Null);
        }
    }
    a.set("versioning_enable", json!(weakness != 3));
    if ctx.rng.chance(1, 2) {
        a.set(
            "lifecycle_rules",
            json!([{
                "abort_incomplete_multipart_upload": [],
                "expiration": [{ "date": "", "days": 365, "delete_marker": false }],
                "filter_prefix": "logs/",
                "id": "",
                "non_current_expiration": [],
                "non_current_transition": [],
                "transition": [{ "date": "", "days": 30, "storage_class": "STANDARD_IA" }]
            }]),
        );
    } else {
        a.fill("lifecycle_rules", json!([]));
    }
    a.fill("acceleration_enable", json!(false));
    a.fill("acl_body", Value::Null);
    a.fill("cdc_id", Value::Null);
    a.fill("chdfs_ofs", json!(false));
    a.fill("cors_rules", json!([]));
    a.fill("enable_intelligent_tiering", json!(false));
    a.fill("force_clean", json!(false));
    if weakness == 4 {
        a.fill("log_enable", json!(false));
        a.fill("log_prefix", json!(""));
        a.fill("log_target_bucket", json!(""));
    } else {
        a.set("log_enable", json!(true));
        a.set("log_prefix", json!(format!("cos/{bucket}/")));
        a.set_expr(
            "log_target_bucket",
            json!(format!("acme-{}-access-logs-{APPID}", ctx.env)),
            json!({ "references": ["var.log_bucket"] }),
        );
    }
    a.fill("multi_az", json!(false));
    a.fill("origin_domain_rules", json!([]));
    a.fill("origin_pull_rules", json!([]));
    a.fill("replica_role", Value::Null);
    a.fill("replica_rules", json!([]));
    let name = ctx.unique('-');
    let (tags, _, expr) = ctx.tags(&name);
    a.set_expr("tags", tags, expr);
    a.fill("website", json!([]));
    a.computed(
        "cos_bucket_url",
        json!(format!("{bucket}.cos.ap-guangzhou.myqcloud.com")),
    );
    a.computed("id", json!(bucket));
    a.computed("intelligent_tiering_days", json!(30));
    a.computed("intelligent_tiering_request_frequent", json!(1));
    a
}

/// `azurerm_storage_account`; a flawed one allows TLS 1.0, plain HTTP or public blobs.
pub fn azurerm_storage_account(ctx: &mut Ctx<'_>, flaw: bool) -> Attrs {
    let mut a = Attrs::default();
    let mut name: String = format!("acme{}", ctx.unique('x'))
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    name.truncate(24);
    let weakness = if flaw { ctx.rng.range(1, 3) } else { 0 };
    a.set_expr("name", json!(name), ctx.name_expr());
    a.set_expr(
        "resource_group_name",
        json!(format!("rg-acme-{}", ctx.env)),
        json!({ "references": ["var.resource_group_name"] }),
    );
    a.set("location", json!("germanywestcentral"));
    a.set("account_tier", json!("Standard"));
    a.set(
        "account_replication_type",
        json!(*ctx.rng.pick(&["GRS", "ZRS", "LRS", "RAGZRS"])),
    );
    a.fill("account_kind", json!("StorageV2"));
    a.fill("access_tier", json!("Hot"));
    a.set(
        "min_tls_version",
        json!(if weakness == 1 { "TLS1_0" } else { "TLS1_2" }),
    );
    a.set("https_traffic_only_enabled", json!(weakness != 2));
    a.set("allow_nested_items_to_be_public", json!(weakness == 3));
    a.fill("cross_tenant_replication_enabled", json!(false));
    a.fill("default_to_oauth_authentication", json!(false));
    a.fill("dns_endpoint_type", json!("Standard"));
    a.fill("edge_zone", Value::Null);
    a.fill(
        "infrastructure_encryption_enabled",
        json!(ctx.rng.chance(1, 2)),
    );
    a.fill("is_hns_enabled", json!(false));
    a.fill("large_file_share_enabled", Value::Null);
    a.fill("local_user_enabled", json!(true));
    a.fill("nfsv3_enabled", json!(false));
    a.fill("public_network_access_enabled", json!(true));
    a.fill("queue_encryption_key_type", json!("Service"));
    a.fill("sftp_enabled", json!(false));
    a.fill("shared_access_key_enabled", json!(true));
    a.fill("table_encryption_key_type", json!("Service"));
    a.set(
        "blob_properties",
        json!([{
            "change_feed_enabled": false,
            "change_feed_retention_in_days": null,
            "container_delete_retention_policy": [{ "days": 7 }],
            "cors_rule": [],
            "default_service_version": null,
            "delete_retention_policy": [{ "days": 14, "permanent_delete_enabled": false }],
            "last_access_time_enabled": false,
            "restore_policy": [],
            "versioning_enabled": ctx.rng.chance(2, 3)
        }]),
    );
    a.set(
        "network_rules",
        json!([{
            "bypass": ["AzureServices"],
            "default_action": if flaw { "Allow" } else { "Deny" },
            "ip_rules": ["203.0.113.0/24", "198.51.100.17"],
            "private_link_access": [],
            "virtual_network_subnet_ids": [format!(
                "/subscriptions/0f3a6c1e-7d2b-4a5e-9c8f-1b2d3e4f5a6b/resourceGroups/rg-acme-{}/providers/Microsoft.Network/virtualNetworks/vnet-{}/subnets/snet-app",
                ctx.env, ctx.env
            )]
        }]),
    );
    for block in [
        "azure_files_authentication",
        "custom_domain",
        "customer_managed_key",
        "identity",
        "immutability_policy",
        "routing",
        "sas_policy",
        "share_properties",
        "static_website",
    ] {
        a.fill(block, json!([]));
    }
    let (tags, _, expr) = ctx.tags(&name);
    a.set_expr("tags", tags, expr);
    a.fill("timeouts", Value::Null);
    let rg = format!(
        "/subscriptions/0f3a6c1e-7d2b-4a5e-9c8f-1b2d3e4f5a6b/resourceGroups/rg-acme-{}",
        ctx.env
    );
    a.computed(
        "id",
        json!(format!(
            "{rg}/providers/Microsoft.Storage/storageAccounts/{name}"
        )),
    );
    for (key, service) in [
        ("primary_blob_endpoint", "blob"),
        ("primary_dfs_endpoint", "dfs"),
        ("primary_file_endpoint", "file"),
        ("primary_queue_endpoint", "queue"),
        ("primary_table_endpoint", "table"),
        ("primary_web_endpoint", "z6.web"),
    ] {
        a.computed(
            key,
            json!(format!("https://{name}.{service}.core.windows.net/")),
        );
    }
    a.computed("primary_location", json!("germanywestcentral"));
    a.computed(
        "primary_access_key",
        json!(format!("{}==", ctx.rng.hex(86))),
    );
    a.computed(
        "primary_connection_string",
        json!(format!(
            "DefaultEndpointsProtocol=https;AccountName={name};AccountKey={}==;EndpointSuffix=core.windows.net",
            ctx.rng.hex(86)
        )),
    );
    a.sensitive = vec!["primary_access_key", "primary_connection_string"];
    a
}

/// `azurerm_network_security_group` with `security_rule` blocks; a flawed one allows
/// SSH or RDP from the internet.
pub fn azurerm_network_security_group(ctx: &mut Ctx<'_>, flaw: bool) -> Attrs {
    let mut a = Attrs::default();
    let name = format!("nsg-{}", ctx.unique('-'));
    a.set_expr("name", json!(name), ctx.name_expr());
    a.set("location", json!("germanywestcentral"));
    a.set_expr(
        "resource_group_name",
        json!(format!("rg-acme-{}", ctx.env)),
        json!({ "references": ["var.resource_group_name"] }),
    );
    let rule = |name: &str, priority: i64, port: &str, source: &str, description: &str| {
        json!({
            "access": "Allow",
            "description": description,
            "destination_address_prefix": "*",
            "destination_address_prefixes": [],
            "destination_application_security_group_ids": [],
            "destination_port_range": port,
            "destination_port_ranges": [],
            "direction": "Inbound",
            "name": name,
            "priority": priority,
            "protocol": "Tcp",
            "source_address_prefix": source,
            "source_address_prefixes": [],
            "source_application_security_group_ids": [],
            "source_port_range": "*",
            "source_port_ranges": []
        })
    };
    let safe = [
        ("allow-https", "443", "Internet", "HTTPS from the internet"),
        (
            "allow-ssh-vpn",
            "22",
            "10.20.0.0/16",
            "SSH from the VPN range",
        ),
        (
            "allow-postgres",
            "5432",
            "VirtualNetwork",
            "PostgreSQL inside the network",
        ),
        (
            "allow-health",
            "8080",
            "AzureLoadBalancer",
            "load balancer health probes",
        ),
    ];
    let count = ctx.rng.range(1, 3) as usize;
    let mut rules: Vec<Value> = safe
        .iter()
        .take(count)
        .enumerate()
        .map(|(i, (n, port, src, d))| rule(n, 100 + 10 * i as i64, port, src, d))
        .collect();
    if flaw {
        rules.push(if ctx.rng.chance(1, 2) {
            rule("allow-ssh", 300, "22", "*", "SSH for the support team")
        } else {
            rule(
                "allow-rdp",
                310,
                "3389",
                "Internet",
                "RDP for the jump host",
            )
        });
    }
    a.set("security_rule", Value::Array(rules));
    let (tags, _, expr) = ctx.tags(&name);
    a.set_expr("tags", tags, expr);
    a.fill("timeouts", Value::Null);
    a.computed(
        "id",
        json!(format!(
            "/subscriptions/0f3a6c1e-7d2b-4a5e-9c8f-1b2d3e4f5a6b/resourceGroups/rg-acme-{}/providers/Microsoft.Network/networkSecurityGroups/{name}",
            ctx.env
        )),
    );
    a
}

/// `google_storage_bucket`; a flawed one has no uniform access or no public access
/// prevention.
pub fn google_storage_bucket(ctx: &mut Ctx<'_>, flaw: bool) -> Attrs {
    let mut a = Attrs::default();
    let name = format!("acme-{}", ctx.unique('-'));
    let weakness = if flaw { ctx.rng.range(1, 2) } else { 0 };
    a.set_expr("name", json!(name), ctx.name_expr());
    a.set("location", json!("EUROPE-WEST3"));
    a.set("storage_class", json!("STANDARD"));
    a.fill("force_destroy", json!(false));
    a.set("uniform_bucket_level_access", json!(weakness != 1));
    a.set(
        "public_access_prevention",
        json!(if weakness == 2 {
            "inherited"
        } else {
            "enforced"
        }),
    );
    a.set("versioning", json!([{ "enabled": true }]));
    a.set(
        "lifecycle_rule",
        json!([{
            "action": [{ "storage_class": "", "type": "Delete" }],
            "condition": [{
                "age": 365,
                "created_before": "",
                "custom_time_before": "",
                "days_since_custom_time": 0,
                "days_since_noncurrent_time": 0,
                "matches_prefix": [],
                "matches_storage_class": [],
                "matches_suffix": [],
                "noncurrent_time_before": "",
                "num_newer_versions": 0,
                "send_age_if_zero": false,
                "send_days_since_custom_time_if_zero": false,
                "send_days_since_noncurrent_time_if_zero": false,
                "send_num_newer_versions_if_zero": false,
                "with_state": "ANY"
            }]
        }]),
    );
    for block in [
        "autoclass",
        "cors",
        "custom_placement_config",
        "encryption",
        "logging",
        "retention_policy",
        "website",
    ] {
        a.fill(block, json!([]));
    }
    a.fill("default_event_based_hold", Value::Null);
    a.fill("enable_object_retention", Value::Null);
    a.fill("requester_pays", Value::Null);
    a.fill("timeouts", Value::Null);
    let (labels, expr) = ctx.labels();
    let mut terraform_labels = labels.clone();
    if let Value::Object(map) = &mut terraform_labels {
        map.insert("goog-terraform-provisioned".into(), json!("true"));
    }
    a.set_expr("labels", labels, expr);
    a.fill("terraform_labels", terraform_labels.clone());
    a.fill("effective_labels", terraform_labels);
    a.computed("id", json!(name));
    a.computed("project", json!("acme-platform-prod"));
    a.computed("project_number", json!(431_725_649_281_u64));
    a.computed("rpo", json!("DEFAULT"));
    a.computed(
        "self_link",
        json!(format!("https://www.googleapis.com/storage/v1/b/{name}")),
    );
    a.computed("soft_delete_policy", json!([{ "effective_time": "2024-06-03T09:12:44.118Z", "retention_duration_seconds": 604_800 }]));
    a.computed("url", json!(format!("gs://{name}")));
    a
}

/// `google_compute_firewall`; a flawed one allows SSH or RDP from 0.0.0.0/0.
pub fn google_compute_firewall(ctx: &mut Ctx<'_>, flaw: bool) -> Attrs {
    let mut a = Attrs::default();
    let name = format!("fw-{}", ctx.unique('-'));
    a.set_expr("name", json!(name), ctx.name_expr());
    a.set_expr(
        "network",
        json!(format!(
            "projects/acme-platform-prod/global/networks/vpc-{}",
            ctx.env
        )),
        json!({ "references": ["var.network"] }),
    );
    let description = ctx.description("Firewall rule");
    a.set("description", json!(description));
    a.set("direction", json!("INGRESS"));
    a.set("priority", json!(1000));
    let (ranges, ports): (&[&str], &[&str]) = if flaw {
        (
            &["0.0.0.0/0"],
            if ctx.rng.chance(1, 2) {
                &["22"]
            } else {
                &["3389"]
            },
        )
    } else {
        *ctx.rng.pick(&[
            (&["0.0.0.0/0"][..], &["443"][..]),
            (&["35.191.0.0/16", "130.211.0.0/22"][..], &["80", "443"][..]),
            (&["10.20.0.0/16"][..], &["22"][..]),
        ])
    };
    a.set("source_ranges", json!(ranges));
    a.set("allow", json!([{ "ports": ports, "protocol": "tcp" }]));
    a.set("target_tags", json!(["web", ctx.env]));
    a.fill("deny", json!([]));
    a.fill("disabled", json!(false));
    a.fill("log_config", json!([]));
    a.fill("source_service_accounts", Value::Null);
    a.fill("source_tags", Value::Null);
    a.fill("target_service_accounts", Value::Null);
    a.fill("timeouts", Value::Null);
    a.computed("creation_timestamp", json!("2024-05-14T02:31:07.412-07:00"));
    a.computed("destination_ranges", json!([]));
    a.computed("enable_logging", Value::Null);
    a.computed(
        "id",
        json!(format!(
            "projects/acme-platform-prod/global/firewalls/{name}"
        )),
    );
    a.computed("project", json!("acme-platform-prod"));
    a.computed(
        "self_link",
        json!(format!(
            "https://www.googleapis.com/compute/v1/projects/acme-platform-prod/global/firewalls/{name}"
        )),
    );
    a
}

/// Data sources: (type, provider). Their values are all known at plan time, except for
/// a deferred read.
pub const DATA_KINDS: &[(&str, &str)] = &[
    ("aws_caller_identity", "aws"),
    ("aws_iam_policy_document", "aws"),
    ("aws_availability_zones", "aws"),
    ("tencentcloud_user_info", "tencentcloud"),
    ("azurerm_client_config", "azurerm"),
    ("google_client_config", "google"),
];

/// Values of a data source. For data sources, `config` holds the arguments and
/// `computed` what is read.
pub fn data_source(ctx: &mut Ctx<'_>, kind: &str) -> Attrs {
    let mut a = Attrs::default();
    match kind {
        "aws_caller_identity" => {
            a.computed("account_id", json!(ACCOUNT));
            a.computed(
                "arn",
                json!(format!(
                    "arn:aws:sts::{ACCOUNT}:assumed-role/terraform-ci/github-actions"
                )),
            );
            a.computed("id", json!(ACCOUNT));
            a.computed(
                "user_id",
                json!(format!(
                    "AROA{}:github-actions",
                    ctx.rng.hex(16).to_uppercase()
                )),
            );
        }
        "aws_iam_policy_document" => {
            let bucket = format!("acme-{}", ctx.unique('-'));
            let statement = json!([{
                "actions": ["s3:GetObject", "s3:ListBucket"],
                "condition": [{ "test": "Bool", "values": ["true"], "variable": "aws:SecureTransport" }],
                "effect": "Allow",
                "not_actions": [],
                "not_principals": [],
                "not_resources": [],
                "principals": [{ "identifiers": [format!("arn:aws:iam::{ACCOUNT}:role/app-reader")], "type": "AWS" }],
                "resources": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
                "sid": "ReadOnly"
            }]);
            a.set("statement", statement);
            let document = format!(
                "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Sid\": \"ReadOnly\",\n      \"Effect\": \"Allow\",\n      \"Action\": [\n        \"s3:ListBucket\",\n        \"s3:GetObject\"\n      ],\n      \"Resource\": [\n        \"arn:aws:s3:::{bucket}/*\",\n        \"arn:aws:s3:::{bucket}\"\n      ],\n      \"Principal\": {{\n        \"AWS\": \"arn:aws:iam::{ACCOUNT}:role/app-reader\"\n      }},\n      \"Condition\": {{\n        \"Bool\": {{\n          \"aws:SecureTransport\": \"true\"\n        }}\n      }}\n    }}\n  ]\n}}"
            );
            let minified: String = document.split_whitespace().collect();
            a.fill("override_policy_documents", Value::Null);
            a.fill("policy_id", Value::Null);
            a.fill("source_policy_documents", Value::Null);
            a.fill("version", json!("2012-10-17"));
            a.computed(
                "id",
                json!(format!("{}", 1_000_000_000 + ctx.rng.below(3_000_000_000))),
            );
            a.computed("json", json!(document));
            a.computed("minified_json", json!(minified));
        }
        "aws_availability_zones" => {
            a.set("state", json!("available"));
            a.fill("all_availability_zones", Value::Null);
            a.fill("exclude_names", Value::Null);
            a.fill("exclude_zone_ids", Value::Null);
            a.fill("filter", Value::Null);
            a.fill("timeouts", Value::Null);
            a.computed("group_names", json!(["eu-central-1"]));
            a.computed("id", json!("eu-central-1"));
            a.computed(
                "names",
                json!(["eu-central-1a", "eu-central-1b", "eu-central-1c"]),
            );
            a.computed("zone_ids", json!(["euc1-az2", "euc1-az3", "euc1-az1"]));
        }
        "tencentcloud_user_info" => {
            a.computed("app_id", json!(1_250_000_000_u64));
            a.computed("id", json!(format!("user-{}", ctx.rng.hex(8))));
            a.computed("name", json!("terraform-ci"));
            a.computed("owner_uin", json!("100012345678"));
            a.computed("uin", json!("100087654321"));
        }
        "azurerm_client_config" => {
            a.computed("client_id", json!("6b1c0e2a-94d3-4f7e-8a5b-2c3d4e5f6a7b"));
            a.computed("id", json!("Y2xpZW50Q29uZmlncy9jbGllbnRJZD02YjFj"));
            a.computed("object_id", json!("9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"));
            a.computed(
                "subscription_id",
                json!("0f3a6c1e-7d2b-4a5e-9c8f-1b2d3e4f5a6b"),
            );
            a.computed("tenant_id", json!("72f988bf-86f1-41af-91ab-2d7cd011db47"));
            a.fill("timeouts", Value::Null);
        }
        _ => {
            a.computed("access_token", json!(format!("ya29.{}", ctx.rng.hex(120))));
            a.computed("default_labels", json!({}));
            a.computed(
                "id",
                json!("projects/acme-platform-prod/regions/europe-west3/zones/europe-west3-a"),
            );
            a.computed("project", json!("acme-platform-prod"));
            a.computed("region", json!("europe-west3"));
            a.computed("zone", json!("europe-west3-a"));
            a.sensitive = vec!["access_token"];
        }
    }
    a
}
