//! A small flow layout engine over `pdf-writer`: text is wrapped with the real glyph
//! widths of the standard fonts, blocks flow down A4 pages and break onto new ones,
//! tables repeat their header after a break, and the running footer (which needs the
//! page count) is added when the document is finished.

use chrono::{DateTime, Datelike, Timelike, Utc};
use pdf_writer::{Content, Date, Name, Pdf, Rect, Ref, Str, TextStr};

use super::font::{Font, encode};

/// A4 width in points.
pub(crate) const PAGE_W: f32 = 595.28;
/// A4 height in points.
pub(crate) const PAGE_H: f32 = 841.89;
/// Left and right margin.
pub(crate) const MARGIN_X: f32 = 56.0;
/// Top margin.
const MARGIN_TOP: f32 = 56.0;
/// Bottom margin: the footer sits below it.
const MARGIN_BOTTOM: f32 = 64.0;
/// Width available to text.
pub(crate) const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
/// Body text size.
pub(crate) const BODY: f32 = 9.5;
/// Small text size (tables, notes).
pub(crate) const SMALL: f32 = 8.0;

/// An RGB colour, components 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rgb(pub f32, pub f32, pub f32);

/// Body text.
pub(crate) const INK: Rgb = Rgb(0.13, 0.15, 0.18);
/// Secondary text.
pub(crate) const MUTED: Rgb = Rgb(0.42, 0.45, 0.49);
/// Headings and rules.
pub(crate) const ACCENT: Rgb = Rgb(0.09, 0.24, 0.42);
/// Table header background.
pub(crate) const SHADE: Rgb = Rgb(0.92, 0.94, 0.96);
/// Thin rules.
pub(crate) const RULE: Rgb = Rgb(0.80, 0.83, 0.87);
/// White.
pub(crate) const WHITE: Rgb = Rgb(1.0, 1.0, 1.0);

/// A run of text in one font.
#[derive(Debug, Clone)]
pub(crate) struct Span {
    font: Font,
    text: String,
}

/// Text in Helvetica.
pub(crate) fn r(text: impl Into<String>) -> Span {
    Span {
        font: Font::Regular,
        text: text.into(),
    }
}

/// Text in Helvetica-Bold.
pub(crate) fn b(text: impl Into<String>) -> Span {
    Span {
        font: Font::Bold,
        text: text.into(),
    }
}

/// Text in Helvetica-Oblique.
pub(crate) fn i(text: impl Into<String>) -> Span {
    Span {
        font: Font::Italic,
        text: text.into(),
    }
}

/// Text in Courier.
pub(crate) fn m(text: impl Into<String>) -> Span {
    Span {
        font: Font::Mono,
        text: text.into(),
    }
}

/// One laid-out line: segments of WinAnsi bytes in one font each.
#[derive(Debug, Default, Clone)]
pub(crate) struct Line {
    segments: Vec<(Font, Vec<u8>)>,
    width: f32,
}

impl Line {
    fn push(&mut self, font: Font, bytes: &[u8], size: f32) {
        self.width += font.width(bytes, size);
        match self.segments.last_mut() {
            Some((f, text)) if *f == font => text.extend_from_slice(bytes),
            _ => self.segments.push((font, bytes.to_vec())),
        }
    }

    fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }
}

#[derive(Default)]
struct Word {
    pieces: Vec<(Font, Vec<u8>)>,
    width: f32,
}

fn words(spans: &[Span], size: f32) -> Vec<Word> {
    let mut out = Vec::new();
    let mut current: Option<Word> = None;
    for span in spans {
        for byte in encode(&span.text) {
            if byte == b' ' {
                out.extend(current.take());
                continue;
            }
            let word = current.get_or_insert_with(Word::default);
            word.width += span.font.width(&[byte], size);
            match word.pieces.last_mut() {
                Some((f, text)) if *f == span.font => text.push(byte),
                _ => word.pieces.push((span.font, vec![byte])),
            }
        }
    }
    out.extend(current);
    out
}

