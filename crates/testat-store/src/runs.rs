//! Scan history: runs, per-criterion summaries, and findings stored as changes.
//!
//! A run stores its inputs and a summary row per criterion; findings are kept as the
//! current outcome per (scope, rule, address) plus one `finding_changes` row wherever
//! an outcome differs from the previous run of the same scope (including findings that
//! appear or disappear). The state at any run is the last change at or before it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use crate::decode;
use crate::{Result, Store, StoreError, micros, sha256_hex};

mod record;

/// One input file of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct RunInput {
    /// The path as given.
    pub path: String,
    /// What it was read as (`terraform-plan`, `kubernetes`, …).
    pub kind: String,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
}

/// One finding of a run, as the store needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunFinding {
    /// The rule ID.
    pub rule: String,
    /// The resource address.
    pub address: String,
    /// `pass`, `fail`, `excepted`, `unknown` or `error`.
    pub outcome: String,
    /// The criteria the rule serves.
    pub criteria: Vec<String>,
}

/// The settings a run was made with that change its outcomes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSettings {
    /// Per rule, the parameters set to something other than their default.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
    /// Providers whose inputs were declared the account baseline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub account_baseline: Vec<String>,
}

impl RunSettings {
    /// Whether nothing differs from the defaults.
    pub fn is_default(&self) -> bool {
        self.parameters.is_empty() && self.account_baseline.is_empty()
    }
}

/// The scanner a run was imported from, when it is not Testat's own scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSource {
    /// The tool as it names itself (`checkov`, `Prowler`, `Semgrep OSS`).
    pub tool: String,
    /// Its version, when its output says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// A run to record (also the body of an upload to the team server).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRun {
    /// Which estate the run scanned; findings are compared with the previous run of
    /// the same scope (`default` unless the user names one).
    pub scope: String,
    /// When the scan started.
    pub started_at: DateTime<Utc>,
    /// When it finished.
    pub finished_at: DateTime<Utc>,
    /// Testat's version.
    pub tool_version: String,
    /// The catalogue's version.
    pub catalog_version: String,
    /// SHA-256 over the rule specs used.
    pub ruleset_sha256: String,
    /// How many rules ran.
    pub rule_count: i64,
    /// How many resources were read.
    pub resource_count: i64,
    /// The inputs.
    pub inputs: Vec<RunInput>,
    /// Every finding.
    pub findings: Vec<RunFinding>,
    /// Settings that changed outcomes.
    #[serde(default, skip_serializing_if = "RunSettings::is_default")]
    pub settings: RunSettings,
    /// The scanner the findings were imported from; `None` for Testat's own scans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<RunSource>,
}

/// A recorded run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    /// Its ID.
    pub id: i64,
    /// Its scope.
    pub scope: String,
    /// Start.
    #[serde(with = "testat_records::micros")]
    pub started_at: DateTime<Utc>,
    /// End.
    #[serde(with = "testat_records::micros")]
    pub finished_at: DateTime<Utc>,
    /// Who recorded it.
    pub actor: String,
    /// Testat's version.
    pub tool_version: String,
    /// The catalogue's version.
    pub catalog_version: String,
    /// SHA-256 over the rule specs.
    pub ruleset_sha256: String,
    /// Rules run.
    pub rule_count: i64,
    /// Resources read.
    pub resource_count: i64,
    /// Findings that passed.
    pub passed: i64,
    /// Findings that failed.
    pub failed: i64,
    /// Findings excepted.
    pub excepted: i64,
    /// Unknown or error findings.
    pub other: i64,
    /// Findings whose outcome changed since the previous run of the scope.
    pub changed: i64,
    /// Settings that changed outcomes.
    #[serde(skip_serializing_if = "RunSettings::is_default")]
    pub settings: RunSettings,
    /// The scanner the findings were imported from; `None` for Testat's own scans.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<RunSource>,
}

/// A run as stored: the columns as they are, for audit payloads.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub(crate) struct RunRow {
    id: i64,
    scope: String,
    started_at: i64,
    finished_at: i64,
    actor: String,
    tool_version: String,
    catalog_version: String,
    ruleset_sha256: String,
    rule_count: i64,
    resource_count: i64,
    passed: i64,
    failed: i64,
    excepted: i64,
    other: i64,
    changed: i64,
    /// `{}` for runs without settings, and then left out of the audit payload, so
    /// that runs recorded before schema 5 verify unchanged.
    #[serde(skip_serializing_if = "no_settings")]
    settings: String,
    /// NULL for Testat's own scans, and then left out of the audit payload (schema 7).
    #[serde(skip_serializing_if = "Option::is_none")]
    source_tool: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_version: Option<String>,
}

fn no_settings(text: &str) -> bool {
    text == "{}"
}

