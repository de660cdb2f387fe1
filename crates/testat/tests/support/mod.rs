//! Helpers shared by the CLI tests.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test support"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `testat` binary under test, with a clean environment for colours and config.
pub fn testat() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("testat").unwrap();
    command
        .env_remove("TESTAT_CATALOG")
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1");
    command
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Validates `file` with a real consumer of its format (`validators/validate.py`).
///
/// The Python with the validators installed is named by `TESTAT_VALIDATOR_PYTHON`
/// (`.ci/run` creates it). Without it the check is skipped, loudly; in CI (`CI=true`)
/// a missing validator fails the test instead.
pub fn validate(kind: &str, file: &Path) {
    let Some(python) = std::env::var_os("TESTAT_VALIDATOR_PYTHON") else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "TESTAT_VALIDATOR_PYTHON is not set in CI: the {kind} validator must run"
        );
        eprintln!(
            "\n*** SKIPPED: {kind} validation of {} (set TESTAT_VALIDATOR_PYTHON to a Python with \
             validators/requirements.txt installed, as .ci/run does) ***\n",
            file.display()
        );
        return;
    };
    let output = Command::new(python)
        .arg(repo_root().join("validators/validate.py"))
        .arg(kind)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{kind} validator rejected {}:\n{}{}",
        file.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
