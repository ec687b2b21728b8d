//! `doctor`: checks an installation end to end and says what to fix — the database, the
//! secrets key, each Moodle site (token, functions, capabilities, every mapped course's manual
//! enrolment, the roles mappings name), each invoice source's key, SMTP and the certificate
//! signing keys. It reads; the only writes are the migrations of opening the store and, when a
//! source refuses the key, that refusal (so nothing asks it again before the cool-down).

use crate::engine::Engine;
use crate::health::Readiness;
use crate::ingest::poll::{KeyCheck, Source};
use crate::site::Site;
use mm_core::{CourseRef, Mapping};
use mm_moodle::MoodleError;
use serde::Serialize;
use std::collections::BTreeSet;

/// How bad a finding is; the report's exit code is its worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Ok,
    Warning,
    Error,
}

/// One thing checked: where (`config`, `database`, `secrets`, `site:<name>`, `source:<name>`,
/// `smtp`, `certificates`), how it stands, a stable code, what was found and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub area: String,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub fix: Option<String>,
}

impl Finding {
    pub fn ok(area: impl Into<String>, code: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            area: area.into(),
            severity: Severity::Ok,
            code,
            message: message.into(),
            fix: None,
        }
    }

    pub fn error(
        area: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Finding {
        Finding {
            severity: Severity::Error,
            fix: Some(fix.into()),
            ..Finding::ok(area, code, message)
        }
    }

    pub fn warning(
        area: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Finding {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(area, code, message, fix)
        }
    }
}

/// Every finding, in the order checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DoctorReport {
    pub findings: Vec<Finding>,
}

impl DoctorReport {
    /// The worst severity found (`Ok` when nothing was).
    pub fn worst(&self) -> Severity {
        self.findings.iter().map(|f| f.severity).max().unwrap_or(Severity::Ok)
    }

    /// 0 all good, 1 warnings, 2 errors.
    pub fn exit_code(&self) -> u8 {
        match self.worst() {
            Severity::Ok => 0,
            Severity::Warning => 1,
            Severity::Error => 2,
        }
    }

    fn push(&mut self, f: Finding) {
        self.findings.push(f);
    }
}

impl Engine {
    /// Checks everything this installation needs and says what to fix. Run it on an engine
    /// built with [`Engine::build_dry_run`], so that the store stays as it was.
    pub async fn doctor(&self) -> DoctorReport {
        let mut report = DoctorReport::default();
        report.push(Finding::ok(
            "config",
            "config_loaded",
            format!(
                "{} Moodle sites, {} sources and {} mappings configured",
                self.config.moodle.len(),
                self.config.sources.len(),
                self.config.mappings.len()
            ),
        ));
        if !self.doctor_database(&mut report).await {
            return report;
        }
        self.doctor_secrets(&mut report).await;
        let mappings = match self.store.mappings_with_config(&self.config.mappings).await {
            Ok(m) => m.active,
            Err(e) => {
                report.push(Finding::error(
                    "database",
                    "mappings_unreadable",
                    format!("the mappings cannot be read: {e}"),
                    "check the database, then run doctor again",
                ));
                self.config.mappings.clone()
            }
        };
        for site in self.sites.all() {
            doctor_site(&mut report, &site, &mappings, self.config.progress.enabled()).await;
        }
        self.doctor_sources(&mut report).await;
        self.doctor_smtp(&mut report).await;
        self.doctor_certificates(&mut report).await;
        report
    }

    /// The database answers, and the sites and sources added in the admin load; `false` when
    /// nothing more can be checked.
    async fn doctor_database(&self, report: &mut DoctorReport) -> bool {
        let found = match self.readiness().await {
            Readiness::Ready => Finding::ok("database", "database_ready", "connected, migrations applied"),
            Readiness::NotWritable(why) => Finding::error(
                "database",
                "database_not_writable",
                format!("the database refuses writes: {why}"),
                "free space on the database's disk, or make the database file and its folder writable",
            ),
            Readiness::Unreachable => Finding::error(
                "database",
                "database_unreachable",
                "the database does not answer",
                "check [database] url and that the database server is up",
            ),
        };
        let ready = found.severity == Severity::Ok;
        report.push(found);
        if let Err(e) = self.refresh_connections().await {
            report.push(Finding::error(
                "database",
                "connections_unreadable",
                format!("the sites and sources added in the admin cannot be read: {e}"),
                "check the database, then run doctor again",
            ));
        }
        ready
    }

