//! The published snapshot (`testat-trust/v1`): what an admin freezes with `POST
//! /api/trust/publish`, and the only source of the public pages.
//!
//! It holds the service description, locations and subservices, the attestation (Type
//! 1 date or Type 2 period) with the criteria out of scope and why, the status per
//! domain as counts per status only, the customer handout (with the GDPR annex when the
//! admin asks for it), the transparency report of government requests for a fixed list
//! of countries plus "other countries", the documents offered, and the anchor of the
//! audit chain at publication. It never holds findings, resource names, evidence,
//! attestation texts or the reasons of a status.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use testat_assess::{AssessmentKind, CatalogRef, CustomerHandout, DomainResult, StatusCounts};
use testat_assess::{Location, ScopedOut, Service, Subservice};
use testat_inquiry::{Period, TransparencyReport, transparency_report_for_countries};
use testat_project::AssessmentRequest;
use testat_store::{Anchor, TrustDocument};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The format name of a snapshot.
pub const TRUST_FORMAT: &str = "testat-trust/v1";

/// The countries listed by name in a published transparency report unless the admin
/// names others (the customer handout's GDPR annex lists the same).
pub const DEFAULT_COUNTRIES: [&str; 2] = testat_inquiry::PUBLISHED_COUNTRIES;
/// The band of the published report unless the admin names another.
pub const DEFAULT_BAND: u64 = testat_inquiry::PUBLISHED_BAND;
/// The smallest band accepted for publication: with a band of 1 a single request would
/// show as `1`.
pub const MIN_BAND: u64 = 2;
/// The largest band accepted.
pub const MAX_BAND: u64 = 1000;
/// The most countries listed by name.
pub const MAX_COUNTRIES: usize = 50;

/// What to publish.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// The attestation shown (default: Type 1 today).
    #[serde(default)]
    pub attestation: Option<AttestationChoice>,
    /// How the transparency report is made (defaults in each field).
    #[serde(default)]
    pub transparency: Option<TransparencyChoice>,
    /// Whether the customer handout carries the GDPR annex for a data processing
    /// agreement (Art. 28 GDPR): the measures under the four points of Art. 32(1) with
    /// the status of their criteria, locations and subservice organisations outside the
    /// EU/EEA with the declared transfer mechanism, the breach notification commitment
    /// and this year's transparency figures. Never findings or resource names
    /// (default false).
    #[serde(default)]
    pub gdpr_annex: bool,
}

/// The assessment whose period, scope and status per domain are published.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttestationChoice {
    /// `1` (design at a date) or `2` (operation over a period that is over).
    #[serde(rename = "type")]
    pub kind: u8,
    /// Type 1: the date (default today).
    #[serde(default)]
    pub at: Option<NaiveDate>,
    /// Type 2: the first day.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Type 2: the last day.
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

/// How the published transparency report is made.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransparencyChoice {
    /// `2026`, `2026-H1` or `2026-Q3` (default: the half-year of today).
    #[serde(default)]
    pub period: Option<String>,
    /// Counts below this are shown as `0-(band-1)`; 2 to 1000 (default 10).
    #[serde(default)]
    pub band: Option<u64>,
    /// The countries listed by name (ISO 3166-1 alpha-2, at most 50; default `DE`,
    /// `US`). Every other country is counted under "other countries", so that the list
    /// never says that a request came from a country.
    #[serde(default)]
    pub countries: Option<Vec<String>>,
}

/// A document as the snapshot lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedDocument {
    /// Its ID (`/trust/documents/{id}`).
    pub id: i64,
    /// Its title.
    pub title: String,
    /// The file name offered.
    pub name: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content.
    pub sha256: String,
    /// Whether it is given out only on an approved request.
    pub gated: bool,
}

impl From<&TrustDocument> for PublishedDocument {
    fn from(d: &TrustDocument) -> Self {
        Self {
            id: d.id,
            title: d.title.clone(),
            name: d.name.clone(),
            media_type: d.media_type.clone(),
            size: d.size,
            sha256: d.sha256.clone(),
            gated: d.gated,
        }
    }
}

