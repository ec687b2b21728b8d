//! Sealed secrets: a secret encrypted under a key the operator keeps apart from the
//! configuration, so a configuration file, a backup of it or a `*_file` holds no usable secret.
//!
//! The text form is `enc:v1:<key id>:<data>`:
//!
//! - `v1` is XChaCha20-Poly1305 (an AEAD: any change to the text is detected) with a random
//!   192-bit nonce per seal, so sealing the same secret twice gives two different texts;
//! - `<key id>` is the first 8 hex digits of SHA-256 of the key's 32 bytes: it names the key a
//!   value was sealed with, so a wrong key is reported as such rather than as "corrupt";
//! - `<data>` is URL-safe base64 without padding of nonce ‖ ciphertext ‖ tag. The version and
//!   the key id are authenticated too (associated data).
//!
//! A [`SecretKey`] is 32 random bytes, written as base64 (44 characters) or hex (64 digits);
//! [`SecretKey::generate`] makes one from the operating system's random source. Keys are never
//! derived from anything else. The key's bytes and every opened plaintext live in zeroizing
//! containers, and no `Debug` output shows them (a key shows its id only).

use std::fmt;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// What every sealed value starts with.
pub const SEALED_PREFIX: &str = "enc:";
/// The format this version writes.
pub const CURRENT_VERSION: &str = "v1";
/// A key is this many random bytes.
pub const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Fewer distinct byte values than this in 32 bytes is no random key (a random one has about
/// 30; fewer than 16 happens with a probability far below 1e-12).
const MIN_DISTINCT_BYTES: usize = 16;
const HOW_TO_MAKE_ONE: &str = "a key is 32 random bytes written as base64 (44 characters) or hex (64 digits); \
                               make one with `moodle-management secret keygen`";

/// Is this text a sealed value (`enc:…`)? Says nothing about whether it opens.
pub fn is_sealed(text: &str) -> bool {
    text.trim_start().starts_with(SEALED_PREFIX)
}

/// A key's short public name: the first 4 bytes of SHA-256 of the key, shown as 8 hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId([u8; 4]);

impl KeyId {
    fn of(key: &[u8; KEY_LEN]) -> KeyId {
        let digest = Sha256::digest(key);
        KeyId([digest[0], digest[1], digest[2], digest[3]])
    }

    /// `1a2b3c4d` → the id (exactly 8 hex digits, either case).
    pub fn parse(text: &str) -> Option<KeyId> {
        if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let mut out = [0u8; 4];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(KeyId(out))
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

/// Why a key's text was refused. Never quotes the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the key is empty: {HOW_TO_MAKE_ONE}")]
    Empty,
    #[error("the key is neither base64 nor hex text: {HOW_TO_MAKE_ONE}")]
    NotText,
    #[error("the key is {len} bytes long, not 32: {HOW_TO_MAKE_ONE}")]
    WrongLength { len: usize },
    #[error("the key does not look random ({distinct} distinct byte values in 32): {HOW_TO_MAKE_ONE}")]
    NotRandom { distinct: usize },
}

/// Why a sealed value was refused. Never quotes the value or the plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("not a sealed value (it does not start with `enc:`)")]
    NotSealed,
    #[error(
        "sealed in format `{version}`, which this version of moodle-management cannot open (it reads v1): \
         upgrade moodle-management, or seal the secret again with `moodle-management secret seal`"
    )]
    UnknownVersion { version: String },
    #[error(
        "malformed sealed value ({reason}): expected `enc:v1:<key id>:<data>` as printed by \
         `moodle-management secret seal`, on one line and complete"
    )]
    Malformed { reason: &'static str },
    #[error(
        "sealed with key {sealed_with}, but the key given is {given}: give the key it was sealed with, or \
         re-seal under the current key with `moodle-management secret rotate`"
    )]
    WrongKey { sealed_with: KeyId, given: KeyId },
    #[error(
        "cannot be opened with key {key} although it names that key: the sealed text was altered or \
         truncated; seal the secret again with `moodle-management secret seal`"
    )]
    Tampered { key: KeyId },
    #[error("the opened secret is not UTF-8 text")]
    NotUtf8,
    #[error("the secret is too long to seal")]
    TooLong,
}

/// The parts of a sealed value, before opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedHeader {
    pub version: String,
    pub key_id: KeyId,
}

