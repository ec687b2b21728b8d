//! `[certificates]`, `[[certificates.course]]`, `[smtp]` and the certificate keys of `[[moodle]]`
//! and `[[mapping]]` blocks.
//!
//! Per-course settings (hours, validity, revoke policy, template) may be written on a
//! `[[certificates.course]]` block or on the `[[mapping]]` that sells the course: a course sold
//! by two products still has one certificate, so both end up in one rule per (site, course).

use super::{Keyring, RawMapping, invalid, opt_duration, secret};
use crate::config::ConfigError;
use mm_core::CertificateRevokePolicy;
use secrecy::SecretString;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCertificates {
    enabled: Option<bool>,
    dir: Option<PathBuf>,
    issuer: Option<String>,
    number_prefix: Option<String>,
    default_language: Option<String>,
    valid_for: Option<String>,
    on_revoke_certificate: Option<String>,
    download_link_ttl: Option<String>,
    email: Option<bool>,
    primary_colour: Option<String>,
    accent_colour: Option<String>,
    logo: Option<PathBuf>,
    signature: Option<PathBuf>,
    signatory_name: Option<String>,
    signatory_title: Option<String>,
    footer: Option<String>,
    #[serde(default)]
    course: Vec<RawCourseCertificate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCourseCertificate {
    site: Option<String>,
    course: String,
    /// The course's name on the certificate (default: Moodle's full name).
    name: Option<String>,
    hours: Option<String>,
    valid_for: Option<String>,
    on_revoke_certificate: Option<String>,
    primary_colour: Option<String>,
    accent_colour: Option<String>,
    logo: Option<PathBuf>,
    signature: Option<PathBuf>,
    signatory_name: Option<String>,
    signatory_title: Option<String>,
    footer: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSmtp {
    url: Option<String>,
    from: Option<String>,
    password: Option<String>,
    password_file: Option<PathBuf>,
    timeout: Option<String>,
}

/// The certificate keys a `[[moodle]]` or `[[mapping]]` block may hold.
#[derive(Debug, Default, Clone)]
pub(super) struct RawCertificateKeys {
    pub on_revoke_certificate: Option<String>,
    pub valid_for: Option<String>,
    pub hours: Option<String>,
}

/// How certificates look: colours, images and the signatory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateConfig {
    pub primary_colour: Option<String>,
    pub accent_colour: Option<String>,
    /// PNG, JPEG or SVG files, read when a certificate is rendered.
    pub logo: Option<PathBuf>,
    pub signature: Option<PathBuf>,
    pub signatory_name: Option<String>,
    pub signatory_title: Option<String>,
    pub footer: Option<String>,
}

impl TemplateConfig {
    /// `self`, with what `over` sets replacing it.
    pub fn overlaid(&self, over: &TemplateConfig) -> TemplateConfig {
        TemplateConfig {
            primary_colour: over.primary_colour.clone().or_else(|| self.primary_colour.clone()),
            accent_colour: over.accent_colour.clone().or_else(|| self.accent_colour.clone()),
            logo: over.logo.clone().or_else(|| self.logo.clone()),
            signature: over.signature.clone().or_else(|| self.signature.clone()),
            signatory_name: over.signatory_name.clone().or_else(|| self.signatory_name.clone()),
            signatory_title: over.signatory_title.clone().or_else(|| self.signatory_title.clone()),
            footer: over.footer.clone().or_else(|| self.footer.clone()),
        }
    }
}

/// What one course's certificates say and how long they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseCertificate {
    /// `None`: the course of that reference on every site.
    pub site: Option<String>,
    pub course: String,
    pub name: Option<String>,
    pub hours: Option<String>,
    pub valid_for: Option<Duration>,
    pub on_revoke: Option<CertificateRevokePolicy>,
    pub template: TemplateConfig,
}

#[derive(Debug, Clone)]
pub struct CertificatesConfig {
    /// Issue certificates on completion (default true).
    pub enabled: bool,
    /// Where the PDFs are kept, content-addressed (default: `certificates` beside the SQLite
    /// database, or `data/certificates`).
    pub dir: PathBuf,
    pub issuer: String,
    pub number_prefix: String,
    /// For learners whose Moodle language is not one we have.
    pub default_language: String,
    pub valid_for: Option<Duration>,
    pub on_revoke: CertificateRevokePolicy,
    /// How long the download link in the email works.
    pub download_link_ttl: Duration,
    /// Email each certificate to its learner (needs `[smtp]`).
    pub email: bool,
    pub template: TemplateConfig,
    pub courses: Vec<CourseCertificate>,
}

