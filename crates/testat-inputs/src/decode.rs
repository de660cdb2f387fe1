//! Bytes to text: UTF-8 (with or without byte-order mark) and UTF-16 with a byte-order
//! mark (what PowerShell's `>` writes), plus the cheap look at the first bytes that
//! decides whether a file found under a directory is worth reading at all.

use memchr::memmem;

use crate::location::LineIndex;

/// Why bytes are not text we read, and where.
#[derive(Debug)]
pub(crate) struct DecodeError {
    /// Byte offset in the bytes as read.
    pub offset: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Decodes a file's bytes to UTF-8 text. UTF-8 without a byte-order mark is not copied.
/// On failure the bytes come back (BOM possibly removed) so callers can still look at them.
pub(crate) fn decode(mut bytes: Vec<u8>) -> Result<String, (DecodeError, Vec<u8>)> {
    match bytes.as_slice() {
        [0xEF, 0xBB, 0xBF, ..] => {
            bytes.drain(..3);
            from_utf8(bytes, 3)
        }
        [0xFF, 0xFE, 0, 0, ..] | [0, 0, 0xFE, 0xFF, ..] => Err((
            DecodeError {
                offset: 0,
                line: 1,
                column: 1,
                message: "UTF-32 text is not supported".to_owned(),
            },
            bytes,
        )),
        [0xFF, 0xFE, ..] => utf16(&bytes, true).map_err(|e| (e, bytes)),
        [0xFE, 0xFF, ..] => utf16(&bytes, false).map_err(|e| (e, bytes)),
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 => Err((
            no_bom("UTF-16 little-endian text without a byte-order mark"),
            bytes,
        )),
        [0, a, 0, b, ..] if *a != 0 && *b != 0 => Err((
            no_bom("UTF-16 big-endian text without a byte-order mark"),
            bytes,
        )),
        _ => from_utf8(bytes, 0),
    }
}

fn no_bom(what: &str) -> DecodeError {
    DecodeError {
        offset: 0,
        line: 1,
        column: 1,
        message: format!("this looks like {what}"),
    }
}

/// `base` is how many bytes were removed in front (a BOM), for the reported offset.
fn from_utf8(bytes: Vec<u8>, base: usize) -> Result<String, (DecodeError, Vec<u8>)> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let prefix = std::str::from_utf8(bytes.get(..valid).unwrap_or_default()).unwrap_or("");
        let (line, column) = LineIndex::new(prefix).locate(prefix.len());
        let error = DecodeError {
            offset: base + valid,
            line,
            column,
            message: "invalid UTF-8".to_owned(),
        };
        (error, bytes)
    })
}

fn utf16(bytes: &[u8], little_endian: bool) -> Result<String, DecodeError> {
    let body = bytes.get(2..).unwrap_or_default();
    let units = body.chunks_exact(2).map(|pair| match *pair {
        [a, b] if little_endian => u16::from_le_bytes([a, b]),
        [a, b] => u16::from_be_bytes([a, b]),
        _ => 0,
    });
    let mut text = String::with_capacity(body.len() / 2 + 16);
    let (mut units_read, mut line, mut column) = (0usize, 1usize, 1usize);
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(c) => {
                text.push(c);
                units_read += c.len_utf16();
                if c == '\n' {
                    line += 1;
                    column = 1;
                } else {
                    column += 1;
                }
            }
            Err(_) => {
                return Err(DecodeError {
                    offset: 2 + units_read * 2,
                    line,
                    column,
                    message: "invalid UTF-16 (a lone surrogate)".to_owned(),
                });
            }
        }
    }
    if body.len() % 2 == 1 {
        return Err(DecodeError {
            offset: bytes.len() - 1,
            line,
            column,
            message: "UTF-16 text with an odd number of bytes (is the file cut off?)".to_owned(),
        });
    }
    Ok(text)
}

/// How many bytes at the start of a file decide whether a file under a directory is tried.
pub(crate) const SNIFF_LEN: usize = 8192;