    /// Every secret sealed in the store (tokens and secrets entered in the admin) opens with
    /// the configured key.
    async fn doctor_secrets(&self, report: &mut DoctorReport) {
        let sites = self.store.stored_sites().await.unwrap_or_default();
        let sources = self.store.stored_sources().await.unwrap_or_default();
        let mut sealed: Vec<(String, &str)> = sites
            .iter()
            .map(|s| (format!("site:{}", s.name), s.token.as_str()))
            .collect();
        for s in &sources {
            if let mm_store::StoredSourceKind::FacturaScripts { token, .. } = &s.kind {
                sealed.push((format!("source:{}", s.name), token.as_str()));
            }
            if let Some(secret) = &s.secrets.current {
                sealed.push((format!("source:{}", s.name), secret.as_str()));
            }
        }
        if sealed.is_empty() {
            return;
        }
        if self.config.secret_key.is_none() {
            report.push(Finding::error(
                "secrets",
                "secret_key_missing",
                format!(
                    "{} secrets entered in the admin are sealed, but no secrets key is configured",
                    sealed.len()
                ),
                "set MM_SECRET_KEY (or MM_SECRET_KEY_FILE / [secrets] key_file) to the key they were sealed with",
            ));
            return;
        }
        let mut failed = 0;
        for (area, text) in sealed {
            if let Err(e) = self.open(text) {
                failed += 1;
                report.push(Finding::error(
                    area,
                    "secret_unreadable",
                    format!("its sealed secret does not open with the configured key: {e}"),
                    "configure the key it was sealed with, or enter the secret again in the admin",
                ));
            }
        }
        if failed == 0 {
            report.push(Finding::ok(
                "secrets",
                "secrets_open",
                "every sealed secret opens with the configured key",
            ));
        }
    }

    async fn doctor_sources(&self, report: &mut DoctorReport) {
        let polled: BTreeSet<String> = self.pollers().iter().map(|s| s.name().to_string()).collect();
        for source in self.pollers() {
            report.push(self.doctor_source(&source).await);
        }
        for name in self.source_names().into_iter().filter(|n| !polled.contains(n)) {
            report.push(Finding::ok(
                format!("source:{name}"),
                "source_pushes",
                "receives signed webhooks; nothing to read from here",
            ));
        }
    }

    async fn doctor_source(&self, source: &Source) -> Finding {
        let area = format!("source:{}", source.name());
        match source.check_key(&self.store, self.now()).await {
            Ok(()) => Finding::ok(
                area,
                "source_ready",
                format!("the key reads {}", crate::ingest::poll::POLLED_RESOURCES.join(", ")),
            ),
            Err(KeyCheck::CoolingDown(r)) => Finding::error(
                area,
                "source_cooling_down",
                format!(
                    "not asked: it refused us recently ({}), and FacturaScripts bans an IP after five refusals in ten minutes",
                    r.message
                ),
                format!(
                    "fix the key (Admin panel > API keys) or its permissions; it is asked again after {} UTC",
                    crate::ingest::poll::fmt_time(r.until)
                ),
            ),
            Err(KeyCheck::Failed { resource, error }) => source_failure(area, resource, &error),
            Err(KeyCheck::Store(e)) => Finding::error(
                area,
                "source_unchecked",
                format!("its recorded refusals cannot be read: {e}"),
                "check the database, then run doctor again",
            ),
        }
    }

    async fn doctor_smtp(&self, report: &mut DoctorReport) {
        let Some(mailer) = &self.certs.mailer else {
            report.push(Finding {
                fix: Some("add an [smtp] block to mail certificates to learners".into()),
                ..Finding::ok("smtp", "smtp_not_configured", "no [smtp]: certificate mail is not sent")
            });
            return;
        };
        report.push(match mailer.check().await {
            Ok(()) => Finding::ok("smtp", "smtp_ready", "connected, greeted and logged in"),
            Err(e) => Finding::error("smtp", e.code(), e.to_string(), smtp_fix(&e)),
        });
    }

