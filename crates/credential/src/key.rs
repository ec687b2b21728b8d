//! Ed25519 keys, their RFC 7638 thumbprint (`kid`) and the published key set (JWKS).

use std::fmt;

use ed25519_dalek::{Signer as _, VerifyingKey};
use rand::RngCore as _;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::encoding::{b64url, b64url_decode};

/// Length of an Ed25519 secret key (the seed) and of a public key.
pub const KEY_LEN: usize = 32;

/// Why a key or a key set was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error(
        "the signing key has {got} bytes, an Ed25519 secret key has {KEY_LEN}: \
         restore the key file from its backup or make a new key"
    )]
    SecretLength { got: usize },
    #[error(
        "the public key has {got} bytes, an Ed25519 public key has {KEY_LEN}: \
         check that the whole \"x\" value of the JWK was copied"
    )]
    PublicLength { got: usize },
    #[error(
        "the public key is not a valid Ed25519 point: it cannot verify anything; publish the key again from its secret"
    )]
    InvalidPoint,
    #[error("the public key is a weak (small-order) Ed25519 key, which would accept forged signatures; it is refused")]
    WeakPoint,
    #[error("the key set is not a JWKS ({problem}): it must be a JSON object {{\"keys\": [ ... ]}}")]
    NotJwks { problem: String },
    #[error("key {index} of the JWKS: field \"{field}\" {problem}")]
    JwkField {
        index: usize,
        field: &'static str,
        problem: String,
    },
    #[error(
        "key {index} of the JWKS says kid \"{claimed}\" but its RFC 7638 thumbprint is \"{computed}\": \
         the key or its kid was edited; publish the set again from the keys"
    )]
    KidMismatch {
        index: usize,
        claimed: String,
        computed: String,
    },
    #[error(
        "key {index} of the JWKS holds a private part (\"d\"): a published key set must hold public keys only; \
         remove it and rotate that key"
    )]
    PrivateKeyInSet { index: usize },
}

impl KeyError {
    /// A stable identifier for logs and API answers.
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::SecretLength { .. } => "key_secret_length",
            KeyError::PublicLength { .. } => "key_public_length",
            KeyError::InvalidPoint => "key_invalid_point",
            KeyError::WeakPoint => "key_weak_point",
            KeyError::NotJwks { .. } => "jwks_malformed",
            KeyError::JwkField { .. } => "jwk_field",
            KeyError::KidMismatch { .. } => "jwk_kid_mismatch",
            KeyError::PrivateKeyInSet { .. } => "jwks_private_key",
        }
    }
}

/// A private signing key. Its secret is wiped from memory on drop and never printed.
pub struct SigningKey {
    inner: ed25519_dalek::SigningKey,
    public: PublicKey,
}

impl SigningKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> SigningKey {
        let mut seed = Zeroizing::new([0u8; KEY_LEN]);
        rand::rngs::OsRng.fill_bytes(seed.as_mut());
        SigningKey::from_seed(&seed)
    }

    /// The key from its 32-byte secret (as [`SigningKey::secret_bytes`] gave it).
    pub fn from_bytes(secret: &[u8]) -> Result<SigningKey, KeyError> {
        let seed: Zeroizing<[u8; KEY_LEN]> = Zeroizing::new(
            secret
                .try_into()
                .map_err(|_| KeyError::SecretLength { got: secret.len() })?,
        );
        Ok(SigningKey::from_seed(&seed))
    }

    fn from_seed(seed: &[u8; KEY_LEN]) -> SigningKey {
        let inner = ed25519_dalek::SigningKey::from_bytes(seed);
        let public = PublicKey::from_verifying(inner.verifying_key());
        SigningKey { inner, public }
    }

    /// The 32-byte secret, to be stored sealed; wiped when the returned value is dropped.
    pub fn secret_bytes(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.inner.to_bytes().to_vec())
    }

    pub fn public(&self) -> PublicKey {
        self.public.clone()
    }

    pub fn kid(&self) -> &str {
        self.public.kid()
    }

    pub(crate) fn sign_bytes(&self, message: &[u8]) -> [u8; 64] {
        self.inner.sign(message).to_bytes()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid())
            .finish_non_exhaustive()
    }
}

/// A public verification key and its `kid`.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
    kid: String,
}

impl PublicKey {
    /// The key from its 32 bytes; refuses invalid and weak (small-order) points.
    pub fn from_bytes(bytes: &[u8]) -> Result<PublicKey, KeyError> {
        let array: [u8; KEY_LEN] = bytes
            .try_into()
            .map_err(|_| KeyError::PublicLength { got: bytes.len() })?;
        let key = VerifyingKey::from_bytes(&array).map_err(|_| KeyError::InvalidPoint)?;
        if key.is_weak() {
            return Err(KeyError::WeakPoint);
        }
        Ok(PublicKey::from_verifying(key))
    }

    fn from_verifying(key: VerifyingKey) -> PublicKey {
        let kid = thumbprint(key.as_bytes());
        PublicKey { key, kid }
    }

    /// The RFC 7638 JWK thumbprint: base64url SHA-256 of the required members in order.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn to_bytes(&self) -> [u8; KEY_LEN] {
        self.key.to_bytes()
    }

    /// The public JWK (RFC 8037 OKP key), as published in the key set.
    pub fn to_jwk(&self) -> Value {
        json!({
            "kty": "OKP",
            "crv": "Ed25519",
            "x": b64url(self.key.as_bytes()),
            "kid": self.kid,
            "alg": "EdDSA",
            "use": "sig",
        })
    }

    /// Checks an Ed25519 signature strictly (no malleable or small-order forms).
    pub(crate) fn verifies(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        let signature = ed25519_dalek::Signature::from_bytes(signature);
        self.key.verify_strict(message, &signature).is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// RFC 7638 thumbprint of an Ed25519 key: the members `crv`, `kty`, `x` in that order, no
/// whitespace.
fn thumbprint(public: &[u8; KEY_LEN]) -> String {
    let members = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, b64url(public));
    b64url(&Sha256::digest(members.as_bytes()))
}

