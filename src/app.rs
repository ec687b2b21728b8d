//! The service assembled: store, Moodle sites, invoice sources, worker and web server.

use crate::config::Config;
use crate::reconcile::{Recompute, recompute};
use crate::sites::{REQUIRED_FUNCTIONS, Site, Sites};
use crate::sources::{PollSummary, Source};
use crate::worker::{RoundOutcome, Worker};
use anyhow::Context;
use mm_core::Timestamp;
use mm_store::{Store, StoreError};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

pub fn now() -> Timestamp {
    Timestamp(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0),
    )
}

/// The result of one full pass (`reconcile --once`).
#[derive(Debug, Default, Clone)]
pub struct PassReport {
    pub polled: Vec<(String, Result<PollSummary, String>)>,
    pub before: Recompute,
    pub worker: RoundOutcome,
    pub after: Recompute,
    /// Jobs parked with an error or still backing off, with their error.
    pub failing: Vec<String>,
    pub holds: Vec<String>,
}

impl PassReport {
    pub fn converged(&self) -> bool {
        self.after.converged() && self.polled.iter().all(|(_, r)| r.is_ok())
    }
}

pub struct App {
    pub config: Config,
    pub store: Store,
    pub sites: Sites,
    /// The pollers (sources that are only pushed to have none).
    pub sources: Vec<Source>,
    /// `/webhooks/{source}` endpoints by source name.
    pub webhooks: std::collections::HashMap<String, crate::webhooks::Endpoint>,
    pub worker_id: String,
    /// Wakes the worker when new jobs were queued.
    pub wake: Notify,
    /// Asks for a recompute of the desired state (webhooks coalesce into one).
    pub recompute_needed: Notify,
    /// Per poller: poll now instead of waiting for the interval (a webhook hint).
    pub poll_now: Vec<Notify>,
    /// Whether the database accepts writes, as the loops last found out (for `/readyz`).
    pub db_health: DbHealth,
}

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

impl App {
    /// Connects the database (migrating it), loads the mappings of the configuration and
    /// builds the clients. Nothing is called remotely yet.
    pub async fn build(config: Config) -> anyhow::Result<Arc<App>> {
        let sites = config
            .moodle
            .iter()
            .map(Site::new)
            .collect::<Result<Vec<_>, _>>()
            .context("Moodle site")?;
        Self::build_with_sites(config, Sites::new(sites)).await
    }

    pub async fn build_with_sites(config: Config, sites: Sites) -> anyhow::Result<Arc<App>> {
        let mut sources = Vec::new();
        for cfg in &config.sources {
            sources.extend(Source::from_config(cfg)?);
        }
        Self::build_with_parts(config, sites, sources).await
    }

