//! The engine's loops: a poller per source, the worker, the recompute on request, the drift
//! sweep. The web server is added beside them by the edge that serves (`mm-web`).

use crate::engine::Engine;
use crate::ingest::poll::{Source, SourceError};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// Spawns every loop of the service into `tasks`; each ends when `shutdown` is cancelled.
pub fn spawn_loops(engine: &Arc<Engine>, tasks: &mut JoinSet<()>, shutdown: &CancellationToken) {
    for source in &engine.sources {
        tasks.spawn(poll_loop(engine.clone(), source.clone(), shutdown.clone()));
    }
    tasks.spawn(connections_loop(engine.clone(), shutdown.clone()));
    tasks.spawn(worker_loop(engine.clone(), shutdown.clone()));
    tasks.spawn(recompute_loop(engine.clone(), shutdown.clone()));
    tasks.spawn(paused_sites_loop(engine.clone(), shutdown.clone()));
    if engine.config.progress.enabled() {
        tasks.spawn(progress_loop(engine.clone(), shutdown.clone()));
    }
    if !engine.config.drift.interval.is_zero() {
        tasks.spawn(drift_loop(engine.clone(), shutdown.clone()));
    }
    if engine.config.certificates.enabled {
        tasks.spawn(certificates_loop(engine.clone(), shutdown.clone()));
    }
    if engine.certs.mailer.is_some() {
        tasks.spawn(outbox_loop(engine.clone(), shutdown.clone()));
    }
    tasks.spawn(events_loop(engine.clone(), shutdown.clone()));
}

/// Sends outbound events when some were stored, and every 5 s for retries that came due (and
/// events another replica or a transaction of the worker stored).
async fn events_loop(engine: Arc<Engine>, shutdown: CancellationToken) {
    loop {
        match engine.run_event_round().await {
            Ok(r) if r.delivered > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::error!(error = %format!("{e:#}"), "the outbound events round failed"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = engine.signals.events_queued.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
        }
    }
}

/// Issues, revokes and renders certificates when progress sync stored completions, and every
/// minute anyway (a credit note revokes within a minute; a crash's leftovers are picked up).
async fn certificates_loop(engine: Arc<Engine>, shutdown: CancellationToken) {
    loop {
        match engine.reconcile_certificates().await {
            Ok(pass) if pass.issued.is_empty() && pass.revoked.is_empty() && pass.errors.is_empty() => {}
            Ok(pass) => tracing::info!(summary = pass.describe(), "certificates"),
            Err(e) => tracing::error!(error = %format!("{e:#}"), "the certificate pass failed"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = engine.signals.certificates.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
        }
    }
}

/// Sends certificate mail when some is queued, and every 10 s for retries that came due.
async fn outbox_loop(engine: Arc<Engine>, shutdown: CancellationToken) {
    loop {
        match engine.run_outbox_round().await {
            Ok(r) if r.sent > 0 && r.retrying + r.parked == 0 => continue,
            Ok(r) if r.sent + r.retrying + r.parked > 0 => {
                tracing::info!(sent = r.sent, retrying = r.retrying, parked = r.parked, "outbox")
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %format!("{e:#}"), "the outbox round failed"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = engine.signals.mail_queued.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(10)) => {}
        }
    }
}

/// Logs each site's start check: what is missing is said before the first sale needs it. A
/// site that passes gets its jobs back (a pause lifted, an older version's dead jobs).
pub async fn log_site_checks(engine: &Engine) {
    let checks = engine.check_sites().await;
    for check in &checks {
        match &check.result {
            Ok(info) => tracing::info!(site = check.site, info, "Moodle site ready"),
            Err(e) => tracing::error!(site = check.site, error = %e, "Moodle site not usable yet"),
        }
        for problem in &check.problems {
            tracing::warn!(site = check.site, code = problem.code.as_str(), problem = %problem, "Moodle site usable only in part");
        }
    }
    if let Err(e) = engine.resume_checked_sites(&checks).await {
        tracing::error!(error = %e, "resuming the jobs of the sites that answer failed");
    }
    if let Some(mailer) = &engine.certs.mailer {
        match mailer.check().await {
            Ok(()) => tracing::info!("SMTP server ready"),
            Err(e) => tracing::warn!(
                code = e.code(),
                error = %e,
                "the SMTP server does not answer yet; certificate mail waits in the outbox and is retried"
            ),
        }
    }
}

/// Checks the paused sites every `worker.paused_site_check`; a site that passes is resumed.
async fn paused_sites_loop(engine: Arc<Engine>, shutdown: CancellationToken) {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(engine.config.worker.paused_site_check) => {}
        }
        if let Err(e) = engine.check_paused_sites().await {
            tracing::warn!(error = %e, "checking the paused sites failed");
        }
    }
}

