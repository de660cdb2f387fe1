//! One module per command: each reads its arguments and the context, calls the
//! project's job, and formats the result for people.

pub mod assess;
pub mod attest;
pub mod bundle;
pub mod catalog;
pub mod crosswalk;
pub mod evidence;
pub mod exceptions;
pub mod frameworks;
pub mod import;
pub mod init;
pub mod inquiry;
pub mod rules;
pub mod runs;
pub mod scan;
pub mod serve;
pub mod status;
pub mod team;
pub mod transition;
pub mod upload;
pub mod verify;
