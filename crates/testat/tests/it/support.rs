//! Helpers shared by the CLI tests.

#![allow(
    dead_code,
    unused_imports,
    clippy::unwrap_used,
    reason = "test support; each test file uses part of it"
)]

pub use testat_test_support::{repo_root, validate};

/// The `testat` binary under test, with a clean environment for colours and config.
pub fn testat() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("testat").unwrap();
    command
        .env_remove("TESTAT_CATALOG")
        .env_remove("TESTAT_NOW")
        .env_remove("TESTAT_C5")
        .env_remove("TESTAT_SERVER")
        .env_remove("TESTAT_TOKEN")
        .env_remove("TESTAT_PASSWORD")
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1");
    command
}

/// `testat` in `dir` on the store there (`TESTAT_DATABASE_URL` removed), with the
/// clock at `now` (RFC 3339) and `actor` as the user.
pub fn in_dir(dir: &std::path::Path, now: &str, actor: &str) -> assert_cmd::Command {
    let mut command = testat();
    command
        .current_dir(dir)
        .env("TESTAT_NOW", now)
        .env("TESTAT_ACTOR", actor)
        .env_remove("TESTAT_DATABASE_URL");
    command
}

/// The standard output of `cmd`, which must exit with 0 (else its standard error is
/// shown).
pub fn stdout(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
