//! What a format reader hands back for one file.

use std::path::Path;

use crate::link_data::LinkData;
use crate::{InputError, InputKind, Resource};

/// The result of reading one file's text.
pub(crate) enum Outcome {
    /// The file is in a format we read. It may still carry problems (a bad document in
    /// a manifest with good ones).
    Read(Parsed),
    /// Not a format we read; the text says what we found instead.
    NotOurs(String),
    /// Meant to be one of ours (or named explicitly) but could not be read.
    Failed(Vec<InputError>),
}

/// What was read from one file.
pub(crate) struct Parsed {
    pub kind: InputKind,
    pub format_version: Option<String>,
    pub terraform_version: Option<String>,
    /// Resources with `file` still 0; the caller sets it.
    pub resources: Vec<Resource>,
    pub problems: Vec<InputError>,
    pub links: LinkData,
    /// Resources (by index within the file) whose values do not have the shape their
    /// kind needs, with the reason.
    pub malformed: Vec<(usize, String)>,
}

impl Parsed {
    pub(crate) fn new(kind: InputKind) -> Self {
        Self {
            kind,
            format_version: None,
            terraform_version: None,
            resources: Vec::new(),
            problems: Vec::new(),
            links: LinkData::None,
            malformed: Vec::new(),
        }
    }

    /// Records that the values of resource `index` do not have the shape its kind
    /// needs: a problem naming the resource, at `pointer` below the resource's own, and
    /// the resource marked malformed (the reason begins with `context`), so that rules
    /// give `error` on it instead of judging what is there.
    pub(crate) fn mark_malformed(
        &mut self,
        path: &Path,
        index: usize,
        pointer: &str,
        message: &str,
        context: &str,
    ) {
        let Some(resource) = self.resources.get(index) else {
            return;
        };
        let message = format!("{}: {message}", resource.address);
        self.problems.push(InputError::Shape {
            path: path.to_path_buf(),
            pointer: format!("{}{pointer}", resource.pointer),
            line: Some(resource.line),
            column: Some(resource.column),
            message: message.clone(),
        });
        self.malformed.push((index, format!("{context}{message}")));
    }
}
