//! The outbox: certificate mail sent from the same durable leased queue as the enrolment jobs
//! (table `outbox`). A mail is queued in the transaction that issues or revokes its certificate,
//! claimed with a lease, and finished only once the SMTP server accepted it; a transient
//! failure (server down, 4xx) backs off and retries, a permanent one (5xx, a bad address) is
//! parked for an admin. Each mail has a Message-ID fixed by its certificate and kind, so the
//! rare repeat (a crash after the server accepted, before we noted it) is recognisable as one.

use crate::certificates::locale_of;
use crate::engine::Engine;
use crate::worker::backoff;
use anyhow::anyhow;
use mm_mail::compose::{CertificateMail, RevokedMail, certificate_mail, revoked_mail};
use mm_mail::{Attachment, MailError, OutgoingMail};
use mm_store::{ClaimedJob, JobFailure, MailKey, MailKind};

/// What one round of the outbox did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct OutboxRound {
    pub sent: usize,
    pub retrying: usize,
    pub parked: usize,
}

/// Why a mail was not sent.
#[derive(Debug, thiserror::Error)]
enum DeliveryError {
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error("{0:#}")]
    Other(#[from] anyhow::Error),
}

impl Engine {
    /// Sends the due mail, a few at a time; returns what happened. Does nothing without
    /// `[smtp]`.
    pub async fn run_outbox_round(&self) -> anyhow::Result<OutboxRound> {
        let mut round = OutboxRound::default();
        if self.certs.mailer.is_none() {
            return Ok(round);
        }
        let lease = i64::try_from(self.config.worker.lease.as_secs()).unwrap_or(120);
        let queue = self.store.queue::<MailKey>();
        let jobs = queue.claim(&self.worker_id, 20, lease, self.now()).await?;
        for job in &jobs {
            match self.deliver(&job.key).await {
                Ok(()) => {
                    queue.complete(&[job], self.now()).await?;
                    round.sent += 1;
                }
                Err(e) => {
                    let parked = self.mail_failed(job, &e).await?;
                    if parked {
                        round.parked += 1;
                    } else {
                        round.retrying += 1;
                    }
                }
            }
        }
        self.metrics.mails("sent", round.sent);
        self.metrics.mails("retrying", round.retrying);
        self.metrics.mails("parked", round.parked);
        Ok(round)
    }

    /// Runs outbox rounds until nothing is due (for `reconcile --once` and tests).
    pub async fn drain_outbox(&self) -> anyhow::Result<OutboxRound> {
        let mut total = OutboxRound::default();
        loop {
            let r = self.run_outbox_round().await?;
            total.sent += r.sent;
            total.retrying += r.retrying;
            total.parked += r.parked;
            // A round that sent nothing has nothing due left (or only mail backing off).
            if r.sent == 0 {
                return Ok(total);
            }
        }
    }

    /// Records a failed mail: retried later when transient, parked when not (or after
    /// `worker.max_attempts`). Returns whether it was parked.
    async fn mail_failed(&self, job: &ClaimedJob<MailKey>, e: &DeliveryError) -> anyhow::Result<bool> {
        let transient = matches!(e, DeliveryError::Mail(m) if m.is_transient());
        let parked = !transient || job.attempts >= self.config.worker.max_attempts;
        let next = if parked {
            JobFailure::Dead
        } else {
            let delay = backoff(&self.config.worker, job.attempts);
            JobFailure::RetryAt(self.now().plus_seconds(i64::try_from(delay.as_secs()).unwrap_or(3600)))
        };
        let code = match e {
            DeliveryError::Mail(m) => m.code(),
            DeliveryError::Other(_) => "mail_failed",
        };
        let message = format!("{code}: {e}");
        tracing::warn!(certificate = job.key.code, kind = job.key.kind.as_str(), error = %message, parked, "certificate mail not sent");
        self.store
            .queue::<MailKey>()
            .fail(
                job,
                mm_store::ErrorNote {
                    message: message.clone(),
                    code: Some(code.to_owned()),
                    params: None,
                },
                next,
                self.now(),
            )
            .await?;
        if let Some(row) = self.store.certificate(&job.key.code).await? {
            self.audit_mail(&row.cert.key, &job.key, Some(message)).await;
        }
        Ok(parked)
    }

