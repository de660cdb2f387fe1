//! The register of investigation requests from government agencies (C5 domain INQ).
//!
//! A request is written once (`inquiries`); every later step is an appended row of
//! `inquiry_events`: state transitions (checked against [`InquiryState`]'s table),
//! customer-notification decisions (`notified` or `barred`; the latest one counts, so a
//! lifted bar is a new `notified` event) and nothing else. Nothing is updated or
//! deleted. Each write appends an audit event in the same transaction.

use std::str::FromStr;

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::{AnyConnection, Row};

use crate::inquiry_country::{country_code, outside_eea};
use crate::inquiry_state::InquiryState;
use crate::verify::Problem;
use crate::{Result, Stamp, Store, StoreError, audit, micros, next_id};

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

impl FromStr for InquiryKind {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self> {
        let wanted = s.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == wanted)
            .ok_or_else(|| {
                StoreError::Invalid(format!(
                    "unknown kind of request `{s}`; the kinds are {}",
                    Self::ALL.map(Self::as_str).join(", ")
                ))
            })
    }
}

/// A request to record.
#[derive(Debug, Clone)]
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

/// A recorded request, as written (never changed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inquiry {
    /// Its ID.
    pub id: i64,
    /// Received (YYYY-MM-DD).
    pub received_on: String,
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
    pub kind: String,
    /// Data categories.
    pub data_categories: Vec<String>,
    /// Customers or accounts concerned.
    pub customers: Vec<String>,
    /// Deadline (YYYY-MM-DD).
    pub deadline: Option<String>,
    /// Handlers.
    pub handlers: Vec<String>,
    /// Who recorded it.
    pub added_by: String,
    /// When (microseconds since the epoch).
    pub added_at: i64,
}

/// One step in a request's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct InquiryEvent {
    /// Its ID (store-wide, increasing).
    pub id: i64,
    /// The request.
    pub inquiry_id: i64,
    /// `transition`, `notified` or `barred`.
    pub kind: String,
    /// State before (transitions).
    pub from_state: Option<String>,
    /// State after (transitions).
    pub to_state: Option<String>,
    /// Free text.
    pub note: Option<String>,
    /// Day the customers were told (`notified`).
    pub notified_on: Option<String>,
    /// How they were told (`notified`).
    pub notified_how: Option<String>,
    /// The legal reason notice is withheld (`barred`).
    pub bar_reason: Option<String>,
    /// When the bar must be reviewed (`barred`).
    pub bar_review: Option<String>,
    /// Who.
    pub actor: String,
    /// When (microseconds since the epoch).
    pub at: i64,
}

