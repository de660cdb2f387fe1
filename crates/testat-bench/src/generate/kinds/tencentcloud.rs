//! Tencent Cloud kinds (tencentcloudstack/tencentcloud 1.81): COS buckets.

use serde_json::{Value, json};

use super::Ctx;
use crate::generate::attrs::Attrs;

/// Tencent Cloud APPID suffix of COS bucket names.
const APPID: &str = "1250000000";

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
