//! The register of investigation requests: `GET /inquiries` (what falls due, every
//! request with its state and notification decision), `GET /inquiries/{id}` (the
//! request and its history, with buttons for exactly the moves the workflow allows
//! next and the notify and bar forms), `GET /inquiries/new` and the forms behind
//! them. Legal (and admins) change the register; auditors read it.

use axum::extract::State;
use axum::http::Method;
use axum::routing::{get, post};
use minijinja::context;
use serde::Deserialize;
use testat_inquiry::{InquiryKind, InquiryState, NewInquiry, Notification};

use super::page::{
    FormBody, PageResult, PathArg, QueryArg, abilities, date, list, optional_date, page, redirect,
    v,
};
use crate::auth::{Capability, Principal};
use crate::error::ApiError;
use crate::routes::{Endpoint, needs};
use crate::state::AppState;

pub(super) fn endpoints() -> Vec<Endpoint> {
    let read = needs(Capability::ReadRegister);
    let write = needs(Capability::WriteRegister);
    vec![
        Endpoint::new(Method::GET, "/inquiries", read, get(list_page)),
        Endpoint::new(Method::POST, "/inquiries", write, post(add)),
        Endpoint::new(Method::GET, "/inquiries/new", write, get(new_form)),
        Endpoint::new(Method::GET, "/inquiries/{id}", read, get(show)),
        Endpoint::new(
            Method::POST,
            "/inquiries/{id}/advance",
            write,
            post(advance),
        ),
        Endpoint::new(Method::POST, "/inquiries/{id}/notify", write, post(notify)),
        Endpoint::new(Method::POST, "/inquiries/{id}/bar", write, post(bar)),
    ]
}

/// How far ahead the due list looks, in days.
const DUE_DAYS: i64 = 30;

/// The notification decision in words.
fn decision(n: Option<&Notification>) -> String {
    match n {
        None => "undecided".to_owned(),
        Some(Notification::Notified { on, .. }) => format!("notified on {on}"),
        Some(Notification::Barred { review, .. }) => format!("barred, review by {review}"),
    }
}

async fn list_page(State(state): State<AppState>, principal: Principal) -> PageResult {
    let store = state.store();
    let records = store.inquiries().await?;
    let due = state.project().inquiries_due(store, DUE_DAYS).await?;
    let rows: Vec<minijinja::Value> = records
        .iter()
        .rev()
        .map(|r| {
            context! {
                id => r.inquiry.id,
                received_on => r.inquiry.received_on.to_string(),
                authority => &r.inquiry.authority,
                country => &r.inquiry.country,
                outside_eea => r.inquiry.outside_eea,
                kind => r.inquiry.kind.as_str(),
                state => r.state.as_str(),
                decision => decision(r.notification.as_ref()),
                deadline => r.inquiry.deadline.map(|d| d.to_string()),
            }
        })
        .collect();
    page(
        &principal,
        "inquiries.html",
        "inquiries",
        "Register of investigation requests",
        context! {
            inquiries => rows,
            due => v(due),
            due_days => DUE_DAYS,
            today => state.project().clock().today().to_string(),
            can => abilities(&principal),
        },
    )
}

async fn new_form(State(state): State<AppState>, principal: Principal) -> PageResult {
    page(
        &principal,
        "inquiry_new.html",
        "inquiries",
        "Record an investigation request",
        context! {
            kinds => InquiryKind::ALL.map(InquiryKind::as_str),
            today => state.project().clock().today().to_string(),
            handler => principal.actor(),
        },
    )
}

/// The form that records a request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewForm {
    received_on: String,
    channel: String,
    authority: String,
    country: String,
    legal_basis: String,
    kind: String,
    #[serde(default)]
    data_categories: String,
    #[serde(default)]
    customers: String,
    #[serde(default)]
    deadline: String,
    handlers: String,
}

async fn add(
    State(state): State<AppState>,
    principal: Principal,
    FormBody(form): FormBody<NewForm>,
) -> PageResult {
    let new = NewInquiry {
        received_on: date(&form.received_on, "received on")?,
        channel: form.channel,
        authority: form.authority,
        country: form.country,
        legal_basis: form.legal_basis,
        kind: form.kind.parse::<InquiryKind>()?,
        data_categories: list(&form.data_categories),
        customers: list(&form.customers),
        deadline: optional_date(&form.deadline, "deadline")?,
        handlers: list(&form.handlers),
    };
    let id = state
        .store()
        .add_inquiry(&new, &state.stamp(&principal))
        .await?;
    Ok(redirect(&format!("/inquiries/{id}?done=added")))
}

#[derive(Debug, Deserialize)]
struct Done {
    done: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    principal: Principal,
    PathArg(id): PathArg<i64>,
    QueryArg(done): QueryArg<Done>,
) -> PageResult {
    let record = state.store().inquiry(id).await?;
    let next: Vec<minijinja::Value> = record
        .state
        .next()
        .iter()
        .map(|s| {
            let blocked = *s == InquiryState::Closed && record.notification.is_none();
            context! { state => s.as_str(), blocked }
        })
        .collect();
    let notice = match done.done.as_deref() {
        Some("added") => Some("The request was recorded."),
        Some("advance") => Some("The request moved on."),
        Some("notify") => Some("The notification was recorded."),
        Some("bar") => Some("The bar on notification was recorded."),
        _ => None,
    };
    page(
        &principal,
        "inquiry.html",
        "inquiries",
        &format!("Request {id}"),
        context! {
            r => v(&record),
            decision => decision(record.notification.as_ref()),
            next,
            closed => record.state == InquiryState::Closed,
            today => state.project().clock().today().to_string(),
            notice,
            can => abilities(&principal),
        },
    )
}

/// A move to the next state.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    to: String,
    #[serde(default)]
    note: String,
}

async fn advance(
    State(state): State<AppState>,
    principal: Principal,
    PathArg(id): PathArg<i64>,
    FormBody(form): FormBody<Advance>,
) -> PageResult {
    let to: InquiryState = form.to.parse()?;
    state
        .store()
        .advance_inquiry(id, to, Some(&form.note), &state.stamp(&principal))
        .await?;
    Ok(redirect(&format!("/inquiries/{id}?done=advance")))
}

/// The customers were told.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Notify {
    on: String,
    how: String,
}

async fn notify(
    State(state): State<AppState>,
    principal: Principal,
    PathArg(id): PathArg<i64>,
    FormBody(form): FormBody<Notify>,
) -> PageResult {
    let on = date(&form.on, "notified on")?;
    state
        .store()
        .notify_inquiry(id, on, &form.how, &state.stamp(&principal))
        .await?;
    Ok(redirect(&format!("/inquiries/{id}?done=notify")))
}

/// Telling the customers is barred.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Bar {
    reason: String,
    review: String,
}

async fn bar(
    State(state): State<AppState>,
    principal: Principal,
    PathArg(id): PathArg<i64>,
    FormBody(form): FormBody<Bar>,
) -> PageResult {
    let review = date(&form.review, "review by")?;
    if form.reason.trim().is_empty() {
        return Err(ApiError::unprocessable("a bar needs its legal reason").into());
    }
    state
        .store()
        .bar_notification(id, &form.reason, review, &state.stamp(&principal))
        .await?;
    Ok(redirect(&format!("/inquiries/{id}?done=bar")))
}
