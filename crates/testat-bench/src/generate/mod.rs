//! Generator of large, realistic Terraform plans in the shape `terraform show -json
//! plan.out` writes them (format 1.2, one line).
//!
//! The plan is described first by a small skeleton (modules, resource blocks with their
//! instance keys, actions and flaws); the document is then streamed section by section
//! (`planned_values`, `resource_changes`, `prior_state`, `configuration`), generating
//! each resource's values again from its block's seed wherever they appear. Only one
//! resource's values are in memory at a time.

mod attrs;
mod kinds;

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;
use serde::ser::Serializer;
use serde_json::{Map, Value, json};

use self::attrs::{Attrs, mirror};
use self::kinds::{Ctx, DATA_KINDS, Repeat};
use crate::rng::{Rng, mix};

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

/// Kind of a generated block, with what decides its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    S3Bucket { versioned: bool },
    S3Versioning { enabled: bool },
    S3Sse { kms: bool },
    S3PublicAccessBlock { complete: bool },
    S3Logging,
    SecurityGroup,
    SecurityGroupRule,
    VpcIngressRule,
    CosBucket,
    StorageAccount,
    NetworkSecurityGroup,
    GcsBucket,
    Firewall,
    Data(usize),
}

impl Kind {
    fn type_name(self) -> &'static str {
        match self {
            Self::S3Bucket { .. } => "aws_s3_bucket",
            Self::S3Versioning { .. } => "aws_s3_bucket_versioning",
            Self::S3Sse { .. } => "aws_s3_bucket_server_side_encryption_configuration",
            Self::S3PublicAccessBlock { .. } => "aws_s3_bucket_public_access_block",
            Self::S3Logging => "aws_s3_bucket_logging",
            Self::SecurityGroup => "aws_security_group",
            Self::SecurityGroupRule => "aws_security_group_rule",
            Self::VpcIngressRule => "aws_vpc_security_group_ingress_rule",
            Self::CosBucket => "tencentcloud_cos_bucket",
            Self::StorageAccount => "azurerm_storage_account",
            Self::NetworkSecurityGroup => "azurerm_network_security_group",
            Self::GcsBucket => "google_storage_bucket",
            Self::Firewall => "google_compute_firewall",
            Self::Data(i) => DATA_KINDS.get(i).map_or("aws_caller_identity", |d| d.0),
        }
    }

    fn provider(self) -> &'static str {
        match self {
            Self::CosBucket => "tencentcloud",
            Self::StorageAccount | Self::NetworkSecurityGroup => "azurerm",
            Self::GcsBucket | Self::Firewall => "google",
            Self::Data(i) => DATA_KINDS.get(i).map_or("aws", |d| d.1),
            _ => "aws",
        }
    }

    fn is_data(self) -> bool {
        matches!(self, Self::Data(_))
    }

    fn is_primary(self) -> bool {
        !matches!(
            self,
            Self::S3Versioning { .. }
                | Self::S3Sse { .. }
                | Self::S3PublicAccessBlock { .. }
                | Self::S3Logging
                | Self::Data(_)
        )
    }
}

/// Full provider source address of a provider short name.
fn provider_source(provider: &str) -> &'static str {
    match provider {
        "tencentcloud" => "registry.terraform.io/tencentcloudstack/tencentcloud",
        "azurerm" => "registry.terraform.io/hashicorp/azurerm",
        "google" => "registry.terraform.io/hashicorp/google",
        _ => "registry.terraform.io/hashicorp/aws",
    }
}

/// What the plan does with a block's instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Create,
    NoOp,
    Update,
    Replace,
    /// Delete-only: the block is gone from the configuration.
    Delete,
    /// A data source read during planning (not in `resource_changes`).
    DataKnown,
    /// A data source whose read is deferred to apply (`read` in `resource_changes`).
    DataDeferred,
}

impl Action {
    fn in_state(self) -> bool {
        matches!(
            self,
            Self::NoOp | Self::Update | Self::Replace | Self::Delete | Self::DataKnown
        )
    }
}

/// Instance key of a resource instance.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    None,
    Int(u32),
    Str(String),
}

impl Key {
    fn is_none(&self) -> bool {
        matches!(self, Self::None)
    }

