//! The locales we have texts for, and the choice of one for a Moodle user.

use std::fmt;
use std::str::FromStr;

// `TAGS`, `ALL` and `FALLBACK_INDEX`, listed by build.rs from the `locales/` folders.
include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// A locale we have texts for ("en-GB", "es-ES"): only those can be built, so a text lookup
/// never meets a language without a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Locale(usize);

/// A tag with no `locales/<tag>/main.ftl`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown locale {tag:?}: use one of {known}")]
pub struct UnknownLocale {
    pub tag: String,
    pub known: String,
}

impl Locale {
    /// British English: every key exists in it.
    pub const FALLBACK: Locale = Locale(FALLBACK_INDEX);

    /// Every locale, sorted by tag.
    pub fn all() -> &'static [Locale] {
        ALL
    }

    /// The BCP 47 tag, e.g. "es-ES".
    pub fn tag(&self) -> &'static str {
        TAGS.get(self.0).copied().unwrap_or(TAGS[FALLBACK_INDEX])
    }

    /// The locale for a Moodle user's `lang` ("es", "es_mx", "ca_valencia", "en_us",
    /// "es_mx_kids", ""): see [`Locale::best_match`] for the order; nothing of that language
    /// gives `site_default`.
    pub fn negotiate(moodle_lang: Option<&str>, site_default: Locale) -> Locale {
        Locale::best_match(moodle_lang.unwrap_or("")).unwrap_or(site_default)
    }

    /// The locale for an HTTP `Accept-Language` header (RFC 9110 §12.5.4): ranges are tried
    /// by falling q-value (ties keep header order) with the matching of [`Locale::negotiate`];
    /// `*` and a header where nothing matches or nothing parses give `default`. Ranges with
    /// `q=0` are refused, and a malformed element is skipped rather than trusted.
    pub fn from_accept_language(header: &str, default: Locale) -> Locale {
        let mut ranges: Vec<(u16, &str)> = header
            .split(',')
            .filter(|element| !element.trim().is_empty())
            .filter_map(weighted_range)
            .filter(|(q, _)| *q > 0)
            .collect();
        // A stable sort keeps the sender's order among equal weights.
        ranges.sort_by_key(|(q, _)| std::cmp::Reverse(*q));
        for (_, range) in ranges {
            if range == "*" {
                return default;
            }
            if let Some(found) = Locale::best_match(range) {
                return found;
            }
        }
        default
    }

    /// The locale for a tag in BCP 47 (`-`) or Moodle (`_`) spelling, in this order: same
    /// language, region and variant; same language and variant ("ca_valencia" →
    /// ca-ES-valencia); same language and region without a variant; the language's own
    /// country ("es" → es-ES, "pt" → pt-PT); the first plain locale of the language
    /// ("ca" → ca-ES, "cs" → cs-CZ); any locale of the language. Subtags that are neither a
    /// region nor a variant (Moodle's "_kids", "_wp") are ignored.
    fn best_match(wanted: &str) -> Option<Locale> {
        let wanted = wanted.trim().to_ascii_lowercase().replace('_', "-");
        let mut subtags = wanted.split('-');
        let language = subtags.next().unwrap_or("");
        if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        let (mut region, mut variant) = ("", "");
        for subtag in subtags {
            if region.is_empty() && is_region(subtag) {
                region = subtag;
            } else if variant.is_empty() && is_variant(subtag) {
                variant = subtag;
            }
        }
        // Latin-American Spanish (UN M.49 "419", sent by browsers) has no locale of its own;
        // es-MX shares its CLDR formats (1,234.5) and its vocabulary.
        if region == "419" {
            region = "mx";
        }
        let same_language = || {
            ALL.iter()
                .copied()
                .filter(move |l| l.language().eq_ignore_ascii_case(language))
        };
        let plain = || same_language().filter(|l| l.variant().is_empty());
        same_language()
            .find(|l| l.region().eq_ignore_ascii_case(region) && l.variant().eq_ignore_ascii_case(variant))
            .or_else(|| {
                (!variant.is_empty())
                    .then(|| same_language().find(|l| l.variant().eq_ignore_ascii_case(variant)))
                    .flatten()
            })
            .or_else(|| plain().find(|l| !region.is_empty() && l.region().eq_ignore_ascii_case(region)))
            .or_else(|| plain().find(|l| l.region().eq_ignore_ascii_case(language)))
            .or_else(|| plain().next())
            .or_else(|| same_language().next())
    }

    /// The position in [`Locale::all`].
    pub(crate) fn index(&self) -> usize {
        self.0
    }

    /// The language subtag: "ca" for ca-ES-valencia.
    pub fn language(&self) -> &'static str {
        self.tag().split('-').next().unwrap_or("")
    }

    /// The region subtag: "ES" for ca-ES-valencia, "" if the tag has none.
    pub fn region(&self) -> &'static str {
        self.tag().split('-').skip(1).find(|s| is_region(s)).unwrap_or("")
    }

    /// The variant subtag: "valencia" for ca-ES-valencia, "" if the tag has none.
    pub fn variant(&self) -> &'static str {
        self.tag().split('-').skip(1).find(|s| is_variant(s)).unwrap_or("")
    }
}

