//! The engine's named wake-ups: "there are jobs", "recompute", "poll this source now".
//! Each coalesces: many notifications before the loop looks make one pass.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
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
    /// Sources added in the admin join while the service runs, so the map grows on demand.
    poll_now: Mutex<HashMap<String, Arc<Notify>>>,
    /// Wakes the loop that loads the sites and sources added in the admin.
    pub(crate) connections: Notify,
    /// Wakes the outbound event deliveries when events were stored.
    pub(crate) events_queued: Notify,
}

impl Signals {
    pub fn new(polled_sources: impl IntoIterator<Item = String>) -> Signals {
        Signals {
            poll_now: Mutex::new(
                polled_sources
                    .into_iter()
                    .map(|name| (name, Arc::new(Notify::new())))
                    .collect(),
            ),
            ..Signals::default()
        }
    }

    /// What `source`'s poller waits on between polls.
    pub(crate) fn poll_now_of(&self, source: &str) -> Arc<Notify> {
        let mut map = self.poll_now.lock().unwrap_or_else(PoisonError::into_inner);
        map.entry(source.to_owned()).or_default().clone()
    }

    /// Tells the loop that runs the pollers of the sources added in the admin to look again.
    pub fn connections_changed(&self) {
        self.connections.notify_one();
    }

    pub fn jobs_queued(&self) {
        self.jobs_queued.notify_one();
    }

    pub fn mail_queued(&self) {
        self.mail_queued.notify_one();
    }

    pub fn events_queued(&self) {
        self.events_queued.notify_one();
    }

    pub fn certificates(&self) {
        self.certificates.notify_one();
    }

    pub fn recompute(&self) {
        self.recompute.notify_one();
    }

    /// Tells `source`'s poller to poll now; nothing for a source that is not polled.
    pub fn poll_now(&self, source: &str) {
        let map = self.poll_now.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = map.get(source) {
            n.notify_one();
        }
    }
}
