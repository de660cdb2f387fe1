//! Links between resources, built once all files are read.
//!
//! - Plans: through the references Terraform records in `configuration`. Resource `i`
//!   and `j` are linked when `i`'s configuration refers to `j`'s or the other way round,
//!   within the same module instance. When both are instances (`count`, `for_each`) of
//!   configurations with the same set of instance keys, only equal keys are linked
//!   (`aws_s3_bucket_versioning.logs[0]` to `aws_s3_bucket.logs[0]`); otherwise every
//!   instance is linked to every instance.
//! - State: through matching IDs, across all state files: `i` is linked to `j` when a
//!   top-level string of `i` (or a string in a top-level array) equals `j`'s `id` or `arn`.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use crate::link_data::{LinkData, StateAttributes};
use crate::terraform::address::instance_parts;
use crate::{InputError, InputSet, Resource};

/// At most this many links (pairs) are made in one input set; past it the rest are
/// dropped and a problem says so. Keeps a pathological plan (thousands of instances of
/// two configurations with different keys) from taking all memory.
pub const MAX_LINKS: usize = 4_000_000;

/// Collects pairs within the budget.
struct Pairs {
    links: Vec<Vec<usize>>,
    left: usize,
    over: bool,
}

impl Pairs {
    fn add(&mut self, i: usize, j: usize) {
        if i == j {
            return;
        }
        if self.left == 0 {
            self.over = true;
            return;
        }
        self.left -= 1;
        if let Some(list) = self.links.get_mut(i) {
            list.push(j);
        }
        if let Some(list) = self.links.get_mut(j) {
            list.push(i);
        }
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
            left: MAX_LINKS,
            over: false,
        };
        let mut state = Vec::new();
        for file in &self.link_data {
            match &file.data {
                LinkData::None => {}
                LinkData::Plan(references) => {
                    let range = file.first..file.first + file.count;
                    plan_links(
                        self.resources.get(range).unwrap_or_default(),
                        file.first,
                        references,
                        &mut pairs,
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
    references: &HashMap<String, BTreeSet<String>>,
    pairs: &mut Pairs,
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
                if let Some(right) = groups.get(&(target.as_str(), *module)) {
                    link_groups(left, right, pairs);
                }
            }
        }
    }
}

/// Links the instances of two configurations in one module instance.
fn link_groups(left: &[Instance<'_>], right: &[Instance<'_>], pairs: &mut Pairs) {
    fn keys<'r>(group: &[Instance<'r>]) -> Option<HashSet<&'r str>> {
        group.iter().map(|instance| instance.key).collect()
    }
    match (keys(left), keys(right)) {
        (Some(left_keys), Some(right_keys)) if left_keys == right_keys => {
            let by_key: HashMap<&str, Vec<usize>> =
                right.iter().fold(HashMap::new(), |mut map, instance| {
                    if let Some(key) = instance.key {
                        map.entry(key).or_default().push(instance.index);
                    }
                    map
                });
            for instance in left {
                let matches = instance.key.and_then(|key| by_key.get(key));
                for &other in matches.into_iter().flatten() {
                    pairs.add(instance.index, other);
                }
            }
        }
        _ => {
            for a in left {
                for b in right {
                    pairs.add(a.index, b.index);
                }
            }
        }
    }
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
