//! Mapping tools' checks to C5 criteria.
//!
//! The built-in tables `mappings/checkov.yaml` and `mappings/prowler.yaml` (at the
//! repository root, embedded at build time) are Testat's own judgement. Users extend
//! or override them with `[[mapping]]` entries in `testat.toml` ([`MappingEntry`]):
//! an entry replaces the built-in entry of every check it matches, as a whole (a list
//! it leaves out is empty); empty lists for both catalogues make Testat ignore the
//! check. When several entries match a check, one without wildcards wins over
//! patterns, and otherwise the later one wins.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::{CheckKey, MappingSource, tool_key};
use crate::{Import, ImportError};

const CHECKOV_YAML: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../mappings/checkov.yaml"
));
const PROWLER_YAML: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../mappings/prowler.yaml"
));
/// The C5:2026 catalogue, read for its criterion IDs only, until `testat-catalog`
/// offers it as a [`testat_catalog::Catalog`].
const C5_2026_YAML: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../testat-catalog/data/c5-2026.yaml"
));

/// The built-in tables, as (origin, text).
pub const BUILTIN_TABLES: [(&str, &str); 2] = [
    ("mappings/checkov.yaml", CHECKOV_YAML),
    ("mappings/prowler.yaml", PROWLER_YAML),
];

/// One `[[mapping]]` entry of `testat.toml`.
///
/// ```toml
/// [[mapping]]
/// tool = "checkov"            # checkov, prowler, or a SARIF tool (semgrep, trivy, …)
/// check = "CKV_AWS_*"         # the tool's check ID; wildcards * and ?
/// provider = "aws"            # optional: only checks of this provider (Prowler IDs are unique per provider only)
/// criteria = ["CRY-03"]       # C5:2020 (also spelt c5_2020)
/// criteria_2026 = ["CRY-05"]  # C5:2026 (also spelt c5_2026)
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingEntry {
    /// The tool: `checkov`, `prowler`, or the first word of a SARIF tool's name in
    /// lower case (`semgrep`, `trivy`, `codeql`, `kics`).
    pub tool: String,
    /// The check ID, or a pattern with `*` (any run of characters) and `?` (one
    /// character); case is ignored.
    pub check: String,
    /// Only checks of this provider (`aws`, `azure`, `gcp`, `kubernetes`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// C5:2020 criterion IDs.
    #[serde(default, alias = "c5_2020", skip_serializing_if = "Option::is_none")]
    pub criteria: Option<Vec<String>>,
    /// C5:2026 criterion IDs.
    #[serde(default, alias = "c5_2026", skip_serializing_if = "Option::is_none")]
    pub criteria_2026: Option<Vec<String>>,
    /// What the check tests, for people reading the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
}

/// A built-in table file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    tool: String,
    #[expect(
        dead_code,
        reason = "documents the tool version the table was checked against"
    )]
    checked_against: String,
    checks: Vec<TableEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableEntry {
    check: String,
    provider: Option<String>,
    #[expect(dead_code, reason = "for people reading the table")]
    about: String,
    c5_2020: Vec<String>,
    c5_2026: Vec<String>,
}

#[derive(Debug, Clone)]
struct Entry {
    provider: Option<String>,
    c5_2020: Vec<String>,
    c5_2026: Vec<String>,
}

#[derive(Debug, Clone)]
struct Override {
    index: usize,
    tool: String,
    provider: Option<String>,
    pattern: String,
    exact: bool,
    c5_2020: Vec<String>,
    c5_2026: Vec<String>,
}

/// The mapping tables in force: the built-in ones plus the user's overrides.
#[derive(Debug, Clone, Default)]
pub struct Mappings {
    /// tool → check ID → entries (one per provider).
    builtin: HashMap<String, HashMap<String, Vec<Entry>>>,
    overrides: Vec<Override>,
    /// Over the tables' text and the overrides, in the order they were added.
    digest: Sha256,
}

/// What [`Mappings::lookup`] found for a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lookup<'a> {
    /// Where the lists came from (`Unmapped` and `Ignored` have empty lists).
    pub source: MappingSource,
    /// C5:2020 criteria.
    pub c5_2020: &'a [String],
    /// C5:2026 criteria.
    pub c5_2026: &'a [String],
}

