//! The neutral value every reader produces.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// The formats Testat imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Checkov's JSON report (`checkov -o json`): one report object, or a list of
    /// them when several frameworks ran.
    Checkov,
    /// Prowler's OCSF output (`prowler -M json-ocsf`): a JSON array of OCSF Detection
    /// Findings.
    ProwlerOcsf,
    /// A SARIF 2.1.0 log (Checkov, Trivy, KICS, Semgrep, CodeQL, …).
    Sarif,
}

impl Format {
    /// Every format, in the order `--format` lists them.
    pub const ALL: [Self; 3] = [Self::Checkov, Self::ProwlerOcsf, Self::Sarif];

    /// The name `--format` takes (`checkov`, `prowler-ocsf`, `sarif`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Checkov => "checkov",
            Self::ProwlerOcsf => "prowler-ocsf",
            Self::Sarif => "sarif",
        }
    }

    /// The format named `name` (as [`Format::as_str`] spells it; case ignored).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// What people call it, for messages (`Checkov JSON`, `Prowler OCSF`, `SARIF`).
    pub fn label(self) -> &'static str {
        match self {
            Self::Checkov => "Checkov JSON",
            Self::ProwlerOcsf => "Prowler OCSF",
            Self::Sarif => "SARIF",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How serious the producing tool says a finding is. Only ever taken from the tool's
/// own output, never guessed: Checkov's open-source output has none, and a SARIF
/// `level` is not a severity (only `security-severity` is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational (OCSF 1, SARIF security-severity 0.0).
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical (OCSF 5 and 6 "fatal").
    Critical,
}

impl Severity {
    /// The lower-case name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }

    /// A severity word as tools write it (`HIGH`, `Medium`, `informational`, …).
    pub fn from_word(word: &str) -> Option<Self> {
        match word.trim().to_ascii_lowercase().as_str() {
            "info" | "informational" | "information" | "none" => Some(Self::Info),
            "low" => Some(Self::Low),
            "medium" | "moderate" => Some(Self::Medium),
            "high" => Some(Self::High),
            "critical" | "fatal" => Some(Self::Critical),
            _ => None,
        }
    }

    /// An OCSF `severity_id` (1 informational … 5 critical, 6 fatal); 0 (unknown) and
    /// 99 (other) have no severity.
    pub fn from_ocsf_id(id: i64) -> Option<Self> {
        match id {
            1 => Some(Self::Info),
            2 => Some(Self::Low),
            3 => Some(Self::Medium),
            4 => Some(Self::High),
            5 | 6 => Some(Self::Critical),
            _ => None,
        }
    }

    /// A SARIF `security-severity` score (0.0–10.0, in the bands code-scanning
    /// dashboards use: 9.0 critical, 7.0 high, 4.0 medium, above 0 low, 0 info).
    pub fn from_score(score: f64) -> Option<Self> {
        if !(0.0..=10.0).contains(&score) {
            return None;
        }
        Some(if score >= 9.0 {
            Self::Critical
        } else if score >= 7.0 {
            Self::High
        } else if score >= 4.0 {
            Self::Medium
        } else if score > 0.0 {
            Self::Low
        } else {
            Self::Info
        })
    }
}

/// What a finding says about its resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The check passed.
    Pass,
    /// The check failed.
    Fail,
    /// The tool could not decide (Prowler's MANUAL, SARIF `open` and `review`).
    Unknown,
    /// The check failed but the tool was told to accept it (a Checkov skip comment, a
    /// muted Prowler finding, an accepted SARIF suppression); see the justification.
    Excepted,
}

impl Outcome {
    /// The lower-case name used in output and in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Unknown => "unknown",
            Self::Excepted => "excepted",
        }
    }
}

/// The tool that wrote the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToolInfo {
    /// As the tool names itself (`checkov`, `Prowler`, `Semgrep OSS`, `Trivy`).
    pub name: String,
    /// Its version, when the file says.
    pub version: Option<String>,
    /// Its home page, when the file says (SARIF `informationUri`).
    pub information_uri: Option<String>,
}

impl ToolInfo {
    /// The key mappings use for this tool: the first word of its name in lower case
    /// (`checkov`, `prowler`, `semgrep`, `trivy`, `codeql`).
    pub fn key(&self) -> String {
        tool_key(&self.name)
    }
}

/// The mapping key of a tool name: its first word, lower case.
pub(crate) fn tool_key(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || c == '/' || c == ':')
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Which check: its ID, and for tools whose IDs are unique per provider only
/// (Prowler), the provider.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct CheckKey {
    /// `aws`, `azure`, `gcp`, `kubernetes`, `tencentcloud`, … when known.
    pub provider: Option<String>,
    /// The tool's check ID (`CKV_AWS_19`, `s3_bucket_default_encryption`, a SARIF
    /// `ruleId`).
    pub id: String,
}

