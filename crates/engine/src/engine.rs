//! The engine: the application services that the loops, the CLI, the web UI and the API all
//! call. It owns the store, the Moodle sites, the invoice sources and the signals between the
//! loops; each operation is one method here over the narrow context it needs.

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::drift::{self, DriftReport};
use crate::health::{DbHealth, Readiness};
use crate::ingest::poll::{PollSummary, Source};
use crate::ingest::webhook::Endpoints;
use crate::jobs::JobsOverview;
use crate::pass::{PassReport, SourcePoll};
use crate::recompute::{self, Preview, Recompute};
use crate::signals::Signals;
use crate::site::{Site, Sites};
use crate::worker::{RoundOutcome, Worker};
use anyhow::Context;
use mm_core::Timestamp;
use mm_store::{AuditRecord, EntitlementRow, HoldRow, Store, StoreError};
use std::sync::Arc;

pub struct Engine {
    pub(crate) config: Config,
    pub(crate) store: Store,
    pub(crate) sites: Sites,
    /// The pollers of the configured sources (sources that are only pushed to have none).
    pub(crate) sources: Vec<Arc<Source>>,
    /// The sites, pollers and webhook endpoints added in the admin, as last loaded.
    pub(crate) connections: crate::connections::Connections,
    /// `/webhooks/{source}` endpoints by source name.
    pub(crate) webhooks: Endpoints,
    pub(crate) worker_id: String,
    pub(crate) signals: Signals,
    pub(crate) db_health: DbHealth,
    pub(crate) clock: Arc<dyn Clock>,
    /// The renderer, mailer and signing keys of certificates.
    pub(crate) certs: crate::certificates::Services,
    /// Failed sign-ins per account and address.
    pub(crate) throttle: crate::admin::LoginThrottle,
    /// The process' metrics (`/metrics`).
    pub(crate) metrics: Arc<crate::metrics::Metrics>,
}

/// What an engine is built from; [`Engine::build`] makes the sites and sources from the
/// configuration, tests and benchmarks give their own (a scaled clock, fault-injecting
/// clients).
pub struct EngineParts {
    pub config: Config,
    pub sites: Sites,
    pub sources: Vec<Source>,
    pub clock: Arc<dyn Clock>,
}

pub use crate::site_check::SiteCheck;

impl Engine {
    /// Connects the database (migrating it), loads the mappings of the configuration and
    /// builds the clients. Nothing is called remotely yet.
    pub async fn build(config: Config) -> anyhow::Result<Arc<Engine>> {
        let sites = sites_of(&config)?;
        Self::build_with_sites(config, sites).await
    }

    pub async fn build_with_sites(config: Config, sites: Sites) -> anyhow::Result<Arc<Engine>> {
        let sources = sources_of(&config)?;
        Self::build_with_parts(config, sites, sources).await
    }

    /// As [`Engine::build_with_sites`], with the pollers built by the caller (fault tests give
    /// their circuit breakers a scaled clock).
    pub async fn build_with_parts(config: Config, sites: Sites, sources: Vec<Source>) -> anyhow::Result<Arc<Engine>> {
        let clock = Arc::new(SystemClock);
        Self::build_from(EngineParts {
            config,
            sites,
            sources,
            clock,
        })
        .await
    }

    pub async fn build_from(parts: EngineParts) -> anyhow::Result<Arc<Engine>> {
        let engine = Self::assemble(parts).await?;
        engine.store.replace_config_mappings(&engine.config.mappings).await?;
        engine.refresh_connections().await?;
        engine.sync_config_subscribers().await?;
        engine.apply_pending_deliveries().await?;
        Ok(engine)
    }

    /// As [`Engine::build`], for a dry run (`plan`): the configuration's mappings are not
    /// written to the store nor stored webhook deliveries applied, so the store stays as it
    /// was (only its schema is brought up to date). Such an engine must not run the loops.
    pub async fn build_dry_run(config: Config) -> anyhow::Result<Arc<Engine>> {
        let (sites, sources) = (sites_of(&config)?, sources_of(&config)?);
        Self::assemble(EngineParts {
            config,
            sites,
            sources,
            clock: Arc::new(SystemClock),
        })
        .await
    }

