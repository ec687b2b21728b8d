//! Persistence for MoodleManagement: SQLite (embedded default, WAL), PostgreSQL or MySQL/MariaDB,
//! chosen by URL.
//!
//! Everything goes through `sqlx::Any` with SQL written for SQLite and PostgreSQL (`$N`
//! placeholders in order, `ON CONFLICT` upserts, `RETURNING`) and rewritten for MySQL by
//! [`dialect`]; the job claim uses `FOR UPDATE SKIP LOCKED` on PostgreSQL and MySQL so replicas
//! never claim the same key (`queue`).
//!
//! One module per concept, each with its own `impl Store`: `invoices`, `mappings`,
//! `desired` (entitlements and holds), `applied` (what Moodle holds), `accounts` (Moodle
//! user ids, idnumbers, counters, email changes), `seats`, `queue` (the generic leased queue)
//! and `jobs` (the enrolment jobs on it), `pauses` (sites whose jobs wait), `audit`, `deliveries` (webhook deliveries),
//! `cursors`, `refusals` (sources that refused us), `connections` (sites and sources added in the admin, secrets sealed), `events` (outbound event
//! subscribers, deliveries and attempts). This file keeps the [`Store`] handle, connecting and migrating.

mod accounts;
mod api_tokens;
mod applied;
mod audit;
mod certificate_template;
mod certificates;
mod connections;
mod cursors;
mod dashboard;
mod deliveries;
mod desired;
mod dialect;
mod enrolment_list;
mod error;
mod events;
mod idempotency;
mod invoices;
mod jobs;
mod learner_list;
mod mappings;
mod pauses;
mod progress;
mod queue;
mod refusals;
mod revenue;
mod rows;
mod seats;
mod story;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod users;

pub use accounts::{KnownAccount, MoodleIdnumber, MoodleUserId};
pub use api_tokens::{ApiTokenRow, NewApiToken};
pub use applied::{AppliedChange, EntitlementRow, MoodleEnrolment};
pub use audit::{AuditEntry, AuditRecord};
pub use certificate_template::TemplateOverride;
pub use certificates::{
    CertificateFilter, CertificateRow, MailKey, MailKind, NewCertificate, Revocation, StoredSigningKey,
    UncertifiedCompletion,
};
pub use connections::{StoredSecrets, StoredSite, StoredSource, StoredSourceKind};
pub use dashboard::{
    CourseLearners, CourseRevenue, CurrencyRevenue, DashboardRange, EntitlementRollup, MonthCount, QueueStanding,
    Revenue, SiteActivity, SourceActivity, StatusCount,
};
pub use deliveries::{DeliveryRecord, StoredDelivery};
pub use desired::{ActiveKey, HoldRow, StoredCourse};
pub use enrolment_list::{
    AppliedState, DesiredStatus, EnrolmentFilter, EnrolmentListRow, EnrolmentSort, EnrolmentWindow, JobRow, JobState,
    ListKey, SortDirection,
};
pub use error::StoreError;
pub use events::{
    AttemptOutcome, AttemptRecord, DeliveryFilter, DeliveryState, EventAttempt, EventDelivery, EventSubscriber,
    NewEvent, ORIGIN_ADMIN, ORIGIN_CONFIG,
};
pub use idempotency::{IdempotencyRecord, KeyClaim, NewIdempotencyKey, StoredAnswer};
pub use invoices::UpsertOutcome;
pub use jobs::PlanInput;
pub use learner_list::{LearnerAccount, LearnerFilter, LearnerListRow, LearnerSort, LearnerWindow};
pub use mappings::{MappingOrigin, MappingsInForce, SaveMappings, StoredMapping};
pub use pauses::{PausedSite, SitePause};
pub use progress::{MonthCompletions, ProgressBucket, ProgressChange, ProgressRow};
pub use queue::{ClaimedJob, DeadJob, ErrorNote, FailingJob, JobCounts, JobFailure, Pauses, Queue, QueueKey};
pub use refusals::SourceRefusal;
pub use seats::SeatOutcome;
pub use story::{InvoiceHit, InvoiceRecord};
pub use users::{
    AdminCredentials, AdminUser, AdminUserChange, NewSession, OperatorAction, OperatorActionRecord, SessionRow,
};

