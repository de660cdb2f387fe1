//! SARIF 2.1.0 logs (Checkov, Trivy, KICS, Semgrep, CodeQL, …).
//!
//! Each run names its tool (`tool.driver`: `name`, `version` or `semanticVersion`,
//! `rules`); its `results` are read one at a time. A result's check is its `ruleId`
//! (or `rule.id`, or the rule at `ruleIndex`). Its outcome follows `kind` (`fail`
//! when absent; `pass`; `open` and `review` are unknown; `notApplicable` and
//! `informational` results are counted as problems and left out) and its
//! `suppressions`: when at least one is accepted and none is under review or
//! rejected, the result is excepted with the suppression's justification. `level`
//! (error, warning, note) is not a severity; a severity is taken only from a
//! `security-severity` property (on the result, else on its rule).
//!
//! The parts of the schema Testat relies on are checked as they are read: `version`
//! must be `2.1.0`, `runs` an array, every run needs `tool.driver.name`, every result
//! a `message` with `text` or `id`, and enumerations (`kind`, `level`, suppression
//! `kind` and `status`) must hold one of their values.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::json::{self, Builder, Ctx, Score, Typed, join, non_empty};
use crate::model::{CheckKey, ImportedFinding, Outcome, Place, Severity, ToolInfo};
use crate::{Format, Import, ImportError};

/// The SARIF version this reader knows.
const VERSION: &str = "2.1.0";

pub(crate) fn read<R: Read>(reader: R, source: &str) -> Result<Vec<Import>, ImportError> {
    let ctx = Ctx::default();
    let mut log = Log {
        source,
        version: None,
        runs_seen: false,
        imports: Vec::new(),
    };
    let result = {
        let mut de = serde_json::Deserializer::from_reader(reader);
        LogSeed {
            ctx: &ctx,
            log: &mut log,
        }
        .deserialize(&mut de)
        .and_then(|()| de.end())
    };
    if let Err(e) = result {
        return Err(json::into_error(ctx, e, source, Format::Sarif));
    }
    let invalid = |pointer: &str, message: String| ImportError::Invalid {
        file: source.to_owned(),
        format: Format::Sarif,
        pointer: pointer.to_owned(),
        line: 0,
        column: 0,
        message,
    };
    match log.version.as_deref() {
        Some(VERSION) => {}
        Some(other) => {
            return Err(invalid(
                "/version",
                format!("SARIF version {other:?} is not {VERSION:?}"),
            ));
        }
        None => {
            return Err(invalid(
                "",
                "no `version` (a SARIF log has \"2.1.0\")".to_owned(),
            ));
        }
    }
    if !log.runs_seen {
        return Err(invalid(
            "",
            "no `runs` (a SARIF log has an array of runs)".to_owned(),
        ));
    }
    Ok(log.imports.into_iter().map(Builder::finish).collect())
}

struct Log<'s> {
    source: &'s str,
    version: Option<String>,
    runs_seen: bool,
    /// One builder per tool (name and version); runs of the same tool are merged.
    imports: Vec<Builder>,
}

struct LogSeed<'a, 's> {
    ctx: &'a Ctx,
    log: &'a mut Log<'s>,
}

impl<'de> DeserializeSeed<'de> for LogSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LogSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a SARIF log object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "version" => {
                    self.log.version =
                        Some(map.next_value_seed(Typed::<String>::new(self.ctx, "/version"))?);
                }
                "runs" => {
                    self.log.runs_seen = true;
                    map.next_value_seed(RunsSeed {
                        ctx: self.ctx,
                        log: &mut *self.log,
                    })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct RunsSeed<'a, 's> {
    ctx: &'a Ctx,
    log: &'a mut Log<'s>,
}

impl<'de> DeserializeSeed<'de> for RunsSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let ctx = self.ctx;
        d.deserialize_any(self).map_err(|e| ctx.note("/runs", e))
    }
}

impl<'de> Visitor<'de> for RunsSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of SARIF runs")
    }

    // The schema allows `"runs": null`.
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        loop {
            let pointer = format!("/runs/{i}");
            let mut run = Run::default();
            let found = seq.next_element_seed(RunSeed {
                ctx: self.ctx,
                run: &mut run,
                pointer: &pointer,
            })?;
            if found.is_none() {
                break;
            }
            finish_run(self.ctx, &mut *self.log, run, &pointer)?;
            i += 1;
        }
        Ok(())
    }
}

