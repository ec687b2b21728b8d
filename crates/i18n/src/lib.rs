//! Localized texts and formats for certificates, their mails, the public verification page
//! and the web admin.
//!
//! An adapter: it renders texts, dates and numbers, it decides nothing. Every `.ftl` file
//! under `locales/<tag>/` is embedded at compile time (`main.ftl` holds the texts,
//! `format.ftl` the separators, patterns and short month names); a language is added by
//! dropping a folder there, and `en-GB` is the fallback for every missing key.
//!
//! What it offers:
//! - [`Locale`]: the 24 locales we have files for; [`Locale::negotiate`] picks one for a
//!   Moodle `lang` ("es_mx", "ca_valencia"), [`Locale::from_accept_language`] for an HTTP
//!   `Accept-Language` header, and `FromStr` parses an exact tag ([`UnknownLocale`] if none).
//! - [`text`]: a message with its `$arguments`, plural variants by CLDR rules.
//! - [`format_date`]: a long date in words for certificates and mails ("7 December 2026").
//! - [`format_number`], [`format_money`], [`format_date_short`], [`format_datetime`],
//!   [`format_month`]: numbers, amounts and numeric dates for the admin UI.

mod date;
mod format;
mod locale;
mod text;

pub use date::format_date;
pub use format::{format_date_short, format_datetime, format_money, format_month, format_number};
pub use locale::{Locale, UnknownLocale};
pub use text::text;