pub(crate) use rows::{key_strings, placeholders, row_key};
use sqlx::any::{AnyArguments, AnyPoolOptions};
use sqlx::query::Query;
use sqlx::{Any, AnyPool, Executor};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    /// MySQL 8 or MariaDB ≥ 10.6 (`SKIP LOCKED`).
    MySql,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).finish()
    }
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");
static MYSQL_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/mysql");

impl Store {
    /// Connects to `sqlite://path` (created if missing, WAL mode), `postgres://…` or
    /// `mysql://…` / `mariadb://…`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("mysql://") || url.starts_with("mariadb://") {
            Backend::MySql
        } else {
            return Err(StoreError::UnsupportedUrl(scheme_of(url)));
        };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_string(),
        };
        if backend == Backend::Sqlite {
            check_sqlite_writable(&url)?;
        }
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 10 })
            .acquire_timeout(Duration::from_secs(10))
            .after_release(|conn, _meta| Box::pin(fit_for_reuse(conn)))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    match backend {
                        Backend::Sqlite => {
                            conn.execute(
                                "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL;",
                            )
                            .await?;
                        }
                        // PostgreSQL's default: a statement sees what was committed before it
                        // began, and InnoDB locks no gaps, so concurrent upserts of different
                        // keys do not deadlock. Reads that decide a write lock their rows
                        // (`FOR UPDATE`), as SQLite's `BEGIN IMMEDIATE` serializes writers.
                        Backend::MySql => {
                            conn.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
                                .await?;
                        }
                        // Notices are noise at every start (`relation "_sqlx_migrations"
                        // already exists, skipping`); warnings and errors still come through.
                        // Parallel plans off: the service's statements are short, and the
                        // dashboard already runs its ten queries at once; on a small server
                        // their parallel workers only competed for the same cores (p95 62 →
                        // 51 ms on 2 cores at 100,000 enrolments, BENCHMARKS.md).
                        Backend::Postgres => {
                            conn.execute("SET client_min_messages = warning; SET max_parallel_workers_per_gather = 0")
                                .await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(|e| StoreError::Connect(redact_url(&url), e))?;
        Ok(Store { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A transaction that will write. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a deferred transaction that reads and then writes fails with "database is
    /// locked" when another connection writes meanwhile, instead of waiting for it.
    pub(crate) async fn write_tx(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres | Backend::MySql => self.pool.begin().await?,
        })
    }

    /// A statement written once for every backend (rewritten for MySQL, see [`dialect`]).
    fn query<'q>(&self, sql: &'static str) -> Query<'q, Any, AnyArguments<'q>> {
        dialect::query(self.backend, sql)
    }

    /// As [`Store::query`], for a read that decides a write in the same transaction: on MySQL
    /// it locks the rows it reads (`FOR UPDATE`) so concurrent writers take turns.
    fn query_for_update<'q>(&self, sql: &'static str) -> Query<'q, Any, AnyArguments<'q>> {
        dialect::query_for_update(self.backend, sql)
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATOR.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATOR.run(&self.pool).await?,
            Backend::MySql => MYSQL_MIGRATOR.run(&self.pool).await?,
        }
        Ok(())
    }

    /// For `/readyz`: the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn scheme_of(url: &str) -> String {
    url.split(':').next().unwrap_or_default().to_string()
}

