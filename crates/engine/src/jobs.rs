//! The job queue as an admin sees it: counts, dead jobs with their errors, and retrying them.
//! These need only the store, so the `jobs` command runs them without the configuration's
//! sites, sources or mappings (it must not touch the mappings of a running service).

use mm_core::{EntitlementKey, Timestamp};
use mm_store::{DeadJob, FailingJob, JobCounts, MailKey, PausedSite, Store, StoreError};

/// The job queue at a glance: counts, the dead jobs with their errors, and the paused sites
/// whose jobs wait.
#[derive(Debug, Clone)]
pub struct JobsOverview {
    pub counts: JobCounts,
    pub dead: Vec<DeadJob>,
    pub paused: Vec<PausedSite>,
    /// The certificate mail outbox: its counts, and the mails backing off or parked.
    pub mail: JobCounts,
    pub failing_mail: Vec<FailingJob<MailKey>>,
}

pub async fn overview(store: &Store) -> Result<JobsOverview, StoreError> {
    let outbox = store.queue::<MailKey>();
    Ok(JobsOverview {
        counts: store.job_counts().await?,
        dead: store.dead_jobs().await?,
        paused: store.paused_sites().await?,
        mail: outbox.counts().await?,
        failing_mail: outbox.failing().await?,
    })
}

/// Queues parked certificate mail again, due `now`. Returns how many.
pub async fn retry_dead_mail(store: &Store, now: Timestamp) -> Result<u64, StoreError> {
    store.queue::<MailKey>().retry_dead(None, now).await
}

/// Queues dead jobs again, due `now`: all of them, or one key's. Returns how many.
pub async fn retry_dead(store: &Store, key: Option<&EntitlementKey>, now: Timestamp) -> Result<u64, StoreError> {
    store.retry_dead(key, now).await
}
