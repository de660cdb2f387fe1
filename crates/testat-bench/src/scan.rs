//! `testat-bench scan`: the project's scan job in-process, phase by phase, the way
//! `testat scan --format json` runs it (without a config file).

use std::path::Path;
use std::time::{Duration, Instant};

use testat_project::{Clock, Phase, ScanSettings};
use testat_report::ScanFormat;
use testat_rules::Outcome;

use crate::BenchResult;
use crate::measure::{Memory, Report, memory, timed};

/// Runs the pipeline on `file` (with the built-in rules, or none) and reports time and
/// memory per phase.
pub fn run(file: &Path, builtin_rules: bool) -> BenchResult<Report> {
    let size = std::fs::metadata(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?
        .len();
    let catalog = testat_catalog::builtin();
    // `testat scan FILE --format json` with the defaults and no testat.toml.
    let settings = ScanSettings {
        builtin_rules,
        ..ScanSettings::default()
    };
    let mut marks: Vec<(Phase, Instant, Memory)> = Vec::new();
    let scan = testat_project::scan(
        catalog,
        &settings,
        Vec::new(),
        &[file.to_path_buf()],
        &Clock::system(),
        &mut |phase| marks.push((phase, Instant::now(), memory())),
    )
    .map_err(|e| format!("the scan failed: {e}"))?;
    for problem in &scan.inputs.problems {
        eprintln!("warning: {problem}");
    }
    let at = |wanted: fn(&Phase) -> bool| marks.iter().find(|(p, _, _)| wanted(p));
    let span = |from: fn(&Phase) -> bool, to: fn(&Phase) -> bool| -> Duration {
        match (at(from), at(to)) {
            (Some(a), Some(b)) => b.1.saturating_duration_since(a.1),
            _ => Duration::ZERO,
        }
    };
    let memory_at = |wanted: fn(&Phase) -> bool| at(wanted).map_or_else(Memory::default, |m| m.2);
    let loading = |p: &Phase| matches!(p, Phase::LoadingRules);
    let reading = |p: &Phase| matches!(p, Phase::Reading);
    let evaluating = |p: &Phase| matches!(p, Phase::Evaluating { .. });
    let excepting = |p: &Phase| matches!(p, Phase::ApplyingExceptions);
    let done = |p: &Phase| matches!(p, Phase::Done);
    let rules_time = span(loading, reading);
    let read_time = span(reading, evaluating);
    let evaluate_time = span(evaluating, excepting);
    let exceptions_time = span(excepting, done);
    let after_rules = memory_at(reading);
    let after_read = memory_at(evaluating);
    let after_evaluate = memory_at(done);

    // Written as it is rendered, as `testat scan --format json --output FILE` does.
    let mut counter = Counter(0);
    let (rendered, render_time) = timed(|| {
        testat_report::render_to(&scan.report(catalog), ScanFormat::Json, false, &mut counter)
    });
    rendered.map_err(|e| format!("cannot render the JSON report: {e}"))?;
    let after_render = memory();
    let (inputs, rules, findings) = (&scan.inputs, &scan.rules, &scan.findings);

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
    out.bytes("report_size", counter.0);
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

/// A writer that only counts the bytes it is given.
struct Counter(u64);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
