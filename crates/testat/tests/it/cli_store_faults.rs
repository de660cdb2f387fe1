//! Fault tests of the store through the CLI: `scan --record` and `evidence add` killed
//! (SIGKILL) at random points, and two writers on one SQLite store at the same moment.
//! Afterwards `testat verify` must pass and every record must be whole.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::repo_root;

/// A small seeded PRNG (SplitMix64), so a failing schedule can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}

fn seed() -> u64 {
    std::env::var("TESTAT_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x007E_57A7)
}

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_testat"))
}

/// `testat ARGS` in `dir` as a child process, fixed clock and actor, output discarded.
fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("TESTAT_NOW", "2026-03-01T10:00:00Z")
        .env("TESTAT_ACTOR", "alice")
        .env("NO_COLOR", "1")
        .env_remove("TESTAT_DATABASE_URL")
        .env_remove("TESTAT_CATALOG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn at(dir: &Path) -> assert_cmd::Command {
    crate::support::in_dir(dir, "2026-03-01T10:00:00Z", "alice")
}

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = at(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "testat {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn examples() -> String {
    repo_root().join("examples").to_string_lossy().into_owned()
}

fn init(dir: &Path) {
    at(dir).arg("init").assert().success();
}

/// A few-MB file whose content depends on `n`, so each add stores a new blob.
fn evidence_file(dir: &Path, n: u64) -> PathBuf {
    let path = dir.join(format!("report-{n}.pdf"));
    let mut bytes = vec![0u8; 3 * 1024 * 1024];
    let mut rng = Rng(n);
    for chunk in bytes.chunks_mut(8) {
        let v = rng.next().to_le_bytes();
        chunk.copy_from_slice(v.get(..chunk.len()).unwrap());
    }
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Runs a command to the end; returns its exit code and how long it took.
fn complete(dir: &Path, args: &[&str]) -> (i32, Duration) {
    let started = Instant::now();
    let out = spawn(dir, args).wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), started.elapsed())
}

/// What a whole run of the examples looks like: inputs, criteria, failing findings.
fn shape(run: &serde_json::Value) -> (usize, serde_json::Value, usize, [i64; 4]) {
    let r = &run["run"];
    (
        run["inputs"].as_array().unwrap().len(),
        run["criteria"].clone(),
        run["failing"].as_array().unwrap().len(),
        [
            r["passed"].as_i64().unwrap(),
            r["failed"].as_i64().unwrap(),
            r["excepted"].as_i64().unwrap(),
            r["other"].as_i64().unwrap(),
        ],
    )
}

