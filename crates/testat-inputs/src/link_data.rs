//! What each file contributes to the links between resources, kept until
//! [`InputSet::finish`](crate::InputSet::finish) builds the links of the whole set.

use std::collections::HashMap;

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
    /// resources it refers to and how each reference picks their instances.
    Plan(HashMap<String, Vec<Reference>>),
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

/// How a reference picks instances of the resource it names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Pick {
    /// One instance, by a literal key written in the reference: `b["a"]` or `b[0]`
    /// (the key as in addresses: `["a"]`, `[0]`).
    Literal(String),
    /// The instance with the referring instance's own key: `b[each.key]`,
    /// `b[count.index]`, or `for_each = b` (then `each.value` is `b`'s instance).
    SameKey,
    /// Nothing says which instance: `b[local.pick]`, `b[each.value]`, `values(b)`.
    Any,
}

/// One reference of a configuration to a managed resource.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Reference {
    /// Configuration address of the resource referred to (`module.a.aws_s3_bucket.b`).
    pub target: String,
    /// Which of its instances.
    pub pick: Pick,
}