impl fmt::Display for CheckKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.provider {
            Some(p) => write!(f, "{p}/{}", self.id),
            None => f.write_str(&self.id),
        }
    }
}

/// Where a check's criteria came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MappingSource {
    /// No mapping was applied yet (see [`crate::Mappings::apply`]).
    NotApplied,
    /// Testat's built-in table (`mappings/<tool>.yaml`).
    Builtin,
    /// A `[[mapping]]` entry of the user (its index among the entries given).
    Override(usize),
    /// Neither the table nor the user maps this check: it counts toward no criterion
    /// and is listed as unmapped.
    Unmapped,
    /// The user mapped it to no criterion on purpose (empty lists): it counts toward
    /// no criterion and is not listed as unmapped.
    Ignored,
}

/// One requirement list a tool itself attached to a check (Prowler's
/// `unmapped.compliance`). A hint for people, never used as a mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComplianceHint {
    /// The tool's framework key (`C5-2025`, `CIS-6.0`, `ISO27001-2022`).
    pub framework: String,
    /// The requirement IDs under it.
    pub requirements: Vec<String>,
}

/// What Testat knows about one check of the tool; findings point at it by index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// Its ID (and provider).
    pub key: CheckKey,
    /// The tool's name for it (Checkov's `check_name`, Prowler's check title, the
    /// SARIF rule's short description or name).
    pub title: Option<String>,
    /// The tool's severity for the check, if it gives one per check.
    pub severity: Option<Severity>,
    /// How to fix a failure, as the tool says it.
    pub remediation: Option<String>,
    /// Links about the check or its fix (Checkov's `guideline`, Prowler's
    /// `remediation.references`, SARIF `helpUri`).
    pub references: Vec<String>,
    /// Requirement lists the tool attached (hints only).
    pub hints: Vec<ComplianceHint>,
    /// C5:2020 criteria (filled by [`crate::Mappings::apply`]).
    pub c5_2020: Vec<String>,
    /// C5:2026 criteria (filled by [`crate::Mappings::apply`]).
    pub c5_2026: Vec<String>,
    /// Where `c5_2020` and `c5_2026` came from.
    pub mapping: MappingSource,
    /// How many findings of the import belong to this check.
    pub findings: usize,
}

impl Check {
    pub(crate) fn new(key: CheckKey) -> Self {
        Self {
            key,
            title: None,
            severity: None,
            remediation: None,
            references: Vec::new(),
            hints: Vec::new(),
            c5_2020: Vec::new(),
            c5_2026: Vec::new(),
            mapping: MappingSource::NotApplied,
            findings: 0,
        }
    }
}

/// Where a finding is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Place {
    /// In a file (infrastructure code, source code).
    File {
        /// The path as the tool wrote it.
        path: String,
        /// First line (1-based), when known.
        #[serde(skip_serializing_if = "Option::is_none")]
        start_line: Option<u64>,
        /// Last line, when known.
        #[serde(skip_serializing_if = "Option::is_none")]
        end_line: Option<u64>,
        /// First column (1-based), when known.
        #[serde(skip_serializing_if = "Option::is_none")]
        start_column: Option<u64>,
    },
    /// In a live cloud account.
    Cloud {
        /// `aws`, `azure`, `gcp`, `kubernetes`, …
        #[serde(skip_serializing_if = "Option::is_none")]
        provider: Option<String>,
        /// Account, subscription, project or cluster.
        #[serde(skip_serializing_if = "Option::is_none")]
        account: Option<String>,
        /// Region (or `global`).
        #[serde(skip_serializing_if = "Option::is_none")]
        region: Option<String>,
        /// Kubernetes namespace.
        #[serde(skip_serializing_if = "Option::is_none")]
        namespace: Option<String>,
        /// The resource's ID (an ARN, an Azure resource ID, a Google resource name).
        #[serde(skip_serializing_if = "Option::is_none")]
        resource_id: Option<String>,
        /// The tool's resource type (`AwsS3Bucket`).
        #[serde(skip_serializing_if = "Option::is_none")]
        resource_type: Option<String>,
    },
    /// The tool did not say.
    Unknown,
}

/// One result of one check on one resource, as the tool reported it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportedFinding {
    /// Index of its check in [`Import::checks`].
    pub check: usize,
    /// Pass, fail, unknown or excepted.
    pub outcome: Outcome,
    /// The tool's severity for this finding (the check's unless the finding has its
    /// own); `None` when the tool gave none.
    pub severity: Option<Severity>,
    /// For `excepted`: why the tool accepted it (Checkov's suppress comment, the
    /// SARIF suppression's justification); `None` when the tool gave no reason.
    pub justification: Option<String>,
    /// The resource: Checkov's resource address, Prowler's resource UID, a SARIF
    /// logical location, or else `file:line`.
    pub resource: String,
    /// Where it is.
    pub place: Place,
    /// The tool's message about this finding (Prowler's status detail, the SARIF
    /// result message).
    pub detail: Option<String>,
}

