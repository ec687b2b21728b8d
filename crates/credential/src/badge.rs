//! The certificate as an Open Badges 3.0 `OpenBadgeCredential`, signed as a VC-JWT (EdDSA).
//!
//! Header `{"alg":"EdDSA","typ":"JWT","kid":"<issuer id>/.well-known/moodle-management/keys.json#<kid>"}`;
//! claims `iss` (issuer id), `sub` (the subject's id), `jti` (the verification URL, also the
//! credential's `id`), `iat` and `nbf` (issued), `exp` (valid until, if any) and `vc`.
//!
//! The learner is named only by what the certificate prints: the subject's `id` is a
//! pseudonymous `urn:uuid:` derived from the certificate, and the name is an
//! `IdentityObject` of type `name`. No email is disclosed.

use serde_json::{Map, Value, json};
use sha2::{Digest as _, Sha256};

use crate::encoding::{b64url, b64url_decode, hex};
use crate::key::{KeySet, SigningKey};
use crate::time::{date_start, rfc3339_utc};
use crate::token::{SignedPayload, VerifyError};

/// The JSON-LD contexts: VC Data Model 2.0 with the Open Badges 3.0.3 context, the pair the
/// 3.0.3 context is written for (it defines `validFrom`/`validUntil`).
pub const CONTEXTS: [&str; 2] = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
];

/// Where the key set is published, relative to the issuer's URL.
pub const JWKS_PATH: &str = "/.well-known/moodle-management/keys.json";

/// The issuing organisation, as its Open Badges `Profile`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issuer {
    /// The issuer's URL (MoodleManagement's public URL): the `iss` claim and the base of the
    /// published key set.
    pub id: String,
    pub name: String,
    /// The organisation's home page.
    pub url: String,
}

/// The URL of the published key set for an issuer id (or public base URL).
pub fn jwks_url(issuer_id: &str) -> String {
    format!("{}{JWKS_PATH}", issuer_id.trim_end_matches('/'))
}

/// The credential as a compact JWS signed by `key`.
pub fn open_badge_jwt(
    key: &SigningKey,
    signed: &SignedPayload,
    issuer: &Issuer,
    verify_url: &str,
    issued_at_unix: i64,
    valid_until_unix: Option<i64>,
) -> String {
    let header = json!({
        "alg": "EdDSA",
        "typ": "JWT",
        "kid": format!("{}#{}", jwks_url(&issuer.id), key.kid()),
    });
    let claims = claims(signed, issuer, verify_url, issued_at_unix, valid_until_unix);
    // Serialising a `Value` into memory cannot fail.
    let input = format!(
        "{}.{}",
        b64url(&serde_json::to_vec(&header).unwrap_or_default()),
        b64url(&serde_json::to_vec(&claims).unwrap_or_default())
    );
    let signature = key.sign_bytes(input.as_bytes());
    format!("{input}.{}", b64url(&signature))
}

fn claims(
    signed: &SignedPayload,
    issuer: &Issuer,
    verify_url: &str,
    issued_at: i64,
    valid_until: Option<i64>,
) -> Value {
    let certificate = &signed.payload;
    let subject_id = derived_urn("subject", &issuer.id, &certificate.code);
    let mut achievement = json!({
        "id": derived_urn("achievement", &issuer.id, &certificate.course),
        "type": ["Achievement"],
        "achievementType": "CertificateOfCompletion",
        "name": certificate.course,
        "description": description(&certificate.course, certificate.hours.as_deref()),
        "criteria": { "narrative": format!("Completed the course \"{}\".", certificate.course) },
    });
    if let (Some(hours), Some(fields)) = (&certificate.hours, achievement.as_object_mut()) {
        // OB 3.0 has no hours property; a tag keeps them machine-readable.
        fields.insert("tag".to_owned(), json!([format!("hours:{hours}")]));
    }
    let mut subject = json!({
        "id": subject_id,
        "type": ["AchievementSubject"],
        "identifier": [{
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": false,
            "identityHash": certificate.learner,
        }],
        "achievement": achievement,
    });
    if let (Some(end), Some(fields)) = (date_start(&certificate.completed_on), subject.as_object_mut()) {
        fields.insert("activityEndDate".to_owned(), json!(end));
    }
    let mut vc = json!({
        "@context": CONTEXTS,
        "id": verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.course,
        "issuer": { "id": issuer.id, "type": ["Profile"], "name": issuer.name, "url": issuer.url },
        "validFrom": rfc3339_utc(issued_at),
        "credentialSubject": subject,
    });
    let mut claims = json!({
        "iss": issuer.id,
        "sub": subject_id,
        "jti": verify_url,
        "iat": issued_at,
        "nbf": issued_at,
    });
    if let Some(until) = valid_until {
        insert(&mut vc, "validUntil", json!(rfc3339_utc(until)));
        insert(&mut claims, "exp", json!(until));
    }
    insert(&mut claims, "vc", vc);
    claims
}

