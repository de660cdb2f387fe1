//! PDF: the assessment report and the customer handout as print-ready A4 documents,
//! written directly with `pdf-writer` (no browser, no typesetting engine).
//!
//! The text is set in the standard PDF fonts (Helvetica, Helvetica-Bold,
//! Helvetica-Oblique, Courier for addresses and hashes) with `WinAnsiEncoding`: no
//! font is embedded and the text stays extractable. WinAnsi covers Latin-1 (so German
//! `ä ö ü ß` and most Western European text) plus the Windows-1252 extras such as `€`,
//! typographic quotes and dashes; any other character is printed as `?`. The output
//! is a pure function of its input: the same assessment gives the same bytes.
//!
//! | module | job |
//! | --- | --- |
//! | this one | assembling the report and the handout |
//! | `sections` | the report's sections (the handout reuses the service section) |
//! | `gdpr` | the handout's GDPR annex |
//! | `charts` | status colours, badges and charts |
//! | `layout`, `font` | pages, text flow, tables; the standard fonts' metrics |

mod charts;
mod font;
mod frameworks;
mod gdpr;
mod layout;
mod sections;

use testat_assess::{Assessment, CustomerHandout};

use self::layout::{ACCENT, BODY, Doc, INK, MUTED, PAGE_H, PAGE_W, SMALL, b, i, leading, r};
use self::sections::{cover, criterion, period, service_section, summary};
use super::timestamp;
use crate::ReportError;

/// The assessment as a PDF document.
///
/// A cover with the service, the period and the scope; the service description; the
/// status totals and a chart of the status by domain; for Type 2 the period's runs,
/// coverage, gaps and the auditor's sample; then every criterion with its status,
/// reasons, deviations, rules, failure intervals, attestation, evidence and
/// exceptions. Text outside WinAnsi is printed as `?` (see the module docs).
pub fn render_pdf(a: &Assessment) -> Result<Vec<u8>, ReportError> {
    let service = a.service.name();
    let kind = format!("{} Type {}", a.catalog.name, a.kind.number());
    let mut doc = Doc::new(format!("{service} \u{2013} {kind}"));

    cover(&mut doc, a, service, &kind);
    doc.new_page();

    doc.heading(1, "1  Service");
    service_section(&mut doc, &a.service, &a.scope);

    doc.heading(1, "2  Summary");
    summary(&mut doc, a);

    let mut next = 3;
    if a.period.is_some() {
        doc.heading(1, &format!("{next}  Operation over the period"));
        period(&mut doc, a);
        next += 1;
    }
    for f in &a.frameworks {
        frameworks::framework(&mut doc, f, next);
        next += 1;
    }

    doc.heading(1, &format!("{next}  Criteria"));
    let mut domain = "";
    for c in &a.criteria {
        if c.domain != domain {
            domain = &c.domain;
            let title = a
                .domains
                .iter()
                .find(|d| d.code == c.domain)
                .map_or("", |d| d.title.as_str());
            doc.heading(2, &format!("{} {}", c.domain, title));
        }
        criterion(&mut doc, c);
    }

    let title = format!("{kind} report: {service}");
    let producer = format!("Testat {}", a.tool_version);
    Ok(doc.finish(&title, &producer, &a.generated_at))
}

/// The customer handout as a PDF document: the service description and scope, then
/// the customer's duties (the complementary customer criteria) by domain. Text
/// outside WinAnsi is printed as `?` (see the module docs).
pub fn render_handout_pdf(h: &CustomerHandout) -> Result<Vec<u8>, ReportError> {
    let service = h.service.name_or("the service");
    let footer_name = h.service.name();
    let mut doc = Doc::new(format!(
        "{footer_name} \u{2013} {} customer handout",
        h.catalog.name
    ));
    doc.rect(0.0, PAGE_H - 14.0, PAGE_W, 14.0, ACCENT);
    doc.space(40.0);
    doc.paragraph(
        &[b(
            format!("{} customer handout", h.catalog.name).to_uppercase()
        )],
        0.0,
        10.0,
        MUTED,
    );
    doc.space(4.0);
    doc.paragraph(
        &[b(format!(
            "What customers of {service} must do: {} complementary customer criteria",
            h.catalog.name
        ))],
        0.0,
        18.0,
        ACCENT,
    );
    doc.space(8.0);
    doc.paragraph(
        &[r(format!(
            "The provider's controls cover its side of {}. The criteria below also need \
             controls on the customer's side; the customer's auditor will ask for them.",
            h.catalog.name
        ))],
        0.0,
        BODY + 0.5,
        INK,
    );
    doc.space(4.0);
    doc.paragraph(
        &[r(format!(
            "Generated {} by Testat {} (catalogue version {}).",
            timestamp(&h.generated_at),
            h.tool_version,
            h.catalog.version
        ))],
        0.0,
        SMALL,
        MUTED,
    );

    doc.heading(1, "1  Service");
    service_section(&mut doc, &h.service, &h.scope);

    doc.heading(1, "2  Customer duties by domain");
    for d in &h.domains {
        doc.heading(2, &format!("{} {}", d.code, d.title));
        for item in &d.items {
            doc.ensure(3.0 * leading(BODY));
            doc.paragraph(
                &[b(&item.criterion), b("  "), b(&item.title)],
                0.0,
                BODY,
                INK,
            );
            doc.paragraph(&[r(&item.customer_part)], 12.0, BODY, INK);
            if let Some(reason) = &item.scoped_out {
                doc.paragraph(
                    &[b("Out of the service's scope: "), i(reason)],
                    12.0,
                    SMALL,
                    MUTED,
                );
            }
            doc.space(6.0);
        }
    }
    if let Some(g) = &h.gdpr {
        gdpr::gdpr(&mut doc, g, 3);
    }
    let title = format!("{} customer handout: {}", h.catalog.name, h.service.name());
    let producer = format!("Testat {}", h.tool_version);
    Ok(doc.finish(&title, &producer, &h.generated_at))
}
