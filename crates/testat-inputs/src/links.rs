//! Links between resources, built once all files are read.
//!
//! - Plans: through the references Terraform records in `configuration`, within the
//!   same module instance. How a reference picks instances decides which instances are
//!   linked, in this order:
//!   1. the referred resource has one instance: it is linked;
//!   2. a literal key in the reference (`b["a"]`, `b[0]`): that instance;
//!   3. both sides iterate (`b[each.key]`, `b[count.index]`, or `for_each = b`): the
//!      instance with the same key;
//!   4. known values: an instance whose `id`, `arn`, `name`, `bucket` or `self_link`
//!      equals a string value of the referring instance (a bucket name in `after`);
//!   5. otherwise every instance, as an *uncertain* link
//!      ([`InputSet::uncertain_links`]): rules that depend on it are `unknown`.
//! - State: through matching IDs, across all state files: `i` is linked to `j` when a
//!   top-level string of `i` (or a string in a top-level array) equals `j`'s `id` or `arn`.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use crate::link_data::{LinkData, Pick, Reference, StateAttributes};
use crate::terraform::address::instance_parts;
use crate::{InputError, InputSet, Resource, Values};

/// At most this many links (pairs) are made in one input set; past it the rest are
/// dropped and a problem says so. Keeps a pathological plan (thousands of instances of
/// two configurations with different keys) from taking all memory.
pub const MAX_LINKS: usize = 4_000_000;

/// Collects pairs within the budget.
struct Pairs {
    links: Vec<Vec<usize>>,
    /// Pairs `(min, max)` linked only because nothing narrowed the link down.
    uncertain: Vec<(usize, usize)>,
    /// Pairs `(min, max)` linked for sure.
    certain: HashSet<(usize, usize)>,
    left: usize,
    over: bool,
}

impl Pairs {
    fn add(&mut self, i: usize, j: usize) {
        if self.push(i, j) {
            self.certain.insert((i.min(j), i.max(j)));
        }
    }

    fn add_uncertain(&mut self, i: usize, j: usize) {
        if self.push(i, j) {
            self.uncertain.push((i.min(j), i.max(j)));
        }
    }

    fn push(&mut self, i: usize, j: usize) -> bool {
        if i == j {
            return false;
        }
        if self.left == 0 {
            self.over = true;
            return false;
        }
        self.left -= 1;
        if let Some(list) = self.links.get_mut(i) {
            list.push(j);
        }
        if let Some(list) = self.links.get_mut(j) {
            list.push(i);
        }
        true
    }
}

impl InputSet {
    /// Builds [`InputSet::links`] from what every file read so far contributed.
    /// [`read_paths`](crate::read_paths) calls it; callers of
    /// [`InputSet::add_bytes`] call it after their last file. Calling it again
    /// rebuilds the links from scratch.
    pub fn finish(&mut self) {
        let mut pairs = Pairs {
            links: vec![Vec::new(); self.resources.len()],
            uncertain: Vec::new(),
            certain: HashSet::new(),
            left: MAX_LINKS,
            over: false,
        };
        let mut state = Vec::new();
        for file in &self.link_data {
            match &file.data {
                LinkData::None => {}
                LinkData::Plan(references) => {
                    let range = file.first..file.first + file.count;
                    let mut values = ValueMatch::new(self);
                    plan_links(
                        self.resources.get(range).unwrap_or_default(),
                        file.first,
                        references,
                        &mut pairs,
                        &mut values,
                    );
                }
                LinkData::State(attributes) => state.push((file.first, attributes)),
            }
        }
        state_links(&state, &mut pairs);
        for list in &mut pairs.links {
            list.sort_unstable();
            list.dedup();
        }
        self.links = pairs.links;
        self.uncertain = HashMap::new();
        for (i, j) in pairs.uncertain {
            if pairs.certain.contains(&(i, j)) {
                continue;
            }
            self.uncertain.entry(i).or_default().push(j);
            self.uncertain.entry(j).or_default().push(i);
        }
        for list in self.uncertain.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        if pairs.over && !self.link_limit_reported {
            self.link_limit_reported = true;
            let path = self
                .files
                .first()
                .map_or_else(PathBuf::new, |file| file.path.clone());
            self.problems.push(InputError::Limit {
                path,
                message: format!(
                    "more than {MAX_LINKS} links between resources; the rest are dropped, so rules that follow references may miss some"
                ),
            });
        }
    }
}

/// One resource instance, for grouping.
struct Instance<'r> {
    key: Option<&'r str>,
    index: usize,
}

fn plan_links(
    resources: &[Resource],
    first: usize,
    references: &HashMap<String, Vec<Reference>>,
    pairs: &mut Pairs,
    values: &mut ValueMatch<'_>,
) {
    // (configuration address, module instance) -> instances
    let mut groups: HashMap<(&str, &str), Vec<Instance<'_>>> = HashMap::new();
    // configuration address -> module instances it has instances in
    let mut modules: HashMap<&str, Vec<&str>> = HashMap::new();
    for (offset, resource) in resources.iter().enumerate() {
        let Some(config) = resource.config_address.as_deref() else {
            continue;
        };
        let (module, key) = instance_parts(&resource.address);
        let group = groups.entry((config, module)).or_default();
        if group.is_empty() {
            modules.entry(config).or_default().push(module);
        }
        group.push(Instance {
            key,
            index: first + offset,
        });
    }
    let mut sources: Vec<&String> = references.keys().collect();
    sources.sort();
    for from in sources {
        let (Some(targets), Some(module_instances)) =
            (references.get(from), modules.get(from.as_str()))
        else {
            continue;
        };
        for module in module_instances {
            let Some(left) = groups.get(&(from.as_str(), *module)) else {
                continue;
            };
            for target in targets {
                if let Some(right) = groups.get(&(target.target.as_str(), *module)) {
                    link_groups(left, right, &target.pick, pairs, values);
                }
            }
        }
    }
}

