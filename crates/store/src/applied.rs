//! What Moodle holds, as last applied by us or read back by a sweep.

use crate::dialect::{self, opt_text, text};
use crate::{AuditEntry, ClaimedJob, Store, StoreError, audit, jobs, key_strings, placeholders, row_key};
use mm_core::{AppliedEnrolment, CourseRef, EnrolmentStatus, EntitlementKey, Timestamp};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;

/// The query of [`EntitlementRow`]s: each entitlement with what Moodle holds and its job, then
/// `$tail` (a `WHERE` and an `ORDER BY`).
macro_rules! entitlement_rows_sql {
    ($tail:literal) => {
        concat!(
            "SELECT e.site, e.course, e.learner, e.status, e.body, a.status AS applied_status,
                a.timestart AS applied_timestart, a.timeend AS applied_timeend,
                j.status AS job_status, j.last_error AS job_error, j.error_code AS job_error_code,
                j.error_params AS job_error_params
             FROM entitlements e
             LEFT JOIN applied_enrolments a ON a.site = e.site AND a.course = e.course AND a.learner = e.learner
             LEFT JOIN jobs j ON j.site = e.site AND j.course = e.course AND j.learner = e.learner ",
            $tail
        )
    };
}
pub(crate) use entitlement_rows_sql;

