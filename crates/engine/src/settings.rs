//! The service's settings as the settings page shows them: what config.toml (or its
//! environment variables) set, grouped, each under its configuration key, secrets never shown.
//! They are read-only in the admin: a running service changes them through config.toml and a
//! restart, so that the file stays the one truth a deployment is built from.

use crate::engine::Engine;
use std::time::Duration;

/// A group of settings, by its `[section]`.
#[derive(Debug, Clone)]
pub struct SettingGroup {
    pub section: &'static str,
    pub settings: Vec<Setting>,
}

/// One setting: its key in config.toml and its value as text.
#[derive(Debug, Clone)]
pub struct Setting {
    pub key: &'static str,
    pub value: SettingValue,
}

/// A value, or what stands for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingValue {
    Text(String),
    Yes,
    No,
    /// Left at its built-in behaviour (unset).
    Unset,
    /// A secret that is set; its value is never shown.
    SecretSet,
}

fn text(s: impl ToString) -> SettingValue {
    SettingValue::Text(s.to_string())
}

fn duration(d: Duration) -> SettingValue {
    if d.is_zero() {
        SettingValue::No
    } else {
        text(humantime::format_duration(d))
    }
}

fn yes(b: bool) -> SettingValue {
    if b { SettingValue::Yes } else { SettingValue::No }
}

fn setting(key: &'static str, value: SettingValue) -> Setting {
    Setting { key, value }
}

/// The database's kind from its URL: the URL itself may hold a password.
fn database_kind(url: &str) -> &'static str {
    match url.split(':').next() {
        Some("postgres" | "postgresql") => "PostgreSQL",
        Some("mysql" | "mariadb") => "MySQL/MariaDB",
        _ => "SQLite",
    }
}

/// The SMTP server's host and port, without the user or password the URL may hold.
fn smtp_host(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!(
            "{}://{}{}",
            u.scheme(),
            u.host_str().unwrap_or_default(),
            u.port().map(|p| format!(":{p}")).unwrap_or_default()
        ),
        Err(_) => String::new(),
    }
}

impl Engine {
    /// Every setting the admin may want to check, grouped by section.
    pub fn settings(&self) -> Vec<SettingGroup> {
        let c = &self.config;
        let certs = &c.certificates;
        vec![
            SettingGroup {
                section: "server",
                settings: vec![
                    setting("version", text(env!("CARGO_PKG_VERSION"))),
                    setting("public_url", text(&c.public_url)),
                    setting("listen", text(c.listen)),
                    setting("admin_token", secret(c.admin_token.is_some())),
                    setting("metrics_public", yes(c.metrics_public)),
                    setting("database", text(database_kind(&c.database_url))),
                    setting("log_level", text(&c.log_level)),
                ],
            },
            SettingGroup {
                section: "secrets",
                settings: vec![setting("key", secret(c.secret_key.is_some()))],
            },
            SettingGroup {
                section: "worker",
                settings: vec![
                    setting("batch_size", text(c.worker.batch_size)),
                    setting("retry_base", duration(c.worker.retry_base)),
                    setting("retry_max", duration(c.worker.retry_max)),
                    setting("max_attempts", text(c.worker.max_attempts)),
                    setting("paused_site_check", duration(c.worker.paused_site_check)),
                ],
            },
            SettingGroup {
                section: "progress",
                settings: vec![
                    setting("interval", duration(c.progress.interval)),
                    setting("recheck_window", duration(c.progress.recheck_window)),
                ],
            },
            SettingGroup {
                section: "drift",
                settings: vec![
                    setting("interval", duration(c.drift.interval)),
                    setting("repair_manual", yes(c.drift.repair_manual)),
                ],
            },
            SettingGroup {
                section: "certificates",
                settings: vec![
                    setting("enabled", yes(certs.enabled)),
                    setting("issuer", text(&certs.issuer)),
                    setting("number_prefix", text(&certs.number_prefix)),
                    setting("default_language", text(&certs.default_language)),
                    setting("valid_for", certs.valid_for.map_or(SettingValue::Unset, duration)),
                    setting("email", yes(certs.email)),
                    setting("download_link_ttl", duration(certs.download_link_ttl)),
                    setting("dir", text(certs.dir.display())),
                ],
            },
            SettingGroup {
                section: "smtp",
                settings: match &c.smtp {
                    Some(smtp) => vec![
                        setting("url", text(smtp_host(&smtp.url))),
                        setting("from", text(&smtp.from)),
                        setting("password", secret(smtp.password.is_some())),
                        setting("timeout", duration(smtp.timeout)),
                    ],
                    None => vec![setting("url", SettingValue::Unset)],
                },
            },
        ]
    }
}

fn secret(set: bool) -> SettingValue {
    if set {
        SettingValue::SecretSet
    } else {
        SettingValue::Unset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_is_named_by_kind_and_smtp_by_host_never_with_credentials() {
        assert_eq!(database_kind("postgres://mm:hunter2@db/mm"), "PostgreSQL");
        assert_eq!(database_kind("mysql://root@127.0.0.1/mm"), "MySQL/MariaDB");
        assert_eq!(database_kind("sqlite://data/mm.sqlite"), "SQLite");
        let host = smtp_host("smtp://user:hunter2@mail.example.org:587");
        assert_eq!(host, "smtp://mail.example.org:587");
        assert!(!host.contains("hunter2"));
    }
}
