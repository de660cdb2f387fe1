//! Assessments: `GET /assessments` asks for a Type 1 date or a Type 2 period and shows
//! the result (the totals, the chart by domain and, for Type 2, runs, gaps and the
//! failure timeline per domain); `GET /reports?…&format=…` hands out the same
//! assessment in every report format, and the customer handout, as downloads.

use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{Datelike, Duration, NaiveDate};
use minijinja::context;
use serde::{Deserialize, Serialize};
use testat_assess::{Assessment, AssessmentKind, STATUSES as ORDER};
use testat_project::{AssessmentRequest, SampleRequest};
use testat_report::assessment as render;

use super::chart::{DomainCounts, STATUSES, status_chart, timelines};
use super::criteria::attachment;
use super::page::{PageError, PageResult, QueryArg, encode, optional, page_with_status};
use crate::auth::{Capability, Principal};
use crate::error::ApiError;
use crate::routes::{Endpoint, needs};
use crate::security::REPORT_CSP;
use crate::state::AppState;

pub(super) fn endpoints() -> Vec<Endpoint> {
    let read = needs(Capability::ReadRecords);
    vec![
        Endpoint::new(Method::GET, "/assessments", read, get(show)),
        Endpoint::new(Method::GET, "/reports", read, get(download)),
    ]
}

/// The report formats: (format, label, content type, file extension).
const FORMATS: &[(&str, &str, &str, &str)] = &[
    ("html", "HTML", "text/html; charset=utf-8", "html"),
    ("pdf", "PDF", "application/pdf", "pdf"),
    ("md", "Markdown", "text/markdown; charset=utf-8", "md"),
    ("csv", "CSV", "text/csv; charset=utf-8", "csv"),
    ("json", "JSON", "application/json", "json"),
    (
        "oscal",
        "OSCAL assessment results",
        "application/json",
        "oscal.json",
    ),
    (
        "oscal-poam",
        "OSCAL plan of action and milestones",
        "application/json",
        "poam.json",
    ),
];

/// The handout's formats: (format, label, content type, file extension).
const HANDOUT_FORMATS: &[(&str, &str, &str, &str)] = &[
    ("html", "HTML", "text/html; charset=utf-8", "html"),
    ("pdf", "PDF", "application/pdf", "pdf"),
    ("md", "Markdown", "text/markdown; charset=utf-8", "md"),
    ("json", "JSON", "application/json", "json"),
];

/// The query of both routes (form fields arrive as text, empty when not filled in).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Query {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    at: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    sample: String,
    #[serde(default)]
    seed: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    what: String,
}

fn day(text: &str, field: &str) -> Result<Option<NaiveDate>, ApiError> {
    optional(text)
        .map(|t| {
            NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| {
                ApiError::unprocessable(format!("{field}: `{t}` is not a date like 2026-03-31"))
            })
        })
        .transpose()
}

fn number<T: std::str::FromStr>(text: &str, field: &str) -> Result<Option<T>, ApiError> {
    optional(text)
        .map(|t| {
            t.parse::<T>().map_err(|_| {
                ApiError::unprocessable(format!("{field}: `{t}` is not a whole number"))
            })
        })
        .transpose()
}

impl Query {
    /// The assessment asked for.
    fn request(&self) -> Result<AssessmentRequest, ApiError> {
        match self.kind.trim() {
            "" | "1" => Ok(AssessmentRequest::Type1 {
                at: day(&self.at, "date")?,
            }),
            "2" => {
                let (Some(from), Some(to)) = (day(&self.from, "from")?, day(&self.to, "to")?)
                else {
                    return Err(ApiError::unprocessable(
                        "a Type 2 assessment needs a first and a last day",
                    ));
                };
                let sample = match number::<usize>(&self.sample, "sample")? {
                    Some(0) | None => None,
                    Some(size) => Some(SampleRequest {
                        size,
                        seed: number::<u64>(&self.seed, "seed")?,
                    }),
                };
                Ok(AssessmentRequest::Type2 { from, to, sample })
            }
            other => Err(ApiError::unprocessable(format!(
                "type: `{other}` is neither 1 nor 2"
            ))),
        }
    }

    /// The query that names the same assessment (for links to the downloads).
    fn canonical(&self) -> String {
        let mut parts = vec![format!("type={}", encode(self.kind.trim()))];
        for (name, value) in [
            ("at", &self.at),
            ("from", &self.from),
            ("to", &self.to),
            ("sample", &self.sample),
            ("seed", &self.seed),
        ] {
            if let Some(v) = optional(value) {
                parts.push(format!("{name}={}", encode(&v)));
            }
        }
        parts.join("&")
    }
}

/// The assessment as the page shows it.
#[derive(Debug, Serialize)]
struct View {
    kind: u8,
    label: String,
    generated_at: String,
    totals: Vec<Total>,
    total: usize,
    domains: Vec<DomainCounts>,
    chart: super::chart::StatusChart,
    period: Option<PeriodView>,
    not_met: Vec<Line>,
    deviations: Vec<Line>,
}

