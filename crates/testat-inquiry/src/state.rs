//! The workflow of an investigation request as an explicit state machine.
//!
//! ```text
//! received ──► legal-review ──► rejected | challenged | partially-disclosed | disclosed ──► closed
//!                               challenged ──► partially-disclosed | disclosed | rejected (the challenge is decided)
//! ```
//!
//! Closing additionally needs a customer-notification decision (checked by
//! [`InquiryRecord::advance`](crate::InquiryRecord::advance), which knows the request's
//! events); the table here only knows states.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::{InquiryError, TransitionError};

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InquiryState {
    /// Recorded, not yet reviewed.
    Received,
    /// Legal experts are assessing basis, jurisdiction and scope.
    LegalReview,
    /// Refused: no valid basis, or out of scope.
    Rejected,
    /// Contested before a court or the authority.
    Challenged,
    /// Part of what was asked for was handed over.
    PartiallyDisclosed,
    /// What was asked for was handed over.
    Disclosed,
    /// Finished; needs a notification decision first.
    Closed,
}

/// The transition table: each state and the states it may move to.
pub const TRANSITIONS: &[(InquiryState, &[InquiryState])] = {
    use InquiryState::*;
    &[
        (Received, &[LegalReview]),
        (
            LegalReview,
            &[Rejected, Challenged, PartiallyDisclosed, Disclosed],
        ),
        (Rejected, &[Closed]),
        (
            Challenged,
            &[Rejected, PartiallyDisclosed, Disclosed, Closed],
        ),
        (PartiallyDisclosed, &[Closed]),
        (Disclosed, &[Closed]),
        (Closed, &[]),
    ]
};

impl InquiryState {
    /// Every state, in workflow order.
    pub const ALL: [Self; 7] = [
        Self::Received,
        Self::LegalReview,
        Self::Rejected,
        Self::Challenged,
        Self::PartiallyDisclosed,
        Self::Disclosed,
        Self::Closed,
    ];

    /// The outcomes (states a legal review ends in).
    pub const OUTCOMES: [Self; 4] = [
        Self::Rejected,
        Self::Challenged,
        Self::PartiallyDisclosed,
        Self::Disclosed,
    ];

    /// The stored and command-line name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::LegalReview => "legal-review",
            Self::Rejected => "rejected",
            Self::Challenged => "challenged",
            Self::PartiallyDisclosed => "partially-disclosed",
            Self::Disclosed => "disclosed",
            Self::Closed => "closed",
        }
    }

    /// The states this one may move to.
    pub fn next(self) -> &'static [Self] {
        TRANSITIONS
            .iter()
            .find(|(from, _)| *from == self)
            .map_or(&[], |(_, to)| *to)
    }

    /// Whether data was handed over in this state.
    pub fn is_disclosure(self) -> bool {
        matches!(self, Self::PartiallyDisclosed | Self::Disclosed)
    }

    /// Checks a transition; the error names the current and the allowed states.
    pub fn check(self, to: Self) -> Result<(), TransitionError> {
        if self.next().contains(&to) {
            Ok(())
        } else {
            Err(TransitionError { from: self, to })
        }
    }
}

impl fmt::Display for InquiryState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for InquiryState {
    type Err = InquiryError;

    fn from_str(s: &str) -> Result<Self, InquiryError> {
        let wanted = s.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        Self::ALL
            .into_iter()
            .find(|state| state.as_str() == wanted)
            .ok_or_else(|| InquiryError::UnknownState {
                value: s.to_owned(),
                states: Self::ALL.map(Self::as_str).join(", "),
            })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::InquiryState::*;
    use super::*;

    #[test]
    fn the_table_has_one_row_per_state() {
        assert_eq!(TRANSITIONS.len(), InquiryState::ALL.len());
        for state in InquiryState::ALL {
            assert_eq!(
                TRANSITIONS.iter().filter(|(s, _)| *s == state).count(),
                1,
                "{state}"
            );
        }
    }

    #[test]
    fn the_workflow_allows_exactly_the_documented_moves() {
        let allowed: Vec<(InquiryState, InquiryState)> = vec![
            (Received, LegalReview),
            (LegalReview, Rejected),
            (LegalReview, Challenged),
            (LegalReview, PartiallyDisclosed),
            (LegalReview, Disclosed),
            (Challenged, Rejected),
            (Challenged, PartiallyDisclosed),
            (Challenged, Disclosed),
            (Challenged, Closed),
            (Rejected, Closed),
            (PartiallyDisclosed, Closed),
            (Disclosed, Closed),
        ];
        for from in InquiryState::ALL {
            for to in InquiryState::ALL {
                assert_eq!(
                    from.check(to).is_ok(),
                    allowed.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn disclosure_needs_a_legal_review_first() {
        for to in [Disclosed, PartiallyDisclosed, Rejected, Challenged, Closed] {
            assert!(Received.check(to).is_err(), "received -> {to}");
        }
    }

    #[test]
    fn refusals_name_the_current_and_the_allowed_states() {
        let e = Received.check(Disclosed).unwrap_err().to_string();
        assert!(e.contains("from received to disclosed"), "{e}");
        assert!(e.contains("next state is legal-review"), "{e}");
        let e = LegalReview.check(Closed).unwrap_err().to_string();
        assert!(
            e.contains("one of rejected, challenged, partially-disclosed, disclosed"),
            "{e}"
        );
        let e = Closed.check(Received).unwrap_err().to_string();
        assert!(e.contains("closed is final"), "{e}");
    }

    #[test]
    fn states_parse_by_name_and_unknown_ones_are_refused() {
        for state in InquiryState::ALL {
            assert_eq!(state.as_str().parse::<InquiryState>().unwrap(), state);
        }
        assert_eq!("Legal Review".parse::<InquiryState>().unwrap(), LegalReview);
        let e = "approved".parse::<InquiryState>().unwrap_err().to_string();
        assert!(e.contains("unknown state `approved`"), "{e}");
        assert!(e.contains("received, legal-review"), "{e}");
    }
}
