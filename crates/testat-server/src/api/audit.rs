//! The audit trail: `GET /api/verify` checks the hash chain, every record and every
//! evidence file (as `testat verify`); `POST /api/bundles` exports the signed audit
//! bundle of a period (as `testat bundle export`) and streams it back.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;
use testat_store::{BundlePeriod, KeyPair};
use tokio::io::AsyncReadExt;

use super::Body;
use super::common::download_headers;
use crate::auth::{Capability, Principal};
use crate::error::{ApiError, ApiResult};
use crate::routes::{Endpoint, needs};
use crate::state::AppState;

pub(super) fn endpoints() -> Vec<Endpoint> {
    let export = needs(Capability::Export);
    vec![
        Endpoint::new(Method::GET, "/api/verify", export, get(verify)),
        Endpoint::new(Method::POST, "/api/bundles", export, post(bundle)),
    ]
}

/// The period of a bundle.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BundleRequest {
    /// First day (YYYY-MM-DD).
    pub from: NaiveDate,
    /// Last day (YYYY-MM-DD), included.
    pub to: NaiveDate,
}

/// The header that names the public key a bundle was signed with (hex).
pub const SIGNING_KEY_HEADER: &str = "x-testat-signing-key";

/// Checks the audit chain, every recorded object and every evidence file. The answer
/// is 200 whether or not problems were found; `ok` says which.
#[utoipa::path(get, path = "/api/verify", operation_id = "verify", tag = "audit", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "The verification report; `ok` is false when anything was altered, removed or added", body = serde_json::Value)))]
pub async fn verify(State(state): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    let report = state.store().verify().await?;
    let mut value = serde_json::to_value(&report).map_err(|e| ApiError::internal(&e))?;
    if let Some(object) = value.as_object_mut() {
        object.insert("ok".into(), report.ok().into());
    }
    Ok(Json(value))
}

/// The store's signing key, from the key folder of the project's store.
fn signing_key(state: &AppState) -> ApiResult<KeyPair> {
    let missing = || {
        ApiError::conflict(
            "this server's store has no signing key, so it cannot sign a bundle; serve from the folder whose .testat/keys holds the key (testat init makes one)",
        )
    };
    let location = state.project().store_location().map_err(|_| missing())?;
    let dir = location.keys_dir.ok_or_else(missing)?;
    KeyPair::load(&dir).map_err(|e| {
        tracing::warn!(error = %e, "no usable signing key");
        missing()
    })
}

/// Exports the signed audit bundle of a period (evidence files, audit-log slice,
/// attestations, runs and exceptions) as a `.tar.zst` download.
#[utoipa::path(post, path = "/api/bundles", operation_id = "export_bundle", tag = "audit", security(("token" = []), ("session" = [])),
    request_body = BundleRequest,
    responses((status = 200, description = "The bundle, as an attachment; the header x-testat-signing-key names the public key", content_type = "application/zstd", body = super::common::FileBytes),
        (status = 409, description = "The store has no signing key", body = crate::error::ErrorBody),
        (status = 422, description = "The period ends before it starts", body = crate::error::ErrorBody)))]
pub async fn bundle(
    State(state): State<AppState>,
    principal: Principal,
    Body(body): Body<BundleRequest>,
) -> ApiResult<Response> {
    let period = BundlePeriod {
        from: body.from,
        to: body.to,
    };
    if period.to < period.from {
        return Err(ApiError::unprocessable(format!(
            "the period ends {}, before it starts ({})",
            period.to, period.from
        )));
    }
    let keys = signing_key(&state)?;
    let name = format!("testat-audit-{}-to-{}.tar.zst", period.from, period.to);
    let dir = tempfile::tempdir().map_err(|e| ApiError::internal(&e))?;
    let path = dir.path().join(&name);
    let summary = state
        .store()
        .export_bundle(
            period,
            &keys,
            testat_project::TOOL_VERSION,
            &state.stamp(&principal),
            &path,
        )
        .await?;
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let size = file
        .metadata()
        .await
        .map_err(|e| ApiError::internal(&e))?
        .len();
    // The folder goes with the stream and is removed when the last byte is sent (or
    // the client goes away).
    let chunks = futures_util::stream::unfold(Some((file, dir)), |open| async move {
        let (mut file, dir) = open?;
        let mut buf = vec![0u8; 256 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), Some((file, dir))))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    let mut response = axum::body::Body::from_stream(chunks).into_response();
    let headers = response.headers_mut();
    download_headers(headers, "application/zstd", &name);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    if let Ok(key) = HeaderValue::from_str(&summary.public_key) {
        headers.insert(SIGNING_KEY_HEADER, key);
    }
    Ok(response)
}
