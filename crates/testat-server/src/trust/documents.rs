//! Documents on the trust page, for outsiders: public ones download directly; gated
//! ones are requested (name, e-mail, company, the NDA version shown and an explicit
//! acceptance), an admin approves or denies, and an approval's link downloads until it
//! expires. Requests and link downloads are in the audit log (the store writes them
//! with their events); public downloads are not, so that anonymous traffic cannot grow
//! the log or move the audit head that keys the page cache.
//!
//! Everything an outsider sends is untrusted: lengths are limited, the e-mail address
//! must look like one, control characters are refused, and public requests are limited
//! per address (counted in the database, so every instance shares the count).

use axum::Json;
use axum::extract::{FromRequest, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use testat_store::{NewAccessRequest, Stamp, StoreError, TrustDocument};

use super::page;
use super::snapshot::offered_document;
use crate::api::PathParam;
use crate::auth::{Principal, Secret};
use crate::error::{ApiError, ApiResult};
use crate::security::{REPORT_CSP, client_address};
use crate::state::AppState;

/// The longest name and company accepted, in characters.
pub const MAX_FIELD_CHARS: usize = 200;
/// The longest e-mail address accepted (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// The largest request body accepted for a request form, in bytes.
pub const MAX_REQUEST_BYTES: usize = 16 * 1024;
/// The longest link secret looked up.
const MAX_SECRET_CHARS: usize = 128;
/// The prefix of link secrets.
pub const LINK_PREFIX: &str = "tl_";

/// A request for a gated document (JSON).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentRequest {
    /// The requester's name.
    pub name: String,
    /// Their e-mail address.
    pub email: String,
    /// Their company.
    pub company: String,
    /// The NDA version shown to them.
    pub nda_version: i64,
    /// That they accept the NDA (must be true).
    pub accept: bool,
}

/// The same, from the page's form (`accept` is the checkbox: present when ticked).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormRequest {
    name: String,
    email: String,
    company: String,
    nda_version: i64,
    #[serde(default)]
    accept: Option<String>,
}

/// The answer to a request.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RequestReceived {
    /// The request's ID.
    pub id: i64,
    /// What happens next.
    pub message: String,
}

const THANKS: &str = "Thank you. Your request was recorded; an administrator of the provider will decide on it, and if it is approved you will receive a download link that works for a limited time.";

/// Whether `email` has the shape of an address: one `@`, a local part of 1 to 64
/// visible characters without quotes, and a domain of at least two labels of letters,
/// digits and hyphens.
pub fn email_shape(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    local_ok && domain_ok
}

fn checked_text(field: &str, value: &str, max: usize) -> ApiResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ApiError::unprocessable(format!("{field}: required")));
    }
    if value.chars().count() > max {
        return Err(ApiError::unprocessable(format!(
            "{field}: at most {max} characters"
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(ApiError::unprocessable(format!(
            "{field}: control characters are not allowed"
        )));
    }
    Ok(value.to_owned())
}

fn checked(request: DocumentRequest) -> ApiResult<DocumentRequest> {
    let name = checked_text("name", &request.name, MAX_FIELD_CHARS)?;
    let company = checked_text("company", &request.company, MAX_FIELD_CHARS)?;
    let email = checked_text("email", &request.email, MAX_EMAIL_CHARS)?;
    if !email_shape(&email) {
        return Err(ApiError::unprocessable(
            "email: not an e-mail address (name@example.com)",
        ));
    }
    if !request.accept {
        return Err(ApiError::unprocessable(
            "accept: the NDA must be accepted explicitly to request this document",
        ));
    }
    Ok(DocumentRequest {
        name,
        email,
        company,
        ..request
    })
}

/// Whether the request came from the page's form (an HTML answer) or as JSON.
fn is_form(headers: &HeaderMap) -> Option<bool> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        Some(true)
    } else if content_type.starts_with("application/json") {
        Some(false)
    } else {
        None
    }
}

async fn read_request(request: Request, form: bool) -> ApiResult<DocumentRequest> {
    if form {
        let axum::Form(f) = axum::Form::<FormRequest>::from_request(request, &())
            .await
            .map_err(|r| ApiError::new(r.status(), "bad_request", r.body_text()))?;
        Ok(DocumentRequest {
            name: f.name,
            email: f.email,
            company: f.company,
            nda_version: f.nda_version,
            accept: f
                .accept
                .is_some_and(|v| matches!(v.as_str(), "yes" | "on" | "true")),
        })
    } else {
        let crate::api::Body(body) =
            crate::api::Body::<DocumentRequest>::from_request(request, &()).await?;
        Ok(body)
    }
}

/// Counts one public request from `address`; refuses it when the address made as many
/// as the per-address sign-in limit within the sign-in window (default 20 in 15
/// minutes), counted apart from sign-ins (key `access:ADDRESS`).
async fn rate_limit(state: &AppState, address: &str) -> ApiResult<()> {
    let now = state.now();
    let config = state.config();
    let window = now - Duration::minutes(config.login_window_minutes.max(1));
    let key = format!("access:{address}");
    let store = state.store();
    if store.login_failures(&key, window).await? >= config.login_limit.1.max(1) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "too many requests from this address; try again later",
        ));
    }
    store.note_login_failure(&[&key], now).await?;
    Ok(())
}

