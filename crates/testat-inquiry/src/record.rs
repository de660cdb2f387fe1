//! A request as recorded, its events, and the rules of each step: what a new request
//! must carry, and which event a move, a notification or a bar adds. The store writes
//! what these functions return and never decides a step itself.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::country::country_code;
use crate::error::InquiryError;
use crate::state::InquiryState;

/// What an authority asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InquiryKind {
    /// Hand over data.
    DataDisclosure,
    /// Keep data that would otherwise be deleted.
    Preservation,
    /// Intercept communication or data as it flows.
    Interception,
    /// Anything else.
    Other,
}

impl InquiryKind {
    /// Every kind.
    pub const ALL: [Self; 4] = [
        Self::DataDisclosure,
        Self::Preservation,
        Self::Interception,
        Self::Other,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DataDisclosure => "data-disclosure",
            Self::Preservation => "preservation",
            Self::Interception => "interception",
            Self::Other => "other",
        }
    }
}

impl fmt::Display for InquiryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for InquiryKind {
    type Err = InquiryError;

    fn from_str(s: &str) -> Result<Self, InquiryError> {
        let wanted = s.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == wanted)
            .ok_or_else(|| InquiryError::UnknownKind {
                value: s.to_owned(),
                kinds: Self::ALL.map(Self::as_str).join(", "),
            })
    }
}

/// A request to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInquiry {
    /// The day it arrived (not in the future).
    pub received_on: NaiveDate,
    /// How it arrived (letter, e-mail, portal, in person, …).
    pub channel: String,
    /// The requesting authority.
    pub authority: String,
    /// The authority's country (ISO 3166-1 alpha-2).
    pub country: String,
    /// The legal basis the authority cites.
    pub legal_basis: String,
    /// What is asked for.
    pub kind: InquiryKind,
    /// The categories of data asked for.
    pub data_categories: Vec<String>,
    /// The customers or accounts concerned.
    pub customers: Vec<String>,
    /// The day by which the authority expects an answer.
    pub deadline: Option<NaiveDate>,
    /// The people handling it.
    pub handlers: Vec<String>,
}

impl NewInquiry {
    /// Checks the request against `today` and returns it as it is recorded: text
    /// trimmed, empty list entries dropped, the country code in upper case.
    pub fn checked(&self, today: NaiveDate) -> Result<Self, InquiryError> {
        if self.received_on > today {
            return Err(InquiryError::ReceivedInFuture {
                received: self.received_on,
                today,
            });
        }
        if let Some(deadline) = self.deadline
            && deadline < self.received_on
        {
            return Err(InquiryError::DeadlineBeforeReceived {
                deadline,
                received: self.received_on,
            });
        }
        let country = country_code(&self.country)?;
        let handlers = clean(&self.handlers);
        if handlers.is_empty() {
            return Err(InquiryError::Empty {
                what: "at least one handler",
            });
        }
        Ok(Self {
            received_on: self.received_on,
            channel: required(&self.channel, "a channel")?,
            authority: required(&self.authority, "an authority")?,
            country,
            legal_basis: required(&self.legal_basis, "a legal basis")?,
            kind: self.kind,
            data_categories: clean(&self.data_categories),
            customers: clean(&self.customers),
            deadline: self.deadline,
            handlers,
        })
    }
}

fn required(value: &str, what: &'static str) -> Result<String, InquiryError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(InquiryError::Empty { what });
    }
    Ok(value.to_owned())
}

