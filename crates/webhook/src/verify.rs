//! Standard Webhooks signature verification (<https://www.standardwebhooks.com>, the scheme
//! svix uses): `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`.
//!
//! Everything is a pure function of the headers, the raw body bytes and a `now` that the
//! caller reads from its clock, so every forged, replayed or late delivery can be tested
//! without a server or a sleeping test.

use crate::secret::{Secret, SecretError};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Header names, lower-case as HTTP/2 sends them (HTTP header names are case-insensitive).
pub const HEADER_ID: &str = "webhook-id";
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
pub const HEADER_SIGNATURE: &str = "webhook-signature";

/// The spec's replay window: a captured delivery is useless five minutes later, and a
/// sender whose clock runs five minutes ahead is refused rather than trusted.
pub const DEFAULT_TOLERANCE_SECS: i64 = 5 * 60;

/// Largest body we verify. An invoice with a few hundred lines is far below this; the limit
/// exists so that an unauthenticated caller cannot make us HMAC gigabytes. The HTTP layer
/// should refuse larger bodies before reading them (`DefaultBodyLimit`), this is the backstop.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// Longest `webhook-id` we accept. The id becomes a dedupe key in the database, so it is
/// bounded; svix ids are ~30 characters.
pub const MAX_ID_LEN: usize = 256;

/// The only signature version defined by the spec. Other versions (`v1a` = ed25519, future
/// ones) are skipped, as the spec requires, so a sender can add them without breaking us.
const SIGNATURE_VERSION: &str = "v1";

type HmacSha256 = Hmac<Sha256>;

/// The three Standard Webhooks headers as received; `None` = header absent.
///
/// Borrowed so that the HTTP layer can pass `HeaderMap` values without copying, and kept
/// free of any HTTP crate so that this crate stays framework-agnostic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Headers<'a> {
    pub id: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub signature: Option<&'a str>,
}

impl<'a> Headers<'a> {
    /// Builds the headers from any lookup by lower-case name, e.g.
    /// `Headers::from_lookup(|n| map.get(n).and_then(|v| v.to_str().ok()))` for an
    /// `http::HeaderMap` (a non-UTF-8 value then counts as missing).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<&'a str>) -> Headers<'a> {
        Headers {
            id: lookup(HEADER_ID),
            timestamp: lookup(HEADER_TIMESTAMP),
            signature: lookup(HEADER_SIGNATURE),
        }
    }
}

/// A delivery whose signature and timestamp checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedDelivery {
    /// The sender's message id: the same for every retry of one message.
    pub id: String,
    /// When the sender signed it (unix seconds).
    pub timestamp: i64,
    /// Which configured secret matched (index into the list given to [`Verifier::new`]).
    /// Log it during a rotation: once the old secret stops matching, it can be removed.
    pub secret_index: usize,
}

impl VerifiedDelivery {
    /// The key to remember to drop retries of a message already handled: the source name
    /// plus the sender's `webhook-id` (ids are only unique per sender). Keep keys for longer
    /// than the tolerance window (e.g. 24 h); older replays are refused by the timestamp
    /// check anyway.
    pub fn dedupe_key(&self, source: &str) -> String {
        format!("{source}:{}", self.id)
    }
}

/// Why a delivery was refused. [`VerifyError::status`] is the HTTP answer; the messages
/// are safe to send back to the caller: they never contain a secret or an expected
/// signature, only what the caller itself sent wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("missing header `{0}`")]
    MissingHeader(&'static str),
    #[error("header `webhook-id` is invalid: {0}")]
    InvalidId(&'static str),
    #[error("header `webhook-timestamp` must be unix seconds (digits only)")]
    InvalidTimestamp,
    #[error("header `webhook-signature` is empty")]
    EmptySignature,
    #[error("the body is empty")]
    EmptyBody,
    #[error("the body is {len} bytes; the limit is {limit}")]
    BodyTooLarge { len: usize, limit: usize },
    #[error("the webhook timestamp is {age_secs} s old (tolerance {tolerance_secs} s): a late retry or a replay")]
    TimestampTooOld { age_secs: i64, tolerance_secs: i64 },
    #[error(
        "the webhook timestamp is {ahead_secs} s in the future (tolerance {tolerance_secs} s): check the sender's clock"
    )]
    TimestampTooNew { ahead_secs: i64, tolerance_secs: i64 },
    #[error("no `v1` signature in `webhook-signature`")]
    NoSupportedSignature,
    #[error("no signature matches a configured secret")]
    NoMatchingSignature,
}

