//! What several pages read: the status of every criterion (the API's cached report),
//! the rules by ID, and today's Type 1 assessment, each cached under the audit head.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use testat_project::AssessmentRequest;

use super::chart::{DomainCounts, status_index};
use crate::error::ApiError;
use crate::state::AppState;

/// One criterion's status with its reasons, as the status report has it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct CriterionStatus {
    pub criterion: String,
    pub domain: String,
    pub title: String,
    pub automation: String,
    pub status: String,
    pub reasons: Vec<String>,
}

/// The status report.
#[derive(Debug, Clone, Deserialize)]
pub(super) struct StatusData {
    pub as_of: String,
    pub criteria: Vec<CriterionStatus>,
}

/// Every criterion's status today.
pub(super) async fn status(state: &AppState) -> Result<StatusData, ApiError> {
    let report = crate::api::status::status_report(state).await?;
    serde_json::from_value(serde_json::Value::clone(&report)).map_err(|e| ApiError::internal(&e))
}

impl StatusData {
    /// Counts per domain in catalogue order, and over all criteria.
    pub fn by_domain(&self, state: &AppState) -> (Vec<DomainCounts>, [usize; 5]) {
        let catalog = state.project().catalog();
        let mut all = [0usize; 5];
        let mut domains: Vec<DomainCounts> = catalog
            .domains
            .iter()
            .map(|d| DomainCounts {
                code: d.code.clone(),
                title: d.name.clone(),
                counts: [0; 5],
            })
            .collect();
        for c in &self.criteria {
            let Some(i) = status_index(&c.status) else {
                continue;
            };
            if let Some(slot) = all.get_mut(i) {
                *slot += 1;
            }
            if let Some(d) = domains.iter_mut().find(|d| d.code == c.domain)
                && let Some(slot) = d.counts.get_mut(i)
            {
                *slot += 1;
            }
        }
        (domains, all)
    }
}

/// A rule's title and the criteria it serves.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct RuleEntry {
    pub title: String,
    pub criteria: Vec<String>,
}

/// Every rule by ID (compiled once; the rules do not change while the server runs).
pub(super) async fn rules(state: &AppState) -> Result<BTreeMap<String, RuleEntry>, ApiError> {
    let value = state
        .cached("ui-rules", String::new(), || async {
            let rules = state.project().rules()?;
            let map: BTreeMap<String, RuleEntry> = testat_assess::RuleInfo::of(&rules)
                .into_iter()
                .map(|(id, r)| {
                    (
                        id,
                        RuleEntry {
                            title: r.title,
                            criteria: r.criteria,
                        },
                    )
                })
                .collect();
            serde_json::to_value(map).map_err(|e| ApiError::internal(&e))
        })
        .await?;
    serde_json::from_value(serde_json::Value::clone(&value)).map_err(|e| ApiError::internal(&e))
}

/// Today's Type 1 assessment as JSON (for the rules' outcomes and failing resources
/// of a criterion), made again only after a change.
pub(super) async fn today(state: &AppState) -> Result<Arc<serde_json::Value>, ApiError> {
    let key = state.content_key().await?;
    state
        .cached("ui-today", key, || async {
            let a = state
                .project()
                .assess(state.store(), &AssessmentRequest::Type1 { at: None })
                .await?;
            serde_json::to_value(a).map_err(|e| ApiError::internal(&e))
        })
        .await
}
