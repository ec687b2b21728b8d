//! Sending one mail over SMTP.

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::MailError;
use crate::settings::{Security, SmtpSettings};

/// A file sent with the mail, e.g. the certificate PDF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    /// A MIME type, e.g. "application/pdf".
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// One mail to one learner: text and HTML alternatives, and maybe an attachment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to_name: String,
    pub to_email: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Without the angle brackets, chosen by the caller and deterministic (e.g.
    /// "cert-<code>-v2@host"), so a resent mail is recognisably the same one.
    pub message_id: String,
    pub attachment: Option<Attachment>,
}

/// Sends mails through the configured server, reusing connections.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    server: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer for `settings`; it connects on the first `send` or `check`.
    pub fn new(settings: &SmtpSettings) -> Result<Mailer, MailError> {
        let server = settings.server();
        let tls = |host: &str| {
            TlsParameters::new(host.to_owned()).map_err(|e| MailError::Tls {
                server: server.clone(),
                detail: e.to_string(),
            })
        };
        let tls = match settings.security {
            Security::StartTls => Tls::Required(tls(&settings.host)?),
            Security::ImplicitTls => Tls::Wrapper(tls(&settings.host)?),
            Security::Plaintext => Tls::None,
        };
        // builder_dangerous only means "choose TLS yourself", which the line above does.
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.clone())
            .port(settings.port)
            .tls(tls)
            .timeout(Some(settings.timeout));
        if let Some(login) = &settings.login {
            builder = builder.credentials(Credentials::new(
                login.user.clone(),
                login.password.expose_secret().to_owned(),
            ));
        }
        Ok(Mailer {
            transport: builder.build(),
            from: settings.from.clone(),
            server,
        })
    }

    /// Sends `mail`; an `Ok` means the server took it.
    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let message = self.message(mail)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError::from_smtp(&self.server, &e))
    }

    /// Connects (TLS and login included) and sends NOOP: the start check of `[smtp]`.
    pub async fn check(&self) -> Result<(), MailError> {
        match self.transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err(MailError::Connection {
                server: self.server.clone(),
                detail: "the server did not answer NOOP".into(),
            }),
            Err(e) => Err(MailError::from_smtp(&self.server, &e)),
        }
    }

    fn message(&self, mail: &OutgoingMail) -> Result<Message, MailError> {
        let to = recipient(mail)?;
        let id = &mail.message_id;
        if id.is_empty()
            || id
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>'))
        {
            return Err(MailError::BadMessage(format!(
                "Message-ID {id:?} must be non-empty, without <>, spaces or control characters"
            )));
        }
        let alternatives = MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone());
        let body = match &mail.attachment {
            None => alternatives,
            Some(file) => {
                let content_type = ContentType::parse(&file.content_type)
                    .map_err(|e| MailError::BadMessage(format!("content type {:?}: {e}", file.content_type)))?;
                let part: SinglePart =
                    lettre::message::Attachment::new(file.filename.clone()).body(file.bytes.clone(), content_type);
                MultiPart::mixed().multipart(alternatives).singlepart(part)
            }
        };
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(format!("<{id}>")))
            .date_now()
            .multipart(body)
            .map_err(|e| MailError::BadMessage(e.to_string()))
    }
}

fn recipient(mail: &OutgoingMail) -> Result<Mailbox, MailError> {
    let address = mail
        .to_email
        .trim()
        .parse()
        .map_err(|e: lettre::address::AddressError| MailError::BadRecipient {
            address: mail.to_email.clone(),
            reason: e.to_string(),
        })?;
    let name = mail.to_name.trim();
    Ok(Mailbox::new((!name.is_empty()).then(|| name.to_owned()), address))
}
