//! `POST /api/session` signs in (a session cookie, and the CSRF token its changes
//! need); `DELETE /api/session` signs out. Failed sign-ins are limited per account and
//! per address, with the count kept in the database (shared by every instance).

use axum::Json;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post};
use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::Body;
use crate::auth::{SESSION_COOKIE, Secret, new_secret, session_cookie, verify_password};
use crate::error::{ApiError, ApiResult};
use crate::routes::{Access, Endpoint};
use crate::security::{client_address, client_used_https};
use crate::state::AppState;

pub(super) fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(Method::POST, "/api/session", Access::Public, post(create)),
        Endpoint::new(Method::DELETE, "/api/session", Access::Public, delete(end)),
    ]
}

/// Credentials.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// The user's name.
    pub name: String,
    /// The password.
    pub password: String,
}

/// A new session.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionInfo {
    /// The user.
    pub user: String,
    /// The user's role.
    pub role: String,
    /// Send this as `X-CSRF-Token` (or `?csrf=`) with every change made with the
    /// session cookie.
    pub csrf_token: String,
    /// When the session ends (RFC 3339).
    pub expires_at: String,
}

/// A signed-in session: the cookie to set and what the client needs to know.
#[derive(Debug)]
pub struct SignedIn {
    /// The `Set-Cookie` value.
    pub cookie: HeaderValue,
    /// The session.
    pub info: SessionInfo,
}

/// Checks `name` and `password` for a request with `parts`, within the sign-in limits,
/// and starts a session.
pub async fn sign_in(
    state: &AppState,
    parts: &Parts,
    name: &str,
    password: &str,
) -> ApiResult<SignedIn> {
    let config = state.config();
    let now = state.now();
    let window = now - Duration::minutes(config.login_window_minutes);
    let account = format!("account:{}", name.trim());
    let address = format!("address:{}", client_address(parts, config.behind_proxy));
    let store = state.store();
    if store.login_failures(&account, window).await? >= config.login_limit.0
        || store.login_failures(&address, window).await? >= config.login_limit.1
    {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            format!(
                "too many failed sign-ins; try again in {} minutes",
                config.login_window_minutes
            ),
        ));
    }
    let found = store.user_for_sign_in(name.trim()).await?;
    let user = match found {
        Some((user, hash)) if verify_password(password, &hash) => user,
        _ => {
            store.note_login_failure(&[&account, &address], now).await?;
            return Err(ApiError::unauthorized("wrong name or password"));
        }
    };
    store.clear_login_failures(&account, window).await?;
    let secret = new_secret("");
    let csrf = new_secret("").0;
    let expires_at = now + Duration::hours(config.session_hours);
    store
        .start_session(user.id, &Secret::hash(&secret.0), &csrf, now, expires_at)
        .await?;
    let secure = if client_used_https(parts, config.behind_proxy) {
        "; Secure"
    } else {
        ""
    };
    let cookie = HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        secret.0,
        config.session_hours * 3600
    ))
    .map_err(|e| ApiError::internal(&e))?;
    Ok(SignedIn {
        cookie,
        info: SessionInfo {
            user: user.name,
            role: user.role.to_string(),
            csrf_token: csrf,
            expires_at: expires_at.to_rfc3339(),
        },
    })
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("testat_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// Ends the session of the request in `parts`, if any.
pub async fn sign_out(state: &AppState, parts: &Parts) -> ApiResult<()> {
    if let Some(secret) = session_cookie(parts) {
        state
            .store()
            .end_session(&Secret::hash(&secret), state.now())
            .await?;
    }
    Ok(())
}

/// Signs in.
#[utoipa::path(post, path = "/api/session", tag = "session", request_body = SignIn,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = SessionInfo),
        (status = 401, description = "Wrong name or password", body = crate::error::ErrorBody),
        (status = 429, description = "Too many failed sign-ins", body = crate::error::ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    parts: Parts,
    Body(body): Body<SignIn>,
) -> ApiResult<Response> {
    let signed = sign_in(&state, &parts, &body.name, &body.password).await?;
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, signed.cookie);
    Ok((headers, Json(signed.info)).into_response())
}

/// Signs out.
#[utoipa::path(delete, path = "/api/session", tag = "session",
    responses((status = 204, description = "Signed out; the cookie is cleared")))]
async fn end(State(state): State<AppState>, parts: Parts) -> ApiResult<Response> {
    sign_out(&state, &parts).await?;
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, clear_cookie());
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}