/// The customer-notification decision in force (the latest one recorded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "kebab-case")]
pub enum Notification {
    /// The customers were told.
    Notified {
        /// When (YYYY-MM-DD).
        on: String,
        /// How.
        how: String,
    },
    /// The law forbids telling them, for now.
    Barred {
        /// The legal reason.
        reason: String,
        /// When the bar must be reviewed (YYYY-MM-DD).
        review: String,
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
    /// The outcome of the legal review (the last outcome state reached), if any.
    pub fn outcome(&self) -> Option<InquiryState> {
        self.events
            .iter()
            .filter_map(|e| e.to_state.as_deref())
            .filter_map(|s| s.parse::<InquiryState>().ok())
            .rev()
            .find(|s| InquiryState::OUTCOMES.contains(s))
    }

    /// Whether the request ever entered `state`.
    pub fn reached(&self, state: InquiryState) -> bool {
        self.events
            .iter()
            .any(|e| e.to_state.as_deref() == Some(state.as_str()))
    }

    /// The record as it stood at `until` (microseconds since the epoch): the events
    /// recorded later are dropped and the state and notification derived again.
    pub fn as_of(self, until: i64) -> Self {
        let mut events = self.events;
        events.retain(|e| e.at <= until);
        Self::derive(self.inquiry, events)
    }

    fn derive(inquiry: Inquiry, events: Vec<InquiryEvent>) -> Self {
        let mut state = InquiryState::Received;
        let mut notification = None;
        for e in &events {
            match e.kind.as_str() {
                "transition" => {
                    if let Some(s) = e.to_state.as_deref().and_then(|s| s.parse().ok()) {
                        state = s;
                    }
                }
                "notified" => {
                    notification = Some(Notification::Notified {
                        on: e.notified_on.clone().unwrap_or_default(),
                        how: e.notified_how.clone().unwrap_or_default(),
                    });
                }
                "barred" => {
                    notification = Some(Notification::Barred {
                        reason: e.bar_reason.clone().unwrap_or_default(),
                        review: e.bar_review.clone().unwrap_or_default(),
                    });
                }
                _ => {}
            }
        }
        Self {
            inquiry,
            state,
            notification,
            events,
        }
    }
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Parses a stored `YYYY-MM-DD` (None when unreadable).
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn required(value: &str, what: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(StoreError::Invalid(format!(
            "a request needs {what}; it was empty"
        )));
    }
    Ok(value.to_owned())
}

fn clean(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The event fields a write adds (everything but IDs, actor and time).
#[derive(Default)]
struct EventFields {
    kind: &'static str,
    from_state: Option<String>,
    to_state: Option<String>,
    note: Option<String>,
    notified_on: Option<String>,
    notified_how: Option<String>,
    bar_reason: Option<String>,
    bar_review: Option<String>,
}

impl Store {
    /// Records a new request (state `received`). Returns its ID.
    pub async fn add_inquiry(&self, new: &NewInquiry, stamp: &Stamp) -> Result<i64> {
        let today = stamp.at.date_naive();
        if new.received_on > today {
            return Err(StoreError::Invalid(format!(
                "received date {} is in the future (today is {today}); record a request when it has arrived",
                new.received_on
            )));
        }
        if let Some(deadline) = new.deadline
            && deadline < new.received_on
        {
            return Err(StoreError::Invalid(format!(
                "deadline {deadline} is before the request was received ({})",
                new.received_on
            )));
        }
        let country = country_code(&new.country)?;
        let channel = required(&new.channel, "a channel (--channel)")?;
        let authority = required(&new.authority, "an authority (--authority)")?;
        let legal_basis = required(&new.legal_basis, "a legal basis (--legal-basis)")?;
        let handlers = clean(&new.handlers);
        if handlers.is_empty() {
            return Err(StoreError::Invalid(
                "a request needs at least one handler (--handler)".into(),
            ));
        }
        let json = |list: &[String]| {
            serde_json::to_string(&clean(list))
                .map_err(|e| StoreError::Invalid(format!("cannot encode a list: {e}")))
        };
        let mut tx = self.begin_write().await?;
        let id = next_id(self, &mut tx, "inquiries", "id").await?;
        sqlx::query(
            "INSERT INTO inquiries (id, received_on, channel, authority, country, outside_eea, legal_basis, kind, data_categories, customers, deadline, handlers, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(id)
        .bind(date(new.received_on))
        .bind(channel)
        .bind(authority)
        .bind(country.as_str())
        .bind(i64::from(outside_eea(&country)))
        .bind(legal_basis)
        .bind(new.kind.as_str())
        .bind(json(&new.data_categories)?)
        .bind(json(&new.customers)?)
        .bind(new.deadline.map(date))
        .bind(json(&handlers)?)
        .bind(stamp.actor.as_str())
        .bind(micros(stamp.at))
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(&e))?;
        let payload = inquiry_payload(self, &mut tx, id).await?;
        audit::append_and_commit(
            self,
            tx,
            stamp,
            "inquiry.add",
            &format!("inquiry {id}"),
            payload,
        )
        .await?;
        Ok(id)
    }

    /// Moves a request to `to`, if the workflow allows it (closing also needs a
    /// notification decision). Returns the new event's ID.
    pub async fn advance_inquiry(
        &self,
        id: i64,
        to: InquiryState,
        note: Option<&str>,
        stamp: &Stamp,
    ) -> Result<i64> {
        self.append_event(id, stamp, |record| {
            record.state.check(to).map_err(|e| {
                StoreError::Invalid(format!("inquiry {id}: {e}"))
            })?;
            if to == InquiryState::Closed && record.notification.is_none() {
                return Err(StoreError::Invalid(format!(
                    "inquiry {id} cannot be closed yet: record the customer-notification decision first (`testat inquiry notify {id} --date D --how TEXT`, or `testat inquiry bar {id} --reason TEXT --review DATE` when the law forbids telling the customer)"
                )));
            }
            Ok(EventFields {
                kind: "transition",
                from_state: Some(record.state.as_str().to_owned()),
                to_state: Some(to.as_str().to_owned()),
                note: note.map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned),
                ..EventFields::default()
            })
        })
        .await
    }

    /// Records that the customers concerned were told, on `on`, by `how`.
    pub async fn notify_inquiry(
        &self,
        id: i64,
        on: NaiveDate,
        how: &str,
        stamp: &Stamp,
    ) -> Result<i64> {
        let today = stamp.at.date_naive();
        self.append_event(id, stamp, |record| {
            let received = parse_date(&record.inquiry.received_on).unwrap_or(NaiveDate::MIN);
            if on < received {
                return Err(StoreError::Invalid(format!(
                    "inquiry {id}: notification date {on} is before the request was received ({received})"
                )));
            }
            if on > today {
                return Err(StoreError::Invalid(format!(
                    "inquiry {id}: notification date {on} is in the future (today is {today}); record it once the customers were told"
                )));
            }
            let how = how.trim();
            if how.is_empty() {
                return Err(StoreError::Invalid(format!(
                    "inquiry {id}: say how the customers were told (--how)"
                )));
            }
            Ok(EventFields {
                kind: "notified",
                notified_on: Some(date(on)),
                notified_how: Some(how.to_owned()),
                ..EventFields::default()
            })
        })
        .await
    }

    /// Records that telling the customers is legally barred, why, and when the bar
    /// must be reviewed.
    pub async fn bar_notification(
        &self,
        id: i64,
        reason: &str,
        review: NaiveDate,
        stamp: &Stamp,
    ) -> Result<i64> {
        let today = stamp.at.date_naive();
        self.append_event(id, stamp, |_| {
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(StoreError::Invalid(format!(
                    "inquiry {id}: a notification bar needs its legal reason (--reason)"
                )));
            }
            if review < today {
                return Err(StoreError::Invalid(format!(
                    "inquiry {id}: review date {review} of the bar is in the past (today is {today})"
                )));
            }
            Ok(EventFields {
                kind: "barred",
                bar_reason: Some(reason.to_owned()),
                bar_review: Some(date(review)),
                ..EventFields::default()
            })
        })
        .await
    }