/// Everything one tool reported in one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Import {
    /// The file as named by the caller.
    pub source: String,
    /// Its format.
    pub format: Format,
    /// The tool that wrote it.
    pub tool: ToolInfo,
    /// Every check that has a finding, in order of first appearance.
    pub checks: Vec<Check>,
    /// Every finding, in file order.
    pub findings: Vec<ImportedFinding>,
    /// Accounts (or projects, subscriptions, clusters) the findings are about.
    pub accounts: Vec<String>,
    /// Checkov frameworks (`terraform_plan`, `kubernetes`, …) with their finding counts.
    pub frameworks: BTreeMap<String, usize>,
    /// What the tool itself says it could not do (Checkov's `parsing_errors`, SARIF
    /// tool notifications of level error, results left out because SARIF marks them
    /// `notApplicable` or `informational`).
    pub problems: Vec<String>,
}

impl Import {
    /// The check of `finding`.
    pub fn check_of(&self, finding: &ImportedFinding) -> Option<&Check> {
        self.checks.get(finding.check)
    }

    /// Checks that neither the built-in table nor the user maps, with their finding
    /// counts (empty until [`crate::Mappings::apply`] ran).
    pub fn unmapped(&self) -> BTreeMap<&CheckKey, usize> {
        self.checks
            .iter()
            .filter(|c| c.mapping == MappingSource::Unmapped)
            .map(|c| (&c.key, c.findings))
            .collect()
    }

    /// A rule ID for `check` that names the tool, unique across tools and providers:
    /// `checkov:CKV_AWS_19`, `prowler:aws:s3_bucket_default_encryption`,
    /// `semgrep:tls-verification-off`. For records and reports that mix tools.
    pub fn rule_id(&self, check: &Check) -> String {
        match &check.key.provider {
            Some(provider) if self.tool.key() == "prowler" => {
                format!("{}:{provider}:{}", self.tool.key(), check.key.id)
            }
            _ => format!("{}:{}", self.tool.key(), check.key.id),
        }
    }

    /// The tool key and check of a rule ID made by [`Import::rule_id`]
    /// (`checkov:CKV_AWS_19` → `checkov`, `CKV_AWS_19`); `None` for an ID without
    /// a tool, such as Testat's own `AWS-S3-VERSIONING`.
    pub fn parse_rule_id(id: &str) -> Option<(String, CheckKey)> {
        let (tool, rest) = id.split_once(':')?;
        if tool.is_empty() || rest.is_empty() {
            return None;
        }
        let key = match rest.split_once(':') {
            Some((provider, check)) if tool == "prowler" && !check.is_empty() => CheckKey {
                provider: Some(provider.to_owned()),
                id: check.to_owned(),
            },
            _ => CheckKey {
                provider: None,
                id: rest.to_owned(),
            },
        };
        Some((tool.to_owned(), key))
    }

    /// How many different resources the findings are about.
    pub fn resource_count(&self) -> usize {
        let mut resources: Vec<&str> = self.findings.iter().map(|f| f.resource.as_str()).collect();
        resources.sort_unstable();
        resources.dedup();
        resources.len()
    }

    /// How many findings belong to unmapped checks.
    pub fn unmapped_findings(&self) -> usize {
        self.unmapped().values().sum()
    }

    /// The scope a recorded run of this import belongs to by default, so that runs of
    /// different tools do not mark each other's findings as fixed: `checkov` for
    /// Checkov JSON, `prowler:<account>` for Prowler (accounts joined with `+` when a
    /// file holds several), `sarif:<tool>` for SARIF (`sarif:checkov`,
    /// `sarif:semgrep`), because SARIF names resources differently from the JSON
    /// formats.
    pub fn default_scope(&self) -> String {
        let tool = self.tool.key();
        match self.format {
            Format::Checkov => tool,
            Format::ProwlerOcsf => {
                if self.accounts.is_empty() {
                    tool
                } else {
                    format!("{tool}:{}", self.accounts.join("+"))
                }
            }
            Format::Sarif => format!("sarif:{tool}"),
        }
    }

    /// Findings per outcome.
    pub fn counts(&self) -> BTreeMap<Outcome, usize> {
        let mut counts = BTreeMap::new();
        for f in &self.findings {
            *counts.entry(f.outcome).or_insert(0) += 1;
        }
        counts
    }
}

/// One file read: its hash and size (for the run's inputs) and what each tool in it
/// reported (one [`Import`], or one per tool for a SARIF log whose runs come from
/// different tools).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportedFile {
    /// The file as named by the caller.
    pub path: String,
    /// Its format.
    pub format: Format,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// What was in it.
    pub imports: Vec<Import>,
}
