//! The enrolment jobs: a [`Queue`] keyed by [`EntitlementKey`] (table `jobs`), one row per key
//! meaning "look at this key again". See [`crate::queue`] for the lease, the claim and the dead
//! letter.

use crate::dialect::opt_text;
use crate::queue::{self, ClaimedJob, DeadJob, FailingJob, JobCounts, JobFailure, Queue, QueueKey};
use crate::{Store, StoreError, key_strings, row_key};
use mm_core::{AppliedEnrolment, EnrolmentStatus, EntitlementKey, Timestamp};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

impl QueueKey for EntitlementKey {
    const TABLE: &'static str = "jobs";
    const COLUMNS: &'static [&'static str] = &["site", "course", "learner"];
    const PAUSES: Option<crate::queue::Pauses> = Some(crate::pauses::SITE_PAUSES);

    fn values(&self) -> Vec<String> {
        let (site, course, learner) = key_strings(self);
        vec![site, course, learner]
    }

    fn from_row(r: &AnyRow) -> Result<Self, StoreError> {
        row_key(r)
    }
}

/// Queues enrolment jobs in `tx` (see [`queue::enqueue_in`]).
pub(crate) async fn enqueue_many(
    tx: &mut Transaction<'_, Any>,
    keys: &[&EntitlementKey],
    now: Timestamp,
    force: bool,
) -> Result<(), StoreError> {
    queue::enqueue_in(tx, keys, now, force).await
}

/// Finishes enrolment jobs in `tx` (see [`queue::complete_in`]).
pub(crate) async fn complete_many(
    tx: &mut Transaction<'_, Any>,
    jobs: &[&ClaimedJob],
    now: Timestamp,
) -> Result<(), StoreError> {
    queue::complete_in(tx, jobs, now).await
}

/// The enrolment jobs' queue, as methods of [`Store`].
impl Store {
    /// The enrolment jobs.
    pub fn jobs(&self) -> Queue<'_, EntitlementKey> {
        self.queue()
    }

    /// Queues keys outside any other change (a webhook hint, a sweep, an admin's retry).
    pub async fn enqueue(&self, keys: &[EntitlementKey], force: bool, now: Timestamp) -> Result<(), StoreError> {
        self.jobs().enqueue(keys, force, now).await
    }

    /// Claims up to `limit` due jobs (queued and due, or running with an expired lease).
    pub async fn claim_jobs(
        &self,
        worker: &str,
        limit: i64,
        lease_secs: i64,
        now: Timestamp,
    ) -> Result<Vec<ClaimedJob>, StoreError> {
        self.jobs().claim(worker, limit, lease_secs, now).await
    }

    /// Marks a job finished without any change in Moodle (the key was already converged).
    pub async fn complete_job(&self, job: &ClaimedJob, now: Timestamp) -> Result<(), StoreError> {
        self.complete_jobs(&[job], now).await
    }

    /// Marks jobs finished without any change in Moodle, in one transaction.
    pub async fn complete_jobs(&self, jobs: &[&ClaimedJob], now: Timestamp) -> Result<(), StoreError> {
        self.jobs().complete(jobs, now).await
    }

    pub async fn fail_job(
        &self,
        job: &ClaimedJob,
        error: impl Into<crate::ErrorNote>,
        next: JobFailure,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.jobs().fail(job, error, next, now).await
    }

    /// Extends the lease of every job this worker holds.
    pub async fn heartbeat(&self, worker: &str, lease_secs: i64, now: Timestamp) -> Result<(), StoreError> {
        self.jobs().heartbeat(worker, lease_secs, now).await
    }

    /// On shutdown: hands this worker's unfinished jobs back to the queue.
    pub async fn release_jobs(&self, worker: &str, now: Timestamp) -> Result<u64, StoreError> {
        self.jobs().release(worker, now).await
    }

    pub async fn job_counts(&self) -> Result<JobCounts, StoreError> {
        self.jobs().counts().await
    }

    /// Dead jobs with their errors, for the admin.
    pub async fn dead_jobs(&self) -> Result<Vec<DeadJob>, StoreError> {
        self.jobs().dead().await
    }

    /// An admin's "retry": dead jobs (all, or one key) are queued again, due now.
    pub async fn retry_dead(&self, key: Option<&EntitlementKey>, now: Timestamp) -> Result<u64, StoreError> {
        self.jobs().retry_dead(key, now).await
    }

    /// Jobs that failed and are waiting (backing off or parked dead), with their last error.
    pub async fn failing_jobs(&self) -> Result<Vec<FailingJob>, StoreError> {
        self.jobs().failing().await
    }
}

impl Store {
    /// For every job this worker holds: the key's desired entitlement and what Moodle holds,
    /// in one query (a round plans hundreds of keys).
    pub async fn plan_inputs(&self, worker: &str) -> Result<HashMap<EntitlementKey, PlanInput>, StoreError> {
        let rows = self
            .query(
                "SELECT j.site, j.course, j.learner, e.body, a.status AS a_status, a.role AS a_role,
                    a.timestart AS a_timestart, a.timeend AS a_timeend
             FROM jobs j
             LEFT JOIN entitlements e ON e.site = j.site AND e.course = j.course AND e.learner = j.learner
             LEFT JOIN applied_enrolments a ON a.site = j.site AND a.course = j.course AND a.learner = j.learner
             WHERE j.locked_by = $1 AND j.status = 'running'",
            )
            .bind(worker)
            .fetch_all(&self.pool)
            .await?;
        let mut out = HashMap::with_capacity(rows.len());
        for r in &rows {
            let desired = opt_text(r, "body")?
                .map(|b| serde_json::from_str::<mm_core::Entitlement>(&b))
                .transpose()?;
            let applied = match r.try_get::<Option<String>, _>("a_status")? {
                None => None,
                Some(status) => Some(AppliedEnrolment {
                    status: if status == "suspended" {
                        EnrolmentStatus::Suspended
                    } else {
                        EnrolmentStatus::Active
                    },
                    role: r.try_get("a_role")?,
                    timestart: r.try_get("a_timestart")?,
                    timeend: r.try_get("a_timeend")?,
                }),
            };
            out.insert(row_key(r)?, PlanInput { desired, applied });
        }
        Ok(out)
    }
}

/// What a held job's key needs for planning: its desired entitlement and what Moodle holds.
#[derive(Debug, Clone, Default)]
pub struct PlanInput {
    pub desired: Option<mm_core::Entitlement>,
    pub applied: Option<AppliedEnrolment>,
}
