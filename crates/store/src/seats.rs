//! Seats: invoice lines with a quantity shared among named learners.

use crate::dialect::text;
use crate::{Store, StoreError};
use mm_core::{Email, InvoiceKey, InvoiceSnapshot, SeatAssignment, Timestamp};
use sqlx::Row;

impl Store {
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
        let taken: Vec<TakenSeat> = self
            .query(
                "SELECT learner, sequence FROM seat_assignments WHERE source = $1 AND invoice_id = $2 AND line_id = $3",
            )
            .bind(&seat.invoice.source)
            .bind(&seat.invoice.id)
            .bind(&seat.line)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| {
                Ok(TakenSeat {
                    learner: r.try_get("learner")?,
                    sequence: r.try_get("sequence")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?;
        if taken.iter().any(|t| t.learner == seat.learner.as_str()) {
            return Ok(SeatOutcome::AlreadyAssigned);
        }
        if taken.len() >= seats {
            return Ok(SeatOutcome::Full { seats });
        }
        self.query(
            "INSERT INTO seat_assignments (source, invoice_id, line_id, learner, name, assigned_at, sequence)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&seat.invoice.source)
        .bind(&seat.invoice.id)
        .bind(&seat.line)
        .bind(seat.learner.as_str())
        .bind(&seat.name)
        .bind(seat.assigned_at.0)
        .bind(taken.iter().map(|t| t.sequence).max().unwrap_or(0) + 1)
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
                    "SELECT source, invoice_id, line_id, learner, name, assigned_at, sequence FROM seat_assignments
                     WHERE source = $1 AND invoice_id = $2 ORDER BY line_id, sequence, learner",
                )
                .bind(&k.source)
                .bind(&k.id)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                self.query(
                    "SELECT source, invoice_id, line_id, learner, name, assigned_at, sequence FROM seat_assignments
                     ORDER BY source, invoice_id, line_id, sequence, learner",
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
                    sequence: r.try_get("sequence")?,
                })
            })
            .collect()
    }
}

/// A seat of the line already assigned, as the next assignment sees it.
struct TakenSeat {
    learner: String,
    sequence: i64,
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
