//! Terraform plan JSON: arbitrary bytes, and arbitrary bytes as the `resource_changes`
//! and `configuration` of a plan (so the fuzzer gets past the top level quickly).
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    common::read("plan.json", data);
    let mut plan = br#"{"format_version":"1.2","resource_changes":"#.to_vec();
    plan.extend_from_slice(data);
    plan.extend_from_slice(
        br#","configuration":{"root_module":{"resources":[{"address":"a.b","expressions":"#,
    );
    plan.extend_from_slice(data);
    plan.extend_from_slice(b"}]}}}");
    common::read("plan.json", &plan);
});
