//! The store through its public API, on SQLite and (when configured) PostgreSQL.
//!
//! One test binary per crate (linking dominates build time): each file here is a
//! module.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod bundle;
mod inquiries;
mod record;
mod store;
