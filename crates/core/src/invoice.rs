//! Invoices as the billing system states them, normalised across sources.

use crate::mapping::StartsFrom;
use crate::money::Amount;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// A stable identity for an invoice: the source's name and the source's own id
/// (FacturaScripts' `idfactura`, a webhook's `data.id`). Never the printed number,
/// which FacturaScripts may reuse after a delete.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct InvoiceKey {
    pub source: String,
    pub id: String,
}

impl InvoiceKey {
    pub fn new(source: impl Into<String>, id: impl Into<String>) -> Self {
        InvoiceKey {
            source: source.into(),
            id: id.into(),
        }
    }
}

impl std::fmt::Display for InvoiceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.source, self.id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub id: String,
    pub name: String,
    /// The learner's address as the source gave it (billing contact first, then the
    /// customer's own). Unparsed: a bad address must hold this invoice, not fail the poll.
    pub email: Option<String>,
    /// The learner's first and last names where the source keeps them apart (FacturaScripts'
    /// contact `nombre` / `apellidos`): used as they are instead of splitting `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_names: Option<PersonName>,
}

/// A person's first and last names as the source keeps them (`José` / `Ñúñez Müller`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName {
    pub first: String,
    pub last: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceLine {
    pub id: String,
    /// The product reference that mappings are keyed on; `None` for free-text lines.
    pub product: Option<String>,
    /// Negative on credit-note lines.
    pub quantity: f64,
    /// On a credit-note line: the id of the original invoice's line it credits.
    pub credits_line: Option<String>,
    /// The line's total before tax, after discounts, in minor units of the invoice's
    /// currency; negative on credit-note lines. `None` where the source gave none (snapshots
    /// stored before amounts were kept, a webhook without them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
}

/// An invoice as a source reports it right now (FacturaScripts poll, webhook).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceSnapshot {
    pub key: InvoiceKey,
    /// The number people read (e.g. `F2026A7`), for messages only.
    pub number: String,
    pub customer: Customer,
    pub lines: Vec<InvoiceLine>,
    pub paid: bool,
    /// For a credit note (rectifying invoice): the id, in the same source, of the invoice it credits.
    pub credit_note_for: Option<String>,
    /// When the source says it was paid (FacturaScripts: the latest `fechapago` of its paid
    /// receipts; a webhook's `paid_at`); `None` when unpaid or not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_on: Option<Timestamp>,
    /// The invoice's own date (FacturaScripts `fecha`, a webhook's `issued_at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_on: Option<Timestamp>,
    /// The ISO 4217 code of the lines' amounts (FacturaScripts `coddivisa`, a webhook's
    /// `currency`), upper-case; `None` when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// An invoice as we know it: the latest snapshot plus what only we can remember.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invoice {
    pub key: InvoiceKey,
    pub number: String,
    pub customer: Customer,
    pub lines: Vec<InvoiceLine>,
    /// When we first saw this invoice paid (kept while it stays paid); `None` = not paid now.
    pub paid_at: Option<Timestamp>,
    /// When the source says it was paid (see [`InvoiceSnapshot::paid_on`]).
    #[serde(default)]
    pub paid_on: Option<Timestamp>,
    /// The invoice's own date.
    #[serde(default)]
    pub issued_on: Option<Timestamp>,
    pub credit_note_for: Option<String>,
    /// See [`InvoiceSnapshot::currency`].
    #[serde(default)]
    pub currency: Option<String>,
    /// The source no longer has this invoice.
    pub deleted: bool,
    /// Paid once, unpaid again since: what a grace period counts from.
    #[serde(default)]
    pub lapsed: Option<Lapse>,
}

/// An invoice that was paid and is not any more (a returned direct debit, a reopened receipt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lapse {
    /// When we had first seen it paid.
    pub paid_at: Timestamp,
    /// When the source had said it was paid, if it did.
    #[serde(default)]
    pub paid_on: Option<Timestamp>,
    /// When we first saw it unpaid again.
    pub unpaid_since: Timestamp,
}

impl Invoice {
    /// `paid_at` is when we first saw it paid: the caller remembers it across snapshots.
    pub fn from_snapshot(s: InvoiceSnapshot, paid_at: Option<Timestamp>) -> Invoice {
        Invoice {
            paid_at: if s.paid { paid_at } else { None },
            paid_on: if s.paid { s.paid_on } else { None },
            issued_on: s.issued_on,
            key: s.key,
            number: s.number,
            customer: s.customer,
            lines: s.lines,
            credit_note_for: s.credit_note_for,
            currency: s.currency,
            deleted: false,
            lapsed: None,
        }
    }

    /// `prev` once `s` is recorded at `now`, by the rules the store applies (`paid_at` kept
    /// while paid, set when it becomes paid; paid then unpaid again leaves a lapse): what a dry
    /// run computes with, without recording anything.
    pub fn recorded(prev: Option<&Invoice>, s: InvoiceSnapshot, now: Timestamp) -> Invoice {
        let paid = s.paid;
        let paid_at = if paid {
            prev.and_then(|p| p.paid_at).or(Some(now))
        } else {
            None
        };
        let lapsed = match (paid, prev.and_then(|p| p.paid_at.map(|at| (at, p.paid_on)))) {
            (true, _) => None,
            (false, Some((paid_at, paid_on))) => Some(Lapse {
                paid_at,
                paid_on,
                unpaid_since: now,
            }),
            (false, None) => prev.and_then(|p| p.lapsed),
        };
        let mut inv = Invoice::from_snapshot(s, paid_at);
        inv.lapsed = lapsed;
        inv
    }

    pub fn is_paid(&self) -> bool {
        self.paid_at.is_some() && !self.deleted
    }

    pub fn is_credit_note(&self) -> bool {
        self.credit_note_for.is_some()
    }

    /// When access paid by this invoice starts, counted as `from` says; `None` = not paid now.
    /// A payment date falls back to the invoice date, and either to when we first saw it
    /// paid (a source that gives no dates).
    pub fn access_start(&self, from: StartsFrom) -> Option<Timestamp> {
        let seen = self.paid_at?;
        Some(start_from(from, self.paid_on, self.issued_on, seen))
    }

    /// As [`Invoice::access_start`], for an invoice paid once and unpaid again.
    pub fn lapsed_start(&self, from: StartsFrom) -> Option<Timestamp> {
        let lapse = self.lapsed?;
        Some(start_from(from, lapse.paid_on, self.issued_on, lapse.paid_at))
    }
}

fn start_from(
    from: StartsFrom,
    paid_on: Option<Timestamp>,
    issued_on: Option<Timestamp>,
    seen: Timestamp,
) -> Timestamp {
    match from {
        StartsFrom::Payment => paid_on.or(issued_on).unwrap_or(seen),
        StartsFrom::Invoice => issued_on.unwrap_or(seen),
        StartsFrom::Enrolment => seen,
    }
}
