//! The PDF seal: one comment line appended after the rendered PDF, so a file can be checked
//! offline against the published keys.
//!
//! ```text
//! <pdf bytes>\n%MM-SEAL-1 <token> <b64url(seal signature)>\n
//! seal signature = Ed25519( "MM-SEAL-1\0" || SHA-256(<pdf bytes>) || SHA-256(canonical payload) )
//! ```
//!
//! PDF readers stop at the last `%%EOF` and ignore a trailing comment, so a sealed file still
//! opens and prints. The seal covers every byte before its line and the certificate it
//! claims to be (its code among the rest), so neither can be swapped for another.

use sha2::{Digest as _, Sha256};

use crate::encoding::{b64url, b64url_decode};
use crate::key::{KeySet, SigningKey};
use crate::payload::CertificatePayload;
use crate::token::{SignedPayload, VerifyError, sign};

/// The line's marker; the preceding newline is part of the seal, not of the PDF.
const MARKER: &[u8] = b"\n%MM-SEAL-1 ";
/// Domain separation: these bytes start no canonical payload (`{`) and no JWS input (`ey`).
const DOMAIN: &[u8] = b"MM-SEAL-1\0";

/// What a file's seal says about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PdfCheck {
    /// Unchanged since it was sealed, by a key of the set.
    Valid(CertificatePayload),
    /// Changed after sealing. `claimed` is the certificate the seal names when the seal's own
    /// token is intact (the PDF bytes changed), `None` when the token was edited too.
    Altered { claimed: Option<CertificatePayload> },
    /// Sealed with a key that is not in the set (the `kid`).
    UnknownKey(String),
    /// No seal line at the end of the file.
    NotSealed,
    /// A seal line that cannot be read; the reason.
    Malformed(String),
}

/// Appends the seal line to `pdf`. The line's token is `sign(key, payload)`: the same as
/// `signed`'s when `key` made it (Ed25519 is deterministic), and verifiable in any case.
pub fn seal_pdf(pdf: &[u8], key: &SigningKey, signed: &SignedPayload) -> Vec<u8> {
    let token = sign(key, signed.payload.clone());
    let seal = key.sign_bytes(&seal_message(pdf, &token.payload));
    let mut sealed = Vec::with_capacity(pdf.len() + 512);
    sealed.extend_from_slice(pdf);
    sealed.extend_from_slice(MARKER);
    sealed.extend_from_slice(token.token().as_bytes());
    sealed.push(b' ');
    sealed.extend_from_slice(b64url(&seal).as_bytes());
    sealed.push(b'\n');
    sealed
}

/// Checks a file's seal against the key set.
pub fn check_pdf(bytes: &[u8], keys: &KeySet) -> PdfCheck {
    let Some(start) = bytes.windows(MARKER.len()).rposition(|window| window == MARKER) else {
        return PdfCheck::NotSealed;
    };
    let (pdf, line) = bytes.split_at(start);
    let (signed, seal) = match read_line(&line[MARKER.len()..]) {
        Ok(parts) => parts,
        Err(problem) => return PdfCheck::Malformed(problem),
    };
    match signed.verify(keys) {
        Err(VerifyError::UnknownKey { kid }) => return PdfCheck::UnknownKey(kid),
        Err(_) => return PdfCheck::Altered { claimed: None },
        Ok(()) => {}
    }
    // verify() found the key; look it up again rather than thread it through.
    let intact = keys
        .get(&signed.kid)
        .is_some_and(|key| key.verifies(&seal_message(pdf, &signed.payload), &seal));
    if intact {
        PdfCheck::Valid(signed.payload)
    } else {
        PdfCheck::Altered {
            claimed: Some(signed.payload),
        }
    }
}

/// The seal line after its marker: `<token> <seal>\n` and nothing else.
fn read_line(rest: &[u8]) -> Result<(SignedPayload, [u8; 64]), String> {
    let Some(body) = rest.strip_suffix(b"\n") else {
        return Err("the seal line does not end the file with a newline".to_owned());
    };
    let body = std::str::from_utf8(body).map_err(|_| "the seal line is not text".to_owned())?;
    let Some((token, seal)) = body.split_once(' ') else {
        return Err("the seal line has no signature after its token".to_owned());
    };
    let signed = SignedPayload::parse_token(token).map_err(|error| error.to_string())?;
    let seal = b64url_decode(seal)
        .and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
        .ok_or_else(|| "the seal signature is not 64 bytes of base64url".to_owned())?;
    Ok((signed, seal))
}

fn seal_message(pdf: &[u8], payload: &CertificatePayload) -> Vec<u8> {
    let mut message = Vec::with_capacity(DOMAIN.len() + 64);
    message.extend_from_slice(DOMAIN);
    message.extend_from_slice(&Sha256::digest(pdf));
    message.extend_from_slice(&Sha256::digest(payload.canonical()));
    message
}

/// Lowercase hex SHA-256, e.g. to record a rendered PDF's digest.
pub fn sha256_hex(bytes: &[u8]) -> String {
    crate::encoding::hex(&Sha256::digest(bytes))
}
