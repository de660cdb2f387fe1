//! Line and column of byte offsets in a file's text.
//!
//! Columns are counted in characters (Unicode scalar values), 1-based. Counting is
//! incremental: a [`LineIndex`] remembers where it was, so asking for offsets in
//! increasing order (the order resources appear in a file) walks the text once in
//! total, even when the whole file is one line (Terraform writes plans that way).

use memchr::{memchr, memchr_iter, memrchr};

/// Finds line and column of byte offsets that mostly grow.
pub(crate) struct LineIndex<'t> {
    bytes: &'t [u8],
    /// Offset of the last query.
    pos: usize,
    /// 1-based line at `pos`.
    line: usize,
    /// Offset where that line starts.
    line_start: usize,
    /// 1-based column (characters) of `pos`.
    column: usize,
}

impl<'t> LineIndex<'t> {
    /// An index over `text`, positioned at its start.
    pub(crate) fn new(text: &'t str) -> Self {
        Self {
            bytes: text.as_bytes(),
            pos: 0,
            line: 1,
            line_start: 0,
            column: 1,
        }
    }

    /// 1-based line and column (in characters) of a byte offset (clamped to the text).
    pub(crate) fn locate(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.bytes.len());
        if offset >= self.pos {
            let gap = self.bytes.get(self.pos..offset).unwrap_or_default();
            match memrchr(b'\n', gap) {
                Some(last) => {
                    self.line += memchr_iter(b'\n', gap).count();
                    self.line_start = self.pos + last + 1;
                    self.column = 1 + count_chars(self.slice(self.line_start, offset));
                }
                None => self.column += count_chars(gap),
            }
        } else {
            let gap = self.bytes.get(offset..self.pos).unwrap_or_default();
            if memchr(b'\n', gap).is_some() {
                self.line = self.line.saturating_sub(memchr_iter(b'\n', gap).count());
                self.line_start = memrchr(b'\n', self.slice(0, offset)).map_or(0, |p| p + 1);
                self.column = 1 + count_chars(self.slice(self.line_start, offset));
            } else {
                self.column = self.column.saturating_sub(count_chars(gap)).max(1);
            }
        }
        self.pos = offset;
        (self.line, self.column)
    }

    fn slice(&self, from: usize, to: usize) -> &'t [u8] {
        self.bytes.get(from..to).unwrap_or_default()
    }
}

/// Characters in UTF-8 bytes: every byte that is not a continuation byte starts one.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// Line and column of one offset (for error messages).
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(text).locate(offset)
}

/// The byte offset of a parser position given as 1-based line and 1-based *byte* column
/// (what `serde_json` reports), clamped to the text.
pub(crate) fn offset_of(text: &str, line: usize, byte_column: usize) -> usize {
    let bytes = text.as_bytes();
    let line_start = if line <= 1 {
        0
    } else {
        memchr_iter(b'\n', bytes)
            .nth(line - 2)
            .map_or(bytes.len(), |p| p + 1)
    };
    let mut offset = line_start
        .saturating_add(byte_column.saturating_sub(1))
        .min(bytes.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_and_backward() {
        let text = "ab\ncäd\n\nxyz";
        let mut index = LineIndex::new(text);
        assert_eq!(index.locate(0), (1, 1));
        assert_eq!(index.locate(1), (1, 2));
        assert_eq!(index.locate(3), (2, 1));
        // `d` comes after the two-byte `ä`: byte 6, character column 3.
        assert_eq!(index.locate(6), (2, 3));
        assert_eq!(index.locate(9), (4, 1));
        assert_eq!(index.locate(11), (4, 3));
        assert_eq!(index.locate(4), (2, 2));
        assert_eq!(index.locate(1), (1, 2));
        assert_eq!(index.locate(1000), (4, 4));
        assert_eq!(line_col(text, 6), (2, 3));
    }

    #[test]
    fn offsets_from_parser_positions() {
        let text = "ab\ncäd\n";
        assert_eq!(offset_of(text, 1, 1), 0);
        assert_eq!(offset_of(text, 2, 1), 3);
        assert_eq!(offset_of(text, 2, 4), 6);
        assert_eq!(offset_of(text, 9, 1), text.len());
        assert_eq!(offset_of(text, 1, 0), 0);
    }
}