impl CertificatesConfig {
    /// The rule for a course, most specific first: the site's own, then any site's.
    pub fn course(&self, site: &str, course: &str) -> Option<&CourseCertificate> {
        self.courses
            .iter()
            .find(|c| c.course == course && c.site.as_deref() == Some(site))
            .or_else(|| self.courses.iter().find(|c| c.course == course && c.site.is_none()))
    }
}

/// Where certificate mail goes out.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    /// `smtp://host:587` (STARTTLS), `smtps://user:pass@host:465`, `smtp://host:25?tls=none`.
    pub url: String,
    pub from: String,
    /// From `password`, `password_file` or `MM_SMTP_PASSWORD`, each possibly sealed.
    pub password: Option<SecretString>,
    pub timeout: Duration,
}

/// The template keys of a `[certificates]` or `[[certificates.course]]` table; image paths are
/// relative to the configuration file's folder.
macro_rules! template_of {
    ($raw:expr, $base:expr) => {
        TemplateConfig {
            primary_colour: $raw.primary_colour,
            accent_colour: $raw.accent_colour,
            logo: $raw.logo.map(|p| relative_to($base, p)),
            signature: $raw.signature.map(|p| relative_to($base, p)),
            signatory_name: $raw.signatory_name,
            signatory_title: $raw.signatory_title,
            footer: $raw.footer,
        }
    };
}

fn relative_to(base: Option<&Path>, p: PathBuf) -> PathBuf {
    match base {
        Some(b) if p.is_relative() => b.join(p),
        _ => p,
    }
}

pub(super) fn certificates(
    raw: RawCertificates,
    from_mappings: Vec<CourseCertificate>,
    public_host: &str,
    database_url: &str,
    base_dir: Option<&Path>,
) -> Result<CertificatesConfig, ConfigError> {
    let template = template_of!(raw, base_dir);
    let mut courses = Vec::new();
    for (i, c) in raw.course.into_iter().enumerate() {
        let key = format!("certificates.course[{i}]");
        courses.push(CourseCertificate {
            site: c.site,
            on_revoke: revoke(
                &format!("{key}.on_revoke_certificate"),
                c.on_revoke_certificate.as_deref(),
            )?,
            valid_for: opt_duration(&format!("{key}.valid_for"), c.valid_for.as_deref())?,
            hours: c.hours,
            name: c.name,
            template: template_of!(c, base_dir),
            course: c.course,
        });
    }
    for m in from_mappings {
        if !courses.iter().any(|c| c.course == m.course && c.site == m.site) {
            courses.push(m);
        }
    }
    let number_prefix = raw.number_prefix.unwrap_or_else(|| "MM".into());
    if number_prefix.is_empty() || !number_prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(invalid(
            "certificates.number_prefix",
            "use letters, digits and dashes only, e.g. \"ACME\"",
        ));
    }
    Ok(CertificatesConfig {
        enabled: raw.enabled.unwrap_or(true),
        dir: certificates_dir(raw.dir, database_url, base_dir),
        issuer: raw.issuer.unwrap_or_else(|| public_host.to_string()),
        number_prefix,
        default_language: raw.default_language.unwrap_or_else(|| "en-GB".into()),
        valid_for: opt_duration("certificates.valid_for", raw.valid_for.as_deref())?,
        on_revoke: revoke(
            "certificates.on_revoke_certificate",
            raw.on_revoke_certificate.as_deref(),
        )?
        .unwrap_or_default(),
        download_link_ttl: opt_duration("certificates.download_link_ttl", raw.download_link_ttl.as_deref())?
            .unwrap_or(Duration::from_secs(30 * 86_400)),
        email: raw.email.unwrap_or(true),
        template,
        courses,
    })
}

/// The certificate rule a `[[mapping]]` block's keys make for its course.
pub(super) fn mapping_rule(
    key: &str,
    site: &str,
    course: &str,
    raw: RawCertificateKeys,
) -> Result<Option<CourseCertificate>, ConfigError> {
    if raw.on_revoke_certificate.is_none() && raw.valid_for.is_none() && raw.hours.is_none() {
        return Ok(None);
    }
    Ok(Some(CourseCertificate {
        site: Some(site.to_string()),
        course: course.to_string(),
        name: None,
        hours: raw.hours,
        valid_for: opt_duration(&format!("{key}.valid_for"), raw.valid_for.as_deref())?,
        on_revoke: revoke(
            &format!("{key}.on_revoke_certificate"),
            raw.on_revoke_certificate.as_deref(),
        )?,
        template: TemplateConfig::default(),
    }))
}

