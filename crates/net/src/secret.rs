//! Secrets: tokens and passwords are held in [`SecretString`] (its `Debug` prints a redaction
//! marker), and any text that might echo one (error messages from HTTP libraries, remote bodies)
//! goes through [`redact`] before it is stored or logged.

pub use secrecy::{ExposeSecret, SecretString};

/// What a redacted secret is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// Replace every occurrence of `secret` in `text` by `[REDACTED]`.
///
/// Also replaces the percent-encoded form of the secret, because secrets travel in form bodies
/// and query strings and may be echoed back encoded. An empty secret redacts nothing (replacing
/// the empty string would interleave markers between every character).
pub fn redact(text: &str, secret: &SecretString) -> String {
    let raw = secret.expose_secret();
    if raw.is_empty() {
        return text.to_owned();
    }
    let mut out = text.replace(raw, REDACTED);
    let encoded: String = url::form_urlencoded::byte_serialize(raw.as_bytes()).collect();
    if encoded != raw {
        out = out.replace(&encoded, REDACTED);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_plain_and_encoded() {
        let s = SecretString::from("ab c/d");
        let text = "token=ab c/d and ab+c%2Fd end";
        let r = redact(text, &s);
        assert_eq!(r, "token=[REDACTED] and [REDACTED] end");
    }

    #[test]
    fn empty_secret_is_noop() {
        assert_eq!(redact("abc", &SecretString::from("")), "abc");
    }

    #[test]
    fn debug_does_not_leak() {
        let s = SecretString::from("supersecret");
        assert!(!format!("{s:?}").contains("supersecret"));
    }
}
