//! Type 1 and Type 2 assessments, and the reports made from them: `POST
//! /api/assessments` answers the assessment JSON; `GET /api/reports` hands the same
//! assessment out in every report format, `GET /api/reports/customer` the customer
//! handout. The assessment is the project's job (`Project::assessment_job`); the
//! formats are `testat_report::assessment`, chosen in one place ([`render`],
//! [`render_handout`]).

use axum::extract::State;
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;
use testat_assess::{Assessment, AssessmentKind, CustomerHandout};
use testat_project::{AssessmentRequest, SampleRequest};
use testat_report::ReportError;
use testat_report::assessment as report;

use super::common::Document;
use super::{Body, QueryParams};
use crate::auth::Capability;
use crate::error::{ApiError, ApiResult};
use crate::routes::{Endpoint, needs};
use crate::state::AppState;

pub(super) fn endpoints() -> Vec<Endpoint> {
    let read = needs(Capability::ReadRecords);
    vec![
        Endpoint::new(Method::POST, "/api/assessments", read, post(assess)),
        Endpoint::new(Method::GET, "/api/reports", read, get(assessment_report)),
        Endpoint::new(Method::GET, "/api/reports/customer", read, get(customer)),
    ]
}

/// Which assessment: `{"type": 1, "at": DATE}` or `{"type": 2, "from": DATE, "to":
/// DATE, "sample": N, "seed": S}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentBody {
    /// 1: the design of the controls at a date (default); 2: their operation over a
    /// period that is over.
    #[serde(rename = "type", default)]
    #[schema(minimum = 1, maximum = 2)]
    pub kind: Option<u8>,
    /// Type 1: the date assessed (YYYY-MM-DD; default today).
    #[serde(default)]
    pub at: Option<NaiveDate>,
    /// Type 2: the first day of the period.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Type 2: the last day of the period (today or earlier).
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// Type 2: draw a sample of this many runs and pieces of evidence.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub sample: Option<usize>,
    /// The sample's seed (default: from the clock, and written into the report).
    #[serde(default)]
    pub seed: Option<u64>,
}

/// Formats of an assessment report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReportFormat {
    /// One self-contained HTML file.
    #[default]
    Html,
    /// PDF.
    Pdf,
    /// Markdown.
    #[serde(alias = "markdown")]
    Md,
    /// CSV, one row per criterion.
    Csv,
    /// JSON (docs/assessment-json.md).
    Json,
    /// OSCAL 1.1.2 assessment results.
    Oscal,
    /// OSCAL 1.1.2 plan of action and milestones for what is not met.
    OscalPoam,
}

/// Formats of the customer handout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HandoutFormat {
    /// One self-contained HTML file.
    Html,
    /// PDF.
    Pdf,
    /// Markdown.
    #[default]
    #[serde(alias = "markdown")]
    Md,
    /// JSON.
    Json,
}

/// Which report: the assessment's parameters and the format.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// 1 (default) or 2.
    #[serde(rename = "type")]
    #[param(minimum = 1, maximum = 2)]
    pub kind: Option<u8>,
    /// Type 1: the date assessed (YYYY-MM-DD; default today).
    pub at: Option<NaiveDate>,
    /// Type 2: the first day of the period.
    pub from: Option<NaiveDate>,
    /// Type 2: the last day of the period.
    pub to: Option<NaiveDate>,
    /// Type 2: the size of the sample.
    #[param(minimum = 1)]
    pub sample: Option<usize>,
    /// The sample's seed.
    pub seed: Option<u64>,
    /// `html` (default), `pdf`, `md`, `csv`, `json`, `oscal` or `oscal-poam`.
    #[param(inline)]
    pub format: Option<ReportFormat>,
}

/// Which handout format.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HandoutQuery {
    /// `md` (default), `html`, `pdf` or `json`.
    #[param(inline)]
    pub format: Option<HandoutFormat>,
}

/// The assessment the parameters ask for; parameters of the other type are refused.
fn request(
    kind: Option<u8>,
    at: Option<NaiveDate>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    sample: Option<usize>,
    seed: Option<u64>,
) -> ApiResult<AssessmentRequest> {
    match kind {
        None | Some(1) => {
            if from.is_some() || to.is_some() || sample.is_some() || seed.is_some() {
                return Err(ApiError::unprocessable(
                    "from, to, sample and seed belong to a Type 2 assessment; a Type 1 assessment takes at",
                ));
            }
            Ok(AssessmentRequest::Type1 { at })
        }
        Some(2) => {
            if at.is_some() {
                return Err(ApiError::unprocessable(
                    "at belongs to a Type 1 assessment; a Type 2 assessment takes from and to",
                ));
            }
            let (Some(from), Some(to)) = (from, to) else {
                return Err(ApiError::unprocessable(
                    "a Type 2 assessment needs from and to (YYYY-MM-DD)",
                ));
            };
            if seed.is_some() && sample.is_none() {
                return Err(ApiError::unprocessable("a seed needs a sample size"));
            }
            if sample == Some(0) {
                return Err(ApiError::unprocessable("a sample has at least 1 item"));
            }
            Ok(AssessmentRequest::Type2 {
                from,
                to,
                sample: sample.map(|size| SampleRequest { size, seed }),
            })
        }
        Some(other) => Err(ApiError::unprocessable(format!(
            "type {other}: an assessment is of type 1 or 2"
        ))),
    }
}

/// Checks the request and the settings, then reads the store and assesses.
async fn assessment(state: &AppState, request: &AssessmentRequest) -> ApiResult<Assessment> {
    let job = state.project().assessment_job(request)?;
    Ok(job.run(state.store()).await?)
}