fn clean(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A recorded request, as written (never changed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inquiry {
    /// Its ID.
    pub id: i64,
    /// The day it arrived.
    pub received_on: NaiveDate,
    /// Channel.
    pub channel: String,
    /// Requesting authority.
    pub authority: String,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// Whether the country is outside the EU/EEA.
    pub outside_eea: bool,
    /// Legal basis cited.
    pub legal_basis: String,
    /// Kind of request.
    pub kind: InquiryKind,
    /// Data categories.
    pub data_categories: Vec<String>,
    /// Customers or accounts concerned.
    pub customers: Vec<String>,
    /// The day an answer is due.
    pub deadline: Option<NaiveDate>,
    /// Handlers.
    pub handlers: Vec<String>,
    /// Who recorded it.
    pub added_by: String,
    /// When.
    #[serde(with = "testat_records::micros")]
    pub added_at: DateTime<Utc>,
}

/// What an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// A move from one state to another.
    Transition,
    /// The customers were told.
    Notified,
    /// Telling the customers is legally barred.
    Barred,
}

impl EventKind {
    /// Every kind.
    pub const ALL: [Self; 3] = [Self::Transition, Self::Notified, Self::Barred];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Transition => "transition",
            Self::Notified => "notified",
            Self::Barred => "barred",
        }
    }

    /// The name of the step in the audit log (`inquiry.advance`, …).
    pub fn action(self) -> &'static str {
        match self {
            Self::Transition => "inquiry.advance",
            Self::Notified => "inquiry.notify",
            Self::Barred => "inquiry.bar",
        }
    }
}

impl FromStr for EventKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown event kind `{s}`"))
    }
}

/// The fields of an event a step adds: everything but its ID, request, actor and time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// What the event records.
    pub kind: EventKind,
    /// State before (transitions).
    pub from_state: Option<InquiryState>,
    /// State after (transitions).
    pub to_state: Option<InquiryState>,
    /// Free text.
    pub note: Option<String>,
    /// Day the customers were told (`notified`).
    pub notified_on: Option<NaiveDate>,
    /// How they were told (`notified`).
    pub notified_how: Option<String>,
    /// The legal reason notice is withheld (`barred`).
    pub bar_reason: Option<String>,
    /// When the bar must be reviewed (`barred`).
    pub bar_review: Option<NaiveDate>,
}

impl NewEvent {
    fn of(kind: EventKind) -> Self {
        Self {
            kind,
            from_state: None,
            to_state: None,
            note: None,
            notified_on: None,
            notified_how: None,
            bar_reason: None,
            bar_review: None,
        }
    }
}

/// One step in a request's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InquiryEvent {
    /// Its ID (store-wide, increasing).
    pub id: i64,
    /// The request.
    pub inquiry_id: i64,
    /// What it records.
    pub kind: EventKind,
    /// State before (transitions).
    pub from_state: Option<InquiryState>,
    /// State after (transitions).
    pub to_state: Option<InquiryState>,
    /// Free text.
    pub note: Option<String>,
    /// Day the customers were told (`notified`).
    pub notified_on: Option<NaiveDate>,
    /// How they were told (`notified`).
    pub notified_how: Option<String>,
    /// The legal reason notice is withheld (`barred`).
    pub bar_reason: Option<String>,
    /// When the bar must be reviewed (`barred`).
    pub bar_review: Option<NaiveDate>,
    /// Who.
    pub actor: String,
    /// When.
    #[serde(with = "testat_records::micros")]
    pub at: DateTime<Utc>,
}

/// The customer-notification decision in force (the latest one recorded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "kebab-case")]
pub enum Notification {
    /// The customers were told.
    Notified {
        /// When.
        on: NaiveDate,
        /// How.
        how: String,
    },
    /// The law forbids telling them, for now.
    Barred {
        /// The legal reason.
        reason: String,
        /// When the bar must be reviewed.
        review: NaiveDate,
    },
}

/// A request with its history and what follows from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InquiryRecord {
    /// The request as recorded.
    #[serde(flatten)]
    pub inquiry: Inquiry,
    /// Current state: the target of the last transition.
    pub state: InquiryState,
    /// The notification decision in force.
    pub notification: Option<Notification>,
    /// Every event, oldest first.
    pub events: Vec<InquiryEvent>,
}

impl InquiryRecord {
    /// The record of `inquiry` after `events` (oldest first): the state is the target
    /// of the last transition, the notification decision the latest one.
    pub fn derive(inquiry: Inquiry, events: Vec<InquiryEvent>) -> Self {
        let mut state = InquiryState::Received;
        let mut notification = None;
        for e in &events {
            match e.kind {
                EventKind::Transition => {
                    if let Some(to) = e.to_state {
                        state = to;
                    }
                }
                EventKind::Notified => {
                    if let Some(on) = e.notified_on {
                        notification = Some(Notification::Notified {
                            on,
                            how: e.notified_how.clone().unwrap_or_default(),
                        });
                    }
                }
                EventKind::Barred => {
                    if let Some(review) = e.bar_review {
                        notification = Some(Notification::Barred {
                            reason: e.bar_reason.clone().unwrap_or_default(),
                            review,
                        });
                    }
                }
            }
        }
        Self {
            inquiry,
            state,
            notification,
            events,
        }
    }

