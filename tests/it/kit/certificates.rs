//! The certificate world: the demo world with its service configured to issue certificates for
//! PY101 and to mail them through a real SMTP server on loopback (Debian's aiosmtpd), and the
//! steps that get a learner a certificate (a paid invoice, a completion in Moodle, a pass).

use crate::kit::{http, world};
use axum::http::StatusCode;
use mm_demo::DemoWorld;
use mm_engine::Engine;
use mm_engine::config::SmtpConfig;
use mm_mail::testing::{ReceivedMail, SmtpServer};
use std::sync::Arc;
use std::time::Duration;

pub struct World {
    pub world: DemoWorld,
    pub app: Arc<Engine>,
    pub smtp: SmtpServer,
    pub dir: tempfile::TempDir,
}

impl World {
    /// The demo world with mail to a fresh SMTP server; `None` when aiosmtpd is missing and
    /// not required.
    pub async fn start() -> Option<World> {
        Self::start_with(|_| {}).await
    }

    /// As [`World::start`], with the service's configuration changed by `tune` first.
    pub async fn start_with(tune: impl FnOnce(&mut mm_engine::config::Config)) -> Option<World> {
        let smtp = SmtpServer::start()?;
        let dir = tempfile::tempdir().unwrap();
        let db = format!("sqlite://{}", dir.path().join("mm.sqlite").display());
        let world = world::start(&db, "1s").await;
        let mut config = world.config.clone();
        config.smtp = Some(SmtpConfig {
            url: smtp.url(),
            from: "Demo Academy <no-reply@academy.example>".into(),
            password: None,
            timeout: Duration::from_secs(5),
        });
        config.certificates.dir = dir.path().join("certificates");
        config.certificates.issuer = "Demo Academy".into();
        config.certificates.courses.push(mm_engine::config::CourseCertificate {
            site: None,
            course: "PY101".into(),
            name: None,
            hours: Some("20".into()),
            valid_for: None,
            on_revoke: None,
            template: Default::default(),
        });
        config.worker.retry_base = Duration::from_secs(1);
        config.worker.retry_max = Duration::from_secs(1);
        tune(&mut config);
        let app = Engine::build(config).await.unwrap();
        Some(World { world, app, smtp, dir })
    }

    pub fn customer(&self, email: &str) -> String {
        self.world
            .customers
            .iter()
            .find(|(_, e)| e == email)
            .map(|(c, _)| c.clone())
            .unwrap()
    }

    /// A paid invoice for `email`'s customer, synced and enrolled.
    pub async fn enrolled(&self, email: &str, product: &str) -> i64 {
        let id = self.world.invoice(&self.customer(email), &[product]).unwrap();
        self.world.fs.pay(id, true).unwrap();
        let report = self.app.reconcile_once().await.unwrap();
        assert!(report.converged(), "{}", report.describe());
        id
    }

    pub fn moodle_user(&self, email: &str) -> i64 {
        self.world
            .moodle
            .users()
            .into_iter()
            .find(|u| u.email.eq_ignore_ascii_case(email))
            .unwrap()
            .id
    }

    /// What Moodle's cron records when the learner finishes the course at `at`.
    pub fn complete(&self, email: &str, course: &str, at: i64) {
        let (uid, cid) = (self.moodle_user(email), self.world.course_id(course).unwrap());
        self.world.moodle.record_course_access(uid, cid, at);
        self.world.moodle.mark_course_complete(uid, cid, at);
    }

    pub fn mails_to(&self, email: &str) -> Vec<ReceivedMail> {
        self.smtp
            .received()
            .into_iter()
            .filter(|m| m.to.to_lowercase().contains(&email.to_lowercase()))
            .collect()
    }

    pub async fn certificates_of(&self, email: &str) -> Vec<mm_store::CertificateRow> {
        let filter = mm_store::CertificateFilter {
            learner: Some(email.to_string()),
            ..Default::default()
        };
        self.app.list_certificates(&filter).await.unwrap()
    }

    pub async fn verify_status(&self, code: &str) -> (StatusCode, String) {
        let (status, _, body) = http::get(&self.app, &format!("/verify/{code}")).await;
        let marker = "data-status=\"";
        let s = body
            .find(marker)
            .map(|i| body[i + marker.len()..].split('"').next().unwrap_or("").to_string())
            .unwrap_or_default();
        (status, s)
    }
}
