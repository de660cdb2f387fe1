//! Stored columns into typed values. A value that does not read back is an error naming
//! the record and the column, never a silent default: a compliance record with a date
//! that is not a date has been damaged or tampered with.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};

use crate::{Result, StoreError};

/// A `YYYY-MM-DD` column (exactly that form: `2026-3-1` is refused, so that a rewritten
/// date cannot pass for the one recorded).
pub(crate) fn date(record: &str, field: &'static str, value: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .filter(|d| d.format("%Y-%m-%d").to_string() == value)
        .ok_or_else(|| corrupt(record, field, value, "a date (YYYY-MM-DD)"))
}

/// An optional `YYYY-MM-DD` column.
pub(crate) fn opt_date(
    record: &str,
    field: &'static str,
    value: Option<&str>,
) -> Result<Option<NaiveDate>> {
    value.map(|v| date(record, field, v)).transpose()
}

/// A time column (microseconds since the epoch).
pub(crate) fn time(record: &str, field: &'static str, micros: i64) -> Result<DateTime<Utc>> {
    testat_records::micros::from_micros(micros)
        .ok_or_else(|| corrupt(record, field, &micros.to_string(), "a time"))
}

/// A column holding one of an enum's names.
pub(crate) fn word<T: FromStr>(
    record: &str,
    field: &'static str,
    value: &str,
    expected: &'static str,
) -> Result<T> {
    value
        .parse()
        .map_err(|_| corrupt(record, field, value, expected))
}

/// A column holding a JSON list of strings.
pub(crate) fn list(record: &str, field: &'static str, value: &str) -> Result<Vec<String>> {
    serde_json::from_str(value).map_err(|_| corrupt(record, field, value, "a list of strings"))
}

fn corrupt(record: &str, field: &'static str, value: &str, expected: &'static str) -> StoreError {
    StoreError::Corrupt {
        record: record.to_owned(),
        field,
        value: value.to_owned(),
        expected,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;

    #[test]
    fn only_canonical_dates_read_back() {
        assert_eq!(
            date("evidence 1", "valid_until", "2026-03-01").unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
        );
        for bad in ["2026-3-1", "2026-03-01 ", "01.03.2026", ""] {
            let e = date("evidence 1", "valid_until", bad).unwrap_err();
            assert!(
                e.to_string()
                    .starts_with("evidence 1: stored valid_until `"),
                "{e}"
            );
        }
        assert!(time("run 1", "started_at", i64::MAX).is_err());
        assert!(list("inquiry 1", "customers", "[\"a\"]").is_ok());
        assert!(list("inquiry 1", "customers", "a").is_err());
    }
}
