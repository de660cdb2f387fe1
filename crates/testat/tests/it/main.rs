//! The command-line tests: the `testat` binary run as users run it.
//!
//! One test binary per crate (linking dominates build time): each file here is a
//! module.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod cli_anchor;
mod cli_assess;
mod cli_bundle;
mod cli_catalog;
mod cli_customer_gdpr;
mod cli_frameworks;
mod cli_inquiry;
mod cli_levels;
mod cli_location;
mod cli_scan;
mod cli_serve;
mod cli_status;
mod cli_store;
mod cli_store_faults;
mod cli_transition;
mod cli_versions;
mod import;
mod mixed_type2;
mod support;
