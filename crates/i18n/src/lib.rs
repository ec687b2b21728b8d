//! Localized texts for certificates, their mails and the public verification page.
//!
//! An adapter: it renders texts and dates, it decides nothing. The texts are Fluent files
//! embedded at compile time (`locales/<tag>/main.ftl`); a language is added by dropping a folder
//! there, and `en-GB` is the fallback for every missing key.

mod date;
mod locale;
mod text;

pub use date::format_date;
pub use locale::{Locale, UnknownLocale};
pub use text::text;
