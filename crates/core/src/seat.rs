//! Seats: a line with quantity N bought by a company gives N seats, each assigned to a named
//! learner. An assigned seat grants the line's courses to its learner instead of the buyer.

use crate::invoice::InvoiceKey;
use crate::learner::Email;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatAssignment {
    pub invoice: InvoiceKey,
    /// The invoice line's id.
    pub line: String,
    pub learner: Email,
    /// The learner's full name, for their Moodle account (may be empty).
    pub name: String,
    pub assigned_at: Timestamp,
    /// Its place among the line's assignments, lowest first assigned: seats are kept
    /// first-come, so a credit note takes back the highest. Given by the store when it
    /// records the assignment (a value passed in is ignored).
    pub sequence: i64,
}

/// How many seats a line holds: its quantity, whole seats only, at least one.
pub fn seats_of(quantity: f64) -> usize {
    if quantity.is_finite() && quantity >= 1.0 {
        // Quantities are small counts; the cast saturates on absurd values.
        (quantity + 1e-9).floor() as usize
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_are_whole_and_at_least_one() {
        for (q, want) in [
            (1.0, 1),
            (5.0, 5),
            (2.5, 2),
            (0.0, 1),
            (-3.0, 1),
            (f64::NAN, 1),
            (2.9999999999, 3),
        ] {
            assert_eq!(seats_of(q), want, "quantity {q}");
        }
    }
}
