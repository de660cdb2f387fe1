//! The standard PDF fonts the report uses, text encoding to WinAnsi and glyph widths.
//!
//! Nothing is embedded: every PDF reader has Helvetica and Courier, and with
//! `WinAnsiEncoding` the text stays extractable (search, copy, `pdftotext`).
//! WinAnsi is Latin-1 plus the Windows-1252 extras (`€`, typographic quotes and
//! dashes, `…`, `•`, `Š`, `Ž`, `Œ`, …). Any other character is written as `?`: the
//! standard fonts have no glyphs for it.

use pdf_writer::Name;

/// A font of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Font {
    /// Helvetica: body text.
    Regular,
    /// Helvetica-Bold: headings, labels, badges.
    Bold,
    /// Helvetica-Oblique: notes.
    Italic,
    /// Courier: resource addresses, hashes, IDs.
    Mono,
}

impl Font {
    /// Every font, in the order of their resource names.
    pub(crate) const ALL: [Font; 4] = [Font::Regular, Font::Bold, Font::Italic, Font::Mono];

    /// The resource name in page resources.
    pub(crate) fn resource(self) -> Name<'static> {
        Name(match self {
            Font::Regular => b"F1",
            Font::Bold => b"F2",
            Font::Italic => b"F3",
            Font::Mono => b"F4",
        })
    }

    /// The PostScript name of the standard font.
    pub(crate) fn base_font(self) -> Name<'static> {
        Name(match self {
            Font::Regular => b"Helvetica",
            Font::Bold => b"Helvetica-Bold",
            Font::Italic => b"Helvetica-Oblique",
            Font::Mono => b"Courier",
        })
    }

    /// The advance width of one WinAnsi byte, in 1/1000 em.
    pub(crate) fn glyph_width(self, byte: u8) -> u16 {
        let table = match self {
            Font::Mono => return 600,
            // Helvetica-Oblique has Helvetica's metrics.
            Font::Regular | Font::Italic => &HELVETICA,
            Font::Bold => &HELVETICA_BOLD,
        };
        byte.checked_sub(32)
            .and_then(|i| table.get(usize::from(i)))
            .copied()
            .unwrap_or(0)
    }

    /// The width of WinAnsi bytes at `size` points.
    pub(crate) fn width(self, bytes: &[u8], size: f32) -> f32 {
        let units: u32 = bytes.iter().map(|&b| u32::from(self.glyph_width(b))).sum();
        units as f32 * size / 1000.0
    }
}

/// Encodes text to WinAnsi. Line breaks and tabs become spaces, other control
/// characters and characters WinAnsi lacks become `?`.
pub(crate) fn encode(text: &str) -> Vec<u8> {
    text.chars().map(encode_char).collect()
}

fn encode_char(c: char) -> u8 {
    let code = u32::from(c);
    match c {
        '\n' | '\r' | '\t' => b' ',
        ' '..='~' => code as u8,
        // No-break space to soft hyphen, then the Latin-1 letters: identical codes.
        '\u{a0}'..='\u{ff}' => code as u8,
        '€' => 128,
        '‚' => 130,
        'ƒ' => 131,
        '„' => 132,
        '…' => 133,
        '†' => 134,
        '‡' => 135,
        'ˆ' => 136,
        '‰' => 137,
        'Š' => 138,
        '‹' => 139,
        'Œ' => 140,
        'Ž' => 142,
        '\u{2018}' => 145,
        '\u{2019}' => 146,
        '\u{201c}' => 147,
        '\u{201d}' => 148,
        '•' => 149,
        '–' => 150,
        '—' => 151,
        '˜' => 152,
        '™' => 153,
        'š' => 154,
        '›' => 155,
        'œ' => 156,
        'ž' => 158,
        'Ÿ' => 159,
        // Hyphens and spaces that have a close equivalent.
        '\u{2010}' | '\u{2011}' | '\u{2212}' => b'-',
        '\u{2002}'..='\u{200a}' | '\u{202f}' => b' ',
        _ => b'?',
    }
}

/// Helvetica glyph widths (1/1000 em) of WinAnsi codes 32 to 255, from the
/// Adobe AFM metrics; 0 where WinAnsi leaves a code undefined.
pub(super) const HELVETICA: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
    0, 556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, 0, 222, 222,
    333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667, 278, 333, 556, 556, 556, 556,
    260, 556, 333, 737, 370, 556, 584, 333, 737, 333, 400, 584, 333, 333, 333, 578, 537, 278, 333,
    333, 365, 556, 834, 834, 834, 611, 667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667,
    278, 278, 278, 278, 722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667,
    611, 556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, 556, 556,
    556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];

/// Helvetica-Bold glyph widths (1/1000 em) of WinAnsi codes 32 to 255, from the
/// Adobe AFM metrics; 0 where WinAnsi leaves a code undefined.
pub(super) const HELVETICA_BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
    0, 556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, 0, 278, 278,
    500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667, 278, 333, 556, 556, 556, 556,
    280, 556, 333, 737, 370, 556, 584, 333, 737, 333, 400, 584, 333, 333, 333, 611, 556, 278, 333,
    333, 365, 556, 834, 834, 834, 611, 722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667,
    278, 278, 278, 278, 722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667,
    611, 556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, 611, 611,
    611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
];
