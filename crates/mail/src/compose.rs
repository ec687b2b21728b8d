//! The localized bodies of the certificate mails (text and HTML, the same words in both).

use mm_i18n::{Locale, format_date, text};

use crate::html::{escape, escape_lines};
use crate::{Attachment, OutgoingMail};

/// What the mail announcing a certificate says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateMail {
    pub locale: Locale,
    pub learner_name: String,
    pub course: String,
    /// The certificate number, as printed on it.
    pub number: String,
    /// Who issues it (the academy's name), for the sign-off.
    pub issuer: String,
    pub download_url: String,
    /// The download link works until then.
    pub download_until_unix: i64,
    pub verify_url: String,
    /// The number of the certificate this one replaces, when it is a re-issue.
    pub replaces: Option<String>,
}

/// What the mail announcing a revocation says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevokedMail {
    pub locale: Locale,
    pub learner_name: String,
    pub course: String,
    pub number: String,
    pub reason: String,
    pub issuer: String,
}

/// One paragraph of a mail: plain words, or words followed by a link.
enum Paragraph {
    Words { text: String, muted: bool },
    Link { text: String, url: String },
}

/// The mail sending a certificate (the PDF attached when given).
pub fn certificate_mail(
    m: &CertificateMail,
    to_email: &str,
    message_id: &str,
    pdf: Option<Attachment>,
) -> OutgoingMail {
    let t = |key: &str, args: &[(&str, &str)]| text(m.locale, key, args);
    let until = format_date(m.locale, m.download_until_unix);
    let mut paragraphs = vec![
        Paragraph::Words {
            text: t("mail-greeting", &[("name", &m.learner_name)]),
            muted: false,
        },
        Paragraph::Words {
            text: t("mail-body", &[("course", &m.course), ("number", &m.number)]),
            muted: false,
        },
    ];
    if let Some(old) = &m.replaces {
        paragraphs.push(Paragraph::Words {
            text: t("mail-superseded", &[("old", old)]),
            muted: true,
        });
    }
    paragraphs.extend([
        Paragraph::Link {
            text: t("mail-download", &[("until", &until)]),
            url: m.download_url.clone(),
        },
        Paragraph::Link {
            text: t("mail-verify", &[]),
            url: m.verify_url.clone(),
        },
        Paragraph::Words {
            text: t("mail-signoff", &[("issuer", &m.issuer)]),
            muted: false,
        },
    ]);
    let subject = t("mail-subject", &[("course", &m.course)]);
    let to = Recipient {
        name: &m.learner_name,
        email: to_email,
        message_id,
    };
    outgoing(m.locale, to, subject, &paragraphs, pdf)
}

/// Who a mail goes to, and its Message-ID.
struct Recipient<'a> {
    name: &'a str,
    email: &'a str,
    message_id: &'a str,
}

/// The mail of these paragraphs, as text and HTML.
fn outgoing(
    locale: Locale,
    to: Recipient<'_>,
    subject: String,
    paragraphs: &[Paragraph],
    attachment: Option<Attachment>,
) -> OutgoingMail {
    OutgoingMail {
        to_name: to.name.to_owned(),
        to_email: to.email.to_owned(),
        text: plain(paragraphs),
        html: html(locale, &subject, paragraphs),
        subject,
        message_id: to.message_id.to_owned(),
        attachment,
    }
}

/// The mail telling a learner their certificate was revoked.
pub fn revoked_mail(m: &RevokedMail, to_email: &str, message_id: &str) -> OutgoingMail {
    let t = |key: &str, args: &[(&str, &str)]| text(m.locale, key, args);
    let paragraphs = [
        Paragraph::Words {
            text: t("mail-greeting", &[("name", &m.learner_name)]),
            muted: false,
        },
        Paragraph::Words {
            text: t(
                "mail-revoked-body",
                &[("course", &m.course), ("number", &m.number), ("reason", &m.reason)],
            ),
            muted: false,
        },
        Paragraph::Words {
            text: t("mail-signoff", &[("issuer", &m.issuer)]),
            muted: false,
        },
    ];
    let subject = t("mail-revoked-subject", &[("course", &m.course)]);
    let to = Recipient {
        name: &m.learner_name,
        email: to_email,
        message_id,
    };
    outgoing(m.locale, to, subject, &paragraphs, None)
}

fn plain(paragraphs: &[Paragraph]) -> String {
    let blocks: Vec<String> = paragraphs
        .iter()
        .map(|p| match p {
            Paragraph::Words { text, .. } => text.clone(),
            Paragraph::Link { text, url } => format!("{text}\n{url}"),
        })
        .collect();
    blocks.join("\n\n") + "\n"
}

