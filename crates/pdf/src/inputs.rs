//! The certificate as typst `sys.inputs`: the only way user text reaches the template.

use typst::foundations::{Dict, IntoValue, Str, Value};

use crate::document::{CertificateDocument, Template};
use crate::error::RenderError;
use crate::image::Image;

/// Virtual paths of the files the world serves beside the template.
pub(crate) const QR_PATH: &str = "/qr.svg";

/// The images a template may carry, each served at its own virtual path.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ImageRole {
    Logo,
    Signature,
}

impl ImageRole {
    pub(crate) fn name(self) -> &'static str {
        match self {
            ImageRole::Logo => "logo",
            ImageRole::Signature => "signature",
        }
    }

    pub(crate) fn of(self, template: &Template) -> Option<&Image> {
        match self {
            ImageRole::Logo => template.logo.as_ref(),
            ImageRole::Signature => template.signature.as_ref(),
        }
    }

    /// The extension tells typst the format.
    pub(crate) fn path(self, image: &Image) -> String {
        format!("/{}.{}", self.name(), image.format.extension())
    }
}

pub(crate) fn of(doc: &CertificateDocument) -> Result<Dict, RenderError> {
    let locale = Locale::parse(&doc.lang)?;
    let template = &doc.template;
    let mut dict = Dict::new();
    let mut put = |key: &str, value: Value| {
        dict.insert(Str::from(key), value);
    };
    let text = |s: &str| s.into_value();
    let optional = |s: Option<&str>| s.map_or(Value::None, |s| s.into_value());

    put("lang", text(&locale.language));
    put("region", optional(locale.region.as_deref()));
    put("number", text(&doc.number));
    put(
        "version",
        optional((doc.version > 1).then(|| format!("v{}", doc.version)).as_deref()),
    );
    put("learner", text(&doc.learner_name));
    put("course", text(&doc.course_name));
    put("hours", optional(doc.hours.as_deref()));
    put("completed_on", text(&doc.completed_on));
    put("issued_on", text(&doc.issued_on));
    put("valid_until", optional(doc.valid_until.as_deref()));
    put("issuer", text(&doc.issuer));
    put("verify_url", text(&doc.verify_url));
    put("qr", text(QR_PATH));

    let texts = &doc.texts;
    put("title", text(&texts.title));
    put("certifies_that", text(&texts.certifies_that));
    put("has_completed", text(&texts.has_completed));
    put("completed_on_label", text(&texts.completed_on));
    put("issued_on_label", text(&texts.issued_on));
    put("valid_until_label", text(&texts.valid_until));
    put("number_label", text(&texts.number));
    put("verify_label", text(&texts.verify));

    put("primary", text(&template.primary.to_string()));
    put("accent", text(&template.accent.to_string()));
    for role in [ImageRole::Logo, ImageRole::Signature] {
        let path = role.of(template).map(|image| role.path(image));
        put(role.name(), optional(path.as_deref()));
    }
    put("signatory_name", optional(template.signatory_name.as_deref()));
    put("signatory_title", optional(template.signatory_title.as_deref()));
    put("footer", optional(template.footer.as_deref()));
    Ok(dict)
}

/// The parts of a BCP 47 tag typst's `text` takes: `sr-Latn-RS` → `sr`, `RS`.
struct Locale {
    language: String,
    region: Option<String>,
}

impl Locale {
    fn parse(tag: &str) -> Result<Locale, RenderError> {
        let invalid = || RenderError::LanguageInvalid(tag.to_owned());
        let mut parts = tag.split(['-', '_']);
        let language = parts.next().filter(|l| is_alpha(l, 2..=3)).ok_or_else(invalid)?;
        let region = parts.find(|p| is_alpha(p, 2..=2));
        Ok(Locale {
            language: language.to_ascii_lowercase(),
            region: region.map(str::to_ascii_uppercase),
        })
    }
}

fn is_alpha(part: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_takes_language_and_region_and_refuses_nonsense() {
        let es = Locale::parse("es-ES").unwrap();
        assert_eq!((es.language.as_str(), es.region.as_deref()), ("es", Some("ES")));
        let sr = Locale::parse("sr-Latn-rs").unwrap();
        assert_eq!((sr.language.as_str(), sr.region.as_deref()), ("sr", Some("RS")));
        assert_eq!(Locale::parse("EL").unwrap().region, None);
        for bad in ["", "e", "español", "1s-ES", "-ES"] {
            assert!(Locale::parse(bad).is_err(), "{bad:?}");
        }
    }
}