/// What one run holds, gathered in whatever order its members come.
#[derive(Default)]
struct Run {
    tool: Option<Tool>,
    results: Vec<Pending>,
    artifacts: Vec<Option<String>>,
    problems: Vec<String>,
    /// Results marked `notApplicable` or `informational`.
    left_out: usize,
}

/// A result read before its run's rules and artifacts are known.
struct Pending {
    pointer: String,
    rule_id: Option<String>,
    rule_index: Option<usize>,
    outcome: Outcome,
    justification: Option<String>,
    score: Option<f64>,
    message: Option<String>,
    logical: Option<String>,
    uri: Option<String>,
    artifact: Option<usize>,
    start_line: Option<u64>,
    end_line: Option<u64>,
    start_column: Option<u64>,
}

struct RunSeed<'a> {
    ctx: &'a Ctx,
    run: &'a mut Run,
    pointer: &'a str,
}

impl<'de> DeserializeSeed<'de> for RunSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let (ctx, at) = (self.ctx, self.pointer);
        d.deserialize_map(self).map_err(|e| ctx.note(at, e))
    }
}

impl<'de> Visitor<'de> for RunSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a SARIF run object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "tool" => {
                    let at = join(self.pointer, "tool");
                    self.run.tool = Some(map.next_value_seed(Typed::new(self.ctx, &at))?);
                }
                "results" => {
                    map.next_value_seed(ResultsSeed {
                        ctx: self.ctx,
                        run: &mut *self.run,
                        pointer: join(self.pointer, "results"),
                    })?;
                }
                "artifacts" => {
                    let at = join(self.pointer, "artifacts");
                    let artifacts: Option<Vec<Artifact>> =
                        map.next_value_seed(Typed::new(self.ctx, &at))?;
                    self.run.artifacts = artifacts
                        .unwrap_or_default()
                        .into_iter()
                        .map(|a| a.location.and_then(|l| l.uri))
                        .collect();
                }
                "invocations" => {
                    let at = join(self.pointer, "invocations");
                    let invocations: Option<Vec<Invocation>> =
                        map.next_value_seed(Typed::new(self.ctx, &at))?;
                    for invocation in invocations.unwrap_or_default() {
                        if invocation.execution_successful == Some(false) {
                            self.run
                                .problems
                                .push("the tool reports that its run did not succeed".to_owned());
                        }
                        for n in invocation.tool_execution_notifications.unwrap_or_default() {
                            if n.level.as_deref() == Some("error")
                                && let Some(text) = n.message.and_then(|m| m.text)
                            {
                                self.run.problems.push(text);
                            }
                        }
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct ResultsSeed<'a> {
    ctx: &'a Ctx,
    run: &'a mut Run,
    pointer: String,
}

impl<'de> DeserializeSeed<'de> for ResultsSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let (ctx, at) = (self.ctx, self.pointer.clone());
        d.deserialize_any(self).map_err(|e| ctx.note(&at, e))
    }
}

impl<'de> Visitor<'de> for ResultsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of SARIF results")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        loop {
            let at = format!("{}/{i}", self.pointer);
            let Some(result) = seq.next_element_seed(Typed::<SarifResult>::new(self.ctx, &at))?
            else {
                break;
            };
            let pending = pending(result, at.clone())
                .map_err(|(field, message)| self.ctx.fail::<A::Error>(join(&at, field), message))?;
            match pending {
                Some(p) => self.run.results.push(p),
                None => self.run.left_out += 1,
            }
            i += 1;
        }
        Ok(())
    }
}

// The parts of the SARIF schema Testat reads. Unknown members are skipped; the
// enumerations are checked.

#[derive(Deserialize)]
struct Tool {
    driver: Driver,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    semantic_version: Option<String>,
    #[serde(default)]
    information_uri: Option<String>,
    #[serde(default)]
    rules: Option<Vec<Rule>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    short_description: Option<Message>,
    #[serde(default)]
    full_description: Option<Message>,
    #[serde(default)]
    help: Option<Message>,
    #[serde(default)]
    help_uri: Option<String>,
    #[serde(default)]
    properties: Option<Properties>,
}

#[derive(Deserialize)]
struct Message {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    id: Option<String>,
}

#[derive(Deserialize)]
struct Properties {
    #[serde(default, rename = "security-severity")]
    security_severity: Option<Score>,
}

#[derive(Deserialize)]
struct Artifact {
    #[serde(default)]
    location: Option<ArtifactLocation>,
}

#[derive(Deserialize)]
struct ArtifactLocation {
    #[serde(default)]
    uri: Option<String>,
    #[serde(default)]
    index: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    #[serde(default)]
    execution_successful: Option<bool>,
    #[serde(default)]
    tool_execution_notifications: Option<Vec<Notification>>,
}

