//! One module per top-level command.

pub mod assess;
pub mod bundle;
pub mod catalog;
pub mod inquiry;
pub mod rules;
pub mod scan;
pub mod status;
pub mod store;
