//! Approved, time-limited exceptions (C5 SP-03): a rule may fail on matching resources
//! until the exception expires. They come from `testat.toml` or from the store; the
//! rule engine applies them to findings.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// An approved exception: a rule may fail on matching resources until it expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// The rule ID (`*` and `?` wildcards allowed).
    pub rule: String,
    /// Resource address pattern (`*` and `?` wildcards); every resource when absent.
    #[serde(default = "any_resource")]
    pub resource: String,
    /// Why the exception is acceptable.
    pub justification: String,
    /// Who approved it.
    pub approved_by: String,
    /// Who carries the risk.
    #[serde(default)]
    pub risk_owner: Option<String>,
    /// Last day on which it applies.
    #[serde(with = "date")]
    pub expires: NaiveDate,
}

fn any_resource() -> String {
    "*".to_owned()
}

impl Exception {
    /// Whether the exception still applies on `today` (it applies through its expiry day).
    pub fn is_active(&self, today: NaiveDate) -> bool {
        today <= self.expires
    }

    /// Whether it covers this rule and resource address.
    pub fn matches(&self, rule_id: &str, address: &str) -> bool {
        wildcard_match(&self.rule, rule_id) && wildcard_match(&self.resource, address)
    }
}

/// An exception held in the store: the exception itself, who stored it and when, and
/// its revocation if it was revoked before its expiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredException {
    /// Its ID.
    pub id: i64,
    /// The exception.
    #[serde(flatten)]
    pub exception: Exception,
    /// Who stored it.
    pub added_by: String,
    /// When.
    #[serde(with = "crate::micros")]
    pub added_at: DateTime<Utc>,
    /// Its revocation, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked: Option<Revocation>,
}

impl StoredException {
    /// Whether it still applies on `today` as of `at`: not expired, and not revoked by
    /// then.
    pub fn in_force(&self, today: NaiveDate, at: DateTime<Utc>) -> bool {
        self.exception.is_active(today) && self.revoked.as_ref().is_none_or(|r| r.at > at)
    }
}

/// The revocation of a stored exception.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revocation {
    /// Why it was revoked.
    pub reason: String,
    /// Who revoked it.
    pub by: String,
    /// When.
    #[serde(with = "crate::micros")]
    pub at: DateTime<Utc>,
}

/// Matches `text` against `pattern`, where `*` is any run of characters and `?` one.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                backtrack = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || Some(&c) == text.get(t) => {
                p += 1;
                t += 1;
            }
            _ => match backtrack {
                Some((bp, bt)) => {
                    p = bp + 1;
                    t = bt + 1;
                    backtrack = Some((bp, bt + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|&c| c == '*')
}

/// Dates as `YYYY-MM-DD`, either as a string or as a TOML date.
mod date {
    use chrono::NaiveDate;
    use serde::de::{self, MapAccess, Visitor};
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&date.format("%Y-%m-%d"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
        deserializer.deserialize_any(DateVisitor)
    }

    struct DateVisitor;

    impl<'de> Visitor<'de> for DateVisitor {
        type Value = NaiveDate;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a date like 2027-01-31")
        }

        fn visit_str<E: de::Error>(self, s: &str) -> Result<NaiveDate, E> {
            NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .map_err(|_| E::custom(format!("`{s}` is not a date like 2027-01-31")))
        }

        // TOML hands its native dates over as a one-entry map.
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NaiveDate, A::Error> {
            match map.next_entry::<String, String>()? {
                Some((_, value)) => self.visit_str(&value),
                None => Err(de::Error::custom("expected a date like 2027-01-31")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*", "anything"));
        assert!(wildcard_match("aws_s3_bucket.*", "aws_s3_bucket.logs"));
        assert!(wildcard_match(
            "module.*.aws_s3_bucket.logs[?]",
            "module.a.aws_s3_bucket.logs[0]"
        ));
        assert!(!wildcard_match(
            "aws_s3_bucket.*",
            "aws_s3_bucket_policy.logs"
        ));
        assert!(wildcard_match("AWS-S3-*", "AWS-S3-VERSIONING"));
        assert!(!wildcard_match("AWS-S3-VERSIONING", "AWS-S3-VERSIONING-2"));
        assert!(wildcard_match("a*b*c", "aXXbYYc"));
        assert!(!wildcard_match("a*b*c", "aXXbYY"));
    }
}
