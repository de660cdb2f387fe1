//! Reading inputs through the public API: plans, state, manifests, and bad input.
//!
//! One test binary per crate (linking dominates build time): each file here is a
//! module.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod bad_input;
mod kubernetes;
mod terraform;
