//! The trust page, for admins: `GET /admin/trust` shows what is published and offers
//! the forms that publish a new snapshot, add and withdraw documents, set the NDA and
//! decide requests for gated documents. Each form calls the same function as the API
//! (`crate::api::trust`); an approval's link is shown once, on the page that answers.

use axum::extract::{Multipart, State};
use axum::http::Method;
use axum::routing::{get, post};
use minijinja::context;
use serde::Deserialize;

use super::page::{
    FormBody, PageResult, PathArg, QueryArg, list, optional, optional_date, page, redirect, v,
};
use crate::api::trust::{
    MAX_LINK_DAYS, add_document_form, approve_request, publish_snapshot, store_nda,
};
use crate::auth::{Capability, Principal};
use crate::error::ApiError;
use crate::routes::{Endpoint, needs};
use crate::state::AppState;
use crate::trust::snapshot::{AttestationChoice, PublishRequest, TransparencyChoice};

pub(super) fn endpoints() -> Vec<Endpoint> {
    let admin = needs(Capability::Admin);
    vec![
        Endpoint::new(Method::GET, "/admin/trust", admin, get(overview)),
        Endpoint::new(Method::POST, "/admin/trust/publish", admin, post(publish)),
        Endpoint::new(
            Method::POST,
            "/admin/trust/documents",
            admin,
            post(add_document),
        ),
        Endpoint::new(
            Method::POST,
            "/admin/trust/documents/{id}/withdraw",
            admin,
            post(withdraw),
        ),
        Endpoint::new(Method::POST, "/admin/trust/nda", admin, post(set_nda)),
        Endpoint::new(
            Method::POST,
            "/admin/trust/requests/{id}/approve",
            admin,
            post(approve),
        ),
        Endpoint::new(
            Method::POST,
            "/admin/trust/requests/{id}/deny",
            admin,
            post(deny),
        ),
    ]
}

#[derive(Debug, Deserialize)]
struct Done {
    done: Option<String>,
}

async fn overview(
    State(state): State<AppState>,
    principal: Principal,
    QueryArg(done): QueryArg<Done>,
) -> PageResult {
    let store = state.store();
    let snapshot = store.latest_snapshot().await?.map(|s| {
        context! { id => s.id, published_at => v(s.published_at.to_rfc3339()), published_by => s.published_by }
    });
    let documents = store.documents().await?;
    let requests: Vec<minijinja::Value> = store
        .access_requests()
        .await?
        .into_iter()
        .rev()
        .map(|r| {
            let title = documents
                .iter()
                .find(|d| d.id == r.document_id)
                .map_or_else(
                    || format!("document {}", r.document_id),
                    |d| d.title.clone(),
                );
            context! { title, ..v(&r) }
        })
        .collect();
    let (nda_version, nda_text) = store.nda().await?.unwrap_or_default();
    let notice = match done.done.as_deref() {
        Some("published") => Some("Published: /trust shows the new snapshot."),
        Some("document") => {
            Some("The document was added; it is offered from the next publication on.")
        }
        Some("withdrawn") => Some("The document was withdrawn; its links stop working."),
        Some("nda") => Some("The NDA was saved as a new version."),
        Some("denied") => Some("The request was denied."),
        _ => None,
    };
    page(
        &principal,
        "trust_admin.html",
        "trust",
        "Trust page",
        context! {
            snapshot,
            documents => v(documents),
            requests,
            nda_version,
            nda_text,
            max_days => MAX_LINK_DAYS,
            today => state.now().date_naive().to_string(),
            notice,
        },
    )
}

/// The publish form: the attestation shown and how the transparency report is made.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PublishForm {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    at: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    band: String,
    #[serde(default)]
    countries: String,
    /// The checkbox: `yes` when ticked, absent when not.
    #[serde(default)]
    gdpr_annex: Option<String>,
}

impl PublishForm {
    fn request(&self) -> Result<PublishRequest, super::page::PageError> {
        let kind = match self.kind.trim() {
            "1" => 1,
            "2" => 2,
            other => {
                return Err(
                    ApiError::unprocessable(format!("type: `{other}` is neither 1 nor 2")).into(),
                );
            }
        };
        let band = match optional(&self.band) {
            Some(b) => Some(b.parse::<u64>().map_err(|_| {
                ApiError::unprocessable(format!("band: `{b}` is not a whole number"))
            })?),
            None => None,
        };
        let countries = list(&self.countries);
        Ok(PublishRequest {
            attestation: Some(AttestationChoice {
                kind,
                at: optional_date(&self.at, "date")?,
                from: optional_date(&self.from, "from")?,
                to: optional_date(&self.to, "to")?,
            }),
            transparency: Some(TransparencyChoice {
                period: optional(&self.period),
                band,
                countries: (!countries.is_empty()).then_some(countries),
            }),
            gdpr_annex: self.gdpr_annex.is_some(),
        })
    }
}

async fn publish(
    State(state): State<AppState>,
    principal: Principal,
    FormBody(form): FormBody<PublishForm>,
) -> PageResult {
    publish_snapshot(&state, &principal, &form.request()?).await?;
    Ok(redirect("/admin/trust?done=published"))
}

async fn add_document(
    State(state): State<AppState>,
    principal: Principal,
    form: Multipart,
) -> PageResult {
    add_document_form(&state, &principal, form).await?;
    Ok(redirect("/admin/trust?done=document#documents"))
}

async fn withdraw(
    State(state): State<AppState>,
    principal: Principal,
    PathArg(id): PathArg<i64>,
) -> PageResult {
    state
        .store()
        .withdraw_document(id, &state.stamp(&principal))
        .await?;
    Ok(redirect("/admin/trust?done=withdrawn#documents"))
}

/// The NDA form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NdaForm {
    text: String,
}

async fn set_nda(
    State(state): State<AppState>,
    principal: Principal,
    FormBody(form): FormBody<NdaForm>,
) -> PageResult {
    store_nda(&state, &principal, &form.text).await?;
    Ok(redirect("/admin/trust?done=nda#nda"))
}

/// The approval form: how long the link lives.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApproveForm {
    days: String,
}

async fn approve(
    State(state): State<AppState>,
    principal: Principal,
    PathArg(id): PathArg<i64>,
    FormBody(form): FormBody<ApproveForm>,
) -> PageResult {
    let days: i64 = form.days.trim().parse().map_err(|_| {
        ApiError::unprocessable(format!(
            "days: `{}` is not a whole number",
            form.days.trim()
        ))
    })?;
    let approved = approve_request(&state, &principal, id, days).await?;
    page(
        &principal,
        "link_made.html",
        "trust",
        "Request approved",
        context! {
            id => approved.id,
            link => approved.link,
            expires_at => approved.expires_at,
        },
    )
}

async fn deny(
    State(state): State<AppState>,
    principal: Principal,
    PathArg(id): PathArg<i64>,
) -> PageResult {
    state
        .store()
        .decide_access(id, None, &state.stamp(&principal))
        .await?;
    Ok(redirect("/admin/trust?done=denied#requests"))
}
