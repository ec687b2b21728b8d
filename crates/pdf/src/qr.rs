use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::error::RenderError;

/// The verification URL as an SVG QR code, quiet zone included.
///
/// Level L (7 % recovery): the URL carries the signed payload, so it is long, and the lowest
/// level keeps the modules large enough — a 600-byte URL fits version 16 (81 modules), printed
/// 56 mm wide: 0.7 mm per module, about 8 px at the 300 dpi the tests rasterise and decode.
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
