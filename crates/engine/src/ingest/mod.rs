//! What comes in: invoices polled from a source, and webhook deliveries pushed by one. Both
//! only record invoices; the desired state decides what Moodle gets.

pub mod poll;
pub mod webhook;