    /// The certificate signing keys open (without making one: the first certificate does).
    async fn doctor_certificates(&self, report: &mut DoctorReport) {
        let keys = match self.store.signing_keys().await {
            Ok(k) => k,
            Err(e) => {
                report.push(Finding::error(
                    "certificates",
                    "signing_keys_unreadable",
                    format!("the signing keys cannot be read: {e}"),
                    "check the database, then run doctor again",
                ));
                return;
            }
        };
        if keys.is_empty() {
            if self.config.certificates.enabled {
                report.push(Finding::ok(
                    "certificates",
                    "signing_key_pending",
                    "no signing key yet: the first certificate makes one",
                ));
            }
            return;
        }
        let mut failed = false;
        for k in &keys {
            if let Err(e) = self.open_signing_key(k) {
                failed = true;
                report.push(Finding::error(
                    "certificates",
                    "signing_key_unreadable",
                    format!("{e:#}"),
                    "configure the secrets key the signing keys were sealed with (MM_SECRET_KEY, MM_SECRET_KEY_FILE or [secrets] key_file)",
                ));
            }
        }
        if !failed {
            let active = keys.iter().any(|k| k.retired_at.is_none());
            report.push(if active {
                Finding::ok("certificates", "signing_key_ready", "the signing keys open")
            } else {
                Finding::warning(
                    "certificates",
                    "signing_key_retired",
                    "every signing key is retired",
                    "make one with `moodle-management certificate keygen`",
                )
            });
        }
    }
}

/// What a source's failed read says, with its fix.
fn source_failure(area: String, resource: &str, error: &mm_facturascripts::FsError) -> Finding {
    use mm_facturascripts::FsError;
    let (code, fix) = match error {
        FsError::Auth { status: 401, .. } => (
            "source_key_refused",
            "put the right API key in the source's `token` (FacturaScripts: Admin panel > API keys); \
             it is not asked again before the cool-down, as five refusals in ten minutes ban this IP"
                .to_string(),
        ),
        FsError::Auth { .. } => (
            "source_key_refused",
            format!(
                "allow the key to read `{resource}` (FacturaScripts: Admin panel > API keys > the key's access), \
                 or give it full access"
            ),
        ),
        FsError::Banned { .. } => (
            "source_banned",
            "wait ten minutes without asking, then check the key and its permissions".to_string(),
        ),
        FsError::Disabled { .. } => (
            "source_api_disabled",
            "enable the API in FacturaScripts' control panel".to_string(),
        ),
        _ => (
            "source_unreachable",
            "check the source's `url` points at FacturaScripts' root and that it is up".to_string(),
        ),
    };
    Finding::error(area, code, format!("reading `{resource}`: {error}"), fix)
}

/// The fix of an SMTP check's failure.
fn smtp_fix(e: &mm_mail::MailError) -> String {
    use mm_mail::MailError;
    match e {
        MailError::Auth { .. } => {
            "check the user in [smtp] url and the password ([smtp] password_file or MM_SMTP_PASSWORD)"
        }
        MailError::Tls { .. } => {
            "check the host name in [smtp] url matches its certificate, and the port (587 STARTTLS, 465 smtps)"
        }
        MailError::Timeout { .. } => "check that the server is up, or raise [smtp] timeout",
        _ => "check [smtp] url and that the server is up",
    }
    .to_string()
}

