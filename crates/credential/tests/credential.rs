//! The crate's contract from the outside: round trips, and every kind of tampering caught.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use std::collections::HashSet;

use mm_credential::*;
use proptest::prelude::*;
use serde_json::Value;

fn payload(code: &str) -> CertificatePayload {
    CertificatePayload {
        number: "2025-000123".into(),
        code: code.into(),
        learner: "María José Núñez".into(),
        course: "Prevención de riesgos laborales".into(),
        hours: Some("20".into()),
        completed_on: "2025-03-01".into(),
        issued_on: "2025-03-02".into(),
        valid_until: None,
        version: 1,
        issuer: "Academia Ejemplo S.L.".into(),
    }
}

/// A small PDF-like blob; the seal treats the rendered file as opaque bytes.
fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn issuer() -> Issuer {
    Issuer {
        id: "https://certs.example.org".into(),
        name: "Academia Ejemplo".into(),
        url: "https://example.org".into(),
    }
}

#[test]
fn token_round_trips_and_verifies() {
    let key = SigningKey::generate();
    let signed = sign(&key, payload(&random_code()));
    let parsed = SignedPayload::parse_token(&signed.token()).unwrap();
    assert_eq!(parsed, signed);
    parsed.verify(&KeySet::new(vec![key.public()])).unwrap();
}

#[test]
fn token_with_an_edited_payload_fails() {
    let key = SigningKey::generate();
    let keys = KeySet::new(vec![key.public()]);
    let signed = sign(&key, payload("code"));
    let mut forged = signed.clone();
    forged.payload.hours = Some("200".into());
    assert_eq!(forged.verify(&keys), Err(VerifyError::BadSignature));
    // The same edit made in the token text.
    let reparsed = SignedPayload::parse_token(&forged.token()).unwrap();
    assert_eq!(reparsed.verify(&keys).unwrap_err().code(), "signature_invalid");
}

#[test]
fn token_from_a_key_outside_the_set_is_unknown() {
    let signer = SigningKey::generate();
    let other = SigningKey::generate();
    let signed = sign(&signer, payload("code"));
    assert_eq!(
        signed.verify(&KeySet::new(vec![other.public()])),
        Err(VerifyError::UnknownKey {
            kid: signer.kid().to_owned()
        })
    );
}

#[test]
fn malformed_tokens_are_refused_with_a_reason() {
    let key = SigningKey::generate();
    let token = sign(&key, payload("code")).token();
    let parts: Vec<&str> = token.split('.').collect();
    for bad in [
        String::new(),
        parts[..2].join("."),
        format!("{token}.x"),
        format!("{}.{}.{}", parts[0], "bad kid", parts[2]),
        format!("{}.{}.{}", parts[0], parts[1], &parts[2][..20]),
        format!("{}=.{}.{}", parts[0], parts[1], parts[2]),
    ] {
        assert_eq!(
            SignedPayload::parse_token(&bad).unwrap_err().code(),
            "token_malformed",
            "{bad}"
        );
    }
}

#[test]
fn verification_url_has_the_code_and_a_url_safe_token() {
    let key = SigningKey::generate();
    let code = random_code();
    let signed = sign(&key, payload(&code));
    let with_slash = verification_url("https://certs.example.org/", &signed);
    let without = verification_url("https://certs.example.org", &signed);
    assert_eq!(with_slash, without);
    let prefix = format!("https://certs.example.org/verify/{code}?t=");
    let token = with_slash.strip_prefix(&prefix).unwrap();
    assert!(
        token.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
        "{token}"
    );
    assert_eq!(SignedPayload::parse_token(token).unwrap(), signed);
}

#[test]
fn secret_bytes_restore_the_same_key() {
    let key = SigningKey::generate();
    let restored = SigningKey::from_bytes(&key.secret_bytes()).unwrap();
    assert_eq!(restored.kid(), key.kid());
    // Same key, same (deterministic) signature.
    assert_eq!(sign(&restored, payload("c")), sign(&key, payload("c")));
}