/// Loads the sites and sources added in the admin (at once when this replica changed them,
/// every [`crate::connections::REFRESH_EVERY`] for the others' changes) and runs a poller per
/// stored polled source: started when added, stopped when removed, restarted when edited.
async fn connections_loop(engine: Arc<Engine>, shutdown: CancellationToken) {
    let mut running: HashMap<String, (Arc<Source>, CancellationToken)> = HashMap::new();
    let mut pollers = JoinSet::new();
    loop {
        if let Err(e) = engine.refresh_connections().await {
            tracing::warn!(error = %e, "loading the sites and sources added in the admin failed");
        }
        let wanted = engine.stored_pollers();
        running.retain(|name, (source, stop)| {
            let keep = wanted.get(name).is_some_and(|w| Arc::ptr_eq(w, source));
            if !keep {
                stop.cancel();
            }
            keep
        });
        for (name, source) in wanted {
            running.entry(name).or_insert_with(|| {
                let stop = shutdown.child_token();
                pollers.spawn(poll_loop(engine.clone(), source.clone(), stop.clone()));
                (source, stop)
            });
        }
        while pollers.try_join_next().is_some() {}
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = engine.signals.connections.notified() => {}
            _ = tokio::time::sleep(crate::connections::REFRESH_EVERY) => {}
        }
    }
    while pollers.join_next().await.is_some() {}
}

async fn poll_loop(engine: Arc<Engine>, source: Arc<Source>, shutdown: CancellationToken) {
    let source = &*source;
    let mut first = true;
    loop {
        match engine.poll(source).await {
            Ok(s) => {
                engine.db_health.write_succeeded();
                tracing::debug!(
                    source = source.name(),
                    changed = s.changed,
                    deleted = s.deleted,
                    requests = s.requests,
                    "polled"
                );
                if s.changed + s.deleted > 0 || first {
                    first = false;
                    if let Err(e) = engine.recompute().await {
                        // Try again at the next tick even if nothing changes by then.
                        first = true;
                        tracing::error!(error = %e, "computing the desired state failed");
                    }
                }
            }
            Err(e) => {
                if let SourceError::Store(e) = &e {
                    engine.db_health.write_failed(e);
                }
                tracing::warn!(source = source.name(), error = %e, "poll failed")
            }
        }
        wait_for_next_poll(&engine, source, &shutdown).await;
        if shutdown.is_cancelled() {
            return;
        }
    }
}

/// Sleeps for the source's interval, or until a hint asks to poll now, or until shutdown.
async fn wait_for_next_poll(engine: &Engine, source: &Source, shutdown: &CancellationToken) {
    let hint = engine.signals.poll_now_of(source.name());
    tokio::select! {
        _ = shutdown.cancelled() => {}
        _ = tokio::time::sleep(source.interval()) => {}
        _ = hint.notified() => {}
    }
}

