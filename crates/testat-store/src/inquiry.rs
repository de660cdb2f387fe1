//! The register of investigation requests from government agencies (C5 domain INQ),
//! persisted.
//!
//! A request is written once (`inquiries`); every later step is an appended row of
//! `inquiry_events`: state transitions, customer-notification decisions (`notified` or
//! `barred`; the latest one counts, so a lifted bar is a new `notified` event) and
//! nothing else. Nothing is updated or deleted. Whether a step is allowed is decided by
//! `testat-inquiry` on the request as read under the write lock; this module only reads
//! and writes. Each write appends an audit event in the same transaction.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::AnyConnection;
use testat_inquiry::{
    Inquiry, InquiryEvent, InquiryRecord, InquiryState, IntegrityProblem, NewEvent, NewInquiry,
    outside_eea,
};

use crate::decode;
use crate::{Result, Stamp, Store, StoreError, audit, micros, next_id};

/// A request as stored: the columns as they are, for audit payloads.
#[derive(Debug, Clone, Serialize)]
struct InquiryRow {
    id: i64,
    received_on: String,
    channel: String,
    authority: String,
    country: String,
    outside_eea: bool,
    legal_basis: String,
    kind: String,
    #[serde(serialize_with = "lenient_list")]
    data_categories: String,
    #[serde(serialize_with = "lenient_list")]
    customers: String,
    deadline: Option<String>,
    #[serde(serialize_with = "lenient_list")]
    handlers: String,
    added_by: String,
    added_at: i64,
}

/// A stored JSON list as its audit payload: the list, or an empty one when the column
/// no longer holds a list (so that `verify` reports the row as altered).
fn lenient_list<S: serde::Serializer>(text: &str, s: S) -> std::result::Result<S::Ok, S::Error> {
    let list: Vec<String> = serde_json::from_str(text).unwrap_or_default();
    s.collect_seq(list)
}

impl InquiryRow {
    fn typed(self) -> Result<Inquiry> {
        let record = format!("inquiry {}", self.id);
        Ok(Inquiry {
            id: self.id,
            received_on: decode::date(&record, "received_on", &self.received_on)?,
            channel: self.channel,
            authority: self.authority,
            country: self.country,
            outside_eea: self.outside_eea,
            legal_basis: self.legal_basis,
            kind: decode::word(&record, "kind", &self.kind, "a kind of request")?,
            data_categories: decode::list(&record, "data_categories", &self.data_categories)?,
            customers: decode::list(&record, "customers", &self.customers)?,
            deadline: decode::opt_date(&record, "deadline", self.deadline.as_deref())?,
            handlers: decode::list(&record, "handlers", &self.handlers)?,
            added_by: self.added_by,
            added_at: decode::time(&record, "added_at", self.added_at)?,
        })
    }
}

/// An event as stored: the columns as they are, for audit payloads.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
struct EventRow {
    id: i64,
    inquiry_id: i64,
    kind: String,
    from_state: Option<String>,
    to_state: Option<String>,
    note: Option<String>,
    notified_on: Option<String>,
    notified_how: Option<String>,
    bar_reason: Option<String>,
    bar_review: Option<String>,
    actor: String,
    at: i64,
}

impl EventRow {
    fn typed(self) -> Result<InquiryEvent> {
        let record = format!("inquiry-event {}", self.id);
        let state = |field, value: Option<String>| -> Result<Option<InquiryState>> {
            value
                .map(|v| decode::word(&record, field, &v, "a workflow state"))
                .transpose()
        };
        Ok(InquiryEvent {
            id: self.id,
            inquiry_id: self.inquiry_id,
            kind: decode::word(&record, "kind", &self.kind, "an event kind")?,
            from_state: state("from_state", self.from_state)?,
            to_state: state("to_state", self.to_state)?,
            note: self.note,
            notified_on: decode::opt_date(&record, "notified_on", self.notified_on.as_deref())?,
            notified_how: self.notified_how,
            bar_reason: self.bar_reason,
            bar_review: decode::opt_date(&record, "bar_review", self.bar_review.as_deref())?,
            actor: self.actor,
            at: decode::time(&record, "at", self.at)?,
        })
    }
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

impl Store {
    /// Records a new request (state `received`), checked against the day of `stamp`.
    /// Returns its ID.
    pub async fn add_inquiry(&self, new: &NewInquiry, stamp: &Stamp) -> Result<i64> {
        let new = new.checked(stamp.at.date_naive())?;
        let json = |what: &str, list: &[String]| {
            serde_json::to_string(list).map_err(|e| StoreError::encode(what, &e))
        };
        let mut tx = self.begin_write().await?;
        let id = next_id(self, &mut tx, "inquiries", "id").await?;
        sqlx::query(
            "INSERT INTO inquiries (id, received_on, channel, authority, country, outside_eea, legal_basis, kind, data_categories, customers, deadline, handlers, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(id)
        .bind(date(new.received_on))
        .bind(new.channel.as_str())
        .bind(new.authority.as_str())
        .bind(new.country.as_str())
        .bind(i64::from(outside_eea(&new.country)))
        .bind(new.legal_basis.as_str())
        .bind(new.kind.as_str())
        .bind(json("data categories", &new.data_categories)?)
        .bind(json("customers", &new.customers)?)
        .bind(new.deadline.map(date))
        .bind(json("handlers", &new.handlers)?)
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
        self.append_event(id, stamp, |record| Ok(record.advance(to, note)?))
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
        self.append_event(id, stamp, |record| Ok(record.notify(on, how, today)?))
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
        self.append_event(id, stamp, |record| Ok(record.bar(reason, review, today)?))
            .await
    }

    /// One request with its history.
    pub async fn inquiry(&self, id: i64) -> Result<InquiryRecord> {
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
        load(self, &mut conn, Some(id))
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::Missing {
                kind: "inquiry",
                id,
            })
    }

