//! The trust page, for admins: publish a snapshot, offer and withdraw documents, set
//! the NDA, and decide outsiders' requests for gated documents. Every change is in the
//! audit log (the store writes each with its event).

use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::{Body, PathParam};
use crate::auth::{Capability, Principal, Secret, new_secret};
use crate::error::{ApiError, ApiResult};
use crate::routes::{Endpoint, needs};
use crate::state::AppState;
use crate::trust::documents::LINK_PREFIX;
use crate::trust::snapshot::{PublishRequest, TRUST_FORMAT, build};

/// The longest an approval's link lives, in days.
pub const MAX_LINK_DAYS: i64 = 90;
/// The longest NDA text accepted, in characters.
pub const MAX_NDA_CHARS: usize = 50_000;
/// The longest document title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

pub(super) fn endpoints() -> Vec<Endpoint> {
    let admin = needs(Capability::Admin);
    vec![
        Endpoint::new(Method::POST, "/api/trust/publish", admin, post(publish)),
        Endpoint::new(Method::GET, "/api/trust/documents", admin, get(documents)),
        Endpoint::new(
            Method::POST,
            "/api/trust/documents",
            admin,
            post(add_document),
        ),
        Endpoint::new(
            Method::POST,
            "/api/trust/documents/{id}/withdraw",
            admin,
            post(withdraw_document),
        ),
        Endpoint::new(Method::GET, "/api/trust/nda", admin, get(nda)),
        Endpoint::new(Method::PUT, "/api/trust/nda", admin, put(set_nda)),
        Endpoint::new(Method::GET, "/api/trust/requests", admin, get(requests)),
        Endpoint::new(
            Method::POST,
            "/api/trust/requests/{id}/approve",
            admin,
            post(approve),
        ),
        Endpoint::new(
            Method::POST,
            "/api/trust/requests/{id}/deny",
            admin,
            post(deny),
        ),
    ]
}

/// A snapshot just published.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Published {
    /// Its ID.
    pub id: i64,
    /// `testat-trust/v1`.
    pub format: &'static str,
    /// When (RFC 3339).
    pub published_at: String,
}

/// Freezes the trust page's content into a new snapshot; `/trust` shows it at once.
#[utoipa::path(post, path = "/api/trust/publish", operation_id = "publish_trust_page", tag = "trust", security(("token" = []), ("session" = [])),
    request_body(content = PublishRequest, description = "The attestation to show (default Type 1 today) and how the transparency report is made (default: this half-year, band 10, countries DE and US plus other countries), and whether the handout carries the GDPR annex (default: not)"),
    responses((status = 201, description = "Published", body = Published),
        (status = 422, description = "The attestation, period, band or a country is not acceptable", body = crate::error::ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    principal: Principal,
    Body(request): Body<PublishRequest>,
) -> ApiResult<Response> {
    let published = publish_snapshot(&state, &principal, &request).await?;
    Ok((StatusCode::CREATED, Json(published)).into_response())
}

/// Builds and stores a snapshot (the API's and the admin page's publishing).
pub(crate) async fn publish_snapshot(
    state: &AppState,
    principal: &Principal,
    request: &PublishRequest,
) -> ApiResult<Published> {
    let snapshot = build(state, request).await?;
    let content = serde_json::to_string(&snapshot).map_err(|e| ApiError::internal(&e))?;
    let stamp = state.stamp(principal);
    let id = state.store().publish_snapshot(&content, &stamp).await?;
    Ok(Published {
        id,
        format: TRUST_FORMAT,
        published_at: snapshot.published_at.to_rfc3339(),
    })
}

/// Every document, withdrawn ones included.
#[utoipa::path(get, path = "/api/trust/documents", operation_id = "list_trust_documents", tag = "trust", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "Every document, oldest first", body = serde_json::Value)))]
pub async fn documents(State(state): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    serde_json::to_value(state.store().documents().await?)
        .map(Json)
        .map_err(|e| ApiError::internal(&e))
}

/// A document to add, as multipart fields.
#[derive(Debug, utoipa::ToSchema)]
#[allow(
    dead_code,
    reason = "describes the multipart form for the OpenAPI document"
)]
pub struct NewDocument {
    /// The file (its name is sanitised).
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
    /// What people see.
    title: String,
    /// `true`: given out only on an approved request; `false`: public.
    gated: bool,
}

