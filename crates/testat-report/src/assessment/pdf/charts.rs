//! The PDF's status marks and charts: status colours and badges, the bar of all
//! criteria by status with its legend, and the status by domain. The bar lengths come
//! from [`geometry`](super::super::geometry); this module draws them and decides which
//! counts fit inside their segment.

use testat_assess::{Assessment, STATUSES, Status, StatusCounts};

use super::super::geometry::{self, Segment};
use super::font::{Font, encode};
use super::layout::{Doc, INK, MARGIN_X, MUTED, Rgb, SMALL, TEXT_W, WHITE, b, leading, r};

/// The colour of a status in badges and charts (always shown with the status word).
fn status_color(s: Status) -> Rgb {
    match s {
        Status::Met => Rgb(0.16, 0.52, 0.31),
        Status::PartlyMet => Rgb(0.86, 0.55, 0.07),
        Status::NotMet => Rgb(0.78, 0.18, 0.16),
        Status::NotAssessed => Rgb(0.50, 0.53, 0.57),
        Status::NotApplicable => Rgb(0.40, 0.50, 0.63),
    }
}

const BADGE_SIZE: f32 = 7.0;

pub(super) fn badge_width(s: Status) -> f32 {
    Font::Bold.width(&encode(&s.as_str().to_uppercase()), BADGE_SIZE) + 10.0
}

/// A coloured badge with the status word; `top` is its upper edge.
pub(super) fn badge(doc: &mut Doc, s: Status, x: f32, top: f32) {
    let w = badge_width(s);
    let h = BADGE_SIZE + 6.0;
    doc.rect(x, top - h, w, h, status_color(s));
    doc.text_at(
        &[b(s.as_str().to_uppercase())],
        x + 5.0,
        top - h + 3.6,
        BADGE_SIZE,
        WHITE,
    );
}

/// How the counts are written inside the segments of a bar.
struct CountStyle {
    /// Bold or regular.
    font: Font,
    size: f32,
    /// Room the count needs beside its width to be written.
    pad: f32,
    /// Baseline above the bar's bottom edge.
    rise: f32,
}

/// Fills the segments of a stacked bar (its bottom edge at `bottom`, `h` high) in their
/// status colours, each with its count inside when the count fits.
fn segments(doc: &mut Doc, segments: &[Segment<f32>], bottom: f32, h: f32, style: &CountStyle) {
    for s in segments {
        let (x, w) = (s.x, s.width);
        doc.rect(x, bottom, w, h, status_color(s.status));
        let label = s.count.to_string();
        let lw = style.font.width(label.as_bytes(), style.size);
        if lw + style.pad <= w {
            let span = if style.font == Font::Bold {
                b(label)
            } else {
                r(label)
            };
            doc.text_at(
                &[span],
                x + (w - lw) / 2.0,
                bottom + style.rise,
                style.size,
                WHITE,
            );
        }
    }
}

/// One stacked bar over all criteria with a legend, full width.
pub(super) fn totals_bar(doc: &mut Doc, counts: &StatusCounts) {
    let h = 18.0;
    doc.ensure(h + 30.0);
    let top = doc.y();
    let bar = geometry::stacked(counts, counts.total(), MARGIN_X, TEXT_W);
    let style = CountStyle {
        font: Font::Bold,
        size: 9.0,
        pad: 6.0,
        rise: 5.8,
    };
    segments(doc, &bar.segments, top - h, h, &style);
    doc.space(h + 6.0);
    legend(doc, counts);
}

/// The colour key: a square, the status word and (when given) its count.
fn legend(doc: &mut Doc, counts: &StatusCounts) {
    let size = SMALL;
    doc.ensure(leading(size) + 4.0);
    let top = doc.y();
    let mut x = MARGIN_X;
    for s in STATUSES {
        doc.rect(x, top - 8.0, 8.0, 8.0, status_color(s));
        let w = doc.text_at(
            &[r(format!("{s} ({})", counts.get(s)))],
            x + 11.0,
            top - 7.2,
            size,
            INK,
        );
        x += 11.0 + w + 14.0;
    }
    doc.space(leading(size) + 8.0);
}

/// Status by domain: one stacked horizontal bar per domain, scaled to the largest.
pub(super) fn domain_chart(doc: &mut Doc, a: &Assessment) {
    const BAR: f32 = 11.0;
    const GAP: f32 = 4.5;
    let label_w = 48.0;
    let bar_w = TEXT_W - label_w - 28.0;
    let scale = geometry::domain_scale(&a.domains);
    let style = CountStyle {
        font: Font::Regular,
        size: 7.0,
        pad: 4.0,
        rise: 3.2,
    };
    legend(doc, &a.counts);
    // Keep the chart together when it fits on a page.
    doc.ensure((a.domains.len() as f32 * (BAR + GAP)).min(600.0));
    for d in &a.domains {
        doc.ensure(BAR + GAP);
        let top = doc.y();
        doc.text_at(&[b(&d.code)], MARGIN_X, top - BAR + 2.8, SMALL, INK);
        let x = MARGIN_X + label_w;
        doc.rect(x, top - BAR, bar_w, BAR, Rgb(0.96, 0.97, 0.98));
        let bar = geometry::stacked(&d.counts, scale, x, bar_w);
        segments(doc, &bar.segments, top - BAR, BAR, &style);
        doc.text_at(
            &[r(d.counts.total().to_string())],
            bar.end + 4.0,
            top - BAR + 2.8,
            SMALL,
            MUTED,
        );
        doc.space(BAR + GAP);
    }
    doc.space(4.0);
}
