//! Whether the database accepts writes, as the loops last found out (for `/readyz`).

use mm_store::StoreError;

/// Whether the database accepts writes, as the pollers and the worker last found out.
///
/// A database on a full disk, or a read-only file, still answers reads, so a `SELECT 1` calls
/// it healthy while nothing can be recorded. The loops report here what their writes met; the
/// first refusal is logged as an error with the fix, `/readyz` answers 503 with the reason
/// while it lasts, and the next write that succeeds (a poll, a worker round that did work)
/// clears it. Nothing is lost meanwhile: a poll's cursor only moves once its invoices are
/// stored, and a round's jobs stay queued until their results are.
#[derive(Debug, Default)]
pub struct DbHealth {
    refusal: std::sync::Mutex<Option<&'static str>>,
}

impl DbHealth {
    /// A write failed; only errors that say the database refuses writes count.
    pub fn write_failed(&self, e: &StoreError) {
        let Some(reason) = e.write_refusal() else {
            return;
        };
        let mut r = self.refusal.lock().unwrap_or_else(|p| p.into_inner());
        if r.is_none() {
            tracing::error!(
                reason,
                error = %e,
                "the database refuses writes; nothing is lost (invoices are read again, jobs wait in the queue) \
                 — fix: free space on the database's disk, or make the database file and its folder writable"
            );
        }
        *r = Some(reason);
    }

    /// A write succeeded.
    pub fn write_succeeded(&self) {
        let mut r = self.refusal.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(reason) = r.take() {
            tracing::info!(was = reason, "the database accepts writes again");
        }
    }

    /// Why the database refuses writes, if it did at the last attempt.
    pub fn refusal(&self) -> Option<&'static str> {
        *self.refusal.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What `/readyz` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    /// The database answers but refused the last write; a fixed phrase, never its own message.
    NotWritable(&'static str),
    Unreachable,
}
