//! `testat-bench assess`: a Type 2 assessment over a large store, phase by phase.
//!
//! First a store is generated (or reused) in `--dir`: a year of daily runs over N
//! resources with the built-in AWS rules, findings that mostly pass and change a
//! little every day, and attestations, evidence and a few exceptions for the manual
//! criteria. Then the assessment pipeline runs in-process the way
//! `testat report --type 2 --from … --to … --sample 25` runs it (without a
//! `testat.toml`: a fixed service description, `max_scan_gap` 36 h), and every
//! renderer of `testat_report::assessment` is timed on the result.
//!
//! The generator is deterministic: the same `--resources`, `--runs` and `--seed` give
//! the same findings, run times, attestations and evidence.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use testat_assess::{STATUSES, Service, ServiceDescription};
use testat_catalog::Catalog;
use testat_project::{
    AssessmentPhase, AssessmentRequest, Environment, Overrides, Project, SampleRequest, Settings,
};
use testat_records::Exception;
use testat_report::assessment as render;
use testat_rules::{RuleSet, Scope};
use testat_store::{Location, NewRun, RunFinding, RunInput, Stamp, Store};

mod history;

use history::{Manual, Outcomes, first_day, manual_events, schedule};

use crate::BenchResult;
use crate::measure::{Memory, Report, memory, timed};
use crate::rng::{Rng, mix};

/// Bump when the generator changes, so that stores built by an older one are rebuilt.
const GENERATOR_VERSION: u32 = 1;
/// The store's database file inside `--dir`.
const DATABASE: &str = "testat.db";
/// What the store was built from (and the figures of that build), inside `--dir`.
const PARAMS: &str = "bench-params.json";
/// The scope of every run.
const SCOPE: &str = "default";

/// Streams of the seeded generator (mixed with the seed, so they are independent).
const STREAM_ESTATE: u64 = 1;
const STREAM_SCHEDULE: u64 = 2;
const STREAM_MANUAL: u64 = 3;
const STREAM_DAY: u64 = 1 << 32;

/// What to generate and measure.
#[derive(Debug, Clone)]
pub struct Options {
    /// Folder of the store.
    pub dir: PathBuf,
    /// Resource addresses.
    pub resources: usize,
    /// Runs to record (one a day, a few days skipped).
    pub runs: usize,
    /// Seed of the generator.
    pub seed: u64,
    /// Size of the auditor's sample.
    pub sample: usize,
}

/// A rule the generator gives findings to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GenRule {
    id: String,
    criteria: Vec<String>,
    kinds: Vec<String>,
    account: bool,
}

