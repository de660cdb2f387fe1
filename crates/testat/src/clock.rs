//! The clock, behind a wrapper so that tests can fix it.

use chrono::{DateTime, NaiveDate, Utc};

/// Environment variable that fixes "now" (RFC 3339), for tests and reproducible runs.
pub const NOW_VARIABLE: &str = "TESTAT_NOW";

/// The current time, or the time in `TESTAT_NOW` when set and valid.
pub fn now() -> DateTime<Utc> {
    std::env::var(NOW_VARIABLE)
        .ok()
        .and_then(|s| DateTime::parse_from_rfc3339(s.trim()).ok())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc))
}

/// Today's date (UTC).
pub fn today() -> NaiveDate {
    now().date_naive()
}
