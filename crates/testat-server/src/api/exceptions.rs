//! Exceptions kept in the store: list, add, and revoke one before its expiry (it stays
//! on record and excepts nothing from then on).

use axum::extract::State;
use axum::http::Method;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;
use testat_records::{Exception, StoredException};

use super::common::{created, to_json};
use super::{Body, PathParam, QueryParams};
use crate::auth::{Capability, Principal};
use crate::error::{ApiError, ApiResult};
use crate::routes::{Endpoint, needs};
use crate::state::AppState;

pub(super) fn endpoints() -> Vec<Endpoint> {
    let write = needs(Capability::WriteRecords);
    vec![
        Endpoint::new(
            Method::GET,
            "/api/exceptions",
            needs(Capability::ReadRecords),
            get(list),
        ),
        Endpoint::new(Method::POST, "/api/exceptions", write, post(add)),
        Endpoint::new(
            Method::POST,
            "/api/exceptions/{id}/revoke",
            write,
            post(revoke),
        ),
    ]
}

/// Which exceptions to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExceptionQuery {
    /// Only those in this state: `active`, `expired` or `revoked`.
    pub state: Option<String>,
}

/// An approved exception to store.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewException {
    /// The rule ID (`*` and `?` wildcards allowed).
    pub rule: String,
    /// Resource address pattern; every resource when absent.
    #[serde(default)]
    pub resource: Option<String>,
    /// Why it is acceptable.
    pub justification: String,
    /// Who approved it.
    pub approved_by: String,
    /// Who carries the risk.
    #[serde(default)]
    pub risk_owner: Option<String>,
    /// The last day it applies (YYYY-MM-DD; today or later).
    pub expires: NaiveDate,
}

/// Why an exception is revoked.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Revoke {
    /// The reason, for the record.
    pub reason: String,
}

const STATES: [&str; 3] = ["active", "expired", "revoked"];

/// Where a stored exception stands today.
fn state_of(x: &StoredException, today: NaiveDate) -> &'static str {
    if x.revoked.is_some() {
        "revoked"
    } else if x.exception.is_active(today) {
        "active"
    } else {
        "expired"
    }
}

/// The exception as JSON with its state.
fn with_state(x: &StoredException, today: NaiveDate) -> ApiResult<serde_json::Value> {
    let mut value = serde_json::to_value(x).map_err(|e| ApiError::internal(&e))?;
    if let Some(object) = value.as_object_mut() {
        object.insert("state".into(), state_of(x, today).into());
    }
    Ok(value)
}

async fn stored(state: &AppState, id: i64) -> ApiResult<serde_json::Value> {
    let today = state.project().clock().today();
    let found = state
        .store()
        .exceptions()
        .await?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or_else(|| ApiError::not_found(format!("exception {id} not found")))?;
    with_state(&found, today)
}

/// Stored exceptions, oldest first, each with its state (`active`, `expired`,
/// `revoked`). Those of `testat.toml` are not listed.
#[utoipa::path(get, path = "/api/exceptions", operation_id = "list_exceptions", tag = "exceptions", security(("token" = []), ("session" = [])),
    params(ExceptionQuery),
    responses((status = 200, description = "The stored exceptions", body = serde_json::Value),
        (status = 422, description = "Unknown state", body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<ExceptionQuery>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    if let Some(wanted) = &query.state
        && !STATES.contains(&wanted.as_str())
    {
        return Err(ApiError::unprocessable(format!(
            "state `{wanted}` is not one of {}",
            STATES.join(", ")
        )));
    }
    let today = state.project().clock().today();
    let list = state
        .store()
        .exceptions()
        .await?
        .iter()
        .filter(|x| {
            query
                .state
                .as_deref()
                .is_none_or(|s| s == state_of(x, today))
        })
        .map(|x| with_state(x, today))
        .collect::<ApiResult<Vec<_>>>()?;
    to_json(&list)
}

/// Stores an approved, time-limited exception.
#[utoipa::path(post, path = "/api/exceptions", operation_id = "add_exception", tag = "exceptions", security(("token" = []), ("session" = [])),
    request_body = NewException,
    responses((status = 201, description = "Stored; the exception", body = serde_json::Value),
        (status = 422, description = "Empty fields, or an expiry in the past", body = crate::error::ErrorBody)))]
pub async fn add(
    State(state): State<AppState>,
    principal: Principal,
    Body(body): Body<NewException>,
) -> ApiResult<Response> {
    let today = state.project().clock().today();
    if body.expires < today {
        return Err(ApiError::unprocessable(format!(
            "expires: {} is in the past (today is {today}); an exception must still apply",
            body.expires
        )));
    }
    let rule = body.rule.trim();
    if rule.is_empty() {
        return Err(ApiError::unprocessable("an exception needs a rule"));
    }
    let resource = body
        .resource
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .unwrap_or("*");
    let exception = Exception {
        rule: rule.to_owned(),
        resource: resource.to_owned(),
        justification: body.justification,
        approved_by: body.approved_by,
        risk_owner: body.risk_owner.filter(|r| !r.trim().is_empty()),
        expires: body.expires,
    };
    let id = state
        .store()
        .add_exception(&exception, &state.stamp(&principal))
        .await?;
    created(&stored(&state, id).await?)
}

/// Revokes a stored exception before its expiry.
#[utoipa::path(post, path = "/api/exceptions/{id}/revoke", operation_id = "revoke_exception", tag = "exceptions", security(("token" = []), ("session" = [])),
    params(("id" = i64, Path, description = "Exception ID")),
    request_body = Revoke,
    responses((status = 200, description = "Revoked; the exception", body = serde_json::Value),
        (status = 404, description = "No such exception", body = crate::error::ErrorBody),
        (status = 409, description = "Revoked already", body = crate::error::ErrorBody),
        (status = 422, description = "No reason given", body = crate::error::ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam<i64>,
    Body(body): Body<Revoke>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    state
        .store()
        .revoke_exception(id, &body.reason, &state.stamp(&principal))
        .await?;
    Ok(axum::Json(stored(&state, id).await?))
}
