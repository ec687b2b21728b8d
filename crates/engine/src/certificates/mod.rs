//! Certificates, level-triggered like enrolments: a stored completion of an active (paid)
//! entitlement with no certificate for it is due, and is issued once; a certificate whose access
//! was credited, deleted or unpaid again is revoked (per `on_revoke_certificate`). Each issue
//! and revocation queues its mail in the same transaction ([`crate::outbox`] sends it).
//!
//! The decisions are `mm_core::certificate`'s; here they are applied: numbers reserved,
//! payloads signed ([`keys`]), PDFs rendered and sealed ([`document`]), answers for the
//! verification page, the API and the CLI.

mod document;
mod keys;
pub mod template;
mod verify;

pub use document::{certificate_texts, hours_line, locale_of};
pub use keys::Keys;
pub use verify::{CertificateView, UploadCheck};

use crate::engine::Engine;
use anyhow::{Context, anyhow};
use mm_core::certificate::{
    CertificateDue, CertificateRevokePolicy, RevocationReason, certificate_due, certificate_number,
    certificate_revocation,
};
use mm_core::{EntitlementKey, Timestamp};
use mm_credential::CertificatePayload;
use mm_i18n::Locale;
use mm_mail::{Mailer, SmtpSettings};
use mm_pdf::Renderer;
use mm_store::{AuditEntry, CertificateFilter, CertificateRow, MailKey, MailKind, NewCertificate};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// What the certificate services hold between calls: the renderer (fonts parsed once), the
/// mailer, the signing keys.
pub struct Services {
    renderer: OnceLock<Arc<Renderer>>,
    pub(crate) mailer: Option<Mailer>,
    keys: tokio::sync::OnceCell<Keys>,
}

impl Services {
    pub(crate) fn new(config: &crate::config::Config) -> anyhow::Result<Services> {
        let mailer = match &config.smtp {
            Some(smtp) => {
                let settings = SmtpSettings::parse(&smtp.url, &smtp.from, smtp.password.clone(), smtp.timeout)?;
                Some(Mailer::new(&settings)?)
            }
            None => None,
        };
        Ok(Services {
            renderer: OnceLock::new(),
            mailer,
            keys: tokio::sync::OnceCell::new(),
        })
    }

    pub(crate) fn renderer(&self) -> anyhow::Result<Arc<Renderer>> {
        if let Some(r) = self.renderer.get() {
            return Ok(r.clone());
        }
        let r = Arc::new(Renderer::new().context("loading the certificate fonts")?);
        Ok(self.renderer.get_or_init(|| r).clone())
    }
}

/// What one pass over certificates did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CertificatePass {
    pub issued: Vec<String>,
    pub revoked: Vec<String>,
    pub rendered: usize,
    pub errors: Vec<String>,
}

impl CertificatePass {
    pub fn describe(&self) -> String {
        let mut s = format!(
            "certificates: {} issued, {} revoked, {} rendered",
            self.issued.len(),
            self.revoked.len(),
            self.rendered
        );
        if !self.errors.is_empty() {
            s.push_str(&format!("; {} failed: {}", self.errors.len(), self.errors.join("; ")));
        }
        s
    }
}

/// Who or what causes an issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueCause {
    Completion,
    Admin { by: String },
}

impl IssueCause {
    /// As stored (`certificates.cause`): only completions follow the access when revoked.
    fn stored(&self) -> &'static str {
        match self {
            IssueCause::Completion => "completion",
            IssueCause::Admin { .. } => "admin",
        }
    }

    /// Who, for the audit log.
    fn by(&self) -> &str {
        match self {
            IssueCause::Completion => "completion",
            IssueCause::Admin { by } => by,
        }
    }
}

/// What the certificate of a key says about its learner and course.
struct Particulars {
    learner_name: String,
    course_name: String,
    lang: Locale,
}

impl Engine {
    /// Issues every due certificate, revokes those whose access was taken back, and renders
    /// any that a crash left without a PDF. Safe to run any time, from any replica.
    pub async fn reconcile_certificates(&self) -> anyhow::Result<CertificatePass> {
        let mut pass = CertificatePass::default();
        if !self.config.certificates.enabled {
            return Ok(pass);
        }
        self.issue_due(&mut pass).await?;
        self.revoke_due(&mut pass).await?;
        for row in self.store.certificates_without_file().await? {
            match self.render_certificate(&row).await {
                Ok(_) => pass.rendered += 1,
                Err(e) => pass.errors.push(format!("{}: {e:#}", row.cert.number)),
            }
        }
        if !pass.issued.is_empty() || !pass.revoked.is_empty() {
            self.signals.mail_queued();
        }
        Ok(pass)
    }

