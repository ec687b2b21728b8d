//! The worker: claims due jobs, plans each key again from the stored desired state, and
//! converges Moodle with batched calls. It never learns why a key was queued, so everything it
//! does is idempotent: a crash, a retry or a duplicate job ends in the same state.

use crate::config::WorkerConfig;
use crate::learners::{self, UserResolution};
use crate::site::{CourseInfo, Site, Sites, role_id};
use mm_core::{Action, AppliedEnrolment, CourseRef, Email, EnrolmentStatus, Timestamp, plan_key};
use mm_moodle::{BatchError, BreakerState, Enrolment, GroupMember, MoodleError, Unenrolment};
use mm_store::{AppliedChange, AuditEntry, ClaimedJob, JobFailure, MoodleEnrolment, PlanInput, Store, StoreError};
use rand::Rng;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;
use tracing::Instrument;

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RoundOutcome {
    pub claimed: usize,
    /// Changes made in Moodle.
    pub applied: usize,
    /// Keys that were already right.
    pub unchanged: usize,
    pub retrying: usize,
    pub dead: usize,
    /// Jobs that wait for their paused site.
    pub paused: usize,
}

impl RoundOutcome {
    /// Adds another round's counts to these.
    pub fn add(&mut self, r: &RoundOutcome) {
        self.claimed += r.claimed;
        self.applied += r.applied;
        self.unchanged += r.unchanged;
        self.retrying += r.retrying;
        self.dead += r.dead;
        self.paused += r.paused;
    }
}

/// A failed job's outcome, as the metrics say it.
fn job_outcome(next: &JobFailure) -> &'static str {
    match next {
        JobFailure::Paused => "paused",
        JobFailure::RetryAt(_) => "retrying",
        JobFailure::Dead => "dead",
    }
}

pub use crate::job_error::{JobError, JobErrorCode, MoodleFailure, MoodleStep, RetryPolicy, SiteCondition};

pub struct Worker<'a> {
    pub store: &'a Store,
    pub sites: &'a Sites,
    pub config: &'a WorkerConfig,
    pub id: String,
    pub metrics: &'a crate::metrics::Metrics,
}

struct Pending {
    job: ClaimedJob,
    action: Action,
    before: Option<AppliedEnrolment>,
}