/// The built-in AWS rules, sorted by ID.
pub(crate) fn aws_rules(rules: &RuleSet) -> Vec<GenRule> {
    let mut out: Vec<GenRule> = rules
        .rules()
        .iter()
        .filter(|r| r.spec.provider == "aws")
        .map(|r| GenRule {
            id: r.id().to_owned(),
            criteria: r.spec.criteria.clone(),
            kinds: r.spec.resources.clone(),
            account: r.spec.scope == Scope::Account,
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// Every finding of the estate, all passing: per resource, the rules of its kind; one
/// `account.aws` pseudo-resource for the account-level rules. Kinds with more rules
/// are more common (an estate has more buckets than trails).
pub(crate) fn estate(rules: &[GenRule], resources: usize, seed: u64) -> Vec<RunFinding> {
    let mut by_kind: BTreeMap<&str, Vec<&GenRule>> = BTreeMap::new();
    for rule in rules.iter().filter(|r| !r.account) {
        if let Some(kind) = rule.kinds.first() {
            by_kind.entry(kind.as_str()).or_default().push(rule);
        }
    }
    // One slot per rule: a kind is picked with weight = its number of rules.
    let slots: Vec<&str> = by_kind
        .iter()
        .flat_map(|(kind, rules)| std::iter::repeat_n(*kind, rules.len()))
        .collect();
    let mut findings = Vec::new();
    let finding = |rule: &GenRule, address: &str| RunFinding {
        rule: rule.id.clone(),
        address: address.to_owned(),
        outcome: "pass".to_owned(),
        criteria: rule.criteria.clone(),
    };
    if slots.is_empty() {
        return findings;
    }
    let mut rng = Rng::new(mix(seed, STREAM_ESTATE));
    for i in 0..resources {
        let kind = *rng.pick(&slots);
        let address = format!("module.app_{:03}.{kind}.r{i:06}", i / 250);
        for rule in by_kind.get(kind).into_iter().flatten() {
            findings.push(finding(rule, &address));
        }
    }
    for rule in rules.iter().filter(|r| r.account) {
        findings.push(finding(rule, "account.aws"));
    }
    findings
}

/// The whole generated history, for the store and for the determinism test.
struct Plan {
    findings: Vec<RunFinding>,
    outcomes: Outcomes,
    schedule: BTreeMap<u32, DateTime<Utc>>,
    manual: Vec<(u32, u32, Manual)>,
    last_day: u32,
}

fn plan(rules: &RuleSet, catalog: &Catalog, options: &Options) -> Plan {
    let gen_rules = aws_rules(rules);
    let findings = estate(&gen_rules, options.resources, options.seed);
    let outcomes = Outcomes::new(findings.len(), options.seed);
    let schedule = schedule(options.runs, options.seed);
    let last_day = schedule.keys().next_back().copied().unwrap_or(0);
    let manual = manual_events(catalog, last_day, options.seed);
    Plan {
        findings,
        outcomes,
        schedule,
        manual,
        last_day,
    }
}

/// What `--dir` holds: the parameters it was built with and that build's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Built {
    generator: u32,
    resources: usize,
    runs: usize,
    seed: u64,
    findings_per_run: usize,
    changes: i64,
    failed_last_run: i64,
    attestations: usize,
    evidence: usize,
    exceptions: usize,
    last_day: NaiveDate,
    build_secs: f64,
    record_secs: f64,
    peak_rss: u64,
}

impl Built {
    fn matches(&self, options: &Options) -> bool {
        self.generator == GENERATOR_VERSION
            && self.resources == options.resources
            && self.runs == options.runs
            && self.seed == options.seed
    }
}

fn read_built(dir: &Path) -> Option<Built> {
    let text = std::fs::read_to_string(dir.join(PARAMS)).ok()?;
    serde_json::from_str(&text).ok()
}

fn location(dir: &Path) -> Location {
    Location::sqlite(&dir.join(DATABASE), Some(dir.join("evidence")))
}

/// Builds the store in `dir` from scratch.
async fn build_store(options: &Options, rules: &RuleSet, catalog: &Catalog) -> BenchResult<Built> {
    let dir = &options.dir;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let _ = std::fs::remove_file(dir.join(PARAMS));
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(dir.join(format!("{DATABASE}{suffix}")));
    }
    let started = std::time::Instant::now();
    let Plan {
        findings,
        mut outcomes,
        schedule,
        manual,
        last_day,
    } = plan(rules, catalog, options);
    let store = Store::open(&location(dir)).await?;
    let mut run = NewRun {
        scope: SCOPE.to_owned(),
        started_at: Utc::now(),
        finished_at: Utc::now(),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        catalog_version: catalog.version.clone(),
        ruleset_sha256: testat_store::sha256_hex(b"testat-bench aws rules"),
        rule_count: i64::try_from(aws_rules(rules).len()).unwrap_or(i64::MAX),
        resource_count: i64::try_from(options.resources + 1).unwrap_or(i64::MAX),
        inputs: Vec::new(),
        findings,
        settings: Default::default(),
        source: None,
    };
    let set = |run: &mut NewRun, outcomes: &Outcomes, i: usize| {
        let outcome = if outcomes.failing(i) { "fail" } else { "pass" };
        let slot = &mut run.findings[i].outcome;
        slot.clear();
        slot.push_str(outcome);
    };
    for i in 0..run.findings.len() {
        set(&mut run, &outcomes, i);
    }
    let mut manual = manual.into_iter().peekable();
    let (mut attestations, mut evidence, mut exceptions) = (0, 0, 0);
    let mut record = Duration::ZERO;
    for day in 0..=last_day {
        if day > 0 {
            for i in outcomes.step(day) {
                set(&mut run, &outcomes, i);
            }
        }
        let midnight = Utc.from_utc_datetime(
            &(first_day() + chrono::Duration::days(i64::from(day)))
                .and_hms_opt(0, 0, 0)
                .unwrap_or_default(),
        );
        if let Some(start) = schedule.get(&day) {
            run.started_at = *start;
            run.finished_at =
                *start + chrono::Duration::seconds(20 + options.resources as i64 / 500);
            run.inputs = vec![RunInput {
                path: "plan.json".to_owned(),
                kind: "terraform-plan".to_owned(),
                sha256: testat_store::sha256_hex(&day.to_le_bytes()),
                size: i64::try_from(options.resources * 3_900).unwrap_or(i64::MAX),
            }];
            let stamp = Stamp {
                actor: "ci".to_owned(),
                at: run.finished_at,
            };
            let (id, took) = timed_async(store.record_run(&run, &stamp)).await;
            id?;
            record += took;
        }
        // A few exceptions for findings that stay failing for a while.
        if [45, 150, 260].contains(&day) {
            let mut picked = 0;
            for i in 0..run.findings.len() {
                let until = outcomes.fails_until(i);
                if picked == 2 || until == 0 || until < day + 7 {
                    continue;
                }
                let f = &run.findings[i];
                let exception = Exception {
                    rule: f.rule.clone(),
                    resource: f.address.clone(),
                    justification: "Fix scheduled with the next release.".to_owned(),
                    approved_by: "ciso".to_owned(),
                    risk_owner: Some("platform-team".to_owned()),
                    expires: first_day() + chrono::Duration::days(i64::from(until + 7)),
                };
                let stamp = Stamp {
                    actor: "ciso".to_owned(),
                    at: midnight + chrono::Duration::hours(9),
                };
                store.add_exception(&exception, &stamp).await?;
                exceptions += 1;
                picked += 1;
            }
        }
        while let Some((_, minute, event)) = manual.next_if(|(d, _, _)| *d == day) {
            let stamp = Stamp {
                actor: "compliance".to_owned(),
                at: midnight + chrono::Duration::minutes(i64::from(9 * 60 + minute)),
            };
            match event {
                Manual::Attest(a) => {
                    store.attest(&a, &stamp).await?;
                    attestations += 1;
                }
                Manual::Evidence(e) => {
                    store.add_evidence(&e, &stamp).await?;
                    evidence += 1;
                }
            }
        }
    }
    let recorded = store.runs().await?;
    let changes = recorded.iter().map(|r| r.changed).sum();
    let failed_last_run = recorded.last().map_or(0, |r| r.failed);
    store.close().await;
    let built = Built {
        generator: GENERATOR_VERSION,
        resources: options.resources,
        runs: recorded.len(),
        seed: options.seed,
        findings_per_run: run.findings.len(),
        changes,
        failed_last_run,
        attestations,
        evidence,
        exceptions,
        last_day: first_day() + chrono::Duration::days(i64::from(last_day)),
        build_secs: started.elapsed().as_secs_f64(),
        record_secs: record.as_secs_f64(),
        peak_rss: memory().peak,
    };
    let text = serde_json::to_string_pretty(&built)?;
    std::fs::write(dir.join(PARAMS), text)
        .map_err(|e| format!("cannot write {}: {e}", dir.join(PARAMS).display()))?;
    Ok(built)
}

pub(crate) async fn timed_async<T>(f: impl Future<Output = T>) -> (T, Duration) {
    let start = std::time::Instant::now();
    let value = f.await;
    (value, start.elapsed())
}

fn database_size(dir: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(dir.join(format!("{DATABASE}{s}"))).ok())
        .map(|m| m.len())
        .sum()
}