/// `testat verify` passes, every run has the shape of `reference`, every file of
/// evidence is stored under its hash with its size. Returns (runs, file evidence).
fn check_store(dir: &Path, reference: &serde_json::Value) -> (usize, usize) {
    let verify = at(dir).arg("verify").output().unwrap();
    assert_eq!(
        verify.status.code(),
        Some(0),
        "verify after the faults:\n{}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
    let runs = json(dir, &["runs", "list", "--format", "json"]);
    let runs = runs.as_array().unwrap();
    let want = shape(reference);
    for run in runs {
        let id = run["id"].as_i64().unwrap().to_string();
        let shown = json(dir, &["runs", "show", &id, "--format", "json"]);
        assert_eq!(shape(&shown), want, "run {id} is not whole");
    }
    let evidence = json(dir, &["evidence", "list", "--format", "json"]);
    let mut files = 0;
    for e in evidence.as_array().unwrap() {
        if e["kind"] != "file" {
            continue;
        }
        files += 1;
        let sha = e["sha256"].as_str().unwrap();
        let path = dir
            .join(".testat/evidence/objects")
            .join(&sha[..2])
            .join(sha);
        let meta = std::fs::metadata(&path)
            .unwrap_or_else(|err| panic!("evidence {}: {}: {err}", e["id"], path.display()));
        assert_eq!(
            i64::try_from(meta.len()).unwrap(),
            e["size"].as_i64().unwrap(),
            "evidence {}",
            e["id"]
        );
        assert_eq!(e["criteria"], serde_json::json!(["OPS-06"]));
    }
    (runs.len(), files)
}

#[test]
fn sigkill_during_record_and_evidence_add_leaves_the_store_whole() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    init(dir);
    let examples = examples();
    let scan = ["scan", examples.as_str(), "--record"];

    // The reference: one whole run, and how long each command takes.
    let (code, scan_time) = complete(dir, &scan);
    assert!(matches!(code, 0 | 1), "scan --record exited {code}");
    let reference = json(dir, &["runs", "show", "1", "--format", "json"]);
    let file = evidence_file(dir, 0);
    let file_arg = file.to_string_lossy().into_owned();
    let (code, add_time) = complete(
        dir,
        &["evidence", "add", &file_arg, "--criterion", "OPS-06"],
    );
    assert_eq!(code, 0, "evidence add");

    let mut rng = Rng(seed());
    let budget = Instant::now();
    let (mut kills, mut finished) = (0, 0);
    let mut n = 1;
    while kills < 120 && budget.elapsed() < Duration::from_secs(30) || kills < 30 {
        let scan_turn = n % 2 == 0;
        let (args, normal): (Vec<String>, Duration) = if scan_turn {
            (scan.iter().map(|s| (*s).to_owned()).collect(), scan_time)
        } else {
            let file = evidence_file(dir, n);
            (
                vec![
                    "evidence".into(),
                    "add".into(),
                    file.to_string_lossy().into_owned(),
                    "--criterion".into(),
                    "OPS-06".into(),
                ],
                add_time,
            )
        };
        n += 1;
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let max = u64::try_from(normal.as_micros()).unwrap() * 11 / 10;
        let delay = Duration::from_micros(rng.below(max + 1));
        let mut child = spawn(dir, &args);
        std::thread::sleep(delay);
        match child.try_wait().unwrap() {
            Some(status) => {
                // Finished before the kill: it must have been a normal end.
                assert!(
                    matches!(status.code(), Some(0 | 1)),
                    "testat {args:?} exited {status} without being killed"
                );
                finished += 1;
            }
            None => {
                child.kill().unwrap();
                child.wait().unwrap();
                kills += 1;
            }
        }
    }
    assert!(kills >= 30, "{kills} kills");
    let (runs, files) = check_store(dir, &reference);
    eprintln!(
        "seed {:#x}: {kills} kills, {finished} finished; {runs} runs and {files} evidence files whole",
        seed()
    );

    // The store still takes writes after the faults.
    let (code, _) = complete(dir, &scan);
    assert!(matches!(code, 0 | 1));
    let (after, _) = check_store(dir, &reference);
    assert_eq!(after, runs + 1);
}

/// Sets the store's busy timeout.
fn set_busy_timeout(dir: &Path, ms: u64) {
    let path = dir.join(".testat/config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut config: toml::Table = toml::from_str(&text).unwrap();
    config
        .entry("store")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()))
        .as_table_mut()
        .unwrap()
        .insert(
            "busy_timeout_ms".into(),
            toml::Value::Integer(i64::try_from(ms).unwrap()),
        );
    std::fs::write(&path, toml::to_string(&config).unwrap()).unwrap();
}

#[test]
fn two_writers_at_once_succeed_or_say_store_busy() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    init(dir);
    let examples = examples();
    let scan = ["scan", examples.as_str(), "--record"];
    let (code, _) = complete(dir, &scan);
    assert!(matches!(code, 0 | 1));
    let reference = json(dir, &["runs", "show", "1", "--format", "json"]);
    let (mut runs, mut files) = (1, 0);
    let (mut ok, mut busy) = (0, 0);
    // With the default timeout both should get through; with 1 ms one may be refused.
    for (round, timeout) in [5_000, 5_000, 5_000, 1, 1, 1, 1, 1].into_iter().enumerate() {
        set_busy_timeout(dir, timeout);
        let file = evidence_file(dir, 100 + round as u64);
        let file = file.to_string_lossy().into_owned();
        let add = ["evidence", "add", file.as_str(), "--criterion", "OPS-06"];
        let pair: [&[&str]; 2] = match round % 3 {
            0 => [&scan, &scan],
            1 => [&scan, &add],
            _ => [&add, &scan],
        };
        let children: Vec<(&[&str], Child)> = pair.iter().map(|a| (*a, spawn(dir, a))).collect();
        for (args, child) in children {
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            let is_scan = args[0] == "scan";
            match out.status.code() {
                Some(0 | 1) if !stderr.contains("error:") => {
                    ok += 1;
                    if is_scan {
                        runs += 1;
                    } else {
                        files += 1;
                    }
                }
                Some(2) => {
                    assert!(
                        stderr.contains("store busy"),
                        "round {round}: testat {args:?} failed otherwise: {stderr}"
                    );
                    busy += 1;
                }
                other => panic!("round {round}: testat {args:?} exited {other:?}: {stderr}"),
            }
        }
        set_busy_timeout(dir, 5_000);
        assert_eq!(check_store(dir, &reference), (runs, files), "round {round}");
    }
    eprintln!("{ok} writers succeeded, {busy} said store busy");
    assert!(ok >= 6, "the default timeout lets both writers through");
}
