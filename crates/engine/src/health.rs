//! Whether the database accepts writes, as the loops last found out, and the `/readyz` report.

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

/// The body of `/readyz`: each dependency's state. Only the database decides readiness: an open
/// circuit breaker is a remote site's trouble (its jobs wait), reported here but not fatal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReadinessReport {
    /// `ready` or `not_ready`.
    pub status: &'static str,
    pub checks: ReadinessChecks,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReadinessChecks {
    pub database: DatabaseCheck,
    /// Each Moodle site's circuit breaker, by site name.
    pub sites: std::collections::BTreeMap<String, BreakerCheck>,
    /// Each polled source's circuit breaker, by source name.
    pub sources: std::collections::BTreeMap<String, BreakerCheck>,
    pub smtp: SmtpCheck,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DatabaseCheck {
    /// `ok`, `not_writable` or `unreachable`.
    pub status: &'static str,
    /// A fixed phrase, never the database's own message (it may name hosts or files).
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BreakerCheck {
    /// `closed`, `open` or `half_open`.
    pub breaker: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SmtpCheck {
    /// `configured` or `not_configured` (then no certificate mail is sent).
    pub status: &'static str,
}

impl ReadinessReport {
    pub fn is_ready(&self) -> bool {
        self.status == "ready"
    }
}

impl DatabaseCheck {
    fn of(readiness: &Readiness) -> DatabaseCheck {
        let (status, detail) = match readiness {
            Readiness::Ready => ("ok", "answers and accepts writes".to_owned()),
            Readiness::NotWritable(reason) => ("not_writable", format!("database not writable: {reason}")),
            Readiness::Unreachable => ("unreachable", "database unreachable".to_owned()),
        };
        DatabaseCheck { status, detail }
    }
}

impl crate::engine::Engine {
    /// What `/readyz` answers: the database (which decides), each site's and source's
    /// circuit breaker, and whether mail can go out.
    pub async fn readiness_report(&self) -> ReadinessReport {
        let readiness = self.readiness().await;
        let breaker = |state| BreakerCheck {
            breaker: crate::metrics::breaker_word(state),
        };
        let sites = self
            .sites()
            .all()
            .into_iter()
            .map(|s| (s.name.clone(), breaker(s.client.breaker_state())))
            .collect();
        let sources = self
            .pollers()
            .iter()
            .map(|s| (s.name().to_owned(), breaker(s.breaker_state())))
            .collect();
        let smtp = SmtpCheck {
            status: if self.config().smtp.is_some() {
                "configured"
            } else {
                "not_configured"
            },
        };
        ReadinessReport {
            status: if readiness == Readiness::Ready {
                "ready"
            } else {
                "not_ready"
            },
            checks: ReadinessChecks {
                database: DatabaseCheck::of(&readiness),
                sites,
                sources,
                smtp,
            },
        }
    }
}
