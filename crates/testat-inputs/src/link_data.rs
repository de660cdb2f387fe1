//! What each file contributes to the links between resources, kept until
//! [`InputSet::finish`](crate::InputSet::finish) builds the links of the whole set.

use std::collections::{BTreeSet, HashMap};

/// Link data of one file and where its resources are in
/// [`InputSet::resources`](crate::InputSet::resources).
#[derive(Debug)]
pub(crate) struct FileLinks {
    /// Index of the file's first resource.
    pub first: usize,
    /// Number of the file's resources.
    pub count: usize,
    /// What the file's reader found.
    pub data: LinkData,
}

/// What a file contributes to the links between resources (built by
/// [`InputSet::finish`](crate::InputSet::finish) once all files are read).
#[derive(Debug, Default)]
pub(crate) enum LinkData {
    /// Nothing (Kubernetes).
    #[default]
    None,
    /// A plan's configuration: for each resource's configuration address, the
    /// configuration addresses of the resources it refers to.
    Plan(HashMap<String, BTreeSet<String>>),
    /// A state: per resource (index within the file), its `id`/`arn` values and its
    /// top-level string values.
    State(Vec<StateAttributes>),
}

/// The values of one state resource that take part in ID matching.
#[derive(Debug, Default)]
pub(crate) struct StateAttributes {
    /// Index of the resource within its file.
    pub resource: usize,
    /// Non-empty `id` and `arn`.
    pub ids: Vec<String>,
    /// Non-empty top-level strings and strings in top-level arrays.
    pub strings: Vec<String>,
}
