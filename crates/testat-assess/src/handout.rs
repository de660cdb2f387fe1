//! The customer handout: what the cloud customer must do on their side, from the
//! catalogue's customer parts, grouped by domain, with the service description.

use chrono::{DateTime, Utc};
use testat_catalog::Catalog;

use crate::model::{CatalogRef, CustomerDomain, CustomerDuty, CustomerHandout};
use crate::service::{ScopedOut, ServiceDescription};

/// The schema name and version of the serialised [`CustomerHandout`].
pub const HANDOUT_SCHEMA: &str = "testat-customer-handout/v1";

/// Builds the handout: every criterion with a customer part, by domain in catalogue
/// order; criteria scoped out are kept and marked.
pub fn customer_handout(
    catalog: &Catalog,
    service: &ServiceDescription,
    scope: &[ScopedOut],
    generated_at: DateTime<Utc>,
    tool_version: &str,
) -> CustomerHandout {
    let domains = catalog
        .domains
        .iter()
        .filter_map(|d| {
            let items: Vec<CustomerDuty> = catalog
                .criteria_in(&d.code)
                .filter(|c| !c.customer_part.trim().is_empty())
                .map(|c| CustomerDuty {
                    criterion: c.id.clone(),
                    title: c.title.clone(),
                    customer_part: c.customer_part.trim().to_owned(),
                    scoped_out: scope
                        .iter()
                        .find(|s| s.criterion == c.id)
                        .map(|s| s.reason.clone()),
                })
                .collect();
            (!items.is_empty()).then(|| CustomerDomain {
                code: d.code.clone(),
                title: d.name.clone(),
                items,
            })
        })
        .collect();
    CustomerHandout {
        schema: HANDOUT_SCHEMA,
        generated_at,
        tool_version: tool_version.to_owned(),
        catalog: CatalogRef {
            name: catalog.name.clone(),
            version: catalog.version.clone(),
        },
        service: service.clone(),
        scope: scope.to_vec(),
        domains,
        gdpr: None,
    }
}
