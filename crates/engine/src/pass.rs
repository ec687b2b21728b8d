//! One full pass (`reconcile --once`) and its plain-text account.

use crate::ingest::poll::PollSummary;
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
    pub polled: Vec<SourcePoll>,
    pub before: Recompute,
    pub worker: RoundOutcome,
    pub after: Recompute,
    /// Jobs parked with an error or still backing off, with their error.
    pub failing: Vec<String>,
    pub holds: Vec<String>,
}

impl PassReport {
    pub fn converged(&self) -> bool {
        self.after.converged() && self.polled.iter().all(|p| p.result.is_ok())
    }

    /// A plain-text account of the pass, for `reconcile --once`.
    pub fn describe(&self) -> String {
        let mut s = String::new();
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
            "desired: {} entitlements from {} invoices; {} changes planned; worker: {} applied, {} already right, {} retrying, {} dead",
            b.entitlements, b.invoices, b.planned, w.applied, w.unchanged, w.retrying, w.dead
        );
        for h in &self.holds {
            let _ = writeln!(s, "held: {h}");
        }
        for f in &self.failing {
            let _ = writeln!(s, "failing: {f}");
        }
        s.push_str(if self.converged() {
            "converged: Moodle matches the invoices\n"
        } else {
            "NOT converged: the differences above remain (they are retried by `serve`)\n"
        });
        s
    }
}
