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
