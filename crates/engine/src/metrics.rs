//! Prometheus metrics (`/metrics`), observed where things happen and counted from the database
//! at scrape time.
//!
//! Why `prometheus-client`: it is the Prometheus project's own Rust client, writes OpenMetrics
//! text (which every Prometheus scrapes), types its labels as structs, and keeps no global state
//! of its own. The registry lives here, in the engine, and the process has one ([`Metrics::global`]):
//! like Prometheus' default registry, one process is one scrape target.
//!
//! - **Events** are counted where they happen: the Moodle and FacturaScripts clients report each
//!   request through `mm_net::CallObserver` (they do not depend on this crate nor on the
//!   library; [`Metrics`] is the observer the engine gives them), the worker its job outcomes
//!   and latency, the webhook receiver each delivery, certificates and the outbox what they did,
//!   polls the invoices they saw.
//! - **Standings** (entitlements by status, jobs by state, the oldest due job, poll lag, circuit
//!   breakers, the database) are read at scrape time by [`Engine::render_metrics`], from cheap
//!   counts in the store, so every replica reports the same truth.
//!
//! Labels are bounded: no learner, course or invoice ever is one; outcomes are fixed words of the
//! code; function and peer names (from our code and the configuration) pass a [`LabelGuard`] that
//! admits at most [`MAX_LABEL_VALUES`] distinct well-formed values and answers `other` beyond.

use crate::engine::Engine;
use crate::health::Readiness;
use mm_net::{BreakerState, Call, CallObserver, System};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};
use std::collections::HashSet;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// The prefix of every metric.
pub const PREFIX: &str = "moodle_management";
/// The `Content-Type` of [`Engine::render_metrics`]' text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// Distinct values one label (function, site, source) may take before the rest read `other`.
pub const MAX_LABEL_VALUES: usize = 256;
/// What a value refused by a [`LabelGuard`] reads as.
pub const OTHER: &str = "other";

/// The breaker states, as `state` label values.
const BREAKER_STATES: [&str; 3] = ["closed", "open", "half_open"];

/// A breaker state as the `/readyz` body and the metrics say it.
pub fn breaker_word(state: BreakerState) -> &'static str {
    match state {
        BreakerState::Closed => "closed",
        BreakerState::Open { .. } => "open",
        BreakerState::HalfOpen => "half_open",
    }
}

/// Admits at most `cap` distinct label values, each of 1–100 characters of `[A-Za-z0-9_.-]`;
/// anything else reads [`OTHER`], so a label's series stay bounded whatever the input.
#[derive(Debug)]
pub struct LabelGuard {
    cap: usize,
    seen: Mutex<HashSet<String>>,
}

impl LabelGuard {
    pub fn new(cap: usize) -> LabelGuard {
        LabelGuard {
            cap,
            seen: Mutex::default(),
        }
    }

