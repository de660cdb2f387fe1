//! The one error type of the register's rules. Messages say what is wrong with the
//! request or the step, never which command to type: front ends add that.

use chrono::NaiveDate;

use crate::state::InquiryState;

/// A request or a step that the register's rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InquiryError {
    /// Not one of the kinds of request.
    #[error("unknown kind of request `{value}`; the kinds are {kinds}")]
    UnknownKind {
        /// What was given.
        value: String,
        /// The kinds, comma-separated.
        kinds: String,
    },

    /// Not one of the workflow's states.
    #[error("unknown state `{value}`; the states are {states}")]
    UnknownState {
        /// What was given.
        value: String,
        /// The states, comma-separated.
        states: String,
    },

    /// Not an ISO 3166-1 alpha-2 country code.
    #[error(
        "country `{code}` is not an ISO 3166-1 alpha-2 code{}; use two letters such as DE, FR or US",
        .note.map(|n| format!(" ({n})")).unwrap_or_default()
    )]
    Country {
        /// What was given.
        code: String,
        /// A likely mix-up (`UK` for `GB`), when we know one.
        note: Option<&'static str>,
    },

    /// A required field is empty.
    #[error("a request needs {what}; it was empty")]
    Empty {
        /// The field, with its article (`a channel`).
        what: &'static str,
    },

    /// A request dated after today.
    #[error(
        "received date {received} is in the future (today is {today}); record a request when it has arrived"
    )]
    ReceivedInFuture {
        /// The date given.
        received: NaiveDate,
        /// Today.
        today: NaiveDate,
    },

    /// A deadline before the request arrived.
    #[error("deadline {deadline} is before the request was received ({received})")]
    DeadlineBeforeReceived {
        /// The deadline given.
        deadline: NaiveDate,
        /// When the request arrived.
        received: NaiveDate,
    },

    /// A move the workflow does not allow.
    #[error("inquiry {id}: {error}")]
    Transition {
        /// The request.
        id: i64,
        /// The refused move.
        error: TransitionError,
    },

    /// Closing before the notification decision is recorded.
    #[error("inquiry {id} cannot be closed yet: record the customer-notification decision first")]
    CloseUndecided {
        /// The request.
        id: i64,
    },

    /// A notification dated before the request arrived.
    #[error("inquiry {id}: notification date {on} is before the request was received ({received})")]
    NotifiedBeforeReceived {
        /// The request.
        id: i64,
        /// The notification date given.
        on: NaiveDate,
        /// When the request arrived.
        received: NaiveDate,
    },

    /// A notification dated after today.
    #[error(
        "inquiry {id}: notification date {on} is in the future (today is {today}); record it once the customers were told"
    )]
    NotifiedInFuture {
        /// The request.
        id: i64,
        /// The notification date given.
        on: NaiveDate,
        /// Today.
        today: NaiveDate,
    },

    /// A notification that does not say how the customers were told.
    #[error("inquiry {id}: say how the customers were told")]
    NotifiedHowMissing {
        /// The request.
        id: i64,
    },

    /// A notification bar without its legal reason.
    #[error("inquiry {id}: a notification bar needs its legal reason")]
    BarReasonMissing {
        /// The request.
        id: i64,
    },

    /// A notification bar whose review date has passed already.
    #[error("inquiry {id}: review date {review} of the bar is in the past (today is {today})")]
    BarReviewPast {
        /// The request.
        id: i64,
        /// The review date given.
        review: NaiveDate,
        /// Today.
        today: NaiveDate,
    },

    /// Not a reporting period.
    #[error(
        "period `{value}` is not a year (2026), a half-year (2026-H1, 2026-H2) or a quarter (2026-Q1 … 2026-Q4)"
    )]
    Period {
        /// What was given.
        value: String,
    },

    /// A band of size zero.
    #[error("the band must be at least 1 (1 shows exact counts)")]
    ZeroBand,
}

/// A move from one state to another that the workflow does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", describe(*.from, *.to))]
pub struct TransitionError {
    /// Where the request stands.
    pub from: InquiryState,
    /// Where it was asked to go.
    pub to: InquiryState,
}

fn describe(from: InquiryState, to: InquiryState) -> String {
    let allowed = from.next();
    if allowed.is_empty() {
        return format!(
            "cannot move from {from} to {to}: {from} is final; nothing follows it (corrections are new events, not changes of state)"
        );
    }
    let names: Vec<_> = allowed.iter().map(|s| s.as_str()).collect();
    let next = match names.as_slice() {
        [one] => (*one).to_owned(),
        _ => format!("one of {}", names.join(", ")),
    };
    format!("cannot move from {from} to {to}: from {from} the next state is {next}")
}
