//! Inbound webhooks for MoodleManagement: Standard Webhooks signature checks and the
//! invoice event payload.
//!
//! Pure by design: no HTTP framework, no clock, no I/O. The binary reads the headers, the
//! raw body and the time, calls [`Verifier::verify`] then [`parse_event`], and maps the
//! errors' `status()` to its answer. Keeping this crate pure is what lets the forged and
//! replayed delivery corpus in `tests/` run in milliseconds without a server.
//!
//! Order matters: verify the signature on the raw bytes *before* parsing, so that an
//! unauthenticated caller learns nothing about the payload rules and cannot make us parse
//! arbitrary JSON.

pub mod payload;
pub mod secret;
pub mod verify;

pub use payload::{Event, FieldProblem, PayloadError, TYPE_DELETED, TYPE_HINT, TYPE_UPSERTED, parse_event};
pub use secret::{Secret, SecretError};
pub use verify::{
    DEFAULT_MAX_BODY_BYTES, DEFAULT_TOLERANCE_SECS, HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, Headers,
    VerifiedDelivery, Verifier, VerifyError, sign,
};