impl RunRow {
    pub(crate) fn typed(self) -> Result<Run> {
        let record = format!("run {}", self.id);
        Ok(Run {
            id: self.id,
            started_at: decode::time(&record, "started_at", self.started_at)?,
            finished_at: decode::time(&record, "finished_at", self.finished_at)?,
            scope: self.scope,
            actor: self.actor,
            tool_version: self.tool_version,
            catalog_version: self.catalog_version,
            ruleset_sha256: self.ruleset_sha256,
            rule_count: self.rule_count,
            resource_count: self.resource_count,
            passed: self.passed,
            failed: self.failed,
            excepted: self.excepted,
            other: self.other,
            changed: self.changed,
            settings: serde_json::from_str(&self.settings).map_err(|_| StoreError::Corrupt {
                record: record.clone(),
                field: "settings",
                value: self.settings.clone(),
                expected: "run settings (JSON)",
            })?,
            source: self.source_tool.map(|tool| RunSource {
                tool,
                version: self.source_version,
            }),
        })
    }
}

/// Per-criterion counts of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CriterionCounts {
    /// The criterion ID.
    pub criterion: String,
    /// Passed findings.
    pub passed: i64,
    /// Failed findings.
    pub failed: i64,
    /// Excepted findings.
    pub excepted: i64,
    /// Unknown or error findings.
    pub other: i64,
}

/// A finding whose outcome changed (`None`: absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct FindingChange {
    /// The run where it changed (for a diff: the later run).
    pub run_id: i64,
    /// Rule ID.
    pub rule: String,
    /// Resource address.
    pub address: String,
    /// Outcome before.
    #[sqlx(rename = "old_outcome")]
    pub old: Option<String>,
    /// Outcome after.
    #[sqlx(rename = "new_outcome")]
    pub new: Option<String>,
}

/// A finding as of some run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct StoredFinding {
    /// Rule ID.
    pub rule: String,
    /// Resource address.
    pub address: String,
    /// Outcome.
    pub outcome: String,
}

/// A criterion that failed in a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriterionFailure {
    /// The criterion ID.
    pub criterion: String,
    /// Start of the first run in the period where it failed.
    #[serde(with = "testat_records::micros")]
    pub first_failed_at: DateTime<Utc>,
    /// Start of the last such run.
    #[serde(with = "testat_records::micros")]
    pub last_failed_at: DateTime<Utc>,
    /// How many runs in the period it failed in.
    pub failed_runs: i64,
}

/// The canonical record of a run, as the audit log holds it.
#[derive(Serialize)]
struct RunPayload {
    run: RunRow,
    inputs: Vec<RunInput>,
    criteria: Vec<CriterionCounts>,
    changes_sha256: String,
}

impl Store {
    /// Every run, oldest first.
    pub async fn runs(&self) -> Result<Vec<Run>> {
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
        select_runs(self, &mut conn, "ORDER BY id", None)
            .await?
            .into_iter()
            .map(RunRow::typed)
            .collect()
    }

    /// One run.
    pub async fn run(&self, id: i64) -> Result<Run> {
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
        select_runs(self, &mut conn, "WHERE id = $1", Some(id))
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::Missing { kind: "run", id })?
            .typed()
    }

    /// The inputs of a run.
    pub async fn run_inputs(&self, id: i64) -> Result<Vec<RunInput>> {
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
        select_inputs(self, &mut conn, id).await
    }

    /// The per-criterion counts of a run.
    pub async fn run_criteria(&self, id: i64) -> Result<Vec<CriterionCounts>> {
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
        select_criteria(self, &mut conn, id).await
    }

    /// The findings whose outcome changed in this run.
    pub async fn run_changes(&self, id: i64) -> Result<Vec<FindingChange>> {
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
        select_changes(self, &mut conn, id).await
    }

    /// Every rule ID that has a finding in some run, sorted (for mapping imported
    /// tools' rule IDs to criteria).
    pub async fn rule_ids(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT rule FROM finding_changes")
            .fetch_all(self.pool())
            .await
            .map_err(|e| self.err(&e))?;
        let mut ids: Vec<String> = rows.into_iter().map(|(rule,)| rule).collect();
        ids.sort_unstable();
        Ok(ids)
    }

    /// Every finding as it stood at run `id`.
    pub async fn findings_at(&self, id: i64) -> Result<Vec<StoredFinding>> {
        let run = self.run(id).await?;
        let mut findings: Vec<StoredFinding> = sqlx::query_as(
            "SELECT c.rule, c.address, c.new_outcome AS outcome FROM finding_changes c
             JOIN (SELECT f.rule, f.address, MAX(f.run_id) AS last FROM finding_changes f
                   JOIN runs r ON r.id = f.run_id
                   WHERE r.scope = $1 AND f.run_id <= $2 GROUP BY f.rule, f.address) l
             ON c.rule = l.rule AND c.address = l.address AND c.run_id = l.last
             WHERE c.new_outcome IS NOT NULL ORDER BY c.rule, c.address",
        )
        .bind(run.scope.as_str())
        .bind(id)
        .fetch_all(self.pool())
        .await
        .map_err(|e| self.err(&e))?;
        findings.sort_by(|a, b| (&a.rule, &a.address).cmp(&(&b.rule, &b.address)));
        Ok(findings)
    }

    /// Findings whose outcome differs between run `a` and run `b` (`old` is at `a`,
    /// `new` at `b`; `None` where the finding is absent).
    pub async fn diff_runs(&self, a: i64, b: i64) -> Result<Vec<FindingChange>> {
        let before = self.findings_at(a).await?;
        let after = self.findings_at(b).await?;
        let mut map: BTreeMap<(String, String), (Option<String>, Option<String>)> = BTreeMap::new();
        for f in before {
            map.entry((f.rule, f.address)).or_default().0 = Some(f.outcome);
        }
        for f in after {
            map.entry((f.rule, f.address)).or_default().1 = Some(f.outcome);
        }
        Ok(map
            .into_iter()
            .filter(|(_, (old, new))| old != new)
            .map(|((rule, address), (old, new))| FindingChange {
                run_id: b,
                rule,
                address,
                old,
                new,
            })
            .collect())
    }

    /// Which criteria failed in runs that started in `[from, to)`: when first and
    /// last, and in how many runs.
    pub async fn failed_criteria(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<CriterionFailure>> {
        let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT c.criterion, MIN(r.started_at) AS first_failed_at,
                    MAX(r.started_at) AS last_failed_at, COUNT(*) AS failed_runs
             FROM runs r JOIN run_criteria c ON c.run_id = r.id
             WHERE r.started_at >= $1 AND r.started_at < $2 AND c.failed > 0
             GROUP BY c.criterion ORDER BY c.criterion",
        )
        .bind(micros(from))
        .bind(micros(to))
        .fetch_all(self.pool())
        .await
        .map_err(|e| self.err(&e))?;
        rows.into_iter()
            .map(|(criterion, first, last, failed_runs)| {
                let record = format!("criterion {criterion} in runs");
                Ok(CriterionFailure {
                    first_failed_at: decode::time(&record, "started_at", first)?,
                    last_failed_at: decode::time(&record, "started_at", last)?,
                    criterion,
                    failed_runs,
                })
            })
            .collect()
    }
}

