//! The register of investigation requests from government agencies (C5 INQ): list,
//! one request with its history, record one, the workflow steps (advance, notify,
//! bar, close), what falls due, the banded transparency report and the register's
//! INQ evidence. Whether a step is allowed is decided by `testat-inquiry`; a refused
//! step is a 422 with the rule's message.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;
use testat_inquiry::{InquiryKind, InquiryState, NewInquiry, Period, transparency_report};

use super::common::{Document, created, optional_body, to_json};
use super::{Body, PathParam, QueryParams};
use crate::auth::{Capability, Principal};
use crate::error::{ApiError, ApiResult};
use crate::routes::{Endpoint, needs};
use crate::state::AppState;

/// The longest look ahead of the due list, in days.
pub const MAX_WITHIN_DAYS: i64 = 36_500;

pub(super) fn endpoints() -> Vec<Endpoint> {
    let read = needs(Capability::ReadRegister);
    let write = needs(Capability::WriteRegister);
    vec![
        Endpoint::new(Method::GET, "/api/inquiries", read, get(list)),
        Endpoint::new(Method::POST, "/api/inquiries", write, post(add)),
        Endpoint::new(Method::GET, "/api/inquiries/due", read, get(due)),
        Endpoint::new(Method::GET, "/api/inquiries/report", read, get(report)),
        Endpoint::new(Method::GET, "/api/inquiries/evidence", read, get(evidence)),
        Endpoint::new(Method::GET, "/api/inquiries/{id}", read, get(show)),
        Endpoint::new(
            Method::POST,
            "/api/inquiries/{id}/advance",
            write,
            post(advance),
        ),
        Endpoint::new(
            Method::POST,
            "/api/inquiries/{id}/notify",
            write,
            post(notify),
        ),
        Endpoint::new(Method::POST, "/api/inquiries/{id}/bar", write, post(bar)),
        Endpoint::new(
            Method::POST,
            "/api/inquiries/{id}/close",
            write,
            post(close),
        ),
    ]
}

/// A request to record (state `received`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInquiryBody {
    /// The day it arrived (YYYY-MM-DD; not in the future).
    pub received_on: NaiveDate,
    /// How it arrived (letter, e-mail, portal, …).
    pub channel: String,
    /// The requesting authority.
    pub authority: String,
    /// The authority's country (ISO 3166-1 alpha-2, e.g. DE, US).
    pub country: String,
    /// The legal basis cited.
    pub legal_basis: String,
    /// `data-disclosure`, `preservation`, `interception` or `other`.
    pub kind: String,
    /// The categories of data asked for.
    #[serde(default)]
    pub data_categories: Vec<String>,
    /// The customers or accounts concerned.
    #[serde(default)]
    pub customers: Vec<String>,
    /// The day an answer is due (YYYY-MM-DD).
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
    /// The people handling it (at least one).
    pub handlers: Vec<String>,
}

/// A move to the next state.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    /// The next state: `legal-review`, `rejected`, `challenged`,
    /// `partially-disclosed`, `disclosed` or `closed`.
    pub to: String,
    /// What was decided or done (for disclosures: what was handed over).
    #[serde(default)]
    pub note: Option<String>,
}

/// That the customers concerned were told.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Notify {
    /// The day they were told (YYYY-MM-DD; not in the future).
    pub date: NaiveDate,
    /// How they were told.
    pub how: String,
}

/// That the law forbids telling the customers.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Bar {
    /// The legal reason.
    pub reason: String,
    /// When the bar must be reviewed (YYYY-MM-DD; not in the past).
    pub review: NaiveDate,
}

/// Closing a request.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Close {
    /// A closing remark.
    #[serde(default)]
    pub note: Option<String>,
}

/// How far ahead to look.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    /// Days ahead (0 to 36500; default 7). Overdue items are always listed.
    #[param(minimum = 0, maximum = 36500)]
    pub within: Option<i64>,
}

/// Formats of the transparency report.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TransparencyFormat {
    /// Versioned JSON.
    #[default]
    Json,
    /// Markdown.
    Md,
    /// One self-contained HTML page.
    Html,
}

