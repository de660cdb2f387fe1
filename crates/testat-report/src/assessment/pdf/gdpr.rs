//! The PDF GDPR annex of the handout: the disclaimer, the Art. 32(1) measures by
//! status, the locations and subservice organisations with their transfers, the
//! breach notification commitment and the transparency figures.

use testat_assess::GdprPack;

use super::super::gdpr::{
    self as words, BREACH, HEADING, MEASURES, MEASURES_RULE, SUBPROCESSORS, TRANSFERS,
    TRANSFERS_RULE, TRANSPARENCY,
};
use super::layout::{Align, BODY, Column, Doc, INK, MUTED, SMALL, b, leading, r};

fn column(title: &'static str, share: f32) -> Column {
    Column {
        title,
        share,
        align: Align::Left,
    }
}

/// Lays out the annex under a level-1 heading numbered `number`.
pub(super) fn gdpr(doc: &mut Doc, g: &GdprPack, number: usize) {
    doc.heading(1, &format!("{number}  {HEADING}"));
    doc.paragraph(&[r(g.disclaimer.as_str())], 0.0, SMALL, MUTED);

    doc.heading(2, MEASURES);
    doc.paragraph(
        &[r(format!(
            "C5 status as of {} (C5:{}). {MEASURES_RULE}",
            g.as_of, g.c5
        ))],
        0.0,
        BODY,
        INK,
    );
    for h in &g.measures {
        doc.ensure(4.0 * leading(BODY));
        doc.paragraph(&[b(words::point_heading(h))], 0.0, BODY, INK);
        doc.paragraph(&[r(h.summary.as_str())], 12.0, SMALL, MUTED);
        let mut items: Vec<Vec<_>> = Vec::new();
        if h.in_place.is_empty() && h.partly_in_place.is_empty() {
            items.push(vec![b(words::NONE_IN_PLACE)]);
        }
        items.extend(
            words::groups(h)
                .into_iter()
                .filter(|(_, list)| !list.is_empty())
                .map(|(label, list)| vec![b(format!("{label}: ")), r(words::criteria(list))]),
        );
        doc.bullets(&items, 12.0, SMALL);
        doc.space(4.0);
    }

    doc.heading(2, TRANSFERS);
    doc.paragraph(&[r(TRANSFERS_RULE)], 0.0, BODY, INK);
    if g.locations.is_empty() {
        doc.paragraph(
            &[r("The service description names no locations.")],
            0.0,
            BODY,
            INK,
        );
    } else {
        let columns = [
            column("Location", 1.6),
            column("Country", 0.8),
            column("Purposes", 1.5),
            column("Operated by", 1.5),
            column("Transfer outside the EU/EEA", 2.8),
        ];
        let rows: Vec<Vec<Vec<_>>> = g
            .locations
            .iter()
            .map(|l| {
                vec![
                    vec![r(l.name.as_str())],
                    vec![r(l.country.as_str())],
                    vec![r(l.purposes.join(", "))],
                    vec![r(l.operated_by.as_deref().unwrap_or("provider"))],
                    vec![b(words::transfer(
                        l.transfer,
                        l.mechanism,
                        l.mechanism_note.as_deref(),
                    ))],
                ]
            })
            .collect();
        doc.table(&columns, &rows, SMALL);
    }

    doc.heading(2, SUBPROCESSORS);
    if g.subservices.is_empty() {
        doc.paragraph(
            &[r(
                "The service description names no subservice organisations.",
            )],
            0.0,
            BODY,
            INK,
        );
    } else {
        let columns = [
            column("Name", 1.6),
            column("Provides", 1.6),
            column("Method", 0.9),
            column("Countries", 1.1),
            column("Transfer outside the EU/EEA", 2.8),
        ];
        let rows: Vec<Vec<Vec<_>>> = g
            .subservices
            .iter()
            .map(|s| {
                vec![
                    vec![r(s.name.as_str())],
                    vec![r(s.provides.as_str())],
                    vec![r(s.method.as_str())],
                    vec![r(s.countries.join(", "))],
                    vec![b(words::transfer(
                        s.transfer,
                        s.mechanism,
                        s.mechanism_note.as_deref(),
                    ))],
                ]
            })
            .collect();
        doc.table(&columns, &rows, SMALL);
    }

    doc.heading(2, BREACH);
    doc.paragraph(&[r(words::breach(&g.breach_notification))], 0.0, BODY, INK);
    if let Some(text) = &g.breach_notification.incident_handling {
        doc.paragraph(
            &[b("Incident handling: "), r(text.as_str())],
            0.0,
            BODY,
            INK,
        );
    }

    doc.heading(2, TRANSPARENCY);
    match &g.transparency.report {
        None => doc.paragraph(
            &[r(words::no_register_data(&g.transparency.period))],
            0.0,
            BODY,
            INK,
        ),
        Some(report) => {
            doc.paragraph(&[r(words::band_note(report))], 0.0, BODY, INK);
            let columns = [
                Column {
                    title: "Figure",
                    share: 4.0,
                    align: Align::Left,
                },
                Column {
                    title: "Requests",
                    share: 1.0,
                    align: Align::Right,
                },
            ];
            let rows: Vec<Vec<Vec<_>>> = words::figures(report)
                .into_iter()
                .map(|(label, value)| vec![vec![r(label)], vec![r(value)]])
                .collect();
            doc.table(&columns, &rows, SMALL);
        }
    }
}
