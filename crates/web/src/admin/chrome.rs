//! What every admin page shares: the reader's language, the navigation, the signed-in user and
//! the CSRF token of its forms.

use crate::session::{Need, User};
use axum::http::{HeaderMap, header};
use mm_i18n::{Locale, text};

/// One entry of the navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// The pages in the navigation, by their catalogue key.
const NAV: &[(&str, &str)] = &[
    ("/", "nav-dashboard"),
    ("/enrolments", "nav-enrolments"),
    ("/learners", "nav-learners"),
    ("/jobs", "nav-jobs"),
    ("/certificates", "nav-certificates"),
    ("/mappings", "nav-mappings"),
    ("/seats", "nav-seats"),
    ("/deliveries", "nav-deliveries"),
    ("/plan", "nav-plan"),
    ("/drift", "nav-drift"),
    ("/sites", "nav-sites"),
    ("/sources", "nav-sources"),
    ("/subscribers", "nav-subscribers"),
    ("/events", "nav-events"),
    ("/audit", "nav-audit"),
    ("/users", "nav-users"),
    ("/tokens", "nav-tokens"),
    ("/settings", "nav-settings"),
];

/// The frame of an admin page.
pub struct Chrome {
    pub locale: Locale,
    pub lang: &'static str,
    pub email: String,
    pub role: String,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    pub locales: Vec<LocaleOption>,
}

/// A choice in the language menu.
pub struct LocaleOption {
    pub tag: &'static str,
    pub selected: bool,
}

impl Chrome {
    pub fn new<P: Need>(user: &User<P>, headers: &HeaderMap, current: &str) -> Chrome {
        let u = &user.session.user;
        let locale = reader_locale(u.locale.as_deref(), headers);
        Chrome {
            locale,
            lang: locale.tag(),
            email: u.email.clone(),
            role: text(locale, &format!("role-{}", u.role), &[]),
            csrf: user.session.csrf.clone(),
            nav: NAV
                .iter()
                .map(|(href, key)| NavItem {
                    href,
                    label: text(locale, key, &[]),
                    current: *href == current,
                })
                .collect(),
            locales: Locale::all()
                .iter()
                .map(|l| LocaleOption {
                    tag: l.tag(),
                    selected: *l == locale,
                })
                .collect(),
        }
    }

    /// The text of `key` in the reader's language.
    pub fn t(&self, key: &str) -> String {
        text(self.locale, key, &[])
    }

    /// The text of `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: &dyn std::fmt::Display) -> String {
        text(self.locale, key, &[(name, &value.to_string())])
    }

    /// A date as the reader writes it (UTC).
    pub fn day(&self, unix_seconds: &i64) -> String {
        mm_i18n::format_date_short(self.locale, *unix_seconds)
    }

    /// A date and time as the reader writes them (UTC).
    pub fn when(&self, unix_seconds: &i64) -> String {
        mm_i18n::format_datetime(self.locale, *unix_seconds)
    }
}

/// The reader's language: the user's own choice when signed in and set, else the browser's.
pub fn reader_locale(chosen: Option<&str>, headers: &HeaderMap) -> Locale {
    chosen
        .and_then(|l| l.parse().ok())
        .unwrap_or_else(|| locale_of(headers))
}

/// The browser's preferred language among ours, else British English.
pub fn locale_of(headers: &HeaderMap) -> Locale {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    Locale::from_accept_language(accept, Locale::FALLBACK)
}