    /// As [`App::build_with_sites`], with the pollers built by the caller (fault tests give
    /// their circuit breakers a scaled clock).
    pub async fn build_with_parts(config: Config, sites: Sites, sources: Vec<Source>) -> anyhow::Result<Arc<App>> {
        let sqlite_dir = config
            .database_url
            .strip_prefix("sqlite://")
            .and_then(|p| std::path::Path::new(p).parent());
        if let Some(dir) = sqlite_dir.filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating the database folder {}", dir.display()))?;
        }
        let store = Store::connect(&config.database_url).await?;
        store.migrate().await?;
        store.replace_config_mappings(&config.mappings).await?;
        let webhooks = crate::webhooks::endpoints(&config, &sources)?;
        let poll_now = sources.iter().map(|_| Notify::new()).collect();
        // Unique per App, even for two replicas in one process (tests) or on one host.
        let worker_id = format!(
            "{}-{}-{:06x}",
            hostname(),
            std::process::id(),
            rand::random::<u32>() & 0xff_ffff
        );
        let app = Arc::new(App {
            config,
            store,
            sites,
            sources,
            webhooks,
            worker_id,
            wake: Notify::new(),
            recompute_needed: Notify::new(),
            poll_now,
            db_health: DbHealth::default(),
        });
        crate::webhooks::apply_pending(&app).await?;
        Ok(app)
    }

    /// Asks every site which functions its token may call; reports what is missing and how
    /// to fix it, before the first sale needs it.
    pub async fn check_sites(&self) -> Vec<(String, Result<String, String>)> {
        let mut out = Vec::new();
        for site in self.sites.iter() {
            let r = match site.client.check_functions(REQUIRED_FUNCTIONS).await {
                Ok(info) => Ok(format!("{} ({})", info.sitename, info.release.unwrap_or_default())),
                Err(e) => Err(match e.fix_hint() {
                    Some(h) => format!("{e} — fix: {h}"),
                    None => e.to_string(),
                }),
            };
            out.push((site.name.clone(), r));
        }
        out
    }

    pub async fn poll_all(&self) -> Vec<(String, Result<PollSummary, String>)> {
        let mut out = Vec::new();
        for s in &self.sources {
            let r = s.poll(&self.store, now()).await.map_err(|e| e.to_string());
            if let Err(e) = &r {
                tracing::warn!(source = s.name(), error = %e, "poll failed");
            }
            out.push((s.name().to_string(), r));
        }
        out
    }

    /// Runs worker rounds until nothing is due.
    pub async fn drain(&self) -> anyhow::Result<RoundOutcome> {
        let worker = Worker {
            store: &self.store,
            sites: &self.sites,
            config: &self.config.worker,
            id: self.worker_id.clone(),
        };
        let mut total = RoundOutcome::default();
        loop {
            let r = worker.run_round(now()).await?;
            total.claimed += r.claimed;
            total.applied += r.applied;
            total.unchanged += r.unchanged;
            total.retrying += r.retrying;
            total.dead += r.dead;
            if r.claimed == 0 {
                return Ok(total);
            }
        }
    }

    /// One full pass: poll every source, compute the desired state, converge Moodle.
    pub async fn reconcile_once(&self) -> anyhow::Result<PassReport> {
        let polled = self.poll_all().await;
        let before = recompute(&self.store, now()).await?;
        let worker = self.drain().await?;
        let after = recompute(&self.store, now()).await?;
        let failing = self
            .store
            .failing_jobs()
            .await?
            .into_iter()
            .map(|j| format!("{}: {}", j.key, j.error))
            .collect();
        let holds = self
            .store
            .holds()
            .await?
            .into_iter()
            .filter(|h| h.is_error)
            .map(|h| h.message)
            .collect();
        Ok(PassReport {
            polled,
            before,
            worker,
            after,
            failing,
            holds,
        })
    }

    /// The service: a poller per source, the worker, the web server; until `shutdown`.
    pub async fn run(self: Arc<Self>, shutdown: CancellationToken) -> anyhow::Result<()> {
        for (site, r) in self.check_sites().await {
            match r {
                Ok(info) => tracing::info!(site, info, "Moodle site ready"),
                Err(e) => tracing::error!(site, error = %e, "Moodle site not usable yet"),
            }
        }
        let listener = tokio::net::TcpListener::bind(self.config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", self.config.listen))?;
        tracing::info!("web server on http://{}", listener.local_addr()?);
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..self.sources.len() {
            tasks.spawn(poll_loop(self.clone(), i, shutdown.clone()));
        }
        tasks.spawn(worker_loop(self.clone(), shutdown.clone()));
        tasks.spawn(recompute_loop(self.clone(), shutdown.clone()));
        if !self.config.drift.interval.is_zero() {
            tasks.spawn(drift_loop(self.clone(), shutdown.clone()));
        }
        let router = crate::web::router(self.clone());
        let web_shutdown = shutdown.clone();
        tasks.spawn(async move {
            if let Err(e) = axum::serve(listener, router)
                .with_graceful_shutdown(web_shutdown.cancelled_owned())
                .await
            {
                tracing::error!(error = %e, "web server stopped");
            }
        });
        while tasks.join_next().await.is_some() {}
        let released = self.store.release_jobs(&self.worker_id, now()).await.unwrap_or(0);
        tracing::info!(released, "stopped");
        self.store.close().await;
        Ok(())
    }
}

async fn poll_loop(app: Arc<App>, index: usize, shutdown: CancellationToken) {
    let source = &app.sources[index];
    let mut first = true;
    loop {
        match source.poll(&app.store, now()).await {
            Ok(s) => {
                app.db_health.write_succeeded();
                tracing::debug!(
                    source = source.name(),
                    changed = s.changed,
                    deleted = s.deleted,
                    requests = s.requests,
                    "polled"
                );
                if s.changed + s.deleted > 0 || first {
                    first = false;
                    match recompute(&app.store, now()).await {
                        Ok(r) if r.planned > 0 => app.wake.notify_one(),
                        Ok(_) => {}
                        Err(e) => {
                            // Try again at the next tick even if nothing changes by then.
                            first = true;
                            app.db_health.write_failed(&e);
                            tracing::error!(error = %e, "computing the desired state failed");
                        }
                    }
                }
            }
            Err(e) => {
                if let crate::sources::SourceError::Store(e) = &e {
                    app.db_health.write_failed(e);
                }
                tracing::warn!(source = source.name(), error = %e, "poll failed")
            }
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(source.interval()) => {}
            _ = app.poll_now[index].notified() => {}
        }
    }
}

