//! Sites paused by a site-wide condition (table `site_pauses`): while a site is listed, its
//! enrolment jobs stay queued and no worker claims them ([`crate::queue::Pauses`]). The engine
//! pauses a site when Moodle refuses everyone (a bad token, a missing function…) and lifts the
//! pause once a check of the site passes; being stored, a pause survives a restart and is seen
//! by every replica.

use crate::dialect::{opt_text, text};
use crate::queue::{DeadJob, Pauses};
use crate::{Store, StoreError, row_key};
use mm_core::Timestamp;
use sqlx::Row;

/// Where the enrolment jobs' queue finds its paused sites.
pub(crate) const SITE_PAUSES: Pauses = Pauses {
    table: "site_pauses",
    column: "site",
};

/// Why a site is paused, as the engine classified it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePause {
    pub site: String,
    /// The condition's stable code (`invalid_token`, `maintenance`, …).
    pub code: String,
    /// What is wrong, in English.
    pub reason: String,
    /// How an admin fixes it, when they can.
    pub fix: Option<String>,
    /// Functions the token's service must hold again before the pause lifts.
    pub functions: Vec<String>,
    pub paused_at: Timestamp,
}

/// A paused site as stored: the pause, its last check and the jobs that wait for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PausedSite {
    pub pause: SitePause,
    /// When a check last failed, and what it said.
    pub checked_at: Option<Timestamp>,
    pub last_check: Option<String>,
    /// Queued or running jobs of the site.
    pub waiting: i64,
}

impl Store {
    /// Pauses a site; `false` when it already was (by this or another replica), so that only
    /// the first failure of an episode is reported.
    pub async fn pause_site(&self, pause: &SitePause) -> Result<bool, StoreError> {
        let done = self
            .query(
                "INSERT INTO site_pauses (site, code, reason, fix, functions, paused_at) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (site) DO NOTHING",
            )
            .bind(&pause.site)
            .bind(&pause.code)
            .bind(&pause.reason)
            .bind(pause.fix.as_deref())
            .bind(pause.functions.join(","))
            .bind(pause.paused_at.0)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(done > 0)
    }

