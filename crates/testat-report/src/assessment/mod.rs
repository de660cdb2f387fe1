//! Reports of an assessment ([`Assessment`]) and the customer handout
//! ([`CustomerHandout`]). Every format renders the same value; [`render_assessment`]
//! and [`render_handout`] pick the renderer for an [`AssessmentFormat`] or a
//! [`HandoutFormat`]:
//!
//! | format | module | for |
//! | --- | --- | --- |
//! | Markdown | `markdown` | people pasting into wikis and tickets |
//! | CSV | `csv` | spreadsheets: one row per criterion |
//! | JSON | `json` | machines (schema `docs/schemas/assessment.v1.json`) |
//! | HTML | `html` | people and auditors: one self-contained page with charts, for screen and print |
//! | PDF | `pdf` | auditors and customers: print-ready A4, standard fonts, no browser |
//! | OSCAL 1.1.2 assessment results and POA&M | `oscal` | GRC tools that read OSCAL |
//!
//! The GDPR annex of the handout (`report customer --gdpr`) shares its wording across
//! formats through `gdpr`.
//!
//! The charts of the HTML and the PDF take their geometry from `geometry`.

mod csv;
mod format;
mod frameworks;
mod gdpr;
mod geometry;
mod html;
mod json;
mod markdown;
mod oscal;
mod pdf;

pub use self::csv::render_csv;
pub use self::format::{AssessmentFormat, HandoutFormat, render_assessment, render_handout};
pub use self::html::{render_handout_html, render_html};
pub use self::json::{render_handout_json, render_json};
pub(crate) use self::markdown::escape as escape_markdown;
pub use self::markdown::{render_handout_markdown, render_markdown};
pub use self::oscal::{render_assessment_results, render_poam};
pub use self::pdf::{render_handout_pdf, render_pdf};

use chrono::{DateTime, Utc};

/// A timestamp for people: `2026-03-10 06:00 UTC`.
pub(crate) fn timestamp(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A duration for people: `45 min`, `5 h`, `2 d 3 h`.
pub(crate) fn duration(secs: i64) -> String {
    let minutes = secs.max(0) / 60;
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{mins} min"),
        (0, h) if mins == 0 => format!("{h} h"),
        (0, h) => format!("{h} h {mins} min"),
        (d, 0) => format!("{d} d"),
        (d, h) => format!("{d} d {h} h"),
    }
}

/// How many entries of one list per criterion (failure intervals, deviations, failing
/// or excepted resources) the reports for people and OSCAL show; the rest is counted.
/// A year of runs over a large estate can hold hundreds of thousands of intervals;
/// the JSON report keeps every one.
pub const LISTED: usize = 50;

/// The first [`LISTED`] of `items`, and how many are left out.
pub(crate) fn listed<T>(items: &[T]) -> (&[T], usize) {
    let shown = items.len().min(LISTED);
    (&items[..shown], items.len() - shown)
}

/// The line that stands for what [`listed`] left out.
pub(crate) fn more(left_out: usize, what: &str) -> String {
    format!("… and {left_out} more {what} (the JSON report lists them all)")
}