/// Renders off the request threads (PDFs take a while).
async fn rendered<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ReportError> + Send + 'static,
) -> ApiResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(|e| match e {
            // A POA&M of an assessment in which nothing is open.
            ReportError::Empty(message) => ApiError::unprocessable(message),
            other => ApiError::internal(&other),
        })
}

/// `c5-type1-2026-03-10` or `c5-type2-2026-01-01-to-2026-02-28`.
fn file_stem(kind: &AssessmentKind) -> String {
    match kind {
        AssessmentKind::Type1 { at } => format!("c5-type1-{at}"),
        AssessmentKind::Type2 { from, to } => format!("c5-type2-{from}-to-{to}"),
    }
}

/// The one place where a report format meets its renderer.
fn render(format: ReportFormat, a: &Assessment) -> Result<Document, ReportError> {
    use ReportFormat::*;
    const HTML: &str = "text/html; charset=utf-8";
    const JSON: &str = "application/json";
    let (bytes, media_type, suffix) = match format {
        Html => (report::render_html(a)?.into_bytes(), HTML, "html"),
        Pdf => (report::render_pdf(a)?, "application/pdf", "pdf"),
        Md => (
            report::render_markdown(a)?.into_bytes(),
            "text/markdown; charset=utf-8",
            "md",
        ),
        Csv => (
            report::render_csv(a)?.into_bytes(),
            "text/csv; charset=utf-8",
            "csv",
        ),
        Json => (report::render_json(a)?.into_bytes(), JSON, "json"),
        Oscal => (
            report::render_assessment_results(a)?.into_bytes(),
            JSON,
            "oscal-ar.json",
        ),
        OscalPoam => (
            report::render_poam(a)?.into_bytes(),
            JSON,
            "oscal-poam.json",
        ),
    };
    Ok(Document {
        bytes,
        media_type,
        file_name: format!("{}.{suffix}", file_stem(&a.kind)),
    })
}

/// The one place where a handout format meets its renderer.
fn render_handout(format: HandoutFormat, h: &CustomerHandout) -> Result<Document, ReportError> {
    use HandoutFormat::*;
    let (bytes, media_type, suffix) = match format {
        Html => (
            report::render_handout_html(h)?.into_bytes(),
            "text/html; charset=utf-8",
            "html",
        ),
        Pdf => (report::render_handout_pdf(h)?, "application/pdf", "pdf"),
        Md => (
            report::render_handout_markdown(h)?.into_bytes(),
            "text/markdown; charset=utf-8",
            "md",
        ),
        Json => (
            report::render_handout_json(h)?.into_bytes(),
            "application/json",
            "json",
        ),
    };
    Ok(Document {
        bytes,
        media_type,
        file_name: format!("c5-customer-handout.{suffix}"),
    })
}

/// Makes a Type 1 or Type 2 assessment and answers its JSON (the `json` report).
#[utoipa::path(post, path = "/api/assessments", operation_id = "assess", tag = "assessments", security(("token" = []), ("session" = [])),
    request_body = AssessmentBody,
    responses((status = 200, description = "The assessment (docs/assessment-json.md)", body = serde_json::Value),
        (status = 422, description = "A date in the future, a period not over or reversed, or parameters of the other type", body = crate::error::ErrorBody)))]
pub async fn assess(
    State(state): State<AppState>,
    Body(body): Body<AssessmentBody>,
) -> ApiResult<Response> {
    let request = request(
        body.kind,
        body.at,
        body.from,
        body.to,
        body.sample,
        body.seed,
    )?;
    let a = assessment(&state, &request).await?;
    let json = rendered(move || report::render_json(&a)).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        json,
    )
        .into_response())
}

/// An assessment report as a download, in the format asked for.
#[utoipa::path(get, path = "/api/reports", operation_id = "assessment_report", tag = "assessments", security(("token" = []), ("session" = [])),
    params(ReportQuery),
    responses((status = 200, description = "The report, as an attachment", content(
            (String = "text/html"),
            (super::common::FileBytes = "application/pdf"),
            (String = "text/markdown"),
            (String = "text/csv"),
            (serde_json::Value = "application/json"))),
        (status = 400, description = "Unknown format or parameter, or a malformed date", body = crate::error::ErrorBody),
        (status = 422, description = "A date in the future, a period not over or reversed, parameters of the other type, or a POA&M with nothing open", body = crate::error::ErrorBody)))]
pub async fn assessment_report(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<ReportQuery>,
) -> ApiResult<Response> {
    let request = request(
        query.kind,
        query.at,
        query.from,
        query.to,
        query.sample,
        query.seed,
    )?;
    let format = query.format.unwrap_or_default();
    let a = assessment(&state, &request).await?;
    Ok(rendered(move || render(format, &a)).await?.into_response())
}

/// The customer handout: what customers must do on their side.
#[utoipa::path(get, path = "/api/reports/customer", operation_id = "customer_handout", tag = "assessments", security(("token" = []), ("session" = [])),
    params(HandoutQuery),
    responses((status = 200, description = "The handout, as an attachment", content(
            (String = "text/markdown"),
            (String = "text/html"),
            (super::common::FileBytes = "application/pdf"),
            (serde_json::Value = "application/json"))),
        (status = 400, description = "Unknown format", body = crate::error::ErrorBody)))]
pub async fn customer(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<HandoutQuery>,
) -> ApiResult<Response> {
    let handout = state.project().customer_handout()?;
    let format = query.format.unwrap_or_default();
    Ok(rendered(move || render_handout(format, &handout))
        .await?
        .into_response())
}
