//! `testat-bench record`: how long `Store::record_run` takes for one run of a large
//! scope.
//!
//! A base store is generated (or reused) in `--dir/base`: the findings of N resources
//! under the built-in AWS rules (as `assess` generates them), recorded as a first run
//! and then `--history` more runs, each with `--changed` percent of the findings
//! changed. Each measurement copies that store to `--dir/work`, opens the copy and
//! times recording the next run (again with `--changed` percent changed), so that
//! every measurement starts from the same store. With `--first` it times the first
//! run of the scope in an empty store instead.
//!
//! A change is one of: a finding that flips between `pass` and `fail` (90 %), one that
//! disappears (5 %), or a new one on a new address (5 %). The generator is
//! deterministic: the same parameters give the same runs.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use testat_store::{Location, NewRun, RunFinding, RunInput, Stamp, Store};

use crate::BenchResult;
use crate::assess::{aws_rules, estate, timed_async};
use crate::measure::{Report, memory, timed};
use crate::rng::{Rng, mix};

/// Bump when the generator changes, so that base stores of an older one are rebuilt.
const GENERATOR_VERSION: u32 = 1;
/// The database file inside the base and work folders.
const DATABASE: &str = "testat.db";
/// What the base store was built from, inside `--dir/base`.
const PARAMS: &str = "bench-params.json";
/// Stream of the seeded generator for the changes of run `n`.
const STREAM_CHANGES: u64 = 1 << 40;

/// What to measure.
#[derive(Debug, Clone)]
pub struct Options {
    /// Folder of the base and work stores.
    pub dir: PathBuf,
    /// Resource addresses (about 2.3 findings each).
    pub resources: usize,
    /// Percent of the findings changed in each run after the first.
    pub changed: f64,
    /// Runs recorded in the base store after the first.
    pub history: usize,
    /// Seed of the generator.
    pub seed: u64,
    /// Time the first run of the scope (in an empty store) instead.
    pub first: bool,
}

/// What `--dir/base` was built from, and what its build took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Base {
    generator: u32,
    schema: i64,
    resources: usize,
    changed: f64,
    history: usize,
    seed: u64,
    first_run_secs: f64,
    history_secs: Vec<f64>,
}

impl Base {
    fn matches(&self, options: &Options) -> bool {
        self.generator == GENERATOR_VERSION
            && self.schema == testat_store::SCHEMA_VERSION
            && self.resources == options.resources
            && self.changed.to_bits() == options.changed.to_bits()
            && self.history == options.history
            && self.seed == options.seed
    }
}

/// The findings of each run, generated in order.
struct Runs {
    findings: Vec<RunFinding>,
    seed: u64,
    changed: f64,
    added: usize,
    /// Run number of `findings` (0: the first run).
    at: usize,
}

impl Runs {
    fn new(options: &Options) -> BenchResult<Self> {
        let catalog = testat_catalog::builtin();
        let rules = testat_project::load_rules(catalog, true, &[])
            .map_err(|e| format!("built-in rules do not load: {e}"))?;
        let mut findings = estate(&aws_rules(&rules), options.resources, options.seed);
        // One finding in 200 fails in the first run.
        let mut rng = Rng::new(mix(options.seed, STREAM_CHANGES));
        for f in &mut findings {
            if rng.chance(1, 200) {
                f.outcome = "fail".to_owned();
            }
        }
        Ok(Self {
            findings,
            seed: options.seed,
            changed: options.changed,
            added: 0,
            at: 0,
        })
    }

    /// Moves to the next run; returns how many changes were made.
    fn step(&mut self) -> usize {
        self.at += 1;
        let mut rng = Rng::new(mix(self.seed, STREAM_CHANGES + self.at as u64));
        let count = (self.findings.len() as f64 * self.changed / 100.0).round() as usize;
        for _ in 0..count {
            let n = self.findings.len() as u64;
            if n == 0 {
                break;
            }
            let i = rng.below(n) as usize;
            let roll = rng.below(100);
            if roll < 90 {
                let f = &mut self.findings[i];
                f.outcome = if f.outcome == "pass" { "fail" } else { "pass" }.to_owned();
            } else if roll < 95 {
                self.findings.swap_remove(i);
            } else {
                self.added += 1;
                let mut f = self.findings[i].clone();
                f.address = format!("{}.added{:06}", f.address, self.added);
                f.outcome = "pass".to_owned();
                self.findings.push(f);
            }
        }
        count
    }