#[derive(Deserialize)]
struct Notification {
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    message: Option<Message>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    #[serde(default)]
    rule_id: Option<String>,
    #[serde(default)]
    rule_index: Option<i64>,
    #[serde(default)]
    rule: Option<RuleReference>,
    #[serde(default)]
    kind: Option<Kind>,
    #[serde(default)]
    #[expect(
        dead_code,
        reason = "read to check it against the schema; not a severity"
    )]
    level: Option<Level>,
    message: Message,
    #[serde(default)]
    locations: Option<Vec<Location>>,
    #[serde(default)]
    suppressions: Option<Vec<Suppression>>,
    #[serde(default)]
    properties: Option<Properties>,
}

#[derive(Deserialize)]
struct RuleReference {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    index: Option<i64>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
enum Kind {
    Pass,
    Fail,
    Open,
    Review,
    NotApplicable,
    Informational,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "camelCase")]
enum Level {
    None,
    Note,
    Warning,
    Error,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(default)]
    physical_location: Option<PhysicalLocation>,
    #[serde(default)]
    logical_locations: Option<Vec<LogicalLocation>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    #[serde(default)]
    artifact_location: Option<ArtifactLocation>,
    #[serde(default)]
    region: Option<Region>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    #[serde(default)]
    start_line: Option<u64>,
    #[serde(default)]
    end_line: Option<u64>,
    #[serde(default)]
    start_column: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    #[serde(default)]
    fully_qualified_name: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct Suppression {
    #[expect(dead_code, reason = "read to check it against the schema")]
    kind: SuppressionKind,
    #[serde(default)]
    status: Option<SuppressionStatus>,
    #[serde(default)]
    justification: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
enum SuppressionKind {
    InSource,
    External,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
enum SuppressionStatus {
    Accepted,
    UnderReview,
    Rejected,
}

/// A result as far as it can be taken before the run's rules are known; `None` for
/// results that are no findings (`notApplicable`, `informational`).
fn pending(
    result: SarifResult,
    pointer: String,
) -> Result<Option<Pending>, (&'static str, String)> {
    if non_empty(result.message.text.clone()).is_none() && result.message.id.is_none() {
        return Err((
            "message",
            "a result's message needs `text` or `id`".to_owned(),
        ));
    }
    let kind = result.kind.unwrap_or(Kind::Fail);
    let mut outcome = match kind {
        Kind::Pass => Outcome::Pass,
        Kind::Fail => Outcome::Fail,
        Kind::Open | Kind::Review => Outcome::Unknown,
        Kind::NotApplicable | Kind::Informational => return Ok(None),
    };
    let suppressions = result.suppressions.unwrap_or_default();
    // SARIF §3.27.23: suppressed when one is accepted and none is under review or
    // rejected (a suppression without status counts as accepted).
    let status = |s: &Suppression| s.status.unwrap_or(SuppressionStatus::Accepted);
    let suppressed = !suppressions.is_empty()
        && suppressions
            .iter()
            .all(|s| status(s) == SuppressionStatus::Accepted);
    let mut justification = None;
    if suppressed && outcome != Outcome::Pass {
        outcome = Outcome::Excepted;
        justification = suppressions
            .into_iter()
            .filter_map(|s| non_empty(s.justification))
            .next();
    }
    let rule_index = result
        .rule_index
        .or_else(|| result.rule.as_ref().and_then(|r| r.index))
        .and_then(|i| usize::try_from(i).ok());
    let rule_id = non_empty(result.rule_id).or_else(|| result.rule.and_then(|r| non_empty(r.id)));
    let location = result.locations.and_then(|l| l.into_iter().next());
    let (physical, logical) = match location {
        Some(l) => (l.physical_location, l.logical_locations),
        None => (None, None),
    };
    let logical = logical
        .and_then(|l| l.into_iter().next())
        .and_then(|l| non_empty(l.fully_qualified_name).or_else(|| non_empty(l.name)));
    let (artifact, region) = match physical {
        Some(p) => (p.artifact_location, p.region),
        None => (None, None),
    };
    let (uri, artifact) = match artifact {
        Some(a) => (
            non_empty(a.uri),
            a.index.and_then(|i| usize::try_from(i).ok()),
        ),
        None => (None, None),
    };
    let (start_line, end_line, start_column) = match region {
        Some(r) => (r.start_line, r.end_line, r.start_column),
        None => (None, None, None),
    };
    Ok(Some(Pending {
        pointer,
        rule_id,
        rule_index,
        outcome,
        justification,
        score: result
            .properties
            .and_then(|p| p.security_severity)
            .and_then(|s| s.value()),
        message: non_empty(result.message.text),
        logical,
        uri,
        artifact,
        start_line: start_line.filter(|&l| l > 0),
        end_line: end_line.filter(|&l| l > 0),
        start_column: start_column.filter(|&c| c > 0),
    }))
}

/// Resolves a run's results against its rules and artifacts and adds them to the
/// import of its tool.
fn finish_run<E: serde::de::Error>(
    ctx: &Ctx,
    log: &mut Log<'_>,
    run: Run,
    pointer: &str,
) -> Result<(), E> {
    let Some(tool) = run.tool else {
        return Err(ctx.fail(pointer.to_owned(), "the run has no `tool`"));
    };
    let driver = tool.driver;
    let name = driver.name.trim().to_owned();
    if name.is_empty() {
        return Err(ctx.fail(join(pointer, "tool/driver/name"), "the tool has no name"));
    }
    let version = non_empty(driver.semantic_version).or_else(|| non_empty(driver.version));
    let position = log
        .imports
        .iter()
        .position(|b| b.import.tool.name == name && b.import.tool.version == version);
    let builder = match position {
        Some(i) => &mut log.imports[i],
        None => {
            log.imports.push(Builder::new(
                log.source,
                Format::Sarif,
                ToolInfo {
                    name,
                    version,
                    information_uri: non_empty(driver.information_uri),
                },
            ));
            let last = log.imports.len() - 1;
            &mut log.imports[last]
        }
    };
    builder.import.problems.extend(run.problems);
    let rules = driver.rules.unwrap_or_default();
    let by_id: HashMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    if run.left_out > 0 {
        builder.import.problems.push(format!(
            "{} results marked notApplicable or informational were left out",
            run.left_out
        ));
    }
    for p in run.results {
        let rule = p
            .rule_id
            .as_deref()
            .and_then(|id| by_id.get(id).copied())
            .or(p.rule_index)
            .and_then(|i| rules.get(i));
        let Some(id) = p.rule_id.clone().or_else(|| rule.map(|r| r.id.clone())) else {
            return Err(ctx.fail(
                p.pointer,
                "the result names no rule (ruleId, rule.id or a ruleIndex into tool.driver.rules)",
            ));
        };
        let rule_score = rule
            .and_then(|r| r.properties.as_ref())
            .and_then(|p| p.security_severity.as_ref())
            .and_then(Score::value);
        let rule_severity = rule_score.and_then(Severity::from_score);
        let severity = p.score.and_then(Severity::from_score).or(rule_severity);
        // Checkov's IDs name their provider; the same key as in its JSON.
        let provider = (builder.import.tool.key() == "checkov")
            .then(|| crate::checkov::provider_of(&id))
            .flatten()
            .map(str::to_owned);
        let (check, new) = builder.check(CheckKey { provider, id });
        if new && let Some(c) = builder.check_mut(check) {
            if let Some(rule) = rule {
                c.title = rule
                    .short_description
                    .as_ref()
                    .and_then(|m| non_empty(m.text.clone()))
                    .or_else(|| non_empty(rule.name.clone()))
                    .or_else(|| {
                        rule.full_description
                            .as_ref()
                            .and_then(|m| non_empty(m.text.clone()))
                    });
                c.remediation = rule.help.as_ref().and_then(|m| non_empty(m.text.clone()));
                c.references = non_empty(rule.help_uri.clone()).into_iter().collect();
            }
            c.severity = rule_severity;
        }
        let uri = p.uri.or_else(|| {
            p.artifact
                .and_then(|i| run.artifacts.get(i).cloned().flatten())
        });
        let resource = match (&p.logical, &uri, p.start_line) {
            (Some(name), _, _) => name.clone(),
            (None, Some(uri), Some(line)) => format!("{uri}:{line}"),
            (None, Some(uri), None) => uri.clone(),
            (None, None, _) => "(no location)".to_owned(),
        };
        let place = match uri {
            Some(path) => Place::File {
                path,
                start_line: p.start_line,
                end_line: p.end_line,
                start_column: p.start_column,
            },
            None => Place::Unknown,
        };
        builder.push(ImportedFinding {
            check,
            outcome: p.outcome,
            severity,
            justification: p.justification,
            resource,
            place,
            detail: p.message,
        });
    }
    Ok(())
}
