//! What anyone may learn about a certificate: its standing and every printed field (the public
//! verification page, `credential.jwt`, the keys), whether an uploaded PDF is the one issued,
//! and the signed, expiring download links sent by mail.

use crate::engine::Engine;
use anyhow::anyhow;
use hmac::{Hmac, Mac};
use mm_core::{Standing, Timestamp};
use mm_credential::{Issuer, PdfCheck, SignedPayload};
use mm_store::CertificateRow;
use serde::Serialize;
use sha2::Sha256;

/// A certificate as the public verification page shows it: nothing more personal than what is
/// printed on it.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateView {
    pub code: String,
    pub number: String,
    pub learner_name: String,
    pub course_name: String,
    pub hours: Option<String>,
    pub completed_on: String,
    pub issued_on: String,
    pub valid_until: Option<String>,
    pub version: u32,
    pub issuer: String,
    pub standing: Standing,
    /// The code of the version that supersedes it, to link to.
    pub superseded_by_code: Option<String>,
    /// The stored payload's signature verifies against our keys.
    pub signature_valid: bool,
    pub verify_url: String,
}

/// Whether an uploaded PDF is the one issued.
#[derive(Debug, Clone, Serialize)]
pub struct UploadCheck {
    /// Byte for byte the issued file (SHA-256).
    pub identical: bool,
    pub sha256: String,
    /// What its seal says: `valid`, `altered`, `unknown_key`, `not_sealed`, `malformed`.
    pub seal: &'static str,
    /// The number the upload claims, when its seal can be read.
    pub claims: Option<String>,
}

impl Engine {
    /// The verification view of a code; `None` for a code we never issued.
    pub async fn certificate_view(&self, code: &str) -> anyhow::Result<Option<CertificateView>> {
        let Some(row) = self.store.certificate(code).await? else {
            return Ok(None);
        };
        let keys = self.certificate_keys().await?;
        let signed = SignedPayload::parse_token(&row.cert.token).ok();
        let signature_valid = signed.as_ref().is_some_and(|s| s.verify(&keys.public).is_ok());
        let superseded_by = match &row.superseded_by {
            Some(next) => self
                .store
                .certificate(next)
                .await?
                .map(|n| (n.cert.number, n.cert.code)),
            None => None,
        };
        let c = &row.cert;
        let standing = self.standing(&row, superseded_by.as_ref().map(|(number, _)| number.as_str()));
        Ok(Some(CertificateView {
            code: c.code.clone(),
            number: c.number.clone(),
            learner_name: c.learner_name.clone(),
            course_name: c.course_name.clone(),
            hours: c.hours.clone(),
            completed_on: c.completed_at.date(),
            issued_on: c.issued_at.date(),
            valid_until: c.valid_until.map(Timestamp::date),
            version: c.version,
            issuer: self.config.certificates.issuer.clone(),
            standing,
            superseded_by_code: superseded_by.map(|(_, code)| code),
            signature_valid,
            verify_url: signed.map(|s| self.verification_url(&s)).unwrap_or_default(),
        }))
    }

    /// How a stored certificate stands now; `superseded_by` names the version that replaces it
    /// (its number on the verification page, its code where only the standing's word is used).
    fn standing(&self, row: &CertificateRow, superseded_by: Option<&str>) -> Standing {
        Standing::of(
            row.revoked.as_ref().map(|r| (r.at, r.reason.as_str())),
            superseded_by,
            row.cert.valid_until,
            self.now(),
        )
    }

