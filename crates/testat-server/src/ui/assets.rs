//! The stylesheet and the script, embedded and served from `/static/…`. Pages link
//! them with a hash of their content in the query, so they can be cached for a year:
//! a new build links a new address.

use std::sync::LazyLock;

use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

use super::page::{PageError, PathArg};
use crate::error::ApiError;
use crate::routes::{Access, Endpoint};

/// Every asset: name, content type, content.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../../static/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/app.js"),
    ),
];

/// The first 16 hex digits of each asset's SHA-256, by name.
static VERSIONS: LazyLock<Vec<(&'static str, String)>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|(name, _, body)| (*name, hex::encode(&Sha256::digest(body.as_bytes())[..8])))
        .collect()
});

pub(super) fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::new(
        Method::GET,
        "/static/{name}",
        Access::Public,
        get(asset),
    )]
}

/// The address of asset `name`, with its version.
pub(super) fn url(name: &str) -> String {
    let version = VERSIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, v)| v.as_str());
    format!("/static/{name}?v={version}")
}

async fn asset(PathArg(name): PathArg<String>) -> Result<Response, PageError> {
    let Some((_, kind, body)) = ASSETS.iter().find(|(n, _, _)| *n == name) else {
        return Err(PageError(ApiError::not_found("no such file")));
    };
    let mut response = (StatusCode::OK, *body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(response)
}