impl Worker<'_> {
    /// Claims and runs one round of due jobs. `claimed == 0` means the queue has nothing due.
    pub async fn run_round(&self, now: Timestamp) -> Result<RoundOutcome, StoreError> {
        let lease = i64::try_from(self.config.lease.as_secs()).unwrap_or(120);
        let jobs = self
            .store
            .claim_jobs(&self.id, self.config.batch_size, lease, now)
            .await?;
        let out = RoundOutcome {
            claimed: jobs.len(),
            ..Default::default()
        };
        if jobs.is_empty() {
            return Ok(out);
        }
        // A span only for a round with work: an idle worker polls every second.
        let span = tracing::info_span!("worker.round", jobs = jobs.len());
        self.plan_and_run(jobs, now, out).instrument(span).await
    }

    /// Plans the claimed jobs again and runs those with something to do, site by site.
    async fn plan_and_run(
        &self,
        jobs: Vec<ClaimedJob>,
        now: Timestamp,
        mut out: RoundOutcome,
    ) -> Result<RoundOutcome, StoreError> {
        // Plan every key again from what is stored now: the job only said "look again".
        let mut by_site: BTreeMap<String, Vec<Pending>> = BTreeMap::new();
        let mut inputs = self.store.plan_inputs(&self.id).await?;
        let mut unchanged = Vec::new();
        for job in jobs {
            let PlanInput {
                desired,
                applied: before,
            } = inputs.remove(&job.key).unwrap_or_default();
            match desired.as_ref().and_then(|e| plan_key(e, before.as_ref())) {
                Some(action) => by_site
                    .entry(job.key.site.clone())
                    .or_default()
                    .push(Pending { job, action, before }),
                None => unchanged.push(job),
            }
        }
        out.unchanged = unchanged.len();
        self.store
            .complete_jobs(&unchanged.iter().collect::<Vec<_>>(), now)
            .await?;
        self.metrics.jobs_finished("unchanged", unchanged.len());
        unchanged
            .iter()
            .for_each(|j| self.metrics.job_latency(now.0 - j.due_at.0));

        for (site_name, pending) in by_site {
            // The site and its courses, never a learner.
            let span = tracing::info_span!(
                "worker.site",
                site = %site_name,
                courses = %courses_of(&pending),
                jobs = pending.len()
            );
            self.run_site(&site_name, &pending, now, &mut out)
                .instrument(span)
                .await?;
        }
        Ok(out)
    }

    /// Converges one site's pending jobs and records each outcome: applied, retrying or dead.
    async fn run_site(
        &self,
        site_name: &str,
        pending: &[Pending],
        now: Timestamp,
        out: &mut RoundOutcome,
    ) -> Result<(), StoreError> {
        let breaker_closed = || {
            self.sites
                .get(site_name)
                .is_none_or(|s| s.client.breaker_state() == BreakerState::Closed)
        };
        let down_before = !breaker_closed();
        let results = match self.sites.get(site_name) {
            Some(site) => self.converge_site(&site, pending).await,
            None => pending
                .iter()
                .map(|_| {
                    Err(JobError::SiteNotConfigured {
                        site: site_name.to_string(),
                    })
                })
                .collect(),
        };
        // A site whose circuit breaker was not closed during the round is down (or just back
        // and on probation: a probe that closes it leaves the calls refused meanwhile
        // failed): its failures say nothing about the jobs. Neither does a failure that is the
        // site's (a bad token, a missing function…). Either pauses the site, before its jobs
        // are handed back so no replica claims them meanwhile; they wait, uncounted, until a
        // check of the site passes. Otherwise an outage of a few hours, or one wrong token,
        // parks every pending job as dead until an admin revives them.
        let site_down = down_before || !breaker_closed();
        let pause = site_pause(&results, site_down);
        if let Some(SitePauseCause { condition, failure }) = &pause {
            crate::pause::pause_site(
                self.store,
                site_name,
                *condition,
                failure.as_ref(),
                self.config.paused_site_check,
                now,
            )
            .await?;
        }
        let mut done = Vec::with_capacity(pending.len());
        let mut events = Vec::new();
        for (p, result) in pending.iter().zip(results) {
            match result {
                Ok((user_id, course_id)) => {
                    let after = p.action.outcome();
                    events.extend(crate::events::enrolment_event(
                        &p.job.key,
                        p.before.as_ref(),
                        after.as_ref(),
                        p.action.reason(),
                        Some((user_id, course_id)),
                        &format!("{}.{}", p.job.generation, now.0),
                        now,
                    ));
                    done.push(AppliedChange {
                        key: p.job.key.clone(),
                        after: p.action.outcome().map(|enrolment| MoodleEnrolment {
                            enrolment,
                            user_id,
                            course_id,
                        }),
                        audit: audit_entry(p, &self.id),
                        job: Some(p.job.clone()),
                    });
                    out.applied += 1;
                }
                Err(e) => {
                    let next = match e.retry() {
                        RetryPolicy::PauseSite => JobFailure::Paused,
                        RetryPolicy::Retry if pause.is_some() => JobFailure::Paused,
                        RetryPolicy::Retry if p.job.attempts < self.config.max_attempts => {
                            JobFailure::RetryAt(now.plus_seconds(backoff(self.config, p.job.attempts).as_secs() as i64))
                        }
                        RetryPolicy::Retry | RetryPolicy::Park => JobFailure::Dead,
                    };
                    let message = e.message();
                    match next {
                        JobFailure::Paused => out.paused += 1,
                        JobFailure::RetryAt(_) => out.retrying += 1,
                        JobFailure::Dead => out.dead += 1,
                    }
                    self.metrics.jobs_finished(job_outcome(&next), 1);
                    if next == JobFailure::Paused {
                        // The site's pause was reported once for all of them.
                        tracing::debug!(key = %p.job.key, error = %message, "job waits for its site");
                    } else {
                        tracing::warn!(key = %p.job.key, attempts = p.job.attempts, error = %message, "job failed");
                    }
                    let dead = next == JobFailure::Dead;
                    self.store.fail_job(&p.job, e.note(), next, now).await?;
                    if dead {
                        let event = crate::events::job_dead_event(
                            &p.job.key,
                            p.job.generation,
                            p.job.attempts,
                            e.code().as_str(),
                            now,
                        );
                        self.store.insert_events(&[event], now).await?;
                    }
                }
            }
        }
        self.store.record_applied_with_events(&done, &events, now).await?;
        // Counted once their results are stored: a failed write leaves them to run again.
        self.metrics.jobs_finished("applied", done.len());
        for job in done.iter().filter_map(|c| c.job.as_ref()) {
            self.metrics.job_latency(now.0 - job.due_at.0);
        }
        Ok(())
    }

    /// Executes the actions of one site with as few Moodle calls as possible: one course lookup
    /// per course, batched user look-up/creation, one batched enrol and one batched unenrol.
    /// Returns, per action, the Moodle (user id, course id) it touched or why it failed.
    async fn converge_site(&self, site: &Site, pending: &[Pending]) -> Vec<Result<(i64, i64), JobError>> {
        let mut results: Vec<Option<Result<(i64, i64), JobError>>> = (0..pending.len()).map(|_| None).collect();
        let courses = courses(site, pending).await;
        // Accounts only for a course that takes the enrolment: one missing, or without Manual
        // enrolments, would leave the learner with an account and no enrolment.
        let ready: Vec<&Pending> = pending.iter().filter(|p| course_ready(&courses, p)).collect();
        let users = self.users(site, &ready).await;

        let mut enrols: Vec<(usize, Enrolment)> = Vec::new();
        let mut unenrols: Vec<(usize, Unenrolment)> = Vec::new();
        for (i, p) in pending.iter().enumerate() {
            let (course, user) = match target(site, p, &courses, &users) {
                Target::Call { course, user } => (course, user),
                Target::Done(r) => {
                    results[i] = Some(r);
                    continue;
                }
            };
            match &p.action {
                Action::Enrol {
                    role,
                    timestart,
                    timeend,
                    suspended,
                    ..
                } => match role_id(role) {
                    Some(roleid) => enrols.push((
                        i,
                        Enrolment {
                            roleid,
                            userid: user,
                            courseid: course,
                            timestart: *timestart,
                            timeend: *timeend,
                            suspend: *suspended,
                        },
                    )),
                    None => results[i] = Some(Err(JobError::UnknownRole { role: role.clone() })),
                },
                Action::Unenrol { .. } => unenrols.push((
                    i,
                    Unenrolment {
                        userid: user,
                        courseid: course,
                    },
                )),
            }
        }

        if !enrols.is_empty() {
            let items: Vec<Enrolment> = enrols.iter().map(|(_, e)| *e).collect();
            let failed = failed_rows(site.client.enrol_users_isolating(&items).await);
            for (n, (i, e)) in enrols.iter().enumerate() {
                results[*i] = Some(match failed.get(&n) {
                    None => Ok((e.userid, e.courseid)),
                    Some(err) => Err(JobError::from_moodle(&site.name, MoodleStep::Enrol, err)),
                });
            }
        }
        self.join_groups(site, pending, &enrols, &mut results).await;
        if !unenrols.is_empty() {
            let items: Vec<Unenrolment> = unenrols.iter().map(|(_, u)| *u).collect();
            let failed = failed_rows(site.client.unenrol_users(&items).await);
            for (n, (i, u)) in unenrols.iter().enumerate() {
                results[*i] = Some(match failed.get(&n) {
                    None => Ok((u.userid, u.courseid)),
                    Some(err) => Err(JobError::from_moodle(&site.name, MoodleStep::Unenrol, err)),
                });
            }
        }

        results
            .into_iter()
            .map(|r| r.unwrap_or(Err(JobError::NotSent)))
            .collect()
    }

    /// Learners: matched by email, created when missing (only for enrolments); for an
    /// unenrolment only an existing account is looked up.
    async fn users(&self, site: &Site, pending: &[&Pending]) -> HashMap<Email, UserResolution> {
        let profiles: Vec<_> = pending
            .iter()
            .filter_map(|p| match &p.action {
                Action::Enrol { profile, .. } => Some(profile.clone()),
                Action::Unenrol { .. } => None,
            })
            .collect();
        let mut users: HashMap<_, UserResolution> = learners::resolve(self.store, site, &profiles).await;
        for p in pending.iter().filter(|p| matches!(p.action, Action::Unenrol { .. })) {
            let email = &p.job.key.learner;
            if !users.contains_key(email) {
                let r = learners::known_user(self.store, site, email).await;
                users.insert(email.clone(), r);
            }
        }
        users
    }
}