    /// The standing's word (`valid`, `revoked`, `superseded`, `expired`), for lists.
    pub fn certificate_standing(&self, row: &CertificateRow) -> &'static str {
        self.standing(row, row.superseded_by.as_deref()).code()
    }

    /// The stored row behind a public code (for the image and the download).
    pub async fn certificate_by_code(&self, code: &str) -> anyhow::Result<Option<CertificateRow>> {
        Ok(self.store.certificate(code).await?)
    }

    /// Compares an uploaded PDF with the issued one, and reads its seal.
    pub async fn check_uploaded_pdf(&self, code: &str, bytes: &[u8]) -> anyhow::Result<Option<UploadCheck>> {
        let Some(row) = self.store.certificate(code).await? else {
            return Ok(None);
        };
        // The stored hash is the issued file's; only a certificate not rendered yet needs it made.
        let issued_sha = match &row.sha256 {
            Some(sha) => sha.clone(),
            None => mm_credential::sha256_hex(&self.render_certificate(&row).await?),
        };
        let sha256 = mm_credential::sha256_hex(bytes);
        let keys = self.certificate_keys().await?;
        let (seal, claims) = match mm_credential::check_pdf(bytes, &keys.public) {
            PdfCheck::Valid(p) => ("valid", Some(p.number)),
            PdfCheck::Altered { claimed } => ("altered", claimed.map(|p| p.number)),
            PdfCheck::UnknownKey(_) => ("unknown_key", None),
            PdfCheck::NotSealed => ("not_sealed", None),
            PdfCheck::Malformed(_) => ("malformed", None),
        };
        Ok(Some(UploadCheck {
            identical: issued_sha == sha256,
            sha256,
            seal,
            claims,
        }))
    }

    /// The public keys, as `/.well-known/moodle-management/keys.json` serves them.
    pub async fn certificate_jwks(&self) -> anyhow::Result<serde_json::Value> {
        Ok(self.certificate_keys().await?.public.to_jwks())
    }

    /// The certificate as an Open Badges 3.0 credential, signed as a VC-JWT.
    pub async fn certificate_credential(&self, code: &str) -> anyhow::Result<Option<String>> {
        let Some(row) = self.store.certificate(code).await? else {
            return Ok(None);
        };
        let keys = self.certificate_keys().await?;
        let key = keys
            .by_kid(&row.cert.kid)
            .ok_or_else(|| anyhow!("certificate {}: its signing key is gone", row.cert.number))?;
        let signed = SignedPayload::parse_token(&row.cert.token).map_err(|e| anyhow!("{e}"))?;
        let base = self.config.public_url.as_str().trim_end_matches('/').to_string();
        let issuer = Issuer {
            id: base.clone(),
            name: self.config.certificates.issuer.clone(),
            url: base,
        };
        let url = self.verification_url(&signed);
        Ok(Some(mm_credential::open_badge_jwt(
            key,
            &signed,
            &issuer,
            &url,
            row.cert.issued_at.0,
            row.cert.valid_until.map(|t| t.0),
        )))
    }

    /// A download link for the mail: `/certificates/{code}/download?expires=…&sig=…`, valid
    /// for `[certificates] download_link_ttl`.
    pub async fn certificate_download_url(&self, code: &str) -> anyhow::Result<(String, Timestamp)> {
        let ttl = i64::try_from(self.config.certificates.download_link_ttl.as_secs()).unwrap_or(i64::MAX);
        let expires = self.now().plus_seconds(ttl);
        let sig = self.download_signature(code, expires).await?;
        let base = self.config.public_url.as_str().trim_end_matches('/');
        Ok((
            format!("{base}/certificates/{code}/download?expires={}&sig={sig}", expires.0),
            expires,
        ))
    }

    /// Whether a download link is ours and still valid.
    pub async fn download_link_valid(&self, code: &str, expires: i64, sig: &str) -> anyhow::Result<bool> {
        if Timestamp(expires) < self.now() {
            return Ok(false);
        }
        let expected = self.download_signature(code, Timestamp(expires)).await?;
        Ok(subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), sig.as_bytes()).into())
    }

    /// HMAC-SHA256 of the code and expiry under a key derived from the signing key's secret:
    /// no second secret to keep, and a new signing key ends the old links.
    async fn download_signature(&self, code: &str, expires: Timestamp) -> anyhow::Result<String> {
        use base64::Engine as _;
        let keys = self.certificate_keys().await?;
        let secret = keys.signing().secret_bytes();
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_slice()).map_err(|e| anyhow!("{e}"))?;
        mac.update(b"mm-download-v1\0");
        mac.update(code.as_bytes());
        mac.update(b"\0");
        mac.update(expires.0.to_string().as_bytes());
        Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
    }
}