#[derive(Debug, Serialize)]
struct Total {
    key: &'static str,
    label: &'static str,
    count: usize,
}

#[derive(Debug, Serialize)]
struct PeriodView {
    from: String,
    to: String,
    max_gap_hours: i64,
    runs: Vec<(String, usize)>,
    total_runs: usize,
    coverage: String,
    gaps: Vec<GapView>,
    failures: usize,
    open_failures: usize,
    median_time_to_fix: Option<String>,
    timelines: Vec<super::chart::Timeline>,
    sample: Option<SampleView>,
}

#[derive(Debug, Serialize)]
struct GapView {
    scope: String,
    from: String,
    to: String,
    hours: i64,
}

#[derive(Debug, Serialize)]
struct SampleView {
    seed: u64,
    size: usize,
    runs: Vec<i64>,
    evidence: Vec<i64>,
}

#[derive(Debug, Serialize)]
struct Line {
    id: String,
    title: String,
    status: String,
    lines: Vec<String>,
}

fn hours(secs: i64) -> String {
    let h = secs / 3600;
    if h >= 48 {
        format!("{} d {} h", h / 24, h % 24)
    } else {
        format!("{h} h {} min", (secs % 3600) / 60)
    }
}

fn view(a: &Assessment) -> View {
    let counts = |c: &testat_assess::StatusCounts| -> [usize; 5] { ORDER.map(|s| c.get(s)) };
    let domains: Vec<DomainCounts> = a
        .domains
        .iter()
        .map(|d| DomainCounts {
            code: d.code.clone(),
            title: d.title.clone(),
            counts: counts(&d.counts),
        })
        .collect();
    let all = counts(&a.counts);
    let period = a.period.as_ref().map(|p| {
        let (start, end) = a.kind.bounds();
        let pairs: Vec<(String, String)> = a
            .domains
            .iter()
            .map(|d| (d.code.clone(), d.title.clone()))
            .collect();
        let failures = a.criteria.iter().map(|c| c.failures.len()).sum();
        let open_failures = a
            .criteria
            .iter()
            .flat_map(|c| &c.failures)
            .filter(|f| f.fixed.is_none())
            .count();
        PeriodView {
            from: p.from.to_string(),
            to: p.to.to_string(),
            max_gap_hours: p.max_gap_hours,
            total_runs: p.runs.values().sum(),
            runs: p.runs.iter().map(|(s, n)| (s.clone(), *n)).collect(),
            coverage: format!("{:.1}", p.coverage_percent),
            gaps: p
                .gaps
                .iter()
                .map(|g| GapView {
                    scope: g.scope.clone(),
                    from: super::page::timestamp(g.from),
                    to: super::page::timestamp(g.to),
                    hours: g.hours,
                })
                .collect(),
            failures,
            open_failures,
            median_time_to_fix: p.median_time_to_fix_secs.map(hours),
            timelines: timelines(start, end, &pairs, &a.criteria, &p.gaps),
            sample: p.sample.as_ref().map(|s| SampleView {
                seed: s.seed,
                size: s.size,
                runs: s.runs.iter().map(|r| r.id).collect(),
                evidence: s.evidence.clone(),
            }),
        }
    });
    let line = |c: &testat_assess::CriterionResult, lines: &[String]| Line {
        id: c.id.clone(),
        title: c.title.clone(),
        status: c.status.as_str().to_owned(),
        lines: lines.to_vec(),
    };
    View {
        kind: a.kind.number(),
        label: a.kind.period_label(),
        generated_at: super::page::timestamp(a.generated_at),
        totals: STATUSES
            .iter()
            .zip(all)
            .map(|(&(key, label), count)| Total { key, label, count })
            .collect(),
        total: a.counts.total(),
        chart: status_chart(&domains),
        domains,
        period,
        not_met: a
            .criteria
            .iter()
            .filter(|c| c.status == testat_assess::Status::NotMet)
            .map(|c| line(c, &c.reasons))
            .collect(),
        deviations: a
            .criteria
            .iter()
            .filter(|c| !c.deviations.is_empty())
            .map(|c| line(c, &c.deviations))
            .collect(),
    }
}

/// The form's defaults: Type 2 over the previous calendar month, Type 1 today.
fn defaults(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first_of_month = today.with_day(1).unwrap_or(today);
    let to = first_of_month - Duration::days(1);
    (to.with_day(1).unwrap_or(to), to)
}

