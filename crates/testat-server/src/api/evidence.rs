//! Evidence: list (optionally of one criterion), one piece, add (a file as
//! `multipart/form-data`, a link or a note as JSON) and the download of a file.
//!
//! An upload is written to a temporary folder under its sanitised name while the
//! request is read; every field is checked before the store sees anything, so a
//! refused upload leaves neither a record nor a file behind.

use std::path::PathBuf;

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;
use testat_store::{NewEvidence, StoreError, sanitise_name};
use tokio::io::AsyncWriteExt;

use super::common::{body_criterion, created, download_headers, named_criterion, to_json};
use super::{Body, PathParam, QueryParams};
use crate::auth::{Capability, Principal};
use crate::error::{ApiError, ApiResult};
use crate::routes::{Endpoint, needs};
use crate::state::AppState;

pub(super) fn endpoints() -> Vec<Endpoint> {
    let read = needs(Capability::ReadRecords);
    vec![
        Endpoint::new(Method::GET, "/api/evidence", read, get(list)),
        Endpoint::new(
            Method::POST,
            "/api/evidence",
            needs(Capability::WriteRecords),
            post(add),
        ),
        Endpoint::new(Method::GET, "/api/evidence/{id}", read, get(show)),
        Endpoint::new(
            Method::GET,
            "/api/evidence/{id}/content",
            read,
            get(content),
        ),
    ]
}

/// Which evidence to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EvidenceQuery {
    /// Only evidence for this criterion (e.g. OPS-06).
    pub criterion: Option<String>,
}

/// A link or a note to add as evidence (files are uploaded as `multipart/form-data`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLinkOrNote {
    /// The criteria it supports (at least one, e.g. `["OPS-06"]`).
    pub criteria: Vec<String>,
    /// A link (`http` or `https`).
    #[serde(default)]
    pub url: Option<String>,
    /// A note, alone or about the link.
    #[serde(default)]
    pub note: Option<String>,
    /// The day the evidence speaks for (YYYY-MM-DD).
    #[serde(default)]
    pub effective: Option<NaiveDate>,
    /// The last day it is valid (YYYY-MM-DD).
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
}

/// A file upload (`multipart/form-data`).
#[derive(Debug, utoipa::ToSchema)]
#[allow(
    dead_code,
    reason = "documents the form; the handler reads the parts itself"
)]
pub struct EvidenceUpload {
    /// The file (one part; its file name is kept, sanitised).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// A criterion it supports; repeat the part for several.
    criterion: Vec<String>,
    /// A note about the file.
    note: Option<String>,
    /// The day the evidence speaks for (YYYY-MM-DD).
    effective: Option<NaiveDate>,
    /// The last day it is valid (YYYY-MM-DD).
    valid_until: Option<NaiveDate>,
}

/// Evidence as the client sent it, before it is checked.
#[derive(Debug, Default)]
struct Draft {
    criteria: Vec<String>,
    url: Option<String>,
    note: Option<String>,
    effective: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    file: Option<PathBuf>,
}

impl Draft {
    /// Checks the draft against the catalogue and itself.
    fn checked(self, state: &AppState) -> ApiResult<NewEvidence> {
        if self.criteria.is_empty() {
            return Err(ApiError::unprocessable(
                "evidence needs at least one criterion",
            ));
        }
        let criteria = self
            .criteria
            .iter()
            .map(|c| body_criterion(state, c))
            .collect::<ApiResult<Vec<_>>>()?;
        let url = non_empty(self.url);
        if let Some(url) = &url {
            let lower = url.to_ascii_lowercase();
            if !(lower.starts_with("https://") || lower.starts_with("http://"))
                || url.chars().any(char::is_control)
            {
                return Err(ApiError::unprocessable(
                    "url: a link must be an http:// or https:// address",
                ));
            }
        }
        if let (Some(from), Some(until)) = (self.effective, self.valid_until)
            && until < from
        {
            return Err(ApiError::unprocessable(format!(
                "valid_until ({until}) is before effective ({from})"
            )));
        }
        Ok(NewEvidence {
            file: self.file,
            url,
            note: non_empty(self.note),
            criteria,
            effective: self.effective,
            valid_until: self.valid_until,
        })
    }
}

fn non_empty(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty())
}

fn date(field: &str, text: &str) -> ApiResult<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        ApiError::unprocessable(format!("{field}: `{text}` is not a date like 2026-03-31"))
    })
}

/// Whether the body limit cut `e` short, anywhere in its chain of causes.
fn over_limit(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cause = c.source();
    }
    false
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    let status = e.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE || over_limit(&e) {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "the upload is larger than the server's limit",
        );
    }
    if status.is_server_error() {
        // The body broke off: the client's side of the connection, not ours.
        return ApiError::bad_request(format!("the upload could not be read: {}", e.body_text()));
    }
    ApiError::new(status, "bad_request", e.body_text())
}

/// Sets a field that may come once.
fn once(slot: &mut Option<String>, name: &str, value: String) -> ApiResult<()> {
    if slot.replace(value).is_some() {
        return Err(ApiError::unprocessable(format!(
            "the field `{name}` was sent twice"
        )));
    }
    Ok(())
}

