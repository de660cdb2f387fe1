//! What every page shares: the templates (embedded, HTML auto-escaped), the layout
//! with the navigation a role may use, the error page, redirects, and extractors whose
//! refusals are error pages instead of JSON.

use std::sync::LazyLock;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, Utc};
use minijinja::{Environment, UndefinedBehavior, Value, context};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::auth::{Capability, Principal};
use crate::error::ApiError;

/// The templates, embedded at build time. Names end in `.html`, so minijinja escapes
/// every value it writes into them.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("error.html", include_str!("../../templates/error.html")),
    ("login.html", include_str!("../../templates/login.html")),
    (
        "dashboard.html",
        include_str!("../../templates/dashboard.html"),
    ),
    (
        "criteria.html",
        include_str!("../../templates/criteria.html"),
    ),
    (
        "criterion.html",
        include_str!("../../templates/criterion.html"),
    ),
    ("runs.html", include_str!("../../templates/runs.html")),
    ("run.html", include_str!("../../templates/run.html")),
    ("diff.html", include_str!("../../templates/diff.html")),
    (
        "exceptions.html",
        include_str!("../../templates/exceptions.html"),
    ),
    (
        "assessment.html",
        include_str!("../../templates/assessment.html"),
    ),
    (
        "inquiries.html",
        include_str!("../../templates/inquiries.html"),
    ),
    ("inquiry.html", include_str!("../../templates/inquiry.html")),
    (
        "inquiry_new.html",
        include_str!("../../templates/inquiry_new.html"),
    ),
    ("users.html", include_str!("../../templates/users.html")),
    ("tokens.html", include_str!("../../templates/tokens.html")),
    (
        "token_made.html",
        include_str!("../../templates/token_made.html"),
    ),
];

/// The main navigation: (id, link, label, what the role needs to see it). A unit test
/// checks each entry against the route table.
pub(super) const NAV: &[(&str, &str, &str, Capability)] = &[
    ("dashboard", "/", "Dashboard", Capability::ReadStatus),
    ("criteria", "/criteria", "Criteria", Capability::ReadStatus),
    ("runs", "/runs", "Runs", Capability::ReadRecords),
    (
        "exceptions",
        "/exceptions",
        "Exceptions",
        Capability::ReadRecords,
    ),
    (
        "assessments",
        "/assessments",
        "Assessments",
        Capability::ReadRecords,
    ),
    (
        "inquiries",
        "/inquiries",
        "Register",
        Capability::ReadRegister,
    ),
    ("users", "/admin/users", "Users", Capability::Admin),
    ("tokens", "/admin/tokens", "Tokens", Capability::Admin),
];

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.add_filter("when", when);
    for (name, source) in TEMPLATES {
        // A broken built-in template is a bug; the tests render every page.
        if let Err(e) = env.add_template(name, source) {
            tracing::error!(template = name, error = %e, "template does not compile");
        }
    }
    env
});

/// `when`: a time (microseconds since the epoch, or RFC 3339) as
/// `2026-03-10 10:00 UTC`; anything else as it is.
fn when(value: Value) -> String {
    let parsed = if let Some(us) = value.as_i64() {
        DateTime::<Utc>::from_timestamp_micros(us)
    } else if let Some(text) = value.as_str() {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    } else {
        None
    };
    match parsed {
        Some(t) => timestamp(t),
        None if value.is_none() || value.is_undefined() => String::new(),
        None => value.to_string(),
    }
}

/// A time as pages show it.
pub(super) fn timestamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A serialisable value as a template value.
pub(super) fn v<T: Serialize>(value: T) -> Value {
    Value::from(minijinja::value::Serde(value))
}

/// Renders template `name` with `context`.
pub(super) fn render(name: &str, context: Value) -> Result<String, ApiError> {
    ENV.get_template(name)
        .and_then(|t| t.render(context))
        .map_err(|e| ApiError::internal(&format!("template {name}: {e:#}")))
}

/// A page's result: the page, or an error page.
pub type PageResult = Result<Response, PageError>;

/// An error answered with an error page (status and message, escaped).
#[derive(Debug)]
pub struct PageError(pub ApiError);

impl<E: Into<ApiError>> From<E> for PageError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(&self.0)
    }
}

/// Whether `path` is a page (everything outside `/api`), whose errors are pages.
pub fn is_page_path(path: &str) -> bool {
    !(path == "/api" || path.starts_with("/api/"))
}

/// The error page of `error`.
pub fn error_page(error: &ApiError) -> Response {
    let context = context! {
        ..layout(&Principal::Anonymous, "", "Error"),
        ..context! {
            status => error.status.as_u16(),
            reason => error.status.canonical_reason().unwrap_or("Error"),
            message => &error.message,
            code => error.code,
        }
    };
    match render("error.html", context) {
        Ok(html) => (error.status, Html(html)).into_response(),
        // The template failed (logged): a plain page that needs no template.
        Err(_) => (
            error.status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{} {}", error.status.as_u16(), error.code),
        )
            .into_response(),
    }
}

/// The answer to a request nobody is signed in for: the sign-in page, which comes
/// back to `uri` afterwards.
pub fn to_sign_in(uri: &Uri) -> Response {
    let back = uri.path_and_query().map_or("/", |p| p.as_str());
    redirect(&format!("/login?next={}", encode(back)))
}

