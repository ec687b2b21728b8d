//! `bench certificates`: (a) one renderer on one thread renders and seals a realistic
//! certificate N times → p50/p99 per certificate and the sealed size; (b) N learners paid,
//! enrolled and all marked complete in the Moodle simulator → time from the progress sync to
//! the N-th mail stored by a real SMTP server on loopback (Debian's aiosmtpd).

use super::{Measure, SourceKind, World, converge, percentile, proc_status_mb, sqlite_url};
use anyhow::{Context, bail};
use mm_credential::{CertificatePayload, SigningKey};
use mm_engine::Engine;
use mm_engine::config::SmtpConfig;
use mm_i18n::{Locale, format_date};
use mm_mail::testing::SmtpServer;
use mm_pdf::{CertificateDocument, Renderer, Template};
use mm_sim_fault::FaultConfig;
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Courses the learners of (b) are spread over.
const COURSES: usize = 10;
/// How long (b) may take before the bench gives up (the goal is 60 s).
const DELIVERY_DEADLINE: Duration = Duration::from_secs(600);

/// What (a) measured: milliseconds per rendered and sealed certificate, sorted, and the size.
pub(crate) struct RenderMeasure {
    pub ms: Vec<f64>,
    pub sealed_bytes: usize,
    pub verify_url_chars: usize,
}

/// (a): `renders` renders of one realistic certificate by one renderer on this thread.
pub(crate) fn render(renders: usize) -> anyhow::Result<RenderMeasure> {
    let key = SigningKey::generate();
    let now = mm_engine::clock::now().0;
    let locale: Locale = "es-ES".parse().unwrap_or(Locale::FALLBACK);
    let payload = CertificatePayload {
        number: "MM-2026-000042".into(),
        code: mm_credential::random_code(),
        learner: "María José Fernández-Castillo de la Vega".into(),
        course: "Análisis de datos con pandas: de la hoja de cálculo al informe reproducible".into(),
        hours: Some("40".into()),
        completed_on: "2026-11-20".into(),
        issued_on: "2026-11-21".into(),
        valid_until: Some("2028-11-21".into()),
        version: 1,
        issuer: "Academia Demo de Formación Profesional".into(),
    };
    let signed = mm_credential::sign(&key, payload);
    let verify_url = mm_credential::verification_url("https://formacion.academia-demo.example.org", &signed);
    let p = &signed.payload;
    let doc = CertificateDocument {
        lang: locale.tag().to_string(),
        number: p.number.clone(),
        learner_name: p.learner.clone(),
        course_name: p.course.clone(),
        hours: p
            .hours
            .as_deref()
            .map(|h| mm_engine::certificates::hours_line(locale, h)),
        completed_on: format_date(locale, now - 86_400),
        issued_on: format_date(locale, now),
        valid_until: Some(format_date(locale, now + 2 * 365 * 86_400)),
        version: p.version,
        issuer: p.issuer.clone(),
        verify_url: verify_url.clone(),
        texts: mm_engine::certificates::certificate_texts(locale),
        template: Template {
            signatory_name: Some("Dra. Carmen Ruiz Ortega".into()),
            signatory_title: Some("Directora académica".into()),
            footer: Some("Academia Demo · CIF B-12345678 · Calle Mayor 1, 28013 Madrid".into()),
            ..Template::default()
        },
    };
    let renderer = Renderer::new().context("loading the certificate fonts")?;
    // One warm-up render: the first parses the template and fills typst's caches.
    renderer.pdf(&doc)?;
    let mut ms = Vec::with_capacity(renders);
    let mut sealed_bytes = 0;
    for _ in 0..renders.max(1) {
        let started = Instant::now();
        let pdf = renderer.pdf(&doc)?;
        let sealed = mm_credential::seal_pdf(&pdf, &key, &signed);
        ms.push(started.elapsed().as_secs_f64() * 1000.0);
        sealed_bytes = sealed.len();
    }
    ms.sort_by(f64::total_cmp);
    Ok(RenderMeasure {
        ms,
        sealed_bytes,
        verify_url_chars: verify_url.chars().count(),
    })
}

/// What (b) measured beyond [`Measure`].
pub(crate) struct DeliveryMeasure {
    pub measure: Measure,
    pub certificates: usize,
    pub mails: usize,
    /// Seconds of the three phases: progress sync, certificates (issue + render), outbox.
    pub sync_seconds: f64,
    pub issue_seconds: f64,
    pub mail_seconds: f64,
}

