//! Azure kinds (hashicorp/azurerm 4.x): storage accounts and network security groups.

use serde_json::{Value, json};

use super::Ctx;
use crate::generate::attrs::Attrs;

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
