use typst::diag::LoadedWithin;
use typst::foundations::{Bytes, Smart};
use typst::loading::{LoadSource, Loaded};
use typst::syntax::Spanned;
use typst::visualize::{ExchangeFormat, RasterImage, SvgImage};

use crate::error::RenderError;

/// The image formats a logo or a signature may come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Jpeg,
    Svg,
}

impl ImageFormat {
    /// The file extension typst reads the format from.
    pub(crate) fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Svg => "svg",
        }
    }

    fn name(self) -> &'static str {
        match self {
            ImageFormat::Png => "PNG",
            ImageFormat::Jpeg => "JPEG",
            ImageFormat::Svg => "SVG",
        }
    }
}

/// An uploaded image with its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub format: ImageFormat,
    pub bytes: Vec<u8>,
}

impl Image {
    /// Sniffs the format from the first bytes: PNG and JPEG by their magic numbers, SVG by
    /// `<svg` or `<?xml` (after an optional BOM and whitespace).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Image, RenderError> {
        match sniff(&bytes) {
            Some(format) => Ok(Image { format, bytes }),
            None => Err(RenderError::ImageUnsupported {
                role: "uploaded".to_owned(),
                magic: bytes.iter().take(8).copied().collect(),
            }),
        }
    }

    /// Decodes the image once so that a broken file is reported with its role instead of as
    /// a template error. typst memoizes the decoding, so the render reuses this work.
    pub(crate) fn check(&self, role: &str) -> Result<Bytes, RenderError> {
        let data = Bytes::new(self.bytes.clone());
        let invalid = |reason: String| RenderError::ImageInvalid {
            role: role.to_owned(),
            format: self.format.name(),
            reason,
        };
        if sniff(&self.bytes) != Some(self.format) {
            return Err(invalid(format!("its content is not {}", self.format.name())));
        }
        let loaded = || Loaded::new(Spanned::detached(LoadSource::Bytes), data.clone());
        match self.format {
            ImageFormat::Png | ImageFormat::Jpeg => {
                let format = if self.format == ImageFormat::Png {
                    ExchangeFormat::Png
                } else {
                    ExchangeFormat::Jpg
                };
                RasterImage::new(data.clone(), format, Smart::Auto)
                    .map(|_| ())
                    .map_err(|reason| invalid(reason.to_string()))?;
            }
            ImageFormat::Svg => {
                SvgImage::new(data.clone())
                    .map(|_| ())
                    .map_err(|err| invalid(err.within(&loaded()).message.to_string()))?;
            }
        }
        Ok(data)
    }
}

fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(ImageFormat::Png);
    }
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        return Some(ImageFormat::Jpeg);
    }
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    let text = &text[start..];
    let svg = text.starts_with(b"<svg") || text.starts_with(b"<?xml");
    svg.then_some(ImageFormat::Svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_format_and_refuses_others() {
        let png = Image::from_bytes(b"\x89PNG\r\n\x1a\nrest".to_vec()).unwrap();
        assert_eq!(png.format, ImageFormat::Png);
        let jpeg = Image::from_bytes(vec![0xff, 0xd8, 0xff, 0xe0, 0]).unwrap();
        assert_eq!(jpeg.format, ImageFormat::Jpeg);
        let svg = Image::from_bytes(b"\xef\xbb\xbf \n<?xml version=\"1.0\"?><svg/>".to_vec()).unwrap();
        assert_eq!(svg.format, ImageFormat::Svg);
        let gif = Image::from_bytes(b"GIF89a....".to_vec()).unwrap_err();
        assert_eq!(gif.code(), "image_unsupported");
        assert!(Image::from_bytes(Vec::new()).is_err());
    }
}