impl Mappings {
    /// The built-in tables, every criterion checked against both catalogues.
    pub fn builtin() -> Result<Self, ImportError> {
        let mut mappings = Self::default();
        for (origin, text) in BUILTIN_TABLES {
            mappings.add_table(origin, text)?;
        }
        Ok(mappings)
    }

    /// No mappings at all (every check unmapped), plus whatever overrides are added.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Hex SHA-256 over the built-in tables and the overrides in force, to record
    /// with a run which mappings it was imported under.
    pub fn fingerprint(&self) -> String {
        hex::encode(self.digest.clone().finalize())
    }

    fn add_table(&mut self, origin: &str, text: &str) -> Result<(), ImportError> {
        self.digest.update(origin.as_bytes());
        self.digest.update([0]);
        self.digest.update(text.as_bytes());
        self.digest.update([0]);
        let table: Table = serde_norway::from_str(text).map_err(|e| {
            let (line, column, message) = testat_catalog::yaml_error_parts(&e);
            ImportError::Mapping {
                origin: origin.to_owned(),
                place: format!("line {line}, column {column}"),
                message,
            }
        })?;
        let tool = table.tool.trim().to_ascii_lowercase();
        let checks = self.builtin.entry(tool).or_default();
        for (i, entry) in table.checks.into_iter().enumerate() {
            let place = format!("checks[{i}] ({})", entry.check);
            let fail = |message: String| ImportError::Mapping {
                origin: origin.to_owned(),
                place: place.clone(),
                message,
            };
            let c5_2020 = criteria_2020(&entry.c5_2020).map_err(fail)?;
            let c5_2026 = criteria_2026(&entry.c5_2026).map_err(fail)?;
            let provider = entry.provider.map(|p| p.trim().to_ascii_lowercase());
            let slot = checks.entry(entry.check.trim().to_owned()).or_default();
            if slot.iter().any(|e| e.provider == provider) {
                return Err(fail(
                    "the check is listed twice for the same provider".to_owned(),
                ));
            }
            slot.push(Entry {
                provider,
                c5_2020,
                c5_2026,
            });
        }
        Ok(())
    }

    /// How many built-in entries there are for `tool`.
    pub fn builtin_count(&self, tool: &str) -> usize {
        self.builtin
            .get(&tool.to_ascii_lowercase())
            .map_or(0, |checks| checks.values().map(Vec::len).sum())
    }

    /// Adds the user's `[[mapping]]` entries (in file order) after checking them;
    /// `origin` names their file in errors (`testat.toml`).
    pub fn with_overrides(
        mut self,
        entries: &[MappingEntry],
        origin: &str,
    ) -> Result<Self, ImportError> {
        for (i, entry) in entries.iter().enumerate() {
            if let Ok(json) = serde_json::to_string(entry) {
                self.digest.update(json.as_bytes());
                self.digest.update([0]);
            }
            let place = format!(
                "[[mapping]] {} ({} {})",
                i + 1,
                entry.tool.trim(),
                entry.check.trim()
            );
            let fail = |message: String| ImportError::Mapping {
                origin: origin.to_owned(),
                place: place.clone(),
                message,
            };
            let tool = entry.tool.trim().to_ascii_lowercase();
            if tool.is_empty() {
                return Err(fail("`tool` is empty".to_owned()));
            }
            let pattern = entry.check.trim().to_owned();
            if pattern.is_empty() {
                return Err(fail("`check` is empty".to_owned()));
            }
            if entry.criteria.is_none() && entry.criteria_2026.is_none() {
                return Err(fail(
                    "give `criteria` (C5:2020) and/or `criteria_2026` (C5:2026); empty lists for both make Testat ignore the check".to_owned(),
                ));
            }
            let c5_2020 =
                criteria_2020(entry.criteria.as_deref().unwrap_or_default()).map_err(fail)?;
            let c5_2026 =
                criteria_2026(entry.criteria_2026.as_deref().unwrap_or_default()).map_err(fail)?;
            self.overrides.push(Override {
                index: i,
                tool,
                provider: entry
                    .provider
                    .as_deref()
                    .map(|p| p.trim().to_ascii_lowercase())
                    .filter(|p| !p.is_empty()),
                exact: !pattern.contains(['*', '?']),
                pattern,
                c5_2020,
                c5_2026,
            });
        }
        Ok(self)
    }

