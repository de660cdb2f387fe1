//! The customer handout with its GDPR annex (`report customer --gdpr`): the handout,
//! the status of the criteria mapped to Article 32(1), the service description's
//! transfers and commitments, and the register's transparency figures for this year.

use testat_assess::{CustomerHandout, GdprInputs, TransparencyFigures, gdpr_pack};
use testat_inquiry::{
    PUBLISHED_BAND, PUBLISHED_COUNTRIES, Period, transparency_report_for_countries,
};
use testat_store::Store;

use crate::Project;
use crate::error::ProjectError;

impl Project {
    /// The customer handout with the GDPR annex, from what `store` holds today.
    ///
    /// The transparency figures are those of the current calendar year, banded and
    /// with the countries listed as on the trust page; none when the register holds
    /// no records.
    pub async fn customer_handout_gdpr(
        &self,
        store: &Store,
    ) -> Result<CustomerHandout, ProjectError> {
        let mut handout = self.customer_handout()?;
        let (framework, mapping) = self.framework("gdpr")?;
        let status = self.status(store).await?;
        let records = store.inquiries().await?;
        let today = self.clock().today();
        let period = Period::year_of(today);
        let report = if records.is_empty() {
            None
        } else {
            let countries: Vec<String> = PUBLISHED_COUNTRIES
                .iter()
                .map(|c| (*c).to_owned())
                .collect();
            Some(transparency_report_for_countries(
                &records,
                period,
                PUBLISHED_BAND,
                today,
                &countries,
            )?)
        };
        handout.gdpr = Some(gdpr_pack(GdprInputs {
            framework,
            mapping,
            statuses: status
                .criteria
                .iter()
                .map(|c| (c.criterion.as_str(), c.title.as_str(), c.status))
                .collect(),
            service: &self.settings().service,
            as_of: status.as_of,
            transparency: TransparencyFigures {
                period: period.to_string(),
                report,
            },
        }));
        Ok(handout)
    }
}
