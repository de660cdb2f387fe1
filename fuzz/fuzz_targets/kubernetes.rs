//! Kubernetes manifests: arbitrary bytes as YAML (and JSON, when they start with `{`),
//! and arbitrary bytes after a valid first document.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    common::read("manifest.yaml", data);
    let mut manifest = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\n".to_vec();
    manifest.extend_from_slice(data);
    common::read("manifest.yaml", &manifest);
});
