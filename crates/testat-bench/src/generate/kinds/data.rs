//! Data sources, read during planning or deferred to apply.

use serde_json::{Value, json};

use super::{ACCOUNT, Ctx};
use crate::generate::attrs::Attrs;

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
