use typst::diag::{SourceDiagnostic, Warned};
use typst::ecow::EcoVec;
use typst::foundations::{Bytes, Smart};
use typst::syntax::{FileId, Source};
use typst::utils::{LazyHash, Scalar};
use typst::{Library, LibraryExt, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;
use typst_render::RenderOptions;

use crate::document::CertificateDocument;
use crate::error::RenderError;
use crate::inputs::{self, ImageRole};
use crate::qr;
use crate::world::{CertificateWorld, Fonts, file_id};

/// The typst source of the certificate, embedded so that nothing is read at run time.
const TEMPLATE: &str = include_str!("certificate.typ");
const TEMPLATE_PATH: &str = "/certificate.typ";

/// Generations after which typst's memoized results are dropped when unused: keeps what
/// every certificate shares (the parsed template, fonts, layouts of fixed text) and lets
/// the per-learner entries go, so a long-running server does not grow.
const CACHE_GENERATIONS: usize = 20;

/// Renders certificates. Build it once (it parses the bundled fonts) and share it behind an
/// `Arc`: renders take `&self` and may run on several threads.
pub struct Renderer {
    fonts: Fonts,
    main: Source,
}

// Shared behind an `Arc` by the web server's handlers: keep it `Send + Sync`.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<Renderer>();
};

impl Renderer {
    pub fn new() -> Result<Renderer, RenderError> {
        let fonts = Fonts::bundled()?;
        let main = Source::new(file_id(TEMPLATE_PATH)?, TEMPLATE.to_owned());
        Ok(Renderer { fonts, main })
    }

    /// The certificate as a one-page PDF with its fonts embedded and subset.
    pub fn pdf(&self, doc: &CertificateDocument) -> Result<Vec<u8>, RenderError> {
        let document = self.compile(doc)?;
        let options = PdfOptions {
            // A stable document id per certificate, so re-rendering gives the same file.
            ident: Smart::Custom(format!("{} v{}", doc.number, doc.version)),
            ..PdfOptions::default()
        };
        typst_pdf::pdf(&document, &options).map_err(|diags| RenderError::Export(messages(&diags)))
    }

    /// The first page as PNG (for the public verification page), at `pixels_per_pt` (e.g. 1.5;
    /// at most 8, which is 576 dpi).
    pub fn png(&self, doc: &CertificateDocument, pixels_per_pt: f32) -> Result<Vec<u8>, RenderError> {
        if !(pixels_per_pt > 0.0 && pixels_per_pt <= 8.0) {
            return Err(RenderError::ScaleInvalid(pixels_per_pt));
        }
        let document = self.compile(doc)?;
        let page = document.pages().first().ok_or(RenderError::Overflow { pages: 0 })?;
        let options = RenderOptions {
            pixel_per_pt: Scalar::new(f64::from(pixels_per_pt)),
            render_bleed: false,
        };
        typst_render::render(page, &options)
            .encode_png()
            .map_err(|err| RenderError::Export(format!("PNG encoding failed: {err}")))
    }

    fn compile(&self, doc: &CertificateDocument) -> Result<PagedDocument, RenderError> {
        self.check_glyphs(doc)?;
        let world = CertificateWorld {
            library: LazyHash::new(Library::builder().with_inputs(inputs::of(doc)?).build()),
            fonts: &self.fonts,
            main: &self.main,
            files: self.files(doc)?,
        };
        let Warned { output, .. } = typst::compile::<PagedDocument>(&world);
        typst::comemo::evict(CACHE_GENERATIONS);
        let document = output.map_err(|diags| self.template_error(&world, &diags))?;
        match document.pages().len() {
            1 => Ok(document),
            pages => Err(RenderError::Overflow { pages }),
        }
    }

    /// The QR code and the template's images, under the paths `inputs` names.
    fn files(&self, doc: &CertificateDocument) -> Result<Vec<(FileId, Bytes)>, RenderError> {
        let qr = Bytes::from_string(qr::svg(&doc.verify_url)?);
        let mut files = vec![(file_id(inputs::QR_PATH)?, qr)];
        for role in [ImageRole::Logo, ImageRole::Signature] {
            if let Some(image) = role.of(&doc.template) {
                files.push((file_id(&role.path(image))?, image.check(role.name())?));
            }
        }
        Ok(files)
    }

    /// Refuses a text no bundled font can draw, rather than printing boxes on a certificate.
    fn check_glyphs(&self, doc: &CertificateDocument) -> Result<(), RenderError> {
        for (field, text) in doc.printed_texts() {
            if let Some(c) = self.fonts.first_uncovered(text) {
                return Err(RenderError::FontMissing(format!(
                    "`{field}` holds `{c}` (U+{:04X}), which no bundled font can draw; write it in Latin, Greek or Cyrillic script",
                    u32::from(c)
                )));
            }
        }
        Ok(())
    }

    /// The first error, with the template text it points at.
    fn template_error(&self, world: &CertificateWorld<'_>, diags: &EcoVec<SourceDiagnostic>) -> RenderError {
        let Some(first) = diags.first() else {
            return RenderError::Template {
                message: "compilation failed without a diagnostic".to_owned(),
                span: String::new(),
                hints: String::new(),
            };
        };
        let span = match (first.span.id(), world.range(first.span)) {
            (Some(id), Some(range)) if id == self.main.id() => {
                self.main.text().get(range).unwrap_or_default().to_owned()
            }
            _ => String::new(),
        };
        let hints: String = first.hints.iter().map(|hint| format!("; hint: {}", hint.v)).collect();
        RenderError::Template {
            message: first.message.to_string(),
            span,
            hints,
        }
    }
}

fn messages(diags: &EcoVec<SourceDiagnostic>) -> String {
    let all: Vec<&str> = diags.iter().map(|diag| diag.message.as_str()).collect();
    all.join("; ")
}