    fn new_run(&self, resources: usize) -> NewRun {
        let start = start_of(self.at);
        NewRun {
            scope: "default".to_owned(),
            started_at: start,
            finished_at: start + chrono::Duration::seconds(20),
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            catalog_version: testat_catalog::builtin().version.clone(),
            ruleset_sha256: testat_store::sha256_hex(b"testat-bench aws rules"),
            rule_count: 0,
            resource_count: i64::try_from(resources).unwrap_or(i64::MAX),
            inputs: vec![RunInput {
                path: "plan.json".to_owned(),
                kind: "terraform-plan".to_owned(),
                sha256: testat_store::sha256_hex(&self.at.to_le_bytes()),
                size: i64::try_from(resources * 3_900).unwrap_or(i64::MAX),
            }],
            findings: self.findings.clone(),
            settings: Default::default(),
            source: None,
        }
    }
}

/// 06:00 UTC on day `n` after 2025-01-01.
fn start_of(n: usize) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 6, 0, 0)
        .single()
        .unwrap_or_default()
        + chrono::Duration::days(i64::try_from(n).unwrap_or(0))
}

fn stamp(run: &NewRun) -> Stamp {
    Stamp {
        actor: "ci".to_owned(),
        at: run.finished_at,
    }
}

fn location(dir: &Path) -> Location {
    Location::sqlite(&dir.join(DATABASE), None)
}

/// Removes the database of `dir` (with its WAL files) and creates the folder.
fn clear(dir: &Path) -> BenchResult<()> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(dir.join(format!("{DATABASE}{suffix}")));
    }
    Ok(())
}

async fn record(store: &Store, run: &NewRun) -> BenchResult<(i64, Duration)> {
    let (id, took) = timed_async(store.record_run(run, &stamp(run))).await;
    Ok((id?, took))
}

/// Builds the base store: the first run and `history` more.
async fn build_base(options: &Options, runs: &mut Runs) -> BenchResult<Base> {
    let dir = options.dir.join("base");
    clear(&dir)?;
    let _ = std::fs::remove_file(dir.join(PARAMS));
    let store = Store::open(&location(&dir)).await?;
    let (_, first) = record(&store, &runs.new_run(options.resources)).await?;
    let mut history = Vec::new();
    for _ in 0..options.history {
        runs.step();
        let (_, took) = record(&store, &runs.new_run(options.resources)).await?;
        history.push(took.as_secs_f64());
    }
    store.close().await;
    let base = Base {
        generator: GENERATOR_VERSION,
        schema: testat_store::SCHEMA_VERSION,
        resources: options.resources,
        changed: options.changed,
        history: options.history,
        seed: options.seed,
        first_run_secs: first.as_secs_f64(),
        history_secs: history,
    };
    std::fs::write(dir.join(PARAMS), serde_json::to_string_pretty(&base)?)
        .map_err(|e| format!("cannot write {}: {e}", dir.join(PARAMS).display()))?;
    Ok(base)
}

/// Builds or reuses the base store, then times recording one run.
pub fn run(options: &Options) -> BenchResult<Report> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run_async(options))
}