/// The attestation published.
#[derive(Debug, Serialize)]
pub struct PublishedAttestation {
    /// Type 1 (`at`) or Type 2 (`from`, `to`).
    #[serde(flatten)]
    pub kind: AssessmentKind,
    /// The date or period, for people.
    pub label: String,
    /// When the assessment behind the status was made.
    pub assessed_at: DateTime<Utc>,
}

/// Status per domain: counts per status, nothing else.
#[derive(Debug, Serialize)]
pub struct PublishedStatus {
    /// All criteria in scope or not, per status.
    pub totals: StatusCounts,
    /// Per domain, in catalogue order.
    pub domains: Vec<DomainResult>,
}

/// A snapshot, as frozen into the store.
#[derive(Debug, Serialize)]
pub struct Snapshot {
    /// [`TRUST_FORMAT`].
    pub format: &'static str,
    /// When it was published.
    pub published_at: DateTime<Utc>,
    /// The catalogue the status refers to.
    pub catalog: CatalogRef,
    /// `[service]` of the settings.
    pub service: Option<Service>,
    /// Where data is processed and stored.
    pub locations: Vec<Location>,
    /// The subservice organisations (subprocessors).
    pub subservices: Vec<Subservice>,
    /// The attestation's date or period.
    pub attestation: PublishedAttestation,
    /// Criteria out of scope, with the reason.
    pub scope: Vec<ScopedOut>,
    /// Status per domain.
    pub status: PublishedStatus,
    /// What customers do on their side.
    pub handout: CustomerHandout,
    /// Government requests, banded, for a fixed list of countries.
    pub transparency: TransparencyReport,
    /// Documents offered (public or on request).
    pub documents: Vec<PublishedDocument>,
    /// The audit chain's head at publication, signed; `null` when the server's store
    /// has no signing key.
    pub anchor: Option<Anchor>,
}

fn assessment_request(choice: Option<&AttestationChoice>) -> ApiResult<AssessmentRequest> {
    let Some(c) = choice else {
        return Ok(AssessmentRequest::Type1 { at: None });
    };
    match (c.kind, c.at, c.from, c.to) {
        (1, at, None, None) => Ok(AssessmentRequest::Type1 { at }),
        (1, ..) => Err(ApiError::unprocessable(
            "/attestation: type 1 takes `at` (a date), not `from` and `to`",
        )),
        (2, None, Some(from), Some(to)) => Ok(AssessmentRequest::Type2 {
            from,
            to,
            sample: None,
        }),
        (2, ..) => Err(ApiError::unprocessable(
            "/attestation: type 2 takes `from` and `to` (the period), not `at`",
        )),
        (other, ..) => Err(ApiError::unprocessable(format!(
            "/attestation/type: {other} is not 1 or 2"
        ))),
    }
}

fn transparency_settings(
    choice: Option<&TransparencyChoice>,
    today: NaiveDate,
) -> ApiResult<(Period, u64, Vec<String>)> {
    let period = match choice.and_then(|c| c.period.as_deref()) {
        Some(p) => p
            .parse::<Period>()
            .map_err(|e| ApiError::unprocessable(format!("/transparency/period: {e}")))?,
        None => Period::half_of(today),
    };
    let band = choice.and_then(|c| c.band).unwrap_or(DEFAULT_BAND);
    if !(MIN_BAND..=MAX_BAND).contains(&band) {
        return Err(ApiError::unprocessable(format!(
            "/transparency/band: {band} is outside {MIN_BAND} to {MAX_BAND}; a band of 1 would publish single requests"
        )));
    }
    let countries: Vec<String> = match choice.and_then(|c| c.countries.clone()) {
        Some(list) => list,
        None => DEFAULT_COUNTRIES.iter().map(|c| (*c).to_owned()).collect(),
    };
    if countries.len() > MAX_COUNTRIES {
        return Err(ApiError::unprocessable(format!(
            "/transparency/countries: at most {MAX_COUNTRIES} countries are listed by name"
        )));
    }
    Ok((period, band, countries))
}

