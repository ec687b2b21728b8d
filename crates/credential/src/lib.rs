//! Signed certificates for MoodleManagement: Ed25519 keys and their published set (JWKS),
//! the signed payload and the token its QR code carries, the seal appended to a PDF, and the
//! Open Badges 3.0 credential as a VC-JWT.
//!
//! Pure by design: no I/O and no clock (times are parameters), so a printed or downloaded
//! certificate can be checked offline with nothing but the published keys. The formats are
//! described in this crate's README.

mod badge;
mod code;
mod encoding;
mod key;
mod payload;
mod seal;
mod time;
mod token;

pub use badge::{CONTEXTS, Issuer, JWKS_PATH, jwks_url, open_badge_jwt, verify_jwt, verify_jwt_at};
pub use code::{CODE_BYTES, random_code};
pub use key::{KEY_LEN, KeyError, KeySet, PublicKey, SigningKey};
pub use payload::CertificatePayload;
pub use seal::{PdfCheck, check_pdf, seal_pdf, sha256_hex};
pub use token::{SignedPayload, VerifyError, sign, verification_url};
