//! Who is asking, and what they may do: API tokens (`Authorization: Bearer …`),
//! browser sessions (a cookie plus a CSRF token for every change), roles and the
//! capabilities each role has. [`authorize`] runs before every handler and refuses a
//! request the route table does not allow.

mod password;
mod secret;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use testat_records::Role;

pub use password::{hash_password, verify_password};
pub use secret::{Secret, csrf_matches, new_secret};

use crate::error::ApiError;
use crate::routes::{Access, access_of};
use crate::state::AppState;

/// The cookie that carries a browser session.
pub const SESSION_COOKIE: &str = "testat_session";
/// The header (or query parameter `csrf`) that carries the CSRF token of a session.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Capability {
    /// Read the status of the criteria.
    ReadStatus,
    /// Read the catalogue and the rules.
    ReadCatalog,
    /// Read runs, findings, evidence, attestations, exceptions, assessments, reports.
    ReadRecords,
    /// Add evidence, attestations, exceptions; upload scan results.
    WriteRecords,
    /// Read the register of investigation requests.
    ReadRegister,
    /// Change the register.
    WriteRegister,
    /// Export audit bundles and check the audit log.
    Export,
    /// Manage users and tokens; publish the trust page.
    Admin,
}

impl Capability {
    /// Every capability.
    pub const ALL: [Self; 8] = [
        Self::ReadStatus,
        Self::ReadCatalog,
        Self::ReadRecords,
        Self::WriteRecords,
        Self::ReadRegister,
        Self::WriteRegister,
        Self::Export,
        Self::Admin,
    ];
}

/// Whether `role` has `capability`.
pub fn allows(role: Role, capability: Capability) -> bool {
    use Capability::*;
    match role {
        Role::Admin => true,
        Role::Editor => matches!(
            capability,
            ReadStatus | ReadCatalog | ReadRecords | WriteRecords
        ),
        Role::Legal => matches!(
            capability,
            ReadStatus | ReadCatalog | ReadRegister | WriteRegister
        ),
        Role::Auditor => matches!(
            capability,
            ReadStatus | ReadCatalog | ReadRecords | ReadRegister | Export
        ),
        Role::Viewer => matches!(capability, ReadStatus),
    }
}

/// Who made a request that passed [`authorize`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// A signed-in user.
    User {
        /// The user's ID.
        id: i64,
        /// The sign-in name.
        name: String,
        /// The user's role.
        role: Role,
        /// The session's CSRF token, for the forms of pages.
        csrf: String,
    },
    /// An API token.
    Token {
        /// The token's ID.
        id: i64,
        /// Its name.
        name: String,
        /// Its role.
        role: Role,
    },
    /// Nobody (a public route).
    Anonymous,
}

impl Principal {
    /// The name recorded in the audit log: `alice`, or `token:ci-upload`.
    pub fn actor(&self) -> String {
        match self {
            Self::User { name, .. } => name.clone(),
            Self::Token { id, name, .. } => format!("token {id} ({name})"),
            Self::Anonymous => "anonymous".into(),
        }
    }

    /// The role, when somebody is signed in.
    pub fn role(&self) -> Option<Role> {
        match self {
            Self::User { role, .. } | Self::Token { role, .. } => Some(*role),
            Self::Anonymous => None,
        }
    }

    /// The session's CSRF token (users only).
    pub fn csrf(&self) -> Option<&str> {
        match self {
            Self::User { csrf, .. } => Some(csrf),
            _ => None,
        }
    }

    /// Whether the principal may use `capability`.
    pub fn may(&self, capability: Capability) -> bool {
        self.role().is_some_and(|r| allows(r, capability))
    }
}

/// The session secret in the request's cookie, if any.
pub fn session_cookie(request: &axum::http::request::Parts) -> Option<String> {
    cookie(&request.headers, SESSION_COOKIE)
}

fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

fn bearer(headers: &axum::http::HeaderMap) -> Option<Result<String, ApiError>> {
    let value = headers.get(header::AUTHORIZATION)?;
    Some(
        value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::unauthorized("the Authorization header must be `Bearer TOKEN`")
            }),
    )
}

fn query_csrf(uri: &axum::http::Uri) -> Option<String> {
    uri.query()?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == "csrf")
        .map(|(_, v)| v.to_owned())
}

