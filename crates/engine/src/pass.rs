//! One full pass (`reconcile --once`) and its plain-text account.

use crate::drift::DriftReport;
use crate::ingest::poll::PollSummary;
use crate::progress::ProgressReport;
use crate::recompute::Recompute;
use crate::worker::RoundOutcome;
use std::fmt::Write;

/// One source's poll in a pass.
#[derive(Debug, Clone)]
pub struct SourcePoll {
    pub source: String,
    pub result: Result<PollSummary, String>,
}

/// The result of one full pass (`reconcile --once`).
#[derive(Debug, Default, Clone)]
pub struct PassReport {
    /// The drift sweep run first (`reconcile --once --sweep`), if one was.
    pub drift: Option<DriftReport>,
    pub polled: Vec<SourcePoll>,
    pub before: Recompute,
    pub worker: RoundOutcome,
    pub after: Recompute,
    /// Jobs parked with an error or still backing off, with their error.
    pub failing: Vec<String>,
    /// Sites paused by a site-wide failure: why, the fix, and that their jobs wait.
    pub paused: Vec<String>,
    pub holds: Vec<String>,
    /// The progress sync run after converging (`None` when `[progress] interval = "0s"`). It
    /// says nothing of convergence: progress is read, never applied.
    pub progress: Option<ProgressReport>,
    /// Certificates issued, revoked and rendered after the sync (`None` when turned off); like
    /// progress, they say nothing of convergence.
    pub certificates: Option<crate::certificates::CertificatePass>,
    /// Certificate mail sent, retrying or parked in this pass.
    pub mail: crate::outbox::OutboxRound,
    /// Outbound events delivered, retrying, failing or dead in this pass.
    pub events: crate::events::EventRound,
}

impl PassReport {
    /// Whether Moodle matches the invoices, as far as this pass could see: every poll and the
    /// sweep (when one ran) succeeded, and nothing is left to do.
    pub fn converged(&self) -> bool {
        self.after.converged()
            && self.polled.iter().all(|p| p.result.is_ok())
            && self.drift.as_ref().is_none_or(|d| d.errors.is_empty())
    }

    /// A plain-text account of the pass, for `reconcile --once`.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        if let Some(drift) = &self.drift {
            describe_drift(&mut s, drift);
        }
        for SourcePoll { source, result } in &self.polled {
            let _ = match result {
                Ok(p) => writeln!(
                    s,
                    "source {source}: {} invoices read, {} changed, {} deleted ({} requests)",
                    p.seen, p.changed, p.deleted, p.requests
                ),
                Err(e) => writeln!(s, "source {source}: FAILED: {e}"),
            };
        }
        let (b, w) = (&self.before, &self.worker);
        let _ = writeln!(
            s,
            "desired: {} entitlements from {} invoices; {} changes planned; worker: {} applied, {} already right, {} retrying, {} dead, {} waiting for their site",
            b.entitlements, b.invoices, b.planned, w.applied, w.unchanged, w.retrying, w.dead, w.paused
        );
        for h in &self.holds {
            let _ = writeln!(s, "held: {h}");
        }
        for p in &self.paused {
            let _ = writeln!(
                s,
                "{p}; `serve` checks it, and so does each `reconcile --once` when it starts"
            );
        }
        for f in &self.failing {
            let _ = writeln!(s, "failing: {f}");
        }
        if let Some(p) = &self.progress {
            let _ = writeln!(s, "{}", p.describe());
        }
        if let Some(c) = &self.certificates {
            let _ = writeln!(s, "{}", c.describe());
        }
        let m = &self.mail;
        if m.sent + m.retrying + m.parked > 0 {
            let _ = writeln!(
                s,
                "mail: {} sent, {} retrying, {} parked (`jobs` shows why)",
                m.sent, m.retrying, m.parked
            );
        }
        let e = &self.events;
        if e.delivered + e.retrying + e.failing + e.dead > 0 {
            let _ = writeln!(
                s,
                "events: {} delivered, {} retrying, {} failing, {} dead (the admin's Events page shows why)",
                e.delivered, e.retrying, e.failing, e.dead
            );
        }
        if self.drift.as_ref().is_some_and(|d| !d.errors.is_empty()) {
            s.push_str("the drift sweep could not read every course: what Moodle holds there is unknown\n");
        }
        if self.converged() {
            s.push_str("converged: Moodle matches the invoices\n");
        } else {
            let paused = if self.paused.is_empty() {
                ""
            } else {
                "the jobs of a paused site run again by themselves once it answers; "
            };
            let _ = writeln!(
                s,
                "NOT converged: the differences above remain ({paused}jobs backing off are retried by `serve`; \
                 dead ones wait for their fix and `moodle-management jobs retry`)"
            );
        }
        s
    }
}

fn describe_drift(s: &mut String, drift: &DriftReport) {
    let _ = writeln!(
        s,
        "drift sweep: {} courses read in {} Moodle calls; {} repaired, {} enrolments without invoice",
        drift.courses,
        drift.moodle_calls,
        drift.repaired.len(),
        drift.unexpected.len()
    );
    for k in &drift.repaired {
        let _ = writeln!(s, "drift repaired: {k}");
    }
    for k in &drift.unexpected {
        let _ = writeln!(s, "enrolled without invoice: {k}");
    }
    for e in &drift.errors {
        let _ = writeln!(s, "drift error: {e}");
    }
}
