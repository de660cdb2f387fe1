//! Terraform state JSON: arbitrary bytes, and arbitrary bytes as a state's `values`.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    common::read("state.json", data);
    let mut state = br#"{"format_version":"1.0","values":"#.to_vec();
    state.extend_from_slice(data);
    state.push(b'}');
    common::read("state.json", &state);
});
