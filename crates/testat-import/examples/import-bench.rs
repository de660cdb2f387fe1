//! Generates large inputs and measures their import (docs/benchmarks.md).
//!
//! ```sh
//! cargo build --release -p testat-import --example import-bench
//! B=target/release/examples/import-bench
//! $B generate checkov 100 /tmp/checkov-100mb.json     # size in MB (10^6 bytes)
//! $B generate prowler 100 /tmp/prowler-100mb.json
//! /usr/bin/time -v $B read /tmp/checkov-100mb.json    # import, then time and peak memory
//! /usr/bin/time -v $B tree /tmp/checkov-100mb.json    # baseline: the file as a serde_json::Value
//! ```

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use testat_import::{Mappings, generate, import_file};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["generate", kind, mb, out] => generate(kind, mb, out, "1"),
        ["generate", kind, mb, out, seed] => generate(kind, mb, out, seed),
        ["read", file] => read(file),
        ["tree", file] => tree(file),
        _ => Err(
            "usage: import-bench generate checkov|prowler MB OUT [SEED] | read FILE | tree FILE"
                .to_owned(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn generate(kind: &str, mb: &str, out: &str, seed: &str) -> Result<(), String> {
    let mb: f64 = mb.parse().map_err(|e| format!("size {mb:?}: {e}"))?;
    let seed: u64 = seed.parse().map_err(|e| format!("seed {seed:?}: {e}"))?;
    let file = BufWriter::new(File::create(out).map_err(|e| format!("{out}: {e}"))?);
    let bytes = mb * 1e6;
    let start = Instant::now();
    let findings = match kind {
        "checkov" => {
            let n = (bytes / generate::CHECKOV_BYTES_PER_FINDING as f64) as usize;
            generate::checkov_json(file, n, seed).map_err(|e| e.to_string())?;
            n
        }
        "prowler" => {
            let n = (bytes / generate::PROWLER_BYTES_PER_FINDING as f64) as usize;
            generate::prowler_ocsf(file, n, seed).map_err(|e| e.to_string())?;
            n
        }
        other => return Err(format!("unknown kind {other:?} (checkov, prowler)")),
    };
    let size = std::fs::metadata(out).map_err(|e| e.to_string())?.len();
    println!(
        "{out}: {findings} findings, {:.1} MB, {:.1} s",
        size as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

fn read(file: &str) -> Result<(), String> {
    let size = std::fs::metadata(file).map_err(|e| e.to_string())?.len();
    let start = Instant::now();
    let mappings = Mappings::builtin().map_err(|e| e.to_string())?;
    let imported = import_file(Path::new(file), None, &mappings).map_err(|e| e.to_string())?;
    let elapsed = start.elapsed();
    let peak = peak_rss();
    for import in &imported.imports {
        println!(
            "{} {}: {} findings of {} checks, {} unmapped findings, outcomes {:?}",
            import.tool.name,
            import.tool.version.as_deref().unwrap_or("?"),
            import.findings.len(),
            import.checks.len(),
            import.unmapped_findings(),
            import.counts()
        );
    }
    println!(
        "file {:.1} MB, read in {:.2} s, peak RSS {:.1} MB ({:.2}x the file)",
        size as f64 / 1e6,
        elapsed.as_secs_f64(),
        peak as f64 / 1e6,
        peak as f64 / size as f64
    );
    Ok(())
}

fn tree(file: &str) -> Result<(), String> {
    let size = std::fs::metadata(file).map_err(|e| e.to_string())?.len();
    let start = Instant::now();
    let reader = BufReader::new(File::open(file).map_err(|e| e.to_string())?);
    let value: serde_json::Value = serde_json::from_reader(reader).map_err(|e| e.to_string())?;
    let elapsed = start.elapsed();
    let peak = peak_rss();
    let top = match &value {
        serde_json::Value::Array(a) => a.len(),
        _ => 1,
    };
    println!(
        "file {:.1} MB as a serde_json::Value ({top} top-level items) in {:.2} s, peak RSS {:.1} MB ({:.2}x the file)",
        size as f64 / 1e6,
        elapsed.as_secs_f64(),
        peak as f64 / 1e6,
        peak as f64 / size as f64
    );
    Ok(())
}

/// `VmHWM` of this process (Linux), in bytes; 0 elsewhere.
fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().strip_suffix("kB"))
                .and_then(|kb| kb.trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}
