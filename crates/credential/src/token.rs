//! The signed payload and its compact token, carried by the QR code's verification URL.
//!
//! `token = b64url(canonical payload) "." kid "." b64url(Ed25519 signature over the canonical
//! payload)`. The canonical payload is a JSON object (it starts with `{`), which keeps these
//! signatures apart from the seal's and the JWT's messages made with the same key.

use crate::encoding::{b64url, b64url_decode, path_segment};
use crate::key::{KeySet, SigningKey};
use crate::payload::CertificatePayload;

/// Why a token, a seal or a JWT did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the verification token is malformed ({problem}): scan the QR code again or copy the whole link")]
    Malformed { problem: String },
    #[error("the token's payload is not in canonical form, so it was not written by MoodleManagement")]
    NonCanonical,
    #[error(
        "the certificate was signed with key \"{kid}\", which is not in the key set: \
         if it is an old key, keep it in the published keys (retired keys stay for verification)"
    )]
    UnknownKey { kid: String },
    #[error("the signature does not match: the certificate's content was changed after it was issued")]
    BadSignature,
    #[error("the credential JWT is malformed ({problem})")]
    JwtMalformed { problem: String },
    #[error("the credential JWT uses {header} \"{value}\"; only alg \"EdDSA\" with typ \"JWT\" is accepted")]
    JwtUnsupported { header: &'static str, value: String },
    #[error("the JWT's key \"{kid_url}\" is not published under its issuer \"{iss}\"")]
    JwtIssuerMismatch { kid_url: String, iss: String },
    #[error("the credential is not valid before {nbf} (unix time), it is {now}")]
    NotYetValid { nbf: i64, now: i64 },
    #[error("the credential expired at {exp} (unix time), it is {now}")]
    Expired { exp: i64, now: i64 },
}

impl VerifyError {
    /// A stable identifier for logs and API answers.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::Malformed { .. } => "token_malformed",
            VerifyError::NonCanonical => "token_non_canonical",
            VerifyError::UnknownKey { .. } => "key_unknown",
            VerifyError::BadSignature => "signature_invalid",
            VerifyError::JwtMalformed { .. } => "jwt_malformed",
            VerifyError::JwtUnsupported { .. } => "jwt_unsupported",
            VerifyError::JwtIssuerMismatch { .. } => "jwt_issuer_mismatch",
            VerifyError::NotYetValid { .. } => "credential_not_yet_valid",
            VerifyError::Expired { .. } => "credential_expired",
        }
    }

    fn malformed(problem: &str) -> VerifyError {
        VerifyError::Malformed {
            problem: problem.to_owned(),
        }
    }
}

/// A payload with the signature of one key over its canonical bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedPayload {
    pub payload: CertificatePayload,
    pub kid: String,
    pub signature: [u8; 64],
}

/// Signs the payload's canonical bytes.
pub fn sign(key: &SigningKey, payload: CertificatePayload) -> SignedPayload {
    let signature = key.sign_bytes(&payload.canonical());
    SignedPayload {
        payload,
        kid: key.kid().to_owned(),
        signature,
    }
}

impl SignedPayload {
    /// The compact token: only URL-safe characters (`A-Z a-z 0-9 - _ .`).
    pub fn token(&self) -> String {
        format!(
            "{}.{}.{}",
            b64url(&self.payload.canonical()),
            self.kid,
            b64url(&self.signature)
        )
    }

    /// Reads a token; checks its form, not its signature (see [`SignedPayload::verify`]).
    pub fn parse_token(token: &str) -> Result<SignedPayload, VerifyError> {
        let mut parts = token.split('.');
        let (Some(payload), Some(kid), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(VerifyError::malformed("it must have three parts separated by dots"));
        };
        if kid.is_empty()
            || !kid
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_'))
        {
            return Err(VerifyError::malformed("the key id is not base64url"));
        }
        let payload_bytes =
            b64url_decode(payload).ok_or_else(|| VerifyError::malformed("the payload is not base64url"))?;
        let signature: [u8; 64] = b64url_decode(signature)
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| VerifyError::malformed("the signature is not 64 bytes of base64url"))?;
        let payload = CertificatePayload::from_canonical(&payload_bytes).ok_or(VerifyError::NonCanonical)?;
        Ok(SignedPayload {
            payload,
            kid: kid.to_owned(),
            signature,
        })
    }

    /// Checks the signature against the key named by `kid` in `keys`.
    pub fn verify(&self, keys: &KeySet) -> Result<(), VerifyError> {
        let key = keys
            .get(&self.kid)
            .ok_or_else(|| VerifyError::UnknownKey { kid: self.kid.clone() })?;
        if key.verifies(&self.payload.canonical(), &self.signature) {
            Ok(())
        } else {
            Err(VerifyError::BadSignature)
        }
    }
}

/// `{base}/verify/{code}?t={token}`; `base` is the public URL, with or without a trailing
/// slash. The code is percent-encoded should it hold anything but URL-safe characters.
pub fn verification_url(base: &str, signed: &SignedPayload) -> String {
    format!(
        "{}/verify/{}?t={}",
        base.trim_end_matches('/'),
        path_segment(&signed.payload.code),
        signed.token()
    )
}
