//! The exit status contract of `testat`.

use std::process::ExitCode;

/// How `testat` ends. CI pipelines depend on these numbers; CLI tests lock them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: the command did what was asked and found nothing at or above the threshold.
    Success,
    /// 1: the command ran, and what it checked failed (findings, a broken audit chain).
    Failure,
    /// 2: the command could not run: bad usage, unreadable or malformed input.
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => ExitCode::from(0),
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
        }
    }
}
