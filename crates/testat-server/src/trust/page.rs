//! The HTML of the trust page and of its messages: minijinja templates embedded in the
//! binary, with HTML auto-escaping, so every published string (service text from the
//! settings, names of locations and subservices, scope reasons) and every outsider's
//! input is escaped. Styles come from `/trust/style.css`: the page's CSP allows no
//! inline style or script.

use std::sync::OnceLock;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::value::Serde;
use minijinja::{Environment, Value};
use serde::Serialize;

use super::snapshot::Published;
use crate::error::{ApiError, ApiResult};

/// The style sheet.
pub const STYLE: &str = include_str!("templates/trust.css");

const BASE: &str = include_str!("templates/base.html");
const TRUST: &str = include_str!("templates/trust.html");
const MESSAGE: &str = include_str!("templates/message.html");

fn environment() -> ApiResult<&'static Environment<'static>> {
    static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // `.html` names turn auto-escaping on.
        for (name, source) in [
            ("base.html", BASE),
            ("trust.html", TRUST),
            ("message.html", MESSAGE),
        ] {
            env.add_template(name, source).map_err(|e| e.to_string())?;
        }
        Ok(env)
    })
    .as_ref()
    .map_err(|e| ApiError::internal(e))
}

/// Renders template `name` (a template error is a bug in the built-in templates,
/// which the tests render).
fn render(name: &str, context: Value) -> ApiResult<String> {
    environment()?
        .get_template(name)
        .and_then(|t| t.render(context))
        .map_err(|e| ApiError::internal(&e))
}

/// A status as the page shows it.
#[derive(Debug, Serialize)]
struct StatusView {
    key: &'static str,
    class: &'static str,
    label: &'static str,
}

const STATUSES: [StatusView; 5] = [
    StatusView {
        key: "met",
        class: "met",
        label: "Met",
    },
    StatusView {
        key: "partly_met",
        class: "partly-met",
        label: "Partly met",
    },
    StatusView {
        key: "not_met",
        class: "not-met",
        label: "Not met",
    },
    StatusView {
        key: "not_assessed",
        class: "not-assessed",
        label: "Not assessed",
    },
    StatusView {
        key: "not_applicable",
        class: "not-applicable",
        label: "Not applicable",
    },
];

#[derive(Debug, Serialize)]
struct Segment {
    class: &'static str,
    label: &'static str,
    count: u64,
    x: String,
    width: String,
}

#[derive(Debug, Serialize)]
struct DomainRow {
    code: String,
    title: String,
    counts: Vec<u64>,
    segments: Vec<Segment>,
    summary: String,
}

#[derive(Debug, Serialize)]
struct DocumentView {
    id: i64,
    title: String,
    name: String,
    size_label: String,
    gated: bool,
}

#[derive(Debug, Serialize)]
struct NdaView {
    version: i64,
    text: String,
}

fn counts_of(counts: Option<&serde_json::Value>) -> Vec<u64> {
    STATUSES
        .iter()
        .map(|s| {
            counts
                .and_then(|c| c.get(s.key))
                .and_then(serde_json::Value::as_u64)
                .unwrap_or(0)
        })
        .collect()
}

/// One row of the chart: the domain's counts, and bar segments in percent of its
/// criteria (two decimals, so the segments add up to 100 within rounding).
fn domain_row(domain: &serde_json::Value) -> DomainRow {
    let text = |k: &str| {
        domain
            .get(k)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let counts = counts_of(domain.get("counts"));
    let total: u64 = counts.iter().sum();
    let mut x = 0.0_f64;
    let mut segments = Vec::new();
    for (status, &n) in STATUSES.iter().zip(&counts) {
        if n == 0 || total == 0 {
            continue;
        }
        #[expect(
            clippy::cast_precision_loss,
            reason = "counts of criteria are far below 2^52"
        )]
        let width = n as f64 * 100.0 / total as f64;
        segments.push(Segment {
            class: status.class,
            label: status.label,
            count: n,
            x: format!("{x:.2}"),
            width: format!("{width:.2}"),
        });
        x += width;
    }
    let summary = STATUSES
        .iter()
        .zip(&counts)
        .filter(|(_, n)| **n > 0)
        .map(|(s, n)| format!("{n} {}", s.label.to_lowercase()))
        .collect::<Vec<_>>()
        .join(", ");
    DomainRow {
        code: text("code"),
        title: text("title"),
        counts,
        segments,
        summary,
    }
}

/// The GDPR annex as the page shows it, read from the snapshot's handout (absent when
/// the admin published without it).
#[derive(Debug, Serialize)]
struct GdprView {
    disclaimer: String,
    as_of: String,
    c5: String,
    points: Vec<PointView>,
    locations: Vec<PlaceView>,
    subservices: Vec<PlaceView>,
    breach: String,
    incident_handling: Option<String>,
}

