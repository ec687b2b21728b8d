//! A durable leased queue: one row per key meaning "look at this key again", in a table of its
//! own. The enrolment jobs are one ([`crate::jobs`]); an email outbox can be the next.
//!
//! A claim takes a lease (`locked_until`); a crashed worker's lease expires and another worker
//! takes the job over. A key re-queued while running keeps its lock, so two workers never work
//! on one key at once; the finishing worker then leaves it queued for the new generation. A job
//! that fails backs off (`run_at`) or is parked dead for an admin, who can retry it.
//!
//! The claim uses `FOR UPDATE SKIP LOCKED` on PostgreSQL and MySQL so replicas never claim the
//! same key; SQLite serializes writers.
//!
//! A queue's table has its key columns ([`QueueKey::COLUMNS`], the primary key) and these:
//!
//! ```sql
//! status       TEXT NOT NULL,          -- queued | running | done | dead
//! generation   BIGINT NOT NULL,        -- grows on every enqueue
//! attempts     BIGINT NOT NULL DEFAULT 0,
//! run_at       BIGINT NOT NULL,
//! locked_by    TEXT,
//! locked_until BIGINT,
//! last_error   TEXT,
//! created_at   BIGINT NOT NULL,
//! updated_at   BIGINT NOT NULL,
//! -- and an index `<table>_due ON <table> (status, run_at)` (MySQL's claim forces it)
//! ```

use crate::dialect::{self, opt_text};
use crate::{Backend, Store, StoreError};
use mm_core::{EntitlementKey, Timestamp};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeMap;
use std::marker::PhantomData;

/// The key of a queue's jobs, and where that queue lives.
pub trait QueueKey: Sized + Clone {
    /// The queue's table. Ours, never user input: it is written into the SQL.
    const TABLE: &'static str;
    /// The key columns, in the order of [`QueueKey::values`]. Ours, as `TABLE`.
    const COLUMNS: &'static [&'static str];
    /// The key's column values, as stored.
    fn values(&self) -> Vec<String>;
    /// The key of a row holding [`QueueKey::COLUMNS`].
    fn from_row(r: &AnyRow) -> Result<Self, StoreError>;
    /// Where this queue's paused partitions are listed, if it has any: jobs whose
    /// [`Pauses::column`] is listed in [`Pauses::table`] are not claimed.
    const PAUSES: Option<Pauses> = None;
}

/// A table listing the paused partitions of a queue (for the enrolment jobs: the paused
/// sites), by the key column they share with it. Ours, never user input, as `TABLE`.
#[derive(Debug, Clone, Copy)]
pub struct Pauses {
    pub table: &'static str,
    pub column: &'static str,
}

/// `AND NOT EXISTS (…)`: the claim's filter of paused partitions, or nothing.
fn not_paused<K: QueueKey>() -> String {
    match K::PAUSES {
        Some(Pauses { table, column }) => format!(
            " AND NOT EXISTS (SELECT 1 FROM {table} p WHERE p.{column} = {t}.{column})",
            t = K::TABLE
        ),
        None => String::new(),
    }
}

/// A job a worker holds, until it completes or fails it (or its lease expires).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob<K = EntitlementKey> {
    pub key: K,
    pub generation: i64,
    /// Including this one.
    pub attempts: i64,
    pub worker: String,
    /// When it became due: queued, or its back-off over (`run_at`); the job's latency runs from
    /// here.
    pub due_at: Timestamp,
}

/// A job parked dead, with its last error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadJob<K = EntitlementKey> {
    pub key: K,
    pub error: String,
    /// The error's code and parameters, when it was stored with them (see [`ErrorNote`]).
    pub code: Option<String>,
    pub params: Option<String>,
}

/// A job that failed and waits: backing off (`status` = `queued`) or parked (`dead`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailingJob<K = EntitlementKey> {
    pub key: K,
    pub status: String,
    pub error: String,
    /// The error's code and parameters, when it was stored with them (see [`ErrorNote`]).
    pub code: Option<String>,
    pub params: Option<String>,
}

/// A failed job's error as stored: the English text every reader gets (the CLI, the API, the
/// logs) and, when the failure is typed, its stable code and parameters (a JSON object) so a
/// page can say it in its reader's language. The store keeps them; it does not read them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorNote {
    pub message: String,
    pub code: Option<String>,
    pub params: Option<String>,
}

