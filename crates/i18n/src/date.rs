//! Long dates in words, from the locale's own month names and pattern.

use chrono::{DateTime, Datelike};

use crate::{Locale, text};

/// The UTC calendar date of `unix_seconds` in words: "7 December 2026", "7 de diciembre de 2026".
pub fn format_date(locale: Locale, unix_seconds: i64) -> String {
    // Beyond chrono's range (±262,000 years) no real date lies; the epoch keeps this total.
    let date = DateTime::from_timestamp(unix_seconds, 0)
        .unwrap_or_default()
        .date_naive();
    let month = text(locale, &format!("month-{}", date.month()), &[]);
    let day = date.day().to_string();
    let year = date.year().to_string();
    text(
        locale,
        "date-long",
        &[("day", &day), ("month", &month), ("year", &year)],
    )
}