#[test]
fn jwks_round_trips_and_keeps_old_keys() {
    let old = SigningKey::generate();
    let current = SigningKey::generate();
    let keys = KeySet::new(vec![current.public(), old.public(), current.public()]);
    assert_eq!(keys.keys().len(), 2);
    let text = keys.to_jwks().to_string();
    let read = KeySet::from_jwks(&text).unwrap();
    assert_eq!(read, keys);
    let old_certificate = sign(&old, payload("old"));
    old_certificate.verify(&read).unwrap();
    let jwk = &keys.to_jwks()["keys"][0];
    assert_eq!(jwk["kty"], "OKP");
    assert_eq!(jwk["crv"], "Ed25519");
    assert_eq!(jwk["alg"], "EdDSA");
    assert_eq!(jwk["use"], "sig");
    assert_eq!(jwk["kid"], current.kid());
}

#[test]
fn jwks_refuses_edited_keys_and_skips_foreign_ones() {
    let key = SigningKey::generate();
    let mut jwks = KeySet::new(vec![key.public()]).to_jwks();
    jwks["keys"][0]["kid"] = Value::from("not-the-thumbprint");
    assert_eq!(
        KeySet::from_jwks(&jwks.to_string()).unwrap_err().code(),
        "jwk_kid_mismatch"
    );

    let mut with_private = KeySet::new(vec![key.public()]).to_jwks();
    with_private["keys"][0]["d"] = Value::from("secret");
    assert_eq!(
        KeySet::from_jwks(&with_private.to_string()).unwrap_err().code(),
        "jwks_private_key"
    );

    let foreign = r#"{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"},{"kty":"OKP","crv":"X25519","x":"AA"}]}"#;
    assert!(KeySet::from_jwks(foreign).unwrap().is_empty());
    assert_eq!(KeySet::from_jwks("[]").unwrap_err().code(), "jwks_malformed");
}

#[test]
fn sealed_pdf_is_valid_and_starts_with_the_pdf() {
    let key = SigningKey::generate();
    let signed = sign(&key, payload("code"));
    let sealed = seal_pdf(&pdf(), &key, &signed);
    assert!(sealed.starts_with(&pdf()));
    let line = std::str::from_utf8(&sealed[pdf().len()..]).unwrap();
    assert!(line.starts_with(&format!("\n%MM-SEAL-1 {} ", signed.token())), "{line}");
    assert!(line.ends_with('\n') && line.matches('\n').count() == 2);
    assert_eq!(
        check_pdf(&sealed, &KeySet::new(vec![key.public()])),
        PdfCheck::Valid(signed.payload)
    );
}

#[test]
fn every_flipped_byte_of_the_pdf_part_is_altered() {
    let key = SigningKey::generate();
    let keys = KeySet::new(vec![key.public()]);
    let signed = sign(&key, payload("code"));
    let sealed = seal_pdf(&pdf(), &key, &signed);
    for index in 0..pdf().len() {
        let mut copy = sealed.clone();
        copy[index] ^= 0x01;
        assert_eq!(
            check_pdf(&copy, &keys),
            PdfCheck::Altered {
                claimed: Some(signed.payload.clone())
            },
            "byte {index}"
        );
    }
}

#[test]
fn removed_trailer_is_not_sealed_and_a_broken_one_is_malformed() {
    let key = SigningKey::generate();
    let keys = KeySet::new(vec![key.public()]);
    let sealed = seal_pdf(&pdf(), &key, &sign(&key, payload("code")));
    assert_eq!(check_pdf(&pdf(), &keys), PdfCheck::NotSealed);
    assert!(matches!(
        check_pdf(&sealed[..sealed.len() - 1], &keys),
        PdfCheck::Malformed(_)
    ));
    let mut no_seal = sealed.clone();
    let space = no_seal.iter().rposition(|&b| b == b' ').unwrap();
    no_seal.truncate(space);
    no_seal.push(b'\n');
    assert!(matches!(check_pdf(&no_seal, &keys), PdfCheck::Malformed(_)));
}

#[test]
fn seal_by_a_key_outside_the_set_is_unknown() {
    let signer = SigningKey::generate();
    let sealed = seal_pdf(&pdf(), &signer, &sign(&signer, payload("code")));
    let others = KeySet::new(vec![SigningKey::generate().public()]);
    assert_eq!(
        check_pdf(&sealed, &others),
        PdfCheck::UnknownKey(signer.kid().to_owned())
    );
}