    /// The criteria for `check` of `tool` (a tool key, see
    /// [`ToolInfo::key`](crate::ToolInfo::key)).
    pub fn lookup(&self, tool: &str, check: &CheckKey) -> Lookup<'_> {
        let tool = tool_key(tool);
        let provider = check.provider.as_deref();
        let mut best: Option<&Override> = None;
        for o in &self.overrides {
            if o.tool != tool
                || o.provider.as_deref().is_some_and(|p| Some(p) != provider)
                || !wildcard_match(&o.pattern, &check.id)
            {
                continue;
            }
            // Exact beats pattern; otherwise the later entry wins.
            if best.is_none_or(|b| o.exact || !b.exact) {
                best = Some(o);
            }
        }
        if let Some(o) = best {
            return found(MappingSource::Override(o.index), &o.c5_2020, &o.c5_2026);
        }
        let entries = self
            .builtin
            .get(&tool)
            .and_then(|checks| checks.get(check.id.as_str()));
        if let Some(entries) = entries {
            // Checkov IDs are unique across providers, and a check whose provider is
            // not known takes the only entry there is.
            let entry = entries
                .iter()
                .find(|e| e.provider.as_deref() == provider)
                .or_else(|| {
                    entries
                        .first()
                        .filter(|_| entries.len() == 1 && (tool == "checkov" || provider.is_none()))
                });
            if let Some(e) = entry {
                return found(MappingSource::Builtin, &e.c5_2020, &e.c5_2026);
            }
        }
        Lookup {
            source: MappingSource::Unmapped,
            c5_2020: &[],
            c5_2026: &[],
        }
    }

    /// Fills in every check's criteria and mapping source.
    pub fn apply(&self, import: &mut Import) {
        let tool = import.tool.key();
        for check in &mut import.checks {
            let found = self.lookup(&tool, &check.key);
            check.c5_2020 = found.c5_2020.to_vec();
            check.c5_2026 = found.c5_2026.to_vec();
            check.mapping = found.source;
        }
    }
}

fn found<'a>(source: MappingSource, c5_2020: &'a [String], c5_2026: &'a [String]) -> Lookup<'a> {
    if c5_2020.is_empty() && c5_2026.is_empty() {
        Lookup {
            source: MappingSource::Ignored,
            c5_2020,
            c5_2026,
        }
    } else {
        Lookup {
            source,
            c5_2020,
            c5_2026,
        }
    }
}

/// Checks C5:2020 IDs against the built-in catalogue; returns them as the catalogue
/// spells them.
fn criteria_2020(ids: &[String]) -> Result<Vec<String>, String> {
    let catalog = testat_catalog::builtin();
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids {
        let criterion = catalog.get(id).map_err(|e| format!("C5:2020: {e}"))?;
        if !out.contains(&criterion.id) {
            out.push(criterion.id.clone());
        }
    }
    Ok(out)
}

/// Checks C5:2026 IDs against the criteria of `crates/testat-catalog/data/c5-2026.yaml`.
fn criteria_2026(ids: &[String]) -> Result<Vec<String>, String> {
    let known = c5_2026_ids()?;
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids {
        let wanted = id.trim().to_ascii_uppercase();
        if !known.contains(&wanted) {
            return Err(unknown_2026(id.trim(), &wanted, known));
        }
        if !out.contains(&wanted) {
            out.push(wanted);
        }
    }
    Ok(out)
}