/// Whether the first bytes of a file found under a directory look like JSON or YAML
/// (and so are worth reading): not binary, and the first line that is not blank or a
/// comment starts a JSON value, a YAML document marker or directive, a YAML list item,
/// or a `key:` pair.
pub(crate) fn looks_like_input(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(SNIFF_LEN)).unwrap_or(bytes);
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let head = head.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(head);
    if memchr::memchr(0, head).is_some() {
        return false;
    }
    for line in head.split(|&b| b == b'\n') {
        let trimmed = line.trim_ascii();
        match trimmed.first() {
            None | Some(b'#') => continue,
            Some(b'{' | b'[' | b'%') => return true,
            Some(b'-') => {
                return trimmed.starts_with(b"---")
                    || trimmed.starts_with(b"- ")
                    || trimmed == b"-";
            }
            Some(first)
                if first.is_ascii_alphanumeric() || matches!(first, b'"' | b'\'' | b'_') =>
            {
                let before_comment = trimmed.split(|&b| b == b'#').next().unwrap_or_default();
                return memmem::find(before_comment, b": ").is_some()
                    || before_comment.trim_ascii_end().ends_with(b":");
            }
            Some(_) => return false,
        }
    }
    false
}

/// Whether a file that failed to read looks like it was meant to be one of ours (a
/// Terraform JSON document or a Kubernetes manifest): then the failure is a problem to
/// report even for a file found under a directory, instead of a file to skip.
pub(crate) fn looks_ours(bytes: &[u8]) -> bool {
    memmem::find(bytes, b"\"format_version\"").is_some()
        || (memmem::find(bytes, b"apiVersion").is_some() && memmem::find(bytes, b"kind").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(b"{}".to_vec()).unwrap(), "{}");
        assert_eq!(decode(b"\xEF\xBB\xBF{}".to_vec()).unwrap(), "{}");
    }

    #[test]
    fn utf16_both_orders() {
        assert_eq!(decode(utf16le("a: ä\n")).unwrap(), "a: ä\n");
        let mut be = vec![0xFE, 0xFF];
        be.extend("{\"a\": 1}".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(be).unwrap(), "{\"a\": 1}");
    }

    #[test]
    fn invalid_utf8_has_a_place() {
        let (error, _) = decode(b"a: 1\nb: \xFF\n".to_vec()).unwrap_err();
        assert_eq!((error.offset, error.line, error.column), (8, 2, 4));
        let (error, _) = decode(b"\xEF\xBB\xBFab\xC3".to_vec()).unwrap_err();
        assert_eq!((error.offset, error.line, error.column), (5, 1, 3));
    }

    #[test]
    fn bad_utf16() {
        let mut bytes = utf16le("ab");
        bytes.push(b'c');
        let (error, _) = decode(bytes).unwrap_err();
        assert!(error.message.contains("odd number"));
        let mut bytes = utf16le("a\nb");
        bytes.extend(0xD800u16.to_le_bytes());
        bytes.extend(b"c\0");
        let (error, _) = decode(bytes).unwrap_err();
        assert_eq!((error.offset, error.line, error.column), (8, 2, 2));
        let (error, _) = decode(b"{\0\"\0".to_vec()).unwrap_err();
        assert!(error.message.contains("without a byte-order mark"));
    }

    #[test]
    fn sniffing() {
        assert!(looks_like_input(b"  {\"format_version\": \"1.2\"}"));
        assert!(looks_like_input(b"# comment\n\napiVersion: v1\n"));
        assert!(looks_like_input(b"---\n"));
        assert!(looks_like_input(b"- a\n"));
        assert!(looks_like_input(b"\xEF\xBB\xBFkind: Pod"));
        assert!(looks_like_input(&utf16le("{}")));
        assert!(!looks_like_input(b"fn main() {}\n"));
        assert!(!looks_like_input(b"resource \"aws_s3_bucket\" \"b\" {\n"));
        assert!(!looks_like_input(b"\x7fELF\x02\x01\x01\0\0\0"));
        assert!(!looks_like_input(b"{\0"));
        assert!(!looks_like_input(b"   \n\n"));
        assert!(!looks_like_input(b"-rw-r--r-- 1 root"));
    }
}
