//! The records a C5 team keeps, as plain values with no I/O: attestations, evidence,
//! approved exceptions, and the roles of the people who keep them.
//!
//! The store persists them, the status roll-up and the assessments read them, and the
//! rule engine applies exceptions to findings. Keeping them here lets each of those
//! depend on the values without depending on each other: the store links no rule
//! engine, and a report links no database.
//!
//! Stored values carry typed fields (dates as [`chrono::NaiveDate`], times as
//! [`chrono::DateTime`], kinds and statuses as enums). Their JSON shape is the one the
//! store has always written: times as microseconds since the epoch ([`micros`]),
//! dates as `YYYY-MM-DD`.
//!
//! ```
//! use chrono::NaiveDate;
//! use testat_records::Exception;
//!
//! let exception = Exception {
//!     rule: "AWS-SG-*".into(),
//!     resource: "aws_security_group.bastion".into(),
//!     justification: "Break-glass access until the VPN migration.".into(),
//!     approved_by: "CISO".into(),
//!     risk_owner: None,
//!     expires: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
//! };
//! assert!(exception.matches("AWS-SG-ADMIN-PORTS-OPEN", "aws_security_group.bastion"));
//! assert!(!exception.is_active(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()));
//! ```

mod attestation;
mod error;
mod evidence;
mod exception;
pub mod micros;
mod role;

pub use attestation::{AttestStatus, Attestation, NewAttestation};
pub use error::ParseError;
pub use evidence::{Evidence, EvidenceKind};
pub use exception::{Exception, Revocation, StoredException, wildcard_match};
pub use role::Role;