/// Sweeps for drift every `drift.interval` (the first one after one interval).
async fn drift_loop(engine: Arc<Engine>, shutdown: CancellationToken) {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(engine.config.drift.interval) => {}
        }
        match engine.sweep_drift().await {
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

/// Syncs progress every `progress.interval` (the first one after one interval).
async fn progress_loop(engine: Arc<Engine>, shutdown: CancellationToken) {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(engine.config.progress.interval) => {}
        }
        match engine.sync_progress().await {
            Ok(r) if r.errors.is_empty() => {
                if !r.completed_now.is_empty() {
                    engine.signals.certificates();
                }
                tracing::info!(report = %r.describe(), "progress sync")
            }
            Ok(r) => tracing::warn!(report = %r.describe(), "progress sync could not read everything"),
            Err(e) => tracing::error!(error = %e, "progress sync failed"),
        }
    }
}

/// Recomputes the desired state when asked (webhooks, seats), coalescing bursts into one pass.
async fn recompute_loop(engine: Arc<Engine>, shutdown: CancellationToken) {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = engine.signals.recompute.notified() => {}
        }
        if let Err(e) = engine.recompute().await {
            tracing::error!(error = %e, "computing the desired state failed; retrying in 1 s");
            tokio::time::sleep(Duration::from_secs(1)).await;
            engine.request_recompute();
        }
    }
}

async fn worker_loop(engine: Arc<Engine>, shutdown: CancellationToken) {
    let worker = engine.worker();
    let lease = i64::try_from(engine.config.worker.lease.as_secs()).unwrap_or(120);
    let mut last_recompute = Instant::now();
    // A round that fails on the database (connection lost, disk full) leaves the jobs it had
    // claimed `running` under this worker's lease, and nobody looks at them again before the
    // lease expires (2 minutes by default), even once the database is back. Between rounds
    // nothing of this worker is in flight, so they are handed back as soon as it answers.
    let mut orphans = false;
    loop {
        if orphans {
            orphans = !hand_back_orphans(&engine).await;
        }
        // Requeue whatever the plan says differs, now and then, so nothing missed stays missed.
        if last_recompute.elapsed() > Duration::from_secs(60) {
            last_recompute = Instant::now();
            if let Err(e) = recompute_quietly(&engine).await {
                tracing::error!(error = %e, "periodic recompute failed");
            }
            // Idempotency keys are remembered a day, then forgotten.
            if let Err(e) = engine.purge_idempotency_keys().await {
                tracing::warn!(error = %e, "purging the old idempotency keys failed");
            }
        }
        let round = tokio::select! {
            // A round in flight finishes; its jobs are released after the loop.
            r = worker.run_round(engine.now()) => r,
            _ = heartbeat(&engine, lease) => continue,
        };
        match round {
            Ok(r) if r.claimed > 0 => {
                engine.db_health.write_succeeded();
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
                engine.db_health.write_failed(&e);
                tracing::error!(error = %e, "worker round failed");
                orphans = true;
            }
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = engine.signals.jobs_queued.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

/// The periodic safety-net recompute: its queued keys are picked up by the running worker
/// loop itself, so it does not signal.
async fn recompute_quietly(engine: &Engine) -> Result<(), mm_store::StoreError> {
    crate::recompute::recompute(&engine.store, engine.now())
        .await
        .map(|_| ())
        .inspect_err(|e| engine.db_health.write_failed(e))
}

/// Hands a failed round's jobs back to the queue; whether it could.
async fn hand_back_orphans(engine: &Engine) -> bool {
    match engine.store.release_jobs(&engine.worker_id, engine.now()).await {
        Ok(released) => {
            if released > 0 {
                tracing::info!(released, "jobs of the failed round handed back to the queue");
            }
            true
        }
        Err(e) => {
            tracing::debug!(error = %e, "cannot hand back the failed round's jobs yet");
            false
        }
    }
}

/// Extends this worker's leases while a round runs; never finishes on its own.
async fn heartbeat(engine: &Engine, lease: i64) {
    loop {
        tokio::time::sleep(Duration::from_secs((lease / 3).max(1) as u64)).await;
        if let Err(e) = engine.store.heartbeat(&engine.worker_id, lease, engine.now()).await {
            tracing::warn!(error = %e, "lease heartbeat failed");
        }
    }
}
