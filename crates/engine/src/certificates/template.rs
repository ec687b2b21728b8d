//! The certificate template editor: config.toml's `[certificates]` keeps what it declares
//! (shown read-only), an admin sets the rest, and a preview renders a sample certificate with a
//! draft before it is saved. Saved values apply to every certificate rendered afterwards; those
//! already issued keep their PDF (their hash is what the seal covers).

use super::document::{build_template, certificate_texts, hours_line};
use crate::admin::Actor;
use crate::config::TemplateConfig;
use crate::engine::Engine;
use mm_i18n::{Locale, format_date};
use mm_pdf::{CertificateDocument, Rgb};
use mm_store::{StoreError, TemplateOverride};

/// The longest text a field takes: the layout has room for a line or two.
pub const MAX_TEXT_CHARS: usize = 200;

/// A field of the template an admin may edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateField {
    PrimaryColour,
    AccentColour,
    SignatoryName,
    SignatoryTitle,
    Footer,
}

impl TemplateField {
    pub const ALL: [TemplateField; 5] = [
        TemplateField::PrimaryColour,
        TemplateField::AccentColour,
        TemplateField::SignatoryName,
        TemplateField::SignatoryTitle,
        TemplateField::Footer,
    ];

    /// Its key, as in `[certificates]` and the form.
    pub fn as_str(self) -> &'static str {
        match self {
            TemplateField::PrimaryColour => "primary_colour",
            TemplateField::AccentColour => "accent_colour",
            TemplateField::SignatoryName => "signatory_name",
            TemplateField::SignatoryTitle => "signatory_title",
            TemplateField::Footer => "footer",
        }
    }

    pub fn is_colour(self) -> bool {
        matches!(self, TemplateField::PrimaryColour | TemplateField::AccentColour)
    }

    fn of_config(self, t: &TemplateConfig) -> Option<&String> {
        match self {
            TemplateField::PrimaryColour => t.primary_colour.as_ref(),
            TemplateField::AccentColour => t.accent_colour.as_ref(),
            TemplateField::SignatoryName => t.signatory_name.as_ref(),
            TemplateField::SignatoryTitle => t.signatory_title.as_ref(),
            TemplateField::Footer => t.footer.as_ref(),
        }
    }

    fn of_override(self, t: &TemplateOverride) -> Option<&String> {
        match self {
            TemplateField::PrimaryColour => t.primary_colour.as_ref(),
            TemplateField::AccentColour => t.accent_colour.as_ref(),
            TemplateField::SignatoryName => t.signatory_name.as_ref(),
            TemplateField::SignatoryTitle => t.signatory_title.as_ref(),
            TemplateField::Footer => t.footer.as_ref(),
        }
    }
}

/// One field as the editor shows it.
#[derive(Debug, Clone)]
pub struct TemplateFieldState {
    pub field: TemplateField,
    /// What certificates use now (config.toml's, the admin's, or empty for the default).
    pub value: String,
    /// Set in config.toml: read-only here.
    pub declared_in_config: bool,
}

