//! Times as microseconds since the Unix epoch: how the store keeps them, and how they
//! appear in JSON. Use as `#[serde(with = "testat_records::micros")]`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serializer};

/// Microseconds since the epoch.
pub fn to_micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

/// The time `us` microseconds after the epoch, or `None` when out of range.
pub fn from_micros(us: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_micros(us)
}

/// Serialises a time as microseconds since the epoch.
pub fn serialize<S: Serializer>(t: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_i64(to_micros(*t))
}

/// Reads microseconds since the epoch.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    let us = i64::deserialize(deserializer)?;
    from_micros(us).ok_or_else(|| serde::de::Error::custom(format!("time {us} µs is out of range")))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;

    #[test]
    fn round_trips_through_json_as_an_integer() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct At {
            #[serde(with = "super")]
            at: DateTime<Utc>,
        }
        let at = At {
            at: DateTime::parse_from_rfc3339("2026-03-01T09:30:00.000123Z")
                .unwrap()
                .with_timezone(&Utc),
        };
        let json = serde_json::to_string(&at).unwrap();
        assert_eq!(json, r#"{"at":1772357400000123}"#);
        assert_eq!(serde_json::from_str::<At>(&json).unwrap(), at);
        assert!(from_micros(i64::MAX).is_none());
    }
}
