//! From a stored certificate to the PDF the learner gets: the texts in their language, the
//! template of its course, the QR of its verification URL; sealed and kept content-addressed.

use crate::config::{CertificatesConfig, TemplateConfig};
use crate::engine::Engine;
use anyhow::{Context, anyhow};
use mm_core::Timestamp;
use mm_credential::SignedPayload;
use mm_i18n::{Locale, format_date, text};
use mm_pdf::{CertificateDocument, CertificateTexts, Image, Template};
use mm_store::{CertificateRow, TemplateOverride};
use std::path::{Path, PathBuf};

/// The locale a certificate was issued in (stored as its tag), else the fallback.
pub fn locale_of(tag: &str) -> Locale {
    tag.parse().unwrap_or(Locale::FALLBACK)
}

/// The fixed wording of a certificate in `locale` (public for `bench certificates`, which
/// renders what the engine renders).
pub fn certificate_texts(locale: Locale) -> CertificateTexts {
    let t = |key: &str| text(locale, key, &[]);
    CertificateTexts {
        title: t("cert-title"),
        certifies_that: t("cert-certifies-that"),
        has_completed: t("cert-has-completed"),
        completed_on: t("cert-completed-on"),
        issued_on: t("cert-issued-on"),
        valid_until: t("cert-valid-until"),
        number: t("cert-number"),
        verify: t("cert-verify"),
    }
}

/// The hours line as printed: "20 hours of training".
pub fn hours_line(locale: Locale, hours: &str) -> String {
    text(locale, "cert-hours", &[("hours", hours)])
}

/// The template of a certificate's course over the global one (config.toml's `[certificates]`,
/// then what the admin set in the editor for what it leaves open), with its images read.
pub(crate) fn template(
    config: &CertificatesConfig,
    edited: &TemplateOverride,
    site: &str,
    course: &str,
) -> anyhow::Result<Template> {
    let global = super::template::as_config(edited).overlaid(&config.template);
    let merged: TemplateConfig = match config.course(site, course) {
        Some(rule) => global.overlaid(&rule.template),
        None => global,
    };
    build_template(merged)
}

/// The template `merged` says, with its images read and its colours parsed.
pub(crate) fn build_template(merged: TemplateConfig) -> anyhow::Result<Template> {
    let mut t = Template::default();
    if let Some(c) = &merged.primary_colour {
        t.primary = c.parse().map_err(|e| anyhow!("[certificates] primary_colour: {e}"))?;
    }
    if let Some(c) = &merged.accent_colour {
        t.accent = c.parse().map_err(|e| anyhow!("[certificates] accent_colour: {e}"))?;
    }
    t.logo = merged.logo.as_deref().map(|p| image("logo", p)).transpose()?;
    t.signature = merged.signature.as_deref().map(|p| image("signature", p)).transpose()?;
    t.signatory_name = merged.signatory_name;
    t.signatory_title = merged.signatory_title;
    t.footer = merged.footer;
    Ok(t)
}

fn image(key: &str, path: &Path) -> anyhow::Result<Image> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("[certificates] {key}: cannot read {}; fix the path", path.display()))?;
    Image::from_bytes(bytes).map_err(|e| anyhow!("[certificates] {key} {}: {e}", path.display()))
}

fn date(locale: Locale, t: Timestamp) -> String {
    format_date(locale, t.0)
}

impl Engine {
    /// The verification URL printed as a QR code: it carries the signed payload.
    pub fn verification_url(&self, signed: &SignedPayload) -> String {
        mm_credential::verification_url(self.config.public_url.as_str(), signed)
    }

    /// The document of a stored certificate, with the template the admin edited.
    pub(crate) fn certificate_document(
        &self,
        row: &CertificateRow,
        edited: &TemplateOverride,
    ) -> anyhow::Result<CertificateDocument> {
        let c = &row.cert;
        let locale = locale_of(&c.lang);
        let signed = SignedPayload::parse_token(&c.token).map_err(|e| anyhow!("certificate {}: {e}", c.number))?;
        let config = &self.config.certificates;
        Ok(CertificateDocument {
            lang: locale.tag().to_string(),
            number: c.number.clone(),
            learner_name: c.learner_name.clone(),
            course_name: c.course_name.clone(),
            hours: c.hours.as_deref().map(|h| hours_line(locale, h)),
            completed_on: date(locale, c.completed_at),
            issued_on: date(locale, c.issued_at),
            valid_until: c.valid_until.map(|t| date(locale, t)),
            version: c.version,
            issuer: config.issuer.clone(),
            verify_url: self.verification_url(&signed),
            texts: certificate_texts(locale),
            template: template(config, edited, &c.key.site, &c.key.course.to_string())?,
        })
    }

