//! The PDF section "what this shows for …" of a framework: its disclaimer, what the
//! section is not, the counts, and one table row per entry.

use testat_assess::FrameworkRollup;

use super::super::frameworks::{NOT_A_VERDICT, criteria_list, heading};
use super::layout::{Align, BODY, Column, Doc, INK, MUTED, SMALL, b, r};

/// Lays out the section for `f` under a level-1 heading numbered `number`.
pub(super) fn framework(doc: &mut Doc, f: &FrameworkRollup, number: usize) {
    doc.heading(1, &format!("{number}  {}", heading(f)));
    doc.paragraph(&[r(f.disclaimer.as_str())], 0.0, SMALL, MUTED);
    doc.paragraph(&[r(NOT_A_VERDICT)], 0.0, BODY, INK);
    let n = &f.counts;
    doc.paragraph(
        &[
            b("Entries: "),
            r(format!(
                "{} supported, {} partly supported, {} not supported, {} without a C5 mapping (C5:{}).",
                n.supported, n.partly_supported, n.not_supported, n.no_mapping, f.c5
            )),
        ],
        0.0,
        BODY,
        INK,
    );
    let columns = [
        Column {
            title: "Entry",
            share: 1.3,
            align: Align::Left,
        },
        Column {
            title: "Title",
            share: 2.2,
            align: Align::Left,
        },
        Column {
            title: "Support",
            share: 1.2,
            align: Align::Left,
        },
        Column {
            title: "Met / partly / not met / not assessed",
            share: 1.3,
            align: Align::Left,
        },
        Column {
            title: "Supported by",
            share: 2.0,
            align: Align::Left,
        },
        Column {
            title: "Missing",
            share: 2.4,
            align: Align::Left,
        },
    ];
    let rows: Vec<Vec<Vec<_>>> = f
        .controls
        .iter()
        .map(|c| {
            let missing = match &c.unmapped_reason {
                Some(reason) => format!("no C5 criterion: {reason}"),
                None => criteria_list(&c.missing),
            };
            vec![
                vec![b(c.label.as_str())],
                vec![r(c.title.as_str())],
                vec![r(c.support.as_str())],
                vec![r(format!(
                    "{} / {} / {} / {}",
                    c.counts.met, c.counts.partly_met, c.counts.not_met, c.counts.not_assessed
                ))],
                vec![r(criteria_list(&c.supported_by))],
                vec![r(missing)],
            ]
        })
        .collect();
    doc.table(&columns, &rows, SMALL);
}