/// (b): `learners` learners, one paid course each, enrolled, then all complete at once.
pub(crate) async fn deliver(learners: usize, latency: Duration) -> anyhow::Result<DeliveryMeasure> {
    let smtp = start_smtp()?;
    let setup = Instant::now();
    let mut world = World::start(COURSES.min(learners.max(1)), Duration::ZERO).await?;
    let courses = world.courses.len();
    for l in 0..learners {
        let email = format!("cert{l:05}@bench.example");
        let cod = world.fs.add_customer(&format!("Learner Número {l}"), &email);
        world.paid_invoice(&cod, &email, &[l % courses])?;
    }
    let dir = tempfile::tempdir()?;
    let mut config = world.config(
        &sqlite_url(dir.path()),
        "127.0.0.1:0".parse()?,
        SourceKind::FacturaScripts { poll_interval: "30s" },
        false,
    )?;
    config.smtp = Some(SmtpConfig {
        url: smtp.url(),
        from: "Bench Academy <no-reply@academy.example>".into(),
        password: None,
        timeout: Duration::from_secs(30),
    });
    config.certificates.dir = dir.path().join("certificates");
    config.certificates.issuer = "Bench Academy".into();
    let app = Engine::build(config).await?;
    converge(&app, 5).await?;
    // The previous sync: nobody had entered a course yet.
    app.sync_progress().await?;
    let enrolled = world.moodle.enrolments();
    let now = mm_engine::clock::now().0;
    for e in &enrolled {
        world.moodle.record_course_access(e.userid, e.courseid, now - 600);
        world.moodle.mark_course_complete(e.userid, e.courseid, now - 300);
    }
    let setup_seconds = setup.elapsed().as_secs_f64();
    world.moodle.faults().set(FaultConfig::with_latency(latency));

    let before = world.moodle.total_requests();
    let started = Instant::now();
    let sync = app.sync_progress().await?;
    let sync_seconds = started.elapsed().as_secs_f64();
    if !sync.errors.is_empty() {
        bail!("the progress sync failed: {}", sync.describe());
    }
    let t = Instant::now();
    let pass = app.reconcile_certificates().await?;
    let issue_seconds = t.elapsed().as_secs_f64();
    if !pass.errors.is_empty() {
        bail!("issuing failed: {}", pass.describe());
    }
    let t = Instant::now();
    let round = app.drain_outbox().await?;
    let mails = wait_for_mails(&smtp, enrolled.len(), started).await;
    let mail_seconds = t.elapsed().as_secs_f64();
    let seconds = started.elapsed().as_secs_f64();
    let moodle_calls = world.moodle.total_requests() - before;
    if pass.issued.len() != enrolled.len() || mails < enrolled.len() {
        bail!(
            "{} enrolments completed, {} certificates issued, {} mails sent ({} retrying, {} parked), {mails} received",
            enrolled.len(),
            pass.issued.len(),
            round.sent,
            round.retrying,
            round.parked
        );
    }
    check_mails(&smtp, enrolled.len())?;
    app.store().close().await;
    Ok(DeliveryMeasure {
        measure: Measure {
            invoices: world.invoices,
            enrolments: enrolled.len(),
            seconds,
            moodle_calls,
            peak_rss_mb: proc_status_mb(None, "VmHWM").unwrap_or(0.0),
            setup_seconds,
            ..Measure::default()
        },
        certificates: pass.issued.len(),
        mails,
        sync_seconds,
        issue_seconds,
        mail_seconds,
    })
}

fn start_smtp() -> anyhow::Result<SmtpServer> {
    let installed = std::process::Command::new("/usr/bin/python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        bail!(
            "bench certificates mails through a real SMTP server on loopback, Debian's aiosmtpd, which \
             /usr/bin/python3 cannot import: apt-get install python3-aiosmtpd"
        );
    }
    SmtpServer::start().context("starting aiosmtpd (apt-get install python3-aiosmtpd)")
}

/// Waits until `n` mails are stored (the server stores each before it answers 250, so this is
/// normally immediate); returns how many are.
async fn wait_for_mails(smtp: &SmtpServer, n: usize, started: Instant) -> usize {
    loop {
        let count = smtp.count();
        if count >= n || started.elapsed() > DELIVERY_DEADLINE {
            return count;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Every mail is a distinct certificate with its PDF attached.
fn check_mails(smtp: &SmtpServer, n: usize) -> anyhow::Result<()> {
    let mails = smtp.received();
    let ids: HashSet<&str> = mails.iter().map(|m| m.message_id.as_str()).collect();
    if ids.len() != n {
        bail!(
            "{} mails stored with {} distinct Message-IDs, {n} expected",
            mails.len(),
            ids.len()
        );
    }
    if let Some(m) = mails
        .iter()
        .find(|m| m.attachments.len() != 1 || !m.attachments[0].bytes.starts_with(b"%PDF"))
    {
        bail!("the mail to {} has no PDF attached", m.to);
    }
    Ok(())
}

/// What `bench certificates` adds to [`Measure`].
#[derive(Debug, Clone, Default)]
pub struct CertificateFigures {
    /// (a): renders timed, their p50 and p99 in ms, the sealed file's size, the URL's length.
    pub renders: usize,
    pub render_p50_ms: f64,
    pub render_p99_ms: f64,
    pub sealed_bytes: usize,
    pub verify_url_chars: usize,
    /// (b): certificates issued, mails the SMTP server stored, and the phases' seconds.
    pub certificates: usize,
    pub mails: usize,
    pub sync_seconds: f64,
    pub issue_seconds: f64,
    pub mail_seconds: f64,
}

impl CertificateFigures {
    /// Certificates issued and mailed per second of `seconds`.
    pub fn per_second(&self, seconds: f64) -> f64 {
        if seconds > 0.0 {
            self.certificates as f64 / seconds
        } else {
            0.0
        }
    }
}

/// (a) then (b); `seconds` and `moodle_calls` are (b)'s.
pub(crate) async fn certificates(learners: usize, renders: usize, latency: Duration) -> anyhow::Result<Measure> {
    let r = tokio::task::spawn_blocking(move || render(renders))
        .await
        .context("the render bench stopped")??;
    let d = deliver(learners, latency).await?;
    Ok(Measure {
        certificates: Some(CertificateFigures {
            renders: r.ms.len(),
            render_p50_ms: percentile(&r.ms, 50.0),
            render_p99_ms: percentile(&r.ms, 99.0),
            sealed_bytes: r.sealed_bytes,
            verify_url_chars: r.verify_url_chars,
            certificates: d.certificates,
            mails: d.mails,
            sync_seconds: d.sync_seconds,
            issue_seconds: d.issue_seconds,
            mail_seconds: d.mail_seconds,
        }),
        ..d.measure
    })
}