    async fn assemble(parts: EngineParts) -> anyhow::Result<Arc<Engine>> {
        let EngineParts {
            config,
            sites,
            sources,
            clock,
        } = parts;
        let store = open_store(&config.database_url).await?;
        let webhooks = Endpoints::from_config(&config)?;
        let signals = Signals::new(sources.iter().map(|s| s.name().to_string()));
        let certs = crate::certificates::Services::new(&config)?;
        let engine = Arc::new(Engine {
            config,
            store,
            sites,
            sources: sources.into_iter().map(Arc::new).collect(),
            webhooks,
            worker_id: worker_id(),
            signals,
            connections: Default::default(),
            db_health: DbHealth::default(),
            clock,
            certs,
            throttle: Default::default(),
            metrics: crate::metrics::Metrics::global(),
        });
        Ok(engine)
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn sites(&self) -> &Sites {
        &self.sites
    }

    /// The pollers of the configured sources.
    pub fn sources(&self) -> &[Arc<Source>] {
        &self.sources
    }

    /// Every poller: the configured sources' and those added in the admin.
    pub fn pollers(&self) -> Vec<Arc<Source>> {
        let mut all = self.sources.clone();
        all.extend(self.stored_pollers().into_values());
        all
    }

    pub fn worker_id(&self) -> &str {
        &self.worker_id
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The worker over this engine's store and sites.
    pub fn worker(&self) -> Worker<'_> {
        Worker {
            store: &self.store,
            sites: &self.sites,
            config: &self.config.worker,
            id: self.worker_id.clone(),
            metrics: &self.metrics,
        }
    }

    /// Asks every site which functions its token may call and probes what its user may do;
    /// reports what is missing and how to fix it, before the first sale needs it.
    pub async fn check_sites(&self) -> Vec<SiteCheck> {
        let mappings = self.mappings_in_force().await;
        let mut out = Vec::new();
        for site in &self.sites.all() {
            out.push(crate::site_check::check(site, &mappings, self.config.progress.enabled()).await);
        }
        out
    }

    /// One site's start check; a paused site is checked again with it (`crate::pause`).
    pub async fn check_site(&self, site: &Site) -> SiteCheck {
        crate::site_check::check(site, &self.mappings_in_force().await, self.config.progress.enabled()).await
    }

    /// The mappings in force: the configuration's and those added through the API.
    async fn mappings_in_force(&self) -> Vec<mm_core::Mapping> {
        match self.store.mappings().await {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(error = %e, "reading the mappings for the start check failed; using the configuration's");
                self.config.mappings.clone()
            }
        }
    }

    /// Polls every source once.
    pub async fn poll_all(&self) -> Vec<SourcePoll> {
        let mut out = Vec::new();
        for s in &self.pollers() {
            let result = self.poll(s).await.map_err(|e| e.to_string());
            if let Err(e) = &result {
                tracing::warn!(source = s.name(), error = %e, "poll failed");
            }
            out.push(SourcePoll {
                source: s.name().to_string(),
                result,
            });
        }
        out
    }

    pub(crate) async fn poll(&self, source: &Source) -> Result<PollSummary, crate::ingest::poll::SourceError> {
        let result = source.poll(&self.store, self.now()).await;
        self.metrics.poll(source.name(), result.is_ok());
        if let Ok(summary) = &result {
            self.metrics.invoices_seen(source.name(), "poll", summary.seen);
        }
        result
    }

    /// Computes the desired state from every stored invoice and queues the keys that differ;
    /// wakes the worker when it queued any.
    pub async fn recompute(&self) -> Result<Recompute, StoreError> {
        let r = recompute::recompute(&self.store, self.now()).await;
        match &r {
            Ok(r) if r.planned > 0 => self.signals.jobs_queued(),
            Ok(_) => {}
            Err(e) => self.db_health.write_failed(e),
        }
        r
    }

    /// Asks the recompute loop for a pass (coalesced with others).
    pub fn request_recompute(&self) {
        self.signals.recompute();
    }