/// Reads the version and key id of a sealed value without opening it (to say which key it
/// needs).
pub fn sealed_header(text: &str) -> Result<SealedHeader, SealError> {
    split(text).map(|(h, _)| h)
}

fn split(text: &str) -> Result<(SealedHeader, &str), SealError> {
    let text = text.trim();
    let rest = text.strip_prefix(SEALED_PREFIX).ok_or(SealError::NotSealed)?;
    let (version, rest) = rest
        .split_once(':')
        .ok_or(SealError::Malformed { reason: "no version" })?;
    if version != CURRENT_VERSION {
        let shown: String = version
            .chars()
            .take(12)
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '?' })
            .collect();
        return Err(SealError::UnknownVersion { version: shown });
    }
    let (id, data) = rest
        .split_once(':')
        .ok_or(SealError::Malformed { reason: "no key id" })?;
    let key_id = KeyId::parse(id).ok_or(SealError::Malformed {
        reason: "the key id is not 8 hex digits",
    })?;
    Ok((
        SealedHeader {
            version: version.to_string(),
            key_id,
        },
        data,
    ))
}

fn associated_data(key_id: KeyId) -> String {
    format!("{SEALED_PREFIX}{CURRENT_VERSION}:{key_id}")
}

/// A 32-byte key for sealing and opening secrets. Its bytes are zeroized when dropped; its
/// `Debug` shows only its id.
pub struct SecretKey {
    bytes: SecretBox<[u8; KEY_LEN]>,
    id: KeyId,
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey(id {})", self.id)
    }
}

impl SecretKey {
    /// A new key from the operating system's random source.
    pub fn generate() -> SecretKey {
        let bytes = SecretBox::init_with_mut(|b: &mut [u8; KEY_LEN]| rand::rngs::OsRng.fill_bytes(b));
        let id = KeyId::of(bytes.expose_secret());
        SecretKey { bytes, id }
    }

