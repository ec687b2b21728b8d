use std::fmt;
use std::str::FromStr;

use crate::error::RenderError;
use crate::image::Image;

/// Everything printed on one certificate, already worded and localized by the caller.
#[derive(Debug, Clone)]
pub struct CertificateDocument {
    /// BCP 47, e.g. `es-ES`: sets hyphenation, quotes and the PDF's language.
    pub lang: String,
    /// e.g. `MM-2026-000042`.
    pub number: String,
    pub learner_name: String,
    pub course_name: String,
    /// The hours line as printed, worded in the certificate's language (`"20 hours of
    /// training"`); `None` prints none.
    pub hours: Option<String>,
    pub completed_on: String,
    pub issued_on: String,
    pub valid_until: Option<String>,
    /// Printed as `v2` next to the number only when greater than 1.
    pub version: u32,
    /// The academy: the PDF's author and the name above the title.
    pub issuer: String,
    /// Encoded in the QR code and printed small under it.
    pub verify_url: String,
    pub texts: CertificateTexts,
    pub template: Template,
}

impl CertificateDocument {
    /// Every text the certificate prints, with the field it comes from.
    pub(crate) fn printed_texts(&self) -> Vec<(&'static str, &str)> {
        let (texts, template) = (&self.texts, &self.template);
        let optional = [
            ("hours", self.hours.as_deref()),
            ("valid_until", self.valid_until.as_deref()),
            ("template.signatory_name", template.signatory_name.as_deref()),
            ("template.signatory_title", template.signatory_title.as_deref()),
            ("template.footer", template.footer.as_deref()),
        ];
        let mut printed = vec![
            ("learner_name", self.learner_name.as_str()),
            ("course_name", &self.course_name),
            ("number", &self.number),
            ("completed_on", &self.completed_on),
            ("issued_on", &self.issued_on),
            ("issuer", &self.issuer),
            ("verify_url", &self.verify_url),
            ("texts.title", &texts.title),
            ("texts.certifies_that", &texts.certifies_that),
            ("texts.has_completed", &texts.has_completed),
            ("texts.completed_on", &texts.completed_on),
            ("texts.issued_on", &texts.issued_on),
            ("texts.valid_until", &texts.valid_until),
            ("texts.number", &texts.number),
            ("texts.verify", &texts.verify),
        ];
        printed.extend(optional.into_iter().filter_map(|(field, text)| Some((field, text?))));
        printed
    }
}

/// The fixed wording of a certificate in its language.
#[derive(Debug, Clone)]
pub struct CertificateTexts {
    pub title: String,
    pub certifies_that: String,
    pub has_completed: String,
    pub completed_on: String,
    pub issued_on: String,
    pub valid_until: String,
    pub number: String,
    /// e.g. `"Verify at"`.
    pub verify: String,
}

/// The academy's look: colours, images and who signs.
#[derive(Debug, Clone)]
pub struct Template {
    pub primary: Rgb,
    pub accent: Rgb,
    pub logo: Option<Image>,
    pub signature: Option<Image>,
    pub signatory_name: Option<String>,
    pub signatory_title: Option<String>,
    pub footer: Option<String>,
}

impl Default for Template {
    /// Navy and gold, no images.
    fn default() -> Template {
        Template {
            primary: Rgb(0x1f, 0x3a, 0x5f),
            accent: Rgb(0xb8, 0x94, 0x3f),
            logo: None,
            signature: None,
            signatory_name: None,
            signatory_title: None,
            footer: None,
        }
    }
}

/// An sRGB colour, written `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

impl FromStr for Rgb {
    type Err = RenderError;

    fn from_str(text: &str) -> Result<Rgb, RenderError> {
        let invalid = || RenderError::ColourInvalid(text.to_owned());
        let hex = text.trim().strip_prefix('#').ok_or_else(invalid)?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(invalid());
        }
        let channel = |at: usize| u8::from_str_radix(&hex[at..at + 2], 16).map_err(|_| invalid());
        Ok(Rgb(channel(0)?, channel(2)?, channel(4)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rgb_parses_hex_in_either_case_and_round_trips() {
        assert_eq!("#1f3a5F".parse::<Rgb>().unwrap(), Rgb(0x1f, 0x3a, 0x5f));
        assert_eq!(" #000000 ".parse::<Rgb>().unwrap(), Rgb(0, 0, 0));
        let colour = Rgb(200, 7, 255);
        assert_eq!(colour.to_string().parse::<Rgb>().unwrap(), colour);
    }

    #[test]
    fn rgb_refuses_what_is_not_rrggbb_and_names_it() {
        for bad in ["1f3a5f", "#1f3a5", "#1f3a5f0", "#gg0000", "", "#", "#1f3a5é"] {
            let err = bad.parse::<Rgb>().unwrap_err();
            assert_eq!(err.code(), "colour_invalid", "{bad:?}");
            assert!(err.to_string().contains(bad), "{err}");
        }
    }
}
