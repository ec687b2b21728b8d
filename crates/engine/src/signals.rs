//! The engine's named wake-ups: "there are jobs", "recompute", "poll this source now".
//! Each coalesces: many notifications before the loop looks make one pass.

use std::collections::HashMap;
use tokio::sync::Notify;

#[derive(Debug, Default)]
pub struct Signals {
    /// Wakes the worker when new jobs were queued.
    pub(crate) jobs_queued: Notify,
    /// Asks for a recompute of the desired state (webhooks and seats coalesce into one).
    pub(crate) recompute: Notify,
    /// Wakes the outbox when certificate mail was queued.
    pub(crate) mail_queued: Notify,
    /// Asks for a pass over certificates (a progress sync stored completions).
    pub(crate) certificates: Notify,
    /// Per polled source, by name: poll now instead of waiting for the interval (a hint).
    pub(crate) poll_now: HashMap<String, Notify>,
}

impl Signals {
    pub fn new(polled_sources: impl IntoIterator<Item = String>) -> Signals {
        Signals {
            poll_now: polled_sources.into_iter().map(|name| (name, Notify::new())).collect(),
            ..Signals::default()
        }
    }

    pub fn jobs_queued(&self) {
        self.jobs_queued.notify_one();
    }

    pub fn mail_queued(&self) {
        self.mail_queued.notify_one();
    }

    pub fn certificates(&self) {
        self.certificates.notify_one();
    }

    pub fn recompute(&self) {
        self.recompute.notify_one();
    }

    /// Tells `source`'s poller to poll now; nothing for a source that is not polled.
    pub fn poll_now(&self, source: &str) {
        if let Some(n) = self.poll_now.get(source) {
            n.notify_one();
        }
    }
}