/// Why a round pauses its site: the site-wide condition, and the failure that showed it.
struct SitePauseCause {
    condition: SiteCondition,
    failure: Option<MoodleFailure>,
}

/// The first site-wide failure of a round's results; else, when the site was down during the
/// round and a call failed for it, "unreachable".
/// The distinct courses of a site's pending jobs, for its span (at most 20 named).
fn courses_of(pending: &[Pending]) -> String {
    let courses: std::collections::BTreeSet<String> = pending.iter().map(|p| p.job.key.course.to_string()).collect();
    let mut named: Vec<String> = courses.iter().take(20).cloned().collect();
    if courses.len() > named.len() {
        named.push(format!("+{}", courses.len() - named.len()));
    }
    named.join(",")
}

fn site_pause(results: &[Result<(i64, i64), JobError>], site_down: bool) -> Option<SitePauseCause> {
    let failures = || results.iter().filter_map(|r| r.as_ref().err());
    let conditions = || {
        failures()
            .filter_map(JobError::moodle)
            .filter_map(|m| m.site_condition().map(|c| (c, m)))
    };
    // The most telling one: a breaker that opened on, say, maintenance answers only "open".
    let telling = conditions()
        .find(|(c, _)| *c != SiteCondition::Unreachable)
        .or_else(|| conditions().next());
    if let Some((condition, failure)) = telling {
        return Some(SitePauseCause {
            condition,
            failure: Some(failure.clone()),
        });
    }
    let down = failures().find(|e| e.is_retryable() && e.moodle().is_some());
    (site_down && down.is_some()).then(|| SitePauseCause {
        condition: SiteCondition::Unreachable,
        failure: down.and_then(JobError::moodle).cloned(),
    })
}

