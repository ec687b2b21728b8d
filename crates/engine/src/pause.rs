//! Site pauses. A failure that is the site's, not the job's ([`SiteCondition`]: a bad token, a
//! missing function or capability, maintenance, a site that does not answer) pauses the site
//! instead of parking its jobs as dead: they stay queued, no worker claims them, and a check of
//! the site every `worker.paused_site_check` (the start check, [`Engine::check_site`]) lifts
//! the pause once it passes; the jobs then run again with no admin action. The pause is stored,
//! so a restart or another replica sees it, and it is reported once per episode.
//!
//! Jobs that a version before pauses parked as dead for such a reason are queued again when
//! their site's check passes (at start, and when a pause lifts): their error text is all that
//! tells them apart ([`SiteCondition::in_legacy_message`]).

use crate::engine::{Engine, SiteCheck};
use crate::job_error::{MoodleFailure, SiteCondition};
use crate::site_check::SiteProblemCode;
use mm_core::Timestamp;
use mm_store::{PausedSite, SitePause, Store, StoreError};
use std::time::Duration;

/// Pauses `site` for `condition` (shown by `failure`, when one is known); says so once per
/// episode: the first replica to pause it logs, the others find it paused already.
pub(crate) async fn pause_site(
    store: &Store,
    site: &str,
    condition: SiteCondition,
    failure: Option<&MoodleFailure>,
    check_every: Duration,
    now: Timestamp,
) -> Result<(), StoreError> {
    let pause = SitePause {
        site: site.to_string(),
        code: condition.as_str().to_string(),
        reason: match failure {
            Some(f) => format!("{condition} ({})", f.summary()),
            None => condition.to_string(),
        },
        fix: failure.and_then(MoodleFailure::fix),
        functions: failure.map(|f| SiteCondition::functions(&f.error)).unwrap_or_default(),
        paused_at: now,
    };
    if store.pause_site(&pause).await? {
        let waiting = waiting_jobs(store, site).await?;
        tracing::error!(
            site,
            code = pause.code,
            "{}",
            paused_message(&pause, waiting, check_every)
        );
    }
    Ok(())
}

async fn waiting_jobs(store: &Store, site: &str) -> Result<i64, StoreError> {
    Ok(store
        .paused_sites()
        .await?
        .into_iter()
        .find(|p| p.pause.site == site)
        .map_or(0, |p| p.waiting))
}

/// "site `x` paused: …; fix: …; its N jobs wait and resume by themselves once the site
/// answers — checked every 60 s".
pub fn paused_message(pause: &SitePause, waiting: i64, check_every: Duration) -> String {
    let fix = pause.fix.as_deref().map(|f| format!("; fix: {f}")).unwrap_or_default();
    format!(
        "site `{}` paused: {}{fix}; its {waiting} jobs wait and resume by themselves once the site answers — \
         checked every {}",
        pause.site,
        pause.reason,
        every(check_every)
    )
}

/// A paused site as `jobs` and `reconcile --once` show it.
pub fn describe_paused(p: &PausedSite, check_every: Duration) -> String {
    let mut s = paused_message(&p.pause, p.waiting, check_every);
    if let Some(last) = &p.last_check {
        s.push_str(&format!(" (last check: {last})"));
    }
    s
}