/// Builds the snapshot `request` asks for, as of now.
pub async fn build(state: &AppState, request: &PublishRequest) -> ApiResult<Snapshot> {
    let project = state.project();
    let store = state.store();
    let now = state.now();
    let today = project.clock().today();
    // Everything the request can get wrong is checked before the store is read.
    let wanted = assessment_request(request.attestation.as_ref())?;
    let (period, band, countries) = transparency_settings(request.transparency.as_ref(), today)?;
    project
        .assessment_kind(&wanted)
        .map_err(|e| ApiError::unprocessable(format!("/attestation: {e}")))?;
    let handout = if request.gdpr_annex {
        project.customer_handout_gdpr(store).await?
    } else {
        project.customer_handout()?
    };
    let assessment = project.assess(store, &wanted).await?;
    let transparency = transparency_report_for_countries(
        &store.inquiries().await?,
        period,
        band,
        today,
        &countries,
    )
    .map_err(|e| ApiError::unprocessable(format!("/transparency: {e}")))?;
    let documents = store
        .documents()
        .await?
        .iter()
        .filter(|d| d.withdrawn_at.is_none())
        .map(PublishedDocument::from)
        .collect();
    let anchor = super::anchor::current(state).await?;
    let service = project.settings().service.clone();
    Ok(Snapshot {
        format: TRUST_FORMAT,
        published_at: now,
        catalog: assessment.catalog.clone(),
        service: service.service,
        locations: service.locations,
        subservices: service.subservices,
        attestation: PublishedAttestation {
            kind: assessment.kind,
            label: assessment.kind.period_label(),
            assessed_at: assessment.generated_at,
        },
        scope: assessment.scope.clone(),
        status: PublishedStatus {
            totals: assessment.counts,
            domains: assessment.domains.clone(),
        },
        handout,
        transparency,
        documents,
        anchor,
    })
}

/// The newest snapshot, read for the public pages.
#[derive(Debug, Clone)]
pub struct Published {
    /// Its ID.
    pub id: i64,
    /// The content as published.
    pub content: serde_json::Value,
    /// The documents it lists that are still offered (not withdrawn since).
    pub documents: Vec<PublishedDocument>,
    /// The NDA in force: version and text.
    pub nda: Option<(i64, String)>,
}

/// The newest published snapshot, with the documents it lists that are still offered,
/// and the NDA in force; `None` before the first publication.
pub async fn published(state: &AppState) -> ApiResult<Option<Published>> {
    let store = state.store();
    let Some(snapshot) = store.latest_snapshot().await? else {
        return Ok(None);
    };
    let content: serde_json::Value =
        serde_json::from_str(&snapshot.content).map_err(|e| ApiError::internal(&e))?;
    let listed: Vec<PublishedDocument> = content
        .get("documents")
        .cloned()
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| ApiError::internal(&e))?
        .unwrap_or_default();
    let live = store.documents().await?;
    let documents = listed
        .into_iter()
        .filter(|d| {
            live.iter()
                .any(|l| l.id == d.id && l.withdrawn_at.is_none() && l.sha256 == d.sha256)
        })
        .collect();
    Ok(Some(Published {
        id: snapshot.id,
        content,
        documents,
        nda: store.nda().await?,
    }))
}

/// Document `id` if the newest snapshot offers it and it was not withdrawn since.
pub async fn offered_document(state: &AppState, id: i64) -> ApiResult<Option<TrustDocument>> {
    let Some(published) = published(state).await? else {
        return Ok(None);
    };
    if !published.documents.iter().any(|d| d.id == id) {
        return Ok(None);
    }
    match state.store().document(id).await {
        Ok(d) if d.withdrawn_at.is_none() => Ok(Some(d)),
        Ok(_) | Err(testat_store::StoreError::Missing { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
