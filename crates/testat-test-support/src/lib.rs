#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test support fails tests by panicking"
)]
//! Handing our output to real consumers (`validators/validate.py`).
//!
//! `validators/validate.py` exits with 3 when a consumer is not installed, which is a
//! loud skip outside CI and a failure in CI, like a missing `TESTAT_VALIDATOR_PYTHON`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn in_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// Says loudly that a check was skipped. `cargo test` captures `eprintln!` in tests
/// that pass, so the notice is written to the standard error handle itself, which the
/// harness does not capture: it shows in every `cargo test` run.
pub fn announce_skip(message: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "\n*** SKIPPED: {message} ***\n");
}

fn skip(kind: &str, file: &Path, why: &str) {
    assert!(!in_ci(), "{why}; in CI the {kind} validator must run");
    announce_skip(&format!(
        "{kind} validation of {} ({why}; .ci/run installs the validators: see validators/validate.py)",
        file.display()
    ));
}

/// Runs the validator; `None` when it cannot run here (skipped loudly, or failing in CI).
fn run(kind: &str, file: &Path) -> Option<Output> {
    let Some(python) = std::env::var_os("TESTAT_VALIDATOR_PYTHON") else {
        skip(kind, file, "TESTAT_VALIDATOR_PYTHON is not set");
        return None;
    };
    let output = Command::new(python)
        .arg(repo_root().join("validators/validate.py"))
        .arg(kind)
        .arg(file)
        .output()
        .unwrap();
    if output.status.code() == Some(3) {
        skip(kind, file, String::from_utf8_lossy(&output.stderr).trim());
        return None;
    }
    Some(output)
}

/// Validates `file` with a real consumer of its format and returns what it said.
pub fn validate(kind: &str, file: &Path) -> String {
    let Some(output) = run(kind, file) else {
        return String::new();
    };
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "{kind} validator rejected {}:\n{said}",
        file.display()
    );
    eprintln!("{kind} validator: {said}");
    said
}

/// Checks that the consumer rejects `file` (a deliberately broken one), so that a
/// validator that accepts everything cannot pass the tests. Returns what it said.
pub fn validate_rejects(kind: &str, file: &Path) -> String {
    let Some(output) = run(kind, file) else {
        return String::new();
    };
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "{kind} validator should have rejected {}:\n{said}",
        file.display()
    );
    said
}
