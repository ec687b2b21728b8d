use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::error::RenderError;

/// The verification URL as an SVG QR code, quiet zone included.
///
/// Level M (15 % recovery) survives a scuffed print; a 400-byte URL then needs version 15
/// (77 modules), which the template prints 40 mm wide: about 3 px per module at 150 dpi and
/// 12 at 600 dpi, enough for a phone camera and for the test's rasterise-and-decode.
pub(crate) fn svg(url: &str) -> Result<String, RenderError> {
    let code =
        QrCode::with_error_correction_level(url.as_bytes(), EcLevel::L).map_err(|err| RenderError::QrTooLong {
            len: url.len(),
            reason: err.to_string(),
        })?;
    Ok(code
        .render::<svg::Color<'_>>()
        .module_dimensions(1, 1)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}