/// A BCP 47 region: two letters or three digits.
fn is_region(subtag: &str) -> bool {
    (subtag.len() == 2 && subtag.bytes().all(|b| b.is_ascii_alphabetic()))
        || (subtag.len() == 3 && subtag.bytes().all(|b| b.is_ascii_digit()))
}

/// A BCP 47 variant: five to eight letters or digits, or a digit and three more.
fn is_variant(subtag: &str) -> bool {
    let alphanumeric = subtag.bytes().all(|b| b.is_ascii_alphanumeric());
    alphanumeric
        && ((5..=8).contains(&subtag.len()) || (subtag.len() == 4 && subtag.starts_with(|c: char| c.is_ascii_digit())))
}

/// One `Accept-Language` element, "de;q=0.9", as (weight in thousandths, range); `None`
/// when it is not `language-range [ ; q=qvalue ]`.
fn weighted_range(element: &str) -> Option<(u16, &str)> {
    let mut parts = element.split(';');
    let range = parts.next()?.trim();
    let weight = match parts.next() {
        None => 1000,
        Some(param) => {
            let (name, value) = param.trim().split_once('=')?;
            if !name.trim_end().eq_ignore_ascii_case("q") {
                return None;
            }
            qvalue(value.trim_start())?
        }
    };
    if parts.next().is_some() || !is_language_range(range) {
        return None;
    }
    Some((weight, range))
}

/// `1*8ALPHA *("-" 1*8alphanum) / "*"` (RFC 4647 §2.1).
fn is_language_range(range: &str) -> bool {
    if range == "*" {
        return true;
    }
    let mut subtags = range.split('-');
    let first = subtags.next().unwrap_or("");
    let fits = |s: &str, alpha_only: bool| {
        (1..=8).contains(&s.len())
            && s.bytes().all(|b| {
                if alpha_only {
                    b.is_ascii_alphabetic()
                } else {
                    b.is_ascii_alphanumeric()
                }
            })
    };
    fits(first, true) && subtags.all(|s| fits(s, false))
}

/// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`, in thousandths.
fn qvalue(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths: u16 = format!("{fraction:0<3}").parse().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl FromStr for Locale {
    type Err = UnknownLocale;

    /// An exact tag, case-insensitive ("es-ES", "es-es"); use [`Locale::negotiate`] for a
    /// user's language.
    fn from_str(s: &str) -> Result<Locale, UnknownLocale> {
        ALL.iter()
            .copied()
            .find(|l| l.tag().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownLocale {
                tag: s.to_owned(),
                known: TAGS.join(", "),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locale(tag: &str) -> Locale {
        tag.parse().unwrap()
    }

    #[test]
    fn negotiation_table() {
        let en = locale("en-GB");
        let es = locale("es-ES");
        let cases: &[(Option<&str>, Locale, &str)] = &[
            (Some("es"), en, "es-ES"),
            (Some("es_mx"), en, "es-MX"),
            (Some("es_mx_kids"), en, "es-MX"),
            (Some("es_bo"), en, "es-ES"),
            (Some("ES"), en, "es-ES"),
            (Some("ca"), en, "ca-ES"),
            (Some("ca_valencia"), en, "ca-ES-valencia"),
            (Some("ca_es_valencia"), en, "ca-ES-valencia"),
            (Some("de"), en, "de-DE"),
            (Some("de_ch"), en, "de-DE"),
            (Some("pt"), en, "pt-PT"),
            (Some("pt_br"), en, "pt-BR"),
            (Some("eu"), en, "eu-ES"),
            (Some("gl"), en, "gl-ES"),
            (Some("cs"), en, "cs-CZ"),
            (Some("pl"), en, "pl-PL"),
            (Some("fr"), es, "fr-FR"),
            (Some("fr_ca"), en, "fr-FR"),
            (Some("it"), en, "it-IT"),
            (Some("en"), es, "en-GB"),
            (Some("en_us"), es, "en-GB"),
            (Some("en_GB"), es, "en-GB"),
            (Some("nl"), es, "es-ES"),
            (Some("x"), en, "en-GB"),
            (Some(""), es, "es-ES"),
            (Some("  "), en, "en-GB"),
            (None, es, "es-ES"),
        ];
        for (moodle, default, want) in cases {
            assert_eq!(
                Locale::negotiate(*moodle, *default).tag(),
                *want,
                "lang {moodle:?}, default {default}"
            );
        }
    }

    #[test]
    fn accept_language_table() {
        let en = locale("en-GB");
        let cases: &[(&str, &str)] = &[
            ("de-DE,de;q=0.9,en;q=0.8", "de-DE"),
            ("en;q=0.8, de;q=0.9", "de-DE"),
            ("nl-NL, fr;q=0.5", "fr-FR"),
            ("es-419,es;q=0.9", "es-MX"),
            ("es-AR", "es-AR"),
            ("ca-ES-valencia", "ca-ES-valencia"),
            ("pt-BR;q=1.000", "pt-BR"),
            ("PL", "pl-PL"),
            ("*", "en-GB"),
            ("nl, *;q=0.1", "en-GB"),
            ("de;q=0, fr", "fr-FR"),
            ("de;q=0", "en-GB"),
            ("", "en-GB"),
            (",,, ,", "en-GB"),
            ("de;q=2, it", "it-IT"),
            ("de;q=0.1234, it;q=0.1", "it-IT"),
            ("de;level=1, it;q=0.5", "it-IT"),
            ("d e, it;q=0.5", "it-IT"),
            ("toolongtag-DE", "en-GB"),
            ("\u{0}garbage;;q==", "en-GB"),
            ("es-ES;q=0.5, es-MX;q=0.5", "es-ES"),
        ];
        for (header, want) in cases {
            assert_eq!(Locale::from_accept_language(header, en).tag(), *want, "{header:?}");
        }
        assert_eq!(Locale::from_accept_language("*", locale("de-DE")).tag(), "de-DE");
    }

    #[test]
    fn subtags_of_a_variant_tag() {
        let valencian = locale("ca-ES-valencia");
        assert_eq!(
            (valencian.language(), valencian.region(), valencian.variant()),
            ("ca", "ES", "valencia")
        );
        let mexican = locale("es-MX");
        assert_eq!(
            (mexican.language(), mexican.region(), mexican.variant()),
            ("es", "MX", "")
        );
    }

    #[test]
    fn tags_round_trip_and_unknown_names_the_known_ones() {
        for l in Locale::all() {
            assert_eq!(l.tag().parse::<Locale>().unwrap(), *l);
            assert_eq!(l.to_string(), l.tag());
        }
        assert_eq!(Locale::all().len(), 24);
        assert_eq!(locale("es-es").tag(), "es-ES");
        assert_eq!(locale("CA-es-VALENCIA").tag(), "ca-ES-valencia");
        let err = "nl-NL".parse::<Locale>().unwrap_err();
        assert!(
            err.to_string().contains("en-GB") && err.to_string().contains("ca-ES-valencia"),
            "{err}"
        );
        assert_eq!(Locale::FALLBACK.tag(), "en-GB");
    }
}
