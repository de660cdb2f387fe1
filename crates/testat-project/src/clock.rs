//! The clock, behind a value, so that tests and reproducible runs can fix it.

use chrono::{DateTime, NaiveDate, Utc};

/// Where "now" comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Clock {
    fixed: Option<DateTime<Utc>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self { fixed: None }
    }

    /// A clock that always reads `at`.
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Self { fixed: Some(at) }
    }

    /// Fixed at `value` (RFC 3339) when it is one, else the system clock.
    pub fn from_setting(value: Option<&str>) -> Self {
        let fixed = value
            .and_then(|s| DateTime::parse_from_rfc3339(s.trim()).ok())
            .map(|t| t.with_timezone(&Utc));
        Self { fixed }
    }

    /// The current time.
    pub fn now(&self) -> DateTime<Utc> {
        self.fixed.unwrap_or_else(Utc::now)
    }

    /// Today's date (UTC).
    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;

    #[test]
    fn a_valid_setting_fixes_the_clock_and_anything_else_is_ignored() {
        let clock = Clock::from_setting(Some(" 2026-03-01T10:00:00+02:00 "));
        assert_eq!(clock.now().to_rfc3339(), "2026-03-01T08:00:00+00:00");
        assert_eq!(clock.today().to_string(), "2026-03-01");
        assert_eq!(Clock::from_setting(Some("yesterday")), Clock::system());
        assert_eq!(Clock::from_setting(None), Clock::system());
    }
}