/// The keys a verifier trusts: the current one and the retired ones kept for old certificates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeySet {
    keys: Vec<PublicKey>,
}

impl KeySet {
    /// The set in the given order, a key listed twice kept once.
    pub fn new(keys: Vec<PublicKey>) -> KeySet {
        let mut unique: Vec<PublicKey> = Vec::with_capacity(keys.len());
        for key in keys {
            if !unique.iter().any(|known| known.kid == key.kid) {
                unique.push(key);
            }
        }
        KeySet { keys: unique }
    }

    pub fn to_jwks(&self) -> Value {
        json!({ "keys": self.keys.iter().map(PublicKey::to_jwk).collect::<Vec<_>>() })
    }

    /// Reads a published JWKS. Keys of other types or curves are skipped (RFC 7517 §5); an
    /// Ed25519 key that is malformed, carries a wrong `kid` or a private part is refused.
    pub fn from_jwks(json: &str) -> Result<KeySet, KeyError> {
        let value: Value = serde_json::from_str(json).map_err(|error| KeyError::NotJwks {
            problem: error.to_string(),
        })?;
        let entries = value
            .get("keys")
            .and_then(Value::as_array)
            .ok_or_else(|| KeyError::NotJwks {
                problem: "no \"keys\" array".to_owned(),
            })?;
        let mut keys = Vec::with_capacity(entries.len());
        for (index, entry) in entries.iter().enumerate() {
            if let Some(key) = read_jwk(index, entry)? {
                keys.push(key);
            }
        }
        Ok(KeySet::new(keys))
    }

    pub fn get(&self, kid: &str) -> Option<&PublicKey> {
        self.keys.iter().find(|key| key.kid == kid)
    }

    pub fn keys(&self) -> &[PublicKey] {
        &self.keys
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// One JWK of the set: `None` when it is not an Ed25519 key (not ours to judge).
fn read_jwk(index: usize, entry: &Value) -> Result<Option<PublicKey>, KeyError> {
    let field = |name: &'static str| -> Result<Option<&str>, KeyError> {
        match entry.get(name) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(KeyError::JwkField {
                index,
                field: name,
                problem: "must be a string".to_owned(),
            }),
        }
    };
    if !entry.is_object() {
        return Err(KeyError::NotJwks {
            problem: format!("key {index} is not a JSON object"),
        });
    }
    if field("kty")? != Some("OKP") || field("crv")? != Some("Ed25519") {
        return Ok(None);
    }
    if entry.get("d").is_some() {
        return Err(KeyError::PrivateKeyInSet { index });
    }
    let bad = |name: &'static str, problem: &str| KeyError::JwkField {
        index,
        field: name,
        problem: problem.to_owned(),
    };
    if let Some(alg) = field("alg")?
        && alg != "EdDSA"
    {
        return Err(bad("alg", "must be \"EdDSA\" for an Ed25519 key"));
    }
    if let Some(usage) = field("use")?
        && usage != "sig"
    {
        return Err(bad("use", "must be \"sig\": these keys only sign certificates"));
    }
    let x = field("x")?.ok_or_else(|| bad("x", "is missing"))?;
    let bytes = b64url_decode(x).ok_or_else(|| bad("x", "is not unpadded base64url"))?;
    let key = PublicKey::from_bytes(&bytes)?;
    if let Some(claimed) = field("kid")?
        && claimed != key.kid
    {
        return Err(KeyError::KidMismatch {
            index,
            claimed: claimed.to_owned(),
            computed: key.kid,
        });
    }
    Ok(Some(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprint_matches_rfc8037_example() {
        // RFC 8037 appendix A.3: the thumbprint of the example Ed25519 key.
        let x = b64url_decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo").unwrap();
        let key = PublicKey::from_bytes(&x).unwrap();
        assert_eq!(key.kid(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    }

    fn unhex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn rfc8032_secret_gives_its_public_key() {
        // RFC 8032 section 7.1, test 1.
        let secret = unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        let key = SigningKey::from_bytes(&secret).unwrap();
        assert_eq!(
            key.public().to_bytes().to_vec(),
            unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        );
        assert_eq!(*key.secret_bytes(), secret);
    }

    #[test]
    fn debug_shows_the_kid_and_not_the_secret() {
        let key = SigningKey::generate();
        let printed = format!("{key:?}");
        assert!(printed.contains(key.kid()));
        let secret = crate::encoding::hex(&key.secret_bytes());
        assert!(!printed.contains(&secret));
        assert!(!printed.contains(&b64url(&key.secret_bytes())));
    }

    #[test]
    fn weak_and_short_public_keys_are_refused() {
        // The identity point (y = 1) has small order.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(PublicKey::from_bytes(&identity), Err(KeyError::WeakPoint));
        assert_eq!(
            PublicKey::from_bytes(&[1u8; 31]).unwrap_err().code(),
            "key_public_length"
        );
        assert_eq!(
            SigningKey::from_bytes(&[1u8; 33]).unwrap_err(),
            KeyError::SecretLength { got: 33 }
        );
    }
}
