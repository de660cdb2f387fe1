//! AWS kinds (hashicorp/aws 5.x): S3 buckets with their versioning, encryption,
//! public access block and logging resources, and security groups with their rules.

use serde_json::{Value, json};

use super::{ACCOUNT, Ctx};
use crate::generate::attrs::Attrs;

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
