//! Every locale's files hold every key with the same arguments, and dates read as people write them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fluent_templates::fluent_bundle::FluentResource;
use mm_i18n::{Locale, format_date, text};

/// The keys `format.rs` reads (numbers, money, numeric dates, short month names).
const FORMAT_KEYS: &[&str] = &[
    "number-decimal",
    "number-group",
    "number-min-grouping",
    "money-pattern",
    "currency-local",
    "currency-local-symbol",
    "date-short",
    "datetime-short",
    "month-year",
    "month-short-1",
    "month-short-12",
];

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
        // A line opening with `}` closes a select and goes on with the same message.
        if !line.starts_with(' ') && !line.starts_with('}') {
            let (id, _) = line
                .split_once('=')
                .unwrap_or_else(|| panic!("not a message: {line:?}"));
            current = Some(id.trim().to_owned());
            out.entry(id.trim().to_owned()).or_default();
        }
        let Some(id) = &current else { continue };
        // A variable is `$` and an identifier; a lone `$` ("R$", "$") is a currency sign.
        let vars = line
            .split('$')
            .skip(1)
            .map(|rest| {
                rest.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect::<String>()
            })
            .filter(|name| name.starts_with(|c: char| c.is_ascii_alphabetic()));
        out.entry(id.clone()).or_default().extend(vars);
    }
    out
}

/// Every `.ftl` file under `locales/<tag>/`, by its path inside that folder: fluent-templates
/// walks the folder recursively and loads them all into the locale's one bundle.
fn files_of(locale: Locale) -> BTreeMap<String, String> {
    fn walk(dir: &Path, base: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, base, out);
            } else if path.extension().is_some_and(|e| e == "ftl") {
                let name = path.strip_prefix(base).unwrap().display().to_string();
                let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                out.insert(name, source);
            }
        }
    }
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales").join(locale.tag());
    let mut out = BTreeMap::new();
    walk(&base, &base, &mut out);
    out
}

/// Every message of a locale with its `$variables`, over all its files.
fn all_messages(locale: Locale) -> BTreeMap<String, BTreeSet<String>> {
    files_of(locale).values().flat_map(|source| messages(source)).collect()
}

#[test]
fn every_locale_has_every_key_with_the_same_arguments_in_every_file() {
    let fallback_files: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = files_of(Locale::FALLBACK)
        .iter()
        .map(|(name, source)| (name.clone(), messages(source)))
        .collect();
    let mut problems = Vec::new();
    // One bundle per locale: a key in two files would make fluent-bundle refuse the second.
    let mut seen: BTreeMap<&String, &String> = BTreeMap::new();
    for (file, keys) in &fallback_files {
        for key in keys.keys() {
            if let Some(other) = seen.insert(key, file) {
                problems.push(format!("en-GB: {key} is in both {other} and {file}"));
            }
        }
    }
    for key in REQUIRED.iter().chain(FORMAT_KEYS) {
        if !seen.contains_key(&(*key).to_owned()) {
            problems.push(format!("en-GB lacks {key}"));
        }
    }
    assert!(Locale::all().len() >= 24, "the 24 locales of issue #16");
    for locale in Locale::all() {
        let files = files_of(*locale);
        for name in files.keys().filter(|n| !fallback_files.contains_key(*n)) {
            problems.push(format!("{locale}: {name} has no en-GB counterpart"));
        }
        for (name, fallback) in &fallback_files {
            let Some(source) = files.get(name) else {
                problems.push(format!("{locale}: {name} is missing"));
                continue;
            };
            if let Err((_, errors)) = FluentResource::try_new(source.clone()) {
                problems.push(format!("{locale} {name}: Fluent syntax errors: {errors:?}"));
                continue;
            }
            let these = messages(source);
            for key in fallback.keys().filter(|k| !these.contains_key(*k)) {
                problems.push(format!("{locale} {name}: missing {key}"));
            }
            for (key, vars) in &these {
                match fallback.get(key) {
                    None => problems.push(format!("{locale} {name}: unknown key {key}")),
                    Some(want) if want != vars => {
                        problems.push(format!("{locale} {name} {key}: arguments {vars:?}, en-GB has {want:?}"))
                    }
                    Some(_) => {}
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_key_renders_with_its_arguments_in_every_locale() {
    let fallback = all_messages(Locale::FALLBACK);
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

#[test]
fn plural_hours_in_czech_and_polish() {
    let cs: Locale = "cs-CZ".parse().unwrap();
    let hours = |l, n| text(l, "cert-hours", &[("hours", n)]);
    assert_eq!(hours(cs, "1"), "1 hodina výuky");
    assert_eq!(hours(cs, "3"), "3 hodiny výuky");
    assert_eq!(hours(cs, "5"), "5 hodin výuky");
    assert_eq!(hours(cs, "12.5"), "12.5 hodiny výuky");
    let pl: Locale = "pl-PL".parse().unwrap();
    assert_eq!(hours(pl, "1"), "1 godzina szkolenia");
    assert_eq!(hours(pl, "22"), "22 godziny szkolenia");
    assert_eq!(hours(pl, "12"), "12 godzin szkolenia");
    assert_eq!(hours(pl, "25"), "25 godzin szkolenia");
    assert_eq!(hours(pl, "12.5"), "12.5 godziny szkolenia");
    let pt: Locale = "pt-PT".parse().unwrap();
    assert_eq!(hours(pt, "1"), "1 hora de formação");
    assert_eq!(hours(pt, "0"), "0 horas de formação");
}

#[test]
fn long_dates_in_the_new_locales() {
    let seventh = 1_796_601_600; // 2026-12-07
    let first = seventh - 6 * 86_400;
    let april = 1_775_520_000; // 2026-04-07
    let date = |tag: &str, at| format_date(tag.parse().unwrap(), at);
    assert_eq!(date("de-DE", seventh), "7. Dezember 2026");
    assert_eq!(date("fr-FR", seventh), "7 décembre 2026");
    assert_eq!(date("fr-FR", first), "1er décembre 2026");
    assert_eq!(date("it-IT", first), "1º dicembre 2026");
    assert_eq!(date("pt-BR", first), "1º de dezembro de 2026");
    assert_eq!(date("pt-PT", first), "1 de dezembro de 2026");
    assert_eq!(date("ca-ES", seventh), "7 de desembre de 2026");
    assert_eq!(date("ca-ES-valencia", april), "7 d’abril de 2026");
    assert_eq!(date("gl-ES", seventh), "7 de decembro de 2026");
    assert_eq!(date("eu-ES", seventh), "2026ko abenduaren 7a");
    assert_eq!(date("eu-ES", seventh - 365 * 86_400), "2025eko abenduaren 7a");
    assert_eq!(date("cs-CZ", seventh), "7. prosince 2026");
    assert_eq!(date("pl-PL", seventh), "7 grudnia 2026");
    assert_eq!(date("es-MX", seventh), "7 de diciembre de 2026");
}

#[test]
fn valencian_is_not_catalan() {
    let ca: Locale = "ca-ES".parse().unwrap();
    let va: Locale = "ca-ES-valencia".parse().unwrap();
    assert_eq!(text(ca, "verify-status-valid", &[]), "Aquest certificat és vàlid.");
    assert_eq!(text(va, "verify-status-valid", &[]), "Este certificat és vàlid.");
}
