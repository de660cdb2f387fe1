//! Shared by the fuzz targets: read bytes as a file and touch everything a scan touches.

use std::path::PathBuf;

use testat_inputs::{InputSet, ReadOptions, pod_spec};

/// Reads `bytes` as one explicitly named file (and once more as a file found under a
/// directory), builds the links, and parses every resource's values and unknowns.
/// Any panic or hang in here is a bug.
pub fn read(name: &str, bytes: &[u8]) {
    let options = ReadOptions {
        max_file_size: 1 << 20,
    };
    let mut set = InputSet::default();
    set.add_bytes(PathBuf::from(name), bytes.to_vec(), true, &options);
    set.add_bytes(
        PathBuf::from(format!("dir/{name}")),
        bytes.to_vec(),
        false,
        &options,
    );
    set.finish();
    assert_eq!(set.links.len(), set.resources.len());
    for problem in &set.problems {
        // Every message names the file.
        assert!(problem.to_string().contains(name));
    }
    for resource in &set.resources {
        assert!(set.file(resource).is_some());
        if let Ok(value) = set.values(resource) {
            let _ = pod_spec(&value, &resource.kind);
        }
        let _ = set.unknown(resource);
    }
    for (index, links) in set.links.iter().enumerate() {
        for &other in links {
            assert!(other < set.resources.len() && other != index);
        }
    }
}