/// A 303 to `to` (after a form's change, so that reloading does not repeat it).
pub fn redirect(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Percent-encodes `text` for a query value.
pub(super) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The layout's variables: title, navigation, who is signed in, the CSRF token for
/// forms (`q` is `?csrf=…` for form actions), asset links.
pub(super) fn layout(principal: &Principal, active: &str, title: &str) -> Value {
    #[derive(Serialize)]
    struct NavItem {
        id: &'static str,
        href: &'static str,
        label: &'static str,
        active: bool,
    }
    let nav: Vec<NavItem> = NAV
        .iter()
        .filter(|(_, _, _, needs)| principal.may(*needs))
        .map(|&(id, href, label, _)| NavItem {
            id,
            href,
            label,
            active: id == active,
        })
        .collect();
    let user = match principal {
        Principal::User { name, role, .. } | Principal::Token { name, role, .. } => {
            Some(context! { name, role => role.as_str() })
        }
        Principal::Anonymous => None,
    };
    let csrf = principal.csrf().unwrap_or_default();
    let q = if csrf.is_empty() {
        String::new()
    } else {
        format!("?csrf={csrf}")
    };
    context! {
        title,
        page => active,
        nav => v(nav),
        user,
        session => matches!(principal, Principal::User { .. }),
        csrf,
        q,
        css => super::assets::url("app.css"),
        js => super::assets::url("app.js"),
        version => testat_project::TOOL_VERSION,
    }
}

/// A page: template `name` with the layout for `principal` (`active` marks the
/// navigation entry) and the page's own `context`.
pub(super) fn page(
    principal: &Principal,
    name: &str,
    active: &str,
    title: &str,
    context: Value,
) -> PageResult {
    page_with_status(StatusCode::OK, principal, name, active, title, context)
}

/// [`page`] with another status (a form shown again with its error).
pub(super) fn page_with_status(
    status: StatusCode,
    principal: &Principal,
    name: &str,
    active: &str,
    title: &str,
    context: Value,
) -> PageResult {
    let all = context! { ..layout(principal, active, title), ..context };
    Ok((status, Html(render(name, all)?)).into_response())
}

/// What a principal may do, for templates that show forms and links only to those
/// who may use them.
pub(super) fn abilities(principal: &Principal) -> Value {
    context! {
        read_records => principal.may(Capability::ReadRecords),
        write_records => principal.may(Capability::WriteRecords),
        read_catalog => principal.may(Capability::ReadCatalog),
        read_register => principal.may(Capability::ReadRegister),
        write_register => principal.may(Capability::WriteRegister),
        admin => principal.may(Capability::Admin),
    }
}

/// Path parameters; a malformed one is an error page.
#[derive(Debug)]
pub struct PathArg<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PathArg<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        crate::api::PathParam::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Self(p.0))
            .map_err(PageError)
    }
}

/// Query parameters; malformed ones are an error page.
#[derive(Debug)]
pub struct QueryArg<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryArg<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        crate::api::QueryParams::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Self(p.0))
            .map_err(PageError)
    }
}

/// A URL-encoded form body; a malformed one is an error page.
#[derive(Debug)]
pub struct FormBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for FormBody<T> {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &S) -> Result<Self, PageError> {
        match axum::Form::<T>::from_request(request, state).await {
            Ok(axum::Form(value)) => Ok(Self(value)),
            Err(rejection) => Err(PageError(ApiError::new(
                rejection.status(),
                "bad_request",
                rejection.body_text(),
            ))),
        }
    }
}

/// The text of a form field, trimmed; `None` when empty.
pub(super) fn optional(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// A date field (`YYYY-MM-DD`), `None` when empty.
pub(super) fn optional_date(text: &str, field: &str) -> Result<Option<NaiveDate>, PageError> {
    optional(text)
        .map(|t| {
            NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| {
                PageError(ApiError::unprocessable(format!(
                    "{field}: `{t}` is not a date like 2026-03-31"
                )))
            })
        })
        .transpose()
}

/// A date field that must be filled in.
pub(super) fn date(text: &str, field: &str) -> Result<NaiveDate, PageError> {
    optional_date(text, field)?.ok_or_else(|| {
        PageError(ApiError::unprocessable(format!(
            "{field}: a date is needed"
        )))
    })
}

/// A comma- or line-separated list field.
pub(super) fn list(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;

    #[test]
    fn every_template_compiles() {
        for (name, _) in TEMPLATES {
            ENV.get_template(name)
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
        }
    }

    #[test]
    fn navigation_entries_are_routes_with_the_same_access() {
        let endpoints = crate::routes::endpoints();
        for (id, href, _, needs) in NAV {
            let route = endpoints
                .iter()
                .find(|e| e.method == axum::http::Method::GET && e.path == *href)
                .unwrap_or_else(|| panic!("no page {href} for {id}"));
            assert_eq!(route.access, crate::routes::Access::Needs(*needs), "{href}");
        }
    }

    #[test]
    fn query_values_are_encoded_and_pages_are_outside_api() {
        assert_eq!(encode("/runs?a=1&b=x y"), "/runs%3Fa%3D1%26b%3Dx%20y");
        assert!(is_page_path("/criteria/CRY-03") && is_page_path("/apis"));
        assert!(!is_page_path("/api") && !is_page_path("/api/status"));
        assert_eq!(when(Value::from(0)), "1970-01-01 00:00 UTC");
        assert_eq!(list("a, b\nc,,"), vec!["a", "b", "c"]);
    }
}