    async fn issue_due(&self, pass: &mut CertificatePass) -> anyhow::Result<()> {
        let due: Vec<(EntitlementKey, CertificateDue)> = self
            .store
            .uncertified_completions()
            .await?
            .into_iter()
            .filter_map(|c| certificate_due(Some(c.completed_at), true, c.latest).map(|d| (c.key, d)))
            .collect();
        if due.is_empty() {
            return Ok(());
        }
        let particulars = self.particulars(due.iter().map(|(k, _)| k)).await;
        for (key, d) in due {
            let p = particulars.get(&key);
            match self.issue(&key, d, p, IssueCause::Completion).await {
                Ok(Some(number)) => pass.issued.push(number),
                Ok(None) => {}
                Err(e) => pass.errors.push(format!("{key}: {e:#}")),
            }
        }
        Ok(())
    }

    async fn revoke_due(&self, pass: &mut CertificatePass) -> anyhow::Result<()> {
        for row in self.store.certificates_without_access().await? {
            if row.cert.cause != IssueCause::Completion.stored() {
                continue;
            }
            let entitlement = self.store.entitlement(&row.cert.key).await?;
            let policy = self.certificate_revoke_policy(&row.cert.key);
            if let Some(reason) = certificate_revocation(entitlement.as_ref(), policy)
                && self.revoke_row(&row, &reason, "reconcile").await?
            {
                pass.revoked.push(row.cert.number.clone());
            }
        }
        Ok(())
    }

    /// A certificate setting of a key: its course's, else its site's, else `[certificates]`'.
    fn certificate_setting<T>(
        &self,
        key: &EntitlementKey,
        course: impl Fn(&crate::config::CourseCertificate) -> Option<T>,
        site: impl Fn(&crate::config::SiteCertificates) -> Option<T>,
    ) -> Option<T> {
        self.config
            .certificates
            .course(&key.site, &key.course.to_string())
            .and_then(course)
            .or_else(|| {
                let m = self.config.moodle.iter().find(|m| m.name == key.site)?;
                site(&m.certificates)
            })
    }

    fn certificate_revoke_policy(&self, key: &EntitlementKey) -> CertificateRevokePolicy {
        self.certificate_setting(key, |c| c.on_revoke, |s| s.on_revoke)
            .unwrap_or(self.config.certificates.on_revoke)
    }

    fn valid_for(&self, key: &EntitlementKey) -> Option<std::time::Duration> {
        self.certificate_setting(key, |c| c.valid_for, |s| s.valid_for)
            .or(self.config.certificates.valid_for)
    }

    /// Issues one certificate: a number reserved, the payload signed, the row stored with its
    /// mail queued, then the PDF rendered. `None` when another issuer stored this version first.
    async fn issue(
        &self,
        key: &EntitlementKey,
        due: CertificateDue,
        particulars: Option<&Particulars>,
        cause: IssueCause,
    ) -> anyhow::Result<Option<String>> {
        let now = self.now();
        let config = &self.config.certificates;
        let fallback;
        let p = match particulars {
            Some(p) => p,
            None => {
                fallback = self.fallback_particulars(key).await?;
                &fallback
            }
        };
        let course = key.course.to_string();
        let hours = config.course(&key.site, &course).and_then(|c| c.hours.clone());
        let valid_until = self
            .valid_for(key)
            .map(|d| now.plus_seconds(i64::try_from(d.as_secs()).unwrap_or(i64::MAX)));
        let sequence = self.store.reserve_numbers("certificate", 1).await?;
        let number = certificate_number(&config.number_prefix, now, sequence);
        let payload = CertificatePayload {
            number: number.clone(),
            code: mm_credential::random_code(),
            learner: p.learner_name.clone(),
            course: p.course_name.clone(),
            hours: hours.clone(),
            completed_on: due.completed_at.date(),
            issued_on: now.date(),
            valid_until: valid_until.map(Timestamp::date),
            version: due.version,
            issuer: config.issuer.clone(),
        };
        let keys = self.certificate_keys().await?;
        let signed = mm_credential::sign(keys.signing(), payload);
        let cert = NewCertificate {
            code: signed.payload.code.clone(),
            number: number.clone(),
            key: key.clone(),
            version: due.version,
            learner_name: p.learner_name.clone(),
            course_name: p.course_name.clone(),
            hours,
            lang: p.lang.tag().to_string(),
            completed_at: due.completed_at,
            issued_at: now,
            valid_until,
            cause: cause.stored().to_string(),
            token: signed.token(),
            kid: keys.signing().kid().to_string(),
        };
        let mail = self.certs.mailer.is_some() && config.email;
        if !self.store.insert_certificate(&cert, mail, now).await? {
            return Ok(None);
        }
        self.metrics.certificates("issued", 1);
        let event = crate::events::certificate_event(
            crate::events::CERTIFICATE_ISSUED,
            key,
            &cert.code,
            &number,
            serde_json::json!({ "version": due.version, "completed_at": crate::events::rfc3339(due.completed_at) }),
            now,
        );
        self.emit(&[event]).await;
        let by = cause.by();
        self.audit_certificate(
            key,
            "certificate_issued",
            &format!("{number} v{} ({by})", due.version),
            None,
        )
        .await;
        let row = CertificateRow {
            cert,
            sha256: None,
            size: None,
            superseded_by: None,
            revoked: None,
            emailed_at: None,
        };
        if let Err(e) = self.render_certificate(&row).await {
            // Stored and signed: the next pass renders it again.
            tracing::warn!(number, error = %format!("{e:#}"), "rendering a new certificate failed; it is retried");
        }
        Ok(Some(number))
    }

