//! Users and API tokens, for admins: `GET /admin/users` (add, disable) and
//! `GET /admin/tokens` (make, revoke). A new token's secret is shown once, on the page
//! that answers the form; the store keeps only its hash.

use axum::extract::State;
use axum::http::Method;
use axum::routing::{get, post};
use minijinja::context;
use serde::Deserialize;
use testat_records::Role;

use super::page::{FormBody, PageResult, PathArg, QueryArg, page, redirect, v};
use crate::api::admin::{MAX_TOKEN_DAYS, make_token, role};
use crate::auth::{Capability, Principal, hash_password};
use crate::error::ApiError;
use crate::routes::{Endpoint, needs};
use crate::state::AppState;

pub(super) fn endpoints() -> Vec<Endpoint> {
    let admin = needs(Capability::Admin);
    vec![
        Endpoint::new(Method::GET, "/admin/users", admin, get(users)),
        Endpoint::new(Method::POST, "/admin/users", admin, post(add_user)),
        Endpoint::new(
            Method::POST,
            "/admin/users/{id}/disable",
            admin,
            post(disable_user),
        ),
        Endpoint::new(Method::GET, "/admin/tokens", admin, get(tokens)),
        Endpoint::new(Method::POST, "/admin/tokens", admin, post(add_token)),
        Endpoint::new(
            Method::POST,
            "/admin/tokens/{id}/revoke",
            admin,
            post(revoke_token),
        ),
    ]
}

#[derive(Debug, Deserialize)]
struct Done {
    done: Option<String>,
}

fn roles() -> [&'static str; 5] {
    Role::ALL.map(Role::as_str)
}

async fn users(
    State(state): State<AppState>,
    principal: Principal,
    QueryArg(done): QueryArg<Done>,
) -> PageResult {
    let users = state.store().users().await?;
    let notice = match done.done.as_deref() {
        Some("added") => Some("The user was added."),
        Some("disabled") => Some("The user was disabled; their sessions have ended."),
        _ => None,
    };
    page(
        &principal,
        "users.html",
        "users",
        "Users",
        context! { users => v(users), roles => roles(), notice, me => principal.actor() },
    )
}

/// The form that adds a user.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUser {
    name: String,
    role: String,
    password: String,
}

async fn add_user(
    State(state): State<AppState>,
    principal: Principal,
    FormBody(form): FormBody<NewUser>,
) -> PageResult {
    let name = form.name.trim();
    if name.is_empty() {
        return Err(ApiError::unprocessable("a user needs a name").into());
    }
    let role = role(&form.role)?;
    let hash = hash_password(&form.password).map_err(ApiError::unprocessable)?;
    state
        .store()
        .add_user(name, role, &hash, &state.stamp(&principal))
        .await?;
    Ok(redirect("/admin/users?done=added"))
}

async fn disable_user(
    State(state): State<AppState>,
    principal: Principal,
    PathArg(id): PathArg<i64>,
) -> PageResult {
    state
        .store()
        .disable_user(id, &state.stamp(&principal))
        .await?;
    Ok(redirect("/admin/users?done=disabled"))
}

async fn tokens(
    State(state): State<AppState>,
    principal: Principal,
    QueryArg(done): QueryArg<Done>,
) -> PageResult {
    let now = state.now();
    let tokens: Vec<minijinja::Value> = state
        .store()
        .tokens()
        .await?
        .into_iter()
        .rev()
        .map(|t| {
            let status = if t.revoked_at.is_some() {
                "revoked"
            } else if now >= t.expires_at {
                "expired"
            } else {
                "valid"
            };
            context! { status, ..super::page::v(&t) }
        })
        .collect();
    let notice = match done.done.as_deref() {
        Some("revoked") => Some("The token was revoked."),
        _ => None,
    };
    page(
        &principal,
        "tokens.html",
        "tokens",
        "API tokens",
        context! { tokens, roles => roles(), max_days => MAX_TOKEN_DAYS, notice },
    )
}

/// The form that makes a token.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewToken {
    name: String,
    role: String,
    days: String,
}

async fn add_token(
    State(state): State<AppState>,
    principal: Principal,
    FormBody(form): FormBody<NewToken>,
) -> PageResult {
    let name = form.name.trim();
    if name.is_empty() {
        return Err(
            ApiError::unprocessable("a token needs a name that says what it is for").into(),
        );
    }
    let role = role(&form.role)?;
    let days: i64 = form.days.trim().parse().map_err(|_| {
        ApiError::unprocessable(format!(
            "days: `{}` is not a whole number",
            form.days.trim()
        ))
    })?;
    let made = make_token(&state, &principal, name, role, days).await?;
    page(
        &principal,
        "token_made.html",
        "tokens",
        "Token made",
        context! {
            name,
            role => role.as_str(),
            id => made.id,
            secret => made.token,
            expires_at => made.expires_at,
        },
    )
}

async fn revoke_token(
    State(state): State<AppState>,
    principal: Principal,
    PathArg(id): PathArg<i64>,
) -> PageResult {
    state
        .store()
        .revoke_token(id, &state.stamp(&principal))
        .await?;
    Ok(redirect("/admin/tokens?done=revoked"))
}