async fn run_async(options: &Options) -> BenchResult<Report> {
    let (runs, generate_time) = timed(|| Runs::new(options));
    let mut runs = runs?;
    let mut report = Report::default();
    let work = options.dir.join("work");
    if options.first {
        clear(&work)?;
        let store = Store::open(&location(&work)).await?;
        let run = runs.new_run(options.resources);
        report.count("findings", run.findings.len());
        report.seconds("generate", generate_time);
        let (id, took) = record(&store, &run).await?;
        report.count("changed", usize::try_from(store.run(id).await?.changed)?);
        report.seconds("record_first_run", took);
        store.close().await;
        report.bytes("peak_rss", memory().peak);
        return Ok(report);
    }

    let base_dir = options.dir.join("base");
    let existing = std::fs::read_to_string(base_dir.join(PARAMS))
        .ok()
        .and_then(|text| serde_json::from_str::<Base>(&text).ok())
        .filter(|b| b.matches(options) && base_dir.join(DATABASE).is_file());
    let reused = existing.is_some();
    let base = match existing {
        Some(base) => {
            for _ in 0..options.history {
                runs.step();
            }
            base
        }
        None => build_base(options, &mut runs).await?,
    };
    let made = runs.step();
    let run = runs.new_run(options.resources);

    clear(&work)?;
    let (copied, copy_time) = timed(|| -> BenchResult<()> {
        for suffix in ["", "-wal"] {
            let from = base_dir.join(format!("{DATABASE}{suffix}"));
            if from.is_file() {
                let to = work.join(format!("{DATABASE}{suffix}"));
                std::fs::copy(&from, &to)
                    .map_err(|e| format!("cannot copy {}: {e}", from.display()))?;
                // On disk before the measurement, as a store that is not brand new is:
                // else the kernel writes the copy back while the run commits.
                std::fs::File::open(&to)
                    .and_then(|f| f.sync_all())
                    .map_err(|e| format!("cannot sync {}: {e}", to.display()))?;
            }
        }
        Ok(())
    });
    copied?;
    let (store, open_time) = timed_async(Store::open(&location(&work))).await;
    let store = store?;
    let (id, took) = record(&store, &run).await?;
    // The checkpoint that copies the run's pages into the database file runs after the
    // commit; closing waits for it.
    let ((), close_time) = timed_async(store.close()).await;
    let store = Store::open(&location(&work)).await?;
    let changed = store.run(id).await?.changed;
    store.close().await;

    report.row(
        "base",
        if reused { "reused" } else { "built" },
        serde_json::json!(if reused { "reused" } else { "built" }),
    );
    report.seconds(
        "base_first_run",
        Duration::from_secs_f64(base.first_run_secs),
    );
    for (i, secs) in base.history_secs.iter().enumerate() {
        report.seconds(
            &format!("base_run_{}", i + 2),
            Duration::from_secs_f64(*secs),
        );
    }
    report.count("findings", run.findings.len());
    report.count("changes_made", made);
    report.count("changed", usize::try_from(changed)?);
    report.seconds("generate", generate_time);
    report.seconds("copy_store", copy_time);
    report.seconds("open", open_time);
    report.seconds("record", took);
    report.seconds("checkpoint_and_close", close_time);
    report.bytes("peak_rss", memory().peak);
    Ok(report)
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        reason = "tests fail by panicking"
    )]

    use super::*;

    #[test]
    fn records_into_a_copy_of_a_small_base() {
        let dir = std::env::temp_dir().join(format!("testat-bench-record-{}", std::process::id()));
        let options = Options {
            dir: dir.clone(),
            resources: 300,
            changed: 2.0,
            history: 2,
            seed: 5,
            first: false,
        };
        let value: serde_json::Value =
            serde_json::from_str(&run(&options).unwrap().render(true)).unwrap();
        assert_eq!(value["base"], "built");
        let changed = value["changed"].as_u64().unwrap();
        assert!(changed > 0 && changed <= value["changes_made"].as_u64().unwrap());
        let again: serde_json::Value =
            serde_json::from_str(&run(&options).unwrap().render(true)).unwrap();
        assert_eq!(again["base"], "reused");
        assert_eq!(again["changed"], value["changed"], "same run each time");
        let first = Options {
            first: true,
            ..options
        };
        let value: serde_json::Value =
            serde_json::from_str(&run(&first).unwrap().render(true)).unwrap();
        assert_eq!(value["changed"], value["findings"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
