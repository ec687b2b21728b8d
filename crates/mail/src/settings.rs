//! The `[smtp]` configuration, checked once at start.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use lettre::message::Mailbox;
use percent_encoding::percent_decode_str;
use secrecy::SecretString;
use url::{Host, Url};

use crate::MailError;

/// How the connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// `smtp://`: plain connect, then STARTTLS, which must succeed before anything is sent.
    StartTls,
    /// `smtps://`: TLS from the first byte.
    ImplicitTls,
    /// `smtp://…?tls=none`: no encryption, for a relay or test server on this machine.
    Plaintext,
}

/// A login on the SMTP server.
#[derive(Clone)]
pub(crate) struct Login {
    pub(crate) user: String,
    pub(crate) password: SecretString,
}

/// Where and as whom to send, from the configuration's `[smtp]` table.
#[derive(Clone)]
pub struct SmtpSettings {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) security: Security,
    pub(crate) login: Option<Login>,
    pub(crate) from: Mailbox,
    pub(crate) timeout: Duration,
}

impl fmt::Debug for SmtpSettings {
    // The password is never printed, not even redacted-by-length.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.login.as_ref().map(|l| l.user.as_str()))
            .field("password", &self.login.as_ref().map(|_| "[redacted]"))
            .field("from", &self.from.to_string())
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl SmtpSettings {
    /// Checks `[smtp] url` and `[smtp] from`.
    ///
    /// `smtp://host[:587]` requires STARTTLS; `smtps://host[:465]` is implicit TLS;
    /// `smtp://host:port?tls=none` allows plaintext, and with credentials only to a loopback host.
    /// The user comes from the URL; `password` (from `password_file`, `MM_SMTP_PASSWORD` or a
    /// sealed secret) wins over one in the URL.
    pub fn parse(
        url: &str,
        from: &str,
        password: Option<SecretString>,
        timeout: Duration,
    ) -> Result<SmtpSettings, MailError> {
        let parsed = Url::parse(url.trim()).map_err(|e| {
            bad_url(
                format!("{e}"),
                "write it as smtp://mail.example.org:587 (STARTTLS) or smtps://mail.example.org:465",
            )
        })?;
        let plaintext = plaintext_requested(&parsed)?;
        let (security, default_port) = match (parsed.scheme(), plaintext) {
            ("smtp", false) => (Security::StartTls, 587),
            ("smtp", true) => (Security::Plaintext, 25),
            ("smtps", false) => (Security::ImplicitTls, 465),
            ("smtps", true) => {
                return Err(bad_url(
                    "smtps:// is TLS, it cannot have tls=none".into(),
                    "use smtp://host:port?tls=none for a plaintext loopback server",
                ));
            }
            (other, _) => {
                return Err(bad_url(
                    format!("unknown scheme {other:?}"),
                    "use smtp:// (STARTTLS, port 587) or smtps:// (implicit TLS, port 465)",
                ));
            }
        };
        let (host, loopback) = host_of(&parsed)?;
        let login = login_of(&parsed, password)?;
        if security == Security::Plaintext && login.is_some() && !loopback {
            return Err(MailError::PlaintextWithCredentials { host });
        }
        let from_mailbox = from.trim().parse::<Mailbox>().map_err(|e| MailError::BadFrom {
            from: from.to_owned(),
            reason: e.to_string(),
        })?;
        Ok(SmtpSettings {
            host,
            port: parsed.port().unwrap_or(default_port),
            security,
            login,
            from: from_mailbox,
            timeout,
        })
    }

    /// The server's host name or address.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The server's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// How the connection is protected.
    pub fn security(&self) -> Security {
        self.security
    }

    /// The sender, as written in `[smtp] from`.
    pub fn from(&self) -> String {
        self.from.to_string()
    }

    /// "host:port", for messages.
    pub(crate) fn server(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

fn bad_url(problem: String, fix: &str) -> MailError {
    MailError::BadUrl {
        problem,
        fix: fix.to_owned(),
    }
}

/// `?tls=none` and nothing else is understood in the query.
fn plaintext_requested(url: &Url) -> Result<bool, MailError> {
    let mut plaintext = false;
    for (key, value) in url.query_pairs() {
        match (key.as_ref(), value.as_ref()) {
            ("tls", "none") => plaintext = true,
            ("tls", other) => {
                return Err(bad_url(
                    format!("tls={other:?} is not understood"),
                    "leave tls out (smtp:// means STARTTLS, smtps:// implicit TLS) or write tls=none for a plaintext loopback server",
                ));
            }
            (other, _) => {
                return Err(bad_url(
                    format!("unknown parameter {other:?}"),
                    "the only parameter is tls=none",
                ));
            }
        }
    }
    Ok(plaintext)
}

/// The host to connect to, and whether it is this machine.
fn host_of(url: &Url) -> Result<(String, bool), MailError> {
    match url.host() {
        // smtp:// is not a "special" scheme to the URL parser, so an IPv4 address arrives as a name.
        Some(Host::Domain(name)) if !name.is_empty() => {
            let loopback = match name.parse::<IpAddr>() {
                Ok(ip) => ip.is_loopback(),
                Err(_) => name.eq_ignore_ascii_case("localhost"),
            };
            Ok((name.to_owned(), loopback))
        }
        Some(Host::Ipv4(ip)) => Ok((ip.to_string(), IpAddr::V4(ip).is_loopback())),
        Some(Host::Ipv6(ip)) => Ok((ip.to_string(), IpAddr::V6(ip).is_loopback())),
        _ => Err(bad_url(
            "it has no host".into(),
            "write it as smtp://mail.example.org:587",
        )),
    }
}

fn login_of(url: &Url, password: Option<SecretString>) -> Result<Option<Login>, MailError> {
    let user = decode(url.username(), "user name")?;
    let url_password = url.password().map(|p| decode(p, "password")).transpose()?;
    let password = password.or_else(|| url_password.map(SecretString::from));
    match (user.is_empty(), password) {
        (true, None) => Ok(None),
        (true, Some(_)) => Err(bad_url(
            "a password is set but the URL has no user name".into(),
            "write the user in the URL: smtps://USER@mail.example.org:465",
        )),
        (false, None) => Err(bad_url(
            format!("user {user:?} has no password"),
            "set [smtp] password_file or MM_SMTP_PASSWORD",
        )),
        (false, Some(password)) => Ok(Some(Login { user, password })),
    }
}

fn decode(raw: &str, what: &str) -> Result<String, MailError> {
    percent_decode_str(raw)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| {
            bad_url(
                format!("the {what} is not UTF-8 once decoded"),
                "percent-encode it as UTF-8",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn login(url: &str, password: Option<&str>) -> Login {
        let s = SmtpSettings::parse(
            url,
            "a@example.org",
            password.map(SecretString::from),
            Duration::from_secs(1),
        );
        s.unwrap().login.unwrap()
    }

    #[test]
    fn the_password_argument_wins_and_url_parts_are_decoded() {
        let from_url = login("smtps://us%40er:p%40ss@mail.example.org", None);
        assert_eq!(
            (from_url.user.as_str(), from_url.password.expose_secret()),
            ("us@er", "p@ss")
        );
        let from_arg = login("smtps://user:url-pass@mail.example.org", Some("file-pass"));
        assert_eq!(from_arg.password.expose_secret(), "file-pass");
    }
}