    async fn revoke_row(&self, row: &CertificateRow, reason: &RevocationReason, by: &str) -> anyhow::Result<bool> {
        let mail = self.certs.mailer.is_some() && self.config.certificates.email && row.superseded_by.is_none();
        let text = reason.to_string();
        let done = self
            .store
            .revoke_certificate(&row.cert.code, &text, mail, self.now())
            .await?;
        if done {
            self.metrics.certificates("revoked", 1);
            let event = crate::events::certificate_event(
                crate::events::CERTIFICATE_REVOKED,
                &row.cert.key,
                &row.cert.code,
                &row.cert.number,
                serde_json::json!({ "reason": text }),
                self.now(),
            );
            self.emit(&[event]).await;
            self.audit_certificate(
                &row.cert.key,
                "certificate_revoked",
                &format!("{} ({by}): {text}", row.cert.number),
                None,
            )
            .await;
        }
        Ok(done)
    }

    async fn audit_certificate(&self, key: &EntitlementKey, action: &str, reason: &str, error: Option<String>) {
        let entry = AuditEntry {
            key: key.clone(),
            action: action.to_string(),
            before: None,
            after: None,
            reason: reason.to_string(),
            job: "certificates".to_string(),
            ok: error.is_none(),
            error,
        };
        if let Err(e) = self.store.audit(&entry, self.now()).await {
            tracing::warn!(error = %e, "writing the audit log failed");
        }
    }

