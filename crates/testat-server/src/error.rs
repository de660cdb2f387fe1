//! The one error of the server: a status and a message for the client, never an
//! internal detail. API routes answer with a JSON body, pages with an error page.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use testat_project::ProjectError;
use testat_store::StoreError;

/// A request that cannot be served.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status}: {message}")]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable, machine-readable code (`forbidden`, `not_found`).
    pub code: &'static str,
    /// What went wrong, for people.
    pub message: String,
}

/// The JSON body of an error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// The HTTP status.
    pub status: u16,
    /// A stable code.
    pub code: String,
    /// A message for people.
    pub message: String,
}

impl ApiError {
    /// An error with `status` and `code`.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400: the request is malformed.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 401: no valid credentials.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// 403: the credentials do not allow this.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 404: nothing here.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 409: it conflicts with what is stored.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// 422: well-formed, but the content is refused.
    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
    }

    /// 500: a fault on our side; the details go to the log, not to the client.
    pub fn internal(detail: &dyn std::fmt::Display) -> Self {
        tracing::error!(%detail, "request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server could not complete the request; the log has the details",
        )
    }

    /// The JSON body.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                status: self.status.as_u16(),
                code: self.code.to_owned(),
                message: self.message.clone(),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match &e {
            StoreError::Missing { .. } => Self::not_found(e.to_string()),
            StoreError::Busy { .. } => {
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "busy", e.to_string())
            }
            StoreError::Taken { .. } | StoreError::Stale { .. } | StoreError::Exists { .. } => {
                Self::conflict(e.to_string())
            }
            StoreError::Incomplete { .. }
            | StoreError::FileAndLink
            | StoreError::NoEvidence
            | StoreError::Period { .. }
            | StoreError::Inquiry(_) => Self::unprocessable(e.to_string()),
            StoreError::Evidence {
                problem:
                    testat_store::EvidenceProblem::TooLarge { .. }
                    | testat_store::EvidenceProblem::GrewTooLarge { .. },
                ..
            } => Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", e.to_string()),
            StoreError::NotAFile { .. } => Self::not_found(e.to_string()),
            StoreError::Evidence {
                problem: testat_store::EvidenceProblem::Altered { .. },
                ..
            } => {
                tracing::error!(error = %e, "stored evidence file altered");
                Self::conflict(
                    "the stored file does not match its recorded SHA-256: it was altered; `testat verify` names it",
                )
            }
            StoreError::NoEvidenceFolder { .. } => {
                Self::conflict("this store keeps no evidence files: it has no evidence folder")
            }
            StoreError::NoSigningKey { .. } => {
                Self::conflict("this store has no signing key, so it cannot sign a bundle")
            }
            _ => Self::internal(&e),
        }
    }
}

impl From<ProjectError> for ApiError {
    fn from(e: ProjectError) -> Self {
        match e {
            ProjectError::Store(e) => e.into(),
            ProjectError::Catalog(testat_catalog::CatalogError::UnknownCriterion { .. }) => {
                Self::not_found(e.to_string())
            }
            ProjectError::Assessment(_) | ProjectError::UnknownRule { .. } => {
                Self::unprocessable(e.to_string())
            }
            other => Self::internal(&other),
        }
    }
}

impl From<testat_inquiry::InquiryError> for ApiError {
    fn from(e: testat_inquiry::InquiryError) -> Self {
        Self::unprocessable(e.to_string())
    }
}

/// The result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
