//! Signing in and out: `GET /login` shows the form, `POST /login` checks it through
//! the API's sign-in (same limits, same cookie) and goes on to the page asked for;
//! `POST /logout` ends the session. A sign-in form posted from another site is refused.

use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::routing::{get, post};
use minijinja::context;
use serde::Deserialize;

use super::page::{FormBody, PageResult, QueryArg, page_with_status, redirect};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::routes::{Access, Endpoint};
use crate::state::AppState;

pub(super) fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(Method::GET, "/login", Access::Public, get(form)),
        Endpoint::new(Method::POST, "/login", Access::Public, post(sign_in)),
        Endpoint::new(Method::POST, "/logout", Access::Public, post(sign_out)),
    ]
}

/// Where to go after signing in: a path on this server, never another site.
fn local(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control)
                && !n.starts_with("/login")
                && !n.starts_with("/logout") =>
        {
            n
        }
        _ => "/",
    }
}

#[derive(Debug, Deserialize)]
struct Next {
    next: Option<String>,
}

async fn form(principal: Principal, QueryArg(q): QueryArg<Next>) -> PageResult {
    let next = local(q.next.as_deref());
    if matches!(principal, Principal::User { .. }) {
        return Ok(redirect(next));
    }
    show(StatusCode::OK, "", next, None)
}

fn show(status: StatusCode, name: &str, next: &str, error: Option<&str>) -> PageResult {
    page_with_status(
        status,
        &Principal::Anonymous,
        "login.html",
        "login",
        "Sign in",
        context! { name, next, error },
    )
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignIn {
    name: String,
    password: String,
    #[serde(default)]
    next: String,
}

async fn sign_in(
    State(state): State<AppState>,
    parts: Parts,
    FormBody(form): FormBody<SignIn>,
) -> PageResult {
    let next = local(Some(&form.next));
    // Another site must not sign a browser in to an account of its choosing (login
    // CSRF): browsers say where a form came from.
    if parts
        .headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"))
    {
        return Err(ApiError::forbidden("signing in from another site is refused").into());
    }
    match crate::api::sign_in(&state, &parts, &form.name, &form.password).await {
        Ok(signed) => {
            let mut response = redirect(next);
            response
                .headers_mut()
                .insert(header::SET_COOKIE, signed.cookie);
            Ok(response)
        }
        Err(e)
            if matches!(
                e.status,
                StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS
            ) =>
        {
            show(e.status, &form.name, next, Some(&e.message))
        }
        Err(e) => Err(e.into()),
    }
}

async fn sign_out(State(state): State<AppState>, parts: Parts) -> PageResult {
    crate::api::session::sign_out(&state, &parts).await?;
    let mut response = redirect("/login");
    let clear: HeaderValue = crate::api::session::clear_cookie();
    response.headers_mut().insert(header::SET_COOKIE, clear);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::local;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(local(Some("/criteria/CRY-03?x=1")), "/criteria/CRY-03?x=1");
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil",
            "/login",
            "",
            "x",
        ] {
            assert_eq!(local(Some(bad)), "/", "{bad}");
        }
        assert_eq!(local(None), "/");
    }
}
