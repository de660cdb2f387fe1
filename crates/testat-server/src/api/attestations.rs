//! Attestations: how far a criterion is implemented, in its owner's words, kept as
//! history. List (optionally of one criterion) and add.

use axum::extract::State;
use axum::http::Method;
use axum::response::Response;
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;
use testat_records::{AttestStatus, NewAttestation};

use super::common::{body_criterion, created, named_criterion, to_json};
use super::{Body, QueryParams};
use crate::auth::{Capability, Principal};
use crate::error::{ApiError, ApiResult};
use crate::routes::{Endpoint, needs};
use crate::state::AppState;

pub(super) fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            Method::GET,
            "/api/attestations",
            needs(Capability::ReadRecords),
            get(list),
        ),
        Endpoint::new(
            Method::POST,
            "/api/attestations",
            needs(Capability::WriteRecords),
            axum::routing::post(add),
        ),
    ]
}

/// Which attestations to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AttestationQuery {
    /// Only the history of this criterion (e.g. OIS-01).
    pub criterion: Option<String>,
}

/// An attestation to record.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAttestationBody {
    /// The criterion, e.g. OIS-01.
    pub criterion: String,
    /// `implemented`, `partial`, `planned` or `not-applicable`.
    pub status: String,
    /// What is in place, in the owner's words.
    pub statement: String,
    /// Who is responsible.
    pub owner: String,
    /// When to review it next (YYYY-MM-DD).
    #[serde(default)]
    pub next_review: Option<NaiveDate>,
}

/// Attestations, oldest first.
#[utoipa::path(get, path = "/api/attestations", operation_id = "list_attestations", tag = "attestations", security(("token" = []), ("session" = [])),
    params(AttestationQuery),
    responses((status = 200, description = "The attestations, oldest first", body = serde_json::Value),
        (status = 404, description = "No such criterion", body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<AttestationQuery>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    let criterion = query
        .criterion
        .as_deref()
        .map(|c| named_criterion(&state, c))
        .transpose()?;
    to_json(&state.store().attestations(criterion.as_deref()).await?)
}

/// Records an attestation (earlier ones stay on record).
#[utoipa::path(post, path = "/api/attestations", operation_id = "add_attestation", tag = "attestations", security(("token" = []), ("session" = [])),
    request_body = NewAttestationBody,
    responses((status = 201, description = "Recorded; the attestation", body = serde_json::Value),
        (status = 422, description = "Unknown criterion or status, or an empty statement or owner", body = crate::error::ErrorBody)))]
pub async fn add(
    State(state): State<AppState>,
    principal: Principal,
    Body(body): Body<NewAttestationBody>,
) -> ApiResult<Response> {
    let criterion = body_criterion(&state, &body.criterion)?;
    let status = body
        .status
        .parse::<AttestStatus>()
        .map_err(|e| ApiError::unprocessable(format!("status: {e}")))?;
    let new = NewAttestation {
        criterion: criterion.clone(),
        status,
        statement: body.statement,
        owner: body.owner,
        next_review: body.next_review,
    };
    let store = state.store();
    let id = store.attest(&new, &state.stamp(&principal)).await?;
    let recorded = store
        .attestations(Some(&criterion))
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| ApiError::internal(&format!("attestation {id} vanished")))?;
    created(&recorded)
}