/// One point of Art. 32(1).
#[derive(Debug, Serialize)]
struct PointView {
    heading: String,
    summary: String,
    none_in_place: bool,
    groups: Vec<GroupView>,
}

/// The criteria of one status under a point.
#[derive(Debug, Serialize)]
struct GroupView {
    label: &'static str,
    class: &'static str,
    criteria: Vec<String>,
}

/// A location or subservice organisation: its cells, then what it means for transfers.
#[derive(Debug, Serialize)]
struct PlaceView {
    cells: Vec<String>,
    transfer: String,
    /// `no-transfer`, `transfer` (mechanism declared) or `undeclared`.
    class: &'static str,
}

/// The groups of a point, in the order shown: (JSON key, label, CSS class).
const GDPR_GROUPS: [(&str, &str, &str); 5] = [
    ("in_place", "In place (criterion met)", "met"),
    (
        "partly_in_place",
        "Partly in place (criterion partly met)",
        "partly-met",
    ),
    ("gaps", "Gap: not in place (criterion not met)", "not-met"),
    (
        "not_assessed",
        "Not assessed (nothing recorded)",
        "not-assessed",
    ),
    (
        "not_applicable",
        "Not applicable or out of scope",
        "not-applicable",
    ),
];

fn str_of(v: &serde_json::Value, key: &str) -> String {
    v.get(key)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn strings_of(v: &serde_json::Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(serde_json::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(serde_json::Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn array_of<'a>(v: &'a serde_json::Value, key: &str) -> &'a [serde_json::Value] {
    v.get(key)
        .and_then(serde_json::Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// What a place means for transfers outside the EU/EEA, in words, with its class.
fn transfer_of(place: &serde_json::Value) -> (String, &'static str) {
    let note = place
        .get("mechanism_note")
        .and_then(serde_json::Value::as_str)
        .map_or(String::new(), |n| format!(" ({n})"));
    let mechanism = place
        .get("mechanism")
        .cloned()
        .and_then(|m| serde_json::from_value::<testat_assess::TransferMechanism>(m).ok());
    match (str_of(place, "transfer").as_str(), mechanism) {
        ("no transfer", _) => ("No transfer (EU/EEA)".into(), "no-transfer"),
        ("transfer", Some(m)) => (format!("Transfer: {}{note}", m.describe()), "transfer"),
        ("transfer" | "transfer, mechanism not declared", _) => (
            format!("Transfer: mechanism not declared{note}"),
            "undeclared",
        ),
        _ => (
            "Country not declared: whether data leaves the EU/EEA is not known".into(),
            "undeclared",
        ),
    }
}

fn gdpr_view(gdpr: &serde_json::Value) -> GdprView {
    let points = array_of(gdpr, "measures")
        .iter()
        .map(|m| {
            let groups: Vec<GroupView> = GDPR_GROUPS
                .iter()
                .map(|&(key, label, class)| GroupView {
                    label,
                    class,
                    criteria: array_of(m, key)
                        .iter()
                        .map(|c| {
                            format!("{} {}", str_of(c, "criterion"), str_of(c, "title"))
                                .trim()
                                .to_owned()
                        })
                        .collect(),
                })
                .filter(|g| !g.criteria.is_empty())
                .collect();
            PointView {
                heading: format!("{} {}", str_of(m, "label"), str_of(m, "title"))
                    .trim()
                    .to_owned(),
                summary: str_of(m, "summary"),
                none_in_place: array_of(m, "in_place").is_empty()
                    && array_of(m, "partly_in_place").is_empty(),
                groups,
            }
        })
        .collect();
    let place = |p: &serde_json::Value, cells: Vec<String>| {
        let (transfer, class) = transfer_of(p);
        PlaceView {
            cells,
            transfer,
            class,
        }
    };
    let locations = array_of(gdpr, "locations")
        .iter()
        .map(|l| {
            let operated_by = match str_of(l, "operated_by") {
                o if o.is_empty() => "the provider".to_owned(),
                o => o,
            };
            place(
                l,
                vec![
                    str_of(l, "name"),
                    str_of(l, "country"),
                    strings_of(l, "purposes").join(", "),
                    operated_by,
                ],
            )
        })
        .collect();
    let subservices = array_of(gdpr, "subservices")
        .iter()
        .map(|s| {
            place(
                s,
                vec![
                    str_of(s, "name"),
                    str_of(s, "provides"),
                    strings_of(s, "countries").join(", "),
                ],
            )
        })
        .collect();
    let breach = gdpr.get("breach_notification");
    let hours = breach
        .and_then(|b| b.get("hours"))
        .and_then(serde_json::Value::as_u64);
    let breach_text = match hours {
        Some(1) => "The provider commits to tell the customer within 1 hour of becoming aware of a personal data breach.".to_owned(),
        Some(h) => format!("The provider commits to tell the customer within {h} hours of becoming aware of a personal data breach."),
        None => "Not declared: the provider states no deadline for telling the customer of a personal data breach.".to_owned(),
    };
    GdprView {
        disclaimer: str_of(gdpr, "disclaimer"),
        as_of: str_of(gdpr, "as_of"),
        c5: str_of(gdpr, "c5"),
        points,
        locations,
        subservices,
        breach: breach_text,
        incident_handling: breach
            .and_then(|b| b.get("incident_handling"))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
    }
}

fn size_label(size: i64) -> String {
    #[expect(clippy::cast_precision_loss, reason = "an approximate size for people")]
    let s = size as f64;
    if size < 1024 {
        format!("{size} bytes")
    } else if size < 1024 * 1024 {
        format!("{:.0} KiB", s / 1024.0)
    } else {
        format!("{:.1} MiB", s / (1024.0 * 1024.0))
    }
}

fn published_label(content: &serde_json::Value) -> String {
    content
        .get("published_at")
        .and_then(serde_json::Value::as_str)
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        })
        .unwrap_or_default()
}

/// The trust page of `published`.
pub fn render_trust(published: &Published) -> ApiResult<String> {
    let c = &published.content;
    let get = |k: &str| c.get(k).cloned().unwrap_or(serde_json::Value::Null);
    let domains = c
        .get("status")
        .and_then(|s| s.get("domains"))
        .and_then(serde_json::Value::as_array)
        .cloned()
        .unwrap_or_default();
    let chart: Vec<DomainRow> = domains.iter().map(domain_row).collect();
    let totals = counts_of(c.get("status").and_then(|s| s.get("totals")));
    let documents: Vec<DocumentView> = published
        .documents
        .iter()
        .map(|d| DocumentView {
            id: d.id,
            title: d.title.clone(),
            name: d.name.clone(),
            size_label: size_label(d.size),
            gated: d.gated,
        })
        .collect();
    let gated_documents = documents.iter().any(|d| d.gated);
    let nda = published.nda.as_ref().map(|(version, text)| NdaView {
        version: *version,
        text: text.clone(),
    });
    let gdpr = c
        .get("handout")
        .and_then(|h| h.get("gdpr"))
        .filter(|g| !g.is_null())
        .map(gdpr_view);
    let service = match get("service") {
        serde_json::Value::Null => serde_json::json!({}),
        s => s,
    };
    let context = serde_json::json!({
        "published_at": published_label(c),
        "service": service,
        "catalog": get("catalog"),
        "attestation": get("attestation"),
        "scope": get("scope"),
        "locations": get("locations"),
        "subservices": get("subservices"),
        "handout": get("handout"),
        "gdpr": gdpr,
        "t": get("transparency"),
        "anchor": get("anchor"),
        "statuses": STATUSES,
        "chart": chart,
        "totals": totals,
        "documents": documents,
        "gated_documents": gated_documents,
        "nda": nda,
    });
    render("trust.html", Value::from(Serde(&context)))
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

fn message(status: StatusCode, title: &str, text: &str, kind: &str) -> Response {
    let context = serde_json::json!({
        "title": title,
        "message": text,
        "kind": kind,
        "status": if status.is_success() { None } else { Some(status.as_u16()) },
    });
    match render("message.html", Value::from(Serde(&context))) {
        Ok(body) => html(status, body),
        Err(e) => e.into_response(),
    }
}

/// A page with a message (a thank-you).
pub fn message_page(status: StatusCode, title: &str, text: &str) -> Response {
    message(status, title, text, "info")
}

/// An error page.
pub fn error_page(status: StatusCode, title: &str, text: &str) -> Response {
    message(status, title, text, "error")
}

/// The error page of `e` (its message is made for clients; internal details never are).
pub fn error_response(e: &ApiError) -> Response {
    let title = match e.status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::GONE => "No longer available",
        StatusCode::CONFLICT => "Please reload",
        StatusCode::TOO_MANY_REQUESTS => "Too many requests",
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => "Please check the form",
        s if s.is_server_error() => "Something went wrong",
        _ => "Not possible",
    };
    error_page(e.status, title, &e.message)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;

    #[test]
    fn the_templates_compile_and_bars_add_up() {
        environment().unwrap();
        let row = domain_row(&serde_json::json!({
            "code": "OPS", "title": "Operations",
            "counts": {"met": 1, "partly_met": 1, "not_met": 1, "not_assessed": 0, "not_applicable": 0}
        }));
        assert_eq!(row.counts, [1, 1, 1, 0, 0]);
        let widths: Vec<&str> = row.segments.iter().map(|s| s.width.as_str()).collect();
        assert_eq!(widths, ["33.33", "33.33", "33.33"]);
        assert_eq!(row.segments[2].x, "66.67");
        assert_eq!(row.summary, "1 met, 1 partly met, 1 not met");
        assert_eq!(size_label(2048), "2 KiB");
    }
}
