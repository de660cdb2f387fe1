//! The OpenAPI 3.1 document of the API, generated from the handlers' annotations and
//! served at `/api/openapi.json`. A test checks its paths against the route table.

use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api;

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Testat API", description = "The team server of Testat: BSI C5 status, runs, evidence, assessments, the register of government investigation requests, and the trust page."),
    paths(
        api::health::health,
        api::session::create, api::session::end,
        api::catalog::list, api::catalog::show,
        api::status::all, api::status::one,
        api::runs::list, api::runs::upload, api::runs::show, api::runs::findings, api::runs::diff,
        api::admin::users, api::admin::add_user, api::admin::disable_user,
        api::admin::tokens, api::admin::add_token, api::admin::revoke_token,
        api::evidence::list, api::evidence::add, api::evidence::show, api::evidence::content,
        api::attestations::list, api::attestations::add,
        api::exceptions::list, api::exceptions::add, api::exceptions::revoke,
        api::inquiries::list, api::inquiries::add, api::inquiries::show,
        api::inquiries::advance, api::inquiries::notify, api::inquiries::bar, api::inquiries::close,
        api::inquiries::due, api::inquiries::report, api::inquiries::evidence,
        api::assessments::assess, api::assessments::assessment_report, api::assessments::customer,
        api::audit::verify, api::audit::bundle,
        api::findings::latest, api::findings::failures,
        api::trust::publish, api::trust::documents, api::trust::add_document, api::trust::withdraw_document,
        api::trust::nda, api::trust::set_nda, api::trust::requests, api::trust::approve, api::trust::deny,
    ),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail)),
    modifiers(&Security),
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// The OpenAPI document as JSON.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