/// Table layout and inline styles: what mail clients (Outlook included) render consistently.
fn html(locale: Locale, subject: &str, paragraphs: &[Paragraph]) -> String {
    const P: &str = "margin:0 0 16px 0;";
    let body: String = paragraphs
        .iter()
        .map(|p| match p {
            Paragraph::Words { text, muted: false } => format!("<p style=\"{P}\">{}</p>\n", escape_lines(text)),
            Paragraph::Words { text, muted: true } => {
                format!("<p style=\"{P}color:#52606d;font-style:italic;\">{}</p>\n", escape_lines(text))
            }
            Paragraph::Link { text, url } => format!(
                "<p style=\"{P}\">{}<br>\n<a href=\"{url}\" style=\"color:#1d4ed8;word-break:break-all;\">{url}</a></p>\n",
                escape_lines(text),
                url = escape(url),
            ),
        })
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title></head>\n\
<body style=\"margin:0;padding:0;background:#f4f5f7;\">\n\
<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"background:#f4f5f7;\"><tr><td align=\"center\" style=\"padding:24px 12px;\">\n\
<table role=\"presentation\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\" style=\"max-width:600px;width:100%;background:#ffffff;border-radius:8px;\">\n\
<tr><td style=\"padding:32px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1f2933;\">\n\
{body}</td></tr>\n</table>\n</td></tr></table>\n</body>\n</html>\n",
        lang = locale.tag(),
        title = escape(subject),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn certificate(locale: &str) -> CertificateMail {
        CertificateMail {
            locale: locale.parse().unwrap(),
            learner_name: "<script>alert(1)</script> O'Brien & \"Co\"".into(),
            course: "Safety <b>first</b>".into(),
            number: "MM-2026-0042".into(),
            issuer: "Academy & Partners".into(),
            download_url: "https://example.org/d?a=1&b=\"2\"".into(),
            download_until_unix: 1_796_601_600,
            verify_url: "https://example.org/v/MM-2026-0042".into(),
            replaces: Some("MM-2026-0007".into()),
        }
    }

    #[test]
    fn names_are_escaped_in_html_and_kept_in_text() {
        let m = certificate("en-GB");
        let mail = certificate_mail(&m, "learner@example.org", "cert-x-v2@example.org", None);
        assert!(!mail.html.contains("<script>"), "{}", mail.html);
        assert!(!mail.html.contains("<b>first"), "{}", mail.html);
        assert!(
            mail.html
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; O&#39;Brien &amp; &quot;Co&quot;")
        );
        assert!(
            mail.html
                .contains("href=\"https://example.org/d?a=1&amp;b=&quot;2&quot;\"")
        );
        assert!(mail.text.contains(&m.learner_name) && mail.text.contains(&m.download_url));
        assert_eq!(mail.to_name, m.learner_name);
        assert!(mail.subject.contains(&m.course));
    }

    #[test]
    fn localized_with_every_part() {
        for tag in ["en-GB", "es-ES"] {
            let m = certificate(tag);
            let mail = certificate_mail(&m, "learner@example.org", "id@example.org", None);
            let until = format_date(m.locale, m.download_until_unix);
            for part in [&m.number, &until, &m.verify_url, "MM-2026-0007", "Academy & Partners"] {
                assert!(mail.text.contains(part), "{tag}: text lacks {part}: {}", mail.text);
            }
            assert!(mail.html.contains(&format!("lang=\"{tag}\"")));
            assert_eq!(mail.subject, text(m.locale, "mail-subject", &[("course", &m.course)]));
        }
        let en = certificate_mail(&certificate("en-GB"), "a@example.org", "i@x", None);
        let es = certificate_mail(&certificate("es-ES"), "a@example.org", "i@x", None);
        assert_ne!(en.subject, es.subject);
        let mut first_issue = certificate("en-GB");
        first_issue.replaces = None;
        assert!(
            !certificate_mail(&first_issue, "a@example.org", "i@x", None)
                .text
                .contains("MM-2026-0007")
        );
    }

    #[test]
    fn revoked_mail_says_why() {
        let m = RevokedMail {
            locale: "es-ES".parse().unwrap(),
            learner_name: "Ana <i>".into(),
            course: "Primeros auxilios".into(),
            number: "MM-1".into(),
            reason: "pago devuelto".into(),
            issuer: "Academia".into(),
        };
        let mail = revoked_mail(&m, "ana@example.org", "revoked-MM-1@example.org");
        assert!(mail.text.contains("pago devuelto") && mail.text.contains("MM-1"));
        assert!(mail.html.contains("Ana &lt;i&gt;"));
        assert_eq!(mail.attachment, None);
        assert_eq!(
            mail.subject,
            text(m.locale, "mail-revoked-subject", &[("course", "Primeros auxilios")])
        );
    }
}