#[test]
fn a_seal_moved_to_another_pdf_or_with_an_edited_token_is_altered() {
    let key = SigningKey::generate();
    let keys = KeySet::new(vec![key.public()]);
    let signed = sign(&key, payload("code"));
    let sealed = seal_pdf(&pdf(), &key, &signed);
    let line = &sealed[pdf().len()..];

    let mut other = b"%PDF-1.4\n% another certificate\n%%EOF\n".to_vec();
    other.extend_from_slice(line);
    assert_eq!(
        check_pdf(&other, &keys),
        PdfCheck::Altered {
            claimed: Some(signed.payload.clone())
        }
    );

    // A token that is validly signed but for another certificate: the seal binds the payload.
    let second = sign(&key, payload("other-code"));
    let text = String::from_utf8(sealed.clone())
        .unwrap()
        .replace(&signed.token(), &second.token());
    assert_eq!(
        check_pdf(text.as_bytes(), &keys),
        PdfCheck::Altered {
            claimed: Some(second.payload)
        }
    );

    // A forged token (edited payload, old signature): nothing it claims can be trusted.
    let mut forged = signed.clone();
    forged.payload.learner = "Someone Else".into();
    let text = String::from_utf8(sealed)
        .unwrap()
        .replace(&signed.token(), &forged.token());
    assert_eq!(check_pdf(text.as_bytes(), &keys), PdfCheck::Altered { claimed: None });
}

#[test]
fn sealing_with_another_key_than_the_signer_still_verifies() {
    let first = SigningKey::generate();
    let second = SigningKey::generate();
    let signed = sign(&first, payload("code"));
    let sealed = seal_pdf(&pdf(), &second, &signed);
    assert_eq!(
        check_pdf(&sealed, &KeySet::new(vec![second.public()])),
        PdfCheck::Valid(signed.payload)
    );
}

proptest! {
    #[test]
    fn no_single_byte_change_of_a_sealed_blob_is_valid(
        body in proptest::collection::vec(any::<u8>(), 0..256),
        position in any::<prop::sample::Index>(),
        delta in 1u8..=255,
    ) {
        let key = SigningKey::from_bytes(&[7u8; 32]).unwrap();
        let keys = KeySet::new(vec![key.public()]);
        let sealed = seal_pdf(&body, &key, &sign(&key, payload("code")));
        let mut changed = sealed.clone();
        let index = position.index(changed.len());
        changed[index] = changed[index].wrapping_add(delta);
        let verdict = check_pdf(&changed, &keys);
        prop_assert!(!matches!(verdict, PdfCheck::Valid(_)), "byte {} gave {:?}", index, verdict);
    }
}

#[test]
fn codes_are_unique_url_safe_and_carry_160_bits() {
    let codes: HashSet<String> = (0..10_000).map(|_| random_code()).collect();
    assert_eq!(codes.len(), 10_000);
    for code in &codes {
        assert_eq!(code.len(), 32);
        assert!(
            code.bytes()
                .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b)),
            "{code}"
        );
    }
    // 32 base32 characters hold 160 bits; check they are all used: every alphabet symbol
    // appears at every position somewhere across the draws.
    const { assert!(CODE_BYTES * 8 == 160) };
    for position in 0..32 {
        let symbols: HashSet<u8> = codes.iter().map(|code| code.as_bytes()[position]).collect();
        assert_eq!(symbols.len(), 32, "position {position}");
    }
}

