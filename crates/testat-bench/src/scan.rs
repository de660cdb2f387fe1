//! `testat-bench scan`: Testat's scan pipeline in-process, phase by phase, the way
//! `testat scan --format json` runs it (without a config file).

use std::path::Path;

use testat_inputs::ReadOptions;
use testat_report::{ScanFormat, ScanReport};
use testat_rules::{Outcome, RuleSet, Severity};

use crate::BenchResult;
use crate::measure::{Report, memory, timed};

/// Runs the pipeline on `file` and reports time and memory per phase.
pub fn run(file: &Path) -> BenchResult<Report> {
    let size = std::fs::metadata(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?
        .len();
    let started_at = chrono::Utc::now();
    let catalog = testat_catalog::builtin();
    let (rules, rules_time) = timed(|| RuleSet::builtin(catalog));
    let rules = rules.map_err(|errors| {
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!("built-in rules do not load: {}", messages.join("; "))
    })?;
    let after_rules = memory();

    let paths = [file.to_path_buf()];
    let (inputs, read_time) = timed(|| testat_inputs::read_paths(&paths, &ReadOptions::default()));
    let after_read = memory();
    for problem in &inputs.problems {
        eprintln!("warning: {problem}");
    }

    let (mut findings, evaluate_time) = timed(|| testat_rules::evaluate(&inputs, &rules));
    let today = started_at.date_naive();
    let (exception_use, exceptions_time) =
        timed(|| testat_rules::apply_exceptions(&mut findings, &inputs, &rules, &[], today));
    let after_evaluate = memory();

    let report = ScanReport {
        tool_version: env!("CARGO_PKG_VERSION"),
        catalog,
        inputs: &inputs,
        rules: &rules,
        findings: &findings,
        exceptions: &[],
        exception_use: &exception_use,
        fail_on: Severity::High,
        started_at,
        finished_at: chrono::Utc::now(),
    };
    let (text, render_time) = timed(|| testat_report::render(&report, ScanFormat::Json, false));
    let text = text.map_err(|e| format!("cannot render the JSON report: {e}"))?;
    let after_render = memory();

    let total = rules_time + read_time + evaluate_time + exceptions_time + render_time;
    let count = |outcome: Outcome| findings.iter().filter(|f| f.outcome == outcome).count();
    let text_bytes: u64 = inputs.files.iter().map(|f| f.text.len() as u64).sum();

    let mut out = Report::default();
    out.row("file", file.display().to_string(), serde_json::json!(file));
    out.bytes("size", size);
    out.count("rules", rules.len());
    out.count("resources", inputs.resources.len());
    out.count("problems", inputs.problems.len());
    out.count("findings", findings.len());
    out.count("findings_pass", count(Outcome::Pass));
    out.count("findings_fail", count(Outcome::Fail));
    out.count("findings_unknown", count(Outcome::Unknown));
    out.count("findings_error", count(Outcome::Error));
    out.bytes("report_size", text.len() as u64);
    out.seconds("time_rules", rules_time);
    out.seconds("time_read", read_time);
    out.seconds("time_evaluate", evaluate_time);
    out.seconds("time_exceptions", exceptions_time);
    out.seconds("time_render", render_time);
    out.seconds("time_total", total);
    out.bytes("input_text_held", text_bytes);
    out.bytes("peak_after_rules", after_rules.peak);
    out.bytes("peak_after_read", after_read.peak);
    out.bytes("rss_after_read", after_read.current);
    out.bytes("peak_after_evaluate", after_evaluate.peak);
    out.bytes("rss_after_evaluate", after_evaluate.current);
    out.bytes("peak_rss", after_render.peak);
    out.ratio(
        "peak_rss_per_file_size",
        after_render.peak as f64 / size.max(1) as f64,
    );
    Ok(out)
}
