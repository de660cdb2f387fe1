#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test support fails tests by panicking"
)]
//! What tests need from outside the crate: real consumers of our output
//! (`validators/validate.py`), tools such as `pdftotext`, and a PostgreSQL server.
//!
//! Whatever is missing is a loud skip outside CI and a failure in CI (`CI=true`):
//! `validators/validate.py` exits with 3 when a consumer is not installed, like a
//! missing `TESTAT_VALIDATOR_PYTHON` (or, for OSCAL documents, a missing
//! `TESTAT_VALIDATOR_PYTHON_TRESTLE3`, a venv with `compliance-trestle<4`);
//! [`tool_available`] and [`postgres_admin_url`] follow the same rule.

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
fn announce_skip(message: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "\n*** SKIPPED: {message} ***\n");
}

/// Skips the calling check loudly outside CI, and fails it in CI (`CI=true`), where
/// everything the checks need is installed. `what` names the check; `missing` says
/// what is missing and how to get it.
pub fn skip_outside_ci(what: &str, missing: &str) {
    assert!(!in_ci(), "{what} cannot run, and CI=true: {missing}");
    announce_skip(&format!("{what} ({missing})"));
}

/// Whether `program` runs here (it is started with `-v`). When it does not: a loud
/// skip of `what` outside CI, a failure in CI; `install` says how to get it.
pub fn tool_available(program: &str, what: &str, install: &str) -> bool {
    if Command::new(program).arg("-v").output().is_ok() {
        return true;
    }
    skip_outside_ci(
        what,
        &format!("{program} not found: {install}; .ci/run installs it"),
    );
    false
}

/// The PostgreSQL server the suites run against, from `TESTAT_TEST_POSTGRES_URL`
/// (an admin URL that may create databases). `None` after a loud skip of `suite`
/// outside CI; in CI a missing URL fails the test.
pub fn postgres_admin_url(suite: &str) -> Option<String> {
    if let Ok(url) = std::env::var("TESTAT_TEST_POSTGRES_URL") {
        return Some(url);
    }
    skip_outside_ci(
        suite,
        "TESTAT_TEST_POSTGRES_URL is not set; .ci/run starts a server and sets it",
    );
    None
}

/// Creates an empty database `name` (dropped first if it exists) on the server of
/// `admin` and returns its URL.
pub async fn fresh_postgres_database(admin: &str, name: &str) -> String {
    use sqlx::{Connection, Executor};
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(admin).await.unwrap();
    conn.execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
        .await
        .unwrap();
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    conn.close().await.unwrap();
    let base = admin.rsplit_once('/').unwrap().0;
    format!("{base}/{name}")
}

fn skip(kind: &str, file: &Path, why: &str) {
    skip_outside_ci(
        &format!("{kind} validation of {}", file.display()),
        &format!("{why}; .ci/run installs the validators: see validators/validate.py"),
    );
}

/// The variable naming the Python of the venv with `validators/requirements.txt`.
pub const VALIDATOR_PYTHON: &str = "TESTAT_VALIDATOR_PYTHON";

/// The variable naming the Python of a second venv with compliance-trestle 3.x
/// (`validators/requirements-trestle3.txt`), which reads every OSCAL document too: 3.x
/// is still in use and refuses some values that 5.x accepts, such as a prop namespace
/// that is not a URL.
pub const VALIDATOR_PYTHON_TRESTLE3: &str = "TESTAT_VALIDATOR_PYTHON_TRESTLE3";

/// The variables naming the Pythons that validate `kind`: both for OSCAL documents,
/// the first alone for everything else.
fn pythons(kind: &str) -> &'static [&'static str] {
    if kind.starts_with("oscal-") {
        &[VALIDATOR_PYTHON, VALIDATOR_PYTHON_TRESTLE3]
    } else {
        &[VALIDATOR_PYTHON]
    }
}

/// Runs the validator with the Python named by `variable`; `None` when it cannot run
/// here (skipped loudly, or failing in CI).
fn run(variable: &str, kind: &str, file: &Path) -> Option<Output> {
    let Some(python) = std::env::var_os(variable) else {
        skip(kind, file, &format!("{variable} is not set"));
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

fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Validates `file` with a real consumer of its format and returns what it said (for
/// OSCAL, what each compliance-trestle said, one after the other).
pub fn validate(kind: &str, file: &Path) -> String {
    let mut all = String::new();
    for variable in pythons(kind) {
        let Some(output) = run(variable, kind, file) else {
            continue;
        };
        let said = said(&output);
        assert!(
            output.status.success(),
            "{kind} validator ({variable}) rejected {}:\n{said}",
            file.display()
        );
        eprintln!("{kind} validator ({variable}): {said}");
        all.push_str(&said);
    }
    all
}

/// Checks that the consumer rejects `file` (a deliberately broken one), so that a
/// validator that accepts everything cannot pass the tests. Returns what it said.
///
/// Only the consumer of `TESTAT_VALIDATOR_PYTHON` is asked: an older consumer may
/// rightly accept what the current one refuses (compliance-trestle 3.x does not
/// enforce every minimum count of OSCAL 1.1.2). [`validate_rejects_with`] asks another.
pub fn validate_rejects(kind: &str, file: &Path) -> String {
    validate_rejects_with(VALIDATOR_PYTHON, kind, file)
}

/// Checks that the consumer in the venv named by `variable` (such as
/// [`VALIDATOR_PYTHON_TRESTLE3`]) rejects `file`. Returns what it said.
pub fn validate_rejects_with(variable: &str, kind: &str, file: &Path) -> String {
    let Some(output) = run(variable, kind, file) else {
        return String::new();
    };
    let said = said(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{kind} validator ({variable}) should have rejected {}:\n{said}",
        file.display()
    );
    said
}
