//! The skeleton of a generated plan: its modules and resource blocks (kind, instance
//! keys, planned action, flaw, the block a block refers to), drawn from the seed
//! before anything is written, and the attribute values of each instance.

use serde::Serialize;
use serde::ser::Serializer;

use super::attrs::Attrs;
use super::kinds::{self, Ctx, DATA_KINDS, Repeat};
use super::{Options, Stats};
use crate::rng::{Rng, mix};

/// Kind of a generated block, with what decides its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
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
    pub(super) fn type_name(self) -> &'static str {
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

    pub(super) fn provider(self) -> &'static str {
        match self {
            Self::CosBucket => "tencentcloud",
            Self::StorageAccount | Self::NetworkSecurityGroup => "azurerm",
            Self::GcsBucket | Self::Firewall => "google",
            Self::Data(i) => DATA_KINDS.get(i).map_or("aws", |d| d.1),
            _ => "aws",
        }
    }

    pub(super) fn is_data(self) -> bool {
        matches!(self, Self::Data(_))
    }

    pub(super) fn is_primary(self) -> bool {
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
pub(super) fn provider_source(provider: &str) -> &'static str {
    match provider {
        "tencentcloud" => "registry.terraform.io/tencentcloudstack/tencentcloud",
        "azurerm" => "registry.terraform.io/hashicorp/azurerm",
        "google" => "registry.terraform.io/hashicorp/google",
        _ => "registry.terraform.io/hashicorp/aws",
    }
}

/// What the plan does with a block's instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Action {
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
    pub(super) fn in_state(self) -> bool {
        matches!(
            self,
            Self::NoOp | Self::Update | Self::Replace | Self::Delete | Self::DataKnown
        )
    }
}

/// Instance key of a resource instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Key {
    None,
    Int(u32),
    Str(String),
}

impl Key {
    pub(super) fn is_none(&self) -> bool {
        matches!(self, Self::None)
    }

    /// `[0]`, `["eu"]` or nothing.
    pub(super) fn address_suffix(&self) -> String {
        match self {
            Self::None => String::new(),
            Self::Int(i) => format!("[{i}]"),
            Self::Str(s) => format!("[\"{s}\"]"),
        }
    }

    /// `-0`, `-eu` or nothing, for names.
    pub(super) fn name_suffix(&self) -> String {
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
pub(super) struct Module {
    /// `""` for the root, else `module.a` or `module.a.module.b`.
    pub(super) address: String,
    /// Name of the module call (`a`, `b`).
    pub(super) call: String,
    pub(super) source: &'static str,
    pub(super) env: &'static str,
    pub(super) children: Vec<usize>,
    pub(super) blocks: Vec<usize>,
}

#[derive(Debug)]
pub(super) struct Block {
    pub(super) id: u64,
    pub(super) module: usize,
    pub(super) kind: Kind,
    pub(super) name: String,
    pub(super) repeat: Repeat,
    pub(super) keys: Vec<Key>,
    pub(super) action: Action,
    pub(super) flaw: bool,
    /// Module-local address of the block this one refers to.
    pub(super) target: Option<String>,
}

impl Block {
    pub(super) fn local_address(&self) -> String {
        if self.kind.is_data() {
            format!("data.{}.{}", self.kind.type_name(), self.name)
        } else {
            format!("{}.{}", self.kind.type_name(), self.name)
        }
    }

    pub(super) fn mode(&self) -> &'static str {
        if self.kind.is_data() {
            "data"
        } else {
            "managed"
        }
    }
}

/// The plan before it is written.
pub(super) struct Skeleton {
    pub(super) seed: u64,
    pub(super) modules: Vec<Module>,
    pub(super) blocks: Vec<Block>,
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
    pub(super) fn build(options: &Options) -> Self {
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
    pub(super) fn add_unit(&mut self, rng: &mut Rng, unit: u64, remaining: usize) -> usize {
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
    pub(super) fn sort(&mut self) {
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

    pub(super) fn address(&self, block: &Block, key: &Key) -> String {
        let module = &self.modules[block.module];
        let local = block.local_address();
        if module.address.is_empty() {
            format!("{local}{}", key.address_suffix())
        } else {
            format!("{}.{local}{}", module.address, key.address_suffix())
        }
    }

    /// The attribute values of one instance (block-level randomness, instance names).
    pub(super) fn attrs(&self, block: &Block, key: &Key) -> Attrs {
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
    pub(super) fn has_any(&self, module: usize, wanted: &dyn Fn(&Block) -> bool) -> bool {
        let m = &self.modules[module];
        m.blocks.iter().any(|&b| wanted(&self.blocks[b]))
            || m.children.iter().any(|&c| self.has_any(c, wanted))
    }

    pub(super) fn stats(&self) -> Stats {
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
