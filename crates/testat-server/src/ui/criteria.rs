//! The criteria: `GET /criteria` (every criterion with its status, by domain or
//! status), `GET /criteria/{id}` (our summary, the official text when a catalogue file
//! is loaded, the rules, status and reasons, current failures, evidence, attestations,
//! exceptions), the forms that add evidence (a file upload) and attestations, and the
//! download of an evidence file.

use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use minijinja::context;
use serde::{Deserialize, Serialize};
use testat_records::{AttestStatus, NewAttestation, wildcard_match};
use testat_store::NewEvidence;
use tokio::io::AsyncWriteExt;

use super::chart::STATUSES;
use super::data;
use super::page::{
    FormBody, PageError, PageResult, PathArg, QueryArg, abilities, encode, optional, optional_date,
    page, redirect, v,
};
use crate::auth::{Capability, Principal};
use crate::error::ApiError;
use crate::routes::{Endpoint, needs};
use crate::security::REPORT_CSP;
use crate::state::AppState;

pub(super) fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            Method::GET,
            "/criteria",
            needs(Capability::ReadStatus),
            get(list),
        ),
        Endpoint::new(
            Method::GET,
            "/criteria/{id}",
            needs(Capability::ReadCatalog),
            get(show),
        ),
        Endpoint::new(
            Method::POST,
            "/criteria/{id}/evidence",
            needs(Capability::WriteRecords),
            post(add_evidence),
        ),
        Endpoint::new(
            Method::POST,
            "/criteria/{id}/attestations",
            needs(Capability::WriteRecords),
            post(attest),
        ),
        Endpoint::new(
            Method::GET,
            "/evidence/{id}/file",
            needs(Capability::ReadRecords),
            get(evidence_file),
        ),
    ]
}

/// How many failing resources a rule lists on the page (the rest are counted).
const FAILURES_SHOWN: usize = 200;

#[derive(Debug, Deserialize)]
struct Filter {
    domain: Option<String>,
    status: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    principal: Principal,
    QueryArg(filter): QueryArg<Filter>,
) -> PageResult {
    let status = data::status(&state).await?;
    let domain = filter.domain.as_deref().and_then(super::page::optional);
    let wanted = filter.status.as_deref().and_then(super::page::optional);
    let criteria: Vec<&data::CriterionStatus> = status
        .criteria
        .iter()
        .filter(|c| {
            domain
                .as_ref()
                .is_none_or(|d| c.domain.eq_ignore_ascii_case(d))
        })
        .filter(|c| wanted.as_ref().is_none_or(|s| c.status == *s))
        .collect();
    let catalog = state.project().catalog();
    page(
        &principal,
        "criteria.html",
        "criteria",
        "Criteria",
        context! {
            as_of => &status.as_of,
            criteria => v(criteria),
            domains => catalog.domains.iter().map(|d| context! { code => &d.code, title => &d.name }).collect::<Vec<_>>(),
            statuses => STATUSES.map(|(key, label)| context! { key, label }),
            domain,
            status => wanted,
            can => abilities(&principal),
        },
    )
}

/// One exception on the criterion's rules, as the page lists it.
#[derive(Debug, Serialize)]
struct ExceptionRow {
    id: Option<i64>,
    rule: String,
    resource: String,
    justification: String,
    approved_by: String,
    expires: String,
    state: &'static str,
    source: &'static str,
}

#[derive(Debug, Deserialize)]
struct Done {
    done: Option<String>,
}

/// A fixed notice for a change just made (never text from the request).
fn notice(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "evidence" => Some("The evidence was added."),
        "attestation" => Some("The attestation was recorded."),
        _ => None,
    }
}