    /// `[0]`, `["eu"]` or nothing.
    fn address_suffix(&self) -> String {
        match self {
            Self::None => String::new(),
            Self::Int(i) => format!("[{i}]"),
            Self::Str(s) => format!("[\"{s}\"]"),
        }
    }

    /// `-0`, `-eu` or nothing, for names.
    fn name_suffix(&self) -> String {
        match self {
            Self::None => String::new(),
            Self::Int(i) => format!("-{i}"),
            Self::Str(s) => format!("-{s}"),
        }
    }
}

impl Serialize for Key {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::None => serializer.serialize_none(),
            Self::Int(i) => serializer.serialize_u32(*i),
            Self::Str(s) => serializer.serialize_str(s),
        }
    }
}

#[derive(Debug)]
struct Module {
    /// `""` for the root, else `module.a` or `module.a.module.b`.
    address: String,
    /// Name of the module call (`a`, `b`).
    call: String,
    source: &'static str,
    env: &'static str,
    children: Vec<usize>,
    blocks: Vec<usize>,
}

#[derive(Debug)]
struct Block {
    id: u64,
    module: usize,
    kind: Kind,
    name: String,
    repeat: Repeat,
    keys: Vec<Key>,
    action: Action,
    flaw: bool,
    /// Module-local address of the block this one refers to.
    target: Option<String>,
}

impl Block {
    fn local_address(&self) -> String {
        if self.kind.is_data() {
            format!("data.{}.{}", self.kind.type_name(), self.name)
        } else {
            format!("{}.{}", self.kind.type_name(), self.name)
        }
    }

    fn mode(&self) -> &'static str {
        if self.kind.is_data() {
            "data"
        } else {
            "managed"
        }
    }
}

/// The plan before it is written.
struct Skeleton {
    seed: u64,
    modules: Vec<Module>,
    blocks: Vec<Block>,
}

const MODULE_PREFIXES: &[(&str, &str)] = &[
    ("app", "./modules/app"),
    ("data", "./modules/data-platform"),
    ("edge", "./modules/edge"),
    ("shared", "./modules/shared-services"),
    ("tenant", "./modules/tenant"),
    ("payments", "./modules/payments"),
];
const CHILD_MODULES: &[(&str, &str)] = &[
    ("storage", "../storage"),
    ("network", "../network"),
    ("firewall", "../firewall"),
];
const NAMES: &[&str] = &[
    "orders", "invoices", "assets", "backup", "logs", "media", "exports", "reports", "uploads",
    "archive", "web", "api", "bastion", "db", "cache", "workers", "ingest", "search", "events",
    "audit",
];
const FOR_EACH_KEYS: &[&[&str]] = &[
    &["eu", "us"],
    &["eu", "us", "ap"],
    &["primary", "replica"],
    &["alpha", "beta", "gamma"],
    &["blue", "green"],
];

impl Skeleton {
    fn build(options: &Options) -> Self {
        let mut rng = Rng::new(options.seed);
        let n = options.resources;
        let mut modules = vec![Module {
            address: String::new(),
            call: String::new(),
            source: "",
            env: "prod",
            children: Vec::new(),
            blocks: Vec::new(),
        }];
        let top = (n / 400).max(1);
        for i in 0..top {
            let (prefix, source) = MODULE_PREFIXES[i % MODULE_PREFIXES.len()];
            let call = format!("{prefix}_{i:03}");
            let env = *rng.pick(&["prod", "prod", "staging", "dev"]);
            let index = modules.len();
            modules.push(Module {
                address: format!("module.{call}"),
                call,
                source,
                env,
                children: Vec::new(),
                blocks: Vec::new(),
            });
            modules[0].children.push(index);
            if rng.chance(1, 2) {
                let count = rng.range(1, 2) as usize;
                let first = rng.below(CHILD_MODULES.len() as u64) as usize;
                for j in 0..count {
                    let (child, child_source) = CHILD_MODULES[(first + j) % CHILD_MODULES.len()];
                    let child_index = modules.len();
                    let address = format!("{}.module.{child}", modules[index].address);
                    modules.push(Module {
                        address,
                        call: child.to_owned(),
                        source: child_source,
                        env,
                        children: Vec::new(),
                        blocks: Vec::new(),
                    });
                    modules[index].children.push(child_index);
                }
            }
        }
        let mut skeleton = Self {
            seed: options.seed,
            modules,
            blocks: Vec::new(),
        };
        let mut total = 0;
        let mut unit = 0u64;
        while total < n {
            unit += 1;
            total += skeleton.add_unit(&mut rng, unit, n - total);
        }
        skeleton.sort();
        skeleton
    }