    /// One request with its history.
    pub async fn inquiry(&self, id: i64) -> Result<InquiryRecord> {
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
        load(self, &mut conn, Some(id))
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::Missing {
                what: format!("inquiry {id}"),
                hint: "`testat inquiry list` shows the recorded requests".into(),
            })
    }

    /// Every request with its history, oldest first.
    pub async fn inquiries(&self) -> Result<Vec<InquiryRecord>> {
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
        load(self, &mut conn, None).await
    }

    /// Compares every request and event of the register with the payload its audit
    /// event recorded; names what was altered, removed or added.
    pub async fn verify_inquiries(&self) -> Result<Vec<Problem>> {
        let events = self.audit_events(None, None).await?;
        let mut recorded = std::collections::HashMap::new();
        for e in &events {
            recorded.insert(e.object.as_str(), (e.seq, e.payload.as_str()));
        }
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
        let mut problems = Vec::new();
        let mut present = std::collections::BTreeSet::new();
        for (kind, table) in [
            ("inquiry", "inquiries"),
            ("inquiry-event", "inquiry_events"),
        ] {
            let rows = sqlx::query(&format!("SELECT id FROM {table} ORDER BY id"))
                .fetch_all(&mut *conn)
                .await
                .map_err(|e| self.err(&e))?;
            for row in &rows {
                let id: i64 = row.try_get("id").map_err(|e| self.err(&e))?;
                let object = format!("{kind} {id}");
                let payload = if kind == "inquiry" {
                    inquiry_payload(self, &mut conn, id).await?
                } else {
                    event_payload(self, &mut conn, id).await?
                }
                .unwrap_or_default();
                match recorded.get(object.as_str()) {
                    None => problems.push(Problem {
                        place: object.clone(),
                        message: "added: no audit event records it".into(),
                    }),
                    Some((seq, p)) if *p != payload => problems.push(Problem {
                        place: object.clone(),
                        message: format!("altered: differs from what audit event {seq} recorded"),
                    }),
                    Some(_) => {}
                }
                present.insert(object);
            }
        }
        for e in &events {
            let ours = e.object.starts_with("inquiry ") || e.object.starts_with("inquiry-event ");
            if ours && !present.contains(&e.object) {
                problems.push(Problem {
                    place: e.object.clone(),
                    message: format!(
                        "removed: recorded by audit event {} but no longer in the store",
                        e.seq
                    ),
                });
            }
        }
        Ok(problems)
    }

    /// Appends one event to request `id`, after `decide` has checked it against the
    /// request's current record (read under the write lock).
    async fn append_event<F>(&self, id: i64, stamp: &Stamp, decide: F) -> Result<i64>
    where
        F: FnOnce(&InquiryRecord) -> Result<EventFields>,
    {
        let mut tx = self.begin_write().await?;
        let record = load(self, &mut tx, Some(id))
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::Missing {
                what: format!("inquiry {id}"),
                hint: "`testat inquiry list` shows the recorded requests".into(),
            })?;
        let fields = decide(&record)?;
        let event_id = next_id(self, &mut tx, "inquiry_events", "id").await?;
        sqlx::query(
            "INSERT INTO inquiry_events (id, inquiry_id, kind, from_state, to_state, note, notified_on, notified_how, bar_reason, bar_review, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(event_id)
        .bind(id)
        .bind(fields.kind)
        .bind(fields.from_state)
        .bind(fields.to_state)
        .bind(fields.note)
        .bind(fields.notified_on)
        .bind(fields.notified_how)
        .bind(fields.bar_reason)
        .bind(fields.bar_review)
        .bind(stamp.actor.as_str())
        .bind(micros(stamp.at))
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(&e))?;
        let payload = event_payload(self, &mut tx, event_id).await?;
        let action = match fields.kind {
            "transition" => "inquiry.advance",
            "notified" => "inquiry.notify",
            _ => "inquiry.bar",
        };
        audit::append_and_commit(
            self,
            tx,
            stamp,
            action,
            &format!("inquiry-event {event_id}"),
            payload,
        )
        .await?;
        Ok(event_id)
    }
}