/// Sweeps for drift every `drift.interval` (the first one after one interval).
async fn drift_loop(app: Arc<App>, shutdown: CancellationToken) {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(app.config.drift.interval) => {}
        }
        match crate::drift::sweep(&app).await {
            Ok(r) => tracing::info!(
                courses = r.courses,
                calls = r.moodle_calls,
                repaired = r.repaired.len(),
                unexpected = r.unexpected.len(),
                errors = r.errors.len(),
                "drift sweep"
            ),
            Err(e) => tracing::error!(error = %e, "drift sweep failed"),
        }
    }
}

/// Recomputes the desired state when asked (webhooks), coalescing bursts into one pass.
async fn recompute_loop(app: Arc<App>, shutdown: CancellationToken) {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = app.recompute_needed.notified() => {}
        }
        match recompute(&app.store, now()).await {
            Ok(r) if r.planned > 0 => app.wake.notify_one(),
            Ok(_) => {}
            Err(e) => {
                app.db_health.write_failed(&e);
                tracing::error!(error = %e, "computing the desired state failed; retrying in 1 s");
                tokio::time::sleep(Duration::from_secs(1)).await;
                app.recompute_needed.notify_one();
            }
        }
    }
}

async fn worker_loop(app: Arc<App>, shutdown: CancellationToken) {
    let worker = Worker {
        store: &app.store,
        sites: &app.sites,
        config: &app.config.worker,
        id: app.worker_id.clone(),
    };
    let lease = i64::try_from(app.config.worker.lease.as_secs()).unwrap_or(120);
    let mut last_sweep = std::time::Instant::now();
    // A round that fails on the database (connection lost, disk full) leaves the jobs it had
    // claimed `running` under this worker's lease, and nobody looks at them again before the
    // lease expires (2 minutes by default), even once the database is back. Between rounds
    // nothing of this worker is in flight, so they are handed back as soon as it answers.
    let mut orphans = false;
    loop {
        if orphans {
            match app.store.release_jobs(&app.worker_id, now()).await {
                Ok(released) => {
                    orphans = false;
                    if released > 0 {
                        tracing::info!(released, "jobs of the failed round handed back to the queue");
                    }
                }
                Err(e) => tracing::debug!(error = %e, "cannot hand back the failed round's jobs yet"),
            }
        }
        // Requeue whatever the plan says differs, now and then, so nothing missed stays missed.
        if last_sweep.elapsed() > Duration::from_secs(60) {
            last_sweep = std::time::Instant::now();
            if let Err(e) = recompute(&app.store, now()).await {
                app.db_health.write_failed(&e);
                tracing::error!(error = %e, "periodic recompute failed");
            }
        }
        let round = tokio::select! {
            // A round in flight finishes; its jobs are released after the loop.
            r = worker.run_round(now()) => r,
            _ = heartbeat(&app, lease) => continue,
        };
        match round {
            Ok(r) if r.claimed > 0 => {
                app.db_health.write_succeeded();
                tracing::info!(
                    applied = r.applied,
                    unchanged = r.unchanged,
                    retrying = r.retrying,
                    dead = r.dead,
                    "worker round"
                );
                if shutdown.is_cancelled() {
                    return;
                }
                continue;
            }
            Ok(_) => {}
            Err(e) => {
                app.db_health.write_failed(&e);
                tracing::error!(error = %e, "worker round failed");
                orphans = true;
            }
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = app.wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

/// Extends this worker's leases while a round runs; never finishes on its own.
async fn heartbeat(app: &App, lease: i64) {
    loop {
        tokio::time::sleep(Duration::from_secs((lease / 3).max(1) as u64)).await;
        if let Err(e) = app.store.heartbeat(&app.worker_id, lease, now()).await {
            tracing::warn!(error = %e, "lease heartbeat failed");
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".into())
}