    /// Adds one unit (a bucket with its versioning, a security group with its rules, …)
    /// of at most `remaining` instances; returns how many instances it added.
    fn add_unit(&mut self, rng: &mut Rng, unit: u64, remaining: usize) -> usize {
        let module = if self.modules.len() == 1 || rng.chance(3, 10) {
            0
        } else {
            1 + rng.below(self.modules.len() as u64 - 1) as usize
        };
        let name = format!("{}_{unit}", rng.pick(NAMES));
        let flaw = rng.chance(1, 3);
        let roll = rng.below(100);
        let action = if roll < 3 {
            // a small share of data sources
            if rng.chance(1, 5) {
                Action::DataDeferred
            } else {
                Action::DataKnown
            }
        } else {
            match rng.below(100) {
                // most of a large estate exists already
                0..=70 => Action::Create,
                71..=86 => Action::NoOp,
                87..=93 => Action::Update,
                94..=95 => Action::Replace,
                _ => Action::Delete,
            }
        };
        // the blocks of the unit: (kind, flaw, target index within the unit)
        let mut parts: Vec<(Kind, bool, Option<usize>)> = Vec::new();
        if matches!(action, Action::DataKnown | Action::DataDeferred) {
            let kind = if action == Action::DataDeferred {
                1 // aws_iam_policy_document depends on a bucket created in the plan
            } else {
                rng.below(DATA_KINDS.len() as u64) as usize
            };
            parts.push((Kind::Data(kind), false, None));
        } else {
            match rng.below(100) {
                0..=21 => {
                    // what is wrong with a flawed bucket: 1 no versioning, 2 versioning
                    // suspended, 3 no KMS encryption, 4 public access not blocked,
                    // 5 no access logging
                    let weakness = if flaw { rng.range(1, 5) } else { 0 };
                    let versioned = !matches!(weakness, 1 | 2);
                    parts.push((Kind::S3Bucket { versioned }, flaw, None));
                    if weakness != 1 {
                        parts.push((
                            Kind::S3Versioning {
                                enabled: weakness != 2,
                            },
                            false,
                            Some(0),
                        ));
                    }
                    if weakness != 3 || rng.chance(1, 2) {
                        parts.push((Kind::S3Sse { kms: weakness != 3 }, false, Some(0)));
                    }
                    if weakness != 4 || rng.chance(1, 2) {
                        let complete = weakness != 4;
                        parts.push((Kind::S3PublicAccessBlock { complete }, false, Some(0)));
                    }
                    if weakness != 5 {
                        parts.push((Kind::S3Logging, false, Some(0)));
                    }
                }
                22..=44 => {
                    let extra = rng.chance(3, 10);
                    let on_rule = extra && flaw && rng.chance(1, 2);
                    parts.push((Kind::SecurityGroup, flaw && !on_rule, None));
                    if extra {
                        let kind = if rng.chance(1, 2) {
                            Kind::SecurityGroupRule
                        } else {
                            Kind::VpcIngressRule
                        };
                        parts.push((kind, on_rule, Some(0)));
                    }
                }
                45..=61 => parts.push((Kind::CosBucket, flaw, None)),
                62..=70 => parts.push((Kind::StorageAccount, flaw, None)),
                71..=78 => parts.push((Kind::NetworkSecurityGroup, flaw, None)),
                79..=89 => parts.push((Kind::GcsBucket, flaw, None)),
                _ => parts.push((Kind::Firewall, flaw, None)),
            }
        }
        if parts.len() > remaining {
            parts = vec![(Kind::CosBucket, flaw, None)];
        }
        let (repeat, mut keys) = match rng.below(100) {
            0..=69 => (Repeat::Single, vec![Key::None]),
            70..=84 => {
                let count = rng.range(2, 4) as u32;
                (Repeat::Count, (0..count).map(Key::Int).collect())
            }
            _ => {
                let set = rng.pick(FOR_EACH_KEYS);
                (
                    Repeat::ForEach,
                    set.iter().map(|k| Key::Str((*k).to_owned())).collect(),
                )
            }
        };
        let per_block = (remaining / parts.len()).max(1);
        keys.truncate(per_block);
        let first = self.blocks.len();
        for (i, (kind, block_flaw, target)) in parts.iter().enumerate() {
            let target = target.and_then(|t| self.blocks.get(first + t).map(Block::local_address));
            self.modules[module].blocks.push(self.blocks.len());
            self.blocks.push(Block {
                id: unit * 8 + i as u64,
                module,
                kind: *kind,
                name: name.clone(),
                repeat,
                keys: keys.clone(),
                action,
                flaw: *block_flaw,
                target,
            });
        }
        parts.len() * keys.len()
    }

