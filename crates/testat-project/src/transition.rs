//! The transition job: what a C5:2020 store carries over to C5:2026, and what is
//! missing (the rules of it are in `testat_assess::transition`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use testat_assess::{Transition, TransitionInputs};
use testat_catalog::C5Version;
use testat_store::Store;

use crate::Project;
use crate::assessment::C5_2026_REQUIRED;
use crate::error::ProjectError;

impl Project {
    /// The move of this C5:2020 engagement to C5:2026, with the first C5:2026 period
    /// starting on `first_period` (default: 1 June 2027, or today when later).
    pub async fn transition(
        &self,
        store: &Store,
        first_period: Option<NaiveDate>,
    ) -> Result<Transition, ProjectError> {
        if self.version() != C5Version::V2020 {
            return Err(ProjectError::NotA2020Store {
                version: self.version(),
            });
        }
        let today = self.clock().today();
        let first_period = first_period.unwrap_or_else(|| C5_2026_REQUIRED.max(today));
        let rules: BTreeMap<String, Vec<String>> = self
            .rules()?
            .rules()
            .iter()
            .map(|r| (r.id().to_owned(), r.spec.criteria_2026.clone()))
            .collect();
        let evidence = store.evidence(None).await?;
        let attestations = store.attestations(None).await?;
        Ok(testat_assess::transition(&TransitionInputs {
            to: C5Version::V2026.catalog(),
            crosswalk: testat_catalog::crosswalk(),
            rules: &rules,
            evidence: &evidence,
            attestations: &attestations,
            as_of: today,
            first_period,
        }))
    }
}
