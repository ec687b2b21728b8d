//! The smallest `typst::World` a certificate needs: bundled fonts, the embedded template and
//! a few in-memory files. No disk, no network, no packages, no clock.

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

use crate::error::RenderError;

/// The family every text on the certificate is set in; it covers Latin with diacritics,
/// Greek and Cyrillic.
pub(crate) const TEXT_FAMILY: &str = "Libertinus Serif";

/// The bundled fonts, parsed once.
pub(crate) struct Fonts {
    fonts: Vec<Font>,
    book: LazyHash<FontBook>,
}

impl Fonts {
    pub(crate) fn bundled() -> Result<Fonts, RenderError> {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        let book = FontBook::from_fonts(&fonts);
        if !book.contains_family(&TEXT_FAMILY.to_lowercase()) {
            return Err(RenderError::FontMissing(format!(
                "the bundled font `{TEXT_FAMILY}` is missing: build mm-pdf with typst-assets' `fonts` feature"
            )));
        }
        Ok(Fonts {
            fonts,
            book: LazyHash::new(book),
        })
    }

    /// The first character of `text` that no bundled font can draw.
    pub(crate) fn first_uncovered(&self, text: &str) -> Option<char> {
        text.chars()
            .filter(|c| !c.is_whitespace() && !c.is_control() && !is_invisible(*c))
            .find(|c| {
                !self
                    .fonts
                    .iter()
                    .any(|font| font.info().coverage.contains(u32::from(*c)))
            })
    }
}

/// Format characters typst handles without a glyph (joiners, marks, soft hyphen).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}')
}

/// The id of a file at `path` in the project root.
pub(crate) fn file_id(path: &str) -> Result<FileId, RenderError> {
    let vpath = VirtualPath::new(path).map_err(|err| RenderError::Template {
        message: format!("the virtual path `{path}` is invalid: {err:?}"),
        span: String::new(),
        hints: String::new(),
    })?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// One certificate's world: the shared fonts and template, this certificate's inputs (in the
/// library) and its images.
pub(crate) struct CertificateWorld<'a> {
    pub(crate) library: LazyHash<Library>,
    pub(crate) fonts: &'a Fonts,
    pub(crate) main: &'a Source,
    pub(crate) files: Vec<(FileId, Bytes)>,
}

impl World for CertificateWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.text().to_owned()));
        }
        self.files
            .iter()
            .find(|(file, _)| *file == id)
            .map(|(_, bytes)| bytes.clone())
            .ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    /// The template prints only dates it is given, so typst's `datetime.today()` stays off.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_without_slash().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text family alone (not a fallback) must draw the three scripts learners write in.
    #[test]
    fn libertinus_serif_covers_latin_greek_and_cyrillic_names() {
        let fonts = Fonts::bundled().unwrap();
        let regular: Vec<&Font> = fonts
            .fonts
            .iter()
            .filter(|font| font.info().family == TEXT_FAMILY)
            .collect();
        assert!(regular.len() >= 4, "Libertinus Serif styles: {}", regular.len());
        for name in [
            "Luis Pérez",
            "Ζωή Παπαδοπούλου",
            "Анна Иванова",
            "Łukasz Żółć",
            "ÆØÅ çãõ ğış",
        ] {
            for font in &regular {
                for c in name.chars().filter(|c| !c.is_whitespace()) {
                    assert!(
                        font.info().coverage.contains(u32::from(c)),
                        "{} {:?} lacks {c}",
                        font.info().family,
                        font.info().variant
                    );
                }
            }
        }
    }

    #[test]
    fn a_script_no_bundled_font_draws_is_found() {
        let fonts = Fonts::bundled().unwrap();
        assert_eq!(fonts.first_uncovered("Anna 王小明"), Some('王'));
        assert_eq!(fonts.first_uncovered("Zoë\u{00ad} Ζωή\tАнна"), None);
    }
}
