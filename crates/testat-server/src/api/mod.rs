//! The JSON API under `/api`: one module per resource, each listing its endpoints with
//! the access they need.

pub mod admin;
pub mod assessments;
pub mod attestations;
pub mod audit;
pub mod catalog;
mod common;
pub mod evidence;
pub mod exceptions;
pub mod findings;
pub mod health;
pub mod inquiries;
pub mod runs;
pub mod session;
pub mod status;
pub mod trust;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::routes::Endpoint;

pub use session::sign_in;

/// Every API endpoint.
pub fn endpoints() -> Vec<Endpoint> {
    let mut all = Vec::new();
    all.extend(health::endpoints());
    all.extend(session::endpoints());
    all.extend(catalog::endpoints());
    all.extend(status::endpoints());
    all.extend(runs::endpoints());
    all.extend(admin::endpoints());
    all.extend(evidence::endpoints());
    all.extend(attestations::endpoints());
    all.extend(exceptions::endpoints());
    all.extend(inquiries::endpoints());
    all.extend(assessments::endpoints());
    all.extend(audit::endpoints());
    all.extend(findings::endpoints());
    all.extend(trust::endpoints());
    all
}

/// The answer to a path no route matches.
pub async fn not_found() -> ApiError {
    ApiError::not_found("no such page or API route")
}

/// A JSON body whose errors (malformed JSON, unknown or missing fields, a wrong
/// content type) are answered as [`ApiError`]s with a JSON body.
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(ApiError::new(
                rejection.status(),
                "bad_request",
                rejection.body_text(),
            )),
        }
    }
}

/// Path parameters, with errors as [`ApiError`]s.
#[derive(Debug)]
pub struct PathParam<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PathParam<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(ApiError::bad_request(rejection.body_text())),
        }
    }
}

/// Query parameters, with errors as [`ApiError`]s.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(ApiError::bad_request(rejection.body_text())),
        }
    }
}

/// Who is asking (set by [`crate::auth::authorize`]).
impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(parts
            .extensions
            .get::<Principal>()
            .cloned()
            .unwrap_or(Principal::Anonymous))
    }
}
