//! Read models and the audit log.

use crate::dialect::{self, opt_text, text};
use crate::{Backend, StoreError, key_strings};
use mm_core::{EntitlementKey, Timestamp};
use serde::Serialize;
use sqlx::{Any, AnyPool, Row, Transaction};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpsertOutcome {
    /// Anything we care about differs from what we had.
    pub changed: bool,
    pub created: bool,
    /// Older than the version stored: ignored.
    pub stale: bool,
}

/// One change made (or attempted) in Moodle, with its cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub key: EntitlementKey,
    /// `enrol`, `suspend`, `reactivate`, `update`, `unenrol`, `create_user`.
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: String,
    pub job: String,
    pub ok: bool,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    pub id: i64,
    pub at: i64,
    pub site: String,
    pub course: String,
    pub learner: String,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: String,
    pub job: String,
    pub ok: bool,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HoldRow {
    pub source: String,
    pub invoice_id: String,
    pub line: String,
    pub is_error: bool,
    pub message: String,
}

/// A desired entitlement next to what Moodle holds and its job, for the enrolments page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntitlementRow {
    pub site: String,
    pub course: String,
    pub learner: String,
    pub desired: String,
    pub entitlement: serde_json::Value,
    pub applied_status: Option<String>,
    pub applied_timestart: Option<i64>,
    pub applied_timeend: Option<i64>,
    pub job_status: Option<String>,
    pub job_error: Option<String>,
}

pub(crate) async fn insert_audit(
    tx: &mut Transaction<'_, Any>,
    e: &AuditEntry,
    now: Timestamp,
) -> Result<(), StoreError> {
    insert_audits(tx, &[e], now).await
}

/// Audit entries in one multi-row insert (callers keep batches to a few hundred rows).
pub(crate) async fn insert_audits(
    tx: &mut Transaction<'_, Any>,
    entries: &[&AuditEntry],
    now: Timestamp,
) -> Result<(), StoreError> {
    if entries.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO audit_log (at, site, course, learner, action, before, after, reason, job, ok, error) VALUES {}",
        crate::placeholders(entries.len(), 11)
    );
    let sql = dialect::sql(dialect::backend_of(tx), &sql);
    let mut q = sqlx::query(&sql);
    for e in entries {
        let k = key_strings(&e.key);
        q = q
            .bind(now.0)
            .bind(k.0)
            .bind(k.1)
            .bind(k.2)
            .bind(e.action.clone())
            .bind(e.before.clone())
            .bind(e.after.clone())
            .bind(e.reason.clone())
            .bind(e.job.clone())
            .bind(i64::from(e.ok))
            .bind(e.error.clone());
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

pub(crate) async fn audit_log(pool: &AnyPool, backend: Backend, limit: i64) -> Result<Vec<AuditRecord>, StoreError> {
    let rows = dialect::query(
        backend,
        "SELECT id, at, site, course, learner, action, before, after, reason, job, ok, error
         FROM audit_log ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AuditRecord {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                site: r.try_get("site")?,
                course: r.try_get("course")?,
                learner: r.try_get("learner")?,
                action: r.try_get("action")?,
                before: opt_text(r, "before")?,
                after: opt_text(r, "after")?,
                reason: text(r, "reason")?,
                job: r.try_get("job")?,
                ok: r.try_get::<i64, _>("ok")? != 0,
                error: opt_text(r, "error")?,
            })
        })
        .collect()
}

pub(crate) async fn entitlement_rows(pool: &AnyPool, backend: Backend) -> Result<Vec<EntitlementRow>, StoreError> {
    let rows = dialect::query(
        backend,
        "SELECT e.site, e.course, e.learner, e.status, e.body, a.status AS applied_status,
                a.timestart AS applied_timestart, a.timeend AS applied_timeend,
                j.status AS job_status, j.last_error AS job_error
         FROM entitlements e
         LEFT JOIN applied_enrolments a ON a.site = e.site AND a.course = e.course AND a.learner = e.learner
         LEFT JOIN jobs j ON j.site = e.site AND j.course = e.course AND j.learner = e.learner
         ORDER BY e.site, e.course, e.learner",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(EntitlementRow {
                site: r.try_get("site")?,
                course: r.try_get("course")?,
                learner: r.try_get("learner")?,
                desired: r.try_get("status")?,
                entitlement: serde_json::from_str(&text(r, "body")?)?,
                applied_status: r.try_get("applied_status")?,
                applied_timestart: r.try_get("applied_timestart")?,
                applied_timeend: r.try_get("applied_timeend")?,
                job_status: r.try_get("job_status")?,
                job_error: opt_text(r, "job_error")?,
            })
        })
        .collect()
}