#[test]
fn jwt_verifies_and_carries_the_open_badge() {
    let key = SigningKey::generate();
    let keys = KeySet::new(vec![key.public()]);
    let signed = sign(&key, payload(&random_code()));
    let url = verification_url("https://certs.example.org", &signed);
    let jwt = open_badge_jwt(&key, &signed, &issuer(), &url, 1_740_873_600, Some(1_803_945_600));

    let header: Value = serde_json::from_slice(&b64(jwt.split('.').next().unwrap())).unwrap();
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(header["typ"], "JWT");
    assert_eq!(
        header["kid"],
        format!(
            "https://certs.example.org/.well-known/moodle-management/keys.json#{}",
            key.kid()
        )
    );

    let claims = verify_jwt(&jwt, &keys).unwrap();
    assert_eq!(claims["iss"], "https://certs.example.org");
    assert_eq!(claims["jti"], url.as_str());
    assert_eq!(claims["nbf"], 1_740_873_600);
    assert_eq!(claims["iat"], 1_740_873_600);
    assert_eq!(claims["exp"], 1_803_945_600);
    let vc = &claims["vc"];
    assert_eq!(
        vc["type"],
        serde_json::json!(["VerifiableCredential", "OpenBadgeCredential"])
    );
    assert_eq!(
        vc["@context"][1],
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    );
    assert_eq!(vc["id"], url.as_str());
    assert_eq!(vc["validFrom"], "2025-03-02T00:00:00Z");
    assert_eq!(vc["validUntil"], "2027-03-02T00:00:00Z");
    assert_eq!(vc["issuer"]["name"], "Academia Ejemplo");
    assert_eq!(vc["issuer"]["type"][0], "Profile");
    let subject = &vc["credentialSubject"];
    assert_eq!(claims["sub"], subject["id"]);
    assert!(subject["id"].as_str().unwrap().starts_with("urn:uuid:"));
    assert_eq!(subject["identifier"][0]["identityHash"], "María José Núñez");
    assert_eq!(subject["achievement"]["name"], "Prevención de riesgos laborales");
    assert!(
        subject["achievement"]["description"]
            .as_str()
            .unwrap()
            .contains("20 hours")
    );
    assert!(subject["achievement"]["criteria"]["narrative"].is_string());
    assert!(!jwt.contains('@') && !claims.to_string().contains("mailto:"));
}

#[test]
fn jwt_fails_when_a_claim_is_edited_or_the_key_is_unknown() {
    let key = SigningKey::generate();
    let keys = KeySet::new(vec![key.public()]);
    let signed = sign(&key, payload("code"));
    let jwt = open_badge_jwt(
        &key,
        &signed,
        &issuer(),
        "https://certs.example.org/verify/code?t=x",
        1_000,
        None,
    );
    let parts: Vec<&str> = jwt.split('.').collect();
    let mut claims: Value = serde_json::from_slice(&b64(parts[1])).unwrap();
    assert!(claims.get("exp").is_none());
    claims["vc"]["credentialSubject"]["achievement"]["name"] = Value::from("Another course");
    let edited = format!(
        "{}.{}.{}",
        parts[0],
        b64url(&serde_json::to_vec(&claims).unwrap()),
        parts[2]
    );
    assert_eq!(verify_jwt(&edited, &keys), Err(VerifyError::BadSignature));

    let others = KeySet::new(vec![SigningKey::generate().public()]);
    assert_eq!(verify_jwt(&jwt, &others).unwrap_err().code(), "key_unknown");

    let mut header: Value = serde_json::from_slice(&b64(parts[0])).unwrap();
    header["alg"] = Value::from("none");
    let none = format!("{}.{}.", b64url(&serde_json::to_vec(&header).unwrap()), parts[1]);
    assert_eq!(verify_jwt(&none, &keys).unwrap_err().code(), "jwt_unsupported");
}

#[test]
fn jwt_validity_period_is_checked_at_a_given_time() {
    let key = SigningKey::generate();
    let keys = KeySet::new(vec![key.public()]);
    let signed = sign(&key, payload("code"));
    let jwt = open_badge_jwt(
        &key,
        &signed,
        &issuer(),
        "https://x/verify/code?t=x",
        1_000,
        Some(2_000),
    );
    assert!(verify_jwt_at(&jwt, &keys, 1_500).is_ok());
    assert_eq!(
        verify_jwt_at(&jwt, &keys, 999).unwrap_err().code(),
        "credential_not_yet_valid"
    );
    assert_eq!(
        verify_jwt_at(&jwt, &keys, 2_000).unwrap_err().code(),
        "credential_expired"
    );
}

fn b64(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).unwrap()
}

fn b64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
