//! Certificates as anyone may hand them to us: a PDF uploaded to `/verify/{code}` or given to
//! `certificate verify`, the token of a QR code, a `credential.jwt`, a `keys.json`.
//!
//! Input: `mode, body…`. `mode % 4`: 0 = the body is a file for `check_pdf` (checked against
//! our key); 1 = a token for `SignedPayload::parse_token` then `verify`; 2 = a JWT for
//! `verify_jwt`; 3 = a JWKS for `KeySet::from_jwks`. `mode & 4`: the body is appended to a
//! genuine sealed PDF instead (a seal followed by more bytes, or a second seal).
//!
//! Promises checked: nothing panics; nothing but our genuine, untouched file is `Valid`; a
//! token or JWT that verifies was signed by our key over exactly the payload it carries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mm_credential::{CertificatePayload, KeySet, PdfCheck, SignedPayload, SigningKey, sign};
use std::sync::OnceLock;

struct Fixture {
    key: SigningKey,
    keys: KeySet,
    sealed: Vec<u8>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let key = SigningKey::from_bytes(&[7u8; 32]).expect("32 bytes is a key");
        let keys = KeySet::new(vec![key.public()]);
        let payload = CertificatePayload {
            number: "MM-2026-000001".into(),
            code: "a".repeat(32),
            learner: "Luis Pérez".into(),
            course: "Python".into(),
            hours: Some("20".into()),
            completed_on: "2026-12-01".into(),
            issued_on: "2026-12-02".into(),
            valid_until: None,
            version: 1,
            issuer: "Academy".into(),
        };
        let signed = sign(&key, payload);
        let sealed = mm_credential::seal_pdf(b"%PDF-1.7\n%%EOF\n", &key, &signed);
        Fixture { key, keys, sealed }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else { return };
    let f = fixture();
    match mode % 4 {
        0 => {
            let file = if mode & 4 != 0 { [f.sealed.as_slice(), body].concat() } else { body.to_vec() };
            if let PdfCheck::Valid(_) = mm_credential::check_pdf(&file, &f.keys) {
                assert_eq!(file, f.sealed, "only the genuine file is valid");
            }
        }
        1 => {
            let Ok(text) = std::str::from_utf8(body) else { return };
            if let Ok(signed) = SignedPayload::parse_token(text) {
                if signed.verify(&f.keys).is_ok() {
                    let again = sign(&f.key, signed.payload.clone());
                    assert_eq!(again.signature, signed.signature, "a verified token is ours");
                }
            }
        }
        2 => {
            let Ok(text) = std::str::from_utf8(body) else { return };
            let _ = mm_credential::verify_jwt(text, &f.keys);
        }
        _ => {
            let Ok(text) = std::str::from_utf8(body) else { return };
            let _ = KeySet::from_jwks(text);
        }
    }
});
