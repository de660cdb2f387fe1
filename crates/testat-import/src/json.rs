//! What the three streaming readers share: error places as JSON pointers, typed
//! records read one at a time, and the import under construction.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer};

use crate::model::{Check, CheckKey, ImportedFinding, ToolInfo};
use crate::{Format, Import, ImportError};

/// The first failure of a parse, with the JSON pointer where it happened. serde carries
/// only a message up through the visitors; the place travels here.
#[derive(Debug, Default)]
pub(crate) struct Ctx {
    failure: RefCell<Option<(String, String)>>,
}

impl Ctx {
    /// Records a failure at `pointer` (unless an inner one was recorded first) and
    /// returns the error for serde to pass up.
    pub(crate) fn fail<E: de::Error>(
        &self,
        pointer: impl Into<String>,
        message: impl fmt::Display,
    ) -> E {
        let message = message.to_string();
        let mut slot = self.failure.borrow_mut();
        if slot.is_none() {
            *slot = Some((pointer.into(), message.clone()));
        }
        E::custom(message)
    }

    /// Records `pointer` for an error that came up without a place (a value of the
    /// wrong type where a hand-written visitor expected another); keeps an inner
    /// place recorded before.
    pub(crate) fn note<E: fmt::Display>(&self, pointer: &str, error: E) -> E {
        let mut slot = self.failure.borrow_mut();
        if slot.is_none() {
            *slot = Some((
                pointer.to_owned(),
                strip_position(&error.to_string()).to_owned(),
            ));
        }
        error
    }

    /// Reads one value of type `T` (a record); on failure records `pointer` plus the
    /// path inside the value.
    pub(crate) fn typed<'de, T, D>(&self, deserializer: D, pointer: &str) -> Result<T, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let inner = path_pointer(e.path());
            let error = e.into_inner();
            let text = error.to_string();
            let _: D::Error = self.fail(format!("{pointer}{inner}"), strip_position(&text));
            error
        })
    }
}

/// Turns the error a parse ended with into an [`ImportError`], with the place
/// recorded in `ctx`.
pub(crate) fn into_error(
    ctx: Ctx,
    error: serde_json::Error,
    file: &str,
    format: Format,
) -> ImportError {
    if error.is_io() {
        return ImportError::Io {
            file: file.to_owned(),
            source: error.into(),
        };
    }
    let (pointer, message) = match ctx.failure.into_inner() {
        Some(failure) => failure,
        None => (String::new(), strip_position(&error.to_string()).to_owned()),
    };
    ImportError::Invalid {
        file: file.to_owned(),
        format,
        pointer,
        line: error.line(),
        column: error.column(),
        message,
    }
}

/// Reads a `T` with [`Ctx::typed`], so a failure inside it names its place.
pub(crate) struct Typed<'a, T> {
    ctx: &'a Ctx,
    pointer: &'a str,
    _t: PhantomData<T>,
}

impl<'a, T> Typed<'a, T> {
    pub(crate) fn new(ctx: &'a Ctx, pointer: &'a str) -> Self {
        Self {
            ctx,
            pointer,
            _t: PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Typed<'_, T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        self.ctx.typed(d, self.pointer)
    }
}

/// A serde path as a JSON pointer (`/results/failed_checks/3/check_id`).
fn path_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } => push_token(&mut out, key),
            Segment::Enum { variant } => push_token(&mut out, variant),
            Segment::Unknown => {}
        }
    }
    out
}

/// Appends `/token`, escaped as RFC 6901 asks.
pub(crate) fn push_token(out: &mut String, token: &str) {
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// `pointer` + `/token`.
pub(crate) fn join(pointer: &str, token: &str) -> String {
    let mut out = pointer.to_owned();
    push_token(&mut out, token);
    out
}

/// serde_json's message without its " at line N column M" (the error reports the
/// position separately).
fn strip_position(text: &str) -> &str {
    if let Some(i) = text.rfind(" at line ") {
        let rest = &text[i + " at line ".len()..];
        if let Some((line, column)) = rest.split_once(" column ")
            && !line.is_empty()
            && !column.is_empty()
            && line.bytes().all(|b| b.is_ascii_digit())
            && column.bytes().all(|b| b.is_ascii_digit())
        {
            return &text[..i];
        }
    }
    text
}

/// An import under construction: checks are looked up by key as findings arrive.
#[derive(Debug)]
pub(crate) struct Builder {
    pub(crate) import: Import,
    index: HashMap<CheckKey, usize>,
}

impl Builder {
    pub(crate) fn new(source: &str, format: Format, tool: ToolInfo) -> Self {
        Self {
            import: Import {
                source: source.to_owned(),
                format,
                tool,
                checks: Vec::new(),
                findings: Vec::new(),
                accounts: Vec::new(),
                frameworks: Default::default(),
                problems: Vec::new(),
            },
            index: HashMap::new(),
        }
    }

    /// The index of the check with `key`, and whether it is new (so the caller fills
    /// in its title, severity and so on from the first finding).
    pub(crate) fn check(&mut self, key: CheckKey) -> (usize, bool) {
        if let Some(&i) = self.index.get(&key) {
            return (i, false);
        }
        let i = self.import.checks.len();
        self.import.checks.push(Check::new(key.clone()));
        self.index.insert(key, i);
        (i, true)
    }

    /// The check at `index` (as returned by [`Builder::check`]).
    pub(crate) fn check_mut(&mut self, index: usize) -> Option<&mut Check> {
        self.import.checks.get_mut(index)
    }

    pub(crate) fn push(&mut self, finding: ImportedFinding) {
        if let Some(check) = self.import.checks.get_mut(finding.check) {
            check.findings += 1;
        }
        self.import.findings.push(finding);
    }

    pub(crate) fn account(&mut self, account: &str) {
        if !account.is_empty() && !self.import.accounts.iter().any(|a| a == account) {
            self.import.accounts.push(account.to_owned());
        }
    }

    pub(crate) fn finish(mut self) -> Import {
        self.import.accounts.sort();
        self.import
    }
}

/// A string or a number (SARIF's `security-severity` comes as either).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum Score {
    Number(f64),
    Text(String),
}

impl Score {
    pub(crate) fn value(&self) -> Option<f64> {
        match self {
            Self::Number(n) => Some(*n),
            Self::Text(t) => t.trim().parse().ok(),
        }
    }
}

/// Treats `""` like a missing value.
pub(crate) fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_serde_positions_only() {
        assert_eq!(
            strip_position("missing field `a` at line 3 column 7"),
            "missing field `a`"
        );
        assert_eq!(strip_position("looked at line 3"), "looked at line 3");
        assert_eq!(join("/a", "b/c~d"), "/a/b~1c~0d");
    }
}