/// Why a template was refused; each names the field.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("{field}: `{value}` is not a colour; write it as #rrggbb, e.g. #1f3a5f")]
    InvalidColour { field: &'static str, value: String },
    #[error("{field}: at most {MAX_TEXT_CHARS} characters fit on a certificate")]
    TooLong { field: &'static str },
    #[error("{0} is set in config.toml ([certificates]); change it there")]
    DeclaredInConfig(&'static str),
    #[error("the preview cannot be rendered: {0}")]
    Render(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl TemplateError {
    /// A stable code, for the API and the admin's translated messages.
    pub fn code(&self) -> &'static str {
        match self {
            TemplateError::InvalidColour { .. } => "invalid-colour",
            TemplateError::TooLong { .. } => "too-long",
            TemplateError::DeclaredInConfig(_) => "declared-in-config",
            TemplateError::Render(_) => "render",
            TemplateError::Store(_) => "internal",
        }
    }

    /// The field at fault, if one is.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            TemplateError::InvalidColour { field, .. } | TemplateError::TooLong { field } => Some(field),
            TemplateError::DeclaredInConfig(field) => Some(field),
            TemplateError::Render(_) | TemplateError::Store(_) => None,
        }
    }
}

/// The admin's values as a [`TemplateConfig`] (no images: those stay config.toml's paths).
pub(crate) fn as_config(t: &TemplateOverride) -> TemplateConfig {
    TemplateConfig {
        primary_colour: t.primary_colour.clone(),
        accent_colour: t.accent_colour.clone(),
        logo: None,
        signature: None,
        signatory_name: t.signatory_name.clone(),
        signatory_title: t.signatory_title.clone(),
        footer: t.footer.clone(),
    }
}

impl Engine {
    /// The template's fields as the editor shows them.
    pub async fn certificate_template(&self) -> Result<Vec<TemplateFieldState>, StoreError> {
        let edited = self.store.certificate_template().await?;
        let config = &self.config.certificates.template;
        Ok(TemplateField::ALL
            .iter()
            .map(|&field| {
                let declared = field.of_config(config);
                TemplateFieldState {
                    field,
                    value: declared
                        .or_else(|| field.of_override(&edited))
                        .cloned()
                        .unwrap_or_default(),
                    declared_in_config: declared.is_some(),
                }
            })
            .collect())
    }

    /// Saves the admin's template; certificates rendered from now on use it.
    pub async fn save_certificate_template(&self, actor: &Actor, draft: TemplateOverride) -> Result<(), TemplateError> {
        let result = async {
            let draft = self.checked(draft)?;
            self.store.save_certificate_template(&draft, self.now()).await?;
            Ok(())
        }
        .await;
        let detail = result.as_ref().err().map(ToString::to_string);
        self.record_action(actor, "certificate.template", "default", detail, result.is_ok())
            .await;
        result
    }

    /// The first page of a sample certificate with `draft` as the template, as PNG.
    pub async fn preview_certificate(&self, draft: TemplateOverride, locale: Locale) -> Result<Vec<u8>, TemplateError> {
        let draft = self.checked(draft)?;
        let template = build_template(as_config(&draft).overlaid(&self.config.certificates.template))
            .map_err(|e| TemplateError::Render(format!("{e:#}")))?;
        let now = self.now().0;
        let doc = CertificateDocument {
            lang: locale.tag().to_owned(),
            number: "PREVIEW".into(),
            learner_name: "Ada Lovelace".into(),
            course_name: mm_i18n::text(locale, "template-sample-course", &[]),
            hours: Some(hours_line(locale, "20")),
            completed_on: format_date(locale, now),
            issued_on: format_date(locale, now),
            valid_until: None,
            version: 1,
            issuer: self.config.certificates.issuer.clone(),
            verify_url: format!("{}verify/PREVIEW", self.config.public_url),
            texts: certificate_texts(locale),
            template,
        };
        let renderer = self
            .certs
            .renderer()
            .map_err(|e| TemplateError::Render(e.to_string()))?;
        tokio::task::spawn_blocking(move || renderer.png(&doc, 1.0))
            .await
            .map_err(|e| TemplateError::Render(e.to_string()))?
            .map_err(|e| TemplateError::Render(e.to_string()))
    }

    /// `draft` trimmed (empty = unset), each field checked; a field config.toml declares may
    /// only repeat config.toml's value (the form posts read-only fields back).
    fn checked(&self, draft: TemplateOverride) -> Result<TemplateOverride, TemplateError> {
        let config = &self.config.certificates.template;
        let mut out = TemplateOverride::default();
        for field in TemplateField::ALL {
            let value = field
                .of_override(&draft)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty());
            let Some(value) = value else { continue };
            if let Some(declared) = field.of_config(config) {
                if *declared == value {
                    continue;
                }
                return Err(TemplateError::DeclaredInConfig(field.as_str()));
            }
            if field.is_colour() && value.parse::<Rgb>().is_err() {
                return Err(TemplateError::InvalidColour {
                    field: field.as_str(),
                    value,
                });
            }
            if value.chars().count() > MAX_TEXT_CHARS {
                return Err(TemplateError::TooLong { field: field.as_str() });
            }
            set(&mut out, field, value);
        }
        Ok(out)
    }
}

fn set(t: &mut TemplateOverride, field: TemplateField, value: String) {
    let slot = match field {
        TemplateField::PrimaryColour => &mut t.primary_colour,
        TemplateField::AccentColour => &mut t.accent_colour,
        TemplateField::SignatoryName => &mut t.signatory_name,
        TemplateField::SignatoryTitle => &mut t.signatory_title,
        TemplateField::Footer => &mut t.footer,
    };
    *slot = Some(value);
}