impl VerifyError {
    /// The HTTP status to answer: 400 for a request that is malformed whoever sent it,
    /// 401 when the request may be well-formed but is not proven to come from the sender
    /// now (signature or timestamp), 413 for an oversized body. Svix-style senders retry
    /// on every non-2xx, so none of these stops a legitimate sender for good.
    pub fn status(&self) -> u16 {
        match self {
            VerifyError::MissingHeader(_)
            | VerifyError::InvalidId(_)
            | VerifyError::InvalidTimestamp
            | VerifyError::EmptySignature
            | VerifyError::EmptyBody => 400,
            VerifyError::BodyTooLarge { .. } => 413,
            VerifyError::TimestampTooOld { .. }
            | VerifyError::TimestampTooNew { .. }
            | VerifyError::NoSupportedSignature
            | VerifyError::NoMatchingSignature => 401,
        }
    }
}

/// Checks deliveries against one or more secrets.
///
/// Several secrets exist for rotation: configure old + new, move the sender to the new one,
/// then drop the old one once [`VerifiedDelivery::secret_index`] shows it is unused.
#[derive(Debug, Clone)]
pub struct Verifier {
    secrets: Vec<Secret>,
    tolerance_secs: i64,
    max_body_bytes: usize,
}

impl Verifier {
    /// Fails on an empty list: a receiver that can accept nothing is a configuration error
    /// that should stop the service at start, not show up as 401s later.
    pub fn new(secrets: Vec<Secret>) -> Result<Verifier, SecretError> {
        if secrets.is_empty() {
            return Err(SecretError::NoSecrets);
        }
        Ok(Verifier {
            secrets,
            tolerance_secs: DEFAULT_TOLERANCE_SECS,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        })
    }

    /// Overrides the ±tolerance (seconds). Negative values are treated as zero.
    pub fn with_tolerance_secs(mut self, secs: i64) -> Verifier {
        self.tolerance_secs = secs.max(0);
        self
    }

    pub fn with_max_body_bytes(mut self, bytes: usize) -> Verifier {
        self.max_body_bytes = bytes;
        self
    }

