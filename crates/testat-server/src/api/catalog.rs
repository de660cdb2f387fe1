//! `GET /api/catalog` and `GET /api/catalog/{id}`: the criteria, and one criterion with
//! the rules that test it.

use axum::Json;
use axum::extract::State;
use axum::http::Method;
use axum::routing::get;
use serde::Serialize;
use testat_catalog::Criterion;

use super::PathParam;
use crate::auth::Capability;
use crate::error::ApiResult;
use crate::routes::{Endpoint, needs};
use crate::state::AppState;

pub(super) fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            Method::GET,
            "/api/catalog",
            needs(Capability::ReadCatalog),
            get(list),
        ),
        Endpoint::new(
            Method::GET,
            "/api/catalog/{id}",
            needs(Capability::ReadCatalog),
            get(show),
        ),
    ]
}

/// The catalogue.
#[derive(Debug, Serialize)]
struct CatalogJson<'a> {
    name: &'a str,
    version: &'a str,
    domains: &'a [testat_catalog::Domain],
    criteria: &'a [Criterion],
}

/// One criterion with the rules that test it and the official text, if loaded.
#[derive(Debug, Serialize)]
struct CriterionJson<'a> {
    criterion: &'a Criterion,
    rules: Vec<&'a str>,
    official: Option<Official>,
}

/// The official text of a criterion, from a catalogue file the user loaded.
#[derive(Debug, Serialize)]
struct Official {
    title: String,
    text: String,
}

/// The catalogue: domains and criteria.
#[utoipa::path(get, path = "/api/catalog", operation_id = "list_catalog", tag = "catalogue", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "Domains and criteria", body = serde_json::Value)))]
pub async fn list(State(state): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    let c = state.project().catalog();
    Ok(Json(
        serde_json::to_value(CatalogJson {
            name: &c.name,
            version: &c.version,
            domains: &c.domains,
            criteria: &c.criteria,
        })
        .map_err(|e| crate::ApiError::internal(&e))?,
    ))
}

/// One criterion, the rules that test it, and the official text when a catalogue file
/// was loaded.
#[utoipa::path(get, path = "/api/catalog/{id}", operation_id = "show_criterion", tag = "catalogue", security(("token" = []), ("session" = [])),
    params(("id" = String, Path, description = "Criterion ID, e.g. CRY-03")),
    responses((status = 200, description = "The criterion", body = serde_json::Value),
        (status = 404, description = "No such criterion", body = crate::error::ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let project = state.project();
    let criterion = project
        .catalog()
        .get(&id)
        .map_err(|e| crate::ApiError::not_found(e.to_string()))?;
    let rules = project.rules()?;
    let external = project.external_catalog().ok().flatten();
    let doc = CriterionJson {
        criterion,
        rules: rules
            .rules()
            .iter()
            .filter(|r| r.spec.criteria.contains(&criterion.id))
            .map(|r| r.id())
            .collect(),
        official: external.and_then(|e| {
            e.text(&criterion.id).map(|t| Official {
                title: t.title.clone(),
                text: t.text.clone(),
            })
        }),
    };
    Ok(Json(
        serde_json::to_value(doc).map_err(|e| crate::ApiError::internal(&e))?,
    ))
}
