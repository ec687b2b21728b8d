//! The audit log: every change made (or attempted) in Moodle, with its cause.

use crate::dialect::{self, opt_text, text};
use crate::{Store, StoreError, key_strings, placeholders};
use mm_core::{EntitlementKey, Timestamp};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

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

impl Store {
    pub async fn audit(&self, entry: &AuditEntry, now: Timestamp) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        insert_audit(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditRecord>, StoreError> {
        self.search_audit_log(None, limit).await
    }

    /// The Moodle changes, newest first, optionally filtered by a search (in the learner, the
    /// course, the site or the action, any case).
    pub async fn search_audit_log(&self, search: Option<&str>, limit: i64) -> Result<Vec<AuditRecord>, StoreError> {
        self.search_audit_log_before(search, None, limit).await
    }

    /// As [`Store::search_audit_log`], older than the entry `before` (the next page of the log).
    pub async fn search_audit_log_before(
        &self,
        search: Option<&str>,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let pattern = search
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| format!("%{}%", s.to_lowercase()));
        let mut conditions = Vec::new();
        if pattern.is_some() {
            conditions.push(
                "(LOWER(learner) LIKE $1 OR LOWER(course) LIKE $2 OR LOWER(site) LIKE $3 OR LOWER(action) LIKE $4)"
                    .to_owned(),
            );
        }
        let mut n = conditions.len() * 4;
        if before.is_some() {
            n += 1;
            conditions.push(format!("id < ${n}"));
        }
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT id, at, site, course, learner, action, before, after, reason, job, ok, error FROM audit_log {filter}
             ORDER BY id DESC LIMIT ${}",
            n + 1
        );
        let sql = dialect::sql(self.backend, &sql);
        let mut q = sqlx::query(&sql);
        if let Some(p) = &pattern {
            for _ in 0..4 {
                q = q.bind(p.clone());
            }
        }
        if let Some(id) = before {
            q = q.bind(id);
        }
        let rows = q.bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(audit_record).collect()
    }
}

pub(crate) fn audit_record(r: &AnyRow) -> Result<AuditRecord, StoreError> {
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
        placeholders(entries.len(), 11)
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