/// `POST /trust/documents/{id}/request`: records a request for a gated document.
pub async fn request_access(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam<i64>,
    request: Request,
) -> Response {
    let form = is_form(request.headers());
    let answer = async {
        let Some(form) = form else {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the form (application/x-www-form-urlencoded) or JSON",
            ));
        };
        let (parts, body) = request.into_parts();
        let address = client_address(&parts, state.config().behind_proxy);
        rate_limit(&state, &address).await?;
        // A public, withdrawn, unpublished or unknown document is 404 whatever was sent.
        let Some(document) = offered_document(&state, id)
            .await?
            .filter(|d| d.gated)
        else {
            return Err(no_such_gated_document(id));
        };
        let body = axum::body::Body::new(http_body_util::Limited::new(body, MAX_REQUEST_BYTES));
        let wanted = checked(read_request(Request::from_parts(parts, body), form).await?)?;
        let new = NewAccessRequest {
            document_id: document.id,
            name: wanted.name,
            email: wanted.email,
            company: wanted.company,
            nda_version: wanted.nda_version,
            address,
        };
        match state
            .store()
            .request_access(&new, &state.stamp(&principal))
            .await
        {
            Ok(id) => Ok(id),
            Err(StoreError::Stale { .. }) => Err(ApiError::conflict(
                "the NDA has changed since the page was loaded; reload the page, read the new NDA and send the request again",
            )),
            Err(StoreError::Missing { .. }) => Err(no_such_gated_document(id)),
            Err(e) => Err(e.into()),
        }
    }
    .await;
    match (answer, form) {
        (Ok(id), Some(false)) => (
            StatusCode::ACCEPTED,
            Json(RequestReceived {
                id,
                message: THANKS.to_owned(),
            }),
        )
            .into_response(),
        (Ok(_), _) => page::message_page(StatusCode::ACCEPTED, "Request received", THANKS),
        (Err(e), Some(true)) => page::error_response(&e),
        (Err(e), _) => e.into_response(),
    }
}

fn no_such_gated_document(id: i64) -> ApiError {
    ApiError::not_found(format!(
        "document {id} is not offered on request on the trust page"
    ))
}

/// A file name safe in a `Content-Disposition` header: ASCII letters, digits and `.-_`
/// kept, anything else `_`, at most 100 characters, never empty or starting with `.`.
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "document".to_owned()
    } else {
        cleaned
    }
}

async fn attachment(state: &AppState, document: &TrustDocument) -> ApiResult<Response> {
    let content = state.store().file_content(&document.sha256).await?;
    let media_type = HeaderValue::from_str(&document.media_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}\"",
        safe_file_name(&document.name)
    ))
    .map_err(|e| ApiError::internal(&e))?;
    Ok((
        [
            (header::CONTENT_TYPE, media_type),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(REPORT_CSP),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        content,
    )
        .into_response())
}

/// `GET /trust/documents/{id}`: a public document of the newest snapshot.
pub async fn download_public(
    State(state): State<AppState>,
    PathParam(id): PathParam<i64>,
) -> Response {
    let answer = async {
        match offered_document(&state, id).await? {
            Some(d) if !d.gated => attachment(&state, &d).await,
            _ => Err(ApiError::not_found(format!(
                "document {id} is not offered for download on the trust page"
            ))),
        }
    }
    .await;
    answer.unwrap_or_else(|e| page::error_response(&e))
}

/// `GET /trust/download/{secret}`: the document of an approved request, while its link
/// is valid (by the server's clock); 410 after expiry. Every download is recorded.
pub async fn download_by_link(
    State(state): State<AppState>,
    parts: Parts,
    PathParam(secret): PathParam<String>,
) -> Response {
    let answer = async {
        let unknown = || ApiError::not_found("no such download link");
        if secret.len() > MAX_SECRET_CHARS || !secret.starts_with(LINK_PREFIX) {
            return Err(unknown());
        }
        let Some(request) = state.store().access_by_link(&Secret::hash(&secret)).await? else {
            return Err(unknown());
        };
        let now = state.now();
        if request.link_expires_at.is_none_or(|until| now >= until) {
            return Err(ApiError::new(
                StatusCode::GONE,
                "gone",
                "this download link has expired; ask the provider for a new one",
            ));
        }
        let document = state.store().document(request.document_id).await?;
        if document.withdrawn_at.is_some() {
            return Err(ApiError::new(
                StatusCode::GONE,
                "gone",
                "this document was withdrawn by the provider",
            ));
        }
        let address = client_address(&parts, state.config().behind_proxy);
        state
            .store()
            .note_download(
                document.id,
                Some(request.id),
                &address,
                &Stamp {
                    actor: format!("access-request {}", request.id),
                    at: now,
                },
            )
            .await?;
        attachment(&state, &document).await
    }
    .await;
    answer.unwrap_or_else(|e| page::error_response(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses_must_have_their_shape() {
        for good in [
            "a@example.com",
            "first.last+tag@mail.example.co.uk",
            "x_y@a-b.de",
        ] {
            assert!(email_shape(good), "{good}");
        }
        for bad in [
            "",
            "a",
            "a@",
            "@example.com",
            "a@example",
            "a@@example.com",
            "a b@example.com",
            "\"a\"@example.com",
            "a@exa mple.com",
            "a@-example.com",
            "a..b@example.com",
            "<script>@example.com",
            "a@example.c0m",
        ] {
            assert!(!email_shape(bad), "{bad}");
        }
    }

    #[test]
    fn file_names_are_safe_in_headers() {
        assert_eq!(safe_file_name("C5 report 2026.pdf"), "C5_report_2026.pdf");
        assert_eq!(safe_file_name("\"; x=\r\n.pdf"), "___x___.pdf");
        assert_eq!(safe_file_name("..."), "document");
        assert_eq!(safe_file_name("Prüfbericht.pdf"), "Pr_fbericht.pdf");
    }
}