/// A `[[moodle]]` block's certificate defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteCertificates {
    pub on_revoke: Option<CertificateRevokePolicy>,
    pub valid_for: Option<Duration>,
}

pub(super) fn site_certificates(key: &str, raw: RawCertificateKeys) -> Result<SiteCertificates, ConfigError> {
    Ok(SiteCertificates {
        on_revoke: revoke(
            &format!("{key}.on_revoke_certificate"),
            raw.on_revoke_certificate.as_deref(),
        )?,
        valid_for: opt_duration(&format!("{key}.valid_for"), raw.valid_for.as_deref())?,
    })
}

fn revoke(key: &str, raw: Option<&str>) -> Result<Option<CertificateRevokePolicy>, ConfigError> {
    raw.map(|r| r.parse().map_err(|e: String| invalid(key, e))).transpose()
}

/// `[certificates] dir`, relative to the configuration's folder; by default beside the SQLite
/// database, else `data/certificates`.
fn certificates_dir(dir: Option<PathBuf>, database_url: &str, base_dir: Option<&Path>) -> PathBuf {
    if let Some(dir) = dir {
        return match base_dir {
            Some(b) if dir.is_relative() => b.join(dir),
            _ => dir,
        };
    }
    {
        let sqlite_path = database_url
            .strip_prefix("sqlite://")
            .or_else(|| database_url.strip_prefix("sqlite:"))
            .map(|p| p.split('?').next().unwrap_or(p))
            .filter(|p| !p.is_empty() && !p.contains(":memory:"));
        match sqlite_path.and_then(|p| Path::new(p).parent()) {
            Some(parent) => parent.join("certificates"),
            None => PathBuf::from("data/certificates"),
        }
    }
}

pub(super) fn smtp(
    raw: Option<RawSmtp>,
    env: &dyn Fn(&str) -> Option<String>,
    keyring: &Keyring,
) -> Result<Option<SmtpConfig>, ConfigError> {
    let env_url = env("MM_SMTP_URL").filter(|v| !v.trim().is_empty());
    let raw = match (raw, env_url) {
        (None, None) => return Ok(None),
        (raw, env_url) => {
            let mut raw = raw.unwrap_or_default();
            if env_url.is_some() {
                raw.url = env_url;
            }
            raw
        }
    };
    let url = raw
        .url
        .ok_or_else(|| invalid("smtp.url", "missing: e.g. url = \"smtp://mail.example.org:587\""))?;
    let from = env("MM_SMTP_FROM")
        .or(raw.from)
        .ok_or_else(|| invalid("smtp.from", "missing: e.g. from = \"Academy <no-reply@example.org>\""))?;
    let has_password = raw.password.is_some() || raw.password_file.is_some() || env("MM_SMTP_PASSWORD").is_some();
    let password = if has_password {
        Some(secret(
            "smtp.password",
            raw.password,
            raw.password_file,
            "MM_SMTP_PASSWORD",
            env,
            keyring,
        )?)
    } else {
        None
    };
    Ok(Some(SmtpConfig {
        url,
        from,
        password,
        timeout: opt_duration("smtp.timeout", raw.timeout.as_deref())?.unwrap_or(Duration::from_secs(30)),
    }))
}

/// The certificate rules written on `[[mapping]]` blocks, one per (site, course).
pub(super) fn rules_of_mappings(raw: &[RawMapping]) -> Result<Vec<CourseCertificate>, ConfigError> {
    let mut rules: Vec<CourseCertificate> = Vec::new();
    for (i, m) in raw.iter().enumerate() {
        let keys = RawCertificateKeys {
            on_revoke_certificate: m.on_revoke_certificate.clone(),
            valid_for: m.valid_for.clone(),
            hours: m.hours.clone(),
        };
        let Some(rule) = mapping_rule(&format!("mapping[{i}]"), &m.moodle, &m.course, keys)? else {
            continue;
        };
        if let Some(other) = rules.iter().find(|r| r.site == rule.site && r.course == rule.course)
            && (other.hours != rule.hours || other.valid_for != rule.valid_for || other.on_revoke != rule.on_revoke)
        {
            return Err(invalid(
                format!("mapping[{i}]"),
                format!(
                    "course `{}` has other certificate settings on an earlier [[mapping]]: a course has one \
                     certificate, so write them once (or in a [[certificates.course]] block)",
                    rule.course
                ),
            ));
        }
        rules.push(rule);
    }
    Ok(rules)
}
