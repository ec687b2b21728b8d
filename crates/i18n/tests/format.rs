//! Numbers, money and numeric dates as each locale writes them (CLDR).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use mm_i18n::{Locale, format_date_short, format_datetime, format_money, format_month, format_number};

fn l(tag: &str) -> Locale {
    tag.parse().unwrap()
}

const NBSP: &str = "\u{a0}";
const NNBSP: &str = "\u{202f}";
/// 2026-12-07T14:05:00Z.
const AT: i64 = 1_796_601_600 + 14 * 3600 + 5 * 60;

#[test]
fn numbers() {
    let cases: &[(&str, f64, usize, String)] = &[
        ("en-GB", 1234.5, 1, "1,234.5".into()),
        ("en-GB", -1_234_567.891, 2, "-1,234,567.89".into()),
        ("en-GB", 999.0, 0, "999".into()),
        ("en-GB", -0.001, 2, "0.00".into()),
        ("de-DE", 1234.5, 1, "1.234,5".into()),
        // CLDR minimumGroupingDigits = 2: four digits stay together, five are grouped.
        ("es-ES", 1234.5, 1, "1234,5".into()),
        ("es-ES", 12345.5, 1, "12.345,5".into()),
        ("fr-FR", 1234.5, 1, format!("1{NNBSP}234,5")),
        ("cs-CZ", 1234.5, 1, format!("1{NBSP}234,5")),
        ("pl-PL", 1234.5, 1, "1234,5".into()),
        ("pl-PL", 12345.5, 1, format!("12{NBSP}345,5")),
        ("pt-BR", 1234.5, 1, "1.234,5".into()),
        ("pt-PT", 1_234_567.0, 0, format!("1{NBSP}234{NBSP}567")),
        ("es-MX", 1234.5, 1, "1,234.5".into()),
        ("es-PE", 1234.5, 1, "1,234.5".into()),
        ("es-AR", 1234.5, 1, "1.234,5".into()),
        ("es-CR", 1234.5, 1, format!("1{NBSP}234,5")),
        ("it-IT", 1234.5, 1, "1.234,5".into()),
        ("en-GB", 2.5, 0, "2".into()), // half-even, as CLDR rounds by default
    ];
    for (tag, value, decimals, want) in cases {
        assert_eq!(format_number(l(tag), *value, *decimals), *want, "{tag} {value}");
    }
    assert_eq!(format_number(l("en-GB"), f64::NAN, 2), "NaN");
    assert_eq!(format_number(l("en-GB"), f64::NEG_INFINITY, 2), "-∞");
}

#[test]
fn money() {
    let cases: &[(&str, i64, &str, String)] = &[
        ("en-GB", 123_450, "EUR", "€1,234.50".into()),
        ("en-GB", 123_450, "gbp", "£1,234.50".into()),
        ("en-GB", -123_450, "EUR", "-€1,234.50".into()),
        ("en-GB", 123_450, "USD", format!("USD{NBSP}1,234.50")),
        ("en-GB", 1234, "JPY", format!("JPY{NBSP}1,234")),
        ("en-GB", 1_234_500, "KWD", format!("KWD{NBSP}1,234.500")),
        ("en-GB", 5, "EUR", "€0.05".into()),
        ("de-DE", 123_450, "EUR", format!("1.234,50{NBSP}€")),
        ("de-DE", 123_450, "USD", format!("1.234,50{NBSP}USD")),
        ("es-ES", 123_450, "EUR", format!("1234,50{NBSP}€")),
        ("es-ES", 1_234_550, "EUR", format!("12.345,50{NBSP}€")),
        ("fr-FR", 123_450, "EUR", format!("1{NNBSP}234,50{NBSP}€")),
        ("cs-CZ", 123_450, "CZK", format!("1{NBSP}234,50{NBSP}Kč")),
        ("pl-PL", 123_450, "PLN", format!("1234,50{NBSP}zł")),
        ("pt-BR", 123_450, "BRL", format!("R${NBSP}1.234,50")),
        ("es-MX", 123_450, "MXN", "$1,234.50".into()),
        ("es-MX", 123_450, "EUR", "€1,234.50".into()),
        ("es-CL", 1_234_567, "CLP", "$1.234.567".into()),
        ("es-AR", 123_450, "ARS", format!("${NBSP}1.234,50")),
        ("en-GB", i64::MIN, "EUR", "-€92,233,720,368,547,758.08".into()),
    ];
    for (tag, minor, code, want) in cases {
        assert_eq!(format_money(l(tag), *minor, code), *want, "{tag} {minor} {code}");
    }
}

#[test]
fn short_dates_and_datetimes() {
    let cases: &[(&str, &str, &str)] = &[
        ("en-GB", "07/12/2026", "07/12/2026, 14:05"),
        ("de-DE", "07.12.2026", "07.12.2026, 14:05"),
        ("es-ES", "7/12/2026", "7/12/2026, 14:05"),
        ("fr-FR", "07/12/2026", "07/12/2026 14:05"),
        ("cs-CZ", "7. 12. 2026", "7. 12. 2026 14:05"),
        ("pl-PL", "7.12.2026", "7.12.2026, 14:05"),
        ("pt-BR", "07/12/2026", "07/12/2026 14:05"),
        ("es-MX", "07/12/2026", "07/12/2026, 14:05"),
        ("es-CL", "07-12-2026", "07-12-2026, 14:05"),
        ("es-PA", "12/07/2026", "12/07/2026, 14:05"),
        ("eu-ES", "2026/12/7", "2026/12/7 14:05"),
    ];
    for (tag, date, datetime) in cases {
        assert_eq!(format_date_short(l(tag), AT), *date, "{tag}");
        assert_eq!(format_datetime(l(tag), AT), *datetime, "{tag}");
    }
    assert_eq!(format_date_short(l("pl-PL"), 1_767_744_000), "7.01.2026");
    assert_eq!(format_datetime(l("en-GB"), 1_767_744_000 - 60), "06/01/2026, 23:59");
}

#[test]
fn months_for_chart_axes() {
    let cases: &[(&str, &str)] = &[
        ("en-GB", "Dec 2026"),
        ("de-DE", "Dez. 2026"),
        ("es-ES", "dic 2026"),
        ("fr-FR", "déc. 2026"),
        ("cs-CZ", "pro 2026"),
        ("pl-PL", "gru 2026"),
        ("pt-BR", "dez. de 2026"),
        ("es-MX", "dic 2026"),
        ("eu-ES", "2026 abe."),
    ];
    for (tag, want) in cases {
        assert_eq!(format_month(l(tag), 2026, 12), *want, "{tag}");
    }
    assert_eq!(format_month(l("en-GB"), 2026, 9), "Sept 2026");
    assert_eq!(format_month(l("en-GB"), 2026, 13), "13/2026");
}

#[test]
fn every_locale_formats_without_falling_back_to_keys() {
    for locale in Locale::all() {
        let outputs = [
            format_number(*locale, 1234.5, 2),
            format_money(*locale, 123_450, "EUR"),
            format_date_short(*locale, AT),
            format_datetime(*locale, AT),
            format_month(*locale, 2026, 12),
        ];
        for out in outputs {
            assert!(
                !out.contains("number-") && !out.contains("month-") && !out.contains("date-"),
                "{locale}: {out}"
            );
            assert!(out.contains("2026") || out.contains("234"), "{locale}: {out}");
        }
    }
}
