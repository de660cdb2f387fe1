//! The renderers through their public API: every format, checked by real consumers where one exists.
//!
//! One test binary per crate (linking dominates build time): each file here is a
//! module.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod assessment_formats;
mod assessment_html;
mod assessment_oscal;
mod assessment_pdf;
mod formats;
