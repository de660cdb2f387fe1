//! The rule engine through its public API: the engine and every built-in rule against its fixtures.
//!
//! One test binary per crate (linking dominates build time): each file here is a
//! module.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod builtin;
mod engine;
