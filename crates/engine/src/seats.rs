//! Seats of company invoices, assigned to named learners. A change only asks for a recompute:
//! the desired state decides what Moodle gets.

use crate::engine::Engine;
use mm_core::{Email, InvoiceKey, SeatAssignment};
use mm_store::{SeatOutcome, StoreError};

/// A seat to assign or release, as an admin or a script names it.
#[derive(Debug, Clone)]
pub struct SeatRequest {
    pub invoice: InvoiceKey,
    pub line: String,
    pub learner: Email,
    /// The learner's full name for their Moodle account (may be empty).
    pub name: String,
}

impl Engine {
    pub async fn seats(&self, invoice: Option<&InvoiceKey>) -> Result<Vec<SeatAssignment>, StoreError> {
        self.store.seats(invoice).await
    }

    /// Assigns a seat of an invoice line to a learner, from now.
    pub async fn assign_seat(&self, req: SeatRequest) -> Result<(SeatAssignment, SeatOutcome), StoreError> {
        let seat = SeatAssignment {
            invoice: req.invoice,
            line: req.line,
            learner: req.learner,
            name: req.name.trim().to_string(),
            assigned_at: self.now(),
            sequence: 0,
        };
        let outcome = self.store.assign_seat(&seat).await?;
        if let SeatOutcome::Assigned { .. } = outcome {
            tracing::info!(invoice = %seat.invoice, line = %seat.line, "seat assigned");
            self.request_recompute();
        }
        Ok((seat, outcome))
    }

    /// Releases a learner's seat; whether they held one.
    pub async fn release_seat(&self, req: &SeatRequest) -> Result<bool, StoreError> {
        let released = self.store.release_seat(&req.invoice, &req.line, &req.learner).await?;
        if released {
            self.request_recompute();
        }
        Ok(released)
    }
}

/// What an assignment's outcome means, for a person.
pub fn describe_outcome(seat: &SeatAssignment, outcome: &SeatOutcome) -> String {
    match outcome {
        SeatOutcome::Assigned { free } => format!("seat assigned; {free} seat(s) left on this line"),
        SeatOutcome::AlreadyAssigned => "this learner already holds a seat on this line".into(),
        SeatOutcome::Full { seats } => {
            format!("all {seats} seat(s) of this line are assigned; release one first (DELETE /api/seats)")
        }
        SeatOutcome::UnknownLine => format!(
            "no line `{}` on a live invoice `{}` of source `{}`",
            seat.line, seat.invoice.id, seat.invoice.source
        ),
    }
}

impl Engine {
    /// An operator assigns a seat: the outcome as a sentence, noted in the operator's log.
    pub async fn assign_seat_as(&self, req: SeatRequest, actor: &crate::admin::Actor) -> Result<String, StoreError> {
        Ok(self.assign_seat_noted(req, actor).await?.0)
    }

    /// Assigns a seat and notes it: the outcome as a sentence, and whether it was assigned.
    async fn assign_seat_noted(
        &self,
        req: SeatRequest,
        actor: &crate::admin::Actor,
    ) -> Result<(String, bool), StoreError> {
        let object = format!("{} line {} → {}", req.invoice, req.line, req.learner.as_str());
        let (seat, outcome) = self.assign_seat(req).await?;
        let said = describe_outcome(&seat, &outcome);
        let ok = matches!(outcome, SeatOutcome::Assigned { .. });
        self.record_action(actor, "seat.assign", &object, Some(said.clone()), ok)
            .await;
        Ok((said, ok))
    }

    /// An operator releases a seat: what happened, noted in the operator's log.
    pub async fn release_seat_as(&self, req: &SeatRequest, actor: &crate::admin::Actor) -> Result<String, StoreError> {
        let object = format!("{} line {} → {}", req.invoice, req.line, req.learner.as_str());
        let released = self.release_seat(req).await?;
        let said = if released {
            "seat released; the learner's access ends at the next pass".to_owned()
        } else {
            "this learner held no seat on this line".to_owned()
        };
        self.record_action(actor, "seat.release", &object, Some(said.clone()), released)
            .await;
        Ok(said)
    }
}

/// The columns of a seat CSV; `name` may be left out.
pub const SEAT_COLUMNS: &[&str] = &["source", "invoice", "line", "email", "name"];

/// What one imported seat row did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatRowOutcome {
    pub line_no: u64,
    pub assigned: bool,
    /// The outcome as a sentence (see [`describe_outcome`]).
    pub said: String,
}

impl Engine {
    /// Every row of a seat CSV checked; nothing is assigned. Whether a line has a seat left is
    /// known when it is assigned.
    pub fn preview_seat_import(
        &self,
        csv: &str,
    ) -> Result<crate::mappings::ImportPreview<SeatRequest>, crate::import::FileProblem> {
        use crate::mappings::{FieldError, FieldProblem, RowResult};
        let rows = crate::import::read_rows(csv, SEAT_COLUMNS, &["source", "invoice", "line", "email"])?;
        let out = rows
            .iter()
            .map(|row| {
                let mut errors = Vec::new();
                for field in ["source", "invoice", "line", "email"] {
                    if row.get(field).is_empty() {
                        errors.push(FieldError {
                            field,
                            problem: FieldProblem::Required,
                        });
                    }
                }
                let learner = match Email::parse(row.get("email")) {
                    Ok(e) => Some(e),
                    Err(_) if row.get("email").is_empty() => None,
                    Err(_) => {
                        errors.push(FieldError {
                            field: "email",
                            problem: FieldProblem::BadEmail(row.get("email").to_owned()),
                        });
                        None
                    }
                };
                let outcome = match learner {
                    Some(learner) if errors.is_empty() => Ok(SeatRequest {
                        invoice: InvoiceKey::new(row.get("source"), row.get("invoice")),
                        line: row.get("line").to_owned(),
                        learner,
                        name: row.get("name").to_owned(),
                    }),
                    _ => Err(errors),
                };
                RowResult {
                    line_no: row.line_no,
                    outcome,
                }
            })
            .collect();
        Ok(crate::mappings::ImportPreview { rows: out })
    }

    /// Checks the CSV again and assigns the seat of every valid row, each noted in the
    /// operator's log; the rows' outcomes (a full line is one), the invalid rows skipped.
    pub async fn apply_seat_import(
        &self,
        actor: &crate::admin::Actor,
        csv: &str,
    ) -> Result<Vec<SeatRowOutcome>, crate::mappings::ImportError> {
        let preview = self.preview_seat_import(csv)?;
        let mut out = Vec::new();
        for row in preview.rows {
            let Ok(req) = row.outcome else { continue };
            let (said, assigned) = self.assign_seat_noted(req, actor).await?;
            out.push(SeatRowOutcome {
                line_no: row.line_no,
                assigned,
                said,
            });
        }
        Ok(out)
    }
}
