//! `GET /trust/anchor`: the current head of the audit chain, signed with the store's
//! Ed25519 key (`.testat/keys/signing.key` of the directory the server runs in), in the
//! format `testat-anchor/v1` (`docs/store.md`). Whoever saves it can later run `testat
//! verify --anchor FILE` on the store and learn whether its history was rewritten.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use testat_store::{Anchor, KeyPair, StoreError};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Why there is no anchor, for the 404 answer.
const NO_KEYS: &str = "this server's store has no signing key (.testat/keys of the directory it runs in, as `testat init` makes it): the audit log cannot be anchored here";
const EMPTY_LOG: &str = "the audit log is empty: there is nothing to anchor yet";

/// The store's key pair, when the directory the server runs in has one.
fn signing_keys(state: &AppState) -> ApiResult<Option<KeyPair>> {
    let Ok(location) = state.project().store_location() else {
        return Ok(None);
    };
    let Some(dir) = location.keys_dir else {
        return Ok(None);
    };
    match KeyPair::load(&dir) {
        Ok(keys) => Ok(Some(keys)),
        Err(StoreError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            Ok(None)
        }
        Err(e) => Err(ApiError::internal(&e)),
    }
}

/// The signed head of the audit chain now; `None` without a signing key or before the
/// first event.
pub async fn current(state: &AppState) -> ApiResult<Option<Anchor>> {
    match signing_keys(state)? {
        Some(keys) => Ok(state.store().anchor(&keys).await?),
        None => Ok(None),
    }
}

/// `GET /trust/anchor`: the anchor as JSON (fields in the order of [`Anchor`]), made
/// once per head of the chain.
pub async fn anchor(State(state): State<AppState>) -> ApiResult<Response> {
    let key = state.content_key().await?;
    let value = state
        .cached("trust.anchor", key, || async {
            let Some(keys) = signing_keys(&state)? else {
                return Ok(serde_json::json!({ "missing": NO_KEYS }));
            };
            match state.store().anchor(&keys).await? {
                Some(anchor) => {
                    let body = serde_json::to_string_pretty(&anchor)
                        .map_err(|e| ApiError::internal(&e))?;
                    Ok(serde_json::json!({ "body": format!("{body}\n") }))
                }
                None => Ok(serde_json::json!({ "missing": EMPTY_LOG })),
            }
        })
        .await?;
    let Some(body) = value.get("body").and_then(|b| b.as_str()) else {
        let message = value
            .get("missing")
            .and_then(|m| m.as_str())
            .unwrap_or(NO_KEYS);
        return Err(ApiError::not_found(message));
    };
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("inline; filename=\"testat-anchor.json\""),
            ),
        ],
        body.to_owned(),
    )
        .into_response())
}