    /// Every request with its history, oldest first.
    pub async fn inquiries(&self) -> Result<Vec<InquiryRecord>> {
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
        load(self, &mut conn, None).await
    }

    /// What the register shows for INQ-01 to INQ-04 on `today`, integrity included.
    pub async fn inquiry_evidence(&self, today: NaiveDate) -> Result<testat_inquiry::InqEvidence> {
        let records = self.inquiries().await?;
        let integrity = self.verify_inquiries().await?;
        Ok(testat_inquiry::assess(&records, &integrity, today))
    }

    /// Compares every request and event of the register with the payload its audit
    /// event recorded; names what was altered, removed or added.
    pub async fn verify_inquiries(&self) -> Result<Vec<IntegrityProblem>> {
        let events = self.audit_events(None, None).await?;
        let mut recorded = std::collections::HashMap::new();
        for e in &events {
            recorded.insert(e.object.as_str(), (e.seq, e.payload.as_str()));
        }
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
        let mut problems = Vec::new();
        let mut present = std::collections::BTreeSet::new();
        let inquiries = select_inquiries(self, &mut conn, None).await?;
        let inquiry_events = select_events(self, &mut conn, "id", None).await?;
        let payloads = inquiries
            .iter()
            .map(|i| (format!("inquiry {}", i.id), encode(i, "an inquiry")))
            .chain(inquiry_events.iter().map(|e| {
                (
                    format!("inquiry-event {}", e.id),
                    encode(e, "an inquiry event"),
                )
            }));
        for (object, payload) in payloads {
            let payload = payload?;
            match recorded.get(object.as_str()) {
                None => problems.push(IntegrityProblem {
                    place: object.clone(),
                    message: "added: no audit event records it".into(),
                }),
                Some((seq, p)) if *p != payload => problems.push(IntegrityProblem {
                    place: object.clone(),
                    message: format!("altered: differs from what audit event {seq} recorded"),
                }),
                Some(_) => {}
            }
            present.insert(object);
        }
        for e in &events {
            let ours = e.object.starts_with("inquiry ") || e.object.starts_with("inquiry-event ");
            if ours && !present.contains(&e.object) {
                problems.push(IntegrityProblem {
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
        F: FnOnce(&InquiryRecord) -> Result<NewEvent>,
    {
        let mut tx = self.begin_write().await?;
        let record = load(self, &mut tx, Some(id))
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::Missing {
                kind: "inquiry",
                id,
            })?;
        let event = decide(&record)?;
        let event_id = next_id(self, &mut tx, "inquiry_events", "id").await?;
        sqlx::query(
            "INSERT INTO inquiry_events (id, inquiry_id, kind, from_state, to_state, note, notified_on, notified_how, bar_reason, bar_review, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(event_id)
        .bind(id)
        .bind(event.kind.as_str())
        .bind(event.from_state.map(InquiryState::as_str))
        .bind(event.to_state.map(InquiryState::as_str))
        .bind(event.note)
        .bind(event.notified_on.map(date))
        .bind(event.notified_how)
        .bind(event.bar_reason)
        .bind(event.bar_review.map(date))
        .bind(stamp.actor.as_str())
        .bind(micros(stamp.at))
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(&e))?;
        let payload = event_payload(self, &mut tx, event_id).await?;
        audit::append_and_commit(
            self,
            tx,
            stamp,
            event.kind.action(),
            &format!("inquiry-event {event_id}"),
            payload,
        )
        .await?;
        Ok(event_id)
    }
}

async fn select_inquiries(
    store: &Store,
    conn: &mut AnyConnection,
    id: Option<i64>,
) -> Result<Vec<InquiryRow>> {
    use sqlx::Row;
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
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let get_err = |e: sqlx::Error| store.err(&e);
        let outside: i64 = r.try_get("outside_eea").map_err(get_err)?;
        out.push(InquiryRow {
            id: r.try_get("id").map_err(get_err)?,
            received_on: r.try_get("received_on").map_err(get_err)?,
            channel: r.try_get("channel").map_err(get_err)?,
            authority: r.try_get("authority").map_err(get_err)?,
            country: r.try_get("country").map_err(get_err)?,
            outside_eea: outside != 0,
            legal_basis: r.try_get("legal_basis").map_err(get_err)?,
            kind: r.try_get("kind").map_err(get_err)?,
            data_categories: r.try_get("data_categories").map_err(get_err)?,
            customers: r.try_get("customers").map_err(get_err)?,
            deadline: r.try_get("deadline").map_err(get_err)?,
            handlers: r.try_get("handlers").map_err(get_err)?,
            added_by: r.try_get("added_by").map_err(get_err)?,
            added_at: r.try_get("added_at").map_err(get_err)?,
        });
    }
    Ok(out)
}

async fn select_events(
    store: &Store,
    conn: &mut AnyConnection,
    column: &str,
    id: Option<i64>,
) -> Result<Vec<EventRow>> {
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
        let e = e.typed()?;
        by_inquiry.entry(e.inquiry_id).or_default().push(e);
    }
    inquiries
        .into_iter()
        .map(|row| {
            let inquiry = row.typed()?;
            let mine = by_inquiry.remove(&inquiry.id).unwrap_or_default();
            Ok(InquiryRecord::derive(inquiry, mine))
        })
        .collect()
}

fn encode<T: Serialize>(value: &T, what: &str) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::encode(what, &e))
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
