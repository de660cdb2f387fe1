//! `GET /exceptions`: every exception with its state (active, expired, revoked), the
//! ones from `testat.toml` beside the stored ones; editors approve new ones (the
//! signed-in user is the approver) and revoke stored ones with a reason.

use axum::extract::State;
use axum::http::Method;
use axum::routing::{get, post};
use chrono::NaiveDate;
use minijinja::context;
use serde::Deserialize;
use testat_records::{Exception, StoredException};

use super::data;
use super::page::{
    FormBody, PageResult, PathArg, QueryArg, abilities, date, optional, page, redirect,
};
use crate::auth::{Capability, Principal};
use crate::error::ApiError;
use crate::routes::{Endpoint, needs};
use crate::state::AppState;

pub(super) fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            Method::GET,
            "/exceptions",
            needs(Capability::ReadRecords),
            get(list),
        ),
        Endpoint::new(
            Method::POST,
            "/exceptions",
            needs(Capability::WriteRecords),
            post(add),
        ),
        Endpoint::new(
            Method::POST,
            "/exceptions/{id}/revoke",
            needs(Capability::WriteRecords),
            post(revoke),
        ),
    ]
}

/// `revoked`, `expired` or `active` on `today`.
pub(super) fn state_of(e: &StoredException, today: NaiveDate) -> &'static str {
    if e.revoked.is_some() {
        "revoked"
    } else if !e.exception.is_active(today) {
        "expired"
    } else {
        "active"
    }
}

#[derive(Debug, Deserialize)]
struct Done {
    done: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    principal: Principal,
    QueryArg(done): QueryArg<Done>,
) -> PageResult {
    let today = state.project().clock().today();
    let stored: Vec<minijinja::Value> = state
        .store()
        .exceptions()
        .await?
        .into_iter()
        .rev()
        .map(|e| {
            context! {
                state => state_of(&e, today),
                ..super::page::v(&e)
            }
        })
        .collect();
    let configured: Vec<minijinja::Value> = state
        .project()
        .settings()
        .exceptions
        .iter()
        .map(|e| {
            context! {
                state => if e.is_active(today) { "active" } else { "expired" },
                ..super::page::v(e)
            }
        })
        .collect();
    let rules = data::rules(&state).await?;
    let notice = match done.done.as_deref() {
        Some("added") => Some("The exception was approved."),
        Some("revoked") => Some("The exception was revoked."),
        _ => None,
    };
    page(
        &principal,
        "exceptions.html",
        "exceptions",
        "Exceptions",
        context! {
            stored,
            configured,
            rules => rules.keys().cloned().collect::<Vec<_>>(),
            approver => principal.actor(),
            today => today.to_string(),
            notice,
            can => abilities(&principal),
        },
    )
}

/// The form that approves an exception.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewException {
    rule: String,
    #[serde(default)]
    resource: String,
    justification: String,
    #[serde(default)]
    risk_owner: String,
    expires: String,
}

async fn add(
    State(state): State<AppState>,
    principal: Principal,
    FormBody(form): FormBody<NewException>,
) -> PageResult {
    let rule = form.rule.trim();
    if rule.is_empty() {
        return Err(
            ApiError::unprocessable("an exception needs a rule (or a pattern with *)").into(),
        );
    }
    let rules = data::rules(&state).await?;
    if !rules
        .keys()
        .any(|id| testat_records::wildcard_match(rule, id))
    {
        return Err(ApiError::unprocessable(format!("no rule matches `{rule}`")).into());
    }
    let expires = date(&form.expires, "expires")?;
    if expires < state.project().clock().today() {
        return Err(ApiError::unprocessable(format!("expires: {expires} is in the past")).into());
    }
    let exception = Exception {
        rule: rule.to_owned(),
        resource: optional(&form.resource).unwrap_or_else(|| "*".to_owned()),
        justification: form.justification.trim().to_owned(),
        approved_by: principal.actor(),
        risk_owner: optional(&form.risk_owner),
        expires,
    };
    state
        .store()
        .add_exception(&exception, &state.stamp(&principal))
        .await?;
    Ok(redirect("/exceptions?done=added"))
}

/// The form that revokes an exception.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Revoke {
    reason: String,
}

async fn revoke(
    State(state): State<AppState>,
    principal: Principal,
    PathArg(id): PathArg<i64>,
    FormBody(form): FormBody<Revoke>,
) -> PageResult {
    state
        .store()
        .revoke_exception(id, &form.reason, &state.stamp(&principal))
        .await?;
    Ok(redirect("/exceptions?done=revoked"))
}
