//! The integration tests, as one test binary: each module was a test binary of its own
//! (`tests/<name>.rs`), linking the whole workspace again; `kit` holds what they share.
//!
//! Run one module with a filter on the test path: `cargo nextest run --test it crash::`
//! (or `cargo test --test it crash::`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

mod kit;

mod admin_connections;
mod admin_learners;
mod admin_mappings;
mod admin_template;
mod admin_web;
mod api_openapi;
mod api_tokens;
mod api_v1;
mod bench_smoke;
mod browser_admin;
mod browser_connections;
mod browser_jobs;
mod browser_mappings;
mod browser_verify;
mod certificates_crash;
mod certificates_e2e;
mod cli_and_web;
mod course_first_e2e;
mod crash;
mod disk;
mod doctor;
mod drift_e2e;
mod error_pages;
mod flaky;
mod fuzz_config;
mod idempotency;
mod loop_e2e;
mod metrics;
mod no_secrets_in_logs;
mod otlp;
mod outage;
mod outbound_events;
mod pause_e2e;
mod payment_dates;
mod policies_e2e;
mod progress_e2e;
mod real_install;
mod replicas;
mod secrets_at_rest;
mod security_web;
mod webhooks_e2e;
