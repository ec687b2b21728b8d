//! Certificate mails: their localized bodies (`compose`) and their delivery through a real SMTP
//! server (`Mailer`).
//!
//! An adapter: it sends what it is given and reports how that went (`MailError::is_transient`
//! tells a retry from a dead end); whether and when to send is the engine's decision.
//!
//! Why lettre: it is the maintained pure-Rust SMTP client, async on tokio, with STARTTLS and
//! implicit TLS on rustls (no OpenSSL to install or patch), connection pooling, and a MIME
//! builder that encodes headers and attachments correctly, which a hand-written client would get
//! subtly wrong.

pub mod compose;
mod error;
mod html;
mod mailer;
mod settings;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::MailError;
pub use mailer::{Attachment, Mailer, OutgoingMail};
pub use settings::{Security, SmtpSettings};