/// Every course of `pending`, looked up once.
async fn courses(site: &Site, pending: &[Pending]) -> HashMap<CourseRef, Result<CourseInfo, JobError>> {
    let mut course_ids = HashMap::new();
    for p in pending {
        let course = &p.job.key.course;
        if course_ids.contains_key(course) {
            continue;
        }
        let r = match site.course(course).await {
            Ok(Some(c)) => Ok(c),
            Ok(None) => Err(JobError::CourseMissing {
                site: site.name.clone(),
                course: course.to_string(),
            }),
            Err(e) => Err(JobError::from_moodle(&site.name, MoodleStep::LookUpCourse, &e)),
        };
        course_ids.insert(course.clone(), r);
    }
    course_ids
}

/// Whether a pending action's course can take it: the course exists and, for an enrolment,
/// has an enabled Manual enrolments method.
fn course_ready(courses: &HashMap<CourseRef, Result<CourseInfo, JobError>>, p: &Pending) -> bool {
    match (courses.get(&p.job.key.course), &p.action) {
        (Some(Ok(c)), Action::Enrol { .. }) => c.manual_enabled,
        (Some(Ok(_)), Action::Unenrol { .. }) => true,
        (Some(Err(_)) | None, _) => false,
    }
}

/// What a pending action needs: a call for this Moodle course and user, or nothing more.
enum Target {
    Call { course: i64, user: i64 },
    Done(Result<(i64, i64), JobError>),
}

/// The Moodle course and user a pending action is sent for, or its result without a call.
fn target(
    site: &Site,
    p: &Pending,
    courses: &HashMap<CourseRef, Result<CourseInfo, JobError>>,
    users: &HashMap<Email, UserResolution>,
) -> Target {
    let course = match (courses.get(&p.job.key.course), &p.action) {
        (Some(Err(e)), _) => return Target::Done(Err(e.clone())),
        // Checked before the call: Moodle would refuse the whole batch (`wsnoinstance`).
        (Some(Ok(c)), Action::Enrol { .. }) if !c.manual_enabled => {
            return Target::Done(Err(JobError::NoEnrolMethod {
                site: site.name.clone(),
                course: p.job.key.course.to_string(),
                course_id: c.id,
            }));
        }
        (Some(Ok(c)), _) => c.id,
        // Not reached: every course of the round is looked up first.
        (None, _) => return Target::Done(Err(JobError::NotSent)),
    };
    match users.get(&p.job.key.learner) {
        Some(UserResolution::Found(id)) => Target::Call { course, user: *id },
        // Nothing to unenrol: the learner has no account.
        Some(UserResolution::Absent) => Target::Done(Ok((0, course))),
        Some(UserResolution::Failed(e)) => Target::Done(Err(e.clone())),
        None => Target::Done(Err(JobError::LearnerNotLookedUp)),
    }
}

