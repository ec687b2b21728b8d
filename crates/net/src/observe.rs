//! A hook the clients call after every HTTP request they send, so the application can count
//! and time them (Prometheus metrics) without the clients depending on a metrics library.
//!
//! Each client takes an optional [`CallObserver`] in its options and reports one [`Call`] per
//! request: which system, which peer (the configured site or source name), which remote
//! function, the outcome as a short fixed word, and how long it took. The observer decides what
//! to do with it; labels stay bounded because every field but `peer` comes from the client's own
//! code, and `peer` is a name the administrator configured.

use std::sync::Arc;
use std::time::Duration;

/// The remote system a client talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum System {
    Moodle,
    FacturaScripts,
}

/// One HTTP request a client sent (or refused to send: an open circuit breaker).
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    pub system: System,
    /// The configured site or source name.
    pub peer: &'a str,
    /// The Moodle `wsfunction`, or the FacturaScripts `api/3` resource.
    pub function: &'a str,
    /// A fixed word of the client's (`ok`, `timeout`, `http`, …), never a remote text.
    pub outcome: &'static str,
    /// How long the request took; `None` when none was sent (the circuit breaker refused it).
    pub elapsed: Option<Duration>,
}

/// Receives every [`Call`] of the clients it is given to. Must be cheap and never block.
pub trait CallObserver: Send + Sync {
    fn observe(&self, call: &Call<'_>);
}

/// The optional observer a client holds.
pub type Observer = Option<Arc<dyn CallObserver>>;