/// Which transparency report.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// A year (2026), half-year (2026-H1) or quarter (2026-Q3).
    pub period: String,
    /// Counts below this are shown as a band `0-(band-1)` (default 10; 1 shows exact
    /// counts).
    #[param(minimum = 1)]
    pub band: Option<u64>,
    /// `json` (default), `md` or `html`.
    #[param(inline)]
    pub format: Option<TransparencyFormat>,
}

async fn record(state: &AppState, id: i64) -> ApiResult<Json<serde_json::Value>> {
    to_json(&state.store().inquiry(id).await?)
}

/// Every request with its state and history, oldest first.
#[utoipa::path(get, path = "/api/inquiries", operation_id = "list_inquiries", tag = "register", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "Every request", body = serde_json::Value)))]
pub async fn list(State(state): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    to_json(&state.store().inquiries().await?)
}

/// One request with its full history.
#[utoipa::path(get, path = "/api/inquiries/{id}", operation_id = "show_inquiry", tag = "register", security(("token" = []), ("session" = [])),
    params(("id" = i64, Path, description = "Request ID")),
    responses((status = 200, description = "The request", body = serde_json::Value),
        (status = 404, description = "No such request", body = crate::error::ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    PathParam(id): PathParam<i64>,
) -> ApiResult<Json<serde_json::Value>> {
    record(&state, id).await
}

/// Records a request from a government agency (state `received`).
#[utoipa::path(post, path = "/api/inquiries", operation_id = "add_inquiry", tag = "register", security(("token" = []), ("session" = [])),
    request_body = NewInquiryBody,
    responses((status = 201, description = "Recorded; the request", body = serde_json::Value),
        (status = 422, description = "Refused by the register's rules", body = crate::error::ErrorBody)))]
pub async fn add(
    State(state): State<AppState>,
    principal: Principal,
    Body(body): Body<NewInquiryBody>,
) -> ApiResult<Response> {
    let new = NewInquiry {
        received_on: body.received_on,
        channel: body.channel,
        authority: body.authority,
        country: body.country,
        legal_basis: body.legal_basis,
        kind: body.kind.parse::<InquiryKind>()?,
        data_categories: body.data_categories,
        customers: body.customers,
        deadline: body.deadline,
        handlers: body.handlers,
    };
    let id = state
        .store()
        .add_inquiry(&new, &state.stamp(&principal))
        .await?;
    created(&state.store().inquiry(id).await?)
}

/// Moves a request to its next state (received → legal-review → rejected |
/// challenged | partially-disclosed | disclosed → closed).
#[utoipa::path(post, path = "/api/inquiries/{id}/advance", operation_id = "advance_inquiry", tag = "register", security(("token" = []), ("session" = [])),
    params(("id" = i64, Path, description = "Request ID")),
    request_body = Advance,
    responses((status = 200, description = "Moved; the request", body = serde_json::Value),
        (status = 404, description = "No such request", body = crate::error::ErrorBody),
        (status = 422, description = "Unknown state, or a move the workflow does not allow", body = crate::error::ErrorBody)))]
pub async fn advance(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam<i64>,
    Body(body): Body<Advance>,
) -> ApiResult<Json<serde_json::Value>> {
    let to = body.to.parse::<InquiryState>()?;
    state
        .store()
        .advance_inquiry(id, to, body.note.as_deref(), &state.stamp(&principal))
        .await?;
    record(&state, id).await
}

/// Records that the customers concerned were told.
#[utoipa::path(post, path = "/api/inquiries/{id}/notify", operation_id = "notify_inquiry", tag = "register", security(("token" = []), ("session" = [])),
    params(("id" = i64, Path, description = "Request ID")),
    request_body = Notify,
    responses((status = 200, description = "Recorded; the request", body = serde_json::Value),
        (status = 404, description = "No such request", body = crate::error::ErrorBody),
        (status = 422, description = "Refused by the register's rules", body = crate::error::ErrorBody)))]
pub async fn notify(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam<i64>,
    Body(body): Body<Notify>,
) -> ApiResult<Json<serde_json::Value>> {
    state
        .store()
        .notify_inquiry(id, body.date, &body.how, &state.stamp(&principal))
        .await?;
    record(&state, id).await
}

/// Records that the law forbids telling the customers, and when to review that.
#[utoipa::path(post, path = "/api/inquiries/{id}/bar", operation_id = "bar_notification", tag = "register", security(("token" = []), ("session" = [])),
    params(("id" = i64, Path, description = "Request ID")),
    request_body = Bar,
    responses((status = 200, description = "Recorded; the request", body = serde_json::Value),
        (status = 404, description = "No such request", body = crate::error::ErrorBody),
        (status = 422, description = "Refused by the register's rules", body = crate::error::ErrorBody)))]
