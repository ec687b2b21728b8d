//! An invoice's story: what happened because of it, in order — seen, paid, the learner matched
//! or created in Moodle, enrolled, their progress, completion, certificate and its mail — and
//! what is wrong now, with the fix. The page and the API show this; they decide nothing.

use crate::Engine;
use mm_core::{Entitlement, EntitlementKey, InvoiceKey};
use mm_store::{AuditRecord, CertificateFilter, EntitlementRow, FailingJob, InvoiceHit, InvoiceRecord, MailKey};
use serde::Serialize;

/// One step of a story. `step` is a stable code (`seen`, `paid`, `learner-created`,
/// `learner-matched`, `enrolled`, `suspended`, `reactivated`, `updated`, `unenrolled`,
/// `change-failed`, `progress`, `completed`, `certificate-issued`, `certificate-revoked`,
/// `emailed`), which the page translates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoryStep {
    pub at: Option<i64>,
    pub step: &'static str,
    /// Facts the step shows as they are: a course, a Moodle answer, a certificate number.
    pub detail: String,
    /// The job that made the change, when one did.
    pub job: Option<String>,
    /// The access a change gave: from, and until (0 = no end), as Moodle holds them.
    pub access: Option<AccessDates>,
    pub ok: bool,
}

/// An enrolment's dates as a change left them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct AccessDates {
    #[serde(rename = "timestart")]
    pub from: i64,
    /// 0: no end.
    #[serde(rename = "timeend")]
    pub until: i64,
}

/// What is wrong now, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoryProblem {
    pub what: String,
    pub fix: Option<String>,
    /// The error's stable code and parameters (JSON), when it was stored with them: a page
    /// says it in its reader's language from these.
    pub code: Option<String>,
    pub params: Option<String>,
}

/// The story of one course the invoice grants.
#[derive(Debug, Clone, Serialize)]
pub struct CourseStory {
    pub site: String,
    pub course: String,
    /// `active`, `suspended`, `removed`: what the invoices say it should be.
    pub desired: String,
    /// What Moodle holds now, as last applied or read.
    pub in_moodle: Option<String>,
    pub steps: Vec<StoryStep>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InvoiceStory {
    pub source: String,
    pub id: String,
    pub number: String,
    pub customer: String,
    pub email: Option<String>,
    pub paid: bool,
    pub deleted: bool,
    pub steps: Vec<StoryStep>,
    pub courses: Vec<CourseStory>,
    pub problems: Vec<StoryProblem>,
}

/// What the story reads once per invoice, for all of its courses: the learner's Moodle changes
/// and the certificate mails that are failing.
struct LearnerHistory {
    audit: Vec<AuditRecord>,
    failing_mail: Vec<FailingJob<MailKey>>,
}

fn step(at: Option<i64>, step: &'static str, detail: impl Into<String>) -> StoryStep {
    StoryStep {
        at,
        step,
        detail: detail.into(),
        job: None,
        access: None,
        ok: true,
    }
}

/// The audit action's step code.
fn change_step(action: &str) -> &'static str {
    match action {
        "enrol" => "enrolled",
        "suspend" => "suspended",
        "reactivate" => "reactivated",
        "update" => "updated",
        "unenrol" => "unenrolled",
        "create_user" => "learner-created",
        _ => "changed",
    }
}

fn caused_by(row: &EntitlementRow, invoice: &InvoiceKey) -> bool {
    serde_json::from_value::<Entitlement>(row.entitlement.clone())
        .map(|e| e.causes.iter().any(|c| c.invoice == *invoice))
        .unwrap_or(false)
}