    /// The body limit, for the HTTP layer to enforce before buffering.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// Verifies one delivery. `body` must be the raw bytes as received: re-serialised JSON
    /// would not match the signature. `now` is the receiver's clock in unix seconds.
    ///
    /// Checks run cheapest first (headers, body size, timestamp, then HMAC), so a flood of
    /// stale or malformed requests costs no hashing.
    pub fn verify(&self, headers: &Headers<'_>, body: &[u8], now: i64) -> Result<VerifiedDelivery, VerifyError> {
        let id = parse_id(headers.id.ok_or(VerifyError::MissingHeader(HEADER_ID))?)?;
        let ts_text = headers.timestamp.ok_or(VerifyError::MissingHeader(HEADER_TIMESTAMP))?;
        let timestamp = parse_timestamp(ts_text)?;
        let signature = headers.signature.ok_or(VerifyError::MissingHeader(HEADER_SIGNATURE))?;
        if signature.trim().is_empty() {
            return Err(VerifyError::EmptySignature);
        }
        if body.is_empty() {
            return Err(VerifyError::EmptyBody);
        }
        if body.len() > self.max_body_bytes {
            return Err(VerifyError::BodyTooLarge {
                len: body.len(),
                limit: self.max_body_bytes,
            });
        }
        self.check_timestamp(timestamp, now)?;

        // Decode every v1 candidate first; entries of other versions, entries without a
        // comma and undecodable base64 are skipped, never an error on their own: a sender
        // may list signatures we cannot check next to one we can.
        let candidates: Vec<Vec<u8>> = signature
            .split_ascii_whitespace()
            .filter_map(|entry| entry.split_once(','))
            .filter(|(version, _)| *version == SIGNATURE_VERSION)
            .filter_map(|(_, sig)| STANDARD.decode(sig).ok())
            .collect();
        let any_v1 = signature
            .split_ascii_whitespace()
            .filter_map(|entry| entry.split_once(','))
            .any(|(version, _)| version == SIGNATURE_VERSION);
        if !any_v1 {
            return Err(VerifyError::NoSupportedSignature);
        }

        for (index, secret) in self.secrets.iter().enumerate() {
            let expected = mac(secret, &id, timestamp, body);
            // `ct_eq` compares in constant time for equal lengths; a length mismatch is
            // public information (every real tag is 32 bytes) and returns false at once.
            if candidates
                .iter()
                .any(|candidate| bool::from(expected.as_slice().ct_eq(candidate)))
            {
                return Ok(VerifiedDelivery {
                    id,
                    timestamp,
                    secret_index: index,
                });
            }
        }
        Err(VerifyError::NoMatchingSignature)
    }

    fn check_timestamp(&self, timestamp: i64, now: i64) -> Result<(), VerifyError> {
        let age = now.saturating_sub(timestamp);
        if age > self.tolerance_secs {
            return Err(VerifyError::TimestampTooOld {
                age_secs: age,
                tolerance_secs: self.tolerance_secs,
            });
        }
        if -age > self.tolerance_secs {
            return Err(VerifyError::TimestampTooNew {
                ahead_secs: -age,
                tolerance_secs: self.tolerance_secs,
            });
        }
        Ok(())
    }
}

/// The `webhook-signature` header value (`v1,<base64>`) for one secret: used by the
/// `webhook sign` CLI, by tests and by anything in Rust that sends to us.
pub fn sign(secret: &Secret, id: &str, timestamp: i64, body: &[u8]) -> String {
    format!(
        "{SIGNATURE_VERSION},{}",
        STANDARD.encode(mac(secret, id, timestamp, body))
    )
}

fn mac(secret: &Secret, id: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail; the fallback keeps
    // this function total without an unwrap (it would only ever produce a non-matching tag).
    let Ok(mut mac) = HmacSha256::new_from_slice(secret.key()) else {
        return Vec::new();
    };
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

/// Surrounding whitespace is trimmed because HTTP strips it in transit anyway, so the
/// sender cannot have meant it. Inside, only visible ASCII: the id is signed, logged and
/// stored as a dedupe key.
fn parse_id(raw: &str) -> Result<String, VerifyError> {
    let id = raw.trim();
    if id.is_empty() {
        return Err(VerifyError::InvalidId("it is empty"));
    }
    if id.len() > MAX_ID_LEN {
        return Err(VerifyError::InvalidId("it is longer than 256 characters"));
    }
    if !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(VerifyError::InvalidId("it may only contain visible ASCII characters"));
    }
    Ok(id.to_string())
}

/// Canonical decimal only: no sign, fraction, exponent or leading zero. The signed content
/// uses the number re-rendered (as the reference libraries do), so any lenient form
/// (`+160…`, `0160…`) would be a second header text for the same signature.
fn parse_timestamp(raw: &str) -> Result<i64, VerifyError> {
    let text = raw.trim();
    if text.is_empty()
        || text.len() > 18
        || (text.len() > 1 && text.starts_with('0'))
        || !text.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(VerifyError::InvalidTimestamp);
    }
    text.parse::<i64>().map_err(|_| VerifyError::InvalidTimestamp)
}