impl Store {
    pub async fn applied(&self) -> Result<BTreeMap<EntitlementKey, AppliedEnrolment>, StoreError> {
        let rows = self
            .query("SELECT site, course, learner, status, role, timestart, timeend FROM applied_enrolments")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((row_key(r)?, row_applied(r)?))).collect()
    }

    /// The Moodle id of every course we hold an enrolment in, by (site, course): the drift
    /// sweep reads these courses without looking them up again.
    pub async fn applied_course_ids(&self) -> Result<BTreeMap<(String, CourseRef), i64>, StoreError> {
        let rows = self
            .query(
                "SELECT site, course, MAX(moodle_course_id) AS course_id FROM applied_enrolments
                 WHERE moodle_course_id > 0 GROUP BY site, course",
            )
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let course: String = r.try_get("course")?;
                let course = CourseRef::parse(&course).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok(((r.try_get("site")?, course), r.try_get("course_id")?))
            })
            .collect()
    }

    /// The Moodle account of every key we hold an enrolment for.
    pub async fn applied_accounts(&self) -> Result<BTreeMap<EntitlementKey, i64>, StoreError> {
        let rows = self
            .query("SELECT site, course, learner, moodle_user_id FROM applied_enrolments")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((row_key(r)?, r.try_get("moodle_user_id")?)))
            .collect()
    }

    pub async fn applied_for(&self, key: &EntitlementKey) -> Result<Option<AppliedEnrolment>, StoreError> {
        let k = key_strings(key);
        let row = self.query(
            "SELECT status, role, timestart, timeend FROM applied_enrolments WHERE site = $1 AND course = $2 AND learner = $3",
        )
        .bind(&k.0)
        .bind(&k.1)
        .bind(&k.2)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| row_applied(&r)).transpose()
    }

    /// Records the outcome of a Moodle change, its audit entry, and completes the job, atomically.
    pub async fn record_applied(
        &self,
        key: &EntitlementKey,
        after: Option<MoodleEnrolment>,
        audit: &AuditEntry,
        job: Option<&ClaimedJob>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let change = AppliedChange {
            key: key.clone(),
            after,
            audit: audit.clone(),
            job: job.cloned(),
        };
        self.record_applied_many(std::slice::from_ref(&change), now).await
    }

    /// Records a whole worker round in one transaction: what Moodle now holds, the audit
    /// entries and the finished jobs. Rows go in multi-row statements: the cost of a round is
    /// the number of round trips to the database, not the SQL.
    pub async fn record_applied_many(&self, changes: &[AppliedChange], now: Timestamp) -> Result<(), StoreError> {
        self.record_applied_with_events(changes, &[], now).await
    }

    /// As [`Store::record_applied_many`], storing the outbound events the changes cause in the
    /// same transaction: an event exists exactly when its change does.
    pub async fn record_applied_with_events(
        &self,
        changes: &[AppliedChange],
        events: &[crate::NewEvent],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        let mut tx = self.write_tx().await?;
        crate::events::insert_events_in(&mut tx, events, now).await?;
        for chunk in changes.chunks(200) {
            let upserts: Vec<&AppliedChange> = chunk.iter().filter(|c| c.after.is_some()).collect();
            if !upserts.is_empty() {
                let sql = format!(
                    "INSERT INTO applied_enrolments (site, course, learner, status, role, timestart, timeend,
                       moodle_user_id, moodle_course_id, updated_at) VALUES {}
                     ON CONFLICT (site, course, learner) DO UPDATE SET status = excluded.status, role = excluded.role,
                       timestart = excluded.timestart, timeend = excluded.timeend,
                       moodle_user_id = excluded.moodle_user_id, moodle_course_id = excluded.moodle_course_id,
                       updated_at = excluded.updated_at",
                    placeholders(upserts.len(), 10)
                );
                let sql = dialect::sql(self.backend, &sql);
                let mut q = sqlx::query(&sql);
                for c in &upserts {
                    let k = key_strings(&c.key);
                    if let Some(MoodleEnrolment {
                        enrolment: a,
                        user_id,
                        course_id,
                    }) = &c.after
                    {
                        q = q
                            .bind(k.0)
                            .bind(k.1)
                            .bind(k.2)
                            .bind(status_str(a.status))
                            .bind(a.role.clone())
                            .bind(a.timestart)
                            .bind(a.timeend)
                            .bind(*user_id)
                            .bind(*course_id)
                            .bind(now.0);
                    }
                }
                q.execute(&mut *tx).await?;
            }
            for c in chunk.iter().filter(|c| c.after.is_none()) {
                let k = key_strings(&c.key);
                self.query("DELETE FROM applied_enrolments WHERE site = $1 AND course = $2 AND learner = $3")
                    .bind(&k.0)
                    .bind(&k.1)
                    .bind(&k.2)
                    .execute(&mut *tx)
                    .await?;
            }
            let audits: Vec<&AuditEntry> = chunk.iter().map(|c| &c.audit).collect();
            audit::insert_audits(&mut tx, &audits, now).await?;
            let finished: Vec<&ClaimedJob> = chunk.iter().filter_map(|c| c.job.as_ref()).collect();
            jobs::complete_many(&mut tx, &finished, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Desired entitlements joined with what Moodle holds, for the enrolments page.
    pub async fn entitlement_rows(&self) -> Result<Vec<EntitlementRow>, StoreError> {
        let rows = self
            .query(entitlement_rows_sql!("ORDER BY e.site, e.course, e.learner"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(entitlement_row).collect()
    }
}

pub(crate) fn entitlement_row(r: &AnyRow) -> Result<EntitlementRow, StoreError> {
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
        job_error_code: opt_text(r, "job_error_code")?,
        job_error_params: opt_text(r, "job_error_params")?,
    })
}

/// An enrolment as Moodle holds it, with the Moodle user and course ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoodleEnrolment {
    pub enrolment: AppliedEnrolment,
    pub user_id: i64,
    pub course_id: i64,
}

/// One key's outcome in Moodle, for [`Store::record_applied_many`].
#[derive(Debug, Clone)]
pub struct AppliedChange {
    pub key: EntitlementKey,
    /// What Moodle now holds (with the Moodle user and course ids), `None` when unenrolled.
    pub after: Option<MoodleEnrolment>,
    pub audit: AuditEntry,
    pub job: Option<ClaimedJob>,
}

pub(crate) fn row_applied(r: &AnyRow) -> Result<AppliedEnrolment, StoreError> {
    Ok(AppliedEnrolment {
        status: match r.try_get::<String, _>("status")?.as_str() {
            "suspended" => EnrolmentStatus::Suspended,
            _ => EnrolmentStatus::Active,
        },
        role: r.try_get("role")?,
        timestart: r.try_get("timestart")?,
        timeend: r.try_get("timeend")?,
    })
}

pub(crate) fn status_str(s: EnrolmentStatus) -> &'static str {
    match s {
        EnrolmentStatus::Active => "active",
        EnrolmentStatus::Suspended => "suspended",
    }
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
    /// The job error's code and parameters (JSON), when it was stored with them.
    pub job_error_code: Option<String>,
    pub job_error_params: Option<String>,
}
