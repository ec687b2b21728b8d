//! Durable jobs: one row per entitlement key meaning "look at this key again".
//!
//! A claim takes a lease (`locked_until`); a crashed worker's lease expires and another worker
//! takes the job over. A key re-queued while running keeps its lock, so two workers never
//! reconcile one key at once; the finishing worker then leaves it queued for the new generation.

use crate::dialect::{self, opt_text};
use crate::{Backend, Store, StoreError, key_strings, row_key};
use mm_core::{AppliedEnrolment, EnrolmentStatus, EntitlementKey, Timestamp};
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    pub key: EntitlementKey,
    pub generation: i64,
    /// Including this one.
    pub attempts: i64,
    pub worker: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct JobCounts {
    pub queued: i64,
    pub running: i64,
    pub done: i64,
    pub dead: i64,
}

/// How a failed job continues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobFailure {
    RetryAt(Timestamp),
    /// A permanent error: parked for an admin, with the error shown.
    Dead,
}

/// Queues `keys`, in multi-row statements. `force` (the desired state changed, or an admin
/// asked) revives a dead job and makes it due now; otherwise a job in back-off or parked as dead
/// is left as it is.
pub(crate) async fn enqueue_many(
    tx: &mut Transaction<'_, Any>,
    keys: &[&EntitlementKey],
    now: Timestamp,
    force: bool,
) -> Result<(), StoreError> {
    let backend = dialect::backend_of(tx);
    let on_conflict = match (force, backend) {
        (true, _) => {
            "ON CONFLICT (site, course, learner) DO UPDATE SET status = 'queued', generation = jobs.generation + 1,
           run_at = excluded.run_at, attempts = 0, last_error = NULL, updated_at = excluded.updated_at"
        }
        (false, Backend::Sqlite | Backend::Postgres) => {
            "ON CONFLICT (site, course, learner) DO UPDATE SET status = 'queued', generation = jobs.generation + 1,
           run_at = excluded.run_at, attempts = 0, updated_at = excluded.updated_at
         WHERE jobs.status = 'done'"
        }
        // No conditional upsert in MySQL: each column keeps its value unless the job was done.
        // Assignments apply left to right and see the new values, so `status` comes last.
        (false, Backend::MySql) => {
            "ON DUPLICATE KEY UPDATE generation = IF(jobs.status = 'done', jobs.generation + 1, jobs.generation),
           run_at = IF(jobs.status = 'done', VALUES(run_at), jobs.run_at),
           attempts = IF(jobs.status = 'done', 0, jobs.attempts),
           updated_at = IF(jobs.status = 'done', VALUES(updated_at), jobs.updated_at),
           status = IF(jobs.status = 'done', 'queued', jobs.status)"
        }
    };
    for chunk in keys.chunks(300) {
        let values: Vec<String> = (0..chunk.len())
            .map(|r| {
                let b = r * 6;
                format!(
                    "(${}, ${}, ${}, 'queued', 1, 0, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO jobs (site, course, learner, status, generation, attempts, run_at, created_at, updated_at)
             VALUES {} {on_conflict}",
            values.join(", ")
        );
        let sql = dialect::sql(backend, &sql);
        let mut q = sqlx::query(&sql);
        for key in chunk {
            let k = key_strings(key);
            q = q.bind(k.0).bind(k.1).bind(k.2).bind(now.0).bind(now.0).bind(now.0);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Finishes jobs this worker holds, two statements per 200: jobs still at the generation that
/// was claimed are done; the others were queued again meanwhile and only lose their lock.
pub(crate) async fn complete_many(
    tx: &mut Transaction<'_, Any>,
    jobs: &[&ClaimedJob],
    now: Timestamp,
) -> Result<(), StoreError> {
    let backend = dialect::backend_of(tx);
    for chunk in jobs.chunks(200) {
        // Everything in the chunk is held by the same worker in practice; group to be exact.
        let mut by_worker: std::collections::BTreeMap<&str, Vec<&ClaimedJob>> = std::collections::BTreeMap::new();
        for j in chunk {
            by_worker.entry(j.worker.as_str()).or_default().push(j);
        }
        for (worker, group) in by_worker {
            let tuples: Vec<String> = (0..group.len())
                .map(|i| format!("(${}, ${}, ${}, ${})", 3 + 4 * i, 4 + 4 * i, 5 + 4 * i, 6 + 4 * i))
                .collect();
            let sql = format!(
                "UPDATE jobs SET status = 'done', locked_by = NULL, locked_until = NULL, last_error = NULL,
                   updated_at = $1
                 WHERE locked_by = $2 AND (site, course, learner, generation) IN ({})",
                tuples.join(", ")
            );
            let sql = dialect::sql(backend, &sql);
            let mut q = sqlx::query(&sql).bind(now.0).bind(worker);
            for j in &group {
                let k = key_strings(&j.key);
                q = q.bind(k.0).bind(k.1).bind(k.2).bind(j.generation);
            }
            q.execute(&mut **tx).await?;
            // Re-queued while we worked (newer generation): keep it queued, release the lock.
            let tuples: Vec<String> = (0..group.len())
                .map(|i| format!("(${}, ${}, ${})", 3 + 3 * i, 4 + 3 * i, 5 + 3 * i))
                .collect();
            let sql = format!(
                "UPDATE jobs SET status = 'queued', locked_by = NULL, locked_until = NULL, last_error = NULL,
                   updated_at = $1
                 WHERE locked_by = $2 AND (site, course, learner) IN ({})",
                tuples.join(", ")
            );
            let sql = dialect::sql(backend, &sql);
            let mut q = sqlx::query(&sql).bind(now.0).bind(worker);
            for j in &group {
                let k = key_strings(&j.key);
                q = q.bind(k.0).bind(k.1).bind(k.2);
            }
            q.execute(&mut **tx).await?;
        }
    }
    Ok(())
}

impl Store {
    /// Queues keys outside any other change (a webhook hint, a sweep, an admin's retry).
    pub async fn enqueue(&self, keys: &[EntitlementKey], force: bool, now: Timestamp) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let keys: Vec<&EntitlementKey> = keys.iter().collect();
        enqueue_many(&mut tx, &keys, now, force).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Claims up to `limit` due jobs (queued and due, or running with an expired lease).
    pub async fn claim_jobs(
        &self,
        worker: &str,
        limit: i64,
        lease_secs: i64,
        now: Timestamp,
    ) -> Result<Vec<ClaimedJob>, StoreError> {
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
            Backend::MySql => return self.claim_jobs_mysql(worker, limit, lease_secs, now).await,
        };
        let sql = format!(
            "UPDATE jobs SET status = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1,
               updated_at = $3
             WHERE (site, course, learner) IN (
               SELECT site, course, learner FROM jobs
               WHERE (status = 'queued' AND run_at <= $4 AND (locked_until IS NULL OR locked_until < $5))
                  OR (status = 'running' AND locked_until < $6)
               ORDER BY run_at LIMIT $7 {lock})
             RETURNING site, course, learner, generation, attempts"
        );
        let rows = sqlx::query(&sql)
            .bind(worker)
            .bind(now.0 + lease_secs)
            .bind(now.0)
            .bind(now.0)
            .bind(now.0)
            .bind(now.0)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ClaimedJob {
                    key: row_key(r)?,
                    generation: r.try_get("generation")?,
                    attempts: r.try_get("attempts")?,
                    worker: worker.to_string(),
                })
            })
            .collect()
    }

    /// [`Store::claim_jobs`] on MySQL, which has no `UPDATE … RETURNING` and no `LIMIT` in an
    /// `IN` subquery: the due jobs are selected and locked (`FOR UPDATE SKIP LOCKED`, so another
    /// replica's claim passes them by), then taken, in one transaction.
    ///
    /// Each select walks the `jobs_due` index in `run_at` order and stops at the limit. A single
    /// select with `OR` of the two states sorts its rows instead (a filesort), and InnoDB then
    /// locks every due row before the sort: one replica's claim would lock the whole queue and the
    /// other replica's would skip it all. Expired leases (a crashed worker's jobs) go first.
    async fn claim_jobs_mysql(
        &self,
        worker: &str,
        limit: i64,
        lease_secs: i64,
        now: Timestamp,
    ) -> Result<Vec<ClaimedJob>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut rows = sqlx::query(
            "SELECT site, course, learner, generation, attempts FROM jobs FORCE INDEX (jobs_due)
             WHERE status = 'running' AND locked_until < ?
             ORDER BY run_at LIMIT ? FOR UPDATE SKIP LOCKED",
        )
        .bind(now.0)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let left = limit - rows.len() as i64;
        if left > 0 {
            rows.extend(
                sqlx::query(
                    "SELECT site, course, learner, generation, attempts FROM jobs FORCE INDEX (jobs_due)
                     WHERE status = 'queued' AND run_at <= ? AND (locked_until IS NULL OR locked_until < ?)
                     ORDER BY run_at LIMIT ? FOR UPDATE SKIP LOCKED",
                )
                .bind(now.0)
                .bind(now.0)
                .bind(left)
                .fetch_all(&mut *tx)
                .await?,
            );
        }
        let jobs = rows
            .iter()
            .map(|r| {
                Ok(ClaimedJob {
                    key: row_key(r)?,
                    generation: r.try_get("generation")?,
                    attempts: r.try_get::<i64, _>("attempts")? + 1,
                    worker: worker.to_string(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        for chunk in jobs.chunks(200) {
            let sql = format!(
                "UPDATE jobs SET status = 'running', locked_by = ?, locked_until = ?, attempts = attempts + 1,
                   updated_at = ?
                 WHERE (site, course, learner) IN ({})",
                vec!["(?, ?, ?)"; chunk.len()].join(", ")
            );
            let mut q = sqlx::query(&sql).bind(worker).bind(now.0 + lease_secs).bind(now.0);
            for j in chunk {
                let k = key_strings(&j.key);
                q = q.bind(k.0).bind(k.1).bind(k.2);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(jobs)
    }

    /// Marks a job finished without any change in Moodle (the key was already converged).
    pub async fn complete_job(&self, job: &ClaimedJob, now: Timestamp) -> Result<(), StoreError> {
        self.complete_jobs(&[job], now).await
    }

    /// Marks jobs finished without any change in Moodle, in one transaction.
    pub async fn complete_jobs(&self, jobs: &[&ClaimedJob], now: Timestamp) -> Result<(), StoreError> {
        if jobs.is_empty() {
            return Ok(());
        }
        let mut tx = self.write_tx().await?;
        complete_many(&mut tx, jobs, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn fail_job(
        &self,
        job: &ClaimedJob,
        error: &str,
        next: JobFailure,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let k = key_strings(&job.key);
        let (status, run_at) = match next {
            JobFailure::RetryAt(t) => ("queued", t.0),
            JobFailure::Dead => ("dead", now.0),
        };
        // A newer generation queued meanwhile deserves a fresh try, not the dead letter.
        self.query(
            "UPDATE jobs SET status = CASE WHEN generation = $1 THEN $2 ELSE 'queued' END, run_at = $3,
               last_error = $4, locked_by = NULL, locked_until = NULL, updated_at = $5
             WHERE site = $6 AND course = $7 AND learner = $8 AND locked_by = $9",
        )
        .bind(job.generation)
        .bind(status)
        .bind(run_at)
        .bind(error)
        .bind(now.0)
        .bind(&k.0)
        .bind(&k.1)
        .bind(&k.2)
        .bind(&job.worker)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Extends the lease of every job this worker holds.
    pub async fn heartbeat(&self, worker: &str, lease_secs: i64, now: Timestamp) -> Result<(), StoreError> {
        self.query("UPDATE jobs SET locked_until = $1 WHERE locked_by = $2 AND status = 'running'")
            .bind(now.0 + lease_secs)
            .bind(worker)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// On shutdown: hands this worker's unfinished jobs back to the queue.
    pub async fn release_jobs(&self, worker: &str, now: Timestamp) -> Result<u64, StoreError> {
        let r = self
            .query(
                "UPDATE jobs SET status = 'queued', locked_by = NULL, locked_until = NULL, updated_at = $1
             WHERE locked_by = $2 AND status = 'running'",
            )
            .bind(now.0)
            .bind(worker)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected())
    }

    pub async fn job_counts(&self) -> Result<JobCounts, StoreError> {
        let rows = self
            .query("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status")
            .fetch_all(&self.pool)
            .await?;
        let mut c = JobCounts::default();
        for r in rows {
            let n: i64 = r.try_get("n")?;
            match r.try_get::<String, _>("status")?.as_str() {
                "queued" => c.queued = n,
                "running" => c.running = n,
                "done" => c.done = n,
                "dead" => c.dead = n,
                _ => {}
            }
        }
        Ok(c)
    }

    /// Dead jobs with their errors, for the admin.
    pub async fn dead_jobs(&self) -> Result<Vec<(EntitlementKey, String)>, StoreError> {
        let rows = self
            .query("SELECT site, course, learner, last_error FROM jobs WHERE status = 'dead' ORDER BY updated_at")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((row_key(r)?, opt_text(r, "last_error")?.unwrap_or_default())))
            .collect()
    }
}

impl Store {
    /// An admin's "retry": dead jobs (all, or one key) are queued again, due now.
    pub async fn retry_dead(&self, key: Option<&EntitlementKey>, now: Timestamp) -> Result<u64, StoreError> {
        let r = match key {
            None => {
                self.query(
                    "UPDATE jobs SET status = 'queued', run_at = $1, attempts = 0, generation = generation + 1,
                       updated_at = $2 WHERE status = 'dead'",
                )
                .bind(now.0)
                .bind(now.0)
                .execute(&self.pool)
                .await?
            }
            Some(k) => {
                let k = key_strings(k);
                self.query(
                    "UPDATE jobs SET status = 'queued', run_at = $1, attempts = 0, generation = generation + 1,
                       updated_at = $2 WHERE status = 'dead' AND site = $3 AND course = $4 AND learner = $5",
                )
                .bind(now.0)
                .bind(now.0)
                .bind(&k.0)
                .bind(&k.1)
                .bind(&k.2)
                .execute(&self.pool)
                .await?
            }
        };
        Ok(r.rows_affected())
    }
}

impl Store {
    /// Jobs that failed and are waiting (backing off or parked dead), with their last error.
    pub async fn failing_jobs(&self) -> Result<Vec<(EntitlementKey, String, String)>, StoreError> {
        let rows = self
            .query(
                "SELECT site, course, learner, status, last_error FROM jobs
             WHERE status IN ('dead', 'queued') AND last_error IS NOT NULL ORDER BY site, course, learner",
            )
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    row_key(r)?,
                    r.try_get("status")?,
                    opt_text(r, "last_error")?.unwrap_or_default(),
                ))
            })
            .collect()
    }
}

impl Store {
    /// For every job this worker holds: the key's desired entitlement and what Moodle holds,
    /// in one query (a round plans hundreds of keys).
    pub async fn plan_inputs(
        &self,
        worker: &str,
    ) -> Result<HashMap<EntitlementKey, (Option<mm_core::Entitlement>, Option<AppliedEnrolment>)>, StoreError> {
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
            out.insert(row_key(r)?, (desired, applied));
        }
        Ok(out)
    }
}
