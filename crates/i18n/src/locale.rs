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

    /// The locale for a Moodle user's `lang` ("es", "es_mx", "en_us", "es_mx_kids", ""):
    /// the same language and region if we have it, else the language's own country ("es" →
    /// es-ES), else any locale of that language, else `site_default`.
    pub fn negotiate(moodle_lang: Option<&str>, site_default: Locale) -> Locale {
        let wanted = moodle_lang.unwrap_or("").trim().to_ascii_lowercase().replace('_', "-");
        let mut parts = wanted.split('-');
        let language = parts.next().unwrap_or("");
        let region = parts.next().unwrap_or("");
        if language.is_empty() {
            return site_default;
        }
        let same_language = || {
            ALL.iter()
                .copied()
                .filter(|l| l.language().eq_ignore_ascii_case(language))
        };
        let with_region = |region: &str| same_language().find(|l| l.region().eq_ignore_ascii_case(region));
        with_region(region)
            .or_else(|| with_region(language))
            .or_else(|| same_language().next())
            .unwrap_or(site_default)
    }

    /// The position in [`Locale::all`].
    pub(crate) fn index(&self) -> usize {
        self.0
    }

    fn language(&self) -> &'static str {
        self.tag().split('-').next().unwrap_or("")
    }

    fn region(&self) -> &'static str {
        self.tag().split('-').nth(1).unwrap_or("")
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
        let cases: &[(Option<&str>, Locale, Locale)] = &[
            (Some("es"), en, es),
            (Some("es_mx"), en, es),
            (Some("es_mx_kids"), en, es),
            (Some("ES"), en, es),
            (Some("en"), es, en),
            (Some("en_us"), es, en),
            (Some("en_GB"), es, en),
            (Some("fr"), es, es),
            (Some("fr_ca"), en, en),
            (Some(""), es, es),
            (Some("  "), en, en),
            (None, es, es),
        ];
        for (moodle, default, want) in cases {
            assert_eq!(
                Locale::negotiate(*moodle, *default),
                *want,
                "lang {moodle:?}, default {default}"
            );
        }
    }

    #[test]
    fn tags_round_trip_and_unknown_names_the_known_ones() {
        for l in Locale::all() {
            assert_eq!(l.tag().parse::<Locale>().unwrap(), *l);
            assert_eq!(l.to_string(), l.tag());
        }
        assert_eq!(locale("es-es").tag(), "es-ES");
        let err = "fr-FR".parse::<Locale>().unwrap_err();
        assert!(
            err.to_string().contains("en-GB") && err.to_string().contains("es-ES"),
            "{err}"
        );
        assert_eq!(Locale::FALLBACK.tag(), "en-GB");
    }
}