fn every(d: Duration) -> String {
    match d.as_secs() {
        s if s % 3600 == 0 => format!("{} h", s / 3600),
        s if s % 60 == 0 && s >= 120 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

/// For a site paused for a missing capability: the capabilities the check's probes still find
/// missing ("" when none). A capability no probe can see lifts the pause, and the next job that
/// needs it tells whether it was granted.
fn still_lacking_capabilities(pause: &SitePause, check: &SiteCheck) -> String {
    if pause.code != SiteCondition::CapabilityMissing.as_str() {
        return String::new();
    }
    check
        .problems
        .iter()
        .filter(|p| p.code == SiteProblemCode::MissingCapability)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// What checking a paused site found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PauseCheck {
    /// The check passed: the pause is lifted and this many jobs resume (dead jobs of an older
    /// version's site-wide failures included).
    Lifted { site: String, resumed: u64 },
    /// Still failing, with what the check said.
    StillPaused { site: String, reason: String },
}

impl Engine {
    /// The paused sites, with the jobs waiting for each.
    pub async fn paused_sites(&self) -> Result<Vec<PausedSite>, StoreError> {
        self.store.paused_sites().await
    }

    /// Checks every paused site this engine serves and lifts the pause of those that pass.
    pub async fn check_paused_sites(&self) -> Result<Vec<PauseCheck>, StoreError> {
        let mut out = Vec::new();
        for paused in self.store.paused_sites().await? {
            let Some(site) = self.sites.get(&paused.pause.site) else {
                continue;
            };
            let check = self.check_site(&site).await;
            let still_lacking = still_lacking_capabilities(&paused.pause, &check);
            let result = match (check.result, paused.pause.functions.is_empty()) {
                (Err(e), _) => Err(e),
                (Ok(_), _) if !still_lacking.is_empty() => Err(still_lacking),
                (Ok(_), true) => Ok(()),
                // The start check does not look for every function a job calls (the group ones).
                (Ok(_), false) => {
                    let wanted: Vec<&str> = paused.pause.functions.iter().map(String::as_str).collect();
                    site.client.check_functions(&wanted).await.map(|_| ()).map_err(|e| {
                        e.fix_hint()
                            .map_or_else(|| e.to_string(), |h| format!("{e} — fix: {h}"))
                    })
                }
            };
            out.push(match result {
                Ok(()) => self.lift(&paused).await?,
                Err(reason) => {
                    tracing::debug!(site = site.name, reason, "paused site still failing its check");
                    self.store.note_site_check(&site.name, &reason, self.now()).await?;
                    PauseCheck::StillPaused {
                        site: site.name.clone(),
                        reason,
                    }
                }
            });
        }
        Ok(out)
    }

    async fn lift(&self, paused: &PausedSite) -> Result<PauseCheck, StoreError> {
        let site = &paused.pause.site;
        let now = self.now();
        let Some(due) = self.store.lift_site_pause(site, now).await? else {
            // Another replica lifted it first and said so.
            return Ok(PauseCheck::Lifted {
                site: site.clone(),
                resumed: 0,
            });
        };
        let revived = self.requeue_legacy_dead(site).await?;
        let resumed = due + revived;
        tracing::info!(
            site,
            resumed,
            "site `{site}` answers again: pause ({}) lifted after {} s; its {resumed} jobs resume now",
            paused.pause.reason,
            (now.0 - paused.pause.paused_at.0).max(0)
        );
        if resumed > 0 {
            self.signals.jobs_queued();
        }
        Ok(PauseCheck::Lifted {
            site: site.clone(),
            resumed,
        })
    }

    /// After the start check: every site that passed gets back the jobs an older version
    /// parked as dead for a site-wide reason; a paused site that passed is lifted. Returns how
    /// many jobs were queued again.
    pub async fn resume_checked_sites(&self, checks: &[SiteCheck]) -> Result<u64, StoreError> {
        let mut n = 0;
        for check in checks.iter().filter(|c| c.result.is_ok()) {
            n += self.requeue_legacy_dead(&check.site).await?;
        }
        for c in self.check_paused_sites().await? {
            if let PauseCheck::Lifted { resumed, .. } = c {
                n += resumed;
            }
        }
        if n > 0 {
            self.signals.jobs_queued();
        }
        Ok(n)
    }

    /// Queues again the dead jobs of `site` whose error was site-wide (parked by a version
    /// before pauses); returns how many.
    async fn requeue_legacy_dead(&self, site: &str) -> Result<u64, StoreError> {
        let mut n = 0;
        for dead in self.store.dead_jobs_of_site(site).await? {
            if SiteCondition::in_legacy_message(&dead.error) {
                n += self.store.retry_dead(Some(&dead.key), self.now()).await?;
            }
        }
        if n > 0 {
            tracing::info!(
                site,
                jobs = n,
                "dead jobs of `{site}` parked for a site-wide failure queued again: the site answers now"
            );
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_says_what_happens_and_when() {
        let pause = SitePause {
            site: "main".into(),
            code: "invalid_token".into(),
            reason: "invalid token".into(),
            fix: Some("create a new one".into()),
            functions: Vec::new(),
            paused_at: Timestamp(0),
        };
        assert_eq!(
            paused_message(&pause, 3, Duration::from_secs(60)),
            "site `main` paused: invalid token; fix: create a new one; its 3 jobs wait and resume by themselves \
             once the site answers — checked every 60 s"
        );
        assert_eq!(every(Duration::from_secs(300)), "5 min");
        assert_eq!(every(Duration::from_secs(7200)), "2 h");
    }
}