impl From<&str> for ErrorNote {
    /// An error known only by its text.
    fn from(message: &str) -> ErrorNote {
        ErrorNote {
            message: message.to_owned(),
            ..ErrorNote::default()
        }
    }
}

impl From<String> for ErrorNote {
    fn from(message: String) -> ErrorNote {
        ErrorNote {
            message,
            ..ErrorNote::default()
        }
    }
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
    /// Its partition was paused (the site is down or refuses everyone): it stays queued, due
    /// now but not claimed while paused, and this attempt is not counted.
    Paused,
}

/// The queue of the jobs keyed by `K`, see [`Store::queue`].
pub struct Queue<'a, K> {
    store: &'a Store,
    key: PhantomData<fn() -> K>,
}

impl Store {
    /// The leased queue whose jobs are keyed by `K` (in `K::TABLE`).
    pub fn queue<K: QueueKey>(&self) -> Queue<'_, K> {
        Queue {
            store: self,
            key: PhantomData,
        }
    }
}

/// `a, b, c`: the key columns.
fn cols<K: QueueKey>() -> String {
    K::COLUMNS.join(", ")
}

/// `a = $n AND b = $n+1 …`: the key columns compared with placeholders from `first`.
fn key_eq<K: QueueKey>(first: usize) -> String {
    K::COLUMNS
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", first + i))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// `($first, …), (…)`: `rows` tuples of `width` placeholders, numbered on from `first`.
fn tuples(rows: usize, width: usize, first: usize) -> String {
    (0..rows)
        .map(|r| {
            let vals: Vec<String> = (0..width).map(|c| format!("${}", first + r * width + c)).collect();
            format!("({})", vals.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What an enqueue does to a job already there. `force` (the desired state changed, or an admin
/// asked) revives a dead job and makes it due now; otherwise a job in back-off or parked as dead
/// is left as it is.
fn on_conflict<K: QueueKey>(force: bool, backend: Backend) -> String {
    let (t, c) = (K::TABLE, cols::<K>());
    match (force, backend) {
        (true, _) => format!(
            "ON CONFLICT ({c}) DO UPDATE SET status = 'queued', generation = {t}.generation + 1,
           run_at = excluded.run_at, attempts = 0, last_error = NULL, error_code = NULL, error_params = NULL,
           updated_at = excluded.updated_at"
        ),
        (false, Backend::Sqlite | Backend::Postgres) => format!(
            "ON CONFLICT ({c}) DO UPDATE SET status = 'queued', generation = {t}.generation + 1,
           run_at = excluded.run_at, attempts = 0, updated_at = excluded.updated_at
         WHERE {t}.status = 'done'"
        ),
        // No conditional upsert in MySQL: each column keeps its value unless the job was done.
        // Assignments apply left to right and see the new values, so `status` comes last.
        (false, Backend::MySql) => format!(
            "ON DUPLICATE KEY UPDATE generation = IF({t}.status = 'done', {t}.generation + 1, {t}.generation),
           run_at = IF({t}.status = 'done', VALUES(run_at), {t}.run_at),
           attempts = IF({t}.status = 'done', 0, {t}.attempts),
           updated_at = IF({t}.status = 'done', VALUES(updated_at), {t}.updated_at),
           status = IF({t}.status = 'done', 'queued', {t}.status)"
        ),
    }
}

/// Queues `keys` in `tx`, in multi-row statements (see [`on_conflict`] for `force`).
pub(crate) async fn enqueue_in<K: QueueKey>(
    tx: &mut Transaction<'_, Any>,
    keys: &[&K],
    now: Timestamp,
    force: bool,
) -> Result<(), StoreError> {
    let backend = dialect::backend_of(tx);
    let on_conflict = on_conflict::<K>(force, backend);
    let n = K::COLUMNS.len();
    for chunk in keys.chunks(300) {
        let values: Vec<String> = (0..chunk.len())
            .map(|r| {
                let b = r * (n + 3);
                let key: Vec<String> = (1..=n).map(|i| format!("${}", b + i)).collect();
                format!(
                    "({}, 'queued', 1, 0, ${}, ${}, ${})",
                    key.join(", "),
                    b + n + 1,
                    b + n + 2,
                    b + n + 3
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO {} ({}, status, generation, attempts, run_at, created_at, updated_at)
             VALUES {} {on_conflict}",
            K::TABLE,
            cols::<K>(),
            values.join(", ")
        );
        let sql = dialect::sql(backend, &sql);
        let mut q = sqlx::query(&sql);
        for key in chunk {
            for v in key.values() {
                q = q.bind(v);
            }
            q = q.bind(now.0).bind(now.0).bind(now.0);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Finishes jobs this worker holds, in `tx`, two statements per 200: jobs still at the
/// generation that was claimed are done; the others were queued again meanwhile and only lose
/// their lock.
pub(crate) async fn complete_in<K: QueueKey>(
    tx: &mut Transaction<'_, Any>,
    jobs: &[&ClaimedJob<K>],
    now: Timestamp,
) -> Result<(), StoreError> {
    let backend = dialect::backend_of(tx);
    let (t, c, n) = (K::TABLE, cols::<K>(), K::COLUMNS.len());
    for chunk in jobs.chunks(200) {
        // Everything in the chunk is held by the same worker in practice; group to be exact.
        let mut by_worker: BTreeMap<&str, Vec<&ClaimedJob<K>>> = BTreeMap::new();
        for j in chunk {
            by_worker.entry(j.worker.as_str()).or_default().push(j);
        }
        for (worker, group) in by_worker {
            let sql = format!(
                "UPDATE {t} SET status = 'done', locked_by = NULL, locked_until = NULL, last_error = NULL,
                   error_code = NULL, error_params = NULL, updated_at = $1
                 WHERE locked_by = $2 AND ({c}, generation) IN ({})",
                tuples(group.len(), n + 1, 3)
            );
            let sql = dialect::sql(backend, &sql);
            let mut q = sqlx::query(&sql).bind(now.0).bind(worker);
            for j in &group {
                for v in j.key.values() {
                    q = q.bind(v);
                }
                q = q.bind(j.generation);
            }
            q.execute(&mut **tx).await?;
            // Re-queued while we worked (newer generation): keep it queued, release the lock.
            let sql = format!(
                "UPDATE {t} SET status = 'queued', locked_by = NULL, locked_until = NULL, last_error = NULL,
                   error_code = NULL, error_params = NULL, updated_at = $1
                 WHERE locked_by = $2 AND ({c}) IN ({})",
                tuples(group.len(), n, 3)
            );
            let sql = dialect::sql(backend, &sql);
            let mut q = sqlx::query(&sql).bind(now.0).bind(worker);
            for j in &group {
                for v in j.key.values() {
                    q = q.bind(v);
                }
            }
            q.execute(&mut **tx).await?;
        }
    }
    Ok(())
}

/// The claimed job of a row holding the key columns, `generation`, `attempts` and `run_at`.
fn claimed<K: QueueKey>(r: &AnyRow, worker: &str, attempts_before: i64) -> Result<ClaimedJob<K>, StoreError> {
    Ok(ClaimedJob {
        key: K::from_row(r)?,
        generation: r.try_get("generation")?,
        attempts: r.try_get::<i64, _>("attempts")? + attempts_before,
        worker: worker.to_string(),
        due_at: Timestamp(r.try_get("run_at")?),
    })
}

impl<K: QueueKey> Queue<'_, K> {
    /// Queues keys outside any other change (a webhook hint, a sweep, an admin's retry).
    pub async fn enqueue(&self, keys: &[K], force: bool, now: Timestamp) -> Result<(), StoreError> {
        let mut tx = self.store.write_tx().await?;
        let keys: Vec<&K> = keys.iter().collect();
        enqueue_in(&mut tx, &keys, now, force).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Claims up to `limit` due jobs (queued and due, or running with an expired lease) for
    /// `lease_secs`.
    pub async fn claim(
        &self,
        worker: &str,
        limit: i64,
        lease_secs: i64,
        now: Timestamp,
    ) -> Result<Vec<ClaimedJob<K>>, StoreError> {
        let lock = match self.store.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
            Backend::MySql => return self.claim_mysql(worker, limit, lease_secs, now).await,
        };
        let (t, c, paused) = (K::TABLE, cols::<K>(), not_paused::<K>());
        let sql = format!(
            "UPDATE {t} SET status = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1,
               updated_at = $3
             WHERE ({c}) IN (
               SELECT {c} FROM {t}
               WHERE ((status = 'queued' AND run_at <= $4 AND (locked_until IS NULL OR locked_until < $5))
                  OR (status = 'running' AND locked_until < $6)){paused}
               ORDER BY run_at LIMIT $7 {lock})
             RETURNING {c}, generation, attempts, run_at"
        );
        let rows = sqlx::query(&sql)
            .bind(worker)
            .bind(now.0 + lease_secs)
            .bind(now.0)
            .bind(now.0)
            .bind(now.0)
            .bind(now.0)
            .bind(limit)
            .fetch_all(&self.store.pool)
            .await?;
        rows.iter().map(|r| claimed(r, worker, 0)).collect()
    }

    /// [`Queue::claim`] on MySQL, which has no `UPDATE … RETURNING` and no `LIMIT` in an `IN`
    /// subquery: the due jobs are selected and locked (`FOR UPDATE SKIP LOCKED`, so another
    /// replica's claim passes them by), then taken, in one transaction.
    ///
    /// Each select walks the `<table>_due` index in `run_at` order and stops at the limit. A
    /// single select with `OR` of the two states sorts its rows instead (a filesort), and InnoDB
    /// then locks every due row before the sort: one replica's claim would lock the whole queue
    /// and the other replica's would skip it all. Expired leases (a crashed worker's jobs) go
    /// first.
    async fn claim_mysql(
        &self,
        worker: &str,
        limit: i64,
        lease_secs: i64,
        now: Timestamp,
    ) -> Result<Vec<ClaimedJob<K>>, StoreError> {
        let (t, c, paused) = (K::TABLE, cols::<K>(), not_paused::<K>());
        let mut tx = self.store.pool.begin().await?;
        let sql = format!(
            "SELECT {c}, generation, attempts, run_at FROM {t} FORCE INDEX ({t}_due)
             WHERE status = 'running' AND locked_until < ?{paused}
             ORDER BY run_at LIMIT ? FOR UPDATE SKIP LOCKED"
        );
        let mut rows = sqlx::query(&sql).bind(now.0).bind(limit).fetch_all(&mut *tx).await?;
        let left = limit - rows.len() as i64;
        if left > 0 {
            let sql = format!(
                "SELECT {c}, generation, attempts, run_at FROM {t} FORCE INDEX ({t}_due)
                 WHERE status = 'queued' AND run_at <= ? AND (locked_until IS NULL OR locked_until < ?){paused}
                 ORDER BY run_at LIMIT ? FOR UPDATE SKIP LOCKED"
            );
            rows.extend(
                sqlx::query(&sql)
                    .bind(now.0)
                    .bind(now.0)
                    .bind(left)
                    .fetch_all(&mut *tx)
                    .await?,
            );
        }
        let jobs = rows
            .iter()
            .map(|r| claimed::<K>(r, worker, 1))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let key = format!("({})", vec!["?"; K::COLUMNS.len()].join(", "));
        for chunk in jobs.chunks(200) {
            let sql = format!(
                "UPDATE {t} SET status = 'running', locked_by = ?, locked_until = ?, attempts = attempts + 1,
                   updated_at = ?
                 WHERE ({c}) IN ({})",
                vec![key.as_str(); chunk.len()].join(", ")
            );
            let mut q = sqlx::query(&sql).bind(worker).bind(now.0 + lease_secs).bind(now.0);
            for j in chunk {
                for v in j.key.values() {
                    q = q.bind(v);
                }
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(jobs)
    }

    /// Marks jobs finished, in one transaction.
    pub async fn complete(&self, jobs: &[&ClaimedJob<K>], now: Timestamp) -> Result<(), StoreError> {
        if jobs.is_empty() {
            return Ok(());
        }
        let mut tx = self.store.write_tx().await?;
        complete_in(&mut tx, jobs, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A job failed: it backs off until `RetryAt`, or is parked dead, with `error` kept.
    pub async fn fail(
        &self,
        job: &ClaimedJob<K>,
        error: impl Into<ErrorNote>,
        next: JobFailure,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let error = error.into();
        // (status, due, attempts given back)
        let (status, run_at, uncounted) = match next {
            JobFailure::RetryAt(t) => ("queued", t.0, 0i64),
            JobFailure::Dead => ("dead", now.0, 0),
            JobFailure::Paused => ("queued", now.0, 1),
        };
        let n = K::COLUMNS.len();
        // A newer generation queued meanwhile deserves a fresh try, not the dead letter.
        let sql = format!(
            "UPDATE {} SET status = CASE WHEN generation = $1 THEN $2 ELSE 'queued' END, run_at = $3,
               attempts = attempts - $4, last_error = $5, error_code = $6, error_params = $7, locked_by = NULL,
               locked_until = NULL, updated_at = $8
             WHERE {} AND locked_by = ${}",
            K::TABLE,
            key_eq::<K>(9),
            9 + n
        );
        let sql = dialect::sql(self.store.backend, &sql);
        let mut q = sqlx::query(&sql)
            .bind(job.generation)
            .bind(status)
            .bind(run_at)
            .bind(uncounted)
            .bind(error.message)
            .bind(error.code)
            .bind(error.params)
            .bind(now.0);
        for v in job.key.values() {
            q = q.bind(v);
        }
        q.bind(&job.worker).execute(&self.store.pool).await?;
        Ok(())
    }

    /// Extends the lease of every job this worker holds.
    pub async fn heartbeat(&self, worker: &str, lease_secs: i64, now: Timestamp) -> Result<(), StoreError> {
        let sql = format!(
            "UPDATE {} SET locked_until = $1 WHERE locked_by = $2 AND status = 'running'",
            K::TABLE
        );
        sqlx::query(&dialect::sql(self.store.backend, &sql))
            .bind(now.0 + lease_secs)
            .bind(worker)
            .execute(&self.store.pool)
            .await?;
        Ok(())
    }

    /// On shutdown: hands this worker's unfinished jobs back to the queue.
    pub async fn release(&self, worker: &str, now: Timestamp) -> Result<u64, StoreError> {
        let sql = format!(
            "UPDATE {} SET status = 'queued', locked_by = NULL, locked_until = NULL, updated_at = $1
             WHERE locked_by = $2 AND status = 'running'",
            K::TABLE
        );
        let r = sqlx::query(&dialect::sql(self.store.backend, &sql))
            .bind(now.0)
            .bind(worker)
            .execute(&self.store.pool)
            .await?;
        Ok(r.rows_affected())
    }

    pub async fn counts(&self) -> Result<JobCounts, StoreError> {
        let sql = format!("SELECT status, COUNT(*) AS n FROM {} GROUP BY status", K::TABLE);
        let rows = sqlx::query(&dialect::sql(self.store.backend, &sql))
            .fetch_all(&self.store.pool)
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

    /// Dead jobs with their errors, for the admin, oldest first.
    pub async fn dead(&self) -> Result<Vec<DeadJob<K>>, StoreError> {
        let sql = format!(
            "SELECT {}, last_error, error_code, error_params FROM {} WHERE status = 'dead' ORDER BY updated_at",
            cols::<K>(),
            K::TABLE
        );
        let rows = sqlx::query(&dialect::sql(self.store.backend, &sql))
            .fetch_all(&self.store.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(DeadJob {
                    key: K::from_row(r)?,
                    error: opt_text(r, "last_error")?.unwrap_or_default(),
                    code: opt_text(r, "error_code")?,
                    params: opt_text(r, "error_params")?,
                })
            })
            .collect()
    }

    /// Jobs that failed and are waiting (backing off or parked dead), with their last error,
    /// in key order.
    pub async fn failing(&self) -> Result<Vec<FailingJob<K>>, StoreError> {
        let c = cols::<K>();
        let sql = format!(
            "SELECT {c}, status, last_error, error_code, error_params FROM {}
             WHERE status IN ('dead', 'queued') AND last_error IS NOT NULL ORDER BY {c}",
            K::TABLE
        );
        let rows = sqlx::query(&dialect::sql(self.store.backend, &sql))
            .fetch_all(&self.store.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(FailingJob {
                    key: K::from_row(r)?,
                    status: r.try_get("status")?,
                    error: opt_text(r, "last_error")?.unwrap_or_default(),
                    code: opt_text(r, "error_code")?,
                    params: opt_text(r, "error_params")?,
                })
            })
            .collect()
    }

    /// An admin's "retry": dead jobs (all, or one key) are queued again, due now.
    pub async fn retry_dead(&self, key: Option<&K>, now: Timestamp) -> Result<u64, StoreError> {
        let mut sql = format!(
            "UPDATE {} SET status = 'queued', run_at = $1, attempts = 0, generation = generation + 1,
               updated_at = $2 WHERE status = 'dead'",
            K::TABLE
        );
        if key.is_some() {
            sql = format!("{sql} AND {}", key_eq::<K>(3));
        }
        let sql = dialect::sql(self.store.backend, &sql);
        let mut q = sqlx::query(&sql).bind(now.0).bind(now.0);
        for v in key.map(QueueKey::values).unwrap_or_default() {
            q = q.bind(v);
        }
        Ok(q.execute(&self.store.pool).await?.rows_affected())
    }

    /// An admin's "discard": dead jobs (all, or one key) are dropped. The key is planned again
    /// when its desired state next changes, or by a drift sweep.
    pub async fn discard_dead(&self, key: Option<&K>) -> Result<u64, StoreError> {
        let mut sql = format!("DELETE FROM {} WHERE status = 'dead'", K::TABLE);
        if key.is_some() {
            sql = format!("{sql} AND {}", key_eq::<K>(1));
        }
        let sql = dialect::sql(self.store.backend, &sql);
        let mut q = sqlx::query(&sql);
        for v in key.map(QueueKey::values).unwrap_or_default() {
            q = q.bind(v);
        }
        Ok(q.execute(&self.store.pool).await?.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{backends, fresh};

    /// A queue of another shape than the enrolment jobs: one key column, a table of its own.
    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Mail(String);

    impl QueueKey for Mail {
        const TABLE: &'static str = "test_outbox";
        const COLUMNS: &'static [&'static str] = &["id"];
        fn values(&self) -> Vec<String> {
            vec![self.0.clone()]
        }
        fn from_row(r: &AnyRow) -> Result<Self, StoreError> {
            Ok(Mail(r.try_get("id")?))
        }
    }

    #[tokio::test]
    async fn another_table_is_a_queue_too() {
        for b in backends() {
            let db = fresh(b).await.expect("db");
            let s = db.store().await;
            for ddl in [
                "CREATE TABLE test_outbox (id VARCHAR(191) NOT NULL PRIMARY KEY, status VARCHAR(16) NOT NULL,
                   generation BIGINT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0, run_at BIGINT NOT NULL,
                   locked_by VARCHAR(191), locked_until BIGINT, last_error TEXT, error_code VARCHAR(64),
                   error_params TEXT, created_at BIGINT NOT NULL,
                   updated_at BIGINT NOT NULL)",
                "CREATE INDEX test_outbox_due ON test_outbox (status, run_at)",
            ] {
                sqlx::query(ddl).execute(&s.pool).await.expect("ddl");
            }
            let q = s.queue::<Mail>();
            let (a, m) = (Mail("a".into()), Mail("m".into()));
            q.enqueue(&[a.clone(), m.clone()], false, Timestamp(10))
                .await
                .expect("enqueue");
            let got = q.claim("w1", 10, 30, Timestamp(10)).await.expect("claim");
            assert_eq!(got.len(), 2, "{b}");
            assert!(
                q.claim("w2", 10, 30, Timestamp(11)).await.expect("claim").is_empty(),
                "{b}"
            );
            q.heartbeat("w1", 60, Timestamp(20)).await.expect("heartbeat");
            let (ja, jm) = if got[0].key == a {
                (&got[0], &got[1])
            } else {
                (&got[1], &got[0])
            };
            q.complete(&[ja], Timestamp(21)).await.expect("complete");
            let note = ErrorNote {
                message: "smtp 550".into(),
                code: Some("mail_rejected".into()),
                params: Some(r#"{"status":"550"}"#.into()),
            };
            q.fail(jm, note.clone(), JobFailure::Dead, Timestamp(22))
                .await
                .expect("fail");
            let dead = q.dead().await.expect("dead");
            assert_eq!(
                dead,
                vec![DeadJob {
                    key: m.clone(),
                    error: note.message,
                    code: note.code,
                    params: note.params,
                }],
                "{b}"
            );
            assert_eq!(q.failing().await.expect("failing").len(), 1, "{b}");
            let c = q.counts().await.expect("counts");
            assert_eq!((c.done, c.dead), (1, 1), "{b}");
            assert_eq!(q.retry_dead(Some(&m), Timestamp(30)).await.expect("retry"), 1, "{b}");
            let again = q.claim("w2", 10, 30, Timestamp(30)).await.expect("claim");
            assert_eq!(again.iter().map(|j| &j.key).collect::<Vec<_>>(), vec![&m], "{b}");
            assert_eq!(q.release("w2", Timestamp(31)).await.expect("release"), 1, "{b}");
            // The enrolment jobs' table is another queue: untouched.
            assert_eq!(s.job_counts().await.expect("jobs"), JobCounts::default(), "{b}");
        }
    }

    #[test]
    fn placeholder_lists() {
        assert_eq!(tuples(2, 3, 3), "($3, $4, $5), ($6, $7, $8)");
        assert_eq!(
            key_eq::<EntitlementKey>(6),
            "site = $6 AND course = $7 AND learner = $8"
        );
    }
}
