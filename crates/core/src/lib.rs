//! The pure core of MoodleManagement.
//!
//! Everything here is plain data in, plain data out: no HTTP, no SQL, no clock.
//! Read it in this order:
//! 1. [`invoice`] — what a billing system told us (invoices, lines, credit notes);
//! 2. [`mapping`] — which product grants which course;
//! 3. [`entitlement`] — the desired state: which learner should have which course, and why;
//! 4. [`plan`](mod@plan) — desired vs. what was applied in Moodle → the actions to converge.

pub mod certificate;
pub mod entitlement;
pub mod invoice;
pub mod learner;
pub mod mapping;
pub mod money;
pub mod plan;
pub mod role;
pub mod seat;
pub mod time;

pub use certificate::{CertificateRevokePolicy, RevocationReason, Standing};
pub use entitlement::{DesiredState, Entitlement, EntitlementKey, Hold, HoldReason, desired_state};
pub use invoice::{Customer, Invoice, InvoiceKey, InvoiceLine, InvoiceSnapshot, Lapse, PersonName};
pub use learner::{Email, EmailError, LearnerProfile};
pub use mapping::{CourseRef, Mapping, RemovalPolicy, RevokePolicy, StartsFrom};
pub use money::{Amount, AmountError, currency_code};
pub use plan::{Action, AppliedEnrolment, EnrolmentStatus, plan, plan_key};
pub use role::{Permission, Role, Scope, UnknownRole, UnknownScope};
pub use seat::SeatAssignment;
pub use time::Timestamp;