    /// A key written as base64 (standard or URL-safe alphabet, padding optional) or as 64 hex
    /// digits; surrounding whitespace is ignored. Refuses anything but 32 bytes, and 32 bytes
    /// that are evidently not random.
    pub fn parse(text: &str) -> Result<SecretKey, KeyError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(KeyError::Empty);
        }
        let mut decoded = Zeroizing::new(Vec::with_capacity(48));
        if text.len() == 2 * KEY_LEN && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            for pair in text.as_bytes().chunks(2) {
                let hi = hex_value(pair[0]).ok_or(KeyError::NotText)?;
                let lo = hex_value(pair[1]).ok_or(KeyError::NotText)?;
                decoded.push(hi << 4 | lo);
            }
        } else {
            let config = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
            let url_safe = text.contains(['-', '_']);
            let engine = GeneralPurpose::new(
                if url_safe {
                    &alphabet::URL_SAFE
                } else {
                    &alphabet::STANDARD
                },
                config,
            );
            engine
                .decode_vec(text.as_bytes(), &mut decoded)
                .map_err(|_| KeyError::NotText)?;
        }
        if decoded.len() != KEY_LEN {
            return Err(KeyError::WrongLength { len: decoded.len() });
        }
        let mut seen = [false; 256];
        for &b in decoded.iter() {
            seen[usize::from(b)] = true;
        }
        let distinct = seen.iter().filter(|s| **s).count();
        if distinct < MIN_DISTINCT_BYTES {
            return Err(KeyError::NotRandom { distinct });
        }
        let bytes = SecretBox::init_with_mut(|b: &mut [u8; KEY_LEN]| b.copy_from_slice(&decoded));
        let id = KeyId::of(bytes.expose_secret());
        Ok(SecretKey { bytes, id })
    }

    /// The key's public name, as written in the values it seals.
    pub fn id(&self) -> KeyId {
        self.id
    }

    /// The key as standard base64 text (what `secret keygen` prints and [`SecretKey::parse`]
    /// reads).
    pub fn to_base64(&self) -> SecretString {
        SecretString::from(STANDARD.encode(self.bytes.expose_secret()))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.bytes.expose_secret().into())
    }

    /// Seals `plaintext`: `enc:v1:<key id>:<data>`, different at every call (random nonce).
    pub fn seal(&self, plaintext: &str) -> Result<String, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let aad = associated_data(self.id);
        let ciphertext = self
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| SealError::TooLong)?;
        let mut data = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        data.extend_from_slice(&nonce);
        data.extend_from_slice(&ciphertext);
        Ok(format!("{aad}:{}", URL_SAFE_NO_PAD.encode(&data)))
    }

    /// Opens a value sealed by [`SecretKey::seal`] with this key.
    pub fn open(&self, sealed: &str) -> Result<SecretString, SealError> {
        let (header, data) = split(sealed)?;
        if header.key_id != self.id {
            return Err(SealError::WrongKey {
                sealed_with: header.key_id,
                given: self.id,
            });
        }
        let data = URL_SAFE_NO_PAD.decode(data).map_err(|_| SealError::Malformed {
            reason: "the data is not URL-safe base64: altered or truncated",
        })?;
        if data.len() < NONCE_LEN + TAG_LEN {
            return Err(SealError::Malformed {
                reason: "the data is truncated",
            });
        }
        let (nonce, ciphertext) = data.split_at(NONCE_LEN);
        let aad = associated_data(self.id);
        let plaintext = Zeroizing::new(
            self.cipher()
                .decrypt(
                    XNonce::from_slice(nonce),
                    Payload {
                        msg: ciphertext,
                        aad: aad.as_bytes(),
                    },
                )
                .map_err(|_| SealError::Tampered { key: self.id })?,
        );
        let text = std::str::from_utf8(&plaintext).map_err(|_| SealError::NotUtf8)?;
        Ok(SecretString::from(text))
    }
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SecretKey {
        SecretKey::generate()
    }

    #[test]
    fn seal_then_open_gives_the_secret_back() {
        let k = key();
        let long = "x".repeat(4096);
        for secret in [
            "t0k3n",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "",
            "é ünïcødé ✓",
            long.as_str(),
        ] {
            let sealed = k.seal(secret).unwrap();
            assert!(is_sealed(&sealed));
            assert!(sealed.starts_with(&format!("enc:v1:{}:", k.id())), "{sealed}");
            if (1..100).contains(&secret.len()) {
                assert!(!sealed.contains(secret), "{sealed}");
            }
            assert_eq!(k.open(&sealed).unwrap().expose_secret(), secret);
            // Whitespace around it (a pasted line) is fine.
            assert_eq!(k.open(&format!("  {sealed}\n")).unwrap().expose_secret(), secret);
        }
    }

    #[test]
    fn each_seal_uses_a_new_nonce() {
        let k = key();
        assert_ne!(k.seal("same").unwrap(), k.seal("same").unwrap());
    }

    #[test]
    fn a_wrong_key_is_named_as_such() {
        let (a, b) = (key(), key());
        let sealed = a.seal("secret").unwrap();
        let err = b.open(&sealed).unwrap_err();
        assert_eq!(
            err,
            SealError::WrongKey {
                sealed_with: a.id(),
                given: b.id()
            }
        );
        let text = err.to_string();
        assert!(text.contains(&a.id().to_string()) && text.contains(&b.id().to_string()));
        assert!(text.contains("secret rotate"), "{text}");
    }

    #[test]
    fn any_altered_character_is_refused() {
        let k = key();
        let sealed = k.seal("a secret worth altering").unwrap();
        let data_start = sealed.rfind(':').unwrap() + 1;
        for i in data_start..sealed.len() {
            let mut bytes = sealed.clone().into_bytes();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let altered = String::from_utf8(bytes).unwrap();
            match k.open(&altered) {
                Err(SealError::Tampered { .. }) | Err(SealError::Malformed { .. }) => {}
                other => panic!("altered at {i}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_key_id_in_the_text_is_authenticated() {
        // Claiming another key id gives "wrong key", never a silent open.
        let k = key();
        let sealed = k.seal("x").unwrap();
        let relabelled = sealed.replacen(&k.id().to_string(), "00000000", 1);
        assert!(matches!(k.open(&relabelled), Err(SealError::WrongKey { .. })));
    }

    #[test]
    fn truncated_and_malformed_texts_are_refused() {
        let k = key();
        let sealed = k.seal("a secret").unwrap();
        for cut in [4, 6, 7, 10, 15, 16, 20, sealed.len() - 1, sealed.len() - 10] {
            let err = k.open(&sealed[..cut]).unwrap_err();
            assert!(
                matches!(err, SealError::Malformed { .. } | SealError::Tampered { .. }),
                "cut at {cut}: {err:?}"
            );
        }
        assert_eq!(k.open("plain").unwrap_err(), SealError::NotSealed);
        assert!(matches!(
            k.open(&format!("enc:v1:{}:!!!", k.id())),
            Err(SealError::Malformed { .. })
        ));
        assert!(matches!(
            k.open(&format!("enc:v1:{}:", k.id())),
            Err(SealError::Malformed { .. })
        ));
    }

    #[test]
    fn unknown_versions_are_named() {
        let k = key();
        let sealed = k.seal("x").unwrap().replacen("enc:v1:", "enc:v9:", 1);
        let err = k.open(&sealed).unwrap_err();
        assert_eq!(err, SealError::UnknownVersion { version: "v9".into() });
        assert!(err.to_string().contains("v9"));
        assert!(sealed_header(&sealed).is_err());
    }

    #[test]
    fn the_header_names_the_key_without_opening() {
        let k = key();
        let h = sealed_header(&k.seal("x").unwrap()).unwrap();
        assert_eq!(h.key_id, k.id());
        assert_eq!(h.version, "v1");
    }

    #[test]
    fn keys_parse_from_base64_and_hex_and_round_trip() {
        let k = key();
        let b64 = k.to_base64();
        assert_eq!(b64.expose_secret().len(), 44);
        let again = SecretKey::parse(b64.expose_secret()).unwrap();
        assert_eq!(again.id(), k.id());
        let raw = STANDARD.decode(b64.expose_secret()).unwrap();
        let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(SecretKey::parse(&hex).unwrap().id(), k.id());
        assert_eq!(SecretKey::parse(&hex.to_uppercase()).unwrap().id(), k.id());
        let url = URL_SAFE_NO_PAD.encode(&raw);
        assert_eq!(SecretKey::parse(&format!("{url}\n")).unwrap().id(), k.id());
        // A value sealed under the parsed key opens with the original one.
        assert_eq!(k.open(&again.seal("s").unwrap()).unwrap().expose_secret(), "s");
    }

    #[test]
    fn short_malformed_and_non_random_keys_are_refused() {
        assert_eq!(SecretKey::parse("  ").unwrap_err(), KeyError::Empty);
        assert_eq!(SecretKey::parse("not a key!").unwrap_err(), KeyError::NotText);
        let short = STANDARD.encode([7u8; 16]);
        assert_eq!(SecretKey::parse(&short).unwrap_err(), KeyError::WrongLength { len: 16 });
        let long = STANDARD.encode((0u8..48).collect::<Vec<_>>());
        assert_eq!(SecretKey::parse(&long).unwrap_err(), KeyError::WrongLength { len: 48 });
        assert_eq!(
            SecretKey::parse(&"0".repeat(64)).unwrap_err(),
            KeyError::NotRandom { distinct: 1 }
        );
        let password = STANDARD.encode(b"passwordpasswordpasswordpassword");
        assert!(matches!(
            SecretKey::parse(&password).unwrap_err(),
            KeyError::NotRandom { .. }
        ));
        for e in [KeyError::Empty, KeyError::NotText, KeyError::WrongLength { len: 3 }] {
            assert!(e.to_string().contains("secret keygen"), "{e}");
        }
    }

    #[test]
    fn debug_shows_no_key_and_no_plaintext() {
        let k = key();
        let b64 = k.to_base64();
        let shown = format!("{k:?}");
        assert!(!shown.contains(b64.expose_secret()), "{shown}");
        assert!(shown.contains(&k.id().to_string()));
        let opened = k.open(&k.seal("plaintext-42").unwrap()).unwrap();
        assert!(!format!("{opened:?}").contains("plaintext-42"));
    }

    #[test]
    fn key_ids_are_8_hex_digits_of_sha256() {
        let raw: Vec<u8> = (1u8..=32).collect();
        let k = SecretKey::parse(&STANDARD.encode(&raw)).unwrap();
        let digest = Sha256::digest(&raw);
        let want: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(k.id().to_string(), want);
        assert_eq!(KeyId::parse(&want), Some(k.id()));
        assert_eq!(KeyId::parse("xyz"), None);
        assert_eq!(KeyId::parse("1234567g"), None);
    }
}