    /// Names and languages of many keys' learners and courses, in a few Moodle calls per site
    /// (one for the courses, one for the learners); what Moodle cannot say comes from the store.
    async fn particulars<'a>(
        &self,
        keys: impl Iterator<Item = &'a EntitlementKey>,
    ) -> HashMap<EntitlementKey, Particulars> {
        let mut by_site: HashMap<&str, Vec<&EntitlementKey>> = HashMap::new();
        for k in keys {
            by_site.entry(k.site.as_str()).or_default().push(k);
        }
        let mut out = HashMap::new();
        for (site, keys) in by_site {
            let moodle = self.moodle_particulars(site, &keys).await.unwrap_or_else(|e| {
                tracing::warn!(site, error = %format!("{e:#}"), "reading names and languages from Moodle failed; using the invoice's");
                MoodleParticulars::default()
            });
            for k in keys {
                if let Ok(p) = self.particulars_of(k, &moodle).await {
                    out.insert(k.clone(), p);
                }
            }
        }
        out
    }

    async fn fallback_particulars(&self, key: &EntitlementKey) -> anyhow::Result<Particulars> {
        let moodle = self.moodle_particulars(&key.site, &[key]).await.unwrap_or_default();
        self.particulars_of(key, &moodle).await
    }

    async fn particulars_of(&self, key: &EntitlementKey, moodle: &MoodleParticulars) -> anyhow::Result<Particulars> {
        let course = key.course.to_string();
        let entitlement = self.store.entitlement(key).await?;
        let learner_name = entitlement
            .as_ref()
            .map(|e| {
                format!("{} {}", e.profile.firstname, e.profile.lastname)
                    .trim()
                    .to_string()
            })
            .filter(|n| !n.is_empty())
            .or_else(|| moodle.names.get(key.learner.as_str()).cloned())
            .unwrap_or_else(|| key.learner.as_str().to_string());
        let course_name = self
            .config
            .certificates
            .course(&key.site, &course)
            .and_then(|c| c.name.clone())
            .or_else(|| moodle.courses.get(&course).cloned())
            .unwrap_or(course);
        let default = self
            .config
            .certificates
            .default_language
            .parse()
            .unwrap_or(Locale::FALLBACK);
        let lang = Locale::negotiate(moodle.langs.get(key.learner.as_str()).map(String::as_str), default);
        Ok(Particulars {
            learner_name,
            course_name,
            lang,
        })
    }

    async fn moodle_particulars(&self, site: &str, keys: &[&EntitlementKey]) -> anyhow::Result<MoodleParticulars> {
        let client = &self
            .sites
            .get(site)
            .ok_or_else(|| anyhow!("site `{site}` is not configured"))?
            .client;
        let mut out = MoodleParticulars::default();
        let course_ids = self.store.applied_course_ids().await?;
        let mut ids: Vec<(i64, String)> = keys
            .iter()
            .filter_map(|k| {
                course_ids
                    .get(&(k.site.clone(), k.course.clone()))
                    .map(|id| (*id, k.course.to_string()))
            })
            .collect();
        ids.sort();
        ids.dedup();
        if !ids.is_empty() {
            let courses = client
                .get_courses_by_ids(&ids.iter().map(|(id, _)| *id).collect::<Vec<_>>())
                .await?;
            for (id, reference) in &ids {
                if let Some(c) = courses.iter().find(|c| c.id == *id) {
                    out.courses.insert(reference.clone(), c.fullname.clone());
                }
            }
        }
        let learners: Vec<&mm_core::Email> = keys.iter().map(|k| &k.learner).collect();
        let user_ids = self.store.moodle_users(site, &learners).await?;
        if !user_ids.is_empty() {
            let values: Vec<String> = user_ids.values().map(i64::to_string).collect();
            let users = client.get_users_by_field(mm_moodle::UserField::Id, &values).await?;
            for (email, id) in &user_ids {
                if let Some(u) = users.iter().find(|u| u.id == *id) {
                    if let Some(lang) = &u.lang {
                        out.langs.insert(email.as_str().to_string(), lang.clone());
                    }
                    out.names.insert(email.as_str().to_string(), u.fullname.clone());
                }
            }
        }
        Ok(out)
    }

    // ---- the admin's certificate services (CLI, API, UI) ----------------------------------

    /// Certificates matching a filter, newest first.
    /// A page of the certificates of `filter`, newest first: `limit` after the first `offset`.
    pub async fn certificates_page(
        &self,
        filter: &CertificateFilter,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<CertificateRow>, mm_store::StoreError> {
        self.store.certificates_page(filter, offset, Some(limit)).await
    }

    pub async fn list_certificates(&self, filter: &CertificateFilter) -> anyhow::Result<Vec<CertificateRow>> {
        Ok(self.store.certificates(filter).await?)
    }

    /// A certificate by its code or printed number.
    pub async fn find_certificate(&self, code_or_number: &str) -> anyhow::Result<CertificateRow> {
        self.store.find_certificate(code_or_number).await?.ok_or_else(|| {
            anyhow!("no certificate has the code or number `{code_or_number}`; `certificate list` shows them")
        })
    }

    /// Issues a certificate by hand (`certificate issue`): the next version of the key's, for
    /// its stored completion or, without one, completed now.
    pub async fn issue_certificate_by_admin(&self, key: &EntitlementKey, by: &str) -> anyhow::Result<String> {
        let latest = self.store.latest_certificate(key).await?;
        let completed_at = self
            .store
            .progress(key)
            .await?
            .and_then(|p| p.completed_at)
            .map_or_else(|| self.now(), Timestamp);
        let due = CertificateDue {
            version: latest.map_or(1, |l| l.version + 1),
            completed_at,
        };
        let number = self
            .issue(key, due, None, IssueCause::Admin { by: by.to_string() })
            .await?
            .ok_or_else(|| {
                anyhow!(
                    "another issuer stored version {} of {key} at the same moment; list it",
                    due.version
                )
            })?;
        self.signals.mail_queued();
        Ok(number)
    }

    /// `certificate reissue`: a new version of the same key that supersedes this one.
    pub async fn reissue_certificate(&self, code_or_number: &str, by: &str) -> anyhow::Result<String> {
        let row = self.find_certificate(code_or_number).await?;
        self.issue_certificate_by_admin(&row.cert.key, by).await
    }

    /// `certificate revoke`: revoked with the admin's note.
    pub async fn revoke_certificate_by_admin(
        &self,
        code_or_number: &str,
        note: &str,
        by: &str,
    ) -> anyhow::Result<bool> {
        let row = self.find_certificate(code_or_number).await?;
        let reason = RevocationReason::Admin {
            by: by.to_string(),
            note: note.to_string(),
        };
        let done = self.revoke_row(&row, &reason, by).await?;
        self.signals.mail_queued();
        Ok(done)
    }

    /// `certificate resend`: its mail queued again (the same Message-ID, so a mail client
    /// recognises a repeat).
    pub async fn resend_certificate(&self, code_or_number: &str) -> anyhow::Result<()> {
        let row = self.find_certificate(code_or_number).await?;
        if self.certs.mailer.is_none() {
            return Err(anyhow!(
                "no [smtp] is configured, so no mail can be sent; add an [smtp] block"
            ));
        }
        let kind = if row.revoked.is_some() {
            MailKind::Revoked
        } else {
            MailKind::Certificate
        };
        self.store
            .queue_mail(
                &MailKey {
                    code: row.cert.code.clone(),
                    kind,
                },
                self.now(),
            )
            .await?;
        self.signals.mail_queued();
        Ok(())
    }

    /// `certificate export --zip`: the PDFs of the matching certificates in one zip, named by
    /// number. Returns how many.
    pub async fn export_certificates(
        &self,
        filter: &CertificateFilter,
        out: &std::path::Path,
    ) -> anyhow::Result<usize> {
        let rows = self.store.certificates(filter).await?;
        let mut files = Vec::with_capacity(rows.len());
        for row in &rows {
            files.push((format!("{}.pdf", row.cert.number), self.certificate_pdf(row).await?));
        }
        let out = out.to_path_buf();
        let n = files.len();
        tokio::task::spawn_blocking(move || write_zip(&out, files))
            .await
            .context("the zip writer stopped")??;
        Ok(n)
    }
}

