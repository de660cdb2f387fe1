//! The web UI: server-rendered pages over the same jobs as the API. Each module is a
//! group of pages and lists its endpoints with the access they need; the navigation
//! shows a role only the pages it may open.
//!
//! - Templates live in `templates/` (minijinja, HTML auto-escaping, embedded at build
//!   time); the stylesheet and a small script in `static/`, served from `/static/…`.
//!   Nothing is inline, so the page policy (`'self'` only) holds.
//! - Forms post with the session's CSRF token in the action (`?csrf=…`), and answer a
//!   change with a 303 to the page that shows it.
//! - A page request without a session goes to `/login` and comes back; errors are
//!   pages (status and message), never JSON.

mod admin;
mod assessments;
mod assets;
mod chart;
mod criteria;
mod dashboard;
mod data;
mod exceptions;
mod inquiries;
mod login;
mod page;
mod runs;

use axum::http::{HeaderMap, Uri, header};
use axum::response::{IntoResponse, Response};

pub use page::{PageError, PageResult, error_page, is_page_path, redirect, to_sign_in};

use crate::error::ApiError;
use crate::routes::Endpoint;

/// Every page.
pub fn endpoints() -> Vec<Endpoint> {
    let mut all = Vec::new();
    all.extend(assets::endpoints());
    all.extend(login::endpoints());
    all.extend(dashboard::endpoints());
    all.extend(criteria::endpoints());
    all.extend(runs::endpoints());
    all.extend(exceptions::endpoints());
    all.extend(assessments::endpoints());
    all.extend(inquiries::endpoints());
    all.extend(admin::endpoints());
    all
}

/// The answer to a path no route matches: an error page for browsers on pages, JSON
/// otherwise.
pub async fn not_found(uri: Uri, headers: HeaderMap) -> Response {
    let error = ApiError::not_found("no such page or API route");
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if wants_html && is_page_path(uri.path()) {
        error_page(&error)
    } else {
        error.into_response()
    }
}
