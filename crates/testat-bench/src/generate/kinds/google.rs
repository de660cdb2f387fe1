//! Google Cloud kinds (hashicorp/google 6.x): storage buckets and firewall rules.

use serde_json::{Value, json};

use super::Ctx;
use crate::generate::attrs::Attrs;

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
