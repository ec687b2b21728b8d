//! Invoices as last seen in each source.

use crate::dialect::{self, text};
use crate::revenue::{LineAmount, RevenueDelta};
use crate::{Store, StoreError, placeholders};
use mm_core::{Invoice, InvoiceSnapshot, Lapse, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpsertOutcome {
    /// Anything we care about differs from what we had.
    pub changed: bool,
    pub created: bool,
    /// Older than the version stored: ignored.
    pub stale: bool,
}

impl Store {
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
            self.query_for_update("SELECT snapshot, paid_at, deleted, lapsed_paid_at, lapsed_paid_on, unpaid_since, version FROM invoices WHERE source = $1 AND id = $2")
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
                   lapsed_paid_at, unpaid_since, lapsed_paid_on)
                 VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (source, id) DO UPDATE SET number = excluded.number, snapshot = excluded.snapshot,
                   paid_at = excluded.paid_at, deleted = 0, updated_at = excluded.updated_at,
                   version = COALESCE(excluded.version, invoices.version),
                   lapsed_paid_at = excluded.lapsed_paid_at, unpaid_since = excluded.unpaid_since,
                   lapsed_paid_on = excluded.lapsed_paid_on",
            )
            .bind(&s.key.source)
            .bind(&s.key.id)
            .bind(&s.number)
            .bind(&snapshot)
            .bind(paid_at)
            .bind(now.0)
            .bind(now.0)
            .bind(version)
            .bind(lapse.map(|l| l.paid_at))
            .bind(lapse.map(|l| l.unpaid_since))
            .bind(lapse.and_then(|l| l.paid_on))
            .execute(&mut *tx)
            .await?;
            replace_lines(&mut tx, &[LinesOf::new(s, paid_at)]).await?;
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
            let existing = stored_invoices(&mut tx, chunk).await?;
            let mut rows: Vec<(&InvoiceSnapshot, String, NextInvoice)> = Vec::new();
            for s in chunk {
                let snapshot = serde_json::to_string(s)?;
                let stored = existing.get(&(s.key.source.clone(), s.key.id.clone()));
                let next = next_invoice_state(stored, s.paid, &snapshot, now);
                if next.changed {
                    rows.push((s, snapshot, next));
                }
            }
            changed_count += rows.len();
            let lines: Vec<LinesOf<'_>> = rows.iter().map(|(s, _, next)| LinesOf::new(s, next.paid_at)).collect();
            replace_lines(&mut tx, &lines).await?;
            insert_invoice_rows(&mut tx, rows, now).await?;
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
        let mut tx = self.write_tx().await?;
        let r = match version {
            None => {
                self.query(
                    "UPDATE invoices SET deleted = 1, updated_at = $1 WHERE source = $2 AND id = $3 AND deleted = 0",
                )
                .bind(now.0)
                .bind(source)
                .bind(id)
                .execute(&mut *tx)
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
                .execute(&mut *tx)
                .await?
            }
        };
        let deleted = r.rows_affected() > 0;
        if deleted {
            // A deleted invoice earned nothing: its lines leave the revenue.
            remove_lines(&mut tx, source, &[id]).await?.apply(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(deleted)
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
                        "SELECT source, id, snapshot, paid_at, deleted, lapsed_paid_at, lapsed_paid_on, unpaid_since FROM invoices
                     ORDER BY source, id LIMIT $1",
                    )
                    .bind(PAGE),
                // A row value, not `source > $1 OR (…)`: SQLite seeks the primary key with it
                // instead of walking the table from its start for every page.
                Some((source, id)) => self
                    .query(
                        "SELECT source, id, snapshot, paid_at, deleted, lapsed_paid_at, lapsed_paid_on, unpaid_since FROM invoices
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
                inv.lapsed = stored.lapse.map(|l| Lapse {
                    paid_at: Timestamp(l.paid_at),
                    paid_on: l.paid_on.map(Timestamp),
                    unpaid_since: Timestamp(l.unpaid_since),
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
}

/// The stored rows of these invoices (locked on MySQL: they decide the write that follows).
async fn stored_invoices(
    tx: &mut Transaction<'static, Any>,
    chunk: &[&InvoiceSnapshot],
) -> Result<HashMap<(String, String), StoredInvoice>, StoreError> {
    let keys: Vec<String> = (0..chunk.len())
        .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
        .collect();
    let sql = format!(
        "SELECT source, id, snapshot, paid_at, deleted, lapsed_paid_at, lapsed_paid_on, unpaid_since FROM invoices
         WHERE (source, id) IN ({})",
        keys.join(", ")
    );
    let sql = dialect::sql_for_update(dialect::backend_of(tx), &sql);
    let mut q = sqlx::query(&sql);
    for s in chunk {
        q = q.bind(s.key.source.as_str()).bind(s.key.id.as_str());
    }
    let mut existing = HashMap::new();
    for r in q.fetch_all(&mut **tx).await? {
        existing.insert((r.try_get("source")?, r.try_get("id")?), StoredInvoice::from_row(&r)?);
    }
    Ok(existing)
}

/// An invoice's lines as `invoice_lines` keeps them, with when it was paid.
struct LinesOf<'a> {
    snapshot: &'a InvoiceSnapshot,
    /// The source's payment date, else when we first saw it paid; `None` while unpaid.
    paid_on: Option<i64>,
}

impl<'a> LinesOf<'a> {
    fn new(snapshot: &'a InvoiceSnapshot, paid_at: Option<i64>) -> LinesOf<'a> {
        LinesOf {
            snapshot,
            paid_on: paid_at.map(|seen| snapshot.paid_on.map_or(seen, |t| t.0)),
        }
    }
}

/// Replaces the stored lines of these invoices (`invoice_lines`) and their revenue per day, in
/// the invoices' own transaction so that revenue never disagrees with the invoices.
async fn replace_lines(tx: &mut Transaction<'static, Any>, invoices: &[LinesOf<'_>]) -> Result<(), StoreError> {
    let mut ids_by_source: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for i in invoices {
        let key = &i.snapshot.key;
        ids_by_source
            .entry(key.source.as_str())
            .or_default()
            .push(key.id.as_str());
    }
    let mut delta = RevenueDelta::default();
    for (source, ids) in ids_by_source {
        delta.merge(remove_lines(tx, source, &ids).await?);
    }
    let lines: Vec<(&LinesOf<'_>, &mm_core::InvoiceLine)> = invoices
        .iter()
        .flat_map(|i| i.snapshot.lines.iter().map(move |l| (i, l)))
        .collect();
    let backend = dialect::backend_of(tx);
    for chunk in lines.chunks(200) {
        let sql = format!(
            "INSERT INTO invoice_lines (source, invoice_id, line, product, amount_cents, currency, paid_on) VALUES {}
             ON CONFLICT (source, invoice_id, line) DO NOTHING",
            placeholders(chunk.len(), 7)
        );
        let sql = dialect::sql(backend, &sql);
        let mut q = sqlx::query(&sql);
        for (i, l) in chunk {
            let s = i.snapshot;
            q = q
                .bind(s.key.source.as_str())
                .bind(s.key.id.as_str())
                .bind(l.id.as_str())
                .bind(l.product.as_deref())
                .bind(l.amount.map(mm_core::Amount::cents))
                .bind(s.currency.as_deref())
                .bind(i.paid_on);
            delta.written(LineAmount {
                product: l.product.as_deref(),
                currency: s.currency.as_deref(),
                paid_on: i.paid_on,
                cents: l.amount.map(mm_core::Amount::cents),
            });
        }
        q.execute(&mut **tx).await?;
    }
    delta.apply(tx).await
}

/// Deletes the lines of these invoices of one source; returns the revenue they took away (read
/// before the delete: MySQL has no `DELETE … RETURNING`).
/// One source per statement: `source = … AND invoice_id IN (…)` walks the primary key, where
/// PostgreSQL reads row-value lists (`(source, invoice_id) IN ((…), …)`) far more slowly.
async fn remove_lines(
    tx: &mut Transaction<'static, Any>,
    source: &str,
    ids: &[&str],
) -> Result<RevenueDelta, StoreError> {
    let backend = dialect::backend_of(tx);
    let mut delta = RevenueDelta::default();
    for chunk in ids.chunks(300) {
        let list = (2..chunk.len() + 2)
            .map(|n| format!("${n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let filter = format!("FROM invoice_lines WHERE source = $1 AND invoice_id IN ({list})");
        let select = format!("SELECT product, currency, paid_on, amount_cents {filter}");
        let select = dialect::sql(backend, &select);
        let mut q = sqlx::query(&select).bind(source);
        for id in chunk {
            q = q.bind(*id);
        }
        delta.removed(&q.fetch_all(&mut **tx).await?)?;
        let delete = format!("DELETE {filter}");
        let delete = dialect::sql(backend, &delete);
        let mut q = sqlx::query(&delete).bind(source);
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(delta)
}

/// Upserts the changed invoices of a chunk in one multi-row statement.
async fn insert_invoice_rows(
    tx: &mut Transaction<'static, Any>,
    rows: Vec<(&InvoiceSnapshot, String, NextInvoice)>,
    now: Timestamp,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO invoices (source, id, number, snapshot, paid_at, deleted, first_seen, updated_at,
           lapsed_paid_at, unpaid_since, lapsed_paid_on) VALUES {}
         ON CONFLICT (source, id) DO UPDATE SET number = excluded.number, snapshot = excluded.snapshot,
           paid_at = excluded.paid_at, deleted = 0, updated_at = excluded.updated_at,
           lapsed_paid_at = excluded.lapsed_paid_at, unpaid_since = excluded.unpaid_since,
           lapsed_paid_on = excluded.lapsed_paid_on",
        (0..rows.len())
            .map(|r| {
                let b = r * 10;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, 0, ${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7,
                    b + 8,
                    b + 9,
                    b + 10
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    let sql = dialect::sql(dialect::backend_of(tx), &sql);
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
            .bind(next.lapse.map(|l| l.paid_at))
            .bind(next.lapse.map(|l| l.unpaid_since))
            .bind(next.lapse.and_then(|l| l.paid_on));
    }
    q.execute(&mut **tx).await?;
    Ok(())
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
            // Paid, then unpaid again: remember both moments, and the payment date the source
            // had given, for a grace period.
            let lapse = match (paid, old.paid_at) {
                (true, _) => None,
                (false, Some(was)) => Some(StoredLapse {
                    paid_at: was,
                    paid_on: paid_on_of(&old.snapshot),
                    unpaid_since: now.0,
                }),
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

/// The payment date a stored snapshot carries (see [`mm_core::InvoiceSnapshot::paid_on`]).
fn paid_on_of(snapshot: &str) -> Option<i64> {
    #[derive(serde::Deserialize)]
    struct PaidOn {
        #[serde(default)]
        paid_on: Option<i64>,
    }
    serde_json::from_str::<PaidOn>(snapshot).ok()?.paid_on
}

/// An invoice row as stored, for deciding what a new snapshot changes.
struct StoredInvoice {
    snapshot: String,
    paid_at: Option<i64>,
    deleted: i64,
    /// Of an invoice unpaid again.
    lapse: Option<StoredLapse>,
}

/// See [`mm_core::Lapse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct StoredLapse {
    paid_at: i64,
    paid_on: Option<i64>,
    unpaid_since: i64,
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
                (Some(paid_at), Some(unpaid_since)) => Some(StoredLapse {
                    paid_at,
                    paid_on: r.try_get("lapsed_paid_on")?,
                    unpaid_since,
                }),
                _ => None,
            },
        })
    }
}

struct NextInvoice {
    changed: bool,
    paid_at: Option<i64>,
    lapse: Option<StoredLapse>,
}