    /// Runs worker rounds until nothing is due.
    pub async fn drain(&self) -> Result<RoundOutcome, StoreError> {
        let worker = self.worker();
        let mut total = RoundOutcome::default();
        loop {
            let r = worker.run_round(self.now()).await?;
            total.add(&r);
            if r.claimed == 0 {
                return Ok(total);
            }
        }
    }

    /// One full pass: poll every source, compute the desired state, converge Moodle.
    pub async fn reconcile_once(&self) -> anyhow::Result<PassReport> {
        self.pass(None).await
    }

    /// A full pass after a drift sweep (`reconcile --once --sweep`): a course the sweep could
    /// not read leaves the pass not converged, whatever the rest found.
    pub async fn reconcile_once_with_sweep(&self) -> anyhow::Result<PassReport> {
        let drift = self.sweep_drift().await?;
        self.pass(Some(drift)).await
    }

    async fn pass(&self, drift: Option<DriftReport>) -> anyhow::Result<PassReport> {
        // A paused site that answers again runs its jobs in this pass.
        self.check_paused_sites().await?;
        let polled = self.poll_all().await;
        let before = self.recompute().await?;
        let worker = self.drain().await?;
        let after = self.recompute().await?;
        let paused = self.store.paused_sites().await?;
        // A paused site's jobs are reported once, with the pause.
        let failing = self
            .store
            .failing_jobs()
            .await?
            .into_iter()
            .filter(|j| !paused.iter().any(|p| p.pause.site == j.key.site))
            .map(|j| format!("{}: {}", j.key, j.error))
            .collect();
        let paused = paused
            .iter()
            .map(|p| crate::pause::describe_paused(p, self.config.worker.paused_site_check))
            .collect();
        let holds = self
            .store
            .holds()
            .await?
            .into_iter()
            .filter(|h| h.is_error)
            .map(|h| h.message)
            .collect();
        let progress = if self.config.progress.enabled() {
            Some(self.sync_progress().await?)
        } else {
            None
        };
        // Completions just read are certified, revocations follow the access, mail goes out.
        let certificates = if self.config.certificates.enabled {
            Some(self.reconcile_certificates().await?)
        } else {
            None
        };
        let mail = self.drain_outbox().await?;
        // The events of everything above go out (or back off) before the pass ends.
        let events = self.drain_events().await?;
        Ok(PassReport {
            drift,
            polled,
            before,
            worker,
            after,
            failing,
            paused,
            holds,
            progress,
            certificates,
            mail,
            events,
        })
    }

    /// What a pass would change in Moodle, with the reason for each change; changes nothing.
    pub async fn preview(&self) -> Result<Preview, StoreError> {
        recompute::preview(&self.store, self.now()).await
    }

    /// `plan`: reads every source (when `poll`) without recording what it read — the stored
    /// invoices and poll cursors stay as they were, so the next pass reads the same invoices —
    /// and previews the pass as if it had. Returns each source's read (its error, if any)
    /// and the preview.
    pub async fn plan(&self, poll: bool) -> Result<(Vec<SourcePoll>, Preview), StoreError> {
        let now = self.now();
        let mut polled = Vec::new();
        let mut reads = Vec::new();
        for s in self.pollers().iter().filter(|_| poll) {
            let result = match s.read(&self.store, now).await {
                Ok(read) => {
                    let summary = PollSummary {
                        seen: read.snapshots.len(),
                        deleted: read.deleted.len(),
                        requests: read.requests,
                        ..PollSummary::default()
                    };
                    reads.push((s.name().to_string(), read));
                    Ok(summary)
                }
                Err(e) => Err(e.to_string()),
            };
            polled.push(SourcePoll {
                source: s.name().to_string(),
                result,
            });
        }
        // As if the configuration's mappings were loaded: a dry-run engine has not written them.
        let mappings = self.store.mappings_with_config(&self.config.mappings).await?;
        let preview = recompute::preview_with(&self.store, now, &reads, &mappings).await?;
        Ok((polled, preview))
    }