/// An ID.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    /// The new record's ID.
    pub id: i64,
}

fn media_type(declared: Option<&str>) -> String {
    declared
        .map(str::trim)
        .filter(|t| {
            t.len() <= 100
                && t.split_once('/').is_some_and(|(a, b)| {
                    !a.is_empty()
                        && !b.is_empty()
                        && a.chars().all(|c| c.is_ascii_alphanumeric())
                        && b.chars()
                            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                })
        })
        .map_or_else(
            || "application/octet-stream".to_owned(),
            str::to_ascii_lowercase,
        )
}

/// Adds a document to offer on the trust page (shown from the next publication on).
#[utoipa::path(post, path = "/api/trust/documents", operation_id = "add_trust_document", tag = "trust", security(("token" = []), ("session" = [])),
    request_body(content = NewDocument, content_type = "multipart/form-data"),
    responses((status = 201, description = "Added", body = Created),
        (status = 400, description = "A field is missing or malformed", body = crate::error::ErrorBody),
        (status = 413, description = "The file is too large", body = crate::error::ErrorBody)))]
pub async fn add_document(
    State(state): State<AppState>,
    principal: Principal,
    form: Multipart,
) -> ApiResult<Response> {
    let id = add_document_form(&state, &principal, form).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// Reads a document form (fields `file`, `title`, `gated`) and stores the document
/// (the API's and the admin page's upload). Returns its ID.
pub(crate) async fn add_document_form(
    state: &AppState,
    principal: &Principal,
    mut form: Multipart,
) -> ApiResult<i64> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        ApiError::new(e.status(), "bad_request", e.body_text())
    };
    let (mut file, mut title, mut gated) = (None, None, None);
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or_default() {
            "file" => {
                let name = field.file_name().unwrap_or("document").to_owned();
                let declared = field.content_type().map(str::to_owned);
                let bytes = field.bytes().await.map_err(bad)?;
                file = Some((name, media_type(declared.as_deref()), bytes));
            }
            "title" => title = Some(field.text().await.map_err(bad)?),
            "gated" => gated = Some(field.text().await.map_err(bad)?),
            other => {
                return Err(ApiError::bad_request(format!(
                    "unknown field `{}`; expected file, title and gated",
                    other.chars().take(40).collect::<String>()
                )));
            }
        }
    }
    let Some((name, media_type, bytes)) = file else {
        return Err(ApiError::bad_request("the field `file` is missing"));
    };
    let title = title.unwrap_or_default();
    let title = title.trim();
    if title.is_empty()
        || title.chars().count() > MAX_TITLE_CHARS
        || title.chars().any(char::is_control)
    {
        return Err(ApiError::unprocessable(format!(
            "title: 1 to {MAX_TITLE_CHARS} characters without control characters"
        )));
    }
    let gated = match gated.as_deref().map(str::trim) {
        Some("true") => true,
        Some("false") => false,
        _ => {
            return Err(ApiError::bad_request(
                "the field `gated` must be `true` or `false`",
            ));
        }
    };
    state
        .store()
        .add_document(
            title,
            &name,
            &media_type,
            &bytes,
            gated,
            &state.stamp(principal),
        )
        .await
        .map_err(ApiError::from)
}

/// Withdraws a document: it disappears from `/trust` and its links stop working.
#[utoipa::path(post, path = "/api/trust/documents/{id}/withdraw", operation_id = "withdraw_trust_document", tag = "trust", security(("token" = []), ("session" = [])),
    params(("id" = i64, Path, description = "Document ID")),
    responses((status = 204, description = "Withdrawn"),
        (status = 404, description = "No such document offered", body = crate::error::ErrorBody)))]
pub async fn withdraw_document(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam<i64>,
) -> ApiResult<StatusCode> {
    state
        .store()
        .withdraw_document(id, &state.stamp(&principal))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The NDA text.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NdaText {
    /// What requesters of gated documents accept (plain text).
    pub text: String,
}

/// The NDA in force.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Nda {
    /// Its version (requests name the version they accepted).
    pub version: i64,
    /// Its text.
    pub text: String,
}

/// The NDA in force.
#[utoipa::path(get, path = "/api/trust/nda", operation_id = "show_nda", tag = "trust", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "The NDA in force", body = Nda),
        (status = 404, description = "No NDA was set", body = crate::error::ErrorBody)))]
