//! Verification codes: the unguessable part of a certificate's public URL.

use rand::RngCore as _;

use crate::encoding::base32_lower;

/// Random bytes in a code: 160 bits, so codes can be neither guessed nor enumerated.
pub const CODE_BYTES: usize = 20;

/// A fresh code: 32 characters of lowercase base32 (`a-z`, `2-7`), URL-safe, no padding.
pub fn random_code() -> String {
    let mut bytes = [0u8; CODE_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base32_lower(&bytes)
}