async fn show(
    State(state): State<AppState>,
    principal: Principal,
    QueryArg(q): QueryArg<Query>,
) -> PageResult {
    let today = state.project().clock().today();
    let (from, to) = defaults(today);
    let form = context! {
        kind => if q.kind.trim().is_empty() { "2" } else { q.kind.trim() },
        at => optional(&q.at).unwrap_or_else(|| today.to_string()),
        from => optional(&q.from).unwrap_or_else(|| from.to_string()),
        to => optional(&q.to).unwrap_or_else(|| to.to_string()),
        sample => q.sample.trim(),
        seed => q.seed.trim(),
    };
    let handout = HANDOUT_FORMATS
        .iter()
        .map(|(f, label, _, _)| context! { label => *label, href => format!("/reports?what=customer&format={f}") })
        .collect::<Vec<_>>();
    let shown = |status: StatusCode,
                 view: Option<minijinja::Value>,
                 error: Option<String>,
                 downloads: Vec<minijinja::Value>| {
        page_with_status(
            status,
            &principal,
            "assessment.html",
            "assessments",
            "Assessments",
            context! { form, view, error, downloads, handout },
        )
    };
    if q.kind.trim().is_empty() {
        return shown(StatusCode::OK, None, None, Vec::new());
    }
    let request = match q.request() {
        Ok(r) => r,
        Err(e) => return shown(e.status, None, Some(e.message), Vec::new()),
    };
    if let Err(e) = state.project().assessment_kind(&request) {
        return shown(
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(e.to_string()),
            Vec::new(),
        );
    }
    let canonical = q.canonical();
    let key = format!("{}|{canonical}", state.content_key().await?);
    let value = state
        .cached("ui-assessment", key, || async {
            let a = state.project().assess(state.store(), &request).await?;
            serde_json::to_value(view(&a)).map_err(|e| ApiError::internal(&e))
        })
        .await?;
    let downloads = FORMATS
        .iter()
        .map(|(f, label, _, _)| {
            context! { format => *f, label => *label, href => format!("/reports?{canonical}&format={f}") }
        })
        .collect();
    shown(
        StatusCode::OK,
        Some(super::page::v(&*value)),
        None,
        downloads,
    )
}

/// A report or the handout as a download.
async fn download(
    State(state): State<AppState>,
    QueryArg(q): QueryArg<Query>,
) -> Result<Response, PageError> {
    let format = q.format.trim().to_owned();
    let customer = match q.what.trim() {
        "" | "assessment" => false,
        "customer" => true,
        other => {
            return Err(ApiError::unprocessable(format!(
                "what: `{other}` is neither assessment nor customer"
            ))
            .into());
        }
    };
    let table = if customer { HANDOUT_FORMATS } else { FORMATS };
    let Some(&(_, _, content_type, extension)) = table.iter().find(|(f, ..)| *f == format) else {
        return Err(ApiError::unprocessable(format!(
            "format: `{format}` is not one of {}",
            table.iter().map(|f| f.0).collect::<Vec<_>>().join(", ")
        ))
        .into());
    };
    let (bytes, name) = if customer {
        let handout = state.project().customer_handout()?;
        let bytes =
            tokio::task::spawn_blocking(move || -> Result<Vec<u8>, testat_report::ReportError> {
                Ok(match format.as_str() {
                    "pdf" => render::render_handout_pdf(&handout)?,
                    "md" => render::render_handout_markdown(&handout)?.into_bytes(),
                    "json" => render::render_handout_json(&handout)?.into_bytes(),
                    _ => render::render_handout_html(&handout)?.into_bytes(),
                })
            })
            .await
            .map_err(|e| ApiError::internal(&e))?
            .map_err(|e| ApiError::internal(&e))?;
        (bytes, format!("customer-handout.{extension}"))
    } else {
        let request = q.request()?;
        let a = state.project().assess(state.store(), &request).await?;
        let name = match a.kind {
            AssessmentKind::Type1 { at } => format!("c5-type1-{at}.{extension}"),
            AssessmentKind::Type2 { from, to } => format!("c5-type2-{from}-to-{to}.{extension}"),
        };
        let bytes =
            tokio::task::spawn_blocking(move || -> Result<Vec<u8>, testat_report::ReportError> {
                Ok(match format.as_str() {
                    "pdf" => render::render_pdf(&a)?,
                    "md" => render::render_markdown(&a)?.into_bytes(),
                    "csv" => render::render_csv(&a)?.into_bytes(),
                    "json" => render::render_json(&a)?.into_bytes(),
                    "oscal" => render::render_assessment_results(&a)?.into_bytes(),
                    "oscal-poam" => render::render_poam(&a)?.into_bytes(),
                    _ => render::render_html(&a)?.into_bytes(),
                })
            })
            .await
            .map_err(|e| ApiError::internal(&e))?
            .map_err(|e| ApiError::internal(&e))?;
        (bytes, name)
    };
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_DISPOSITION,
        attachment(&name).map_err(|e| ApiError::internal(&e))?,
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(REPORT_CSP),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;

    #[test]
    fn the_default_period_is_the_previous_month() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        assert_eq!(
            defaults(today),
            (
                NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
                NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()
            )
        );
        let q = Query {
            kind: "2".into(),
            from: "2026-02-01".into(),
            to: "2026-02-28".into(),
            ..Query::default()
        };
        assert_eq!(q.canonical(), "type=2&from=2026-02-01&to=2026-02-28");
        assert!(matches!(
            q.request().unwrap(),
            AssessmentRequest::Type2 { sample: None, .. }
        ));
        let bad = Query {
            kind: "3".into(),
            ..Query::default()
        };
        assert!(bad.request().is_err());
    }
}