    /// `value` if it is well formed and seen before or there is room, else [`OTHER`].
    pub fn admit(&self, value: &str) -> String {
        let well_formed = (1..=100).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-');
        if !well_formed {
            return OTHER.to_owned();
        }
        let mut seen = self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.contains(value) || (seen.len() < self.cap && seen.insert(value.to_owned())) {
            value.to_owned()
        } else {
            OTHER.to_owned()
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MoodleCall {
    site: String,
    function: String,
    outcome: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MoodleFunction {
    site: String,
    function: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SourceCall {
    source: String,
    function: String,
    outcome: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SourceFunction {
    source: String,
    function: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Outcome {
    outcome: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SourceOutcome {
    source: String,
    outcome: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct InvoicesSeen {
    source: String,
    via: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Status {
    status: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct State {
    state: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SiteState {
    site: String,
    state: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SourceState {
    source: String,
    state: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SourceLabel {
    source: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: String,
}

type FloatGauge = Gauge<f64, AtomicU64>;

/// A histogram constructor for a family (plain `fn`, so the family stays `Clone`).
type Buckets = fn() -> Histogram;

/// Remote calls: 5 ms to ~80 s.
fn call_buckets() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 15))
}

/// Jobs, from due to done: 1 s to a day.
const JOB_BUCKETS: [f64; 14] = [
    1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 21600.0, 86400.0,
];

/// Every metric of the process.
pub struct Metrics {
    registry: Registry,
    functions: LabelGuard,
    peers: LabelGuard,
    moodle_calls: Family<MoodleCall, Counter>,
    moodle_latency: Family<MoodleFunction, Histogram, Buckets>,
    source_calls: Family<SourceCall, Counter>,
    source_latency: Family<SourceFunction, Histogram, Buckets>,
    invoices_seen: Family<InvoicesSeen, Counter>,
    polls: Family<SourceOutcome, Counter>,
    webhooks_in: Family<SourceOutcome, Counter>,
    webhooks_out: Family<Outcome, Counter>,
    job_outcomes: Family<Outcome, Counter>,
    job_latency: Histogram,
    certificates: Family<Outcome, Counter>,
    mails: Family<Outcome, Counter>,
    entitlements: Family<Status, Gauge>,
    jobs: Family<State, Gauge>,
    oldest_due_job: FloatGauge,
    mail_outbox: Family<State, Gauge>,
    poll_lag: Family<SourceLabel, FloatGauge>,
    site_breakers: Family<SiteState, Gauge>,
    source_breakers: Family<SourceState, Gauge>,
    database_ready: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// The process' metrics: every client and engine of the process reports here.
    pub fn global() -> Arc<Metrics> {
        static GLOBAL: OnceLock<Arc<Metrics>> = OnceLock::new();
        GLOBAL.get_or_init(|| Arc::new(Metrics::new())).clone()
    }

    /// A registry of its own (tests; the process uses [`Metrics::global`]).
    pub fn new() -> Metrics {
        let mut r = Registry::with_prefix(PREFIX);
        let m = Metrics {
            registry: Registry::default(),
            functions: LabelGuard::new(MAX_LABEL_VALUES),
            peers: LabelGuard::new(MAX_LABEL_VALUES),
            moodle_calls: Family::default(),
            moodle_latency: Family::new_with_constructor(call_buckets),
            source_calls: Family::default(),
            source_latency: Family::new_with_constructor(call_buckets),
            invoices_seen: Family::default(),
            polls: Family::default(),
            webhooks_in: Family::default(),
            webhooks_out: Family::default(),
            job_outcomes: Family::default(),
            job_latency: Histogram::new(JOB_BUCKETS),
            certificates: Family::default(),
            mails: Family::default(),
            entitlements: Family::default(),
            jobs: Family::default(),
            oldest_due_job: FloatGauge::default(),
            mail_outbox: Family::default(),
            poll_lag: Family::default(),
            site_breakers: Family::default(),
            source_breakers: Family::default(),
            database_ready: Gauge::default(),
        };
        // A gauge rather than OpenMetrics' `info` type, which Prometheus' classic text parser
        // (promtool, older scrapers) refuses. Help texts without their final period: the
        // library adds it.
        let build: Family<BuildLabels, Gauge> = Family::default();
        build
            .get_or_create(&BuildLabels {
                version: env!("CARGO_PKG_VERSION").to_owned(),
            })
            .set(1);
        r.register("build_info", "The running version (always 1)", build);
        r.register(
            "moodle_calls",
            "Moodle web-service requests by site, function and outcome (ok, denied, invalid, maintenance, exception, timeout, network, http, disabled, not_json, circuit_open)",
            m.moodle_calls.clone(),
        );
        r.register_with_unit(
            "moodle_call_duration",
            "Time of a Moodle web-service request, by site and function",
            Unit::Seconds,
            m.moodle_latency.clone(),
        );
        r.register(
            "facturascripts_calls",
            "FacturaScripts api/3 requests by source, resource and outcome (ok, auth, banned, disabled, gate, model, server, transport, circuit_open)",
            m.source_calls.clone(),
        );
        r.register_with_unit(
            "facturascripts_call_duration",
            "Time of a FacturaScripts api/3 request, by source and resource",
            Unit::Seconds,
            m.source_latency.clone(),
        );
        r.register(
            "invoices_seen",
            "Invoices read from a source, by source and how (poll, webhook)",
            m.invoices_seen.clone(),
        );
        r.register("polls", "Polls of a source by outcome (ok, error).", m.polls.clone());
        r.register(
            "webhook_deliveries_received",
            "Webhook deliveries received by source and outcome (accepted, duplicate, refused, invalid, unknown_source, unavailable)",
            m.webhooks_in.clone(),
        );
        r.register(
            "webhook_deliveries_sent",
            "Outbound event delivery attempts by outcome (delivered, retrying, failing, dead)",
            m.webhooks_out.clone(),
        );
        r.register(
            "job_outcomes",
            "Enrolment jobs run by the worker, by outcome (applied, unchanged, retrying, dead, paused)",
            m.job_outcomes.clone(),
        );
        r.register_with_unit(
            "job_latency",
            "Time of an enrolment job from due (queued, or its back-off over) to done",
            Unit::Seconds,
            m.job_latency.clone(),
        );
        r.register(
            "certificates",
            "Certificates by event (issued, revoked)",
            m.certificates.clone(),
        );
        r.register(
            "mails",
            "Certificate mails by outcome (sent, retrying, parked)",
            m.mails.clone(),
        );
        r.register(
            "entitlements",
            "Entitlements by desired status (counted at scrape)",
            m.entitlements.clone(),
        );
        r.register(
            "jobs",
            "Enrolment jobs by state: pending, retrying, dead (counted at scrape)",
            m.jobs.clone(),
        );
        r.register_with_unit(
            "oldest_due_job_age",
            "How long the oldest due enrolment job has waited (0 when none)",
            Unit::Seconds,
            m.oldest_due_job.clone(),
        );
        r.register(
            "mail_outbox",
            "Certificate mails by state: pending, retrying, dead (counted at scrape)",
            m.mail_outbox.clone(),
        );
        r.register_with_unit(
            "poll_lag",
            "Time since a polled source's last successful poll",
            Unit::Seconds,
            m.poll_lag.clone(),
        );
        r.register(
            "site_breaker",
            "Circuit breaker of each Moodle site: 1 for its state (closed, open, half_open), 0 for the others",
            m.site_breakers.clone(),
        );
        r.register(
            "source_breaker",
            "Circuit breaker of each polled source: 1 for its state (closed, open, half_open), 0 for the others",
            m.source_breakers.clone(),
        );
        r.register(
            "database_ready",
            "1 when the database answers and accepts writes, else 0",
            m.database_ready.clone(),
        );
        Metrics { registry: r, ..m }
    }

    /// Invoices a poll or a webhook delivery brought.
    pub(crate) fn invoices_seen(&self, source: &str, via: &'static str, n: usize) {
        let labels = InvoicesSeen {
            source: self.peers.admit(source),
            via: via.to_owned(),
        };
        self.invoices_seen.get_or_create(&labels).inc_by(n as u64);
    }

    pub(crate) fn poll(&self, source: &str, ok: bool) {
        let labels = SourceOutcome {
            source: self.peers.admit(source),
            outcome: if ok { "ok" } else { "error" }.to_owned(),
        };
        self.polls.get_or_create(&labels).inc();
    }

    /// A webhook delivery; the source of an unknown one reads `unknown` (it is the caller's URL).
    pub(crate) fn webhook_received(&self, source: Option<&str>, outcome: &'static str) {
        let labels = SourceOutcome {
            source: source.map_or_else(|| "unknown".to_owned(), |s| self.peers.admit(s)),
            outcome: outcome.to_owned(),
        };
        self.webhooks_in.get_or_create(&labels).inc();
    }

    /// `n` jobs with one outcome.
    pub(crate) fn jobs_finished(&self, outcome: &'static str, n: usize) {
        if n > 0 {
            self.job_outcomes
                .get_or_create(&Outcome {
                    outcome: outcome.to_owned(),
                })
                .inc_by(n as u64);
        }
    }

    /// A job done `seconds` after it was due.
    pub(crate) fn job_latency(&self, seconds: i64) {
        self.job_latency.observe(seconds.max(0) as f64);
    }

    /// One attempt of an outbound event delivery.
    pub(crate) fn webhook_sent(&self, outcome: &'static str) {
        self.webhooks_out
            .get_or_create(&Outcome {
                outcome: outcome.to_owned(),
            })
            .inc();
    }

    pub(crate) fn certificates(&self, event: &'static str, n: usize) {
        if n > 0 {
            self.certificates
                .get_or_create(&Outcome {
                    outcome: event.to_owned(),
                })
                .inc_by(n as u64);
        }
    }

    pub(crate) fn mails(&self, outcome: &'static str, n: usize) {
        if n > 0 {
            self.mails
                .get_or_create(&Outcome {
                    outcome: outcome.to_owned(),
                })
                .inc_by(n as u64);
        }
    }

    /// The text of every metric, OpenMetrics format, ending in `# EOF`.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::error!(error = %e, "encoding the metrics failed");
        }
        out
    }

    fn set_states<L>(family: &Family<L, Gauge>, label: impl Fn(&'static str) -> L, state: BreakerState)
    where
        L: Clone + std::hash::Hash + Eq + EncodeLabelSet + std::fmt::Debug + Send + Sync + 'static,
    {
        let current = breaker_word(state);
        for word in BREAKER_STATES {
            family.get_or_create(&label(word)).set(i64::from(word == current));
        }
    }
}

impl CallObserver for Metrics {
    fn observe(&self, call: &Call<'_>) {
        let (peer, function) = (self.peers.admit(call.peer), self.functions.admit(call.function));
        let seconds = call.elapsed.map(|d: Duration| d.as_secs_f64());
        match call.system {
            System::Moodle => {
                let labels = MoodleCall {
                    site: peer.clone(),
                    function: function.clone(),
                    outcome: call.outcome.to_owned(),
                };
                self.moodle_calls.get_or_create(&labels).inc();
                if let Some(s) = seconds {
                    self.moodle_latency
                        .get_or_create(&MoodleFunction { site: peer, function })
                        .observe(s);
                }
            }
            System::FacturaScripts => {
                let labels = SourceCall {
                    source: peer.clone(),
                    function: function.clone(),
                    outcome: call.outcome.to_owned(),
                };
                self.source_calls.get_or_create(&labels).inc();
                if let Some(s) = seconds {
                    self.source_latency
                        .get_or_create(&SourceFunction { source: peer, function })
                        .observe(s);
                }
            }
        }
    }
}

impl Engine {
    /// The process' metrics as OpenMetrics text ([`CONTENT_TYPE`]), the standings read from the
    /// store now. A count the database cannot give keeps its last value; `database_ready` says
    /// why.
    pub async fn render_metrics(&self) -> String {
        let m = &self.metrics;
        let ready = self.readiness().await == Readiness::Ready;
        m.database_ready.set(i64::from(ready));
        if let Err(e) = self.count_standings(m).await {
            tracing::warn!(error = %e, "metrics: counting from the database failed");
        }
        self.record_breakers(m);
        m.encode()
    }

    /// Each site's and polled source's circuit breaker.
    fn record_breakers(&self, m: &Metrics) {
        // Sites and sources come and go in the admin: only those there now are listed.
        m.site_breakers.clear();
        m.source_breakers.clear();
        for site in self.sites.all() {
            let name = m.peers.admit(&site.name);
            Metrics::set_states(
                &m.site_breakers,
                |state| SiteState {
                    site: name.clone(),
                    state: state.to_owned(),
                },
                site.client.breaker_state(),
            );
        }
        for source in self.pollers() {
            let name = m.peers.admit(source.name());
            Metrics::set_states(
                &m.source_breakers,
                |state| SourceState {
                    source: name.clone(),
                    state: state.to_owned(),
                },
                source.breaker_state(),
            );
        }
    }

    /// Entitlements by status, jobs and mail by state, the oldest due job, each polled
    /// source's lag: a few grouped counts.
    async fn count_standings(&self, m: &Metrics) -> Result<(), mm_store::StoreError> {
        let now = self.now();
        let rollup = self.store.entitlement_rollup(None, 0).await?;
        // A status no entitlement has any more reads nothing, not its last count.
        m.entitlements.clear();
        for s in &rollup.status_counts {
            m.entitlements
                .get_or_create(&Status {
                    status: s.status.clone(),
                })
                .set(s.count);
        }
        let jobs = self.store.job_standing(None).await?;
        let mail = self.store.mail_standing().await?;
        for (family, standing) in [(&m.jobs, jobs), (&m.mail_outbox, mail)] {
            for (state, n) in [
                ("pending", standing.pending),
                ("retrying", standing.retrying),
                ("dead", standing.dead),
            ] {
                family
                    .get_or_create(&State {
                        state: state.to_owned(),
                    })
                    .set(n);
            }
        }
        let oldest = self.store.oldest_due_job(now).await?;
        m.oldest_due_job
            .set(oldest.map_or(0.0, |due| (now.0 - due.0).max(0) as f64));
        let polled: Vec<String> = self.pollers().iter().map(|s| s.name().to_owned()).collect();
        // A source removed in the admin leaves the list.
        m.poll_lag.clear();
        for activity in self.store.source_activity(now).await? {
            if let (true, Some(last)) = (polled.contains(&activity.source), activity.last_poll) {
                m.poll_lag
                    .get_or_create(&SourceLabel {
                        source: m.peers.admit(&activity.source),
                    })
                    .set((now.0 - last.0).max(0) as f64);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_takes_at_most_its_cap_of_values_then_reads_other() {
        let guard = LabelGuard::new(3);
        for v in ["a", "b", "c"] {
            assert_eq!(guard.admit(v), v);
        }
        assert_eq!(guard.admit("d"), OTHER, "beyond the cap");
        assert_eq!(guard.admit("b"), "b", "a value seen before stays itself");
    }

    #[test]
    fn a_malformed_label_value_reads_other() {
        let guard = LabelGuard::new(10);
        for bad in ["", "has space", "quote\"", "new\nline", "ñ", &"x".repeat(101)] {
            assert_eq!(guard.admit(bad), OTHER, "{bad:?}");
        }
        assert_eq!(
            guard.admit("core_webservice_get_site_info"),
            "core_webservice_get_site_info"
        );
        assert_eq!(guard.admit("lms-1.example"), "lms-1.example");
    }

    /// A thousand distinct functions (say, a diagnostic `call_raw` loop) make at most the cap
    /// of series, never one per value.
    #[test]
    fn many_functions_make_a_bounded_number_of_series() {
        let m = Metrics::new();
        for i in 0..1000 {
            m.observe(&Call {
                system: System::Moodle,
                peer: "main",
                function: &format!("f_{i}"),
                outcome: "ok",
                elapsed: Some(Duration::from_millis(3)),
            });
        }
        let text = m.encode();
        let series = text
            .lines()
            .filter(|l| l.starts_with("moodle_management_moodle_calls_total{"))
            .count();
        assert_eq!(series, MAX_LABEL_VALUES + 1, "the cap plus `other`");
        assert!(
            text.contains(r#"moodle_management_moodle_calls_total{site="main",function="other",outcome="ok"} 744"#),
            "{}",
            text.lines().find(|l| l.contains("other")).unwrap_or_default()
        );
    }

    #[test]
    fn a_refused_call_is_counted_without_a_duration() {
        let m = Metrics::new();
        let call = |outcome, elapsed| Call {
            system: System::FacturaScripts,
            peer: "erp",
            function: "facturaclientes",
            outcome,
            elapsed,
        };
        m.observe(&call("ok", Some(Duration::from_millis(20))));
        m.observe(&call("circuit_open", None));
        let text = m.encode();
        assert!(
            text.contains(r#"moodle_management_facturascripts_calls_total{source="erp",function="facturaclientes",outcome="circuit_open"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"moodle_management_facturascripts_call_duration_seconds_count{source="erp",function="facturaclientes"} 1"#),
            "{text}"
        );
    }

    #[test]
    fn build_info_and_the_end_marker_are_written() {
        let text = Metrics::new().encode();
        let version = env!("CARGO_PKG_VERSION");
        assert!(
            text.contains(&format!(r#"moodle_management_build_info{{version="{version}"}} 1"#)),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"), "{text}");
    }

    /// Every family, with one series each.
    fn populated() -> Metrics {
        let m = Metrics::new();
        for system in [System::Moodle, System::FacturaScripts] {
            m.observe(&Call {
                system,
                peer: "p",
                function: "f",
                outcome: "ok",
                elapsed: Some(Duration::from_millis(1)),
            });
        }
        m.invoices_seen("erp", "poll", 1);
        m.poll("erp", true);
        m.webhook_received(Some("shop"), "accepted");
        m.webhook_sent("delivered");
        m.jobs_finished("applied", 1);
        m.job_latency(3);
        m.certificates("issued", 1);
        m.mails("sent", 1);
        m.entitlements
            .get_or_create(&Status {
                status: "active".into(),
            })
            .set(1);
        for family in [&m.jobs, &m.mail_outbox] {
            family.get_or_create(&State { state: "dead".into() }).set(0);
        }
        m.oldest_due_job.set(1.0);
        m.poll_lag.get_or_create(&SourceLabel { source: "erp".into() }).set(1.0);
        Metrics::set_states(
            &m.site_breakers,
            |state| SiteState {
                site: "main".into(),
                state: state.into(),
            },
            BreakerState::Closed,
        );
        Metrics::set_states(
            &m.source_breakers,
            |state| SourceState {
                source: "erp".into(),
                state: state.into(),
            },
            BreakerState::HalfOpen,
        );
        m.database_ready.set(1);
        m
    }

    /// The Grafana dashboard and the alert rules in `docs/` query only metrics this module
    /// writes (a renamed metric would leave a panel empty and an alert silent).
    #[test]
    fn the_docs_name_only_metrics_that_exist() {
        let text = populated().encode();
        let written: HashSet<&str> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split(['{', ' ']).next())
            .collect();
        let docs = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/");
        for file in ["grafana-dashboard.json", "prometheus-alerts.yml"] {
            let doc = std::fs::read_to_string(format!("{docs}{file}")).unwrap_or_else(|e| panic!("{file}: {e}"));
            if file.ends_with(".json") {
                serde_json::from_str::<serde_json::Value>(&doc).unwrap_or_else(|e| panic!("{file}: {e}"));
            }
            let named: Vec<&str> = doc
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| w.starts_with("moodle_management_"))
                .collect();
            assert!(named.len() >= 5, "{file} names metrics: {named:?}");
            for name in named {
                assert!(written.contains(name), "{file} queries {name}, which is not written");
            }
        }
    }
}
