//! Users and API tokens (admins only). A token's secret is shown once, in the answer
//! that creates it; the store keeps its SHA-256.

use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use testat_records::Role;

use super::{Body, PathParam};
use crate::auth::{Capability, Principal, Secret, hash_password, new_secret};
use crate::error::{ApiError, ApiResult};
use crate::routes::{Endpoint, needs};
use crate::state::AppState;

/// The longest a token may live, in days.
pub const MAX_TOKEN_DAYS: i64 = 365;

pub(super) fn endpoints() -> Vec<Endpoint> {
    let admin = needs(Capability::Admin);
    vec![
        Endpoint::new(Method::GET, "/api/users", admin, get(users)),
        Endpoint::new(Method::POST, "/api/users", admin, post(add_user)),
        Endpoint::new(
            Method::POST,
            "/api/users/{id}/disable",
            admin,
            post(disable_user),
        ),
        Endpoint::new(Method::GET, "/api/tokens", admin, get(tokens)),
        Endpoint::new(Method::POST, "/api/tokens", admin, post(add_token)),
        Endpoint::new(
            Method::POST,
            "/api/tokens/{id}/revoke",
            admin,
            post(revoke_token),
        ),
    ]
}

/// A user to add.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// The sign-in name.
    pub name: String,
    /// `admin`, `editor`, `legal`, `auditor` or `viewer`.
    pub role: String,
    /// At least 12 characters.
    pub password: String,
}

/// A token to make.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What it is for (`ci-upload`).
    pub name: String,
    /// The role it acts with.
    pub role: String,
    /// How many days it lives (1 to 365).
    pub days: i64,
}

/// A token just made, with its secret (shown this once).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MadeToken {
    /// Its ID.
    pub id: i64,
    /// The secret: send it as `Authorization: Bearer …`. It is not shown again.
    pub token: String,
    /// When it stops working (RFC 3339).
    pub expires_at: String,
}

/// An ID.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    /// The new record's ID.
    pub id: i64,
}

pub(crate) fn role(text: &str) -> ApiResult<Role> {
    text.parse::<Role>()
        .map_err(|e| ApiError::unprocessable(e.to_string()))
}

/// Makes a token for `name` with `role`, living `days` days, by `principal`.
pub async fn make_token(
    state: &AppState,
    principal: &Principal,
    name: &str,
    role: Role,
    days: i64,
) -> ApiResult<MadeToken> {
    if !(1..=MAX_TOKEN_DAYS).contains(&days) {
        return Err(ApiError::unprocessable(format!(
            "a token lives 1 to {MAX_TOKEN_DAYS} days"
        )));
    }
    let secret = new_secret("tt_");
    let stamp = state.stamp(principal);
    let expires_at = stamp.at + Duration::days(days);
    let id = state
        .store()
        .add_token(name, role, &Secret::hash(&secret.0), expires_at, &stamp)
        .await?;
    Ok(MadeToken {
        id,
        token: secret.0,
        expires_at: expires_at.to_rfc3339(),
    })
}

/// Every user.
#[utoipa::path(get, path = "/api/users", tag = "admin", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "Every user", body = serde_json::Value)))]
pub async fn users(State(state): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    serde_json::to_value(state.store().users().await?)
        .map(Json)
        .map_err(|e| ApiError::internal(&e))
}

/// Adds a user.
#[utoipa::path(post, path = "/api/users", tag = "admin", security(("token" = []), ("session" = [])),
    request_body = NewUser,
    responses((status = 201, description = "Added", body = Created),
        (status = 409, description = "The name is taken", body = crate::error::ErrorBody),
        (status = 422, description = "Unknown role or a short password", body = crate::error::ErrorBody)))]
pub async fn add_user(
    State(state): State<AppState>,
    principal: Principal,
    Body(new): Body<NewUser>,
) -> ApiResult<Response> {
    let role = role(&new.role)?;
    let hash = hash_password(&new.password).map_err(ApiError::unprocessable)?;
    let id = state
        .store()
        .add_user(&new.name, role, &hash, &state.stamp(&principal))
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// Disables a user (sign-in and sessions stop working; the record stays).
#[utoipa::path(post, path = "/api/users/{id}/disable", tag = "admin", security(("token" = []), ("session" = [])),
    params(("id" = i64, Path, description = "User ID")),
    responses((status = 204, description = "Disabled"),
        (status = 404, description = "No such enabled user", body = crate::error::ErrorBody)))]
pub async fn disable_user(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam<i64>,
) -> ApiResult<StatusCode> {
    state
        .store()
        .disable_user(id, &state.stamp(&principal))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every API token (without secrets).
#[utoipa::path(get, path = "/api/tokens", tag = "admin", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "Every token", body = serde_json::Value)))]
pub async fn tokens(State(state): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    serde_json::to_value(state.store().tokens().await?)
        .map(Json)
        .map_err(|e| ApiError::internal(&e))
}

/// Makes an API token; its secret is in this answer only.
#[utoipa::path(post, path = "/api/tokens", tag = "admin", security(("token" = []), ("session" = [])),
    request_body = NewToken,
    responses((status = 201, description = "Made", body = MadeToken),
        (status = 422, description = "Unknown role or lifetime out of range", body = crate::error::ErrorBody)))]
pub async fn add_token(
    State(state): State<AppState>,
    principal: Principal,
    Body(new): Body<NewToken>,
) -> ApiResult<Response> {
    let role = role(&new.role)?;
    let made = make_token(&state, &principal, &new.name, role, new.days).await?;
    Ok((StatusCode::CREATED, Json(made)).into_response())
}

/// Revokes an API token.
#[utoipa::path(post, path = "/api/tokens/{id}/revoke", tag = "admin", security(("token" = []), ("session" = [])),
    params(("id" = i64, Path, description = "Token ID")),
    responses((status = 204, description = "Revoked"),
        (status = 404, description = "No such live token", body = crate::error::ErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam<i64>,
) -> ApiResult<StatusCode> {
    state
        .store()
        .revoke_token(id, &state.stamp(&principal))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
