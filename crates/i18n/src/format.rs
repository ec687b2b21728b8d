//! Numbers, money and numeric dates for the admin UI.
//!
//! The separators, patterns and short month names are data in each locale's `format.ftl`, not
//! code: a language is still added by dropping a folder, and someone who knows the local
//! conventions corrects them without touching Rust. The values follow CLDR, including its
//! `minimumGroupingDigits` (es-ES, pl-PL and pt-PT write 1234 but 12 345).

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike};

use crate::{Locale, text};

const NO_BREAK_SPACE: char = '\u{a0}';

/// `value` rounded to `decimals` places with the locale's separators: 1,234.5 (en-GB),
/// 1.234,5 (de-DE), 1 234,5 (fr-FR, narrow no-break space). Ties round half to even, CLDR's
/// default (2.5 → "2"); NaN and infinities come back as "NaN", "∞" and "-∞", as CLDR writes them.
pub fn format_number(locale: Locale, value: f64, decimals: usize) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value < 0.0 { "-∞" } else { "∞" }.to_owned();
    }
    let fixed = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = fixed.split_once('.').unwrap_or((&fixed, ""));
    // Rounding can leave "-0.00"; a zero has no sign.
    let negative = value < 0.0 && fixed.bytes().any(|b| (b'1'..=b'9').contains(&b));
    signed(negative, digits(locale, whole, fraction))
}

/// An amount in minor units of an ISO 4217 currency ("EUR", 123450 → "€1,234.50" in en-GB,
/// "1.234,50 €" in de-DE). Zero- and three-decimal currencies (JPY, CLP; KWD) are honoured.
/// EUR and the locale's own currency get their symbol; any other code is written as the code.
pub fn format_money(locale: Locale, minor_units: i64, currency: &str) -> String {
    let code = currency.trim().to_ascii_uppercase();
    let places = minor_digits(&code);
    let scale = 10_u64.pow(places);
    let units = minor_units.unsigned_abs();
    let whole = (units / scale).to_string();
    let fraction = if places == 0 {
        String::new()
    } else {
        format!("{:0width$}", units % scale, width = places as usize)
    };
    let amount = digits(locale, &whole, &fraction);
    let symbol = if code == text(locale, "currency-local", &[]) {
        text(locale, "currency-local-symbol", &[])
    } else if code == "EUR" {
        "€".to_owned()
    } else {
        code.clone()
    };
    let mut out = text(locale, "money-pattern", &[("amount", &amount), ("symbol", &symbol)]);
    // CLDR's currency spacing: a code written against the digits ("USD1,234.50") gets a
    // no-break space; a symbol such as "€" or "R$" does not.
    if symbol.ends_with(|c: char| c.is_alphabetic())
        && let Some(rest) = out.strip_prefix(symbol.as_str())
        && rest.starts_with(|c: char| c.is_ascii_digit())
    {
        out = format!("{symbol}{NO_BREAK_SPACE}{rest}");
    }
    if symbol.starts_with(|c: char| c.is_alphabetic())
        && let Some(rest) = out.strip_suffix(symbol.as_str())
        && rest.ends_with(|c: char| c.is_ascii_digit())
    {
        out = format!("{rest}{NO_BREAK_SPACE}{symbol}");
    }
    signed(minor_units < 0, out)
}

/// The UTC calendar date of `unix_seconds` in numbers: 07/12/2026 (en-GB), 07.12.2026
/// (de-DE), 7/12/2026 (es-ES), 7. 12. 2026 (cs-CZ).
pub fn format_date_short(locale: Locale, unix_seconds: i64) -> String {
    render(locale, &text(locale, "date-short", &[]), at(unix_seconds))
}

/// The short date and the 24-hour UTC time of `unix_seconds`: "07/12/2026, 14:05" (en-GB).
pub fn format_datetime(locale: Locale, unix_seconds: i64) -> String {
    render(locale, &text(locale, "datetime-short", &[]), at(unix_seconds))
}

/// A month for chart axes: "Dec 2026" (en-GB), "dic 2026" (es-ES), "Dez. 2026" (de-DE).
/// A month outside 1–12 (or a year beyond chrono's range) is written "month/year".
pub fn format_month(locale: Locale, year: i32, month: u32) -> String {
    match NaiveDate::from_ymd_opt(year, month, 1).and_then(|d| d.and_hms_opt(0, 0, 0)) {
        Some(first) => render(locale, &text(locale, "month-year", &[]), first),
        None => format!("{month}/{year}"),
    }
}

/// The UTC time of `unix_seconds`; beyond chrono's range (±262,000 years) no real date lies,
/// and the epoch keeps this total.
fn at(unix_seconds: i64) -> NaiveDateTime {
    DateTime::from_timestamp(unix_seconds, 0)
        .unwrap_or_default()
        .naive_utc()
}

fn signed(negative: bool, text: String) -> String {
    if negative { format!("-{text}") } else { text }
}

/// Grouped whole digits and the fraction, with the locale's separators.
fn digits(locale: Locale, whole: &str, fraction: &str) -> String {
    let group = text(locale, "number-group", &[]);
    let min_grouping: usize = text(locale, "number-min-grouping", &[]).parse().unwrap_or(1);
    let mut out = String::new();
    let grouped = whole.len() >= 3 + min_grouping;
    for (i, digit) in whole.chars().enumerate() {
        if grouped && i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push_str(&group);
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push_str(&text(locale, "number-decimal", &[]));
        out.push_str(fraction);
    }
    out
}

/// The decimal places of an ISO 4217 currency: 2 unless listed.
fn minor_digits(code: &str) -> u32 {
    const NONE: &[&str] = &[
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF",
        "XPF",
    ];
    const THREE: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];
    if NONE.contains(&code) {
        0
    } else if THREE.contains(&code) {
        3
    } else {
        2
    }
}

/// A CLDR date pattern, the subset the locale files use: `d`/`dd` day, `M`/`MM` month,
/// `MMM` (or `LLL`) short month name, `y` year, `yy` two-digit year, `H`/`HH` hour, `mm`
/// minute; text in single quotes is literal (`''` is a quote) and so is any other character.
fn render(locale: Locale, pattern: &str, at: NaiveDateTime) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            if chars.peek() == Some(&'\'') {
                chars.next();
                out.push('\'');
                continue;
            }
            for quoted in chars.by_ref() {
                if quoted == '\'' {
                    break;
                }
                out.push(quoted);
            }
            continue;
        }
        if !matches!(c, 'd' | 'M' | 'L' | 'y' | 'H' | 'm') {
            out.push(c);
            continue;
        }
        let mut width = 1;
        while chars.peek() == Some(&c) {
            chars.next();
            width += 1;
        }
        let number = |n: u32| {
            if width >= 2 { format!("{n:02}") } else { n.to_string() }
        };
        match c {
            'd' => out.push_str(&number(at.day())),
            'M' | 'L' if width >= 3 => {
                out.push_str(&text(locale, &format!("month-short-{}", at.month()), &[]));
            }
            'M' | 'L' => out.push_str(&number(at.month())),
            'y' if width == 2 => out.push_str(&format!("{:02}", at.year().rem_euclid(100))),
            'y' => out.push_str(&at.year().to_string()),
            'H' => out.push_str(&number(at.hour())),
            _ => out.push_str(&number(at.minute())),
        }
    }
    out
}