impl Engine {
    /// Invoices whose number, customer, email or products contain `q`, newest change first.
    pub async fn search_invoices(&self, q: &str, limit: i64) -> Result<Vec<InvoiceHit>, mm_store::StoreError> {
        if q.trim().is_empty() {
            return Ok(Vec::new());
        }
        let mut hits = self.store.search_invoices(q, limit).await?;
        for key in self.store.invoices_of_courses(q, limit).await? {
            if hits.iter().any(|h| h.key == key) {
                continue;
            }
            if let Some(r) = self.store.invoice_record(&key).await? {
                hits.push(InvoiceHit {
                    key,
                    number: r.invoice.number,
                    customer: r.invoice.customer.name,
                    email: r.invoice.customer.email,
                    paid: r.invoice.paid_at.is_some(),
                    updated_at: r.updated_at,
                });
            }
        }
        hits.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(hits)
    }

    /// The story of an invoice, or `None` when we have never seen it.
    pub async fn invoice_story(&self, key: &InvoiceKey) -> anyhow::Result<Option<InvoiceStory>> {
        let Some(record) = self.store.invoice_record(key).await? else {
            return Ok(None);
        };
        let mut problems: Vec<StoryProblem> = self
            .store
            .holds_of_invoice(key)
            .await?
            .into_iter()
            .filter(|h| h.is_error)
            .map(|h| StoryProblem {
                what: h.message,
                fix: None,
                code: None,
                params: None,
            })
            .collect();
        let learner = record
            .invoice
            .customer
            .email
            .clone()
            .unwrap_or_default()
            .trim()
            .to_lowercase();
        let rows: Vec<EntitlementRow> = self
            .store
            .entitlement_rows_of(&learner)
            .await?
            .into_iter()
            .filter(|r| caused_by(r, key))
            .collect();
        let history = LearnerHistory {
            audit: self.store.audit_of_learner(&learner).await?,
            failing_mail: self.store.queue::<MailKey>().failing().await?,
        };
        let mut courses = Vec::with_capacity(rows.len());
        for row in rows {
            let course = self.course_story(&row, &history, &mut problems).await?;
            courses.push(course);
        }
        Ok(Some(invoice_story(key, record, courses, problems)))
    }

    async fn course_story(
        &self,
        row: &EntitlementRow,
        history: &LearnerHistory,
        problems: &mut Vec<StoryProblem>,
    ) -> anyhow::Result<CourseStory> {
        let audit = &history.audit;
        let mut steps = Vec::new();
        let mine = audit.iter().filter(|a| a.site == row.site && a.course == row.course);
        let created = audit
            .iter()
            .any(|a| a.site == row.site && a.action == "create_user" && a.ok);
        if !created && let Some(first) = audit.iter().find(|a| a.site == row.site && a.ok) {
            steps.push(step(Some(first.at), "learner-matched", row.learner.clone()));
        }
        for a in audit.iter().filter(|a| a.site == row.site && a.action == "create_user") {
            steps.push(audit_step(a));
        }
        steps.extend(mine.filter(|a| a.action != "create_user").map(audit_step));
        if let Some(error) = row.job_error.as_ref().filter(|_| row.job_status.is_some()) {
            let (what, fix) = split_fix(error);
            problems.push(StoryProblem {
                what,
                fix,
                code: row.job_error_code.clone(),
                params: row.job_error_params.clone(),
            });
        }
        let key = EntitlementKey {
            site: row.site.clone(),
            course: mm_core::CourseRef::parse(&row.course)?,
            learner: mm_core::Email::parse(&row.learner)?,
        };
        self.progress_steps(&key, &mut steps).await?;
        self.certificate_steps(&key, &history.failing_mail, &mut steps, problems)
            .await?;
        steps.sort_by_key(|s| s.at.unwrap_or(i64::MAX));
        Ok(CourseStory {
            site: row.site.clone(),
            course: row.course.clone(),
            desired: row.desired.clone(),
            in_moodle: row.applied_status.clone(),
            steps,
        })
    }

    async fn progress_steps(&self, key: &EntitlementKey, steps: &mut Vec<StoryStep>) -> anyhow::Result<()> {
        let Some(p) = self.store.progress(key).await? else {
            return Ok(());
        };
        if let Some(percent) = p.percent {
            steps.push(step(Some(p.synced_at.0), "progress", format!("{percent:.0} %")));
        }
        if let Some(done) = p.completed_at {
            steps.push(step(Some(done), "completed", p.grade.unwrap_or_default()));
        }
        Ok(())
    }

