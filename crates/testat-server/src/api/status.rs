//! `GET /api/status` and `GET /api/status/{criterion}`: every criterion's status with
//! its reasons, as `testat status` shows it. The roll-up is cached under the audit
//! head and the day, so it is computed again only after a change.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::Method;
use axum::routing::get;

use super::PathParam;
use crate::auth::Capability;
use crate::error::{ApiError, ApiResult};
use crate::routes::{Endpoint, needs};
use crate::state::AppState;

pub(super) fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            Method::GET,
            "/api/status",
            needs(Capability::ReadStatus),
            get(all),
        ),
        Endpoint::new(
            Method::GET,
            "/api/status/{criterion}",
            needs(Capability::ReadStatus),
            get(one),
        ),
    ]
}

/// The status report, from the cache when nothing changed since it was made.
pub async fn status_report(state: &AppState) -> ApiResult<Arc<serde_json::Value>> {
    let key = state.content_key().await?;
    state
        .cached("status", key, || async {
            let report = state.project().status(state.store()).await?;
            let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
            for c in &report.criteria {
                *counts.entry(c.status.as_str()).or_insert(0) += 1;
            }
            Ok(serde_json::json!({
                "as_of": report.as_of,
                "counts": counts,
                "criteria": report.criteria,
            }))
        })
        .await
}

/// Every criterion's status with its reasons.
#[utoipa::path(get, path = "/api/status", tag = "status", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "Status per criterion", body = serde_json::Value)))]
pub async fn all(State(state): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    let report = status_report(&state).await?;
    Ok(Json(serde_json::Value::clone(&report)))
}

/// One criterion's status and every reason.
#[utoipa::path(get, path = "/api/status/{criterion}", tag = "status", security(("token" = []), ("session" = [])),
    params(("criterion" = String, Path, description = "Criterion ID, e.g. CRY-03")),
    responses((status = 200, description = "The criterion's status", body = serde_json::Value),
        (status = 404, description = "No such criterion", body = crate::error::ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    PathParam(criterion): PathParam<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let id = state
        .project()
        .catalog()
        .get(&criterion)
        .map_err(|e| ApiError::not_found(e.to_string()))?
        .id
        .clone();
    let report = status_report(&state).await?;
    let found = report
        .get("criteria")
        .and_then(|c| c.as_array())
        .and_then(|list| {
            list.iter()
                .find(|c| c.get("criterion").and_then(|v| v.as_str()) == Some(id.as_str()))
        })
        .cloned()
        .ok_or_else(|| ApiError::not_found(format!("criterion {id} has no status")))?;
    Ok(Json(serde_json::json!({
        "as_of": report.get("as_of"),
        "criterion": found,
    })))
}