    /// Sorts blocks within modules and child modules by address, as Terraform does.
    fn sort(&mut self) {
        let blocks = &self.blocks;
        for module in &mut self.modules {
            module
                .blocks
                .sort_by_cached_key(|&b| blocks[b].local_address());
        }
        let calls: Vec<String> = self.modules.iter().map(|m| m.call.clone()).collect();
        for module in &mut self.modules {
            module.children.sort_by(|a, b| calls[*a].cmp(&calls[*b]));
        }
    }

    fn address(&self, block: &Block, key: &Key) -> String {
        let module = &self.modules[block.module];
        let local = block.local_address();
        if module.address.is_empty() {
            format!("{local}{}", key.address_suffix())
        } else {
            format!("{}.{local}{}", module.address, key.address_suffix())
        }
    }

    /// The attribute values of one instance (block-level randomness, instance names).
    fn attrs(&self, block: &Block, key: &Key) -> Attrs {
        let suffix = key.name_suffix();
        let mut ctx = Ctx {
            env: self.modules[block.module].env,
            name: &block.name,
            suffix: &suffix,
            repeat: block.repeat,
            flaw: block.flaw,
            target: block.target.as_deref(),
            rng: Rng::new(mix(self.seed, block.id)),
        };
        let flaw = ctx.flaw;
        match block.kind {
            Kind::S3Bucket { versioned } => kinds::aws_s3_bucket(&mut ctx, versioned),
            Kind::S3Versioning { enabled } => kinds::aws_s3_bucket_versioning(
                &mut ctx,
                if enabled { "Enabled" } else { "Suspended" },
            ),
            Kind::S3Sse { kms } => kinds::aws_s3_bucket_sse(&mut ctx, kms),
            Kind::S3PublicAccessBlock { complete } => {
                kinds::aws_s3_bucket_public_access_block(&mut ctx, complete)
            }
            Kind::S3Logging => kinds::aws_s3_bucket_logging(&mut ctx),
            Kind::SecurityGroup => kinds::aws_security_group(&mut ctx, flaw),
            Kind::SecurityGroupRule => kinds::aws_security_group_rule(&mut ctx, flaw),
            Kind::VpcIngressRule => kinds::aws_vpc_security_group_ingress_rule(&mut ctx, flaw),
            Kind::CosBucket => kinds::tencentcloud_cos_bucket(&mut ctx, flaw),
            Kind::StorageAccount => kinds::azurerm_storage_account(&mut ctx, flaw),
            Kind::NetworkSecurityGroup => kinds::azurerm_network_security_group(&mut ctx, flaw),
            Kind::GcsBucket => kinds::google_storage_bucket(&mut ctx, flaw),
            Kind::Firewall => kinds::google_compute_firewall(&mut ctx, flaw),
            Kind::Data(i) => kinds::data_source(&mut ctx, DATA_KINDS.get(i).map_or("", |d| d.0)),
        }
    }

    /// Whether a module or any module below it has a resource instance for which
    /// `wanted` holds.
    fn has_any(&self, module: usize, wanted: &dyn Fn(&Block) -> bool) -> bool {
        let m = &self.modules[module];
        m.blocks.iter().any(|&b| wanted(&self.blocks[b]))
            || m.children.iter().any(|&c| self.has_any(c, wanted))
    }