    async fn certificate_steps(
        &self,
        key: &EntitlementKey,
        failing_mail: &[FailingJob<MailKey>],
        steps: &mut Vec<StoryStep>,
        problems: &mut Vec<StoryProblem>,
    ) -> anyhow::Result<()> {
        let filter = CertificateFilter {
            site: Some(key.site.clone()),
            course: Some(key.course.to_string()),
            learner: Some(key.learner.as_str().to_owned()),
        };
        for c in self.list_certificates(&filter).await? {
            steps.push(step(
                Some(c.cert.issued_at.0),
                "certificate-issued",
                c.cert.number.clone(),
            ));
            if let Some(at) = c.emailed_at {
                steps.push(step(Some(at.0), "emailed", key.learner.as_str()));
            }
            if let Some(r) = &c.revoked {
                let mut s = step(Some(r.at.0), "certificate-revoked", r.reason.clone());
                s.ok = false;
                steps.push(s);
            }
            for f in failing_mail.iter().filter(|f| f.key.code == c.cert.code) {
                let (what, fix) = split_fix(&f.error);
                problems.push(StoryProblem {
                    what,
                    fix,
                    code: f.code.clone(),
                    params: f.params.clone(),
                });
            }
        }
        Ok(())
    }
}

fn audit_step(a: &AuditRecord) -> StoryStep {
    // `after` is the enrolment as the change left it (JSON with its dates), or an account id.
    let access = a
        .after
        .as_deref()
        .and_then(|after| serde_json::from_str::<AccessDates>(after).ok());
    let detail = match (&a.error, &a.after) {
        (Some(e), _) => e.clone(),
        (None, Some(_)) if access.is_some() => String::new(),
        (None, Some(after)) => after.clone(),
        (None, None) => a.reason.clone(),
    };
    StoryStep {
        at: Some(a.at),
        step: if a.ok { change_step(&a.action) } else { "change-failed" },
        detail,
        job: Some(a.job.clone()),
        access,
        ok: a.ok,
    }
}

/// Job errors end with "— fix: …" or "; fix: …" when there is one (see `job_error`).
fn split_fix(error: &str) -> (String, Option<String>) {
    match error.find("fix: ") {
        Some(i) => (
            error[..i].trim_end_matches([' ', '\u{2014}', ';', '\n']).to_owned(),
            Some(error[i + "fix: ".len()..].trim().to_owned()),
        ),
        None => (error.to_owned(), None),
    }
}

fn invoice_story(
    key: &InvoiceKey,
    record: InvoiceRecord,
    courses: Vec<CourseStory>,
    problems: Vec<StoryProblem>,
) -> InvoiceStory {
    let invoice = record.invoice;
    let mut steps = vec![step(Some(record.first_seen.0), "seen", invoice.number.clone())];
    if let Some(paid) = invoice.paid_at {
        let on = invoice.paid_on.unwrap_or(paid);
        steps.push(step(Some(on.0), "paid", String::new()));
    }
    steps.sort_by_key(|s| s.at);
    InvoiceStory {
        source: key.source.clone(),
        id: key.id.clone(),
        number: invoice.number,
        customer: invoice.customer.name,
        email: invoice.customer.email,
        paid: invoice.paid_at.is_some(),
        deleted: invoice.deleted,
        steps,
        courses,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_errors_fix_is_split_off() {
        assert_eq!(
            split_fix("course PY101 does not exist — fix: create it or correct the mapping"),
            (
                "course PY101 does not exist".into(),
                Some("create it or correct the mapping".into())
            )
        );
        assert_eq!(split_fix("no method; fix: enable it").1.as_deref(), Some("enable it"));
        assert_eq!(split_fix("timeout"), ("timeout".into(), None));
    }
}