impl Worker<'_> {
    /// Every learner just enrolled (active) joins the course groups its mappings name, in one
    /// batched call. Moodle only accepts enrolled users in a group, so this follows the enrol
    /// call; a failure fails the job, which then retries both (each is idempotent).
    async fn join_groups(
        &self,
        site: &Site,
        pending: &[Pending],
        enrols: &[(usize, Enrolment)],
        results: &mut [Option<Result<(i64, i64), JobError>>],
    ) {
        let mut members: Vec<(usize, GroupMember)> = Vec::new();
        for (i, e) in enrols {
            let Action::Enrol { groups, .. } = &pending[*i].action else {
                continue;
            };
            if groups.is_empty() || !matches!(results[*i], Some(Ok(_))) {
                continue;
            }
            for name in groups {
                match site.group_id(e.courseid, name).await {
                    Ok(groupid) => members.push((
                        *i,
                        GroupMember {
                            groupid,
                            userid: e.userid,
                        },
                    )),
                    Err(err) => {
                        let step = MoodleStep::FindOrCreateGroup { group: name.clone() };
                        results[*i] = Some(Err(JobError::from_moodle(&site.name, step, &err)));
                    }
                }
            }
        }
        // A learner whose group could not be found keeps their error; the others join.
        members.retain(|(i, _)| matches!(results[*i], Some(Ok(_))));
        if members.is_empty() {
            return;
        }
        let items: Vec<GroupMember> = members.iter().map(|(_, m)| *m).collect();
        let failed = failed_rows(site.client.add_group_members_isolating(&items).await);
        for (n, (i, _)) in members.iter().enumerate() {
            if let Some(err) = failed.get(&n) {
                results[*i] = Some(Err(JobError::from_moodle(&site.name, MoodleStep::JoinGroup, err)));
            }
        }
    }
}

/// The index of every row of a batched call that failed, with its error.
fn failed_rows(result: Result<(), BatchError>) -> HashMap<usize, MoodleError> {
    match result {
        Ok(()) => HashMap::new(),
        Err(batch) => batch
            .failures
            .into_iter()
            .flat_map(|f| f.range.map(move |i| (i, f.error.clone())))
            .collect(),
    }
}

/// Full-jitter exponential back-off: uniform in [1 s, min(max, base·2^(attempt-1))].
pub fn backoff(config: &WorkerConfig, attempt: i64) -> Duration {
    let exp = u32::try_from(attempt.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let cap = config
        .retry_base
        .saturating_mul(2u32.saturating_pow(exp))
        .min(config.retry_max);
    let cap_ms = u64::try_from(cap.as_millis()).unwrap_or(u64::MAX).max(1000);
    Duration::from_millis(rand::thread_rng().gen_range(1000..=cap_ms))
}

fn audit_entry(p: &Pending, worker: &str) -> AuditEntry {
    let after = p.action.outcome();
    let action = match (&p.before, &after) {
        (_, None) => "unenrol",
        (None, Some(a)) if a.status == EnrolmentStatus::Suspended => "enrol_suspended",
        (None, Some(_)) => "enrol",
        (Some(b), Some(a)) if b.status == EnrolmentStatus::Active && a.status == EnrolmentStatus::Suspended => {
            "suspend"
        }
        (Some(b), Some(a)) if b.status == EnrolmentStatus::Suspended && a.status == EnrolmentStatus::Active => {
            "reactivate"
        }
        (Some(_), Some(_)) => "update",
    };
    AuditEntry {
        key: p.job.key.clone(),
        action: action.to_string(),
        before: p.before.as_ref().and_then(|b| serde_json::to_string(b).ok()),
        after: after.as_ref().and_then(|a| serde_json::to_string(a).ok()),
        reason: p.action.reason().to_string(),
        job: format!("{}#{} by {worker}", p.job.key, p.job.generation),
        ok: true,
        error: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_full_jitter_and_stays_capped() {
        let cfg = WorkerConfig {
            retry_base: Duration::from_secs(10),
            retry_max: Duration::from_secs(60),
            ..WorkerConfig::default()
        };
        for (attempt, cap) in [(1, 10), (2, 20), (3, 40), (4, 60), (30, 60)] {
            let samples: Vec<Duration> = (0..300).map(|_| backoff(&cfg, attempt)).collect();
            let max = samples.iter().max().unwrap();
            let min = samples.iter().min().unwrap();
            assert!(
                *max <= Duration::from_secs(cap),
                "attempt {attempt}: {max:?} over {cap}s"
            );
            assert!(*min >= Duration::from_secs(1), "attempt {attempt}: {min:?} under 1s");
            assert!(
                *max > Duration::from_secs(cap) / 2,
                "attempt {attempt}: jitter never reaches the upper half"
            );
            assert!(min < max, "attempt {attempt}: no jitter");
        }
    }
}
