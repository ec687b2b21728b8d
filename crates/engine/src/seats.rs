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
    /// The mappings in force (product → course), from the configuration and the database.
    pub async fn mappings(&self) -> Result<Vec<mm_core::Mapping>, StoreError> {
        self.store.mappings().await
    }

    /// An operator assigns a seat: the outcome as a sentence, noted in the operator's log.
    pub async fn assign_seat_as(&self, req: SeatRequest, actor: &crate::admin::Actor) -> Result<String, StoreError> {
        let object = format!("{} line {} → {}", req.invoice, req.line, req.learner.as_str());
        let (seat, outcome) = self.assign_seat(req).await?;
        let said = describe_outcome(&seat, &outcome);
        let ok = matches!(outcome, SeatOutcome::Assigned { .. });
        self.record_action(actor, "seat.assign", &object, Some(said.clone()), ok)
            .await;
        Ok(said)
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
