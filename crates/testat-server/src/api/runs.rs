//! Recorded scan runs: list, one run, its findings, the difference of two, and the
//! upload of a run from CI (idempotent: a retry with the same key records nothing).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use testat_store::NewRun;

use super::{Body, PathParam};
use crate::auth::{Capability, Principal};
use crate::error::{ApiError, ApiResult};
use crate::routes::{Endpoint, needs};
use crate::state::AppState;

/// The header that names an upload; without it, the body's SHA-256 is the key.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

const OUTCOMES: [&str; 5] = ["pass", "fail", "excepted", "unknown", "error"];

pub(super) fn endpoints() -> Vec<Endpoint> {
    let read = needs(Capability::ReadRecords);
    vec![
        Endpoint::new(Method::GET, "/api/runs", read, get(list)),
        Endpoint::new(
            Method::POST,
            "/api/runs",
            needs(Capability::WriteRecords),
            post(upload),
        ),
        Endpoint::new(Method::GET, "/api/runs/{id}", read, get(show)),
        Endpoint::new(Method::GET, "/api/runs/{id}/findings", read, get(findings)),
        Endpoint::new(Method::GET, "/api/runs/{a}/diff/{b}", read, get(diff)),
    ]
}

fn json<T: serde::Serialize>(value: &T) -> ApiResult<Json<serde_json::Value>> {
    serde_json::to_value(value)
        .map(Json)
        .map_err(|e| ApiError::internal(&e))
}

/// Every recorded run.
#[utoipa::path(get, path = "/api/runs", operation_id = "list_runs", tag = "runs", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "Every run, oldest first", body = serde_json::Value)))]
pub async fn list(State(state): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    json(&state.store().runs().await?)
}

/// One run: its record, inputs and per-criterion counts.
#[utoipa::path(get, path = "/api/runs/{id}", operation_id = "show_run", tag = "runs", security(("token" = []), ("session" = [])),
    params(("id" = i64, Path, description = "Run ID")),
    responses((status = 200, description = "The run", body = serde_json::Value),
        (status = 404, description = "No such run", body = crate::error::ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    PathParam(id): PathParam<i64>,
) -> ApiResult<Json<serde_json::Value>> {
    let store = state.store();
    let run = store.run(id).await?;
    let inputs = store.run_inputs(id).await?;
    let criteria = store.run_criteria(id).await?;
    let changes = store.run_changes(id).await?;
    Ok(Json(serde_json::json!({
        "run": run, "inputs": inputs, "criteria": criteria, "changes": changes,
    })))
}

/// Every finding as it stood at a run.
#[utoipa::path(get, path = "/api/runs/{id}/findings", tag = "runs", security(("token" = []), ("session" = [])),
    params(("id" = i64, Path, description = "Run ID")),
    responses((status = 200, description = "The findings", body = serde_json::Value),
        (status = 404, description = "No such run", body = crate::error::ErrorBody)))]
pub async fn findings(
    State(state): State<AppState>,
    PathParam(id): PathParam<i64>,
) -> ApiResult<Json<serde_json::Value>> {
    json(&state.store().findings_at(id).await?)
}

/// The findings whose outcome differs between two runs.
#[utoipa::path(get, path = "/api/runs/{a}/diff/{b}", tag = "runs", security(("token" = []), ("session" = [])),
    params(("a" = i64, Path, description = "The earlier run"), ("b" = i64, Path, description = "The later run")),
    responses((status = 200, description = "The differences", body = serde_json::Value),
        (status = 404, description = "No such run", body = crate::error::ErrorBody)))]
pub async fn diff(
    State(state): State<AppState>,
    PathParam((a, b)): PathParam<(i64, i64)>,
) -> ApiResult<Json<serde_json::Value>> {
    json(&state.store().diff_runs(a, b).await?)
}

/// What an upload recorded.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Uploaded {
    /// The run's ID.
    pub run: i64,
    /// Whether this request recorded it (false: an earlier upload with the same key
    /// did).
    pub created: bool,
}

/// Checks an uploaded run against the catalogue and the outcomes a finding can have.
fn check(state: &AppState, run: &NewRun) -> ApiResult<()> {
    if run.scope.trim().is_empty() {
        return Err(ApiError::unprocessable("the run needs a scope"));
    }
    if run.finished_at < run.started_at {
        return Err(ApiError::unprocessable(
            "the run finished before it started",
        ));
    }
    if run.rule_count < 0 || run.resource_count < 0 || run.inputs.iter().any(|i| i.size < 0) {
        return Err(ApiError::unprocessable(
            "counts and sizes cannot be negative",
        ));
    }
    let catalog = state.project().catalog();
    for (i, f) in run.findings.iter().enumerate() {
        if !OUTCOMES.contains(&f.outcome.as_str()) {
            return Err(ApiError::unprocessable(format!(
                "/findings/{i}/outcome: `{}` is not one of {}",
                f.outcome,
                OUTCOMES.join(", ")
            )));
        }
        if let Some(bad) = f.criteria.iter().find(|c| catalog.exact(c).is_none()) {
            return Err(ApiError::unprocessable(format!(
                "/findings/{i}/criteria: `{bad}` is not a criterion of {}",
                catalog.name
            )));
        }
    }
    Ok(())
}

/// Records a run uploaded from CI (`testat scan … --record --server URL`). Send an
/// `Idempotency-Key` header to make retries safe; without one, the body's SHA-256 is
/// the key.
#[utoipa::path(post, path = "/api/runs", tag = "runs", security(("token" = []), ("session" = [])),
    request_body(content = serde_json::Value, description = "The run, as `testat scan --record` builds it"),
    params(("Idempotency-Key" = Option<String>, Header, description = "Names the upload; a retry with the same key records nothing")),
    responses((status = 201, description = "Recorded", body = Uploaded),
        (status = 200, description = "Recorded before, by an upload with the same key", body = Uploaded),
        (status = 422, description = "The run is not acceptable", body = crate::error::ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Body(run): Body<NewRun>,
) -> ApiResult<Response> {
    check(&state, &run)?;
    let key = match headers.get(IDEMPOTENCY_KEY) {
        Some(v) => v
            .to_str()
            .ok()
            .map(str::trim)
            .filter(|k| !k.is_empty() && k.len() <= 200)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "the Idempotency-Key header must be 1 to 200 visible characters",
                )
            })?
            .to_owned(),
        None => {
            let body = serde_json::to_vec(&run).map_err(|e| ApiError::internal(&e))?;
            format!("sha256:{}", testat_store::sha256_hex(&body))
        }
    };
    let (id, created) = state
        .store()
        .record_run_once(&run, Some(&key), &state.stamp(&principal))
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(Uploaded { run: id, created })).into_response())
}
