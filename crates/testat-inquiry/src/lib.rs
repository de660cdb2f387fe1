//! The investigation-request domain of C5 (INQ) as pure functions over plain values:
//! the workflow state machine ([`InquiryState`]), the records and the steps a request
//! goes through ([`InquiryRecord`]), ISO country codes and the EU/EEA, the banded
//! transparency report ([`transparency_report`]), the register's verdicts for INQ-01 to
//! INQ-04 ([`assess`]) and what falls due ([`due`]).
//!
//! Nothing here reads a file, a database or the clock: the store persists requests and
//! their events and calls these functions to decide each step; reports render what
//! they return. That keeps the rules of the register testable on their own, and keeps
//! the database out of every crate that only renders.
//!
//! ```
//! use testat_inquiry::InquiryState;
//!
//! let state = InquiryState::Received;
//! assert!(state.check(InquiryState::LegalReview).is_ok());
//! let refused = state.check(InquiryState::Disclosed).unwrap_err();
//! assert_eq!(
//!     refused.to_string(),
//!     "cannot move from received to disclosed: from received the next state is legal-review"
//! );
//! ```

mod country;
mod due;
mod error;
mod evidence;
mod record;
mod report;
mod state;

pub use country::{EU_EEA, ISO_3166_1_ALPHA_2, country_code, outside_eea};
pub use due::{Due, DueWhat, due};
pub use error::{InquiryError, TransitionError};
pub use evidence::{InqCriterion, InqEvidence, InqSupport, IntegrityProblem, assess};
pub use record::{
    EventKind, Inquiry, InquiryEvent, InquiryKind, InquiryRecord, NewEvent, NewInquiry,
    Notification,
};
pub use report::{
    Banded, Count, Line, OTHER_COUNTRIES, PUBLISHED_BAND, PUBLISHED_COUNTRIES, Period,
    TRANSPARENCY_REPORT_VERSION, TransparencyReport, transparency_report,
    transparency_report_for_countries,
};
pub use state::{InquiryState, TRANSITIONS};
