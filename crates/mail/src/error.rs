//! What can go wrong when configuring or sending mail, and whether trying again can help.

/// A mail could not be configured or sent. Messages name the `[smtp]` key or the address at
/// fault and the fix; they never contain the password.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// `[smtp] url` cannot be used.
    #[error("[smtp] url: {problem}; {fix}")]
    BadUrl { problem: String, fix: String },
    /// `[smtp] from` is not a mailbox.
    #[error(
        "[smtp] from {from:?} is not an address ({reason}); write it as \"Academy <no-reply@example.org>\" or \"no-reply@example.org\""
    )]
    BadFrom { from: String, reason: String },
    /// Credentials would cross the network unencrypted.
    #[error(
        "[smtp] url: tls=none sends the password in clear text to {host}, which is not this machine; use smtp://{host}:587 (STARTTLS) or smtps://{host}:465, or remove the credentials"
    )]
    PlaintextWithCredentials { host: String },
    /// The recipient's address is not one.
    #[error(
        "the learner's email {address:?} is not a valid address ({reason}); correct the customer's email in the billing system (or the seat's), then `certificate resend`"
    )]
    BadRecipient { address: String, reason: String },
    /// The message itself could not be built (a caller's bug: bad Message-ID or content type).
    #[error("cannot build the mail: {0}")]
    BadMessage(String),
    /// No connection (refused, DNS, dropped) to the server.
    #[error("cannot talk to the SMTP server {server}: {detail}; check [smtp] url and that the server is up")]
    Connection { server: String, detail: String },
    /// The server did not answer within `[smtp] timeout`.
    #[error("the SMTP server {server} did not answer in time; check that it is up, or raise [smtp] timeout")]
    Timeout { server: String },
    /// The TLS handshake failed (certificate, protocol).
    #[error(
        "TLS with the SMTP server {server} failed: {detail}; check the host name in [smtp] url matches its certificate, and the port (587 STARTTLS, 465 smtps)"
    )]
    Tls { server: String, detail: String },
    /// The server refused the login.
    #[error(
        "the SMTP server {server} refused the login ({reply}); check the user in [smtp] url and the password ([smtp] password_file or MM_SMTP_PASSWORD)"
    )]
    Auth { server: String, reply: String },
    /// A 4xx reply: the server asks us to try later.
    #[error("the SMTP server {server} deferred the mail ({reply}); it will be tried again")]
    Deferred { server: String, reply: String },
    /// A 5xx reply: the server will not take this mail (e.g. 550 no such user).
    #[error("the SMTP server {server} rejected the mail ({reply})")]
    Rejected { server: String, reply: String },
}

impl MailError {
    /// A stable identifier for logs, metrics and stored job errors.
    pub fn code(&self) -> &'static str {
        match self {
            MailError::BadUrl { .. } => "smtp_url_invalid",
            MailError::BadFrom { .. } => "smtp_from_invalid",
            MailError::PlaintextWithCredentials { .. } => "smtp_plaintext_credentials",
            MailError::BadRecipient { .. } => "mail_recipient_invalid",
            MailError::BadMessage(_) => "mail_message_invalid",
            MailError::Connection { .. } => "smtp_connection",
            MailError::Timeout { .. } => "smtp_timeout",
            MailError::Tls { .. } => "smtp_tls",
            MailError::Auth { .. } => "smtp_auth",
            MailError::Deferred { .. } => "smtp_deferred",
            MailError::Rejected { .. } => "smtp_rejected",
        }
    }

    /// Whether the same mail may go through later unchanged: no connection, a timeout, a TLS
    /// failure (often a dropped handshake) or a 4xx reply. A 5xx, a refused login and bad
    /// addresses or settings need someone to change something first.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            MailError::Connection { .. }
                | MailError::Timeout { .. }
                | MailError::Tls { .. }
                | MailError::Deferred { .. }
        )
    }

    /// Sorts lettre's error for `server` ("host:port").
    pub(crate) fn from_smtp(server: &str, error: &lettre::transport::smtp::Error) -> MailError {
        let server = server.to_owned();
        let reply = error.to_string();
        match error.status().map(|code| code.to_string()) {
            Some(code) if matches!(code.as_str(), "530" | "534" | "535" | "538") => MailError::Auth { server, reply },
            Some(_) if error.is_permanent() => MailError::Rejected { server, reply },
            Some(_) => MailError::Deferred { server, reply },
            None if error.is_timeout() => MailError::Timeout { server },
            None if error.is_tls() => MailError::Tls { server, detail: reply },
            None => MailError::Connection { server, detail: reply },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_and_permanent() {
        let server = || "mail.example.org:587".to_owned();
        let transient = [
            MailError::Connection {
                server: server(),
                detail: "refused".into(),
            },
            MailError::Timeout { server: server() },
            MailError::Deferred {
                server: server(),
                reply: "451".into(),
            },
        ];
        let permanent = [
            MailError::Rejected {
                server: server(),
                reply: "550 no such user".into(),
            },
            MailError::Auth {
                server: server(),
                reply: "535".into(),
            },
            MailError::BadRecipient {
                address: "x".into(),
                reason: "no @".into(),
            },
        ];
        assert!(transient.iter().all(MailError::is_transient));
        assert!(!permanent.iter().any(MailError::is_transient));
    }
}