    /// Reads every mapped course's real enrolments and queues again what differs.
    pub async fn sweep_drift(&self) -> anyhow::Result<DriftReport> {
        let report = drift::sweep(&self.store, &self.sites, &self.config.drift, self.now()).await?;
        if report.queued > 0 {
            self.signals.jobs_queued();
        }
        Ok(report)
    }

    /// A drift sweep an operator asked for, noted in the operator's audit log.
    pub async fn sweep_drift_as(&self, actor: &crate::admin::Actor) -> anyhow::Result<DriftReport> {
        let report = self.sweep_drift().await;
        let detail = match &report {
            Ok(r) => format!(
                "{} repaired, {} unexpected, {} errors",
                r.repaired.len(),
                r.unexpected.len(),
                r.errors.len()
            ),
            Err(e) => e.to_string(),
        };
        self.record_action(
            actor,
            "drift.sweep",
            "every mapped course",
            Some(detail),
            report.is_ok(),
        )
        .await;
        report
    }

    pub async fn jobs(&self) -> Result<JobsOverview, StoreError> {
        crate::jobs::overview(&self.store).await
    }

    /// Every entitlement with its causes, what Moodle holds and its job.
    pub async fn enrolments(&self) -> Result<Vec<EntitlementRow>, StoreError> {
        self.store.entitlement_rows().await
    }

    /// Invoice lines held for an admin, or ignored, with the reason.
    pub async fn holds(&self) -> Result<Vec<HoldRow>, StoreError> {
        self.store.holds().await
    }

    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditRecord>, StoreError> {
        self.store.audit_log(limit).await
    }

    /// Moodle changes whose learner, course, site or action contains `search`, newest first.
    pub async fn audit_search(&self, search: Option<&str>, limit: i64) -> Result<Vec<AuditRecord>, StoreError> {
        self.store.search_audit_log(search, limit).await
    }

    /// A page of the Moodle changes older than the entry `before` (the log's next page).
    pub async fn audit_search_before(
        &self,
        search: Option<&str>,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        self.store.search_audit_log_before(search, before, limit).await
    }

    pub async fn readiness(&self) -> Readiness {
        match self.store.ping().await {
            Ok(()) => match self.db_health.refusal() {
                None => Readiness::Ready,
                Some(reason) => Readiness::NotWritable(reason),
            },
            Err(e) => {
                tracing::warn!(error = %e, "readiness check failed");
                Readiness::Unreachable
            }
        }
    }

    /// Hands this worker's claimed jobs back and closes the store (at shutdown).
    pub async fn stop(&self) {
        let released = self.store.release_jobs(&self.worker_id, self.now()).await.unwrap_or(0);
        tracing::info!(released, "stopped");
        self.store.close().await;
    }
}

/// The clients of the configured Moodle sites.
fn sites_of(config: &Config) -> anyhow::Result<Sites> {
    let sites = config
        .moodle
        .iter()
        .map(Site::new)
        .collect::<Result<Vec<_>, _>>()
        .context("Moodle site")?;
    Ok(Sites::new(sites))
}

/// The pollers of the configured sources (webhook sources have none).
fn sources_of(config: &Config) -> anyhow::Result<Vec<Source>> {
    let mut sources = Vec::new();
    for cfg in &config.sources {
        sources.extend(Source::from_config(cfg)?);
    }
    Ok(sources)
}

/// Connects the database named by `url` and migrates it, creating an SQLite file's folder.
pub async fn open_store(url: &str) -> anyhow::Result<Store> {
    let sqlite_dir = url
        .strip_prefix("sqlite://")
        .and_then(|p| std::path::Path::new(p).parent());
    if let Some(dir) = sqlite_dir.filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating the database folder {}", dir.display()))?;
    }
    let store = Store::connect(url).await?;
    store.migrate().await?;
    Ok(store)
}

/// Unique per engine, even for two replicas in one process (tests) or on one host.
fn worker_id() -> String {
    format!(
        "{}-{}-{:06x}",
        hostname(),
        std::process::id(),
        rand::random::<u32>() & 0xff_ffff
    )
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".into())
}