fn unknown_2026(input: &str, wanted: &str, known: &BTreeSet<String>) -> String {
    let mut message = format!("C5:2026: unknown criterion `{input}`");
    if !testat_catalog::is_criterion_id(wanted) {
        message.push_str("; criterion IDs look like CRY-05");
        return message;
    }
    let mut near: Vec<(usize, &String)> = known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(wanted, k), k))
        .filter(|&(d, _)| d <= 2)
        .collect();
    near.sort();
    let near: Vec<&str> = near.iter().take(3).map(|(_, k)| k.as_str()).collect();
    if testat_catalog::builtin().get(wanted).is_ok() {
        message.push_str(" (it is a C5:2020 ID; C5:2026 numbers and names some domains differently, e.g. IDM became IAM)");
    }
    if !near.is_empty() {
        let _ = write!(message, "; did you mean {}?", near.join(", "));
    }
    message
}

/// The criterion IDs of C5:2026.
pub fn c5_2026_ids() -> Result<&'static BTreeSet<String>, String> {
    #[derive(Deserialize)]
    struct File {
        criteria: Vec<Item>,
    }
    #[derive(Deserialize)]
    struct Item {
        id: String,
    }
    static IDS: OnceLock<Result<BTreeSet<String>, String>> = OnceLock::new();
    IDS.get_or_init(|| {
        let file: File = serde_norway::from_str(C5_2026_YAML)
            .map_err(|e| format!("the built-in C5:2026 catalogue does not parse: {e}"))?;
        Ok(file.criteria.into_iter().map(|c| c.id).collect())
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Whether `text` matches `pattern` (`*` any run, `?` one character; ASCII case
/// ignored).
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().map(|c| c.to_ascii_lowercase()).collect();
    let t: Vec<char> = text.chars().map(|c| c.to_ascii_lowercase()).collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The unmapped checks of `import` as `[[mapping]]` entries to paste into
/// `testat.toml` and fill in. Each names the check's title and finding count, and
/// the tool's own C5 hints where it has some.
pub fn unmapped_as_toml(import: &Import) -> String {
    let tool = import.tool.key();
    let unmapped: Vec<_> = import
        .checks
        .iter()
        .filter(|c| c.mapping == MappingSource::Unmapped)
        .collect();
    let mut out = String::new();
    let findings: usize = unmapped.iter().map(|c| c.findings).sum();
    let version = import
        .tool
        .version
        .as_deref()
        .map(|v| format!(" {v}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "# Unmapped checks of {}{version} in {}: {} checks, {} findings.",
        import.tool.name,
        import.source,
        unmapped.len(),
        findings
    );
    out.push_str(
        "# Fill in C5:2020 (criteria) and C5:2026 (criteria_2026) criterion IDs and add the\n\
         # entries to testat.toml. Leaving both lists empty makes Testat ignore the check.\n",
    );
    for check in unmapped {
        out.push('\n');
        let title = check.title.as_deref().map(one_line).unwrap_or_default();
        let count = if check.findings == 1 {
            "1 finding".to_owned()
        } else {
            format!("{} findings", check.findings)
        };
        if title.is_empty() {
            let _ = writeln!(out, "# {count}");
        } else {
            let _ = writeln!(out, "# {title} ({count})");
        }
        for hint in check.hints.iter().filter(|h| h.framework.starts_with("C5")) {
            let _ = writeln!(
                out,
                "# {} names {} {} (a hint, not a mapping)",
                import.tool.name,
                one_line(&hint.framework),
                one_line(&hint.requirements.join(", "))
            );
        }
        out.push_str("[[mapping]]\n");
        let _ = writeln!(out, "tool = {}", toml_string(&tool));
        let _ = writeln!(out, "check = {}", toml_string(&check.key.id));
        if tool == "prowler"
            && let Some(provider) = &check.key.provider
        {
            let _ = writeln!(out, "provider = {}", toml_string(provider));
        }
        out.push_str("criteria = []\ncriteria_2026 = []\n");
    }
    out
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// Text fit for one comment line: control characters become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard_match("CKV_AWS_*", "CKV_AWS_19"));
        assert!(wildcard_match("ckv_aws_1?", "CKV_AWS_19"));
        assert!(!wildcard_match("CKV_AWS_1?", "CKV_AWS_190"));
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match(
            "*encryption*",
            "s3_bucket_default_encryption"
        ));
        assert!(!wildcard_match("CKV_AWS_*", "CKV2_AWS_1"));
        assert!(wildcard_match("a*b*c", "aXbYbZc"));
    }
}
