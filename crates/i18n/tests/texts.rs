//! Every locale's file holds every key with the same arguments, and dates read as people write them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fluent_templates::fluent_bundle::FluentResource;
use mm_i18n::{Locale, format_date, text};

/// The keys other crates use (certificate PDF, mails, verification page, progress).
const REQUIRED: &[&str] = &[
    "cert-title",
    "cert-certifies-that",
    "cert-has-completed",
    "cert-hours",
    "cert-completed-on",
    "cert-issued-on",
    "cert-valid-until",
    "cert-number",
    "cert-verify",
    "mail-subject",
    "mail-greeting",
    "mail-body",
    "mail-download",
    "mail-verify",
    "mail-signoff",
    "mail-superseded",
    "mail-revoked-subject",
    "mail-revoked-body",
    "verify-title",
    "verify-status-valid",
    "verify-status-revoked",
    "verify-status-superseded",
    "verify-status-expired",
    "verify-status-unknown",
    "verify-field-learner",
    "verify-field-course",
    "verify-field-hours",
    "verify-field-number",
    "verify-field-completed",
    "verify-field-issued",
    "verify-field-valid-until",
    "verify-field-version",
    "verify-field-issuer",
    "verify-upload-label",
    "verify-upload-button",
    "verify-upload-identical",
    "verify-upload-different",
    "verify-linkedin",
    "verify-credential",
    "verify-signature-ok",
    "verify-signature-bad",
    "verify-upload-unreadable",
    "verify-rate-limited",
    "progress-lag-note",
];

/// Each message of a .ftl file with the `$variables` it uses. A message starts on an
/// unindented `id =` line and goes on over indented lines.
fn messages(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in source.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') && line != "}" {
            let (id, _) = line
                .split_once('=')
                .unwrap_or_else(|| panic!("not a message: {line:?}"));
            current = Some(id.trim().to_owned());
            out.entry(id.trim().to_owned()).or_default();
        }
        let Some(id) = &current else { continue };
        let vars = line.split('$').skip(1).map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect::<String>()
        });
        out.entry(id.clone()).or_default().extend(vars);
    }
    out
}

fn file_of(locale: Locale) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(locale.tag())
        .join("main.ftl");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_locale_has_every_key_with_the_same_arguments() {
    let fallback = messages(&file_of(Locale::FALLBACK));
    for key in REQUIRED {
        assert!(fallback.contains_key(*key), "en-GB lacks {key}");
    }
    assert!(Locale::all().len() >= 2, "en-GB and es-ES at least");
    for locale in Locale::all() {
        let source = file_of(*locale);
        if let Err((_, errors)) = FluentResource::try_new(source.clone()) {
            panic!("{locale}: Fluent syntax errors: {errors:?}");
        }
        let these = messages(&source);
        let missing: Vec<_> = fallback.keys().filter(|k| !these.contains_key(*k)).collect();
        let extra: Vec<_> = these.keys().filter(|k| !fallback.contains_key(*k)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{locale}: missing {missing:?}, unknown {extra:?}"
        );
        for (key, vars) in &these {
            assert_eq!(vars, &fallback[key], "{locale} {key}: arguments differ from en-GB's");
        }
    }
}

#[test]
fn every_key_renders_with_its_arguments_in_every_locale() {
    let fallback = messages(&file_of(Locale::FALLBACK));
    for locale in Locale::all() {
        for (key, vars) in &fallback {
            let values: Vec<(String, String)> = vars.iter().map(|v| (v.clone(), format!("<{v}-value>"))).collect();
            let args: Vec<(&str, &str)> = values.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let out = text(*locale, key, &args);
            assert_ne!(&out, key, "{locale} {key} did not render");
            for (_, value) in &values {
                assert!(out.contains(value.as_str()), "{locale} {key}: {out:?} lacks {value}");
            }
            assert!(!out.contains('\u{2068}'), "{locale} {key}: isolation marks in {out:?}");
        }
    }
}

#[test]
fn locales_differ_and_missing_keys_fall_back_without_panicking() {
    let es: Locale = "es-ES".parse().unwrap();
    let en = Locale::FALLBACK;
    assert_ne!(text(es, "cert-title", &[]), text(en, "cert-title", &[]));
    assert_eq!(text(es, "no-such-key", &[]), "no-such-key");
    assert_eq!(
        text(es, "mail-subject", &[]),
        "mail-subject",
        "a missing argument is not silently dropped"
    );
    let subject = text(es, "mail-subject", &[("course", "Primeros auxilios")]);
    assert!(subject.contains("Primeros auxilios"), "{subject}");
}

#[test]
fn plural_hours() {
    let en = Locale::FALLBACK;
    let one = text(en, "cert-hours", &[("hours", "1")]);
    let many = text(en, "cert-hours", &[("hours", "20")]);
    assert!(one.starts_with("1 ") && !one.contains("hours"), "{one}");
    assert!(many.starts_with("20 ") && many.contains("hours"), "{many}");
    let es: Locale = "es-ES".parse().unwrap();
    assert!(text(es, "cert-hours", &[("hours", "1")]).contains("hora "));
    assert!(text(es, "cert-hours", &[("hours", "12.5")]).starts_with("12.5 horas"));
}

#[test]
fn dates_in_words_on_the_utc_calendar() {
    let es: Locale = "es-ES".parse().unwrap();
    let en = Locale::FALLBACK;
    // 2026-12-07T00:00:00Z and one second before it.
    let seventh = 1_796_601_600;
    assert_eq!(format_date(en, seventh), "7 December 2026");
    assert_eq!(format_date(es, seventh), "7 de diciembre de 2026");
    assert_eq!(format_date(en, seventh - 1), "6 December 2026");
    assert_eq!(format_date(en, seventh + 86_399), "7 December 2026");
    assert_eq!(format_date(es, 1_709_164_800), "29 de febrero de 2024");
    assert_eq!(format_date(en, 915_148_800), "1 January 1999");
}
