//! Wall-clock timing and memory figures of the running process.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// Memory of this process from `/proc/self/status` (Linux), in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Memory {
    /// `VmHWM`: peak resident set size so far.
    pub peak: u64,
    /// `VmRSS`: resident set size now.
    pub current: u64,
}

/// The process's memory now; zeros where `/proc` is not available.
pub fn memory() -> Memory {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return Memory::default();
    };
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().strip_suffix("kB"))
            .and_then(|kb| kb.trim().parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    };
    Memory {
        peak: field("VmHWM:"),
        current: field("VmRSS:"),
    }
}

/// Runs `f` and returns its result with the time it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// Bytes in decimal megabytes (`390.1 MB`).
pub fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// A small report: aligned `name  value` lines for people, or one JSON object.
#[derive(Debug, Default)]
pub struct Report {
    rows: Vec<(String, String, serde_json::Value)>,
}

impl Report {
    /// Adds a line: `name`, what people read, what the JSON form carries.
    pub fn row(&mut self, name: &str, text: impl Into<String>, value: serde_json::Value) {
        self.rows.push((name.to_owned(), text.into(), value));
    }

    /// Adds a duration in seconds.
    pub fn seconds(&mut self, name: &str, duration: Duration) {
        let secs = duration.as_secs_f64();
        self.row(
            name,
            format!("{secs:.3} s"),
            serde_json::json!(round3(secs)),
        );
    }

    /// Adds a size in bytes.
    pub fn bytes(&mut self, name: &str, bytes: u64) {
        self.row(name, mb(bytes), serde_json::json!(bytes));
    }

    /// Adds a count.
    pub fn count(&mut self, name: &str, count: usize) {
        self.row(name, count.to_string(), serde_json::json!(count));
    }

    /// Adds a ratio (`2.41x`).
    pub fn ratio(&mut self, name: &str, ratio: f64) {
        self.row(
            name,
            format!("{ratio:.2}x"),
            serde_json::json!(round3(ratio)),
        );
    }

    /// The report as text lines or as one JSON object.
    pub fn render(&self, json: bool) -> String {
        if json {
            let map: serde_json::Map<String, serde_json::Value> = self
                .rows
                .iter()
                .map(|(k, _, v)| (k.clone(), v.clone()))
                .collect();
            return serde_json::Value::Object(map).to_string();
        }
        let width = self.rows.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
        let mut out = String::new();
        for (name, text, _) in &self.rows {
            let _ = writeln!(out, "{name:<width$}  {text}");
        }
        out.trim_end().to_owned()
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_own_memory() {
        let memory = memory();
        if cfg!(target_os = "linux") {
            assert!(memory.peak >= memory.current && memory.current > 0);
        }
    }

    #[test]
    fn report_renders_both_ways() {
        let mut report = Report::default();
        report.bytes("file", 390_100_000);
        report.ratio("ratio", 1.5);
        assert_eq!(report.render(false), "file   390.1 MB\nratio  1.50x");
        assert_eq!(report.render(true), r#"{"file":390100000,"ratio":1.5}"#);
    }
}
