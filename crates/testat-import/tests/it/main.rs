//! The importers through their public API, on real producers' output.
//!
//! One test binary per crate (linking dominates build time): each file here is a
//! module.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "tests fail by panicking"
)]

mod errors;
mod generate;
mod mappings;
mod producers;
mod readers;
