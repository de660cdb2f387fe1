//! Telling the formats apart by the start of the file.

use memchr::memmem;

use crate::Format;

/// How much of the file [`detect`] looks at.
pub const HEAD_BYTES: usize = 64 * 1024;

/// The format of a file from its first bytes (up to [`HEAD_BYTES`]), or what was
/// found instead.
///
/// - a JSON object with `"runs"` and a SARIF `$schema` or version `"2.1.0"`: SARIF
///   (Checkov's SARIF too: its tool name says Checkov);
/// - a JSON object with `"check_type"` or `"checkov_version"`, or an array whose
///   first object has `"check_type"`: Checkov;
/// - an array whose first object has OCSF members (`"event_code"`, `"finding_info"`,
///   `"class_uid"`): Prowler OCSF.
///
/// An empty array is refused: it could be either list format; name the format.
pub fn detect(head: &[u8]) -> Result<Format, String> {
    let text = skip_space(head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head));
    let has = |needle: &str| memmem::find(text, needle.as_bytes()).is_some();
    let key = |name: &str| has_key(text, name);
    match text.first() {
        None => Err("the file is empty".to_owned()),
        Some(b'{') => {
            if key("runs") && (has("sarif") || has("\"2.1.0\"")) {
                Ok(Format::Sarif)
            } else if key("check_type") || key("checkov_version") {
                Ok(Format::Checkov)
            } else if key("runs") {
                Ok(Format::Sarif)
            } else {
                Err("a JSON object, but neither a SARIF log (`runs`) nor a Checkov report (`check_type`)".to_owned())
            }
        }
        Some(b'[') => {
            let rest = skip_space(&text[1..]);
            match rest.first() {
                Some(b']') => Err(
                    "an empty JSON array: it could be Checkov or Prowler OCSF output; name the format"
                        .to_owned(),
                ),
                Some(b'{') => {
                    if key("check_type") {
                        Ok(Format::Checkov)
                    } else if key("event_code") || key("finding_info") || key("class_uid") {
                        Ok(Format::ProwlerOcsf)
                    } else {
                        Err("a JSON array, but its first object is neither a Checkov report (`check_type`) nor an OCSF finding (`event_code`, `finding_info`)".to_owned())
                    }
                }
                _ => Err("a JSON array of something other than objects".to_owned()),
            }
        }
        Some(&b) => Err(format!(
            "not JSON: it starts with {:?}; Testat imports Checkov JSON, Prowler OCSF JSON and SARIF",
            char::from(b)
        )),
    }
}

fn skip_space(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

/// Whether `"name"` occurs followed by optional white space and a colon: a key, not a
/// value.
fn has_key(text: &[u8], name: &str) -> bool {
    let needle = format!("\"{name}\"");
    memmem::find_iter(text, needle.as_bytes())
        .any(|at| skip_space(&text[at + needle.len()..]).first() == Some(&b':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_the_formats_apart() {
        assert_eq!(
            detect(br#"{"check_type": "kubernetes", "results": {}}"#),
            Ok(Format::Checkov)
        );
        assert_eq!(
            detect(br#"[{"check_type": "kubernetes"}]"#),
            Ok(Format::Checkov)
        );
        assert_eq!(
            detect(br#"{"passed": 0, "checkov_version": "3.3.30"}"#),
            Ok(Format::Checkov)
        );
        assert_eq!(
            detect(b"\xEF\xBB\xBF [ {\"message\": \"x\", \"metadata\": {\"event_code\": \"a\"}}]"),
            Ok(Format::ProwlerOcsf)
        );
        assert_eq!(
            detect(br#"{"version": "2.1.0", "runs": []}"#),
            Ok(Format::Sarif)
        );
        assert_eq!(detect(br#"{"runs": []}"#), Ok(Format::Sarif));
        assert!(detect(b"").is_err());
        assert!(detect(b"[]").is_err());
        assert!(detect(b"[1, 2]").is_err());
        assert!(detect(b"name: x").is_err());
        assert!(detect(br#"{"a": "check_type"}"#).is_err());
    }
}
