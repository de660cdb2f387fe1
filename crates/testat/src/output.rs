//! Small helpers for writing output: styles, wrapping, and files versus stdout.

use std::io::Write;
use std::path::{Path, PathBuf};

use anstyle::{AnsiColor, Style};

use crate::error::CliError;

/// Headings.
pub const HEADING: Style = Style::new().bold();
/// Criterion and rule IDs.
pub const ID: Style = AnsiColor::Cyan.on_default().bold();
/// Secondary text.
pub const DIM: Style = Style::new().dimmed();
/// Errors.
pub const WARN_ERROR: Style = AnsiColor::Red.on_default().bold();
/// Warnings.
pub const WARN: Style = AnsiColor::Yellow.on_default().bold();

/// Width that running text is wrapped to.
pub const TEXT_WIDTH: usize = 88;

/// Wraps `text` at word boundaries to `width` columns, every line prefixed by `indent`.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    for paragraph in text.split("\n\n") {
        if !out.is_empty() {
            out.push('\n');
        }
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > width {
                out.push_str(indent);
                out.push_str(&line);
                out.push('\n');
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// Writes `content` to `path`, or to standard output when `path` is `None`.
///
/// Standard output goes through `anstream`, which drops colour codes when stdout is
/// not a terminal or NO_COLOR is set. A closed pipe (`testat … | head`) is not an error.
pub fn emit(path: Option<&Path>, content: &str) -> Result<(), CliError> {
    match path {
        Some(path) => {
            // Machine formats never carry colour codes; copying a report of hundreds of
            // megabytes just to strip nothing would double the peak memory.
            let result = if content.contains('\u{1b}') {
                std::fs::write(path, anstream::adapter::strip_str(content).to_string())
            } else {
                std::fs::write(path, content)
            };
            result.map_err(|source| CliError::Write {
                path: path.to_owned(),
                source,
            })
        }
        None => {
            let mut stdout = anstream::stdout().lock();
            match stdout
                .write_all(content.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Write {
                    path: PathBuf::from("standard output"),
                    source: e,
                }),
                _ => Ok(()),
            }
        }
    }
}

/// Prints a warning to standard error.
pub fn warn(message: &str) {
    anstream::eprintln!("{WARN}warning{WARN:#}: {message}");
}

/// `text` in `style`, for use in `format!`.
pub fn styled(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// Untrusted text (resource addresses, statements, records of the store) for the
/// terminal: control characters become `\u{..}` escapes, so a file or record cannot
/// move the cursor or change colours.
pub fn escape_control(text: &str) -> String {
    escape_controls(text, false)
}

/// [`escape_control`] for text of several lines: line breaks stay.
pub fn escape_control_keep_lines(text: &str) -> String {
    escape_controls(text, true)
}

fn escape_controls(text: &str, keep_lines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && !(keep_lines && c == '\n') {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// A time as people read it in tables: `2026-03-01T09:30:00Z`.
pub fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Writes `out` (when not empty) to standard output and succeeds.
pub fn done(out: &str) -> Result<crate::exit::ExitStatus, CliError> {
    if !out.is_empty() {
        emit(None, out)?;
    }
    Ok(crate::exit::ExitStatus::Success)
}

/// Writes a report to `path`, or to standard output, as `write` renders it, so that a
/// report of hundreds of megabytes is not held whole. A file left half-written by an
/// error is removed; a closed pipe on standard output is not an error.
pub fn emit_report(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> Result<(), testat_report::ReportError>,
) -> Result<(), CliError> {
    let failed = |at: &Path, source| CliError::Write {
        path: at.to_owned(),
        source,
    };
    match path {
        Some(path) => {
            let mut file = std::fs::File::create(path).map_err(|e| failed(path, e))?;
            let result = write(&mut file);
            if result.is_err() {
                // Nothing half-written stays behind under the report's name.
                let _ = std::fs::remove_file(path);
            }
            match result {
                Err(testat_report::ReportError::Io(e)) => Err(failed(path, e)),
                other => other.map_err(CliError::from),
            }
        }
        None => {
            let mut stdout = anstream::stdout().lock();
            match write(&mut stdout) {
                Err(testat_report::ReportError::Io(e))
                    if e.kind() == std::io::ErrorKind::BrokenPipe =>
                {
                    Ok(())
                }
                Err(testat_report::ReportError::Io(e)) => {
                    Err(failed(Path::new("standard output"), e))
                }
                other => other.map_err(CliError::from),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_lines_kept_only_when_asked() {
        let hostile = "bucket\u{1b}[2J\nnext\u{7}";
        assert_eq!(escape_control(hostile), "bucket\\u{1b}[2J\\u{a}next\\u{7}");
        assert_eq!(
            escape_control_keep_lines(hostile),
            "bucket\\u{1b}[2J\nnext\\u{7}"
        );
        assert_eq!(escape_control("Straße ✓"), "Straße ✓");
    }
}
