//! The public trust page under `/trust`: no sign-in, and nothing but what an admin
//! published. Every page is made from the newest published snapshot (`snapshot`), never
//! from live data; the only live facts consulted are ones that can only take something
//! away (a document withdrawn since) and the NDA text requesters accept, which the
//! admin sets for exactly this page.
//!
//! - `GET /trust`: the page (HTML, cached under the audit head, so one cheap query per
//!   request while nothing changes, and a publication through another instance shows
//!   at once); 404 before the first publication.
//! - `GET /trust.json`: the snapshot as published (`testat-trust/v1`).
//! - `GET /trust/anchor`: the head of the audit chain signed with the store's key.
//! - `GET /trust/style.css`: the page's style sheet (the CSP allows no inline styles).
//! - documents: `GET /trust/documents/{id}` (public ones), `POST
//!   /trust/documents/{id}/request` (gated ones, with the NDA), `GET
//!   /trust/download/{secret}` (an approved request's link).

pub mod anchor;
pub mod documents;
pub mod page;
pub mod snapshot;

use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::error::{ApiError, ApiResult};
use crate::routes::{Access, Endpoint};
use crate::state::AppState;

/// The routes of the trust page (all public).
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(Method::GET, "/trust", Access::Public, get(trust_page)),
        Endpoint::new(Method::GET, "/trust.json", Access::Public, get(trust_json)),
        Endpoint::new(
            Method::GET,
            "/trust/style.css",
            Access::Public,
            get(style_sheet),
        ),
        Endpoint::new(
            Method::GET,
            "/trust/anchor",
            Access::Public,
            get(anchor::anchor),
        ),
        Endpoint::new(
            Method::GET,
            "/trust/documents/{id}",
            Access::Public,
            get(documents::download_public),
        ),
        Endpoint::new(
            Method::POST,
            "/trust/documents/{id}/request",
            Access::Public,
            post(documents::request_access),
        ),
        Endpoint::new(
            Method::GET,
            "/trust/download/{secret}",
            Access::Public,
            get(documents::download_by_link),
        ),
    ]
}

/// What the cache holds for the page: the HTML, or nothing published yet.
const NOTHING_PUBLISHED: &str = "";

/// `GET /trust`: the newest published snapshot as a page.
pub async fn trust_page(State(state): State<AppState>) -> Response {
    match cached_page(&state).await {
        Ok(html) if html.is_empty() => page::error_page(
            StatusCode::NOT_FOUND,
            "Nothing published yet",
            "This service has not published its trust page yet.",
        ),
        Ok(html) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            html,
        )
            .into_response(),
        Err(e) => page::error_response(&e),
    }
}

async fn cached_page(state: &AppState) -> ApiResult<String> {
    let key = state.content_key().await?;
    let value = state
        .cached("trust.page", key, || async {
            let html = match snapshot::published(state).await? {
                None => NOTHING_PUBLISHED.to_owned(),
                Some(published) => page::render_trust(&published)?,
            };
            Ok(serde_json::Value::String(html))
        })
        .await?;
    Ok(value.as_str().unwrap_or_default().to_owned())
}

/// `GET /trust.json`: the newest snapshot as published.
pub async fn trust_json(State(state): State<AppState>) -> ApiResult<Response> {
    let key = state.content_key().await?;
    let value = state
        .cached("trust.json", key, || async {
            Ok(match state.store().latest_snapshot().await? {
                None => serde_json::Value::Null,
                Some(s) => serde_json::Value::String(s.content),
            })
        })
        .await?;
    let Some(content) = value.as_str() else {
        return Err(ApiError::not_found(
            "nothing is published yet: the trust page has no snapshot",
        ));
    };
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        content.to_owned(),
    )
        .into_response())
}

/// `GET /trust/style.css`.
pub async fn style_sheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        page::STYLE,
    )
        .into_response()
}
