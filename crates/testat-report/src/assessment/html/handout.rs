//! The customer handout as one self-contained HTML page: the service description and
//! scope, then the customer's duties by domain, and the GDPR annex when asked for.

use minijinja::Value;
use minijinja::value::Serde;
use serde::Serialize;
use testat_assess::CustomerHandout;

use super::super::timestamp;
use super::gdpr::GdprView;
use super::render;
use super::view::{ServiceView, anchor};
use crate::ReportError;

/// The customer handout as one self-contained HTML page.
pub fn render_handout_html(h: &CustomerHandout) -> Result<String, ReportError> {
    let context = HandoutView::new(h);
    render("handout.html", Value::from(Serde(&context)))
}

#[derive(Serialize)]
struct HandoutView<'a> {
    title: String,
    /// The service's name as the cover's heading shows it.
    heading_name: String,
    provider: Option<String>,
    catalog_name: String,
    catalog_version: String,
    generated_at: String,
    tool_version: String,
    service: ServiceView<'a>,
    domains: Vec<HandoutDomain>,
    duties: usize,
    /// The GDPR annex, when asked for.
    gdpr: Option<GdprView>,
}

#[derive(Serialize)]
struct HandoutDomain {
    code: String,
    title: String,
    anchor: String,
    items: Vec<HandoutItem>,
}

#[derive(Serialize)]
struct HandoutItem {
    criterion: String,
    title: String,
    customer_part: String,
    scoped_out: Option<String>,
}

impl<'a> HandoutView<'a> {
    fn new(h: &'a CustomerHandout) -> Self {
        let service = h.service.service.as_ref();
        Self {
            title: format!(
                "What customers of {} must do: {} complementary customer criteria",
                h.service.name_or("the service"),
                h.catalog.name
            ),
            heading_name: h.service.name_or("the service").to_owned(),
            provider: service.map(|s| s.provider.clone()),
            catalog_name: h.catalog.name.clone(),
            catalog_version: h.catalog.version.clone(),
            generated_at: timestamp(&h.generated_at),
            tool_version: h.tool_version.clone(),
            service: ServiceView::new(&h.service, &h.scope, false),
            domains: h
                .domains
                .iter()
                .map(|d| HandoutDomain {
                    code: d.code.clone(),
                    title: d.title.clone(),
                    anchor: anchor("domain", &d.code),
                    items: d
                        .items
                        .iter()
                        .map(|i| HandoutItem {
                            criterion: i.criterion.clone(),
                            title: i.title.clone(),
                            customer_part: i.customer_part.clone(),
                            scoped_out: i.scoped_out.clone(),
                        })
                        .collect(),
                })
                .collect(),
            duties: h.domains.iter().map(|d| d.items.len()).sum(),
            gdpr: h.gdpr.as_ref().map(GdprView::new),
        }
    }
}