    fn stats(&self) -> Stats {
        let mut stats = Stats {
            modules: self.modules.len() - 1,
            ..Stats::default()
        };
        for block in &self.blocks {
            let count = block.keys.len();
            stats.instances += count;
            *stats.by_type.entry(block.kind.type_name()).or_default() += count;
            if block.kind.is_data() {
                stats.data += count;
            } else if block.action == Action::Delete {
                stats.deleted += count;
            } else {
                stats.managed += count;
                if block.kind.is_primary() {
                    stats.primary += count;
                }
                if block.flaw {
                    stats.flawed += count;
                }
            }
        }
        stats
    }
}

/// Old values of a resource that the plan updates in place: an owner tag changed.
fn updated_from(state: &Value) -> Value {
    let mut before = state.clone();
    if let Value::Object(map) = &mut before {
        for key in [
            "tags",
            "tags_all",
            "labels",
            "terraform_labels",
            "effective_labels",
        ] {
            if let Some(Value::Object(tags)) = map.get_mut(key) {
                tags.insert("owner".into(), json!("legacy-ops"));
            }
        }
    }
    before
}

/// Old values of a resource the plan replaces: its name changes. Returns the values
/// and the attribute that forces the replacement.
fn replaced_from(state: &Value) -> (Value, &'static str) {
    let mut before = state.clone();
    let mut path = "name";
    if let Value::Object(map) = &mut before {
        for key in ["bucket", "name"] {
            if let Some(Value::String(s)) = map.get_mut(key) {
                s.push_str("-v1");
                path = key;
                break;
            }
        }
    }
    (before, path)
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

/// A resource in `planned_values` or `prior_state`.
#[derive(Serialize)]
struct ValuesResource<'a> {
    address: &'a str,
    mode: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Key::is_none")]
    index: &'a Key,
    provider_name: &'a str,
    schema_version: u32,
    values: &'a Value,
    sensitive_values: &'a Value,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    depends_on: &'a [String],
}

/// An entry of `resource_changes`.
#[derive(Serialize)]
struct ResourceChange<'a> {
    address: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    module_address: Option<&'a str>,
    mode: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Key::is_none")]
    index: &'a Key,
    provider_name: &'a str,
    change: Change<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    action_reason: Option<&'a str>,
}

#[derive(Serialize)]
struct Change<'a> {
    actions: &'a [&'a str],
    before: &'a Value,
    after: &'a Value,
    after_unknown: &'a Value,
    before_sensitive: &'a Value,
    after_sensitive: &'a Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    replace_paths: Option<Value>,
}

/// A resource block in `configuration`.
#[derive(Serialize)]
struct ConfigResource<'a> {
    address: &'a str,
    mode: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    name: &'a str,
    provider_config_key: &'a str,
    #[serde(skip_serializing_if = "Map::is_empty")]
    expressions: &'a Map<String, Value>,
    schema_version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    count_expression: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    for_each_expression: Option<Value>,
}

/// Which resources a `values` section lists.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Planned,
    Prior,
}