/// Reads a `multipart/form-data` upload; the file goes into a temporary folder that
/// lives as long as the returned guard.
async fn read_multipart(mut multipart: Multipart) -> ApiResult<(Draft, Option<tempfile::TempDir>)> {
    let mut draft = Draft::default();
    let (mut url, mut note, mut effective, mut valid_until) = (None, None, None, None);
    let mut folder = None;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            if folder.is_some() {
                return Err(ApiError::unprocessable(
                    "send one file per upload (one `file` part)",
                ));
            }
            let file_name = sanitise_name(field.file_name().unwrap_or_default());
            let dir = tempfile::tempdir().map_err(|e| ApiError::internal(&e))?;
            let path = dir.path().join(file_name);
            let mut out = tokio::fs::File::create(&path)
                .await
                .map_err(|e| ApiError::internal(&e))?;
            while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                out.write_all(&chunk)
                    .await
                    .map_err(|e| ApiError::internal(&e))?;
            }
            out.flush().await.map_err(|e| ApiError::internal(&e))?;
            draft.file = Some(path);
            folder = Some(dir);
            continue;
        }
        let value = field.text().await.map_err(multipart_error)?;
        match name.as_str() {
            "criterion" => draft.criteria.push(value),
            "url" => once(&mut url, &name, value)?,
            "note" => once(&mut note, &name, value)?,
            "effective" => once(&mut effective, &name, value)?,
            "valid_until" => once(&mut valid_until, &name, value)?,
            _ => {
                return Err(ApiError::unprocessable(format!(
                    "unknown field `{name}`; the fields are file, criterion, url, note, effective and valid_until"
                )));
            }
        }
    }
    draft.url = url;
    draft.note = note;
    draft.effective = effective.map(|d| date("effective", &d)).transpose()?;
    draft.valid_until = valid_until.map(|d| date("valid_until", &d)).transpose()?;
    Ok((draft, folder))
}

/// Every piece of evidence, oldest first.
#[utoipa::path(get, path = "/api/evidence", operation_id = "list_evidence", tag = "evidence", security(("token" = []), ("session" = [])),
    params(EvidenceQuery),
    responses((status = 200, description = "The evidence, oldest first", body = serde_json::Value),
        (status = 404, description = "No such criterion", body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<EvidenceQuery>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    let criterion = query
        .criterion
        .as_deref()
        .map(|c| named_criterion(&state, c))
        .transpose()?;
    to_json(&state.store().evidence(criterion.as_deref()).await?)
}

/// One piece of evidence.
#[utoipa::path(get, path = "/api/evidence/{id}", operation_id = "show_evidence", tag = "evidence", security(("token" = []), ("session" = [])),
    params(("id" = i64, Path, description = "Evidence ID")),
    responses((status = 200, description = "The evidence", body = serde_json::Value),
        (status = 404, description = "No such evidence", body = crate::error::ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    PathParam(id): PathParam<i64>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    to_json(&state.store().evidence_by_id(id).await?)
}

/// Adds evidence: a file as `multipart/form-data` (parts `file`, `criterion`
/// repeated, `note`, `effective`, `valid_until`), or a link or a note as JSON.
#[utoipa::path(post, path = "/api/evidence", operation_id = "add_evidence", tag = "evidence", security(("token" = []), ("session" = [])),
    request_body(content(
        (NewLinkOrNote = "application/json"),
        (EvidenceUpload = "multipart/form-data"))),
    responses((status = 201, description = "Added; the stored evidence", body = serde_json::Value),
        (status = 400, description = "Malformed body", body = crate::error::ErrorBody),
        (status = 413, description = "Larger than the limit", body = crate::error::ErrorBody),
        (status = 422, description = "Unknown criterion, bad date, or nothing to add", body = crate::error::ErrorBody)))]
pub async fn add(
    State(state): State<AppState>,
    principal: Principal,
    request: Request,
) -> ApiResult<Response> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    // The guard keeps the uploaded file until the store has copied it.
    let (draft, _upload) = if multipart {
        let form = Multipart::from_request(request, &state)
            .await
            .map_err(|r| ApiError::new(r.status(), "bad_request", r.body_text()))?;
        read_multipart(form).await?
    } else {
        let Body(body) = Body::<NewLinkOrNote>::from_request(request, &state).await?;
        let draft = Draft {
            criteria: body.criteria,
            url: body.url,
            note: body.note,
            effective: body.effective,
            valid_until: body.valid_until,
            file: None,
        };
        (draft, None)
    };
    let new = draft.checked(&state)?;
    let store = state.store();
    let id = store
        .add_evidence(&new, &state.stamp(&principal))
        .await
        .map_err(|e| match e {
            // Name the file as the client sent it, not where the server put it.
            StoreError::Evidence { path, problem } => ApiError::from(StoreError::Evidence {
                path: path.file_name().map(PathBuf::from).unwrap_or_default(),
                problem,
            }),
            other => other.into(),
        })?;
    created(&store.evidence_by_id(id).await?)
}

/// The file of a piece of evidence, as a download.
#[utoipa::path(get, path = "/api/evidence/{id}/content", operation_id = "download_evidence", tag = "evidence", security(("token" = []), ("session" = [])),
    params(("id" = i64, Path, description = "Evidence ID")),
    responses((status = 200, description = "The file, with its stored media type", content_type = "application/octet-stream", body = super::common::FileBytes),
        (status = 404, description = "No such evidence, or it is a link or a note", body = crate::error::ErrorBody)))]
pub async fn content(
    State(state): State<AppState>,
    PathParam(id): PathParam<i64>,
) -> ApiResult<Response> {
    let store = state.store();
    let evidence = store.evidence_by_id(id).await?;
    let (Some(sha256), Some(name)) = (&evidence.sha256, &evidence.name) else {
        return Err(ApiError::not_found(format!(
            "evidence {id} is a {} and has no file",
            evidence.kind
        )));
    };
    let bytes = store.file_content(sha256).await?;
    let mut response = bytes.into_response();
    download_headers(
        response.headers_mut(),
        evidence
            .media_type
            .as_deref()
            .unwrap_or("application/octet-stream"),
        &sanitise_name(name),
    );
    Ok(response)
}
