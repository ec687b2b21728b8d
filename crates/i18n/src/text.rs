//! Fluent lookups with a fallback that never panics.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

use crate::Locale;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en-GB",
        // No Unicode isolation marks around arguments: they end up in mail subjects and PDFs,
        // where they show as stray characters.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The language identifier of each locale, parsed once.
static IDS: LazyLock<Vec<LanguageIdentifier>> = LazyLock::new(|| {
    Locale::all()
        .iter()
        .map(|l| l.tag().parse().unwrap_or_default())
        .collect()
});

/// The text of `key` in `locale` with its `$arguments`; a key missing in `locale` comes from
/// the fallback (en-GB), and one missing there too comes back as the key itself.
pub fn text(locale: Locale, key: &str, args: &[(&str, &str)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(name, value)| (Cow::Owned((*name).to_owned()), value_of(value)))
        .collect();
    IDS.get(locale.index())
        .and_then(|id| LOCALES.try_lookup_with_args(id, key, &args))
        .unwrap_or_else(|| key.to_owned())
}

/// A canonical number ("1", "12.5") becomes a Fluent number so plural variants
/// (`[one]`/`*[other]`) apply; anything else stays text, so "0042" keeps its zeros.
fn value_of(value: &str) -> FluentValue<'static> {
    match value.parse::<f64>() {
        Ok(n) if n.is_finite() && n.to_string() == value => FluentValue::from(n),
        _ => FluentValue::from(value.to_owned()),
    }
}
