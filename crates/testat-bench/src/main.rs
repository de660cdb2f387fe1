//! `testat-bench`: the scan and assessment benchmarks of Testat.
//!
//! - `generate` writes a large, realistic Terraform plan (`terraform show -json` shape);
//! - `manifest` writes a large Kubernetes manifest (many `Deployment` documents);
//! - `parse` times `serde_json` parsing a file into a `serde_json::Value` (the baseline);
//! - `scan` runs Testat's scan pipeline in-process and times each phase;
//! - `assess` generates (or reuses) a store with a year of runs and times a Type 2
//!   assessment over it, phase by phase, and every report format;
//! - `record` generates (or reuses) a store of a large scope and times recording one
//!   more run into a copy of it.
//!
//! Each command prints its figures, peak RSS included (`VmHWM`), so run one measurement
//! per process. See `docs/benchmarks.md`.

mod assess;
mod generate;
mod manifest;
mod measure;
mod record;
mod rng;
mod scan;

use std::error::Error;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::measure::{Report, memory, timed};

/// Errors end the run with a message; the bench has nothing to recover.
type BenchResult<T> = Result<T, Box<dyn Error>>;

#[derive(Debug, Parser)]
#[command(
    name = "testat-bench",
    version,
    about = "Scan and assessment benchmarks of Testat"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a generated Terraform plan (`terraform show -json` shape, one line).
    Generate {
        /// Number of resource instances (managed and data sources).
        #[arg(long)]
        resources: usize,
        /// File to write.
        #[arg(long)]
        out: PathBuf,
        /// Seed: the same seed and size give the same file.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write a generated Kubernetes manifest (multi-document YAML of Deployments with
    /// two containers each).
    Manifest {
        /// Number of Deployments.
        #[arg(long)]
        workloads: usize,
        /// File to write.
        #[arg(long)]
        out: PathBuf,
        /// Seed: the same seed and count give the same file.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Time `serde_json::from_str::<serde_json::Value>` on a file (the baseline).
    Parse {
        /// The JSON file.
        file: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Run Testat's scan pipeline in-process (read, evaluate, render JSON) and time it.
    Scan {
        /// The input file.
        file: PathBuf,
        /// Run no rules (`testat scan --no-builtin-rules`): the cost of reading alone.
        #[arg(long)]
        no_rules: bool,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Generate (or reuse) a store with a year of daily runs, then time a Type 2
    /// assessment over it (gathering, building, every report format).
    Assess {
        /// Folder of the store (SQLite); reused when it was built with the same
        /// parameters, else rebuilt.
        #[arg(long)]
        dir: PathBuf,
        /// Resource addresses (2.3 findings each, from the built-in AWS rules).
        #[arg(long, default_value_t = 10_000)]
        resources: usize,
        /// Runs to record: one a day from 2025-01-01 06:00 UTC, a few days skipped.
        #[arg(long, default_value_t = 365)]
        runs: usize,
        /// Seed of the generator (and of the auditor's sample).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Size of the auditor's sample (`--sample` of `testat report --type 2`).
        #[arg(long, default_value_t = 25)]
        sample: usize,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Generate (or reuse) a store of one large scope, then time recording one more
    /// run into a fresh copy of it (`Store::record_run`).
    Record {
        /// Folder of the base store and of the copy (SQLite); the base is reused when
        /// it was built with the same parameters and schema, else rebuilt.
        #[arg(long)]
        dir: PathBuf,
        /// Resource addresses (2.3 findings each, from the built-in AWS rules).
        #[arg(long, default_value_t = 10_000)]
        resources: usize,
        /// Percent of the findings changed in each run after the first.
        #[arg(long, default_value_t = 0.5)]
        changed: f64,
        /// Runs in the base store after its first run.
        #[arg(long, default_value_t = 3)]
        history: usize,
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Time the first run of the scope, in an empty store, instead.
        #[arg(long)]
        first: bool,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> BenchResult<()> {
    match Cli::parse().command {
        Command::Generate {
            resources,
            out,
            seed,
        } => generate(resources, &out, seed),
        Command::Parse { file, json } => parse(&file, json),
        Command::Manifest {
            workloads,
            out,
            seed,
        } => manifest(workloads, &out, seed),
        Command::Scan {
            file,
            no_rules,
            json,
        } => {
            let report = scan::run(&file, !no_rules)?;
            println!("{}", report.render(json));
            Ok(())
        }
        Command::Assess {
            dir,
            resources,
            runs,
            seed,
            sample,
            json,
        } => {
            let options = assess::Options {
                dir,
                resources,
                runs,
                seed,
                sample,
            };
            let report = assess::run(&options)?;
            println!("{}", report.render(json));
            Ok(())
        }
        Command::Record {
            dir,
            resources,
            changed,
            history,
            seed,
            first,
            json,
        } => {
            let options = record::Options {
                dir,
                resources,
                changed,
                history,
                seed,
                first,
            };
            let report = record::run(&options)?;
            println!("{}", report.render(json));
            Ok(())
        }
    }
}

fn generate(resources: usize, out: &Path, seed: u64) -> BenchResult<()> {
    let writer = create(out)?;
    let options = generate::Options { resources, seed };
    let (stats, elapsed) = timed(|| generate::generate(&options, writer));
    let stats = stats.map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let (mut report, size) = written(out)?;
    report.row(
        "bytes_per_instance",
        format!("{:.0}", size as f64 / stats.instances.max(1) as f64),
        serde_json::json!(size / stats.instances.max(1) as u64),
    );
    report.count("instances", stats.instances);
    report.count("managed", stats.managed);
    report.count("primary", stats.primary);
    report.count("misconfigured", stats.flawed);
    report.row(
        "misconfigured_share",
        format!(
            "{:.1} % of primary",
            100.0 * stats.flawed as f64 / stats.primary.max(1) as f64
        ),
        serde_json::json!(stats.flawed as f64 / stats.primary.max(1) as f64),
    );
    report.count("deleted", stats.deleted);
    report.count("data_sources", stats.data);
    report.count("modules", stats.modules);
    for (kind, count) in &stats.by_type {
        report.count(&format!("type.{kind}"), *count);
    }
    report.seconds("elapsed", elapsed);
    println!("{}", report.render(false));
    Ok(())
}

fn manifest(workloads: usize, out: &Path, seed: u64) -> BenchResult<()> {
    let file = create(out)?;
    let options = manifest::Options { workloads, seed };
    let (stats, elapsed) = timed(|| manifest::generate(&options, file));
    let stats = stats.map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let (mut report, _) = written(out)?;
    report.count("workloads", stats.workloads);
    report.count("containers", stats.workloads * 2);
    report.count("hardened", stats.hardened);
    for (namespace, count) in &stats.by_namespace {
        report.count(&format!("namespace.{namespace}"), *count);
    }
    report.seconds("elapsed", elapsed);
    println!("{}", report.render(false));
    Ok(())
}

/// A generator's report, begun with the file it wrote and its size.
fn written(out: &Path) -> BenchResult<(Report, u64)> {
    let size = std::fs::metadata(out)
        .map_err(|e| format!("cannot read {}: {e}", out.display()))?
        .len();
    let mut report = Report::default();
    report.row("file", out.display().to_string(), serde_json::json!(out));
    report.bytes("size", size);
    Ok((report, size))
}

/// Creates `out` (and its folder) for a generator, buffered.
fn create(out: &Path) -> BenchResult<BufWriter<File>> {
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let file = File::create(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    Ok(BufWriter::with_capacity(1 << 20, file))
}

fn parse(file: &Path, json: bool) -> BenchResult<()> {
    let (text, read) = timed(|| std::fs::read_to_string(file));
    let text = text.map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let after_read = memory();
    // The floor of any JSON reader: tokenise and validate, build nothing.
    let (skimmed, skim) = timed(|| serde_json::from_str::<serde::de::IgnoredAny>(&text));
    skimmed.map_err(|e| format!("{} is not JSON: {e}", file.display()))?;
    let (value, parse) = timed(|| serde_json::from_str::<serde_json::Value>(&text));
    let value = value.map_err(|e| format!("{} is not JSON: {e}", file.display()))?;
    let after_parse = memory();
    let (_, drop_time) = timed(|| drop(value));
    let size = text.len() as u64;

    let mut report = Report::default();
    report.row("file", file.display().to_string(), serde_json::json!(file));
    report.bytes("size", size);
    report.seconds("read", read);
    report.seconds("skim_ignored_any", skim);
    report.seconds("parse", parse);
    report.seconds("drop_value", drop_time);
    report.bytes("rss_after_read", after_read.current);
    report.bytes("rss_after_parse", after_parse.current);
    report.bytes("peak_rss", after_parse.peak.max(memory().peak));
    report.ratio(
        "peak_rss_per_file_size",
        after_parse.peak as f64 / size.max(1) as f64,
    );
    println!("{}", report.render(json));
    Ok(())
}