    /// Renders, seals and stores a certificate's PDF (content-addressed) and records its hash.
    /// Returns the sealed bytes.
    pub(crate) async fn render_certificate(&self, row: &CertificateRow) -> anyhow::Result<Vec<u8>> {
        let keys = self.certificate_keys().await?;
        let key = keys.by_kid(&row.cert.kid).ok_or_else(|| {
            anyhow!(
                "certificate {}: its signing key {} is gone",
                row.cert.number,
                row.cert.kid
            )
        })?;
        let signed = SignedPayload::parse_token(&row.cert.token).map_err(|e| anyhow!("{e}"))?;
        let doc = self.certificate_document(row, &self.store.certificate_template().await?)?;
        let renderer = self.certs.renderer()?;
        let pdf = tokio::task::spawn_blocking(move || renderer.pdf(&doc))
            .await
            .context("the renderer stopped")?
            .with_context(|| format!("rendering certificate {}", row.cert.number))?;
        let sealed = mm_credential::seal_pdf(&pdf, key, &signed);
        let sha = mm_credential::sha256_hex(&sealed);
        let path = self.certificate_path(&sha);
        write_atomically(&path, &sealed).await?;
        let size = i64::try_from(sealed.len()).unwrap_or(i64::MAX);
        self.store.set_certificate_file(&row.cert.code, &sha, size).await?;
        Ok(sealed)
    }

    /// Where the PDF of this hash is kept: `<dir>/ab/abcdef….pdf`.
    pub(crate) fn certificate_path(&self, sha256: &str) -> PathBuf {
        let dir = &self.config.certificates.dir;
        dir.join(sha256.get(..2).unwrap_or("00")).join(format!("{sha256}.pdf"))
    }

    /// The sealed PDF of a certificate: from disk, rendered again if it is missing or was
    /// altered there (its hash no longer matches).
    pub async fn certificate_pdf(&self, row: &CertificateRow) -> anyhow::Result<Vec<u8>> {
        if let Some(sha) = &row.sha256
            && let Ok(bytes) = tokio::fs::read(self.certificate_path(sha)).await
            && mm_credential::sha256_hex(&bytes) == *sha
        {
            return Ok(bytes);
        }
        self.render_certificate(row).await
    }

    /// The first page as PNG, for the public verification page: rendered once per issued
    /// PDF and kept beside it (`<sha256>.png`), since the page is public and rendering is not
    /// cheap.
    pub async fn certificate_png(&self, row: &CertificateRow) -> anyhow::Result<Vec<u8>> {
        let cached = row
            .sha256
            .as_deref()
            .map(|sha| self.certificate_path(sha).with_extension("png"));
        if let Some(path) = &cached
            && let Ok(png) = tokio::fs::read(path).await
        {
            return Ok(png);
        }
        let doc = self.certificate_document(row, &self.store.certificate_template().await?)?;
        let renderer = self.certs.renderer()?;
        let png = tokio::task::spawn_blocking(move || renderer.png(&doc, 1.0))
            .await
            .context("the renderer stopped")?
            .with_context(|| format!("rendering certificate {}", row.cert.number))?;
        if let Some(path) = &cached {
            write_atomically(path, &png).await?;
        }
        Ok(png)
    }
}

/// Writes through a temporary file and a rename, so a crash never leaves half a PDF under its
/// hash.
async fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| anyhow!("{} has no folder", path.display()))?;
    tokio::fs::create_dir_all(dir)
        .await
        .with_context(|| format!("[certificates] dir: cannot create {}", dir.display()))?;
    let tmp = dir.join(format!(".{}.tmp", rand::random::<u64>()));
    tokio::fs::write(&tmp, bytes)
        .await
        .with_context(|| format!("[certificates] dir: cannot write {}", tmp.display()))?;
    tokio::fs::rename(&tmp, path)
        .await
        .with_context(|| format!("[certificates] dir: cannot write {}", path.display()))?;
    Ok(())
}
