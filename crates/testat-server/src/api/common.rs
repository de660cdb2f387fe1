//! What several API modules share: criterion look-ups with the right status, JSON
//! answers, and documents handed out as downloads.

use axum::Json;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiResult};
use crate::security::REPORT_CSP;
use crate::state::AppState;

/// `value` as a JSON answer (a failure to encode is ours, not the client's).
pub(crate) fn to_json<T: Serialize>(value: &T) -> ApiResult<Json<serde_json::Value>> {
    serde_json::to_value(value)
        .map(Json)
        .map_err(|e| ApiError::internal(&e))
}

/// The catalogue's ID of a criterion named in a request body: 422 when unknown.
pub(crate) fn body_criterion(state: &AppState, input: &str) -> ApiResult<String> {
    state
        .project()
        .catalog()
        .get(input)
        .map(|c| c.id.clone())
        .map_err(|e| ApiError::unprocessable(e.to_string()))
}

/// The catalogue's ID of a criterion named in the path or the query: 404 when unknown.
pub(crate) fn named_criterion(state: &AppState, input: &str) -> ApiResult<String> {
    state
        .project()
        .catalog()
        .get(input)
        .map(|c| c.id.clone())
        .map_err(|e| ApiError::not_found(e.to_string()))
}

/// A JSON body that may be left out (an empty body is `T::default()`); errors as
/// [`super::Body`] answers them.
pub(crate) async fn optional_body<T: DeserializeOwned + Default>(request: Request) -> ApiResult<T> {
    let bytes = axum::body::Bytes::from_request(request, &())
        .await
        .map_err(|r| ApiError::new(r.status(), "bad_request", r.body_text()))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    Json::<T>::from_bytes(&bytes)
        .map(|Json(value)| value)
        .map_err(|r| ApiError::new(r.status(), "bad_request", r.body_text()))
}

/// A 201 answer with `body`.
pub(crate) fn created<T: Serialize>(body: &T) -> ApiResult<Response> {
    Ok((StatusCode::CREATED, to_json(body)?).into_response())
}

/// The bytes of a file, in the OpenAPI document.
#[derive(Debug, utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code, reason = "documents a body; never built")]
pub struct FileBytes(Vec<u8>);

/// A document to hand out: its bytes, media type and file name.
#[derive(Debug)]
pub(crate) struct Document {
    /// The content.
    pub bytes: Vec<u8>,
    /// The media type (with a charset for text).
    pub media_type: &'static str,
    /// The file name offered to the browser.
    pub file_name: String,
}

impl IntoResponse for Document {
    fn into_response(self) -> Response {
        let mut response = self.bytes.into_response();
        download_headers(response.headers_mut(), self.media_type, &self.file_name);
        response
    }
}

/// The headers of a download: media type, `Content-Disposition: attachment`, no
/// sniffing, and the report policy (nothing in it runs or loads, even if a browser
/// opens it).
pub(crate) fn download_headers(headers: &mut axum::http::HeaderMap, media_type: &str, name: &str) {
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(media_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CONTENT_DISPOSITION, attachment(name));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(REPORT_CSP),
    );
}

/// `attachment; filename="…"; filename*=UTF-8''…` for `name`: the quoted form keeps
/// printable ASCII only (others become `_`), the encoded form keeps the name as it is.
pub(crate) fn attachment(name: &str) -> HeaderValue {
    let plain: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() || c == ' ') && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or(HeaderValue::from_static("attachment"))
}

#[cfg(test)]
mod tests {
    use super::attachment;

    #[test]
    fn attachment_names_are_quoted_safely() {
        assert_eq!(
            attachment("report.pdf"),
            "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"
        );
        assert_eq!(
            attachment("Prüf \"x\";\r\n.txt"),
            "attachment; filename=\"Pr_f _x_;__.txt\"; filename*=UTF-8''Pr%C3%BCf%20%22x%22%3B%0D%0A.txt"
        );
    }
}
