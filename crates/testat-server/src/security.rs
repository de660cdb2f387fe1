//! Headers on every response, and what the server knows about the client's
//! connection (address, HTTPS) when it sits behind a reverse proxy.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The content security policy of pages: our own scripts, styles and images only, no
/// framing, forms only to ourselves.
pub const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

/// The policy of reports handed out for download or viewing (their CSS and SVG are
/// inline): nothing runs, nothing loads, nothing frames them.
pub const REPORT_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; sandbox";

/// Adds the security headers to every response (a handler may set a stricter or
/// report-specific CSP itself).
pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_CSP),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Refuses a request whose declared body is larger than the limit before reading any
/// of it, and caps bodies without a declared length at the same size.
pub async fn limit_body(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    request: Request,
    next: Next,
) -> Result<Response, crate::ApiError> {
    let limit = state.config().max_body_bytes;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        let error = crate::ApiError::new(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the request body is larger than the limit of {limit} bytes"),
        );
        if crate::ui::is_page_path(request.uri().path()) {
            return Ok(crate::ui::error_page(&error));
        }
        return Err(error);
    }
    let (parts, body) = request.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, limit));
    Ok(next.run(Request::from_parts(parts, body)).await)
}

/// The client's address: the proxy's `X-Forwarded-For` when configured so, else the
/// peer of the connection ("unknown" in tests without one).
pub fn client_address(parts: &axum::http::request::Parts, behind_proxy: bool) -> String {
    if behind_proxy
        && let Some(first) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    {
        return first.to_owned();
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

/// Whether the client used HTTPS, as far as we can tell: only a trusted proxy's
/// `X-Forwarded-Proto` says so (the server itself speaks plain HTTP on loopback).
pub fn client_used_https(parts: &axum::http::request::Parts, behind_proxy: bool) -> bool {
    behind_proxy
        && parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}