    /// Every paused site, by name, with the jobs waiting for it.
    pub async fn paused_sites(&self) -> Result<Vec<PausedSite>, StoreError> {
        let rows = self
            .query(
                "SELECT p.site, p.code, p.reason, p.fix, p.functions, p.paused_at, p.checked_at, p.last_check,
                    (SELECT COUNT(*) FROM jobs j WHERE j.site = p.site AND j.status IN ('queued', 'running')) AS waiting
                 FROM site_pauses p ORDER BY p.site",
            )
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let functions = text(r, "functions")?;
                Ok(PausedSite {
                    pause: SitePause {
                        site: r.try_get("site")?,
                        code: r.try_get("code")?,
                        reason: text(r, "reason")?,
                        fix: opt_text(r, "fix")?,
                        functions: functions
                            .split(',')
                            .filter(|f| !f.is_empty())
                            .map(str::to_string)
                            .collect(),
                        paused_at: Timestamp(r.try_get("paused_at")?),
                    },
                    checked_at: r.try_get::<Option<i64>, _>("checked_at")?.map(Timestamp),
                    last_check: opt_text(r, "last_check")?,
                    waiting: r.try_get("waiting")?,
                })
            })
            .collect()
    }

    /// Records a check of a paused site that did not pass.
    pub async fn note_site_check(&self, site: &str, result: &str, now: Timestamp) -> Result<(), StoreError> {
        self.query("UPDATE site_pauses SET checked_at = $1, last_check = $2 WHERE site = $3")
            .bind(now.0)
            .bind(result)
            .bind(site)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Lifts a site's pause: its queued jobs are due now. `None` when it was not paused (or
    /// another replica lifted it first); else how many jobs resume.
    pub async fn lift_site_pause(&self, site: &str, now: Timestamp) -> Result<Option<u64>, StoreError> {
        let mut tx = self.write_tx().await?;
        let lifted = self
            .query("DELETE FROM site_pauses WHERE site = $1")
            .bind(site)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if lifted == 0 {
            return Ok(None);
        }
        let due = self
            .query("UPDATE jobs SET run_at = $1, updated_at = $2 WHERE site = $3 AND status = 'queued'")
            .bind(now.0)
            .bind(now.0)
            .bind(site)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(Some(due))
    }

    /// The dead jobs of one site, with their errors.
    pub async fn dead_jobs_of_site(&self, site: &str) -> Result<Vec<DeadJob>, StoreError> {
        let rows = self
            .query(
                "SELECT site, course, learner, last_error, error_code, error_params FROM jobs
                 WHERE status = 'dead' AND site = $1
                 ORDER BY updated_at",
            )
            .bind(site)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(DeadJob {
                    key: row_key(r)?,
                    error: opt_text(r, "last_error")?.unwrap_or_default(),
                    code: opt_text(r, "error_code")?,
                    params: opt_text(r, "error_params")?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{backends, fresh};
    use crate::{JobCounts, JobFailure};
    use mm_core::{CourseRef, Email, EntitlementKey};

    fn key(site: &str, learner: &str) -> EntitlementKey {
        EntitlementKey {
            site: site.into(),
            course: CourseRef::parse("C1").expect("course"),
            learner: Email::parse(learner).expect("email"),
        }
    }

    fn pause(site: &str) -> SitePause {
        SitePause {
            site: site.into(),
            code: "invalid_token".into(),
            reason: "invalid token".into(),
            fix: Some("create a new one".into()),
            functions: vec!["core_group_create_groups".into()],
            paused_at: Timestamp(5),
        }
    }

    /// A paused site's jobs are not claimed, a failure that pauses does not count as an
    /// attempt, and lifting the pause makes them due again; other sites are not affected.
    #[tokio::test]
    async fn a_paused_site_keeps_its_jobs_queued_until_the_pause_lifts() {
        for b in backends() {
            let db = fresh(b).await.expect("db");
            let s = db.store().await;
            let (a, other) = (key("main", "a@example.org"), key("other", "b@example.org"));
            s.enqueue(&[a.clone(), other.clone()], false, Timestamp(1))
                .await
                .expect("enqueue");
            let claimed = s.claim_jobs("w", 10, 60, Timestamp(2)).await.expect("claim");
            let ja = claimed.iter().find(|j| j.key == a).expect("main's job");
            assert!(s.pause_site(&pause("main")).await.expect("pause"), "{b}");
            assert!(
                !s.pause_site(&pause("main")).await.expect("pause again"),
                "{b}: one episode"
            );
            s.fail_job(ja, "invalid token", JobFailure::Paused, Timestamp(3))
                .await
                .expect("fail");
            let jo = claimed.iter().find(|j| j.key == other).expect("other's job");
            s.complete_job(jo, Timestamp(3)).await.expect("complete");
            s.enqueue(std::slice::from_ref(&other), true, Timestamp(4))
                .await
                .expect("enqueue");

            let got = s.claim_jobs("w", 10, 60, Timestamp(10)).await.expect("claim");
            assert_eq!(got.iter().map(|j| &j.key).collect::<Vec<_>>(), vec![&other], "{b}");
            s.complete_job(&got[0], Timestamp(10)).await.expect("complete");
            let paused = s.paused_sites().await.expect("paused");
            assert_eq!(paused.len(), 1, "{b}");
            assert_eq!((paused[0].pause.clone(), paused[0].waiting), (pause("main"), 1), "{b}");
            s.note_site_check("main", "still invalid", Timestamp(11))
                .await
                .expect("note");
            let paused = s.paused_sites().await.expect("paused");
            assert_eq!(paused[0].last_check.as_deref(), Some("still invalid"), "{b}");
            assert_eq!(
                s.job_counts().await.expect("counts"),
                JobCounts {
                    queued: 1,
                    done: 1,
                    ..Default::default()
                },
                "{b}"
            );

            assert_eq!(
                s.lift_site_pause("main", Timestamp(12)).await.expect("lift"),
                Some(1),
                "{b}"
            );
            assert_eq!(
                s.lift_site_pause("main", Timestamp(12)).await.expect("lift"),
                None,
                "{b}"
            );
            let got = s.claim_jobs("w", 10, 60, Timestamp(12)).await.expect("claim");
            assert_eq!(
                got.iter().map(|j| (&j.key, j.attempts)).collect::<Vec<_>>(),
                vec![(&a, 1)],
                "{b}: the paused attempt was not counted"
            );
        }
    }
}