/// Checks one site: the token and its functions, its user's capabilities, then every course
/// its mappings name (it exists and takes manual enrolments) and every role they name.
async fn doctor_site(report: &mut DoctorReport, site: &Site, mappings: &[Mapping], progress: bool) {
    let area = format!("site:{}", site.name);
    let functions = crate::site_check::required_functions(&site.name, mappings, progress);
    match site.client.check_functions(&functions).await {
        Ok(info) => report.push(Finding::ok(
            &area,
            "site_ready",
            format!(
                "{} ({}): the token may call every function needed",
                info.sitename,
                info.release.unwrap_or_default()
            ),
        )),
        Err(e) => {
            report.push(site_failure(&area, &e));
            // Without a usable token nothing more can be asked; missing functions still
            // leave the courses and roles worth checking.
            if !matches!(e, MoodleError::MissingFunctions { .. }) {
                return;
            }
        }
    }
    // A missing capability fails the jobs that need it; a probe that could not run only
    // leaves the capabilities unknown.
    for problem in crate::site_check::probe(site, mappings).await {
        let (code, message, fix) = (problem.code.as_str(), problem.message, problem.fix);
        report.push(match problem.code {
            crate::SiteProblemCode::MissingCapability => Finding::error(&area, code, message, fix),
            crate::SiteProblemCode::ProbeFailed => Finding::warning(&area, code, message, fix),
        });
    }
    let mine: Vec<&Mapping> = mappings.iter().filter(|m| m.site == site.name).collect();
    let courses: BTreeSet<String> = mine.iter().map(|m| m.course.to_string()).collect();
    for course in &courses {
        let Some(m) = mine.iter().find(|m| m.course.to_string() == *course) else {
            continue;
        };
        if let Some(f) = doctor_course(&area, site, &m.course).await {
            report.push(f);
        }
    }
    let roles: BTreeSet<&str> = mine.iter().map(|m| m.role.as_str()).collect();
    for role in roles.into_iter().filter(|r| crate::site::role_id(r).is_none()) {
        report.push(Finding::error(
            &area,
            "role_unknown",
            format!(
                "role `{role}` of a mapping is neither a standard role shortname nor a role id: its enrolments fail"
            ),
            "write `student`, `teacher`, `editingteacher`, `manager` or `coursecreator`, or the role's numeric id",
        ));
    }
}

/// A mapped course that is missing or cannot take manual enrolments; `None` when it is ready.
async fn doctor_course(area: &str, site: &Site, course: &CourseRef) -> Option<Finding> {
    match site.course(course).await {
        Ok(Some(c)) if c.manual_enabled => None,
        Ok(Some(c)) => Some(Finding::error(
            area,
            "manual_enrolment_disabled",
            format!(
                "course {course} (id={}) has no enabled Manual enrolments method: Moodle refuses its enrolments",
                c.id
            ),
            format!(
                "in Moodle, open the course (id={}) > Participants > Enrolment methods, and enable Manual enrolments (add it if it was deleted)",
                c.id
            ),
        )),
        Ok(None) => Some(Finding::error(
            area,
            "course_missing",
            format!("course {course} of a mapping does not exist in Moodle"),
            "create the course, or correct the mapping's `course`",
        )),
        Err(e) => Some(site_failure(area, &e)),
    }
}

/// A site call's failure as a finding with its fix.
fn site_failure(area: &str, e: &MoodleError) -> Finding {
    let code = match e {
        MoodleError::MissingFunctions { .. } => "function_missing",
        MoodleError::Exception { .. } | MoodleError::WebServicesDisabled => "site_refused",
        _ => "site_unreachable",
    };
    let fix = e
        .fix_hint()
        .unwrap_or_else(|| "check the site's `url` and that Moodle is up".to_string());
    Finding::error(area, code, e.to_string(), fix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(severities: &[Severity]) -> DoctorReport {
        DoctorReport {
            findings: severities
                .iter()
                .map(|s| Finding {
                    severity: *s,
                    ..Finding::ok("config", "x", "y")
                })
                .collect(),
        }
    }

    #[test]
    fn the_exit_code_is_the_worst_finding() {
        assert_eq!(report(&[]).exit_code(), 0);
        assert_eq!(report(&[Severity::Ok, Severity::Ok]).exit_code(), 0);
        assert_eq!(report(&[Severity::Ok, Severity::Warning]).exit_code(), 1);
        assert_eq!(
            report(&[Severity::Warning, Severity::Error, Severity::Ok]).exit_code(),
            2
        );
    }

    #[test]
    fn a_refused_key_and_a_key_without_permission_say_different_fixes() {
        let refused = mm_facturascripts::FsError::Auth {
            status: 401,
            message: "bad".into(),
            resource: "facturaclientes".into(),
        };
        let f = source_failure("source:erp".into(), "facturaclientes", &refused);
        assert_eq!((f.code, f.severity), ("source_key_refused", Severity::Error));
        assert!(f.fix.as_deref().unwrap_or_default().contains("`token`"), "{f:?}");
        let forbidden = mm_facturascripts::FsError::Auth {
            status: 403,
            message: "no".into(),
            resource: "reciboclientes".into(),
        };
        let f = source_failure("source:erp".into(), "reciboclientes", &forbidden);
        assert!(
            f.fix.as_deref().unwrap_or_default().contains("`reciboclientes`"),
            "{f:?}"
        );
    }
}