/// Who is asking: a valid bearer token, a live session, or nobody. A bearer token
/// that is unknown, expired or revoked is an error, never a fall back to the session.
pub async fn principal(
    state: &AppState,
    parts: &axum::http::request::Parts,
) -> Result<Principal, ApiError> {
    let now = state.now();
    if let Some(token) = bearer(&parts.headers) {
        let token = token?;
        let Some(found) = state.store().token(&Secret::hash(&token)).await? else {
            return Err(ApiError::unauthorized("unknown API token"));
        };
        if found.revoked_at.is_some() {
            return Err(ApiError::unauthorized("this API token was revoked"));
        }
        if now >= found.expires_at {
            return Err(ApiError::unauthorized("this API token has expired"));
        }
        return Ok(Principal::Token {
            id: found.id,
            name: found.name,
            role: found.role,
        });
    }
    if let Some(secret) = session_cookie(parts)
        && let Some(session) = state.store().session(&Secret::hash(&secret), now).await?
    {
        return Ok(Principal::User {
            id: session.user.id,
            name: session.user.name,
            role: session.user.role,
            csrf: session.csrf_token,
        });
    }
    Ok(Principal::Anonymous)
}

fn unsafe_method(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Checks every request against the route table: public routes pass; others need a
/// principal whose role has the route's capability, and a session's changes need its
/// CSRF token. A matched route without an entry is refused (fail closed).
///
/// Refusals of `/api` routes are JSON; refusals of pages are error pages, and a page
/// asked for (GET) without a valid sign-in goes to the sign-in page, which comes back.
pub async fn authorize(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let page = crate::ui::is_page_path(request.uri().path());
    let reading = matches!(*request.method(), Method::GET | Method::HEAD);
    let uri = request.uri().clone();
    match check(state, request, next).await {
        Ok(response) => response,
        Err(e) if page && reading && e.status == axum::http::StatusCode::UNAUTHORIZED => {
            crate::ui::to_sign_in(&uri)
        }
        Err(e) if page => crate::ui::error_page(&e),
        Err(e) => e.into_response(),
    }
}

async fn check(state: AppState, request: Request, next: Next) -> Result<Response, ApiError> {
    let (mut parts, body) = request.into_parts();
    let matched = parts
        .extensions
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let access = match &matched {
        Some(path) => access_of(&state, &parts.method, path).ok_or_else(|| {
            ApiError::internal(&format!(
                "route {} {path} has no access entry",
                parts.method
            ))
        })?,
        // Unmatched requests reach the fallback (404) as nobody.
        None => Access::Public,
    };
    let principal = match principal(&state, &parts).await {
        Ok(p) => p,
        // A broken token on a public route is still an error: the caller meant to
        // authenticate and should learn that it did not work.
        Err(e) => return Err(e),
    };
    if let Access::Needs(capability) = access {
        if principal == Principal::Anonymous {
            return Err(ApiError::unauthorized(
                "sign in, or send an API token as `Authorization: Bearer TOKEN`",
            ));
        }
        if !principal.may(capability) {
            return Err(ApiError::forbidden(format!(
                "the role {} may not do this",
                principal.role().map_or("none", Role::as_str)
            )));
        }
    }
    if let Some(expected) = principal.csrf()
        && unsafe_method(&parts.method)
    {
        let given = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| query_csrf(&parts.uri));
        if !given.is_some_and(|g| csrf_matches(&g, expected)) {
            return Err(ApiError::forbidden(
                "missing or wrong CSRF token; reload the page and try again",
            ));
        }
    }
    parts.extensions.insert(principal);
    Ok(next.run(Request::from_parts(parts, body)).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_have_the_capabilities_the_issue_describes() {
        use Capability::*;
        for c in Capability::ALL {
            assert!(allows(Role::Admin, c), "admin {c:?}");
        }
        assert!(allows(Role::Viewer, ReadStatus));
        assert!(!allows(Role::Viewer, ReadRecords));
        assert!(allows(Role::Editor, WriteRecords));
        assert!(!allows(Role::Editor, ReadRegister));
        assert!(allows(Role::Legal, WriteRegister));
        assert!(!allows(Role::Legal, WriteRecords));
        assert!(allows(Role::Auditor, ReadRegister) && allows(Role::Auditor, Export));
        assert!(!allows(Role::Auditor, WriteRecords) && !allows(Role::Auditor, WriteRegister));
        assert!(!allows(Role::Auditor, Admin));
    }
}
