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
        }
    }
}