async fn select_runs(
    store: &Store,
    conn: &mut AnyConnection,
    tail: &str,
    id: Option<i64>,
) -> Result<Vec<RunRow>> {
    let sql = format!(
        "SELECT id, scope, started_at, finished_at, actor, tool_version, catalog_version, ruleset_sha256, rule_count, resource_count, passed, failed, excepted, other, changed, settings, source_tool, source_version FROM runs {tail}"
    );
    let mut query = sqlx::query_as(&sql);
    if let Some(id) = id {
        query = query.bind(id);
    }
    query.fetch_all(&mut *conn).await.map_err(|e| store.err(&e))
}

async fn select_inputs(store: &Store, conn: &mut AnyConnection, id: i64) -> Result<Vec<RunInput>> {
    let mut inputs: Vec<RunInput> = sqlx::query_as(
        "SELECT path, kind, sha256, size FROM run_inputs WHERE run_id = $1 ORDER BY path",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| store.err(&e))?;
    // Byte order, whatever the database's collation.
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(inputs)
}

async fn select_criteria(
    store: &Store,
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Vec<CriterionCounts>> {
    let mut criteria: Vec<CriterionCounts> = sqlx::query_as(
        "SELECT criterion, passed, failed, excepted, other FROM run_criteria WHERE run_id = $1 ORDER BY criterion",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| store.err(&e))?;
    criteria.sort_by(|a, b| a.criterion.cmp(&b.criterion));
    Ok(criteria)
}

async fn select_changes(
    store: &Store,
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Vec<FindingChange>> {
    let mut changes: Vec<FindingChange> = sqlx::query_as(
        "SELECT run_id, rule, address, old_outcome, new_outcome FROM finding_changes WHERE run_id = $1 ORDER BY rule, address",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| store.err(&e))?;
    changes.sort_by(|a, b| (&a.rule, &a.address).cmp(&(&b.rule, &b.address)));
    Ok(changes)
}

/// The canonical JSON of run `id` (its row, inputs, criteria and a hash of its
/// changes), or `None` when there is no such run.
pub(crate) async fn run_payload(
    store: &Store,
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<String>> {
    let Some(run) = select_runs(store, conn, "WHERE id = $1", Some(id))
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let inputs = select_inputs(store, conn, id).await?;
    let criteria = select_criteria(store, conn, id).await?;
    let mut digest = String::new();
    for c in select_changes(store, conn, id).await? {
        digest.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            c.rule,
            c.address,
            c.old.as_deref().unwrap_or("-"),
            c.new.as_deref().unwrap_or("-")
        ));
    }
    let payload = RunPayload {
        run,
        inputs,
        criteria,
        changes_sha256: sha256_hex(digest.as_bytes()),
    };
    serde_json::to_string(&payload)
        .map(Some)
        .map_err(|e| StoreError::encode(format!("run {id}"), &e))
}
