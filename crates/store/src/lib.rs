//! Persistence for MoodleManagement: SQLite (embedded default, WAL), PostgreSQL or MySQL/MariaDB,
//! chosen by URL.
//!
//! Everything goes through `sqlx::Any` with SQL written for SQLite and PostgreSQL (`$N`
//! placeholders in order, `ON CONFLICT` upserts, `RETURNING`) and rewritten for MySQL by
//! [`dialect`]; the job claim uses `FOR UPDATE SKIP LOCKED` on PostgreSQL and MySQL so replicas
//! never claim the same key.

mod desired;
mod dialect;
mod error;
mod jobs;
mod records;
mod webhooks;

pub use desired::StoredCourse;
pub use error::StoreError;
pub use jobs::{ClaimedJob, JobCounts, JobFailure};
pub use records::{AuditEntry, AuditRecord, EntitlementRow, HoldRow, UpsertOutcome};
pub use webhooks::StoredDelivery;

use dialect::text;
use mm_core::{AppliedEnrolment, CourseRef, EnrolmentStatus, EntitlementKey, Invoice, InvoiceSnapshot, Mapping};
use mm_core::{DesiredState, Email, InvoiceKey, Lapse, RemovalPolicy, RevokePolicy, SeatAssignment, Timestamp};
use sqlx::any::{AnyArguments, AnyPoolOptions, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyPool, Executor, Row};
use std::collections::BTreeMap;
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
                        Backend::Postgres => {}
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

    // ---- invoices -------------------------------------------------------------------------

    /// Records what a source reports now. `paid_at` is kept while the invoice stays paid, set
    /// to `now` when it becomes paid and cleared when it is unpaid again.
    pub async fn upsert_invoice(&self, s: &InvoiceSnapshot, now: Timestamp) -> Result<UpsertOutcome, StoreError> {
        self.upsert_invoice_versioned(s, now, None).await
    }

    /// As [`Store::upsert_invoice`], for senders that version their events (a webhook's
    /// timestamp): a snapshot older than the one stored is ignored (`stale`), so events that
    /// arrive out of order cannot undo a newer state.
    pub async fn upsert_invoice_versioned(
        &self,
        s: &InvoiceSnapshot,
        now: Timestamp,
        version: Option<i64>,
    ) -> Result<UpsertOutcome, StoreError> {
        let snapshot = serde_json::to_string(s)?;
        let mut tx = self.write_tx().await?;
        let existing =
            self.query_for_update("SELECT snapshot, paid_at, deleted, lapsed_paid_at, unpaid_since, version FROM invoices WHERE source = $1 AND id = $2")
                .bind(&s.key.source)
                .bind(&s.key.id)
                .fetch_optional(&mut *tx)
                .await?;
        if let (Some(row), Some(v)) = (&existing, version) {
            let stored: Option<i64> = row.try_get("version")?;
            if stored.is_some_and(|stored| stored > v) {
                tx.commit().await?;
                return Ok(UpsertOutcome {
                    changed: false,
                    created: false,
                    stale: true,
                });
            }
        }
        let stored = existing.as_ref().map(StoredInvoice::from_row).transpose()?;
        let NextInvoice {
            changed,
            paid_at,
            lapse,
        } = next_invoice_state(stored.as_ref(), s.paid, &snapshot, now);
        let stored_version: Option<i64> = match &existing {
            Some(row) => row.try_get("version")?,
            None => None,
        };
        if changed || (version.is_some() && version != stored_version) {
            self.query(
                "INSERT INTO invoices (source, id, number, snapshot, paid_at, deleted, first_seen, updated_at, version,
                   lapsed_paid_at, unpaid_since)
                 VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $9, $10)
                 ON CONFLICT (source, id) DO UPDATE SET number = excluded.number, snapshot = excluded.snapshot,
                   paid_at = excluded.paid_at, deleted = 0, updated_at = excluded.updated_at,
                   version = COALESCE(excluded.version, invoices.version),
                   lapsed_paid_at = excluded.lapsed_paid_at, unpaid_since = excluded.unpaid_since",
            )
            .bind(&s.key.source)
            .bind(&s.key.id)
            .bind(&s.number)
            .bind(&snapshot)
            .bind(paid_at)
            .bind(now.0)
            .bind(now.0)
            .bind(version)
            .bind(lapse.map(|l| l.0))
            .bind(lapse.map(|l| l.1))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(UpsertOutcome {
            changed,
            created: existing.is_none(),
            stale: false,
        })
    }

    /// Records a poll's snapshots in one transaction, reading what is stored in bulk: a poll
    /// can bring thousands. Same rules as [`Store::upsert_invoice`]. Returns how many changed.
    pub async fn upsert_invoices(&self, snapshots: &[InvoiceSnapshot], now: Timestamp) -> Result<usize, StoreError> {
        // The last snapshot of an invoice wins; a statement must not touch a row twice.
        let mut latest: BTreeMap<(&str, &str), &InvoiceSnapshot> = BTreeMap::new();
        for s in snapshots {
            latest.insert((s.key.source.as_str(), s.key.id.as_str()), s);
        }
        let all: Vec<&InvoiceSnapshot> = latest.into_values().collect();
        let mut changed_count = 0;
        let mut tx = self.write_tx().await?;
        for chunk in all.chunks(300) {
            let keys: Vec<String> = (0..chunk.len())
                .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
                .collect();
            let sql = format!(
                "SELECT source, id, snapshot, paid_at, deleted, lapsed_paid_at, unpaid_since FROM invoices
                 WHERE (source, id) IN ({})",
                keys.join(", ")
            );
            let sql = dialect::sql_for_update(self.backend, &sql);
            let mut q = sqlx::query(&sql);
            for s in chunk {
                q = q.bind(s.key.source.as_str()).bind(s.key.id.as_str());
            }
            let mut existing: std::collections::HashMap<(String, String), StoredInvoice> =
                std::collections::HashMap::new();
            for r in q.fetch_all(&mut *tx).await? {
                existing.insert((r.try_get("source")?, r.try_get("id")?), StoredInvoice::from_row(&r)?);
            }
            let mut rows: Vec<(&InvoiceSnapshot, String, NextInvoice)> = Vec::new();
            for s in chunk {
                let snapshot = serde_json::to_string(s)?;
                let stored = existing.get(&(s.key.source.clone(), s.key.id.clone()));
                let next = next_invoice_state(stored, s.paid, &snapshot, now);
                if next.changed {
                    rows.push((s, snapshot, next));
                }
            }
            if rows.is_empty() {
                continue;
            }
            changed_count += rows.len();
            let sql = format!(
                "INSERT INTO invoices (source, id, number, snapshot, paid_at, deleted, first_seen, updated_at,
                   lapsed_paid_at, unpaid_since) VALUES {}
                 ON CONFLICT (source, id) DO UPDATE SET number = excluded.number, snapshot = excluded.snapshot,
                   paid_at = excluded.paid_at, deleted = 0, updated_at = excluded.updated_at,
                   lapsed_paid_at = excluded.lapsed_paid_at, unpaid_since = excluded.unpaid_since",
                (0..rows.len())
                    .map(|r| {
                        let b = r * 9;
                        format!(
                            "(${}, ${}, ${}, ${}, ${}, 0, ${}, ${}, ${}, ${})",
                            b + 1,
                            b + 2,
                            b + 3,
                            b + 4,
                            b + 5,
                            b + 6,
                            b + 7,
                            b + 8,
                            b + 9
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let sql = dialect::sql(self.backend, &sql);
            let mut q = sqlx::query(&sql);
            for (s, snapshot, next) in rows {
                q = q
                    .bind(s.key.source.as_str())
                    .bind(s.key.id.as_str())
                    .bind(s.number.as_str())
                    .bind(snapshot)
                    .bind(next.paid_at)
                    .bind(now.0)
                    .bind(now.0)
                    .bind(next.lapse.map(|l| l.0))
                    .bind(next.lapse.map(|l| l.1));
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(changed_count)
    }

    /// Marks one invoice as deleted in its source. Returns whether anything changed.
    pub async fn mark_invoice_deleted(&self, source: &str, id: &str, now: Timestamp) -> Result<bool, StoreError> {
        self.mark_invoice_deleted_versioned(source, id, now, None).await
    }

    /// As [`Store::mark_invoice_deleted`], ignoring a deletion older than the stored version.
    pub async fn mark_invoice_deleted_versioned(
        &self,
        source: &str,
        id: &str,
        now: Timestamp,
        version: Option<i64>,
    ) -> Result<bool, StoreError> {
        let r = match version {
            None => {
                self.query(
                    "UPDATE invoices SET deleted = 1, updated_at = $1 WHERE source = $2 AND id = $3 AND deleted = 0",
                )
                .bind(now.0)
                .bind(source)
                .bind(id)
                .execute(&self.pool)
                .await?
            }
            Some(v) => {
                self.query(
                    "UPDATE invoices SET deleted = 1, updated_at = $1, version = $2
                     WHERE source = $3 AND id = $4 AND deleted = 0 AND (version IS NULL OR version <= $5)",
                )
                .bind(now.0)
                .bind(v)
                .bind(source)
                .bind(id)
                .bind(v)
                .execute(&self.pool)
                .await?
            }
        };
        Ok(r.rows_affected() > 0)
    }

    /// After a full sweep: every live invoice of `source` not in `present` is deleted there.
    pub async fn mark_missing_deleted(
        &self,
        source: &str,
        present: &[String],
        now: Timestamp,
    ) -> Result<Vec<String>, StoreError> {
        let present: std::collections::HashSet<&str> = present.iter().map(String::as_str).collect();
        let live: Vec<String> = self
            .query("SELECT id FROM invoices WHERE source = $1 AND deleted = 0")
            .bind(source)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>("id"))
            .collect::<Result<_, _>>()?;
        let mut gone = Vec::new();
        for id in live.into_iter().filter(|id| !present.contains(id.as_str())) {
            if self.mark_invoice_deleted(source, &id, now).await? {
                gone.push(id);
            }
        }
        Ok(gone)
    }

    /// Every invoice, in (source, id) order. Read a page at a time: the rows (their snapshot
    /// text) of 100,000 invoices are never held next to the invoices decoded from them.
    pub async fn invoices(&self) -> Result<Vec<Invoice>, StoreError> {
        const PAGE: i64 = 2000;
        // Sized once (a few may arrive meanwhile): doubling would leave up to half unused.
        let mut out = Vec::with_capacity(usize::try_from(self.invoice_count().await?).unwrap_or(0));
        let mut after: Option<(String, String)> = None;
        loop {
            let q = match &after {
                None => self
                    .query(
                        "SELECT source, id, snapshot, paid_at, deleted, lapsed_paid_at, unpaid_since FROM invoices
                     ORDER BY source, id LIMIT $1",
                    )
                    .bind(PAGE),
                // A row value, not `source > $1 OR (…)`: SQLite seeks the primary key with it
                // instead of walking the table from its start for every page.
                Some((source, id)) => self
                    .query(
                        "SELECT source, id, snapshot, paid_at, deleted, lapsed_paid_at, unpaid_since FROM invoices
                     WHERE (source, id) > ($1, $2) ORDER BY source, id LIMIT $3",
                    )
                    .bind(source.clone())
                    .bind(id.clone())
                    .bind(PAGE),
            };
            let rows = q.fetch_all(&self.pool).await?;
            for r in &rows {
                let stored = StoredInvoice::from_row(r)?;
                let s: InvoiceSnapshot = serde_json::from_str(&stored.snapshot)?;
                let mut inv = Invoice::from_snapshot(s, stored.paid_at.map(Timestamp));
                inv.deleted = stored.deleted != 0;
                inv.lapsed = stored.lapse.map(|(paid_at, since)| Lapse {
                    paid_at: Timestamp(paid_at),
                    unpaid_since: Timestamp(since),
                });
                // Decoding grows the lines four at a time; most invoices have one or two.
                inv.lines.shrink_to_fit();
                out.push(inv);
            }
            match rows.last() {
                Some(r) if rows.len() as i64 == PAGE => after = Some((r.try_get("source")?, r.try_get("id")?)),
                _ => return Ok(out),
            }
        }
    }

    pub async fn invoice_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .query("SELECT COUNT(*) AS n FROM invoices")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?)
    }

    // ---- mappings -------------------------------------------------------------------------

    /// Replaces the mappings declared in the configuration file (configuration as code);
    /// mappings made elsewhere are kept. A mapping no longer declared stays as a tombstone,
    /// so its `on_remove` policy can still decide about the access it granted.
    pub async fn replace_config_mappings(&self, mappings: &[Mapping]) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        self.query("UPDATE mappings SET removed = 1 WHERE origin = 'config'")
            .execute(&mut *tx)
            .await?;
        for m in mappings {
            self.query(
                "INSERT INTO mappings (product, site, course, role, duration_secs, on_revoke, origin, starts, ends,
                   grace_secs, on_remove, removed, group_name)
                 VALUES ($1, $2, $3, $4, $5, $6, 'config', $7, $8, $9, $10, 0, $11)
                 ON CONFLICT (product, site, course) DO UPDATE SET role = excluded.role,
                   duration_secs = excluded.duration_secs, on_revoke = excluded.on_revoke, origin = 'config',
                   starts = excluded.starts, ends = excluded.ends, grace_secs = excluded.grace_secs,
                   on_remove = excluded.on_remove, removed = 0, group_name = excluded.group_name",
            )
            .bind(&m.product)
            .bind(&m.site)
            .bind(m.course.to_string())
            .bind(&m.role)
            .bind(m.duration_secs)
            .bind(policy_str(m.on_revoke))
            .bind(m.window.map(|w| w.0.0))
            .bind(m.window.map(|w| w.1.0))
            .bind(m.grace_secs)
            .bind(match m.on_remove {
                RemovalPolicy::Keep => "keep",
                RemovalPolicy::Revoke => "revoke",
            })
            .bind(m.group.as_deref())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The mappings in force.
    pub async fn mappings(&self) -> Result<Vec<Mapping>, StoreError> {
        self.mappings_where(0).await
    }

    /// Mappings removed from the configuration (tombstones), with the policies they had.
    pub async fn removed_mappings(&self) -> Result<Vec<Mapping>, StoreError> {
        self.mappings_where(1).await
    }

    async fn mappings_where(&self, removed: i64) -> Result<Vec<Mapping>, StoreError> {
        let rows = self
            .query(
                "SELECT product, site, course, role, duration_secs, on_revoke, starts, ends, grace_secs, on_remove,
               group_name
             FROM mappings WHERE removed = $1 ORDER BY product, site, course",
            )
            .bind(removed)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let course: String = r.try_get("course")?;
                Ok(Mapping {
                    product: r.try_get("product")?,
                    site: r.try_get("site")?,
                    course: CourseRef::parse(&course).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    role: r.try_get("role")?,
                    duration_secs: r.try_get("duration_secs")?,
                    window: match (
                        r.try_get::<Option<i64>, _>("starts")?,
                        r.try_get::<Option<i64>, _>("ends")?,
                    ) {
                        (Some(a), Some(b)) => Some((Timestamp(a), Timestamp(b))),
                        _ => None,
                    },
                    on_revoke: match r.try_get::<String, _>("on_revoke")?.as_str() {
                        "unenrol" => RevokePolicy::Unenrol,
                        _ => RevokePolicy::Suspend,
                    },
                    grace_secs: r.try_get("grace_secs")?,
                    on_remove: match r.try_get::<String, _>("on_remove")?.as_str() {
                        "revoke" => RemovalPolicy::Revoke,
                        _ => RemovalPolicy::Keep,
                    },
                    group: r.try_get("group_name")?,
                })
            })
            .collect()
    }

    // ---- learners -------------------------------------------------------------------------

    /// Reserves `n` consecutive numbers of a named counter; returns the first. Numbers start at
    /// 1 and are never handed out twice, whichever replica asks.
    pub async fn reserve_numbers(&self, counter: &str, n: i64) -> Result<i64, StoreError> {
        let mut tx = self.write_tx().await?;
        let last: i64 = match self.backend {
            Backend::Sqlite | Backend::Postgres => sqlx::query(
                "INSERT INTO counters (name, value) VALUES ($1, $2)
                 ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value RETURNING value",
            )
            .bind(counter)
            .bind(n)
            .fetch_one(&mut *tx)
            .await?
            .try_get("value")?,
            // MySQL has no `RETURNING`: the upsert locks the row until the commit, so the value
            // read back in the same transaction is ours.
            Backend::MySql => {
                sqlx::query(
                    "INSERT INTO counters (name, value) VALUES (?, ?)
                     ON DUPLICATE KEY UPDATE value = value + VALUES(value)",
                )
                .bind(counter)
                .bind(n)
                .execute(&mut *tx)
                .await?;
                sqlx::query("SELECT value FROM counters WHERE name = ?")
                    .bind(counter)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("value")?
            }
        };
        tx.commit().await?;
        Ok(last - n + 1)
    }

    /// A learner's address changed and their Moodle account was found by its idnumber: what
    /// we knew under the old address (the account, the enrolments applied) now belongs to the
    /// new one, so nothing is revoked from, or created twice for, the same person.
    /// Each moved enrolment gets an audit entry (`change_email`, before/after the addresses).
    pub async fn rename_learner(
        &self,
        site: &str,
        from: &Email,
        to: &Email,
        moodle_user: i64,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        match self.backend {
            Backend::Sqlite | Backend::Postgres => {
                sqlx::query(
                    "UPDATE applied_enrolments SET learner = $3 WHERE site = $1 AND learner = $2
                       AND NOT EXISTS (SELECT 1 FROM applied_enrolments a
                                       WHERE a.site = $1 AND a.course = applied_enrolments.course AND a.learner = $3)",
                )
                .bind(site)
                .bind(from.as_str())
                .bind(to.as_str())
                .execute(&mut *tx)
                .await?;
            }
            // MySQL refuses a subquery on the table being updated: a self-join says the same.
            Backend::MySql => {
                sqlx::query(
                    "UPDATE applied_enrolments t
                     LEFT JOIN applied_enrolments a ON a.site = t.site AND a.course = t.course AND a.learner = ?
                     SET t.learner = ? WHERE t.site = ? AND t.learner = ? AND a.site IS NULL",
                )
                .bind(to.as_str())
                .bind(to.as_str())
                .bind(site)
                .bind(from.as_str())
                .execute(&mut *tx)
                .await?;
            }
        }
        // The account is known by its new address from now on.
        self.query("DELETE FROM moodle_users WHERE site = $1 AND learner = $2")
            .bind(site)
            .bind(to.as_str())
            .execute(&mut *tx)
            .await?;
        self.query("UPDATE moodle_users SET learner = $1 WHERE site = $2 AND learner = $3")
            .bind(to.as_str())
            .bind(site)
            .bind(from.as_str())
            .execute(&mut *tx)
            .await?;
        self.query(
            "INSERT INTO audit_log (at, site, course, learner, action, before, after, reason, job, ok, error)
             SELECT $1, site, course, learner, 'change_email', $2, learner, $3, '', 1, NULL
             FROM applied_enrolments WHERE site = $4 AND learner = $5",
        )
        .bind(now.0)
        .bind(from.as_str())
        .bind(format!(
            "the learner's email changed; Moodle account {moodle_user} (found by its idnumber) now has the new one"
        ))
        .bind(site)
        .bind(to.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- seats ----------------------------------------------------------------------------

    /// Assigns one seat of an invoice line to a learner. Refused when the line's seats are all
    /// taken or the line does not exist; assigning the same learner again changes nothing.
    pub async fn assign_seat(&self, seat: &SeatAssignment) -> Result<SeatOutcome, StoreError> {
        let mut tx = self.write_tx().await?;
        let Some(row) = self
            .query_for_update("SELECT snapshot FROM invoices WHERE source = $1 AND id = $2 AND deleted = 0")
            .bind(&seat.invoice.source)
            .bind(&seat.invoice.id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(SeatOutcome::UnknownLine);
        };
        let snapshot: InvoiceSnapshot = serde_json::from_str(&text(&row, "snapshot")?)?;
        let Some(line) = snapshot.lines.iter().find(|l| l.id == seat.line) else {
            return Ok(SeatOutcome::UnknownLine);
        };
        if snapshot.credit_note_for.is_some() {
            return Ok(SeatOutcome::UnknownLine);
        }
        let seats = mm_core::seat::seats_of(line.quantity);
        let taken: Vec<String> = self
            .query("SELECT learner FROM seat_assignments WHERE source = $1 AND invoice_id = $2 AND line_id = $3")
            .bind(&seat.invoice.source)
            .bind(&seat.invoice.id)
            .bind(&seat.line)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get("learner"))
            .collect::<Result<_, _>>()?;
        if taken.iter().any(|l| l == seat.learner.as_str()) {
            return Ok(SeatOutcome::AlreadyAssigned);
        }
        if taken.len() >= seats {
            return Ok(SeatOutcome::Full { seats });
        }
        self.query(
            "INSERT INTO seat_assignments (source, invoice_id, line_id, learner, name, assigned_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&seat.invoice.source)
        .bind(&seat.invoice.id)
        .bind(&seat.line)
        .bind(seat.learner.as_str())
        .bind(&seat.name)
        .bind(seat.assigned_at.0)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(SeatOutcome::Assigned {
            free: seats - taken.len() - 1,
        })
    }

    /// Frees a learner's seat; their access is revoked at the next recompute. Returns whether
    /// there was one.
    pub async fn release_seat(&self, invoice: &InvoiceKey, line: &str, learner: &Email) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let done = self
            .query(
                "DELETE FROM seat_assignments WHERE source = $1 AND invoice_id = $2 AND line_id = $3 AND learner = $4",
            )
            .bind(&invoice.source)
            .bind(&invoice.id)
            .bind(line)
            .bind(learner.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(done > 0)
    }

    /// Every seat assignment, or those of one invoice.
    pub async fn seats(&self, invoice: Option<&InvoiceKey>) -> Result<Vec<SeatAssignment>, StoreError> {
        let rows = match invoice {
            Some(k) => {
                self.query(
                    "SELECT source, invoice_id, line_id, learner, name, assigned_at FROM seat_assignments
                     WHERE source = $1 AND invoice_id = $2 ORDER BY line_id, assigned_at, learner",
                )
                .bind(&k.source)
                .bind(&k.id)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                self.query(
                    "SELECT source, invoice_id, line_id, learner, name, assigned_at FROM seat_assignments
                     ORDER BY source, invoice_id, line_id, assigned_at, learner",
                )
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter()
            .map(|r| {
                let learner: String = r.try_get("learner")?;
                Ok(SeatAssignment {
                    invoice: InvoiceKey::new(r.try_get::<String, _>("source")?, r.try_get::<String, _>("invoice_id")?),
                    line: r.try_get("line_id")?,
                    learner: Email::parse(&learner).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    name: r.try_get("name")?,
                    assigned_at: Timestamp(r.try_get("assigned_at")?),
                })
            })
            .collect()
    }

    // ---- desired state --------------------------------------------------------------------

    /// Saves the desired state and, in the same transaction, queues every key whose plan is
    /// not empty (`keys_to_queue`). Entitlements no longer desired are removed. A key whose
    /// desired state did not change is not pulled out of back-off or the dead letter.
    pub async fn save_desired(
        &self,
        desired: &DesiredState,
        keys_to_queue: &[EntitlementKey],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let existing: BTreeMap<(String, String, String), String> = self
            .query_for_update("SELECT site, course, learner, body FROM entitlements")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| {
                Ok::<_, StoreError>((
                    (r.try_get("site")?, r.try_get("course")?, r.try_get("learner")?),
                    text(r, "body")?,
                ))
            })
            .collect::<Result<_, _>>()?;
        let mut seen = std::collections::HashSet::new();
        let mut changed = std::collections::HashSet::new();
        let mut rows: Vec<((String, String, String), String, &'static str)> = Vec::new();
        for e in desired.entitlements.values() {
            let k = key_strings(&e.key);
            let body = serde_json::to_string(e)?;
            seen.insert(k.clone());
            if existing.get(&k) == Some(&body) {
                continue;
            }
            changed.insert(k.clone());
            let status = match e.access {
                mm_core::entitlement::Access::Active { .. } => "active",
                mm_core::entitlement::Access::Revoked { .. } => "revoked",
            };
            rows.push((k, body, status));
        }
        for chunk in rows.chunks(300) {
            let sql = format!(
                "INSERT INTO entitlements (site, course, learner, body, status, updated_at) VALUES {}
                 ON CONFLICT (site, course, learner) DO UPDATE SET body = excluded.body, status = excluded.status,
                   updated_at = excluded.updated_at",
                placeholders(chunk.len(), 6)
            );
            let sql = dialect::sql(self.backend, &sql);
            let mut q = sqlx::query(&sql);
            for (k, body, status) in chunk {
                q = q.bind(&k.0).bind(&k.1).bind(&k.2).bind(body).bind(*status).bind(now.0);
            }
            q.execute(&mut *tx).await?;
        }
        for k in existing.keys().filter(|k| !seen.contains(*k)) {
            self.query("DELETE FROM entitlements WHERE site = $1 AND course = $2 AND learner = $3")
                .bind(&k.0)
                .bind(&k.1)
                .bind(&k.2)
                .execute(&mut *tx)
                .await?;
        }
        self.query("DELETE FROM holds").execute(&mut *tx).await?;
        for h in &desired.holds {
            self.query(
                "INSERT INTO holds (source, invoice_id, line, is_error, message, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (source, invoice_id, line) DO NOTHING",
            )
            .bind(&h.invoice.source)
            .bind(&h.invoice.id)
            .bind(h.line.clone().unwrap_or_default())
            .bind(i64::from(h.is_error()))
            .bind(h.describe())
            .bind(now.0)
            .execute(&mut *tx)
            .await?;
        }
        // A changed desired state deserves a fresh attempt even after a dead letter.
        let (forced, gentle): (Vec<&EntitlementKey>, Vec<&EntitlementKey>) =
            keys_to_queue.iter().partition(|k| changed.contains(&key_strings(k)));
        jobs::enqueue_many(&mut tx, &forced, now, true).await?;
        jobs::enqueue_many(&mut tx, &gentle, now, false).await?;
        tx.commit().await?;
        Ok(())
    }

    /// (site, course, learner) of every entitlement that should be active, without bodies.
    pub async fn active_keys(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        let rows = self
            .query("SELECT site, course, learner FROM entitlements WHERE status = 'active'")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("site")?, r.try_get("course")?, r.try_get("learner")?)))
            .collect()
    }

    /// The desired entitlement of one key, as last saved.
    pub async fn entitlement(&self, key: &EntitlementKey) -> Result<Option<mm_core::Entitlement>, StoreError> {
        let k = key_strings(key);
        let row = self
            .query("SELECT body FROM entitlements WHERE site = $1 AND course = $2 AND learner = $3")
            .bind(&k.0)
            .bind(&k.1)
            .bind(&k.2)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok(serde_json::from_str(&text(&r, "body")?)?)).transpose()
    }

    pub async fn holds(&self) -> Result<Vec<HoldRow>, StoreError> {
        let rows = self
            .query("SELECT source, invoice_id, line, is_error, message FROM holds ORDER BY source, invoice_id, line")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(HoldRow {
                    source: r.try_get("source")?,
                    invoice_id: r.try_get("invoice_id")?,
                    line: r.try_get("line")?,
                    is_error: r.try_get::<i64, _>("is_error")? != 0,
                    message: text(r, "message")?,
                })
            })
            .collect()
    }

    // ---- applied (observed) state ---------------------------------------------------------

    pub async fn applied(&self) -> Result<BTreeMap<EntitlementKey, AppliedEnrolment>, StoreError> {
        let rows = self
            .query("SELECT site, course, learner, status, role, timestart, timeend FROM applied_enrolments")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((row_key(r)?, row_applied(r)?))).collect()
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
        after: Option<(&AppliedEnrolment, i64, i64)>,
        audit: &AuditEntry,
        job: Option<&ClaimedJob>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let change = AppliedChange {
            key: key.clone(),
            after: after.map(|(a, u, c)| (a.clone(), u, c)),
            audit: audit.clone(),
            job: job.cloned(),
        };
        self.record_applied_many(std::slice::from_ref(&change), now).await
    }

    /// Records a whole worker round in one transaction: what Moodle now holds, the audit
    /// entries and the finished jobs. Rows go in multi-row statements: the cost of a round is
    /// the number of round trips to the database, not the SQL.
    pub async fn record_applied_many(&self, changes: &[AppliedChange], now: Timestamp) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        let mut tx = self.write_tx().await?;
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
                    if let Some((a, user_id, course_id)) = &c.after {
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
            records::insert_audits(&mut tx, &audits, now).await?;
            let finished: Vec<&ClaimedJob> = chunk.iter().filter_map(|c| c.job.as_ref()).collect();
            jobs::complete_many(&mut tx, &finished, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn audit(&self, entry: &AuditEntry, now: Timestamp) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        records::insert_audit(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditRecord>, StoreError> {
        records::audit_log(&self.pool, self.backend, limit).await
    }

    /// Desired entitlements joined with what Moodle holds, for the enrolments page.
    pub async fn entitlement_rows(&self) -> Result<Vec<EntitlementRow>, StoreError> {
        records::entitlement_rows(&self.pool, self.backend).await
    }

    // ---- Moodle users ---------------------------------------------------------------------

    pub async fn moodle_user(&self, site: &str, learner: &Email) -> Result<Option<i64>, StoreError> {
        let row = self
            .query("SELECT user_id FROM moodle_users WHERE site = $1 AND learner = $2")
            .bind(site)
            .bind(learner.as_str())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("user_id")).transpose()?)
    }

    pub async fn set_moodle_user(&self, site: &str, learner: &Email, user_id: i64) -> Result<(), StoreError> {
        self.query(
            "INSERT INTO moodle_users (site, learner, user_id) VALUES ($1, $2, $3)
             ON CONFLICT (site, learner) DO UPDATE SET user_id = excluded.user_id",
        )
        .bind(site)
        .bind(learner.as_str())
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The known Moodle user ids of many learners on one site, in one query per 500.
    pub async fn moodle_users(
        &self,
        site: &str,
        learners: &[&Email],
    ) -> Result<std::collections::HashMap<Email, i64>, StoreError> {
        let mut out = std::collections::HashMap::with_capacity(learners.len());
        for chunk in learners.chunks(500) {
            let list: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT learner, user_id FROM moodle_users WHERE site = $1 AND learner IN ({})",
                list.join(", ")
            );
            let sql = dialect::sql(self.backend, &sql);
            let mut q = sqlx::query(&sql).bind(site);
            for l in chunk {
                q = q.bind(l.as_str());
            }
            for r in q.fetch_all(&self.pool).await? {
                let learner: String = r.try_get("learner")?;
                let email = Email::parse(&learner).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                out.insert(email, r.try_get("user_id")?);
            }
        }
        Ok(out)
    }

    /// Remembers many learners' Moodle user ids at once.
    pub async fn set_moodle_users(&self, site: &str, users: &[(Email, i64)]) -> Result<(), StoreError> {
        let rows: Vec<(&str, i64)> = users.iter().map(|(e, id)| (e.as_str(), *id)).collect();
        self.upsert_user_ids("moodle_users", "learner", site, &rows).await
    }

    /// Remembers the idnumbers we gave accounts we created.
    pub async fn set_moodle_idnumbers(&self, site: &str, accounts: &[(String, i64)]) -> Result<(), StoreError> {
        let rows: Vec<(&str, i64)> = accounts.iter().map(|(idn, id)| (idn.as_str(), *id)).collect();
        self.upsert_user_ids("moodle_idnumbers", "idnumber", site, &rows).await
    }

    /// Upserts `(site, <column>, user_id)` rows of a per-site map to Moodle user ids, in one
    /// transaction of multi-row statements. `table` and `column` are ours, never user input.
    async fn upsert_user_ids(
        &self,
        table: &'static str,
        column: &'static str,
        site: &str,
        rows: &[(&str, i64)],
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.write_tx().await?;
        for chunk in rows.chunks(300) {
            let sql = format!(
                "INSERT INTO {table} (site, {column}, user_id) VALUES {}
                 ON CONFLICT (site, {column}) DO UPDATE SET user_id = excluded.user_id",
                placeholders(chunk.len(), 3)
            );
            let sql = dialect::sql(self.backend, &sql);
            let mut q = sqlx::query(&sql);
            for (name, id) in chunk {
                q = q.bind(site).bind(*name).bind(*id);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Accounts we created with these idnumbers, and the address we know each by:
    /// idnumber → (user id, email).
    pub async fn accounts_by_idnumber(
        &self,
        site: &str,
        idnumbers: &[&str],
    ) -> Result<std::collections::HashMap<String, (i64, Email)>, StoreError> {
        let mut out = std::collections::HashMap::new();
        for chunk in idnumbers.chunks(500) {
            let list: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT i.idnumber, i.user_id, u.learner FROM moodle_idnumbers i
                 JOIN moodle_users u ON u.site = i.site AND u.user_id = i.user_id
                 WHERE i.site = $1 AND i.idnumber IN ({})",
                list.join(", ")
            );
            let sql = dialect::sql(self.backend, &sql);
            let mut q = sqlx::query(&sql).bind(site);
            for idn in chunk {
                q = q.bind(*idn);
            }
            for r in q.fetch_all(&self.pool).await? {
                let learner: String = r.try_get("learner")?;
                let email = Email::parse(&learner).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                out.insert(r.try_get("idnumber")?, (r.try_get("user_id")?, email));
            }
        }
        Ok(out)
    }

    // ---- source cursors -------------------------------------------------------------------

    pub async fn cursor(&self, source: &str) -> Result<Option<String>, StoreError> {
        let row = self
            .query("SELECT cursor FROM source_cursors WHERE source = $1")
            .bind(source)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| text(&r, "cursor")).transpose()?)
    }

    pub async fn set_cursor(&self, source: &str, cursor: &str, now: Timestamp) -> Result<(), StoreError> {
        self.query(
            "INSERT INTO source_cursors (source, cursor, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
        )
        .bind(source)
        .bind(cursor)
        .bind(now.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// What a new snapshot does to a stored invoice (`stored` = snapshot JSON, `paid_at`, `deleted`):
/// whether anything we care about changed, and its `paid_at` — kept while it stays paid, `now` when
/// it becomes paid, cleared when it is unpaid again.
fn next_invoice_state(stored: Option<&StoredInvoice>, paid: bool, snapshot: &str, now: Timestamp) -> NextInvoice {
    match stored {
        None => NextInvoice {
            changed: true,
            paid_at: paid.then_some(now.0),
            lapse: None,
        },
        Some(old) => {
            let paid_at = if paid { old.paid_at.or(Some(now.0)) } else { None };
            // Paid, then unpaid again: remember both moments, for a grace period.
            let lapse = match (paid, old.paid_at) {
                (true, _) => None,
                (false, Some(was)) => Some((was, now.0)),
                (false, None) => old.lapse,
            };
            NextInvoice {
                changed: old.snapshot != snapshot || old.deleted != 0 || paid_at != old.paid_at || lapse != old.lapse,
                paid_at,
                lapse,
            }
        }
    }
}

/// An invoice row as stored, for deciding what a new snapshot changes.
struct StoredInvoice {
    snapshot: String,
    paid_at: Option<i64>,
    deleted: i64,
    /// (paid at, unpaid since) of an invoice unpaid again.
    lapse: Option<(i64, i64)>,
}

impl StoredInvoice {
    fn from_row(r: &AnyRow) -> Result<StoredInvoice, StoreError> {
        Ok(StoredInvoice {
            snapshot: text(r, "snapshot")?,
            paid_at: r.try_get("paid_at")?,
            deleted: r.try_get("deleted")?,
            lapse: match (
                r.try_get::<Option<i64>, _>("lapsed_paid_at")?,
                r.try_get::<Option<i64>, _>("unpaid_since")?,
            ) {
                (Some(a), Some(b)) => Some((a, b)),
                _ => None,
            },
        })
    }
}

struct NextInvoice {
    changed: bool,
    paid_at: Option<i64>,
    lapse: Option<(i64, i64)>,
}

/// What [`Store::assign_seat`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SeatOutcome {
    Assigned {
        free: usize,
    },
    AlreadyAssigned,
    /// Every seat of the line is taken.
    Full {
        seats: usize,
    },
    /// No such invoice line (or the invoice is a credit note, or deleted).
    UnknownLine,
}

/// One key's outcome in Moodle, for [`Store::record_applied_many`].
#[derive(Debug, Clone)]
pub struct AppliedChange {
    pub key: EntitlementKey,
    /// What Moodle now holds (with the Moodle user and course ids), `None` when unenrolled.
    pub after: Option<(AppliedEnrolment, i64, i64)>,
    pub audit: AuditEntry,
    pub job: Option<ClaimedJob>,
}

/// `($1, $2), ($3, $4)` for `rows` rows of `cols` values.
pub(crate) fn placeholders(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let vals: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
            format!("({})", vals.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn key_strings(k: &EntitlementKey) -> (String, String, String) {
    (k.site.clone(), k.course.to_string(), k.learner.as_str().to_string())
}

pub(crate) fn row_key(r: &AnyRow) -> Result<EntitlementKey, StoreError> {
    let course: String = r.try_get("course")?;
    let learner: String = r.try_get("learner")?;
    Ok(EntitlementKey {
        site: r.try_get("site")?,
        course: CourseRef::parse(&course).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        learner: Email::parse(&learner).map_err(|e| StoreError::Corrupt(e.to_string()))?,
    })
}

fn row_applied(r: &AnyRow) -> Result<AppliedEnrolment, StoreError> {
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

fn status_str(s: EnrolmentStatus) -> &'static str {
    match s {
        EnrolmentStatus::Active => "active",
        EnrolmentStatus::Suspended => "suspended",
    }
}

fn policy_str(p: RevokePolicy) -> &'static str {
    match p {
        RevokePolicy::Suspend => "suspend",
        RevokePolicy::Unenrol => "unenrol",
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

pub mod testing {
    //! Fresh databases for tests: SQLite always, PostgreSQL when `MM_TEST_POSTGRES_URL` points
    //! to a server, MySQL/MariaDB when `MM_TEST_MYSQL_URL` does (the test script starts both and
    //! sets `MM_REQUIRE_POSTGRES=1` and `MM_REQUIRE_MYSQL=1`, so a missing server fails the run
    //! instead of skipping silently).

    use super::{Store, StoreError};
    use rand::Rng;
    use sqlx::Connection;

    pub struct TestDb {
        pub url: String,
        pub backend: &'static str,
        _dir: Option<tempfile::TempDir>,
    }

    impl TestDb {
        pub async fn store(&self) -> Store {
            let s = Store::connect(&self.url).await.expect("connect test db");
            s.migrate().await.expect("migrate test db");
            s
        }
    }

    /// The backends every store-touching test must run on.
    pub fn backends() -> Vec<&'static str> {
        let mut b = vec!["sqlite"];
        match std::env::var("MM_TEST_POSTGRES_URL") {
            Ok(u) if !u.is_empty() => b.push("postgres"),
            _ if std::env::var("MM_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") => {
                panic!("MM_REQUIRE_POSTGRES=1 but MM_TEST_POSTGRES_URL is not set: run scripts/test.sh")
            }
            _ => eprintln!("note: MM_TEST_POSTGRES_URL not set, PostgreSQL variants skipped (scripts/test.sh sets it)"),
        }
        match std::env::var("MM_TEST_MYSQL_URL") {
            Ok(u) if !u.is_empty() => b.push("mysql"),
            _ if std::env::var("MM_REQUIRE_MYSQL").is_ok_and(|v| v == "1") => {
                panic!("MM_REQUIRE_MYSQL=1 but MM_TEST_MYSQL_URL is not set: run scripts/test.sh")
            }
            _ => eprintln!("note: MM_TEST_MYSQL_URL not set, MariaDB variants skipped (scripts/test.sh sets it)"),
        }
        b
    }

    pub async fn fresh(backend: &'static str) -> Result<TestDb, StoreError> {
        match backend {
            "postgres" => {
                let admin = std::env::var("MM_TEST_POSTGRES_URL")
                    .map_err(|_| StoreError::Corrupt("no MM_TEST_POSTGRES_URL".into()))?;
                let name = format!("mm_test_{:016x}", rand::thread_rng().r#gen::<u64>());
                let mut conn = sqlx::PgConnection::connect(&admin).await?;
                sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str()).await?;
                conn.close().await?;
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
                Ok(TestDb {
                    url: format!("{base}/{name}"),
                    backend,
                    _dir: None,
                })
            }
            "mysql" => {
                let admin = std::env::var("MM_TEST_MYSQL_URL")
                    .map_err(|_| StoreError::Corrupt("no MM_TEST_MYSQL_URL".into()))?;
                let name = format!("mm_test_{:016x}", rand::thread_rng().r#gen::<u64>());
                let mut conn = sqlx::MySqlConnection::connect(&admin).await?;
                sqlx::Executor::execute(
                    &mut conn,
                    format!("CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin").as_str(),
                )
                .await?;
                conn.close().await?;
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
                Ok(TestDb {
                    url: format!("{base}/{name}"),
                    backend,
                    _dir: None,
                })
            }
            _ => {
                let dir = tempfile::tempdir().map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let url = format!("sqlite://{}", dir.path().join("test.sqlite").display());
                Ok(TestDb {
                    url,
                    backend,
                    _dir: Some(dir),
                })
            }
        }
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
}
