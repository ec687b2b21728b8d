//! Mails through a real SMTP server on loopback (aiosmtpd), and how failures are classified.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use std::time::Duration;

use mm_i18n::{Locale, text};
use mm_mail::compose::{CertificateMail, certificate_mail};
use mm_mail::testing::SmtpServer;
use mm_mail::{Attachment, MailError, Mailer, SmtpSettings};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const FROM: &str = "Academy <no-reply@example.org>";

fn mailer(url: &str) -> Mailer {
    let settings = SmtpSettings::parse(url, FROM, None, Duration::from_secs(5)).unwrap();
    Mailer::new(&settings).unwrap()
}

/// Bytes that look like a PDF and cover every byte value, so any re-encoding shows.
fn pdf() -> Attachment {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..=255u8).cycle().take(70_000));
    Attachment {
        filename: "certificate-MM-0042.pdf".into(),
        content_type: "application/pdf".into(),
        bytes,
    }
}

fn certificate(locale: Locale) -> CertificateMail {
    CertificateMail {
        locale,
        learner_name: "José <script>".into(),
        course: "Primeros auxilios".into(),
        number: "MM-0042".into(),
        issuer: "Academia Ejemplo".into(),
        download_url: "https://academy.example.org/d/abc".into(),
        download_until_unix: 1_796_601_600,
        verify_url: "https://academy.example.org/v/MM-0042".into(),
        replaces: None,
    }
}

#[tokio::test]
async fn a_certificate_arrives_once_with_its_pdf_in_each_language() {
    let Some(server) = SmtpServer::start() else { return };
    let mailer = mailer(&server.url());
    mailer.check().await.unwrap();
    let locales: Vec<Locale> = ["es-ES", "en-GB"].iter().map(|t| t.parse().unwrap()).collect();
    for (i, locale) in locales.iter().enumerate() {
        let id = format!("cert-MM-0042-v{i}@academy.example.org");
        let mail = certificate_mail(&certificate(*locale), "jose@example.org", &id, Some(pdf()));
        mailer.send(&mail).await.unwrap();
    }
    let received = server.wait_for(2, Duration::from_secs(10));
    assert_eq!(received.len(), 2, "{received:#?}");
    for (i, (got, locale)) in received.iter().zip(&locales).enumerate() {
        assert_eq!(got.message_id, format!("cert-MM-0042-v{i}@academy.example.org"));
        assert_eq!(got.to, "jose@example.org");
        assert_eq!(
            got.subject,
            text(*locale, "mail-subject", &[("course", "Primeros auxilios")])
        );
        assert!(
            got.text.contains("MM-0042") && got.text.contains("José <script>"),
            "{}",
            got.text
        );
        assert!(
            got.html.contains("José &lt;script&gt;") && !got.html.contains("<script>"),
            "{}",
            got.html
        );
        assert_eq!(got.attachments, vec![pdf()]);
    }
    assert_ne!(received[0].subject, received[1].subject);
}

#[tokio::test]
async fn a_stopped_server_is_a_transient_failure_and_a_restarted_one_takes_the_mail() {
    let Some(mut server) = SmtpServer::start() else { return };
    let mailer = mailer(&server.url());
    let mail = certificate_mail(
        &certificate(Locale::FALLBACK),
        "a@example.org",
        "retry-1@example.org",
        None,
    );
    mailer.send(&mail).await.unwrap();
    server.stop();
    let err = mailer.send(&mail).await.unwrap_err();
    assert!(err.is_transient(), "{} {err}", err.code());
    assert!(err.to_string().contains("[smtp] url"), "{err}");
    assert!(mailer.check().await.unwrap_err().is_transient());
    server.start_again();
    mailer.send(&mail).await.unwrap();
    let received = server.wait_for(2, Duration::from_secs(10));
    assert_eq!(received.len(), 2);
    assert!(
        received
            .iter()
            .all(|m| m.message_id == "retry-1@example.org" && m.attachments.is_empty())
    );
}

#[tokio::test]
async fn a_bad_recipient_is_permanent_and_sends_nothing() {
    let Some(server) = SmtpServer::start() else { return };
    let mail = certificate_mail(
        &certificate(Locale::FALLBACK),
        "not an address",
        "bad-1@example.org",
        None,
    );
    let err = mailer(&server.url()).send(&mail).await.unwrap_err();
    assert_eq!(err.code(), "mail_recipient_invalid");
    assert!(!err.is_transient());
    assert!(server.received().is_empty());
}

/// A scripted server that greets, accepts EHLO and MAIL FROM, and answers RCPT TO with `reply`.
async fn refusing_server(reply: &'static str) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (read, mut write) = stream.into_split();
            let mut lines = BufReader::new(read).lines();
            write.write_all(b"220 test ESMTP\r\n").await.unwrap();
            while let Ok(Some(line)) = lines.next_line().await {
                let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
                let answer = match verb.as_str() {
                    "EHLO" | "HELO" => "250 test\r\n".to_owned(),
                    "MAIL" | "RSET" | "NOOP" => "250 OK\r\n".to_owned(),
                    "RCPT" => format!("{reply}\r\n"),
                    "QUIT" => "221 bye\r\n".to_owned(),
                    _ => "502 no\r\n".to_owned(),
                };
                if write.write_all(answer.as_bytes()).await.is_err() || verb == "QUIT" {
                    break;
                }
            }
        }
    });
    port
}

#[tokio::test]
async fn replies_5xx_are_permanent_and_4xx_transient() {
    let mail = certificate_mail(
        &certificate(Locale::FALLBACK),
        "nobody@example.org",
        "x-1@example.org",
        None,
    );
    let cases: [(&str, &str, bool); 2] = [
        ("550 5.1.1 no such user", "smtp_rejected", false),
        ("451 4.3.0 try later", "smtp_deferred", true),
    ];
    for (reply, code, transient) in cases {
        let port = refusing_server(reply).await;
        let err: MailError = mailer(&format!("smtp://127.0.0.1:{port}?tls=none"))
            .send(&mail)
            .await
            .unwrap_err();
        assert_eq!((err.code(), err.is_transient()), (code, transient), "{reply}: {err}");
        assert!(err.to_string().contains(&reply[..3]), "{err}");
    }
}

#[tokio::test]
async fn starttls_is_required_when_not_disabled() {
    // The scripted server offers no STARTTLS: nothing may be sent in clear text.
    let port = refusing_server("250 OK").await;
    let mail = certificate_mail(
        &certificate(Locale::FALLBACK),
        "a@example.org",
        "tls-1@example.org",
        None,
    );
    let err = mailer(&format!("smtp://127.0.0.1:{port}"))
        .send(&mail)
        .await
        .unwrap_err();
    assert!(
        matches!(err.code(), "smtp_tls" | "smtp_connection"),
        "{} {err}",
        err.code()
    );
}
