//! The transparency report: how many requests arrived in a period, per country, kind
//! and outcome, and how many customers were told, with small counts shown as bands.
//!
//! Banding (documented in docs/inquiries.md): with band size `b`, a count below `b`
//! (including 0) is shown as `0-(b-1)`; larger counts are exact. When any count of
//! the report is banded, the total is shown as the band of width `b` it falls in
//! (`10-19`), so that it cannot be subtracted from the exact counts to recover a
//! banded one. Countries appear only when at least one request came from them, unless
//! the report is made for a fixed list of countries plus "other countries"
//! ([`transparency_report_for_countries`], for publication); the kinds and outcomes are
//! always all listed, so a banded 0 looks like a banded 1.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::country::country_code;
use crate::error::InquiryError;
use crate::record::{InquiryKind, InquiryRecord, Notification};
use crate::state::InquiryState;

/// Version of the report's JSON shape.
pub const TRANSPARENCY_REPORT_VERSION: u32 = 1;

/// A reporting period: a year, a half-year or a quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// The year.
    pub year: i32,
    /// Which part of the year: (first month, number of months).
    months: (u32, u32),
}

impl Period {
    /// First day.
    pub fn start(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.months.0, 1).unwrap_or(NaiveDate::MIN)
    }

    /// Last day (included).
    pub fn end(&self) -> NaiveDate {
        let last_month = self.months.0 + self.months.1 - 1;
        let next = if last_month == 12 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, last_month + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
    }

    /// Whether `day` falls in the period.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start() <= day && day <= self.end()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.months {
            (1, 12) => write!(f, "{}", self.year),
            (m, 6) => write!(f, "{}-H{}", self.year, m / 6 + 1),
            (m, _) => write!(f, "{}-Q{}", self.year, (m - 1) / 3 + 1),
        }
    }
}

impl FromStr for Period {
    type Err = InquiryError;

    fn from_str(s: &str) -> Result<Self, InquiryError> {
        let bad = || InquiryError::Period {
            value: s.to_owned(),
        };
        let upper = s.trim().to_ascii_uppercase();
        let (year, part) = match upper.split_once('-') {
            Some((y, p)) => (y, Some(p)),
            None => (upper.as_str(), None),
        };
        if year.len() != 4 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let months = match part {
            None => (1, 12),
            Some("H1") => (1, 6),
            Some("H2") => (7, 6),
            Some("Q1") => (1, 3),
            Some("Q2") => (4, 3),
            Some("Q3") => (7, 3),
            Some("Q4") => (10, 3),
            Some(_) => return Err(bad()),
        };
        Ok(Self { year, months })
    }
}

/// A count as published: exact, or a range that hides the exact number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Count {
    /// Smallest value it may be.
    pub min: u64,
    /// Largest value it may be (equal to `min` when exact).
    pub max: u64,
}

impl Count {
    /// Whether the exact number is shown.
    pub fn exact(&self) -> bool {
        self.min == self.max
    }

    /// `12` or `0-9`.
    pub fn display(&self) -> String {
        if self.exact() {
            self.min.to_string()
        } else {
            format!("{}-{}", self.min, self.max)
        }
    }

    fn banded(n: u64, band: u64) -> Self {
        if n < band {
            Self {
                min: 0,
                max: band - 1,
            }
        } else {
            Self { min: n, max: n }
        }
    }

    fn range(n: u64, band: u64) -> Self {
        let min = n / band * band;
        Self {
            min,
            max: min + band - 1,
        }
    }
}

impl Serialize for Banded {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Count", 3)?;
        st.serialize_field("display", &self.0.display())?;
        st.serialize_field("min", &self.0.min)?;
        st.serialize_field("max", &self.0.max)?;
        st.end()
    }
}

/// A published count, serialised as `{display, min, max}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Banded(pub Count);

/// One line of a breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// The country code, kind or outcome.
    pub key: String,
    /// How many requests.
    pub requests: Banded,
}

/// The published report. It holds no exact count below the band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransparencyReport {
    /// Always `testat-transparency-report`.
    pub format: &'static str,
    /// Version of this shape ([`TRANSPARENCY_REPORT_VERSION`]).
    pub version: u32,
    /// The period (`2026-H1`).
    pub period: String,
    /// First day.
    pub from: String,
    /// Last day (included).
    pub to: String,
    /// The day the outcomes were read.
    pub as_of: String,
    /// Band size: counts below it are shown as `0-(band-1)`.
    pub band: u64,
    /// Requests received in the period.
    pub total: Banded,
    /// Of them, from authorities outside the EU/EEA.
    pub outside_eea: Banded,
    /// Per country: those with requests, or, in a published report, a fixed list and
    /// [`OTHER_COUNTRIES`].
    pub countries: Vec<Line>,
    /// Per kind (all kinds).
    pub kinds: Vec<Line>,
    /// Per outcome (all outcomes, and `pending` for requests not yet decided).
    pub outcomes: Vec<Line>,
    /// Requests whose customers were told.
    pub requests_customers_notified: Banded,
    /// Requests where telling the customers is legally barred.
    pub requests_notification_barred: Banded,
    /// Customers or accounts told (summed over requests).
    pub customers_notified: Banded,
}