fn insert(object: &mut Value, key: &str, value: Value) {
    if let Some(fields) = object.as_object_mut() {
        fields.insert(key.to_owned(), value);
    }
}

fn description(course: &str, hours: Option<&str>) -> String {
    match hours {
        Some(hours) => format!("Certificate of completion of the course \"{course}\" ({hours} hours)."),
        None => format!("Certificate of completion of the course \"{course}\"."),
    }
}

/// A stable `urn:uuid:` (RFC 9562 version 8) named by a kind and two strings: the same
/// certificate or course always gets the same id, and the id reveals neither.
fn derived_urn(kind: &str, issuer: &str, name: &str) -> String {
    let mut hasher = Sha256::new();
    for part in ["MM-URN-1", kind, issuer, name] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let mut bytes: [u8; 16] = [0; 16];
    bytes.copy_from_slice(&hasher.finalize()[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex(&bytes);
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Checks a credential JWT's signature against the key set and returns its claims. It does
/// not read a clock: check `nbf`/`exp` with [`verify_jwt_at`] or yourself.
pub fn verify_jwt(jwt: &str, keys: &KeySet) -> Result<Value, VerifyError> {
    let malformed = |problem: &str| VerifyError::JwtMalformed {
        problem: problem.to_owned(),
    };
    let mut parts = jwt.split('.');
    let (Some(header_part), Some(claims_part), Some(signature_part), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("a compact JWS has three parts separated by dots"));
    };
    let header = decode_object(header_part).ok_or_else(|| malformed("the header is not base64url JSON"))?;
    let kid_url = read_header(&header)?;
    let kid = kid_url.rsplit('#').next().unwrap_or(kid_url);
    let key = keys
        .get(kid)
        .ok_or_else(|| VerifyError::UnknownKey { kid: kid.to_owned() })?;
    let signature: [u8; 64] = b64url_decode(signature_part)
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| malformed("the signature is not 64 bytes of base64url"))?;
    let input_len = header_part.len() + 1 + claims_part.len();
    if !key.verifies(&jwt.as_bytes()[..input_len], &signature) {
        return Err(VerifyError::BadSignature);
    }
    let claims = decode_object(claims_part).ok_or_else(|| malformed("the claims are not base64url JSON"))?;
    if let Some((published_at, _)) = kid_url.rsplit_once('#') {
        let iss = claims.get("iss").and_then(Value::as_str).unwrap_or_default();
        if published_at != jwks_url(iss) {
            return Err(VerifyError::JwtIssuerMismatch {
                kid_url: kid_url.to_owned(),
                iss: iss.to_owned(),
            });
        }
    }
    Ok(Value::Object(claims))
}

/// [`verify_jwt`], then the validity period at `now_unix`.
pub fn verify_jwt_at(jwt: &str, keys: &KeySet, now_unix: i64) -> Result<Value, VerifyError> {
    let claims = verify_jwt(jwt, keys)?;
    if let Some(nbf) = claims.get("nbf").and_then(Value::as_i64)
        && now_unix < nbf
    {
        return Err(VerifyError::NotYetValid { nbf, now: now_unix });
    }
    if let Some(exp) = claims.get("exp").and_then(Value::as_i64)
        && now_unix >= exp
    {
        return Err(VerifyError::Expired { exp, now: now_unix });
    }
    Ok(claims)
}

/// The header's `kid`, once `alg`, `typ` and `crit` are ones we accept.
fn read_header(header: &Map<String, Value>) -> Result<&str, VerifyError> {
    let text = |name: &str| header.get(name).and_then(Value::as_str);
    let alg = text("alg").unwrap_or_default();
    if alg != "EdDSA" {
        return Err(VerifyError::JwtUnsupported {
            header: "alg",
            value: alg.to_owned(),
        });
    }
    if let Some(typ) = header.get("typ")
        && typ.as_str() != Some("JWT")
    {
        return Err(VerifyError::JwtUnsupported {
            header: "typ",
            value: typ.to_string(),
        });
    }
    if let Some(crit) = header.get("crit") {
        return Err(VerifyError::JwtUnsupported {
            header: "crit",
            value: crit.to_string(),
        });
    }
    text("kid").ok_or_else(|| VerifyError::JwtMalformed {
        problem: "the header has no \"kid\"".to_owned(),
    })
}

fn decode_object(part: &str) -> Option<Map<String, Value>> {
    match serde_json::from_slice(&b64url_decode(part)?).ok()? {
        Value::Object(object) => Some(object),
        _ => None,
    }
}