/// Wraps text into lines no wider than `width`: greedily at spaces, and anywhere
/// inside a word that is wider than a whole line (resource addresses, hashes).
pub(crate) fn wrap(spans: &[Span], size: f32, width: f32) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut line = Line::default();
    for word in words(spans, size) {
        let space = line
            .segments
            .last()
            .map_or(0.0, |(f, _)| f.width(b" ", size));
        if !line.is_empty() && line.width + space + word.width <= width {
            if let Some((f, _)) = line.segments.last() {
                let f = *f;
                line.push(f, b" ", size);
            }
            for (f, text) in &word.pieces {
                line.push(*f, text, size);
            }
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if word.width <= width {
            for (f, text) in &word.pieces {
                line.push(*f, text, size);
            }
            continue;
        }
        // Too long for any line: break between characters.
        for (f, text) in &word.pieces {
            for &byte in text {
                let w = f.width(&[byte], size);
                if !line.is_empty() && line.width + w > width {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(*f, &[byte], size);
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Horizontal alignment in a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// A table column: its header, its share of the text width and its alignment.
pub(crate) struct Column {
    pub title: &'static str,
    pub share: f32,
    pub align: Align,
}

/// The document being laid out.
pub(crate) struct Doc {
    /// Finished pages.
    pages: Vec<Content>,
    /// The page being laid out.
    page: Content,
    /// Top of the free space on the current page.
    y: f32,
    footer: String,
}

/// Line height for a font size.
pub(crate) fn leading(size: f32) -> f32 {
    size * 1.38
}

impl Doc {
    /// A document with one empty page; `footer` is followed by "page N of M".
    pub(crate) fn new(footer: String) -> Self {
        Doc {
            pages: Vec::new(),
            page: Content::new(),
            y: PAGE_H - MARGIN_TOP,
            footer,
        }
    }

    /// Starts a new page.
    pub(crate) fn new_page(&mut self) {
        let done = std::mem::replace(&mut self.page, Content::new());
        self.pages.push(done);
        self.y = PAGE_H - MARGIN_TOP;
    }

    /// The top of the free space on the current page.
    pub(crate) fn y(&self) -> f32 {
        self.y
    }

    /// Moves down by `h`; at the end of a page, stops at its bottom.
    pub(crate) fn space(&mut self, h: f32) {
        self.y = (self.y - h).max(MARGIN_BOTTOM);
    }

    /// Moves to a new page unless `h` points fit on this one.
    pub(crate) fn ensure(&mut self, h: f32) {
        if self.y - h < MARGIN_BOTTOM && self.y < PAGE_H - MARGIN_TOP {
            self.new_page();
        }
    }

    fn content(&mut self) -> &mut Content {
        &mut self.page
    }

    /// Fills a rectangle (`y` is its bottom edge).
    pub(crate) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        let c = self.content();
        c.set_fill_rgb(color.0, color.1, color.2);
        c.rect(x, y, w, h);
        c.fill_nonzero();
    }

    /// A horizontal rule at `y`.
    pub(crate) fn hline(&mut self, x: f32, y: f32, w: f32, width: f32, color: Rgb) {
        let c = self.content();
        c.set_stroke_rgb(color.0, color.1, color.2);
        c.set_line_width(width);
        c.move_to(x, y);
        c.line_to(x + w, y);
        c.stroke();
    }

    /// Draws one laid-out line with its baseline at `y`.
    pub(crate) fn draw_line(&mut self, line: &Line, x: f32, y: f32, size: f32, color: Rgb) {
        let c = self.content();
        c.begin_text();
        c.set_fill_rgb(color.0, color.1, color.2);
        let mut x = x;
        for (font, text) in &line.segments {
            c.set_font(font.resource(), size);
            c.set_text_matrix([1.0, 0.0, 0.0, 1.0, x, y]);
            c.show(Str(text));
            x += font.width(text, size);
        }
        c.end_text();
    }

    /// Draws a single line of text at a position (no wrapping); returns its width.
    pub(crate) fn text_at(&mut self, spans: &[Span], x: f32, y: f32, size: f32, color: Rgb) -> f32 {
        let mut line = Line::default();
        for span in spans {
            line.push(span.font, &encode(&span.text), size);
        }
        self.draw_line(&line, x, y, size, color);
        line.width
    }

    /// A wrapped paragraph starting `indent` points from the left margin.
    pub(crate) fn paragraph(&mut self, spans: &[Span], indent: f32, size: f32, color: Rgb) {
        self.paragraph_in(spans, indent, TEXT_W - indent, size, color);
    }

    /// A wrapped paragraph `width` points wide, `indent` points from the left margin.
    pub(crate) fn paragraph_in(
        &mut self,
        spans: &[Span],
        indent: f32,
        width: f32,
        size: f32,
        color: Rgb,
    ) {
        let lead = leading(size);
        for line in wrap(spans, size, width) {
            self.ensure(lead);
            let baseline = self.y - lead + (lead - size) / 2.0 + size * 0.22;
            self.draw_line(&line, MARGIN_X + indent, baseline, size, color);
            self.y -= lead;
        }
    }

    /// A bulleted list.
    pub(crate) fn bullets(&mut self, items: &[Vec<Span>], indent: f32, size: f32) {
        let lead = leading(size);
        for item in items {
            for (n, line) in wrap(item, size, TEXT_W - indent - 12.0).iter().enumerate() {
                self.ensure(lead);
                let baseline = self.y - lead + (lead - size) / 2.0 + size * 0.22;
                if n == 0 {
                    self.text_at(
                        &[r("\u{2022}")],
                        MARGIN_X + indent + 2.0,
                        baseline,
                        size,
                        MUTED,
                    );
                }
                self.draw_line(line, MARGIN_X + indent + 12.0, baseline, size, INK);
                self.y -= lead;
            }
            self.y -= size * 0.15;
        }
    }

    /// A section heading: level 1 (a section), 2 (a subsection) or 3 (a label).
    pub(crate) fn heading(&mut self, level: u8, text: &str) {
        let (size, before, rule) = match level {
            1 => (15.0, 16.0, true),
            2 => (11.5, 10.0, false),
            _ => (BODY, 6.0, false),
        };
        let lead = leading(size);
        let lines = wrap(&[b(text)], size, TEXT_W);
        // Keep the heading with a few lines of what follows.
        self.ensure(before + lead * lines.len() as f32 + 48.0);
        if self.y < PAGE_H - MARGIN_TOP {
            self.space(before);
        }
        let color = if level == 3 { INK } else { ACCENT };
        for line in &lines {
            let baseline = self.y - lead + (lead - size) / 2.0 + size * 0.22;
            self.draw_line(line, MARGIN_X, baseline, size, color);
            self.y -= lead;
        }
        if rule {
            self.hline(MARGIN_X, self.y - 1.0, TEXT_W, 0.8, ACCENT);
            self.y -= 8.0;
        } else {
            self.y -= 2.0;
        }
    }

    /// Label and value rows, labels in bold in a column `label_w` wide.
    pub(crate) fn rows(&mut self, rows: &[(&str, Vec<Span>)], label_w: f32, size: f32) {
        let lead = leading(size);
        for (label, value) in rows {
            let labels = wrap(&[b(*label)], size, label_w - 8.0);
            let values = wrap(value, size, TEXT_W - label_w);
            let n = labels.len().max(values.len()).max(1);
            for k in 0..n {
                self.ensure(lead);
                let baseline = self.y - lead + (lead - size) / 2.0 + size * 0.22;
                if let Some(l) = labels.get(k) {
                    self.draw_line(l, MARGIN_X, baseline, size, MUTED);
                }
                if let Some(v) = values.get(k) {
                    self.draw_line(v, MARGIN_X + label_w, baseline, size, INK);
                }
                self.y -= lead;
            }
            self.y -= size * 0.2;
        }
    }

    /// A table; rows break across pages line by line and the header is repeated.
    pub(crate) fn table(&mut self, columns: &[Column], rows: &[Vec<Vec<Span>>], size: f32) {
        const PAD: f32 = 4.0;
        let lead = leading(size);
        let total: f32 = columns
            .iter()
            .map(|c| c.share)
            .sum::<f32>()
            .max(f32::EPSILON);
        let widths: Vec<f32> = columns.iter().map(|c| c.share / total * TEXT_W).collect();
        let header: Vec<Vec<Line>> = columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| wrap(&[b(c.title)], size, w - 2.0 * PAD))
            .collect();
        let header_lines = header.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let header_h = header_lines as f32 * lead + 2.0 * PAD;
        // A short table stays on one page; a long one keeps its header with a row.
        let cells_h: f32 = rows
            .iter()
            .map(|row| {
                let n = widths
                    .iter()
                    .enumerate()
                    .map(|(k, w)| row.get(k).map_or(0, |s| wrap(s, size, w - 2.0 * PAD).len()))
                    .max()
                    .unwrap_or(1)
                    .max(1);
                n as f32 * lead + 2.0 * PAD
            })
            .sum();
        if header_h + cells_h <= 320.0 {
            self.ensure(header_h + cells_h);
        } else {
            self.ensure(header_h + lead + 2.0 * PAD);
        }
        self.table_header(columns, &widths, &header, header_h, size);
        for row in rows {
            let cells: Vec<Vec<Line>> = widths
                .iter()
                .enumerate()
                .map(|(k, w)| {
                    row.get(k)
                        .map_or_else(Vec::new, |s| wrap(s, size, w - 2.0 * PAD))
                })
                .collect();
            let n = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            if self.y - (lead + 2.0 * PAD) < MARGIN_BOTTOM {
                self.new_page();
                self.table_header(columns, &widths, &header, header_h, size);
            }
            self.y -= PAD;
            for k in 0..n {
                if self.y - lead < MARGIN_BOTTOM {
                    self.new_page();
                    self.table_header(columns, &widths, &header, header_h, size);
                    self.y -= PAD;
                }
                let baseline = self.y - lead + (lead - size) / 2.0 + size * 0.22;
                let mut x = MARGIN_X;
                for ((col, w), cell) in columns.iter().zip(&widths).zip(&cells) {
                    if let Some(line) = cell.get(k) {
                        let lx = match col.align {
                            Align::Left => x + PAD,
                            Align::Right => x + w - PAD - line.width,
                        };
                        self.draw_line(line, lx, baseline, size, INK);
                    }
                    x += w;
                }
                self.y -= lead;
            }
            self.y -= PAD;
            self.hline(MARGIN_X, self.y, TEXT_W, 0.4, RULE);
        }
        self.y -= 6.0;
    }

    fn table_header(
        &mut self,
        columns: &[Column],
        widths: &[f32],
        header: &[Vec<Line>],
        header_h: f32,
        size: f32,
    ) {
        const PAD: f32 = 4.0;
        let lead = leading(size);
        self.rect(MARGIN_X, self.y - header_h, TEXT_W, header_h, SHADE);
        let mut x = MARGIN_X;
        for ((col, w), lines) in columns.iter().zip(widths).zip(header) {
            for (k, line) in lines.iter().enumerate() {
                let top = self.y - PAD - k as f32 * lead;
                let baseline = top - lead + (lead - size) / 2.0 + size * 0.22;
                let lx = match col.align {
                    Align::Left => x + PAD,
                    Align::Right => x + w - PAD - line.width,
                };
                self.draw_line(line, lx, baseline, size, ACCENT);
            }
            x += w;
        }
        self.y -= header_h;
        self.hline(MARGIN_X, self.y, TEXT_W, 0.6, ACCENT);
    }

    /// Writes the PDF: fonts, pages with the running footer, document info.
    pub(crate) fn finish(
        mut self,
        title: &str,
        producer: &str,
        created: &DateTime<Utc>,
    ) -> Vec<u8> {
        let last = std::mem::replace(&mut self.page, Content::new());
        self.pages.push(last);
        let count = self.pages.len();
        let footer = std::mem::take(&mut self.footer);
        for (n, page) in self.pages.iter_mut().enumerate() {
            let text = format!("{footer} \u{2013} page {} of {count}", n + 1);
            let mut line = Line::default();
            line.push(Font::Regular, &encode(&text), 7.5);
            page.set_stroke_rgb(RULE.0, RULE.1, RULE.2);
            page.set_line_width(0.5);
            page.move_to(MARGIN_X, 46.0);
            page.line_to(PAGE_W - MARGIN_X, 46.0);
            page.stroke();
            page.begin_text();
            page.set_fill_rgb(MUTED.0, MUTED.1, MUTED.2);
            page.set_font(Font::Regular.resource(), 7.5);
            let x = (PAGE_W - line.width) / 2.0;
            page.set_text_matrix([1.0, 0.0, 0.0, 1.0, x.max(MARGIN_X), 34.0]);
            for (_, text) in &line.segments {
                page.show(Str(text));
            }
            page.end_text();
        }

        let mut pdf = Pdf::new();
        let catalog_id = Ref::new(1);
        let tree_id = Ref::new(2);
        let info_id = Ref::new(3);
        let font_ids: Vec<(Font, Ref)> = Font::ALL
            .iter()
            .enumerate()
            .map(|(k, f)| (*f, Ref::new(4 + k as i32)))
            .collect();
        let first_page = 4 + font_ids.len() as i32;
        let page_ids: Vec<Ref> = (0..count)
            .map(|k| Ref::new(first_page + 2 * k as i32))
            .collect();

        pdf.catalog(catalog_id).pages(tree_id);
        pdf.pages(tree_id)
            .kids(page_ids.iter().copied())
            .count(count as i32);
        for (font, id) in &font_ids {
            pdf.type1_font(*id)
                .base_font(font.base_font())
                .encoding_predefined(Name(b"WinAnsiEncoding"));
        }
        for (page, id) in self.pages.into_iter().zip(&page_ids) {
            let content_id = Ref::new(id.get() + 1);
            let mut p = pdf.page(*id);
            p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
                .parent(tree_id)
                .contents(content_id);
            let mut resources = p.resources();
            let mut fonts = resources.fonts();
            for (font, fid) in &font_ids {
                fonts.pair(font.resource(), *fid);
            }
            drop(fonts);
            drop(resources);
            drop(p);
            // Deflated: report pages are mostly repetitive text operators.
            let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&page.finish(), 6);
            pdf.stream(content_id, &compressed)
                .filter(pdf_writer::Filter::FlateDecode);
        }
        let date = Date::new(created.year().clamp(0, 9999) as u16)
            .month(created.month() as u8)
            .day(created.day() as u8)
            .hour(created.hour() as u8)
            .minute(created.minute() as u8)
            .second(created.second() as u8)
            .utc_offset_hour(0);
        pdf.document_info(info_id)
            .title(TextStr(title))
            .producer(TextStr(producer))
            .creation_date(date);
        pdf.finish()
    }
}