pub async fn bar(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam<i64>,
    Body(body): Body<Bar>,
) -> ApiResult<Json<serde_json::Value>> {
    state
        .store()
        .bar_notification(id, &body.reason, body.review, &state.stamp(&principal))
        .await?;
    record(&state, id).await
}

/// Closes a request (it needs a notification decision first).
#[utoipa::path(post, path = "/api/inquiries/{id}/close", operation_id = "close_inquiry", tag = "register", security(("token" = []), ("session" = [])),
    params(("id" = i64, Path, description = "Request ID")),
    request_body(content = Option<Close>, description = "A closing remark (the body may be left out)", content_type = "application/json"),
    responses((status = 200, description = "Closed; the request", body = serde_json::Value),
        (status = 404, description = "No such request", body = crate::error::ErrorBody),
        (status = 422, description = "Refused by the register's rules", body = crate::error::ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam<i64>,
    request: Request,
) -> ApiResult<Json<serde_json::Value>> {
    let body: Close = optional_body(request).await?;
    state
        .store()
        .advance_inquiry(
            id,
            InquiryState::Closed,
            body.note.as_deref(),
            &state.stamp(&principal),
        )
        .await?;
    record(&state, id).await
}

/// Answer deadlines and reviews of notification bars coming up, overdue ones
/// included.
#[utoipa::path(get, path = "/api/inquiries/due", operation_id = "inquiries_due", tag = "register", security(("token" = []), ("session" = [])),
    params(DueQuery),
    responses((status = 200, description = "What falls due, by date", body = serde_json::Value),
        (status = 422, description = "A span out of range", body = crate::error::ErrorBody)))]
pub async fn due(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<DueQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    let days = query.within.unwrap_or(7);
    if !(0..=MAX_WITHIN_DAYS).contains(&days) {
        return Err(ApiError::unprocessable(format!(
            "within: {days} is not 0 to {MAX_WITHIN_DAYS} days"
        )));
    }
    let items = state.project().inquiries_due(state.store(), days).await?;
    to_json(&serde_json::json!({
        "as_of": state.project().clock().today(),
        "within_days": days,
        "items": items,
    }))
}

/// The transparency report of a period, with small counts shown as bands.
#[utoipa::path(get, path = "/api/inquiries/report", operation_id = "transparency_report", tag = "register", security(("token" = []), ("session" = [])),
    params(ReportQuery),
    responses((status = 200, description = "The report", content(
            (serde_json::Value = "application/json"),
            (String = "text/markdown"),
            (String = "text/html"))),
        (status = 422, description = "Not a period, or a band of 0", body = crate::error::ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<ReportQuery>,
) -> ApiResult<Response> {
    let period = query.period.parse::<Period>()?;
    let today = state.project().clock().today();
    let records = state.store().inquiries().await?;
    let report = transparency_report(&records, period, query.band.unwrap_or(10), today)?;
    let name = format!("transparency-{}", query.period.trim().to_ascii_uppercase());
    Ok(match query.format.unwrap_or_default() {
        TransparencyFormat::Json => to_json(&report)?.into_response(),
        TransparencyFormat::Md => Document {
            bytes: testat_report::render_transparency_markdown(&report).into_bytes(),
            media_type: "text/markdown; charset=utf-8",
            file_name: format!("{name}.md"),
        }
        .into_response(),
        TransparencyFormat::Html => Document {
            bytes: testat_report::render_transparency_html(&report)
                .map_err(|e| ApiError::internal(&e))?
                .into_bytes(),
            media_type: "text/html; charset=utf-8",
            file_name: format!("{name}.html"),
        }
        .into_response(),
    })
}

/// What the register shows for INQ-01 to INQ-04, with reasons and its integrity.
#[utoipa::path(get, path = "/api/inquiries/evidence", operation_id = "inquiry_evidence", tag = "register", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "The register's INQ evidence", body = serde_json::Value)))]
pub async fn evidence(State(state): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    let today = state.project().clock().today();
    to_json(&state.store().inquiry_evidence(today).await?)
}
