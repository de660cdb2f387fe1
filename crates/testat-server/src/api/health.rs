//! `GET /api/health`: whether the server and its database answer.

use axum::Json;
use axum::extract::State;
use axum::http::Method;
use axum::routing::get;
use serde::Serialize;

use crate::error::ApiResult;
use crate::routes::{Access, Endpoint};
use crate::state::AppState;

pub(super) fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(Method::GET, "/api/health", Access::Public, get(health)),
        Endpoint::new(
            Method::GET,
            "/api/openapi.json",
            Access::Public,
            get(crate::openapi::document),
        ),
    ]
}

/// The server's health.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` when the database answered.
    pub status: &'static str,
    /// Testat's version.
    pub version: &'static str,
    /// The store's schema version.
    pub schema: i64,
}

/// Whether the server and its database answer.
#[utoipa::path(get, path = "/api/health", tag = "server",
    responses((status = 200, description = "The server and its database answer", body = Health)))]
pub async fn health(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    let schema = state.store().schema_version().await?;
    Ok(Json(Health {
        status: "ok",
        version: testat_project::TOOL_VERSION,
        schema,
    }))
}
