//! `[smtp]` settings: what is accepted, and errors that name the key and the fix.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use std::time::Duration;

use mm_mail::{MailError, Security, SmtpSettings};
use secrecy::SecretString;

const FROM: &str = "Academy <no-reply@example.org>";
const T: Duration = Duration::from_secs(10);

fn parse(url: &str, password: Option<&str>) -> Result<SmtpSettings, MailError> {
    SmtpSettings::parse(url, FROM, password.map(SecretString::from), T)
}

#[test]
fn schemes_ports_and_security() {
    let starttls = parse("smtp://mail.example.org", None).unwrap();
    assert_eq!(
        (starttls.host(), starttls.port(), starttls.security()),
        ("mail.example.org", 587, Security::StartTls)
    );
    let implicit = parse("smtps://user:pw@mail.example.org", None).unwrap();
    assert_eq!((implicit.port(), implicit.security()), (465, Security::ImplicitTls));
    let relay = parse("smtp://127.0.0.1:2525?tls=none", None).unwrap();
    assert_eq!((relay.port(), relay.security()), (2525, Security::Plaintext));
    assert_eq!(parse("smtp://mail.example.org:2587", None).unwrap().port(), 2587);
    assert_eq!(
        parse("smtp://localhost:25?tls=none", None).unwrap().security(),
        Security::Plaintext
    );
}

#[test]
fn errors_name_the_key_and_the_fix() {
    for (url, hint) in [
        ("http://mail.example.org", "smtps://"),
        ("not a url", "smtp://"),
        ("smtps://mail.example.org?tls=none", "tls=none"),
        ("smtp://mail.example.org?tls=maybe", "tls=none"),
        ("smtp://mail.example.org?starttls=1", "tls=none"),
        ("smtp://user@mail.example.org", "MM_SMTP_PASSWORD"),
    ] {
        let err = parse(url, None).unwrap_err();
        assert_eq!(err.code(), "smtp_url_invalid", "{url}: {err}");
        let message = err.to_string();
        assert!(
            message.starts_with("[smtp] url") && message.contains(hint),
            "{url}: {message}"
        );
        assert!(!err.is_transient());
    }
    let err = SmtpSettings::parse("smtp://mail.example.org", "no-reply at example", None, T).unwrap_err();
    assert_eq!(err.code(), "smtp_from_invalid");
    assert!(err.to_string().contains("[smtp] from"), "{err}");
    let err = parse("smtp://mail.example.org", Some("secret")).unwrap_err();
    assert!(err.to_string().contains("user name"), "{err}");
}

#[test]
fn plaintext_with_credentials_only_to_loopback() {
    let err = parse("smtp://user@mail.example.org:25?tls=none", Some("hunter2")).unwrap_err();
    assert_eq!(err.code(), "smtp_plaintext_credentials");
    assert!(
        err.to_string().contains("[smtp] url") && !err.to_string().contains("hunter2"),
        "{err}"
    );
    assert!(parse("smtp://user:pw@10.0.0.5:25?tls=none", None).is_err());
    for host in ["127.0.0.1", "localhost", "[::1]"] {
        let s = parse(&format!("smtp://user@{host}:2525?tls=none"), Some("hunter2")).unwrap();
        assert_eq!(s.security(), Security::Plaintext, "{host}");
    }
    // Without credentials, plaintext to another host is an explicit, allowed choice.
    assert!(parse("smtp://relay.internal:25?tls=none", None).is_ok());
}

#[test]
fn debug_never_shows_the_password() {
    for (url, password) in [
        ("smtps://user:url%2Dsecret@mail.example.org", None),
        ("smtps://user@mail.example.org", Some("arg-secret")),
    ] {
        let shown = format!("{:?}", parse(url, password).unwrap());
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("user") && shown.contains("mail.example.org"), "{shown}");
    }
    assert_eq!(parse("smtp://mail.example.org", None).unwrap().from(), FROM);
}
