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

/// Which dead jobs an operator acts on: one key's, or every dead job (shown as a count first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeadJobs {
    One(EntitlementKey),
    All,
}

impl DeadJobs {
    fn key(&self) -> Option<&EntitlementKey> {
        match self {
            DeadJobs::One(key) => Some(key),
            DeadJobs::All => None,
        }
    }

    fn describe(&self) -> String {
        match self {
            DeadJobs::One(k) => format!("{}/{}/{}", k.site, k.course, k.learner.as_str()),
            DeadJobs::All => "all dead jobs".to_owned(),
        }
    }
}

impl crate::Engine {
    /// Queues dead jobs again, due now, and notes who asked. Returns how many.
    pub async fn retry_dead_jobs(&self, which: &DeadJobs, actor: &crate::admin::Actor) -> Result<u64, StoreError> {
        let n = self.store.retry_dead(which.key(), self.now()).await?;
        self.record_action(actor, "job.retry", &which.describe(), Some(format!("{n} jobs")), true)
            .await;
        if n > 0 {
            self.signals.jobs_queued();
        }
        Ok(n)
    }

    /// Drops dead jobs and notes who asked. The keys are planned again on their next change
    /// or sweep, so nothing is lost for good. Returns how many.
    pub async fn discard_dead_jobs(&self, which: &DeadJobs, actor: &crate::admin::Actor) -> Result<u64, StoreError> {
        let n = self.store.jobs().discard_dead(which.key()).await?;
        self.record_action(actor, "job.discard", &which.describe(), Some(format!("{n} jobs")), true)
            .await;
        Ok(n)
    }

    /// Jobs backing off or parked, with their last error.
    pub async fn failing_jobs(&self) -> Result<Vec<FailingJob>, StoreError> {
        self.store.failing_jobs().await
    }
}
