use thiserror::Error;

/// Why a certificate could not be rendered. Each variant names what to fix.
#[derive(Debug, Error)]
pub enum RenderError {
    /// The embedded template failed to compile: a bug in `certificate.typ` or in the inputs
    /// it was given. `span` is the template text the diagnostic points at.
    #[error("the certificate template failed: {message} (at `{span}`){hints}")]
    Template {
        message: String,
        span: String,
        hints: String,
    },
    /// The bytes are neither PNG, JPEG nor SVG.
    #[error(
        "the {role} image is not a PNG, JPEG or SVG file (it starts with {magic:02x?}); upload one of those formats"
    )]
    ImageUnsupported { role: String, magic: Vec<u8> },
    /// The bytes look like a supported format but cannot be decoded.
    #[error("the {role} image cannot be read as {format}: {reason}; upload the file again or export it anew")]
    ImageInvalid {
        role: String,
        format: &'static str,
        reason: String,
    },
    /// A bundled font is missing, or a text holds a character no bundled font can draw.
    #[error("{0}")]
    FontMissing(String),
    /// `lang` is not a BCP 47 tag typst understands (`es`, `es-ES`, `el-GR`).
    #[error(
        "the certificate language `{0}` is not a BCP 47 tag like `es-ES`: set `lang` to a 2 or 3 letter language code, optionally with a region"
    )]
    LanguageInvalid(String),
    /// A colour in the template is not `#rrggbb`.
    #[error("the colour `{0}` is not written as `#rrggbb` (for example `#1f3a5f`)")]
    ColourInvalid(String),
    /// The verification URL does not fit in a QR code.
    #[error("the verification URL ({len} bytes) is too long for a QR code: {reason}")]
    QrTooLong { len: usize, reason: String },
    /// The texts do not fit on one page.
    #[error(
        "the certificate's texts need {pages} pages instead of one: shorten the longest of `learner_name`, `course_name` and `template.footer`"
    )]
    Overflow { pages: usize },
    /// The PNG preview was asked at a scale outside (0, 8] pixels per point.
    #[error("the PNG scale {0} pixels per point is outside (0, 8]; ask for e.g. 1.5")]
    ScaleInvalid(f32),
    /// typst could not write the PDF.
    #[error("the certificate PDF could not be written: {0}")]
    Export(String),
}

impl RenderError {
    /// A stable, machine-readable code for logs and API answers.
    pub fn code(&self) -> &'static str {
        match self {
            RenderError::Template { .. } => "template_error",
            RenderError::ImageUnsupported { .. } => "image_unsupported",
            RenderError::ImageInvalid { .. } => "image_invalid",
            RenderError::FontMissing(_) => "font_missing",
            RenderError::LanguageInvalid(_) => "language_invalid",
            RenderError::ColourInvalid(_) => "colour_invalid",
            RenderError::QrTooLong { .. } => "qr_too_long",
            RenderError::Overflow { .. } => "content_overflow",
            RenderError::ScaleInvalid(_) => "scale_invalid",
            RenderError::Export(_) => "export_failed",
        }
    }
}