pub async fn nda(State(state): State<AppState>) -> ApiResult<Json<Nda>> {
    let (version, text) = state
        .store()
        .nda()
        .await?
        .ok_or_else(|| ApiError::not_found("no NDA was set"))?;
    Ok(Json(Nda { version, text }))
}

/// Sets a new NDA version; requests made on a page that showed an older one are
/// refused (409) until the requester reloads.
#[utoipa::path(put, path = "/api/trust/nda", operation_id = "set_nda", tag = "trust", security(("token" = []), ("session" = [])),
    request_body = NdaText,
    responses((status = 200, description = "Set", body = Nda),
        (status = 422, description = "Empty or too long", body = crate::error::ErrorBody)))]
pub async fn set_nda(
    State(state): State<AppState>,
    principal: Principal,
    Body(body): Body<NdaText>,
) -> ApiResult<Json<Nda>> {
    store_nda(&state, &principal, &body.text).await.map(Json)
}

/// Stores a new NDA version (the API's and the admin page's).
pub(crate) async fn store_nda(
    state: &AppState,
    principal: &Principal,
    text: &str,
) -> ApiResult<Nda> {
    let text = text.trim();
    if text.chars().count() > MAX_NDA_CHARS {
        return Err(ApiError::unprocessable(format!(
            "text: at most {MAX_NDA_CHARS} characters"
        )));
    }
    let version = state.store().set_nda(text, &state.stamp(principal)).await?;
    Ok(Nda {
        version,
        text: text.to_owned(),
    })
}

/// Every request for a gated document.
#[utoipa::path(get, path = "/api/trust/requests", operation_id = "list_access_requests", tag = "trust", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "Every request, oldest first (requesters' text as sent, JSON-encoded)", body = serde_json::Value)))]
pub async fn requests(State(state): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    serde_json::to_value(state.store().access_requests().await?)
        .map(Json)
        .map_err(|e| ApiError::internal(&e))
}

/// How long an approval's link lives.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// 1 to 90 days.
    pub days: i64,
}

/// An approval's link, to send to the requester (shown this once).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Approved {
    /// The request.
    pub id: i64,
    /// The download path (`/trust/download/…`); prefix it with the server's address.
    pub link: String,
    /// When it stops working (RFC 3339).
    pub expires_at: String,
}

/// Approves a request: a download link valid for the days given.
#[utoipa::path(post, path = "/api/trust/requests/{id}/approve", operation_id = "approve_access_request", tag = "trust", security(("token" = []), ("session" = [])),
    params(("id" = i64, Path, description = "Request ID")),
    request_body = Approval,
    responses((status = 200, description = "Approved; the link is in this answer only", body = Approved),
        (status = 404, description = "No such undecided request", body = crate::error::ErrorBody),
        (status = 422, description = "Days out of range", body = crate::error::ErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam<i64>,
    Body(approval): Body<Approval>,
) -> ApiResult<Json<Approved>> {
    approve_request(&state, &principal, id, approval.days)
        .await
        .map(Json)
}

/// Approves request `id` with a link living `days` days (the API's and the admin
/// page's approval).
pub(crate) async fn approve_request(
    state: &AppState,
    principal: &Principal,
    id: i64,
    days: i64,
) -> ApiResult<Approved> {
    if !(1..=MAX_LINK_DAYS).contains(&days) {
        return Err(ApiError::unprocessable(format!(
            "days: a link lives 1 to {MAX_LINK_DAYS} days"
        )));
    }
    let secret = new_secret(LINK_PREFIX);
    let stamp = state.stamp(principal);
    let expires_at = stamp.at + Duration::days(days);
    state
        .store()
        .decide_access(id, Some((&Secret::hash(&secret.0), expires_at)), &stamp)
        .await?;
    Ok(Approved {
        id,
        link: format!("/trust/download/{}", secret.0),
        expires_at: expires_at.to_rfc3339(),
    })
}

/// Denies a request.
#[utoipa::path(post, path = "/api/trust/requests/{id}/deny", operation_id = "deny_access_request", tag = "trust", security(("token" = []), ("session" = [])),
    params(("id" = i64, Path, description = "Request ID")),
    responses((status = 204, description = "Denied"),
        (status = 404, description = "No such undecided request", body = crate::error::ErrorBody)))]
pub async fn deny(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam<i64>,
) -> ApiResult<StatusCode> {
    state
        .store()
        .decide_access(id, None, &state.stamp(&principal))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
