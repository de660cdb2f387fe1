//! Findings as they stand: those of the latest run of each scope (`GET
//! /api/findings`), and which criteria failed, when, in the runs of a period (`GET
//! /api/failures`, as `testat runs failed`).

use axum::Json;
use axum::extract::State;
use axum::http::Method;
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;

use super::QueryParams;
use super::common::to_json;
use crate::auth::Capability;
use crate::error::{ApiError, ApiResult};
use crate::routes::{Endpoint, needs};
use crate::state::AppState;

pub(super) fn endpoints() -> Vec<Endpoint> {
    let read = needs(Capability::ReadRecords);
    vec![
        Endpoint::new(Method::GET, "/api/findings", read, get(latest)),
        Endpoint::new(Method::GET, "/api/failures", read, get(failures)),
    ]
}

const OUTCOMES: [&str; 5] = ["pass", "fail", "excepted", "unknown", "error"];

/// Whose findings.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FindingsQuery {
    /// Only this scope (default: every scope).
    pub scope: Option<String>,
    /// Only findings with this outcome: `pass`, `fail`, `excepted`, `unknown` or
    /// `error`.
    pub outcome: Option<String>,
}

/// Which period.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FailuresQuery {
    /// First day (YYYY-MM-DD).
    pub from: NaiveDate,
    /// Last day (YYYY-MM-DD), included.
    pub to: NaiveDate,
}

/// The findings of the latest run of each scope (or of one scope).
#[utoipa::path(get, path = "/api/findings", operation_id = "latest_findings", tag = "runs", security(("token" = []), ("session" = [])),
    params(FindingsQuery),
    responses((status = 200, description = "Per scope: the latest run and its findings", body = serde_json::Value),
        (status = 404, description = "No run of that scope", body = crate::error::ErrorBody),
        (status = 422, description = "Unknown outcome", body = crate::error::ErrorBody)))]
pub async fn latest(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<FindingsQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    if let Some(outcome) = &query.outcome
        && !OUTCOMES.contains(&outcome.as_str())
    {
        return Err(ApiError::unprocessable(format!(
            "outcome `{outcome}` is not one of {}",
            OUTCOMES.join(", ")
        )));
    }
    let store = state.store();
    // The latest run of each scope: runs come oldest first.
    let mut latest: std::collections::BTreeMap<String, testat_store::Run> = Default::default();
    for run in store.runs().await? {
        if query.scope.as_deref().is_none_or(|s| s == run.scope) {
            latest.insert(run.scope.clone(), run);
        }
    }
    if let Some(scope) = &query.scope
        && latest.is_empty()
    {
        return Err(ApiError::not_found(format!(
            "no run of scope `{scope}` is recorded"
        )));
    }
    let mut scopes = Vec::new();
    for (scope, run) in latest {
        let findings: Vec<_> = store
            .findings_at(run.id)
            .await?
            .into_iter()
            .filter(|f| query.outcome.as_deref().is_none_or(|o| o == f.outcome))
            .collect();
        scopes.push(serde_json::json!({
            "scope": scope,
            "run": run,
            "findings": findings,
        }));
    }
    to_json(&serde_json::json!({ "scopes": scopes }))
}

/// Which criteria failed in runs that started in the period: first and last time,
/// and in how many runs.
#[utoipa::path(get, path = "/api/failures", operation_id = "failed_criteria", tag = "runs", security(("token" = []), ("session" = [])),
    params(FailuresQuery),
    responses((status = 200, description = "Failed criteria of the period", body = serde_json::Value),
        (status = 400, description = "Missing or malformed dates", body = crate::error::ErrorBody),
        (status = 422, description = "The period ends before it starts", body = crate::error::ErrorBody)))]
pub async fn failures(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<FailuresQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    if query.to < query.from {
        return Err(ApiError::unprocessable(format!(
            "the period ends {}, before it starts ({})",
            query.to, query.from
        )));
    }
    let start = query
        .from
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let end = query
        .to
        .succ_opt()
        .unwrap_or(query.to)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    to_json(&state.store().failed_criteria(start, end).await?)
}
