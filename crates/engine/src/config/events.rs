//! `[[subscriber]]` (who hears about enrolments, completions and certificates) and `[events]`
//! (how long a delivery is retried).

use super::{
    Keyring, OneOrMany, check_name, env_segment, invalid, opt_duration, parse_http_url, positive, webhook_secrets,
};
use crate::config::ConfigError;
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;
use url::Url;

/// Every event type a subscriber can ask for.
pub const EVENT_TYPES: [&str; 7] = [
    "enrolment.activated",
    "enrolment.suspended",
    "enrolment.revoked",
    "course.completed",
    "certificate.issued",
    "certificate.revoked",
    "job.dead",
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEvents {
    max_attempts: Option<i64>,
    retry_base: Option<String>,
    retry_max: Option<String>,
    timeout: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSubscriber {
    name: String,
    url: String,
    /// `whsec_…`: one, or a list during a rotation (every one signs).
    secret: Option<OneOrMany>,
    secret_file: Option<PathBuf>,
    #[serde(default)]
    events: Vec<String>,
    #[serde(default)]
    allow_private_network: bool,
}

/// How outbound deliveries are retried.
#[derive(Debug, Clone)]
pub struct EventsConfig {
    /// Attempts before a delivery is dead (default 12, about a day with the default back-off).
    pub max_attempts: i64,
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// Whole-request timeout of one attempt.
    pub timeout: Duration,
}

impl Default for EventsConfig {
    fn default() -> Self {
        EventsConfig {
            max_attempts: 12,
            retry_base: Duration::from_secs(60),
            retry_max: Duration::from_secs(6 * 3600),
            timeout: Duration::from_secs(15),
        }
    }
}

/// A `[[subscriber]]` block: read-only in the admin.
#[derive(Debug, Clone)]
pub struct SubscriberConfig {
    pub name: String,
    pub url: Url,
    /// Every one signs each delivery (more than one during a rotation).
    pub secrets: Vec<mm_webhook::Secret>,
    /// Empty: every type.
    pub events: Vec<String>,
    pub allow_private_network: bool,
}

pub(super) fn events_config(raw: &RawEvents) -> Result<EventsConfig, ConfigError> {
    let d = EventsConfig::default();
    Ok(EventsConfig {
        max_attempts: positive("events.max_attempts", raw.max_attempts.unwrap_or(d.max_attempts))?,
        retry_base: opt_duration("events.retry_base", raw.retry_base.as_deref())?.unwrap_or(d.retry_base),
        retry_max: opt_duration("events.retry_max", raw.retry_max.as_deref())?.unwrap_or(d.retry_max),
        timeout: opt_duration("events.timeout", raw.timeout.as_deref())?.unwrap_or(d.timeout),
    })
}

pub(super) fn subscribers(
    raw: Vec<RawSubscriber>,
    env: &dyn Fn(&str) -> Option<String>,
    keyring: &Keyring,
) -> Result<Vec<SubscriberConfig>, ConfigError> {
    let mut out: Vec<SubscriberConfig> = Vec::new();
    for (i, s) in raw.into_iter().enumerate() {
        let key = format!("subscriber[{i}]");
        check_name(&format!("{key}.name"), &s.name)?;
        if out.iter().any(|o| o.name == s.name) {
            return Err(invalid(
                format!("{key}.name"),
                format!("subscriber `{}` is declared twice", s.name),
            ));
        }
        if let Some(bad) = s.events.iter().find(|e| !EVENT_TYPES.contains(&e.as_str())) {
            return Err(invalid(
                format!("{key}.events"),
                format!("`{bad}` is not an event type; use some of {}", EVENT_TYPES.join(", ")),
            ));
        }
        let secret_env = format!("MM_SUBSCRIBER_{}_SECRET", env_segment(&s.name));
        let secrets = webhook_secrets(&key, s.secret, s.secret_file, &secret_env, env, keyring, true)?;
        out.push(SubscriberConfig {
            url: parse_http_url(&format!("{key}.url"), &s.url)?,
            secrets,
            events: s.events,
            allow_private_network: s.allow_private_network,
            name: s.name,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use std::path::Path;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn load(text: &str) -> Result<Config, crate::config::ConfigError> {
        Config::from_toml(text, Path::new("t.toml"), |_| None)
    }

    #[test]
    fn a_subscriber_is_read_with_its_secrets_and_events() {
        let c = load(&format!(
            "[[subscriber]]\nname = \"crm\"\nurl = \"https://crm.example/hook\"\nsecret = [\"{SECRET}\", \"{SECRET}\"]\nevents = [\"certificate.issued\"]\n[events]\nmax_attempts = 3\n"
        ))
        .expect("valid");
        assert_eq!(c.subscribers.len(), 1);
        assert_eq!(c.subscribers[0].secrets.len(), 2, "both sign during a rotation");
        assert_eq!(c.subscribers[0].events, ["certificate.issued"]);
        assert_eq!(c.events.max_attempts, 3);
    }

    #[test]
    fn an_unknown_event_type_or_a_missing_secret_is_refused_naming_the_key() {
        let e = load(&format!(
            "[[subscriber]]\nname = \"crm\"\nurl = \"https://crm.example/hook\"\nsecret = \"{SECRET}\"\nevents = [\"enrolment.created\"]\n"
        ))
        .expect_err("unknown type");
        assert!(e.to_string().contains("subscriber[0].events"), "{e}");
        let e = load("[[subscriber]]\nname = \"crm\"\nurl = \"https://crm.example/hook\"\n").expect_err("no secret");
        assert!(e.to_string().contains("subscriber[0].secret"), "{e}");
    }
}
