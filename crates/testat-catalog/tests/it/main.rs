//! The catalogue crate through its public API: built-in catalogues, crosswalk, frameworks, external formats and OSCAL.
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
mod c5_2026;
mod crosswalk;
mod external;
mod frameworks;
mod model_rules;
mod oscal;
mod reference;