/// Whether a connection handed back to the pool may be used again.
///
/// sqlx counts a connection's transaction depth itself. When the database ends a transaction
/// on its own — SQLite rolls back by itself on `SQLITE_FULL` (disk full) or an I/O error,
/// PostgreSQL on a serialization failure — the `ROLLBACK` sqlx sends when the transaction is
/// dropped fails ("no transaction is active"), the count stays at 1, and every later `BEGIN
/// IMMEDIATE` on that connection fails with "attempted to call begin_with at non-zero
/// transaction depth", forever, even once the disk has space again (found by the disk-full
/// test: polls failed until the restart). A connection still counted inside a transaction when
/// it comes back is closed instead of pooled. A transaction dropped without commit (an error
/// path) may still have its rollback queued at this point: that connection is closed too, a
/// small price on a path that is already failing; committed ones come back at depth 0.
async fn fit_for_reuse(conn: &mut sqlx::AnyConnection) -> Result<bool, sqlx::Error> {
    use sqlx::TransactionManager;
    Ok(<sqlx::Any as sqlx::Database>::TransactionManager::get_transaction_depth(conn) == 0)
}

/// A SQLite file that cannot be opened for writing (read-only filesystem, permissions) makes
/// every pooled connection fail in `PRAGMA journal_mode=WAL` with "unable to open database
/// file", retried until the pool's 10-second timeout, which then only says "pool timed out".
/// Opening the file ourselves first (creating it, as `mode=rwc` would) gives the real reason at
/// once. In-memory and explicitly read-only URLs are left alone.
fn check_sqlite_writable(url: &str) -> Result<(), StoreError> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let writable_mode = query
        .split('&')
        .filter_map(|kv| kv.strip_prefix("mode="))
        .all(|m| m == "rwc" || m == "rw");
    if path.is_empty() || path == ":memory:" || !writable_mode {
        return Ok(());
    }
    let create = query.split('&').any(|kv| kv == "mode=rwc");
    match std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(create)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
            ) || e.raw_os_error() == Some(30) =>
        {
            Err(StoreError::NotWritable {
                path: path.to_string(),
                reason: e.to_string(),
            })
        }
        // Anything else (a missing folder, …) is SQLite's to report.
        Err(_) => Ok(()),
    }
}

/// Drops the password from a database URL before it reaches an error message.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}://{}:***@{}", &url[..s], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod pool_tests {
    use super::*;

    /// A transaction the database ended behind sqlx's back (as SQLite does on a full disk)
    /// must not leave a pooled connection unable to begin another one.
    #[tokio::test]
    async fn a_transaction_ended_by_the_database_does_not_poison_the_pool() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::connect(&format!("sqlite://{}", dir.path().join("t.sqlite").display()))
            .await
            .expect("connect");
        for round in 0..3 {
            let mut tx = store.write_tx().await.expect("begin");
            sqlx::query("ROLLBACK")
                .execute(&mut *tx)
                .await
                .expect("the database ends it");
            drop(tx);
            // Every connection of the pool, in turn.
            for i in 0..8 {
                let tx = store
                    .write_tx()
                    .await
                    .unwrap_or_else(|e| panic!("round {round}, transaction {i}: {e}"));
                tx.commit().await.expect("commit");
            }
        }
    }

    /// PostgreSQL tells a client every `IF NOT EXISTS` that found its table (`NOTICE:
    /// relation "_sqlx_migrations" already exists, skipping`), logged at each start; the
    /// store's connections ask for warnings and errors only.
    #[tokio::test]
    async fn postgres_connections_ask_for_warnings_not_notices_and_no_parallel_plans() {
        let Ok(url) = std::env::var("MM_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var("MM_REQUIRE_POSTGRES").is_err(),
                "MM_REQUIRE_POSTGRES is set but MM_TEST_POSTGRES_URL is not"
            );
            return;
        };
        let store = Store::connect(&url).await.expect("connect");
        store.migrate().await.expect("migrate");
        let (level,): (String,) = sqlx::query_as("SHOW client_min_messages")
            .fetch_one(&store.pool)
            .await
            .expect("show");
        assert_eq!(level, "warning");
        let (parallel,): (String,) = sqlx::query_as("SHOW max_parallel_workers_per_gather")
            .fetch_one(&store.pool)
            .await
            .expect("show");
        assert_eq!(
            parallel, "0",
            "the dashboard's concurrent queries run without parallel workers"
        );
    }
}
