//! The team server, in process: requests go through the whole application (routes,
//! access checks, limits, headers) with `tower::ServiceExt::oneshot`, on a real SQLite
//! store, and on the PostgreSQL server CI starts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api;
mod records;
mod register;
mod reports;
mod support;
mod trust;
mod ui_forms;
mod ui_pages;
mod ui_support;
mod ui_xss;
