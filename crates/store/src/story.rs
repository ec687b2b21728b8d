//! What an invoice's story page reads: the invoice as stored, the invoices a search finds, its
//! held lines, and its learner's enrolment rows and Moodle changes.

use crate::dialect::text;
use crate::{AuditRecord, EntitlementRow, HoldRow, Store, StoreError};
use mm_core::{Invoice, InvoiceKey, InvoiceSnapshot, Timestamp};
use sqlx::Row;

/// An invoice as stored, with when we first saw it.
#[derive(Debug, Clone)]
pub struct InvoiceRecord {
    pub invoice: Invoice,
    pub first_seen: Timestamp,
    pub updated_at: Timestamp,
}

/// An invoice a search found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceHit {
    pub key: InvoiceKey,
    pub number: String,
    pub customer: String,
    pub email: Option<String>,
    pub paid: bool,
    pub updated_at: Timestamp,
}

impl Store {
    pub async fn invoice_record(&self, key: &InvoiceKey) -> Result<Option<InvoiceRecord>, StoreError> {
        let row = self
            .query(
                "SELECT snapshot, paid_at, deleted, first_seen, updated_at FROM invoices WHERE source = $1 AND id = $2",
            )
            .bind(&key.source)
            .bind(&key.id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(r) = row else { return Ok(None) };
        let snapshot: InvoiceSnapshot = serde_json::from_str(&text(&r, "snapshot")?)?;
        let paid_at: Option<i64> = r.try_get("paid_at")?;
        let mut invoice = Invoice::from_snapshot(snapshot, paid_at.map(Timestamp));
        invoice.deleted = r.try_get::<i64, _>("deleted")? != 0;
        Ok(Some(InvoiceRecord {
            invoice,
            first_seen: Timestamp(r.try_get("first_seen")?),
            updated_at: Timestamp(r.try_get("updated_at")?),
        }))
    }

    /// Invoices whose number, customer, email or products contain `q` (any case), newest
    /// change first. The snapshot is the source's JSON, so one `LIKE` covers every field.
    pub async fn search_invoices(&self, q: &str, limit: i64) -> Result<Vec<InvoiceHit>, StoreError> {
        let pattern = format!("%{}%", q.trim().to_lowercase());
        let rows = self
            .query(
                "SELECT source, id, number, snapshot, paid_at, updated_at FROM invoices
                 WHERE LOWER(number) LIKE $1 OR LOWER(snapshot) LIKE $2
                 ORDER BY updated_at DESC LIMIT $3",
            )
            .bind(pattern.clone())
            .bind(pattern)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let snapshot: InvoiceSnapshot = serde_json::from_str(&text(r, "snapshot")?)?;
                Ok(InvoiceHit {
                    key: InvoiceKey::new(text(r, "source")?, text(r, "id")?),
                    number: text(r, "number")?,
                    customer: snapshot.customer.name,
                    email: snapshot.customer.email,
                    paid: r.try_get::<Option<i64>, _>("paid_at")?.is_some(),
                    updated_at: Timestamp(r.try_get("updated_at")?),
                })
            })
            .collect()
    }

    /// The invoices behind enrolments in courses whose name contains `q` (any case).
    pub async fn invoices_of_courses(&self, q: &str, limit: i64) -> Result<Vec<InvoiceKey>, StoreError> {
        let rows = self
            .query("SELECT body FROM entitlements WHERE LOWER(course) LIKE $1 ORDER BY updated_at DESC LIMIT $2")
            .bind(format!("%{}%", q.trim().to_lowercase()))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        let mut keys = Vec::new();
        for r in &rows {
            let e: mm_core::Entitlement = serde_json::from_str(&text(r, "body")?)?;
            for cause in e.causes {
                if !keys.contains(&cause.invoice) {
                    keys.push(cause.invoice);
                }
            }
        }
        Ok(keys)
    }

    /// The lines of an invoice that grant nothing, and why.
    pub async fn holds_of_invoice(&self, key: &InvoiceKey) -> Result<Vec<HoldRow>, StoreError> {
        let rows = self
            .query("SELECT source, invoice_id, line, is_error, message FROM holds WHERE source = $1 AND invoice_id = $2 ORDER BY line")
            .bind(&key.source)
            .bind(&key.id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(HoldRow {
                    source: text(r, "source")?,
                    invoice_id: text(r, "invoice_id")?,
                    line: text(r, "line")?,
                    is_error: r.try_get::<i64, _>("is_error")? != 0,
                    message: text(r, "message")?,
                })
            })
            .collect()
    }

    /// One learner's enrolment rows (every site and course), as [`Store::entitlement_rows`].
    pub async fn entitlement_rows_of(&self, learner: &str) -> Result<Vec<EntitlementRow>, StoreError> {
        let rows = self
            .query(crate::applied::entitlement_rows_sql!(
                "WHERE e.learner = $1 ORDER BY e.site, e.course"
            ))
            .bind(learner.to_lowercase())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(crate::applied::entitlement_row).collect()
    }

    /// The Moodle changes made for one learner, oldest first.
    pub async fn audit_of_learner(&self, learner: &str) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = self
            .query(
                "SELECT id, at, site, course, learner, action, before, after, reason, job, ok, error
                 FROM audit_log WHERE learner = $1 ORDER BY id LIMIT 500",
            )
            .bind(learner.to_lowercase())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(crate::audit::audit_record).collect()
    }
}