/// Links the instances of two configurations in one module instance, as `pick` says.
fn link_groups(
    left: &[Instance<'_>],
    right: &[Instance<'_>],
    pick: &Pick,
    pairs: &mut Pairs,
    values: &mut ValueMatch<'_>,
) {
    if right.len() == 1 || right.iter().all(|instance| instance.key.is_none()) {
        for a in left {
            for b in right {
                pairs.add(a.index, b.index);
            }
        }
        return;
    }
    let mut unresolved: Vec<usize> = Vec::new();
    match pick {
        Pick::Literal(key) => {
            for a in left {
                for b in right.iter().filter(|b| b.key == Some(key.as_str())) {
                    pairs.add(a.index, b.index);
                }
            }
        }
        Pick::SameKey => {
            let by_key: HashMap<&str, Vec<usize>> =
                right.iter().fold(HashMap::new(), |mut map, instance| {
                    if let Some(key) = instance.key {
                        map.entry(key).or_default().push(instance.index);
                    }
                    map
                });
            for a in left {
                match a.key.and_then(|key| by_key.get(key)) {
                    Some(matches) => {
                        for &b in matches {
                            pairs.add(a.index, b);
                        }
                    }
                    None => unresolved.push(a.index),
                }
            }
        }
        Pick::Any => unresolved.extend(left.iter().map(|a| a.index)),
    }
    if unresolved.is_empty() {
        return;
    }
    let candidates: Vec<usize> = right.iter().map(|b| b.index).collect();
    for a in unresolved {
        let matched = values.matches(a, &candidates);
        if matched.is_empty() {
            for &b in &candidates {
                pairs.add_uncertain(a, b);
            }
        } else {
            for b in matched {
                pairs.add(a, b);
            }
        }
    }
}

/// Attributes whose value names a resource instance, for matching known values.
const IDENTIFIERS: &[&str] = &["id", "arn", "name", "bucket", "self_link"];

/// Matching known values between instances, with the parsed strings kept per resource.
struct ValueMatch<'s> {
    inputs: &'s InputSet,
    strings: HashMap<usize, Vec<String>>,
    identifiers: HashMap<usize, Vec<String>>,
}

impl<'s> ValueMatch<'s> {
    fn new(inputs: &'s InputSet) -> Self {
        Self {
            inputs,
            strings: HashMap::new(),
            identifiers: HashMap::new(),
        }
    }

    /// The candidates one of whose identifiers equals a known string value of `from`.
    fn matches(&mut self, from: usize, candidates: &[usize]) -> Vec<usize> {
        let inputs = self.inputs;
        let strings = self
            .strings
            .entry(from)
            .or_insert_with(|| top_strings(inputs, from, None));
        if strings.is_empty() {
            return Vec::new();
        }
        let wanted: HashSet<&str> = strings.iter().map(String::as_str).collect();
        let mut out = Vec::new();
        for &candidate in candidates {
            let identifiers = self
                .identifiers
                .entry(candidate)
                .or_insert_with(|| top_strings(inputs, candidate, Some(IDENTIFIERS)));
            if identifiers.iter().any(|id| wanted.contains(id.as_str())) {
                out.push(candidate);
            }
        }
        out
    }
}

/// The non-empty top-level strings (and strings in top-level arrays) of a resource's
/// known values, only of the attributes named in `only` when given.
fn top_strings(inputs: &InputSet, index: usize, only: Option<&[&str]>) -> Vec<String> {
    let Some(resource) = inputs.resources.get(index) else {
        return Vec::new();
    };
    if matches!(resource.values, Values::None) {
        return Vec::new();
    }
    let Ok(serde_json::Value::Object(values)) = inputs.values(resource) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in values {
        if only.is_some_and(|only| !only.contains(&key.as_str())) {
            continue;
        }
        match value {
            serde_json::Value::String(text) if !text.is_empty() => out.push(text),
            serde_json::Value::Array(items) if only.is_none() => {
                out.extend(items.into_iter().filter_map(|item| match item {
                    serde_json::Value::String(text) if !text.is_empty() => Some(text),
                    _ => None,
                }))
            }
            _ => {}
        }
    }
    out
}

fn state_links(files: &[(usize, &Vec<StateAttributes>)], pairs: &mut Pairs) {
    let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
    for (first, attributes) in files {
        for resource in attributes.iter() {
            for id in &resource.ids {
                by_id
                    .entry(id.as_str())
                    .or_default()
                    .push(first + resource.resource);
            }
        }
    }
    for list in by_id.values_mut() {
        list.sort_unstable();
        list.dedup();
    }
    for (first, attributes) in files {
        for resource in attributes.iter() {
            let index = first + resource.resource;
            let mut seen = HashSet::new();
            for text in &resource.strings {
                if !seen.insert(text.as_str()) {
                    continue;
                }
                for &other in by_id.get(text.as_str()).into_iter().flatten() {
                    pairs.add(index, other);
                }
            }
        }
    }
}
