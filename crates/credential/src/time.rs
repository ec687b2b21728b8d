//! Unix seconds as the UTC date-times of the credential, without a clock or a date library.

/// `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339, UTC) for any unix time.
pub(crate) fn rfc3339_utc(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let seconds = unix.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `civil_from_days`).
/// `days` comes from seconds / 86 400, so the arithmetic below cannot overflow an i64.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `YYYY-MM-DD` → `YYYY-MM-DDT00:00:00Z`, or `None` if it is not such a date.
pub(crate) fn date_start(date: &str) -> Option<String> {
    let bytes = date.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, byte)| i == 4 || i == 7 || byte.is_ascii_digit());
    let month: u32 = date.get(5..7)?.parse().ok()?;
    let day: u32 = date.get(8..10)?.parse().ok()?;
    (shaped && (1..=12).contains(&month) && (1..=31).contains(&day)).then(|| format!("{date}T00:00:00Z"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn agrees_with_chrono(unix in -62_135_596_800i64..253_402_300_799) {
            let expected = chrono::DateTime::from_timestamp(unix, 0).unwrap().format("%Y-%m-%dT%H:%M:%SZ").to_string();
            prop_assert_eq!(rfc3339_utc(unix), expected);
        }
    }

    #[test]
    fn extremes_do_not_panic() {
        for unix in [i64::MIN, i64::MAX, -1, 0] {
            assert!(rfc3339_utc(unix).ends_with('Z'));
        }
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn date_start_accepts_only_dates() {
        assert_eq!(date_start("2025-03-01").as_deref(), Some("2025-03-01T00:00:00Z"));
        for bad in ["2025-3-01", "2025-13-01", "20250301xx", "2025-03-1é", ""] {
            assert_eq!(date_start(bad), None, "{bad}");
        }
    }
}