    async fn deliver(&self, key: &MailKey) -> Result<(), DeliveryError> {
        let mailer = self
            .certs
            .mailer
            .as_ref()
            .ok_or_else(|| anyhow!("no [smtp] configured"))?;
        let row = self
            .store
            .certificate(&key.code)
            .await
            .map_err(anyhow::Error::from)?
            .ok_or_else(|| anyhow!("certificate {} is not in the store", key.code))?;
        let mail = self.compose(key, &row).await?;
        mailer.send(&mail).await?;
        let now = self.now();
        if key.kind == MailKind::Certificate {
            self.store
                .mark_emailed(&key.code, now)
                .await
                .map_err(anyhow::Error::from)?;
        }
        self.audit_mail(&row.cert.key, key, None).await;
        Ok(())
    }

    async fn compose(&self, key: &MailKey, row: &mm_store::CertificateRow) -> anyhow::Result<OutgoingMail> {
        let c = &row.cert;
        let host = self.config.public_url.host_str().unwrap_or("localhost");
        let message_id = format!("{}-{}@{host}", key.kind.as_str(), c.code);
        let issuer = self.config.certificates.issuer.clone();
        let locale = locale_of(&c.lang);
        match key.kind {
            MailKind::Certificate => {
                let pdf = self.certificate_pdf(row).await?;
                let (download_url, until) = self.certificate_download_url(&c.code).await?;
                let signed = mm_credential::SignedPayload::parse_token(&c.token).map_err(|e| anyhow!("{e}"))?;
                let replaces = self.replaced_number(c).await?;
                let m = CertificateMail {
                    locale,
                    learner_name: c.learner_name.clone(),
                    course: c.course_name.clone(),
                    number: c.number.clone(),
                    issuer,
                    download_url,
                    download_until_unix: until.0,
                    verify_url: self.verification_url(&signed),
                    replaces,
                };
                let attachment = Attachment {
                    filename: format!("{}.pdf", c.number),
                    content_type: "application/pdf".into(),
                    bytes: pdf,
                };
                Ok(certificate_mail(
                    &m,
                    c.key.learner.as_str(),
                    &message_id,
                    Some(attachment),
                ))
            }
            MailKind::Revoked => {
                let m = RevokedMail {
                    locale,
                    learner_name: c.learner_name.clone(),
                    course: c.course_name.clone(),
                    number: c.number.clone(),
                    reason: row.revoked.as_ref().map(|r| r.reason.clone()).unwrap_or_default(),
                    issuer,
                };
                Ok(revoked_mail(&m, c.key.learner.as_str(), &message_id))
            }
        }
    }

    /// The number of the version a certificate supersedes, if any.
    async fn replaced_number(&self, c: &mm_store::NewCertificate) -> anyhow::Result<Option<String>> {
        if c.version <= 1 {
            return Ok(None);
        }
        let filter = mm_store::CertificateFilter {
            site: Some(c.key.site.clone()),
            course: Some(c.key.course.to_string()),
            learner: Some(c.key.learner.as_str().to_string()),
        };
        Ok(self
            .store
            .certificates(&filter)
            .await?
            .into_iter()
            .find(|r| r.superseded_by.as_deref() == Some(c.code.as_str()))
            .map(|r| r.cert.number))
    }

    async fn audit_mail(&self, key: &mm_core::EntitlementKey, mail: &MailKey, error: Option<String>) {
        let entry = mm_store::AuditEntry {
            key: key.clone(),
            action: format!("mail_{}", mail.kind.as_str()),
            before: None,
            after: None,
            reason: format!("certificate {}", mail.code),
            job: "outbox".to_string(),
            ok: error.is_none(),
            error,
        };
        if let Err(e) = self.store.audit(&entry, self.now()).await {
            tracing::warn!(error = %e, "writing the audit log failed");
        }
    }
}
