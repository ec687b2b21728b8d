//! The application: what MoodleManagement does, independent of how it is asked.
//!
//! The loops ([`runtime`]), the CLI, the web UI and the API all call the same services on
//! [`Engine`]. Follow "invoice paid → learner enrolled":
//! 1. [`ingest`] records invoices as last seen (a poll, or a webhook delivery);
//! 2. [`recompute`] computes the desired state with the pure core (`mm-core`) and queues the
//!    keys whose Moodle state differs, in the same transaction;
//! 3. [`worker`] claims those jobs, plans each key again and converges Moodle in batches
//!    ([`learners`] matches or creates the accounts) through the client (`mm-moodle`);
//! 4. [`drift`] reads what Moodle really holds and queues what differs again.
//!
//! A failure that is the site's, not the job's, pauses the site ([`pause`]) until it answers.
//!
//! This crate depends on no web framework, no command-line parser and no simulator.

// Tests may panic on what they did not expect; the crate itself may not.

pub mod admin;
pub mod certificates;
pub mod clock;
pub mod config;
pub mod connections;
pub mod dashboard;
pub mod doctor;
pub mod drift;
mod engine;
pub mod enrolment_list;
pub mod events;
pub mod health;
pub mod idempotency;
pub mod import;
pub mod ingest;
pub mod job_error;
pub mod jobs;
pub mod learner_page;
pub mod learners;
pub mod mappings;
pub mod metrics;
pub mod outbox;
pub mod pass;
pub mod pause;
pub mod progress;
pub mod recompute;
pub mod runtime;
pub mod seats;
pub mod settings;
mod signals;
pub mod site;
pub mod site_check;
pub mod story;
pub mod worker;

pub use dashboard::{Dashboard, DashboardFilter};
pub use engine::{Engine, EngineParts, open_store};
pub use enrolment_list::{EnrolmentPage, EnrolmentQuery};
pub use jobs::JobsOverview;
pub use site_check::{SiteCheck, SiteProblem, SiteProblemCode};
