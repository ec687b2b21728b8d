//! Time as plain data: the core never reads a clock, callers pass `now`.

use serde::{Deserialize, Serialize};

/// Seconds since the Unix epoch (UTC). Moodle speaks this unit on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub const fn seconds(self) -> i64 {
        self.0
    }

    /// `self + secs`, saturating instead of overflowing on absurd durations.
    pub const fn plus_seconds(self, secs: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(secs))
    }

    /// The UTC calendar day, `YYYY-MM-DD`, for messages (Howard Hinnant's civil-from-days).
    pub fn date(self) -> String {
        let z = self.0.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        format!("{year:04}-{month:02}-{day:02}")
    }

    /// Midnight UTC of a calendar day (Howard Hinnant's days-from-civil); `None` for a day
    /// that does not exist (`2026-02-30`).
    pub fn from_date(year: i64, month: u32, day: u32) -> Option<Timestamp> {
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
            2 => 28,
            _ => return None,
        };
        if day == 0 || day > days_in_month {
            return None;
        }
        let (m, d) = (i64::from(month), i64::from(day));
        let y = if m <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Timestamp((era * 146_097 + doe - 719_468) * 86_400))
    }

    /// `YYYY-MM-DD` (midnight UTC) or an RFC 3339 date-time (`2026-11-25T10:00:00Z`,
    /// `…+01:00`; fractions of a second are dropped).
    pub fn parse_iso(s: &str) -> Option<Timestamp> {
        let s = s.trim();
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let part = s.get(r)?;
            part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok())?
        };
        if s.len() < 10 || s.as_bytes()[4] != b'-' || s.as_bytes()[7] != b'-' {
            return None;
        }
        let day = Timestamp::from_date(
            num(0..4)?,
            u32::try_from(num(5..7)?).ok()?,
            u32::try_from(num(8..10)?).ok()?,
        )?;
        if s.len() == 10 {
            return Some(day);
        }
        let b = s.as_bytes();
        if !matches!(b[10], b'T' | b't' | b' ') || s.len() < 19 || b[13] != b':' || b[16] != b':' {
            return None;
        }
        let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if h > 23 || mi > 59 || sec > 60 {
            return None;
        }
        let mut rest = &s[19..];
        if let Some(frac) = rest.strip_prefix('.') {
            rest = frac.trim_start_matches(|c: char| c.is_ascii_digit());
        }
        let offset = match rest {
            "Z" | "z" => 0,
            _ => {
                let sign = match rest.as_bytes().first() {
                    Some(b'+') => 1,
                    Some(b'-') => -1,
                    _ => return None,
                };
                let (oh, om) = rest[1..].split_once(':')?;
                if oh.len() != 2 || om.len() != 2 {
                    return None;
                }
                sign * (oh.parse::<i64>().ok()? * 3600 + om.parse::<i64>().ok()? * 60)
            }
        };
        Some(day.plus_seconds(h * 3600 + mi * 60 + sec - offset))
    }
}

#[cfg(test)]
mod tests {
    use super::Timestamp;

    #[test]
    fn dates_are_utc_days() {
        for (ts, want) in [
            (0, "1970-01-01"),
            (1_767_225_600, "2026-01-01"),
            (1_709_164_800, "2024-02-29"),
            (951_782_400, "2000-02-29"),
            (-86_400, "1969-12-31"),
            (1_798_761_599, "2026-12-31"),
        ] {
            assert_eq!(Timestamp(ts).date(), want, "{ts}");
            let day = Timestamp(ts.div_euclid(86_400) * 86_400);
            assert_eq!(Timestamp::parse_iso(want), Some(day), "{want}");
        }
    }

    #[test]
    fn iso_dates_and_times_parse_in_utc() {
        assert_eq!(
            Timestamp::parse_iso("2026-01-01T00:00:00Z"),
            Some(Timestamp(1_767_225_600))
        );
        assert_eq!(
            Timestamp::parse_iso("2026-01-01T01:30:00+01:30"),
            Some(Timestamp(1_767_225_600))
        );
        assert_eq!(
            Timestamp::parse_iso("2025-12-31T23:00:00.250-01:00"),
            Some(Timestamp(1_767_225_600))
        );
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "26-01-01",
            "2026-01-01T25:00:00Z",
            "2026-01-01T10:00:00",
            "x",
        ] {
            assert_eq!(Timestamp::parse_iso(bad), None, "{bad}");
        }
    }
}
