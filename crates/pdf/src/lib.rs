//! The course-completion certificate, laid out by typst: a PDF to sign and keep, and a PNG
//! preview for the public verification page.
//!
//! This crate decides nothing: the engine hands it a fully worded, localized
//! [`CertificateDocument`] and gets bytes back. Every user string reaches typst through
//! `sys.inputs`, never through the template source, so a name like `#panic()` prints as is.

mod document;
mod error;
mod image;
mod inputs;
mod qr;
mod renderer;
mod world;

pub use document::{CertificateDocument, CertificateTexts, Rgb, Template};
pub use error::RenderError;
pub use image::{Image, ImageFormat};
pub use renderer::Renderer;
