//! Webhook signing secrets in the Standard Webhooks `whsec_<base64>` form.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::{CryptoRng, RngCore};
use secrecy::{ExposeSecret, SecretSlice};

/// The prefix every secret carries, so that a secret pasted into the wrong setting (an API
/// token, a password) is refused at start instead of failing every delivery with a 401.
pub const SECRET_PREFIX: &str = "whsec_";

/// Shortest key we accept, in bytes. The Standard Webhooks spec recommends 24 to 64 bytes;
/// svix generates 24. Shorter keys are refused because they are guessable offline from one
/// captured delivery.
pub const MIN_KEY_BYTES: usize = 24;

/// Longest key we accept, in bytes (the spec's upper bound). Longer keys add nothing to
/// HMAC-SHA256 (they get hashed down to 32 bytes) and usually mean a wrong value was pasted.
pub const MAX_KEY_BYTES: usize = 64;

/// An HMAC key, parsed once from its `whsec_…` text at the edge (configuration, CLI).
///
/// The key bytes live in a [`SecretSlice`], so they are zeroised on drop and `Debug` never
/// prints them: a secret must not reach a log line, a panic message or an error answer.
#[derive(Clone)]
pub struct Secret {
    key: SecretSlice<u8>,
}

/// Why a secret was refused. Messages describe the shape of the problem, never the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("a webhook secret must start with `whsec_` (Standard Webhooks format)")]
    MissingPrefix,
    #[error("the part after `whsec_` is not valid base64")]
    InvalidBase64,
    #[error("the webhook secret is {len} bytes long; it must be {MIN_KEY_BYTES} to {MAX_KEY_BYTES} bytes")]
    BadLength { len: usize },
    #[error("no webhook secret configured: every delivery would be refused")]
    NoSecrets,
}

impl Secret {
    /// Parses `whsec_<base64 key>`. Surrounding whitespace is ignored because secrets are
    /// pasted from dashboards and environment files, where a trailing newline is common.
    pub fn parse(text: &str) -> Result<Secret, SecretError> {
        let b64 = text
            .trim()
            .strip_prefix(SECRET_PREFIX)
            .ok_or(SecretError::MissingPrefix)?;
        let key = STANDARD.decode(b64).map_err(|_| SecretError::InvalidBase64)?;
        Secret::from_key_bytes(key)
    }

    /// Wraps raw key bytes (e.g. freshly generated ones), checking the length.
    pub fn from_key_bytes(key: Vec<u8>) -> Result<Secret, SecretError> {
        if !(MIN_KEY_BYTES..=MAX_KEY_BYTES).contains(&key.len()) {
            return Err(SecretError::BadLength { len: key.len() });
        }
        Ok(Secret { key: key.into() })
    }

    /// A new random 32-byte secret, for a `webhook secret new` CLI. The caller passes the
    /// RNG (`rand::rngs::OsRng` in production) so this crate stays free of I/O.
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Secret {
        let mut key = vec![0u8; 32];
        rng.fill_bytes(&mut key);
        Secret { key: key.into() }
    }

    /// The `whsec_…` text, to show once to an admin who pastes it into the sender. Named
    /// `expose_` so that every call site reads as a deliberate disclosure.
    pub fn expose_whsec(&self) -> String {
        format!("{SECRET_PREFIX}{}", STANDARD.encode(self.key.expose_secret()))
    }

    pub(crate) fn key(&self) -> &[u8] {
        self.key.expose_secret()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(whsec_[REDACTED])")
    }
}

impl std::str::FromStr for Secret {
    type Err = SecretError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Secret::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_reference_secret() {
        let s = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(s.key().len(), 24);
        assert_eq!(s.expose_whsec(), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    }

    #[test]
    fn trims_surrounding_whitespace() {
        assert!(Secret::parse("  whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n").is_ok());
    }

    #[test]
    fn refuses_bad_secrets() {
        assert_eq!(
            Secret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap_err(),
            SecretError::MissingPrefix
        );
        assert_eq!(Secret::parse("whsec_***").unwrap_err(), SecretError::InvalidBase64);
        assert_eq!(
            Secret::parse("whsec_c2hvcnQ=").unwrap_err(),
            SecretError::BadLength { len: 5 }
        );
        assert_eq!(Secret::parse("whsec_").unwrap_err(), SecretError::BadLength { len: 0 });
    }

    #[test]
    fn debug_never_shows_the_key() {
        let s = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let dbg = format!("{s:?}");
        assert!(!dbg.contains("MfKQ"), "{dbg}");
        assert!(dbg.contains("REDACTED"));
    }

    #[test]
    fn generated_secrets_round_trip() {
        let s = Secret::generate(&mut rand::rngs::OsRng);
        let back = Secret::parse(&s.expose_whsec()).unwrap();
        assert_eq!(back.key(), s.key());
    }
}