    /// The outcome of the legal review (the last outcome state reached), if any.
    pub fn outcome(&self) -> Option<InquiryState> {
        self.events
            .iter()
            .filter_map(|e| e.to_state)
            .rev()
            .find(|s| InquiryState::OUTCOMES.contains(s))
    }

    /// Whether the request ever entered `state`.
    pub fn reached(&self, state: InquiryState) -> bool {
        self.events.iter().any(|e| e.to_state == Some(state))
    }

    /// The record as it stood at `until`: the events recorded later are dropped and the
    /// state and notification derived again.
    pub fn as_of(self, until: DateTime<Utc>) -> Self {
        let mut events = self.events;
        events.retain(|e| e.at <= until);
        Self::derive(self.inquiry, events)
    }

    /// The event that moves the request to `to`, if the workflow allows it; closing
    /// also needs a notification decision.
    pub fn advance(&self, to: InquiryState, note: Option<&str>) -> Result<NewEvent, InquiryError> {
        let id = self.inquiry.id;
        self.state
            .check(to)
            .map_err(|error| InquiryError::Transition { id, error })?;
        if to == InquiryState::Closed && self.notification.is_none() {
            return Err(InquiryError::CloseUndecided { id });
        }
        Ok(NewEvent {
            from_state: Some(self.state),
            to_state: Some(to),
            note: note
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned),
            ..NewEvent::of(EventKind::Transition)
        })
    }

    /// The event recording that the customers were told on `on`, by `how`.
    pub fn notify(
        &self,
        on: NaiveDate,
        how: &str,
        today: NaiveDate,
    ) -> Result<NewEvent, InquiryError> {
        let id = self.inquiry.id;
        let received = self.inquiry.received_on;
        if on < received {
            return Err(InquiryError::NotifiedBeforeReceived { id, on, received });
        }
        if on > today {
            return Err(InquiryError::NotifiedInFuture { id, on, today });
        }
        let how = how.trim();
        if how.is_empty() {
            return Err(InquiryError::NotifiedHowMissing { id });
        }
        Ok(NewEvent {
            notified_on: Some(on),
            notified_how: Some(how.to_owned()),
            ..NewEvent::of(EventKind::Notified)
        })
    }

    /// The event recording that telling the customers is legally barred for `reason`,
    /// to be reviewed by `review`.
    pub fn bar(
        &self,
        reason: &str,
        review: NaiveDate,
        today: NaiveDate,
    ) -> Result<NewEvent, InquiryError> {
        let id = self.inquiry.id;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(InquiryError::BarReasonMissing { id });
        }
        if review < today {
            return Err(InquiryError::BarReviewPast { id, review, today });
        }
        Ok(NewEvent {
            bar_reason: Some(reason.to_owned()),
            bar_review: Some(review),
            ..NewEvent::of(EventKind::Barred)
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn record() -> InquiryRecord {
        InquiryRecord::derive(
            Inquiry {
                id: 4,
                received_on: day(2),
                channel: "e-mail".into(),
                authority: "BKA".into(),
                country: "DE".into(),
                outside_eea: false,
                legal_basis: "§ 100j StPO".into(),
                kind: InquiryKind::DataDisclosure,
                data_categories: vec![],
                customers: vec![],
                deadline: None,
                handlers: vec!["legal".into()],
                added_by: "legal".into(),
                added_at: DateTime::UNIX_EPOCH,
            },
            Vec::new(),
        )
    }

    fn event(id: i64, new: NewEvent, at: i64) -> InquiryEvent {
        InquiryEvent {
            id,
            inquiry_id: 4,
            kind: new.kind,
            from_state: new.from_state,
            to_state: new.to_state,
            note: new.note,
            notified_on: new.notified_on,
            notified_how: new.notified_how,
            bar_reason: new.bar_reason,
            bar_review: new.bar_review,
            actor: "legal".into(),
            at: DateTime::from_timestamp(at, 0).unwrap(),
        }
    }

    #[test]
    fn steps_follow_the_workflow_and_closing_needs_a_decision() {
        let mut r = record();
        let e = r.advance(InquiryState::Disclosed, None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "inquiry 4: cannot move from received to disclosed: from received the next state is legal-review"
        );
        let review = r.advance(InquiryState::LegalReview, Some("  ")).unwrap();
        assert_eq!(review.note, None);
        let rejected = InquiryRecord::derive(r.inquiry.clone(), vec![event(1, review, 10)])
            .advance(InquiryState::Rejected, Some("no basis"))
            .unwrap();
        r = InquiryRecord::derive(
            r.inquiry.clone(),
            vec![
                event(1, r.advance(InquiryState::LegalReview, None).unwrap(), 10),
                event(2, rejected, 20),
            ],
        );
        assert_eq!(r.state, InquiryState::Rejected);
        assert_eq!(r.outcome(), Some(InquiryState::Rejected));
        assert_eq!(
            r.advance(InquiryState::Closed, None).unwrap_err(),
            InquiryError::CloseUndecided { id: 4 }
        );
        let told = r.notify(day(5), "letter", day(6)).unwrap();
        r.events.push(event(3, told, 30));
        let r = InquiryRecord::derive(r.inquiry, r.events);
        assert!(r.advance(InquiryState::Closed, None).is_ok());
        // As it stood before the notification and the rejection.
        let earlier = r.clone().as_of(DateTime::from_timestamp(15, 0).unwrap());
        assert_eq!(earlier.state, InquiryState::LegalReview);
        assert_eq!(earlier.notification, None);
    }

    #[test]
    fn notifications_and_bars_are_checked_against_the_dates() {
        let r = record();
        assert!(matches!(
            r.notify(day(1), "x", day(6)),
            Err(InquiryError::NotifiedBeforeReceived { .. })
        ));
        assert!(matches!(
            r.notify(day(7), "x", day(6)),
            Err(InquiryError::NotifiedInFuture { .. })
        ));
        assert!(matches!(
            r.notify(day(3), " ", day(6)),
            Err(InquiryError::NotifiedHowMissing { id: 4 })
        ));
        assert!(matches!(
            r.bar("§ 101 StPO", day(5), day(6)),
            Err(InquiryError::BarReviewPast { .. })
        ));
        assert!(matches!(
            r.bar(" ", day(9), day(6)),
            Err(InquiryError::BarReasonMissing { id: 4 })
        ));
        assert_eq!(
            r.bar(" § 101 StPO ", day(9), day(6))
                .unwrap()
                .bar_reason
                .as_deref(),
            Some("§ 101 StPO")
        );
    }

    #[test]
    fn new_requests_are_checked_and_cleaned() {
        let new = NewInquiry {
            received_on: day(2),
            channel: " letter ".into(),
            authority: "BKA".into(),
            country: "de".into(),
            legal_basis: "§ 100j StPO".into(),
            kind: "data disclosure".parse().unwrap(),
            data_categories: vec!["subscriber-data".into(), " ".into()],
            customers: vec![],
            deadline: Some(day(16)),
            handlers: vec!["legal".into()],
        };
        let checked = new.checked(day(3)).unwrap();
        assert_eq!(
            (checked.country.as_str(), checked.channel.as_str()),
            ("DE", "letter")
        );
        assert_eq!(checked.data_categories, ["subscriber-data"]);
        assert!(matches!(
            new.checked(day(1)),
            Err(InquiryError::ReceivedInFuture { .. })
        ));
        let early = NewInquiry {
            deadline: Some(day(1)),
            ..new.clone()
        };
        assert!(matches!(
            early.checked(day(3)),
            Err(InquiryError::DeadlineBeforeReceived { .. })
        ));
        let nobody = NewInquiry {
            handlers: vec![" ".into()],
            ..new
        };
        assert_eq!(
            nobody.checked(day(3)).unwrap_err().to_string(),
            "a request needs at least one handler; it was empty"
        );
        assert!("wiretap".parse::<InquiryKind>().is_err());
    }
}