/// The countries a published report lists by name unless told otherwise: the
/// provider's home jurisdiction in this tool's main audience, and the one whose laws
/// (CLOUD Act, FISA 702) customers most often ask about. Every other country is summed
/// as [`OTHER_COUNTRIES`].
pub const PUBLISHED_COUNTRIES: [&str; 2] = ["DE", "US"];

/// The band of a published report unless told otherwise.
pub const PUBLISHED_BAND: u64 = 10;

/// The key of the line that sums every country not in a fixed list
/// ([`transparency_report_for_countries`]).
pub const OTHER_COUNTRIES: &str = "other";

/// Builds the report of requests received in `period`, with band size `band` (≥ 1).
/// Countries are listed when at least one request came from them.
pub fn transparency_report(
    records: &[InquiryRecord],
    period: Period,
    band: u64,
    as_of: NaiveDate,
) -> Result<TransparencyReport, InquiryError> {
    build(records, period, band, as_of, None)
}

/// Builds the report as for publication: the countries listed are exactly `shown` (ISO
/// 3166-1 alpha-2 codes, in that order, each listed even without requests), followed by
/// the line [`OTHER_COUNTRIES`] that sums all others. So the list itself never tells
/// that a request came from a country; with a band above 1, a single request shows only
/// as a band.
pub fn transparency_report_for_countries(
    records: &[InquiryRecord],
    period: Period,
    band: u64,
    as_of: NaiveDate,
    shown: &[String],
) -> Result<TransparencyReport, InquiryError> {
    let mut codes: Vec<String> = Vec::with_capacity(shown.len());
    for code in shown {
        let code = country_code(code)?;
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    build(records, period, band, as_of, Some(&codes))
}

fn build(
    records: &[InquiryRecord],
    period: Period,
    band: u64,
    as_of: NaiveDate,
    shown: Option<&[String]>,
) -> Result<TransparencyReport, InquiryError> {
    if band == 0 {
        return Err(InquiryError::ZeroBand);
    }
    let within: Vec<&InquiryRecord> = records
        .iter()
        .filter(|r| period.contains(r.inquiry.received_on))
        .collect();
    let total = within.len() as u64;
    let mut countries: BTreeMap<String, u64> = BTreeMap::new();
    let mut kinds: BTreeMap<&str, u64> = InquiryKind::ALL.iter().map(|k| (k.as_str(), 0)).collect();
    let mut outcomes: Vec<(&str, u64)> = InquiryState::OUTCOMES
        .iter()
        .map(|s| (s.as_str(), 0))
        .chain([("pending", 0)])
        .collect();
    let (mut outside, mut notified, mut barred, mut customers) = (0, 0, 0, 0);
    for r in &within {
        *countries.entry(r.inquiry.country.clone()).or_default() += 1;
        *kinds.entry(r.inquiry.kind.as_str()).or_default() += 1;
        let outcome = r.outcome().map_or("pending", InquiryState::as_str);
        if let Some(slot) = outcomes.iter_mut().find(|(k, _)| *k == outcome) {
            slot.1 += 1;
        }
        outside += u64::from(r.inquiry.outside_eea);
        match &r.notification {
            Some(Notification::Notified { .. }) => {
                notified += 1;
                customers += r.inquiry.customers.len().max(1) as u64;
            }
            Some(Notification::Barred { .. }) => barred += 1,
            None => {}
        }
    }
    let lines = |pairs: Vec<(String, u64)>| -> Vec<Line> {
        pairs
            .into_iter()
            .map(|(key, n)| Line {
                key,
                requests: Banded(Count::banded(n, band)),
            })
            .collect()
    };
    let countries = match shown {
        None => lines(countries.into_iter().collect()),
        Some(shown) => {
            let mut listed: Vec<(String, u64)> = shown
                .iter()
                .map(|code| (code.clone(), countries.remove(code).unwrap_or(0)))
                .collect();
            listed.push((OTHER_COUNTRIES.to_owned(), countries.values().sum()));
            lines(listed)
        }
    };
    let kinds = lines(kinds.into_iter().map(|(k, n)| (k.to_owned(), n)).collect());
    let outcomes = lines(
        outcomes
            .into_iter()
            .map(|(k, n)| (k.to_owned(), n))
            .collect(),
    );
    let singles = [outside, notified, barred, customers].map(|n| Count::banded(n, band));
    let any_banded = countries
        .iter()
        .chain(&kinds)
        .chain(&outcomes)
        .any(|l| !l.requests.0.exact())
        || singles.iter().any(|c| !c.exact());
    let total = if total < band {
        Count::banded(total, band)
    } else if any_banded {
        Count::range(total, band)
    } else {
        Count::banded(total, band)
    };
    let [outside, notified, barred, customers] = singles.map(Banded);
    Ok(TransparencyReport {
        format: "testat-transparency-report",
        version: TRANSPARENCY_REPORT_VERSION,
        period: period.to_string(),
        from: period.start().to_string(),
        to: period.end().to_string(),
        as_of: as_of.to_string(),
        band,
        total: Banded(total),
        outside_eea: outside,
        countries,
        kinds,
        outcomes,
        requests_customers_notified: notified,
        requests_notification_barred: barred,
        customers_notified: customers,
    })
}

impl Period {
    /// The calendar year of `day`.
    pub fn year_of(day: NaiveDate) -> Self {
        Self {
            year: day.year(),
            months: (1, 12),
        }
    }

    /// The period that contains `day`'s half-year (for defaults).
    pub fn half_of(day: NaiveDate) -> Self {
        Self {
            year: day.year(),
            months: if day.month() <= 6 { (1, 6) } else { (7, 6) },
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;

    #[test]
    fn year_of_a_day_is_the_whole_calendar_year() {
        let p = Period::year_of(NaiveDate::from_ymd_opt(2026, 7, 15).unwrap());
        assert_eq!(p.to_string(), "2026");
        assert_eq!(p.start(), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        assert_eq!(p.end(), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        assert_eq!(p, "2026".parse().unwrap());
    }

    #[test]
    fn periods_parse_and_span_the_right_days() {
        let p: Period = "2026-H1".parse().unwrap();
        assert_eq!(
            (p.start().to_string(), p.end().to_string()),
            ("2026-01-01".into(), "2026-06-30".into())
        );
        let p: Period = "2026-q4".parse().unwrap();
        assert_eq!(
            (p.start().to_string(), p.end().to_string()),
            ("2026-10-01".into(), "2026-12-31".into())
        );
        assert_eq!(p.to_string(), "2026-Q4");
        let p: Period = "2026".parse().unwrap();
        assert_eq!(p.end().to_string(), "2026-12-31");
        assert_eq!("2026-H2".parse::<Period>().unwrap().to_string(), "2026-H2");
        assert_eq!("2026-Q2".parse::<Period>().unwrap().to_string(), "2026-Q2");
        for bad in ["2026-H3", "26", "2026-Q5", "H1-2026", ""] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    fn from(id: i64, country: &str, month: u32) -> InquiryRecord {
        use crate::record::Inquiry;
        InquiryRecord::derive(
            Inquiry {
                id,
                received_on: NaiveDate::from_ymd_opt(2026, month, 2).unwrap(),
                channel: "letter".into(),
                authority: "an authority".into(),
                country: country.into(),
                outside_eea: crate::country::outside_eea(country),
                legal_basis: "a statute".into(),
                kind: InquiryKind::Preservation,
                data_categories: vec![],
                customers: vec![],
                deadline: None,
                handlers: vec!["legal".into()],
                added_by: "legal".into(),
                added_at: chrono::DateTime::UNIX_EPOCH,
            },
            Vec::new(),
        )
    }

    #[test]
    fn a_fixed_country_list_hides_where_single_requests_came_from() {
        let day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        let period: Period = "2026-H1".parse().unwrap();
        let mut records = vec![from(1, "FR", 3)];
        records.extend((2..14).map(|i| from(i, "DE", 4)));
        let shown = ["de".to_owned(), "US".to_owned(), "DE".to_owned()];
        let r = transparency_report_for_countries(&records, period, 10, day, &shown).unwrap();
        let countries: Vec<(&str, String)> = r
            .countries
            .iter()
            .map(|l| (l.key.as_str(), l.requests.0.display()))
            .collect();
        assert_eq!(
            countries,
            [
                ("DE", "12".to_owned()),
                ("US", "0-9".to_owned()),
                (OTHER_COUNTRIES, "0-9".to_owned())
            ]
        );
        // Some count is banded, so the total is a range.
        assert_eq!(r.total.0.display(), "10-19");
        // The plain report names FR; the published one never does.
        let plain = transparency_report(&records, period, 10, day).unwrap();
        assert!(plain.countries.iter().any(|l| l.key == "FR"));
        assert!(
            transparency_report_for_countries(&records, period, 10, day, &["XX".to_owned()])
                .is_err()
        );
    }

    #[test]
    fn counts_below_the_band_are_ranges() {
        assert_eq!(Count::banded(0, 10).display(), "0-9");
        assert_eq!(Count::banded(1, 10).display(), "0-9");
        assert_eq!(Count::banded(9, 10).display(), "0-9");
        assert_eq!(Count::banded(10, 10).display(), "10");
        assert_eq!(Count::banded(0, 1).display(), "0");
        assert_eq!(Count::range(12, 10).display(), "10-19");
    }
}
