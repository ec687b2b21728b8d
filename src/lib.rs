//! MoodleManagement: a paid invoice enrols its learner in Moodle, by itself.
//!
//! Follow "invoice paid → learner enrolled" through these files:
//! 1. [`sources`] polls FacturaScripts and stores each invoice as last seen (`mm-store`);
//! 2. [`reconcile`] computes the desired state with the pure core (`mm-core`) and queues the
//!    keys whose Moodle state differs, in the same transaction;
//! 3. [`worker`] claims those jobs, plans each key again and converges Moodle in batches
//!    ([`learners`] matches or creates the accounts) through the client (`mm-moodle`);
//! 4. [`web`] shows the result; [`app`] wires it all; [`demo`] runs it against the simulators.

pub mod app;
pub mod bench;
pub mod config;
pub mod demo;
pub mod drift;
pub mod learners;
pub mod reconcile;
pub mod seats;
pub mod sites;
pub mod sources;
pub mod telemetry;
pub mod web;
pub mod webhooks;
pub mod worker;