async fn show(
    State(state): State<AppState>,
    principal: Principal,
    PathArg(id): PathArg<String>,
    QueryArg(done): QueryArg<Done>,
) -> PageResult {
    let project = state.project();
    let criterion = project
        .catalog()
        .get(&id)
        .map_err(|e| ApiError::not_found(e.to_string()))?;
    if criterion.id != id {
        return Ok(redirect(&format!("/criteria/{}", encode(&criterion.id))));
    }
    let official = match project.external_catalog() {
        Ok(Some(external)) => external.text(&criterion.id).map(|t| {
            context! { title => &t.title, text => &t.text, place => &t.place }
        }),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(error = %e, "the external catalogue could not be loaded");
            None
        }
    };
    let rules = data::rules(&state).await?;
    let mine: Vec<(&String, &data::RuleEntry)> = rules
        .iter()
        .filter(|(_, r)| r.criteria.contains(&criterion.id))
        .collect();
    let status = data::status(&state).await?;
    let current = status
        .criteria
        .iter()
        .find(|c| c.criterion == criterion.id)
        .cloned();
    let records = principal.may(Capability::ReadRecords);
    let (mut outcomes, mut evidence, mut attestations, mut exceptions) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    if records {
        let today_assessment = data::today(&state).await?;
        let result = today_assessment
            .get("criteria")
            .and_then(|c| c.as_array())
            .and_then(|all| all.iter().find(|c| c["id"] == criterion.id.as_str()));
        if let Some(list) = result
            .and_then(|r| r.get("rules"))
            .and_then(|r| r.as_array())
        {
            outcomes = list
                .iter()
                .map(|r| {
                    let failing: Vec<String> = r["failing"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|v| v.as_str())
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or_default();
                    context! {
                        id => r["id"].as_str().unwrap_or_default(),
                        title => r["title"].as_str().unwrap_or_default(),
                        passed => r["passed"].as_u64(),
                        failing_count => failing.len(),
                        failing => failing.iter().take(FAILURES_SHOWN).cloned().collect::<Vec<_>>(),
                        excepted => r["excepted"].as_array().map_or(0, Vec::len),
                        unknown => r["unknown"].as_u64(),
                    }
                })
                .collect();
        }
        let today = project.clock().today();
        evidence = state
            .store()
            .evidence(Some(&criterion.id))
            .await?
            .into_iter()
            .map(|e| {
                let in_force = e.in_force(today);
                context! { in_force, label => e.label().to_owned(), ..super::page::v(&e) }
            })
            .collect();
        attestations = state.store().attestations(Some(&criterion.id)).await?;
        attestations.reverse();
        exceptions = exceptions_on(
            &state,
            &mine.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(),
        )
        .await?;
    }
    let title = format!("{} {}", criterion.id, criterion.title);
    page(
        &principal,
        "criterion.html",
        "criteria",
        &title,
        context! {
            criterion => v(criterion),
            official,
            rules => mine.iter().map(|(id, r)| context! { id => *id, title => &r.title }).collect::<Vec<_>>(),
            current => v(current),
            as_of => &status.as_of,
            outcomes,
            failures_shown => FAILURES_SHOWN,
            evidence,
            attestations => v(attestations),
            exceptions => v(exceptions),
            attest_statuses => AttestStatus::ALL.map(AttestStatus::as_str),
            notice => notice(done.done.as_deref()),
            today => project.clock().today().to_string(),
            can => abilities(&principal),
        },
    )
}

/// The stored and configured exceptions that cover any of `rules`.
async fn exceptions_on(state: &AppState, rules: &[&str]) -> Result<Vec<ExceptionRow>, ApiError> {
    let today = state.project().clock().today();
    let covers = |pattern: &str| rules.iter().any(|r| wildcard_match(pattern, r));
    let mut rows: Vec<ExceptionRow> = state
        .store()
        .exceptions()
        .await?
        .into_iter()
        .filter(|e| covers(&e.exception.rule))
        .map(|e| ExceptionRow {
            id: Some(e.id),
            state: super::exceptions::state_of(&e, today),
            rule: e.exception.rule,
            resource: e.exception.resource,
            justification: e.exception.justification,
            approved_by: e.exception.approved_by,
            expires: e.exception.expires.to_string(),
            source: "store",
        })
        .collect();
    rows.extend(
        state
            .project()
            .settings()
            .exceptions
            .iter()
            .filter(|e| covers(&e.rule))
            .map(|e| ExceptionRow {
                id: None,
                state: if e.is_active(today) {
                    "active"
                } else {
                    "expired"
                },
                rule: e.rule.clone(),
                resource: e.resource.clone(),
                justification: e.justification.clone(),
                approved_by: e.approved_by.clone(),
                expires: e.expires.to_string(),
                source: "testat.toml",
            }),
    );
    Ok(rows)
}

/// The ID of criterion `id` as the catalogue spells it.
fn criterion_id(state: &AppState, id: &str) -> Result<String, PageError> {
    Ok(state
        .project()
        .catalog()
        .get(id)
        .map_err(|e| ApiError::not_found(e.to_string()))?
        .id
        .clone())
}