#[derive(Default)]
struct MoodleParticulars {
    /// Course reference → Moodle's full name.
    courses: HashMap<String, String>,
    /// Learner email → Moodle `lang`.
    langs: HashMap<String, String>,
    names: HashMap<String, String>,
}

fn write_zip(path: &std::path::Path, files: Vec<(String, Vec<u8>)>) -> anyhow::Result<()> {
    use std::io::Write as _;
    let file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    // PDFs are compressed already: stored, not deflated.
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in files {
        zip.start_file(name, options)?;
        zip.write_all(&bytes)?;
    }
    zip.finish()?;
    Ok(())
}

/// What an operator does to a certificate from the admin or the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateOperation {
    /// Revoke it, with the operator's note.
    Revoke { note: String },
    /// Queue its mail again.
    Resend,
    /// Issue the next version (it supersedes this one).
    Reissue,
}

impl CertificateOperation {
    fn name(&self) -> &'static str {
        match self {
            CertificateOperation::Revoke { .. } => "certificate.revoke",
            CertificateOperation::Resend => "certificate.resend",
            CertificateOperation::Reissue => "certificate.reissue",
        }
    }
}

impl Engine {
    /// Revokes, resends or re-issues a certificate for an operator and notes it in the
    /// operator's audit log, done or refused. Returns the code of the certificate acted on (the
    /// new version's, for a re-issue).
    pub async fn operate_certificate(
        &self,
        code_or_number: &str,
        operation: &CertificateOperation,
        actor: &crate::admin::Actor,
    ) -> anyhow::Result<String> {
        let by = actor.to_string();
        let outcome = match operation {
            CertificateOperation::Revoke { note } => self
                .revoke_certificate_by_admin(code_or_number, note, &by)
                .await
                .map(|_| code_or_number.to_owned()),
            CertificateOperation::Resend => self
                .resend_certificate(code_or_number)
                .await
                .map(|()| code_or_number.to_owned()),
            CertificateOperation::Reissue => self.reissue_certificate(code_or_number, &by).await,
        };
        let detail = match (&outcome, operation) {
            (Err(e), _) => Some(e.to_string()),
            (Ok(_), CertificateOperation::Revoke { note }) => Some(note.clone()),
            (Ok(code), CertificateOperation::Reissue) => Some(format!("new version {code}")),
            (Ok(_), CertificateOperation::Resend) => None,
        };
        self.record_action(actor, operation.name(), code_or_number, detail, outcome.is_ok())
            .await;
        outcome
    }
}
