//! What each subcommand does, one module per group; `main.rs` only parses and dispatches.

pub mod certificate;
pub mod doctor;
pub mod secret;
pub mod service;
pub mod simulate;
pub mod token;
pub mod user;
pub mod webhook;