impl Section {
    fn wants(self, block: &Block) -> bool {
        match self {
            Self::Planned => !matches!(block.action, Action::Delete | Action::DataDeferred),
            Self::Prior => block.action.in_state(),
        }
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

/// `root_module` (or a child module) of `planned_values` or `prior_state.values`.
fn write_values_module<W: Write>(
    skeleton: &Skeleton,
    out: &mut Out<W>,
    module: usize,
    section: Section,
) -> io::Result<()> {
    let m = &skeleton.modules[module];
    let mut first = true;
    out.raw("{")?;
    let blocks: Vec<&Block> = m
        .blocks
        .iter()
        .map(|&b| &skeleton.blocks[b])
        .filter(|b| section.wants(b))
        .collect();
    if !blocks.is_empty() {
        out.key(&mut first, "resources")?;
        out.raw("[")?;
        let mut first_item = true;
        for block in blocks {
            for key in &block.keys {
                out.item(&mut first_item)?;
                let attrs = skeleton.attrs(block, key);
                let values = match (section, block.action) {
                    (Section::Planned, Action::Create | Action::Replace) => {
                        Value::Object(attrs.config.clone())
                    }
                    (Section::Prior, Action::Update) => updated_from(&attrs.state()),
                    (Section::Prior, Action::Replace) => replaced_from(&attrs.state()).0,
                    _ => attrs.state(),
                };
                let address = skeleton.address(block, key);
                let depends_on: &[String] = if section == Section::Prior {
                    &attrs.depends_on
                } else {
                    &[]
                };
                out.json(&ValuesResource {
                    address: &address,
                    mode: block.mode(),
                    kind: block.kind.type_name(),
                    name: &block.name,
                    index: key,
                    provider_name: provider_source(block.kind.provider()),
                    schema_version: 0,
                    values: &values,
                    sensitive_values: &attrs.sensitive_of(&values),
                    depends_on,
                })?;
            }
        }
        out.raw("]")?;
    }
    if module != 0 {
        out.key(&mut first, "address")?;
        out.json(&m.address)?;
    }
    let children: Vec<usize> = m
        .children
        .iter()
        .copied()
        .filter(|&c| skeleton.has_any(c, &|b| section.wants(b)))
        .collect();
    if !children.is_empty() {
        out.key(&mut first, "child_modules")?;
        out.raw("[")?;
        let mut first_item = true;
        for child in children {
            out.item(&mut first_item)?;
            write_values_module(skeleton, out, child, section)?;
        }
        out.raw("]")?;
    }
    out.raw("}")
}

/// `resource_changes`, sorted by address like Terraform's.
fn write_changes<W: Write>(skeleton: &Skeleton, out: &mut Out<W>) -> io::Result<()> {
    let mut entries: Vec<(String, usize, usize)> = Vec::new();
    for (b, block) in skeleton.blocks.iter().enumerate() {
        if block.action == Action::DataKnown {
            continue;
        }
        for (k, key) in block.keys.iter().enumerate() {
            entries.push((skeleton.address(block, key), b, k));
        }
    }
    entries.sort_unstable();
    out.raw("[")?;
    let mut first = true;
    let null = Value::Null;
    let no = Value::Bool(false);
    let empty = Value::Object(Map::new());
    for (address, b, k) in &entries {
        let block = &skeleton.blocks[*b];
        let Some(key) = block.keys.get(*k) else {
            continue;
        };
        out.item(&mut first)?;
        let attrs = skeleton.attrs(block, key);
        let module = &skeleton.modules[block.module];
        let (actions, reason): (&[&str], Option<&str>) = match block.action {
            Action::Create => (&["create"], None),
            Action::NoOp => (&["no-op"], None),
            Action::Update => (&["update"], None),
            Action::Replace => (&["delete", "create"], Some("replace_because_cannot_update")),
            Action::Delete => (&["delete"], Some("delete_because_no_resource_config")),
            Action::DataKnown | Action::DataDeferred => {
                (&["read"], Some("read_because_dependency_pending"))
            }
        };
        let mut replace_paths = None;
        let (before, after, after_unknown) = match block.action {
            Action::Create | Action::DataDeferred | Action::DataKnown => (
                Value::Null,
                Value::Object(attrs.config.clone()),
                attrs.create_unknown(),
            ),
            Action::NoOp => {
                let state = attrs.state();
                let unknown = mirror(&state);
                (state.clone(), state, unknown)
            }
            Action::Update => {
                let state = attrs.state();
                let unknown = mirror(&state);
                (updated_from(&state), state, unknown)
            }
            Action::Replace => {
                let (before, path) = replaced_from(&attrs.state());
                replace_paths = Some(json!([[path]]));
                (
                    before,
                    Value::Object(attrs.config.clone()),
                    attrs.create_unknown(),
                )
            }
            Action::Delete => (attrs.state(), Value::Null, empty.clone()),
        };
        let before_sensitive = if before.is_null() {
            no.clone()
        } else {
            attrs.sensitive_of(&before)
        };
        let after_sensitive = if after.is_null() {
            no.clone()
        } else {
            attrs.sensitive_of(&after)
        };
        out.json(&ResourceChange {
            address,
            module_address: (!module.address.is_empty()).then_some(module.address.as_str()),
            mode: block.mode(),
            kind: block.kind.type_name(),
            name: &block.name,
            index: key,
            provider_name: provider_source(block.kind.provider()),
            change: Change {
                actions,
                before: if before.is_null() { &null } else { &before },
                after: &after,
                after_unknown: &after_unknown,
                before_sensitive: &before_sensitive,
                after_sensitive: &after_sensitive,
                replace_paths,
            },
            action_reason: reason,
        })?;
    }
    out.raw("]")
}

/// A module of `configuration`: its resource blocks, module calls and variables.
fn write_config_module<W: Write>(
    skeleton: &Skeleton,
    out: &mut Out<W>,
    module: usize,
) -> io::Result<()> {
    let m = &skeleton.modules[module];
    let mut first = true;
    out.raw("{")?;
    let in_config = |b: &Block| b.action != Action::Delete;
    let blocks: Vec<&Block> = m
        .blocks
        .iter()
        .map(|&b| &skeleton.blocks[b])
        .filter(|b| in_config(b))
        .collect();
    if !blocks.is_empty() {
        out.key(&mut first, "resources")?;
        out.raw("[")?;
        let mut first_item = true;
        for block in blocks {
            out.item(&mut first_item)?;
            let Some(key) = block.keys.first() else {
                continue;
            };
            let attrs = skeleton.attrs(block, key);
            let (count_expression, for_each_expression) = match block.repeat {
                Repeat::Single => (None, None),
                Repeat::Count => (Some(json!({ "constant_value": block.keys.len() })), None),
                Repeat::ForEach => (None, Some(json!({ "references": ["local.regions"] }))),
            };
            let address = block.local_address();
            out.json(&ConfigResource {
                address: &address,
                mode: block.mode(),
                kind: block.kind.type_name(),
                name: &block.name,
                provider_config_key: block.kind.provider(),
                expressions: &attrs.exprs,
                schema_version: 0,
                count_expression,
                for_each_expression,
            })?;
        }
        out.raw("]")?;
    }
    let children: Vec<usize> = m
        .children
        .iter()
        .copied()
        .filter(|&c| skeleton.has_any(c, &in_config))
        .collect();
    if !children.is_empty() {
        out.key(&mut first, "module_calls")?;
        out.raw("{")?;
        let mut first_call = true;
        for child in children {
            let c = &skeleton.modules[child];
            out.key(&mut first_call, &c.call)?;
            out.raw("{\"source\":")?;
            out.json(c.source)?;
            out.raw(",\"expressions\":")?;
            out.json(&json!({
                "environment": { "constant_value": c.env },
                "network": { "references": ["var.network"] },
                "resource_group_name": { "references": ["var.resource_group_name"] },
                "vpc_id": { "references": ["var.vpc_id"] }
            }))?;
            out.raw(",\"module\":")?;
            write_config_module(skeleton, out, child)?;
            out.raw("}")?;
        }
        out.raw("}")?;
    }
    out.key(&mut first, "variables")?;
    out.json(&json!({
        "environment": { "description": "Deployment environment: prod, staging or dev." },
        "network": { "description": "Self link of the Google VPC network." },
        "resource_group_name": { "description": "Azure resource group of the environment." },
        "vpc_id": { "description": "ID of the AWS VPC the security groups belong to." }
    }))?;
    out.raw("}")
}

/// `relevant_attributes`: the attributes of existing resources that references read.
fn write_relevant_attributes<W: Write>(skeleton: &Skeleton, out: &mut Out<W>) -> io::Result<()> {
    out.raw("[")?;
    let mut first = true;
    for block in &skeleton.blocks {
        let (Some(target), true) = (&block.target, block.action.in_state()) else {
            continue;
        };
        let module = &skeleton.modules[block.module];
        let resource = if module.address.is_empty() {
            target.clone()
        } else {
            format!("{}.{target}", module.address)
        };
        out.item(&mut first)?;
        out.json(&json!({ "resource": resource, "attribute": ["id"] }))?;
    }
    out.raw("]")
}

#[cfg(test)]
mod tests {
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
