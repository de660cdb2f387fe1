//! ISO 3166-1 alpha-2 country codes, and which of them are in the EU/EEA.

use crate::InquiryError;

/// Every officially assigned ISO 3166-1 alpha-2 code (249).
pub const ISO_3166_1_ALPHA_2: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// The EU member states and the other EEA states (Iceland, Liechtenstein, Norway).
pub const EU_EEA: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO",
];

/// Checks a country code and returns it in upper case.
pub fn country_code(code: &str) -> Result<String, InquiryError> {
    let upper = code.trim().to_ascii_uppercase();
    if ISO_3166_1_ALPHA_2.binary_search(&upper.as_str()).is_ok() {
        return Ok(upper);
    }
    let note = match upper.as_str() {
        "UK" => Some("the United Kingdom is GB"),
        "EL" => Some("Greece is GR; EL is the EU's own abbreviation"),
        "EU" => Some("name the member state whose authority asked"),
        _ => None,
    };
    Err(InquiryError::Country {
        code: code.to_owned(),
        note,
    })
}

/// Whether a (valid, upper-case) code is outside the EU/EEA.
pub fn outside_eea(code: &str) -> bool {
    !EU_EEA.contains(&code)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;

    #[test]
    fn the_list_is_complete_sorted_and_contains_the_eea() {
        assert_eq!(ISO_3166_1_ALPHA_2.len(), 249);
        assert!(ISO_3166_1_ALPHA_2.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(EU_EEA.len(), 30);
        for code in EU_EEA {
            assert!(ISO_3166_1_ALPHA_2.contains(code), "{code}");
        }
    }

    #[test]
    fn codes_are_checked_and_classified() {
        assert_eq!(country_code(" de ").unwrap(), "DE");
        assert!(!outside_eea("DE"));
        assert!(!outside_eea("NO"));
        assert!(outside_eea("US"));
        assert!(outside_eea("CH"));
        assert!(outside_eea("GB"));
        let e = country_code("UK").unwrap_err().to_string();
        assert!(e.contains("not an ISO 3166-1") && e.contains("GB"), "{e}");
        assert!(country_code("XX").is_err());
        assert!(country_code("DEU").is_err());
        assert!(country_code("").is_err());
    }
}