/// Reads the evidence form: a file (streamed to a temporary folder under its cleaned
/// name), a link, a note and the dates.
async fn add_evidence(
    State(state): State<AppState>,
    principal: Principal,
    PathArg(id): PathArg<String>,
    mut form: Multipart,
) -> PageResult {
    let id = criterion_id(&state, &id)?;
    let dir = tempfile::tempdir().map_err(|e| ApiError::internal(&e))?;
    let mut new = NewEvidence {
        criteria: vec![id.clone()],
        ..NewEvidence::default()
    };
    let limit = state.config().max_body_bytes;
    let bad = |e: axum::extract::multipart::MultipartError| multipart_error(&e, limit);
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                if file_name.trim().is_empty() {
                    // No file chosen: browsers send an empty part.
                    while field.chunk().await.map_err(bad)?.is_some() {}
                    continue;
                }
                let path = dir.path().join(testat_store::sanitise_name(&file_name));
                let mut file = tokio::fs::File::create(&path)
                    .await
                    .map_err(|e| ApiError::internal(&e))?;
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    file.write_all(&chunk)
                        .await
                        .map_err(|e| ApiError::internal(&e))?;
                }
                file.flush().await.map_err(|e| ApiError::internal(&e))?;
                new.file = Some(path);
            }
            "url" | "note" | "effective" | "valid_until" => {
                let text = field.text().await.map_err(bad)?;
                match name.as_str() {
                    "url" => new.url = optional(&text),
                    "note" => new.note = optional(&text),
                    "effective" => new.effective = optional_date(&text, "effective")?,
                    _ => new.valid_until = optional_date(&text, "valid until")?,
                }
            }
            other => {
                return Err(PageError(ApiError::bad_request(format!(
                    "unknown form field `{other}`"
                ))));
            }
        }
    }
    if let Some(url) = &new.url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return Err(PageError(ApiError::unprocessable(
            "a link must start with https:// or http://",
        )));
    }
    state
        .store()
        .add_evidence(&new, &state.stamp(&principal))
        .await?;
    Ok(redirect(&format!(
        "/criteria/{}?done=evidence#evidence",
        encode(&id)
    )))
}

/// The page error of a form that could not be read: too large when our body limit
/// stopped it (somewhere down the error's sources), else malformed.
fn multipart_error(e: &axum::extract::multipart::MultipartError, limit: usize) -> PageError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return PageError(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("the upload is larger than the limit of {limit} bytes"),
            ));
        }
        source = err.source();
    }
    let status = if e.status().is_client_error() {
        e.status()
    } else {
        StatusCode::BAD_REQUEST
    };
    PageError(ApiError::new(status, "bad_request", e.body_text()))
}

/// The attestation form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AttestForm {
    status: String,
    statement: String,
    owner: String,
    #[serde(default)]
    next_review: String,
}

async fn attest(
    State(state): State<AppState>,
    principal: Principal,
    PathArg(id): PathArg<String>,
    FormBody(form): FormBody<AttestForm>,
) -> PageResult {
    let id = criterion_id(&state, &id)?;
    let status: AttestStatus = form
        .status
        .parse()
        .map_err(|e: testat_records::ParseError| ApiError::unprocessable(e.to_string()))?;
    let new = NewAttestation {
        criterion: id.clone(),
        status,
        statement: form.statement.trim().to_owned(),
        owner: form.owner.trim().to_owned(),
        next_review: optional_date(&form.next_review, "next review")?,
    };
    state.store().attest(&new, &state.stamp(&principal)).await?;
    Ok(redirect(&format!(
        "/criteria/{}?done=attestation#attestations",
        encode(&id)
    )))
}

/// An evidence file, always as a download (it may be HTML from anywhere): never
/// rendered by the browser, and under a policy that runs nothing.
async fn evidence_file(
    State(state): State<AppState>,
    PathArg(id): PathArg<i64>,
) -> Result<Response, PageError> {
    let evidence = state.store().evidence_by_id(id).await?;
    let (Some(sha), Some(name)) = (&evidence.sha256, &evidence.name) else {
        return Err(PageError(ApiError::not_found(format!(
            "evidence {id} is a {}, not a file",
            evidence.kind
        ))));
    };
    let bytes = state.store().file_content(sha).await?;
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        attachment(name).map_err(|e| ApiError::internal(&e))?,
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(REPORT_CSP),
    );
    Ok(response)
}

/// `Content-Disposition: attachment` for `name`: an ASCII fallback and the exact name
/// (RFC 6266 / 8187).
pub(super) fn attachment(
    name: &str,
) -> Result<HeaderValue, axum::http::header::InvalidHeaderValue> {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && !matches!(c, '"' | '\\' | ';' | '%') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let exact: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{exact}"
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;

    #[test]
    fn attachment_names_are_quoted_safely() {
        let h = attachment("Prüfbericht \"final\".pdf").unwrap();
        let h = h.to_str().unwrap();
        assert!(
            h.starts_with("attachment; filename=\"Pr_fbericht _final_.pdf\""),
            "{h}"
        );
        assert!(
            h.ends_with("filename*=UTF-8''Pr%C3%BCfbericht%20%22final%22.pdf"),
            "{h}"
        );
        assert_eq!(notice(Some("<script>")), None);
    }
}