fn list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

async fn select_inquiries(
    store: &Store,
    conn: &mut AnyConnection,
    id: Option<i64>,
) -> Result<Vec<Inquiry>> {
    let sql = format!(
        "SELECT id, received_on, channel, authority, country, outside_eea, legal_basis, kind, data_categories, customers, deadline, handlers, added_by, added_at FROM inquiries {} ORDER BY id",
        if id.is_some() { "WHERE id = $1" } else { "" }
    );
    let mut query = sqlx::query(&sql);
    if let Some(id) = id {
        query = query.bind(id);
    }
    let rows = query
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| store.err(&e))?;
    rows.iter()
        .map(|r| {
            let outside: i64 = r.try_get("outside_eea")?;
            Ok(Inquiry {
                id: r.try_get("id")?,
                received_on: r.try_get("received_on")?,
                channel: r.try_get("channel")?,
                authority: r.try_get("authority")?,
                country: r.try_get("country")?,
                outside_eea: outside != 0,
                legal_basis: r.try_get("legal_basis")?,
                kind: r.try_get("kind")?,
                data_categories: list(&r.try_get::<String, _>("data_categories")?),
                customers: list(&r.try_get::<String, _>("customers")?),
                deadline: r.try_get("deadline")?,
                handlers: list(&r.try_get::<String, _>("handlers")?),
                added_by: r.try_get("added_by")?,
                added_at: r.try_get("added_at")?,
            })
        })
        .collect::<std::result::Result<_, sqlx::Error>>()
        .map_err(|e| store.err(&e))
}

async fn select_events(
    store: &Store,
    conn: &mut AnyConnection,
    column: &str,
    id: Option<i64>,
) -> Result<Vec<InquiryEvent>> {
    let sql = format!(
        "SELECT id, inquiry_id, kind, from_state, to_state, note, notified_on, notified_how, bar_reason, bar_review, actor, at FROM inquiry_events {} ORDER BY id",
        if id.is_some() {
            format!("WHERE {column} = $1")
        } else {
            String::new()
        }
    );
    let mut query = sqlx::query_as(&sql);
    if let Some(id) = id {
        query = query.bind(id);
    }
    query.fetch_all(&mut *conn).await.map_err(|e| store.err(&e))
}

async fn load(
    store: &Store,
    conn: &mut AnyConnection,
    id: Option<i64>,
) -> Result<Vec<InquiryRecord>> {
    let inquiries = select_inquiries(store, conn, id).await?;
    let mut by_inquiry: std::collections::HashMap<i64, Vec<InquiryEvent>> =
        std::collections::HashMap::new();
    for e in select_events(store, conn, "inquiry_id", id).await? {
        by_inquiry.entry(e.inquiry_id).or_default().push(e);
    }
    Ok(inquiries
        .into_iter()
        .map(|inquiry| {
            let mine = by_inquiry.remove(&inquiry.id).unwrap_or_default();
            InquiryRecord::derive(inquiry, mine)
        })
        .collect())
}

fn encode<T: Serialize>(value: &T, what: &str) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| StoreError::Invalid(format!("cannot encode {what}: {e}")))
}

pub(crate) async fn inquiry_payload(
    store: &Store,
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<String>> {
    select_inquiries(store, conn, Some(id))
        .await?
        .first()
        .map(|i| encode(i, &format!("inquiry {id}")))
        .transpose()
}

pub(crate) async fn event_payload(
    store: &Store,
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<String>> {
    select_events(store, conn, "id", Some(id))
        .await?
        .first()
        .map(|e| encode(e, &format!("inquiry event {id}")))
        .transpose()
}