/// The project the bench assesses: no `testat.toml`, a fixed service description,
/// `max_scan_gap` at its default (36 h).
fn project(options: &Options) -> BenchResult<Project> {
    let mut settings =
        Settings::resolve(&options.dir, &Overrides::default(), &Environment::default())
            .map_err(|e| format!("cannot set up the bench's project: {e}"))?;
    settings.service = ServiceDescription {
        service: Some(Service {
            name: "Bench Cloud".to_owned(),
            provider: "Bench GmbH".to_owned(),
            description: "A generated service for the assessment benchmark.".to_owned(),
            models: vec!["SaaS".to_owned()],
            deployment: Some("public".to_owned()),
            jurisdiction: Some("DE".to_owned()),
            ..Service::default()
        }),
        ..ServiceDescription::default()
    };
    Ok(Project::new(settings))
}

/// Builds or reuses the store, then runs and times the assessment.
pub fn run(options: &Options) -> BenchResult<Report> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run_async(options))
}

async fn run_async(options: &Options) -> BenchResult<Report> {
    let catalog = testat_catalog::builtin();
    let (rule_set, rules_time) = timed(|| testat_project::load_rules(catalog, true, &[]));
    let rule_set = rule_set.map_err(|e| format!("built-in rules do not load: {e}"))?;

    let existing = read_built(&options.dir)
        .filter(|b| b.matches(options) && options.dir.join(DATABASE).is_file());
    let reused = existing.is_some();
    let built = match existing {
        Some(b) => b,
        None => build_store(options, &rule_set, catalog).await?,
    };
    let after_build = memory();

    // The period: the whole schedule, as `--type 2 --from 2025-01-01 --to LAST
    // --sample N --seed S`, with a fixed service description instead of a testat.toml.
    let project = project(options)?;
    let request = AssessmentRequest::Type2 {
        from: first_day(),
        to: built.last_day,
        sample: Some(SampleRequest {
            size: options.sample,
            seed: Some(options.seed),
        }),
    };
    let job = project
        .assessment_job(&request)
        .map_err(|e| format!("the bench's assessment is invalid: {e}"))?;

    let (store, open_time) = timed_async(Store::open(&location(&options.dir))).await;
    let store = store?;
    let mut marks: Vec<(AssessmentPhase, Instant, Memory)> = Vec::new();
    let assessment = job
        .run_observed(&store, &mut |phase| {
            marks.push((phase, Instant::now(), memory()));
        })
        .await?;
    store.close().await;
    let between = |from: AssessmentPhase, to: AssessmentPhase| -> Duration {
        let at = |p| marks.iter().find(|(q, _, _)| *q == p).map(|(_, t, _)| *t);
        match (at(from), at(to)) {
            (Some(a), Some(b)) => b.saturating_duration_since(a),
            _ => Duration::ZERO,
        }
    };
    let memory_at = |p: AssessmentPhase| {
        marks
            .iter()
            .find(|(q, _, _)| *q == p)
            .map_or_else(Memory::default, |m| m.2)
    };
    let snapshot_time = between(
        AssessmentPhase::GatheringSnapshot,
        AssessmentPhase::GatheringHistories,
    );
    let histories_time = between(
        AssessmentPhase::GatheringHistories,
        AssessmentPhase::Building,
    );
    let build_time = between(AssessmentPhase::Building, AssessmentPhase::Done);
    let after_snapshot = memory_at(AssessmentPhase::GatheringHistories);
    let after_histories = memory_at(AssessmentPhase::Building);
    let after_assessment = memory();

    let mut renders: Vec<(&str, Duration, u64, u64)> = Vec::new();
    macro_rules! measure_render {
        ($name:literal, $f:expr) => {{
            let (out, took) = timed(|| $f(&assessment));
            let out = out.map_err(|e| format!("cannot render {}: {e}", $name))?;
            let size = out.len() as u64;
            drop(out);
            renders.push(($name, took, size, memory().peak));
        }};
    }
    measure_render!("json", render::render_json);
    measure_render!("html", render::render_html);
    measure_render!("pdf", render::render_pdf);
    measure_render!("markdown", render::render_markdown);
    measure_render!("csv", render::render_csv);
    measure_render!("oscal", render::render_assessment_results);
    let after_render = memory();

    let history_runs: usize = assessment
        .period
        .as_ref()
        .map_or(0, |p| p.runs.values().sum());
    let intervals: usize = assessment.criteria.iter().map(|c| c.failures.len()).sum();
    let deviations: usize = assessment.criteria.iter().map(|c| c.deviations.len()).sum();
    let render_total: Duration = renders.iter().map(|(_, t, _, _)| *t).sum();
    let pipeline =
        open_time + snapshot_time + histories_time + build_time + render_total + rules_time;

    let mut out = Report::default();
    out.row(
        "dir",
        options.dir.display().to_string(),
        serde_json::json!(options.dir),
    );
    out.row(
        "store",
        if reused { "reused" } else { "built" },
        serde_json::json!(if reused { "reused" } else { "built" }),
    );
    out.count("resources", built.resources);
    out.count("runs", built.runs);
    out.row(
        "seed",
        built.seed.to_string(),
        serde_json::json!(built.seed),
    );
    out.row(
        "period",
        format!("{} to {}", first_day(), built.last_day),
        serde_json::json!({"from": first_day(), "to": built.last_day}),
    );
    out.count("findings_per_run", built.findings_per_run);
    out.row(
        "finding_changes",
        built.changes.to_string(),
        serde_json::json!(built.changes),
    );
    out.row(
        "failed_last_run",
        built.failed_last_run.to_string(),
        serde_json::json!(built.failed_last_run),
    );
    out.count("attestations", built.attestations);
    out.count("evidence", built.evidence);
    out.count("exceptions", built.exceptions);
    out.bytes("database_size", database_size(&options.dir));
    out.seconds("build_time", Duration::from_secs_f64(built.build_secs));
    out.seconds(
        "build_record_runs",
        Duration::from_secs_f64(built.record_secs),
    );
    out.row(
        "build_runs_per_sec",
        format!("{:.2}", built.runs as f64 / built.record_secs.max(1e-9)),
        serde_json::json!(
            (built.runs as f64 / built.record_secs.max(1e-9) * 100.0).round() / 100.0
        ),
    );
    out.bytes("build_peak_rss", built.peak_rss);
    out.count("rules", rule_set.len());
    out.seconds("time_rules", rules_time);
    out.seconds("time_open", open_time);
    out.seconds("time_gather_snapshot", snapshot_time);
    out.seconds("time_gather_histories", histories_time);
    out.seconds("time_build_assessment", build_time);
    for (name, took, _, _) in &renders {
        out.seconds(&format!("time_render_{name}"), *took);
    }
    out.seconds("time_render_total", render_total);
    out.seconds("time_total", pipeline);
    for (name, _, size, _) in &renders {
        out.bytes(&format!("size_{name}"), *size);
    }
    out.count("history_runs", history_runs);
    out.count("failure_intervals", intervals);
    out.count("deviations", deviations);
    for status in STATUSES {
        out.count(
            &format!("status.{}", status.as_str().replace(' ', "_")),
            assessment.counts.get(status),
        );
    }
    if let Some(p) = &assessment.period {
        out.row(
            "coverage_percent",
            format!("{:.1} %", p.coverage_percent),
            serde_json::json!(p.coverage_percent),
        );
        out.count("gaps", p.gaps.len());
        out.count(
            "sampled_runs",
            p.sample.as_ref().map_or(0, |s| s.runs.len()),
        );
        out.count(
            "sampled_evidence",
            p.sample.as_ref().map_or(0, |s| s.evidence.len()),
        );
    }
    out.bytes("peak_after_build", after_build.peak);
    out.bytes("rss_after_snapshot", after_snapshot.current);
    out.bytes("rss_after_histories", after_histories.current);
    out.bytes("rss_after_assessment", after_assessment.current);
    out.bytes("peak_after_assessment", after_assessment.peak);
    for (name, _, _, peak) in &renders {
        out.bytes(&format!("peak_after_render_{name}"), *peak);
    }
    out.bytes("peak_rss", after_render.peak);
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        reason = "tests fail by panicking"
    )]

    use super::*;

    /// Everything the generator decides, as text.
    fn fingerprint(resources: usize, runs: usize, seed: u64) -> Vec<String> {
        let catalog = testat_catalog::builtin();
        let rules = RuleSet::builtin(catalog).unwrap();
        let options = Options {
            dir: PathBuf::new(),
            resources,
            runs,
            seed,
            sample: 5,
        };
        let mut plan = plan(&rules, catalog, &options);
        let mut out: Vec<String> = plan
            .findings
            .iter()
            .map(|f| format!("{} {} {:?}", f.rule, f.address, f.criteria))
            .collect();
        for day in 0..=plan.last_day {
            if day > 0 {
                plan.outcomes.step(day);
            }
            let failing: Vec<usize> = (0..plan.findings.len())
                .filter(|i| plan.outcomes.failing(*i))
                .collect();
            out.push(format!("{day} {:?} {:?}", plan.schedule.get(&day), failing));
        }
        out.extend(plan.manual.iter().map(|m| format!("{m:?}")));
        out
    }

    #[test]
    fn same_seed_same_history() {
        let a = fingerprint(300, 60, 7);
        assert_eq!(a, fingerprint(300, 60, 7));
        assert_ne!(a, fingerprint(300, 60, 8));
        // Findings of AWS rules only, about three per resource, some failing.
        let findings = a.iter().filter(|l| l.starts_with("AWS-")).count();
        assert!((600..=1500).contains(&findings), "{findings} findings");
        assert!(a.iter().any(|l| l.contains("Attest")));
        assert!(a.iter().any(|l| l.contains("Evidence")));
    }

    #[test]
    fn schedule_has_gaps_and_the_runs_asked_for() {
        let s = schedule(365, 1);
        assert_eq!(s.len(), 365);
        let last = *s.keys().next_back().unwrap();
        assert!(last > 364, "no day skipped");
        assert!(last < 400);
    }

    #[test]
    fn builds_and_assesses_a_tiny_store() {
        let dir = std::env::temp_dir().join(format!("testat-bench-assess-{}", std::process::id()));
        let options = Options {
            dir: dir.clone(),
            resources: 40,
            runs: 12,
            seed: 3,
            sample: 5,
        };
        let report = run(&options).unwrap().render(true);
        let value: serde_json::Value = serde_json::from_str(&report).unwrap();
        assert_eq!(value["store"], "built");
        assert_eq!(value["runs"], 12);
        assert_eq!(value["history_runs"], 12);
        assert!(value["size_pdf"].as_u64().unwrap() > 0);
        // The second time the store is reused.
        let again: serde_json::Value =
            serde_json::from_str(&run(&options).unwrap().render(true)).unwrap();
        assert_eq!(again["store"], "reused");
        assert_eq!(again["finding_changes"], value["finding_changes"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
