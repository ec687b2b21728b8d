//! Progress sync: completion (with Moodle's time), activity percentage and final grade of every
//! active enrolment, at the lowest call cost Moodle allows.
//!
//! Per mapped course, one `core_enrol_get_enrolled_users` (`userfields=id,lastcourseaccess`)
//! says who entered the course and when. Only learners worth reading are read one by one, with
//! one `core_enrol_get_users_courses` per learner (progress and completed of all their courses
//! at once); a new completion costs one `core_completion_get_course_completion_status` (its
//! time: the latest criterion time, as Moodle's cron sets it), and a course with new
//! completions one `gradereport_user_get_grade_items` (the final grades of all its learners,
//! kept for the new completions only: the grade is read once, on completion).
//!
//! Who is read (the rule, [`needs_read`]): a learner who never entered the course is not (an
//! idle learner cannot progress). A learner who entered it since their last read is. A learner
//! not complete whose last access is less than `recheck_window` old is read at every sync:
//! Moodle's cron marks a course complete after the access that met its criteria (a cron cycle
//! later), so the completion can appear without any further access. A complete learner is read
//! again only after a new access (how a retake shows up). Ended, revoked and not-yet-applied
//! keys are never read, and nothing is ever created or changed in Moodle.

use crate::Engine;
use crate::config::ProgressConfig;
use crate::site::Site;
use futures::StreamExt;
use mm_core::{CourseRef, EnrolmentStatus, EntitlementKey, Timestamp};
use mm_moodle::{EnrolledUsersOptions, MoodleError};
use mm_store::{ProgressRow, Store, StoreError};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Per-learner reads in flight per site (the client also keeps to the site's concurrency).
const LEARNER_READS_IN_FLIGHT: usize = 8;

/// What one progress sync did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct ProgressReport {
    /// Courses whose learners' accesses were read.
    pub courses_read: usize,
    /// Learners read one by one (one `core_enrol_get_users_courses` each).
    pub learners_checked: usize,
    pub moodle_calls: u64,
    /// Keys whose percentage, completion or grade changed.
    pub changed: usize,
    /// Keys found complete by this sync.
    pub completed_now: Vec<EntitlementKey>,
    /// Sites or courses that could not be read, with the reason.
    pub errors: Vec<String>,
}

impl ProgressReport {
    /// One line for logs and `reconcile --once`.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "progress (as of Moodle's last cron run): {} course(s) read, {} learner(s) checked, {} changed, {} newly complete, {} Moodle call(s)",
            self.courses_read,
            self.learners_checked,
            self.changed,
            self.completed_now.len(),
            self.moodle_calls
        );
        if !self.errors.is_empty() {
            s.push_str(&format!("; {} error(s): {}", self.errors.len(), self.errors.join("; ")));
        }
        s
    }
}

/// An active key we enrolled, with the Moodle ids it was applied under.
#[derive(Debug, Clone)]
struct Enrolled {
    key: EntitlementKey,
    user_id: i64,
    course_id: i64,
}

/// Whether a learner must be read one by one. `access` is Moodle's `lastcourseaccess` (0 =
/// never); see the module comment for the rule.
pub fn needs_read(access: i64, before: Option<&ProgressRow>, config: &ProgressConfig, now: Timestamp) -> bool {
    if access <= 0 {
        return false;
    }
    let checked = before.and_then(|b| b.last_checked_access).unwrap_or(0);
    if access > checked {
        return true;
    }
    let complete = before.is_some_and(|b| b.completed_at.is_some());
    let window = i64::try_from(config.recheck_window.as_secs()).unwrap_or(i64::MAX);
    !complete && now.0.saturating_sub(access) < window
}

impl Engine {
    /// Reads the progress of every active enrolment from Moodle and stores what changed. A site
    /// or course that cannot be read is an error in the report, not a failure of the sync.
    pub async fn sync_progress(&self) -> anyhow::Result<ProgressReport> {
        let now = self.now();
        let calls_before = self.sites.request_count();
        let mut report = ProgressReport::default();
        for (site_name, keys) in enrolled_keys(&self.store).await? {
            let Some(site) = self.sites.get(&site_name) else {
                report.errors.push(format!(
                    "site `{site_name}` has active enrolments but no [[moodle]] block: their progress is not read"
                ));
                continue;
            };
            sync_site(&self.store, &site, keys, &self.config.progress, now, &mut report).await?;
        }
        report.moodle_calls = self.sites.request_count() - calls_before;
        Ok(report)
    }
}

/// Keys both desired active and applied active in Moodle, with known ids, per site.
async fn enrolled_keys(store: &Store) -> Result<BTreeMap<String, Vec<Enrolled>>, StoreError> {
    let active: BTreeSet<(String, String, String)> = store
        .active_keys()
        .await?
        .into_iter()
        .map(|k| (k.site, k.course, k.learner))
        .collect();
    let accounts = store.applied_accounts().await?;
    let course_ids = store.applied_course_ids().await?;
    let mut out: BTreeMap<String, Vec<Enrolled>> = BTreeMap::new();
    for (key, applied) in store.applied().await? {
        let desired = (
            key.site.clone(),
            key.course.to_string(),
            key.learner.as_str().to_owned(),
        );
        if applied.status != EnrolmentStatus::Active || !active.contains(&desired) {
            continue;
        }
        let user_id = accounts.get(&key).copied().unwrap_or(0);
        let course_id = course_ids
            .get(&(key.site.clone(), key.course.clone()))
            .copied()
            .unwrap_or(0);
        if user_id > 0 && course_id > 0 {
            out.entry(key.site.clone()).or_default().push(Enrolled {
                key,
                user_id,
                course_id,
            });
        }
    }
    Ok(out)
}

async fn sync_site(
    store: &Store,
    site: &Site,
    keys: Vec<Enrolled>,
    config: &ProgressConfig,
    now: Timestamp,
    report: &mut ProgressReport,
) -> Result<(), StoreError> {
    let before: HashMap<EntitlementKey, ProgressRow> = store
        .progress_of_site(&site.name)
        .await?
        .into_iter()
        .map(|r| (r.key.clone(), r))
        .collect();
    let accesses = read_accesses(site, &keys, report).await;
    let mut to_read: BTreeMap<i64, Vec<(Enrolled, i64)>> = BTreeMap::new();
    let mut rows = Vec::new();
    for e in &keys {
        let Some(access) = accesses.get(&(e.course_id, e.user_id)).copied() else {
            continue; // course unreadable (in errors) or learner not listed: nothing to say
        };
        let prev = before.get(&e.key);
        if needs_read(access, prev, config, now) {
            to_read.entry(e.user_id).or_default().push((e.clone(), access));
        } else if prev.is_none_or(|p| p.last_access != Some(access).filter(|a| *a > 0)) {
            rows.push(carried(e, prev, access, now));
        }
    }
    report.learners_checked += to_read.len();
    let reads = futures::stream::iter(to_read.into_iter().map(|(user_id, items)| {
        let before = &before;
        async move { (user_id, read_learner(site, user_id, &items, before, now).await) }
    }))
    .buffer_unordered(LEARNER_READS_IN_FLIGHT)
    .collect::<Vec<_>>()
    .await;
    let mut completed = Vec::new();
    for (user_id, read) in reads {
        match read {
            Ok(LearnerRead { rows: r, completed_now }) => {
                rows.extend(r);
                completed.extend(completed_now);
            }
            Err(e) => report
                .errors
                .push(format!("{}: Moodle user {user_id}'s courses: {e}", site.name)),
        }
    }
    let grades = read_final_grades(site, &completed, report).await;
    // A completion whose course's grades could not be read is not stored: read again next sync.
    let new: HashSet<&EntitlementKey> = completed.iter().map(|e| &e.key).collect();
    rows.retain(|r| !new.contains(&r.key) || grades.contains_key(&r.key));
    let mut events = Vec::new();
    for row in &mut rows {
        if let Some(grade) = grades.get(&row.key) {
            row.grade.clone_from(grade);
            report.completed_now.push(row.key.clone());
            if let Some(at) = row.completed_at {
                events.push(crate::events::completion_event(&row.key, at, grade.as_deref(), now));
            }
        }
    }
    report.changed += store.record_progress(&rows).await?;
    // After the completions are stored; an event's id is its completion's, so a sync that
    // stores the same completion again stores no second event.
    store.insert_events(&events, now).await?;
    Ok(())
}

/// The final grade (course total as shown, `None` when ungraded) of each new completion: one
/// call per course. A course that cannot be read is an error in the report and has no entry.
async fn read_final_grades(
    site: &Site,
    completed: &[Enrolled],
    report: &mut ProgressReport,
) -> HashMap<EntitlementKey, Option<String>> {
    let mut by_course: BTreeMap<i64, Vec<&Enrolled>> = BTreeMap::new();
    for e in completed {
        by_course.entry(e.course_id).or_default().push(e);
    }
    let course_ids: Vec<i64> = by_course.keys().copied().collect();
    let reads = futures::stream::iter(
        course_ids
            .into_iter()
            .map(|course_id| async move { (course_id, site.client.course_grade_items(course_id).await) }),
    )
    .buffer_unordered(LEARNER_READS_IN_FLIGHT)
    .collect::<Vec<_>>()
    .await;
    let mut out = HashMap::new();
    for (course_id, read) in reads {
        let learners = by_course.get(&course_id).map(Vec::as_slice).unwrap_or_default();
        match read {
            Ok(items) => {
                for e in learners {
                    let grade = items
                        .usergrades
                        .iter()
                        .find(|u| u.userid == e.user_id)
                        .and_then(|u| u.course_total())
                        .and_then(|total| total.shown());
                    out.insert(e.key.clone(), grade);
                }
            }
            Err(err) => {
                let course = learners.first().map(|e| e.key.course.to_string()).unwrap_or_default();
                report.errors.push(format!("{}/{course}: grades: {err}", site.name));
            }
        }
    }
    out
}

/// `lastcourseaccess` of every learner of the site's courses, by (course id, user id): one call
/// per course.
async fn read_accesses(site: &Site, keys: &[Enrolled], report: &mut ProgressReport) -> HashMap<(i64, i64), i64> {
    let courses: BTreeMap<i64, CourseRef> = keys.iter().map(|e| (e.course_id, e.key.course.clone())).collect();
    let options = EnrolledUsersOptions {
        userfields: Some(vec!["id".into(), "lastcourseaccess".into()]),
        ..EnrolledUsersOptions::default()
    };
    let reads = futures::stream::iter(courses.into_iter().map(|(course_id, course)| {
        let options = &options;
        async move { (course_id, course, site.client.enrolled_users(course_id, options).await) }
    }))
    .buffer_unordered(16)
    .collect::<Vec<_>>()
    .await;
    let mut out = HashMap::new();
    for (course_id, course, read) in reads {
        match read {
            Ok(users) => {
                report.courses_read += 1;
                for u in users {
                    out.insert((course_id, u.id), u.lastcourseaccess.unwrap_or(0));
                }
            }
            Err(e) => report.errors.push(format!("{}/{course}: {e}", site.name)),
        }
    }
    out
}

/// A key not read one by one: its new access is kept, the rest carried over.
fn carried(e: &Enrolled, prev: Option<&ProgressRow>, access: i64, now: Timestamp) -> ProgressRow {
    ProgressRow {
        key: e.key.clone(),
        last_access: Some(access).filter(|a| *a > 0),
        last_checked_access: prev.and_then(|p| p.last_checked_access),
        percent: prev.and_then(|p| p.percent),
        completed_at: prev.and_then(|p| p.completed_at),
        grade: prev.and_then(|p| p.grade.clone()),
        synced_at: now,
    }
}

struct LearnerRead {
    rows: Vec<ProgressRow>,
    /// New completions: their grade is read per course afterwards.
    completed_now: Vec<Enrolled>,
}

/// One learner's courses in one call; the completion time only on a new completion.
async fn read_learner(
    site: &Site,
    user_id: i64,
    items: &[(Enrolled, i64)],
    before: &HashMap<EntitlementKey, ProgressRow>,
    now: Timestamp,
) -> Result<LearnerRead, MoodleError> {
    let courses = site.client.users_courses(user_id).await?;
    let mut out = LearnerRead {
        rows: Vec::new(),
        completed_now: Vec::new(),
    };
    for (e, access) in items {
        let prev = before.get(&e.key);
        let mut row = carried(e, prev, *access, now);
        row.last_checked_access = Some(*access);
        // Not listed: no longer active in Moodle (the drift sweep's business); keep what we had.
        if let Some(c) = courses.iter().find(|c| c.id == e.course_id) {
            row.percent = c.progress.or(row.percent);
            let complete = c.completed.unwrap_or(false);
            if !complete {
                row.completed_at = None;
            } else if row.completed_at.is_none_or(|at| *access > at) {
                // New, or a complete learner back in the course since: a retake whose reset no
                // sync saw shows only as a later completion time.
                let status = site.client.course_completion_status(e.course_id, user_id).await?;
                let completed_at = status.completionstatus.completed_at().unwrap_or(now.0);
                if row.completed_at != Some(completed_at) {
                    row.completed_at = Some(completed_at);
                    out.completed_now.push(e.clone());
                }
            }
        }
        out.rows.push(row);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn row(checked: i64, completed: Option<i64>) -> ProgressRow {
        ProgressRow {
            key: EntitlementKey {
                site: "s".into(),
                course: CourseRef::parse("C").unwrap(),
                learner: mm_core::Email::parse("a@x.org").unwrap(),
            },
            last_access: Some(checked),
            last_checked_access: Some(checked),
            percent: None,
            completed_at: completed,
            grade: None,
            synced_at: Timestamp(checked),
        }
    }

    #[test]
    fn who_is_read() {
        let c = ProgressConfig {
            interval: Duration::from_secs(3600),
            recheck_window: Duration::from_secs(86_400),
        };
        let now = Timestamp(1_000_000);
        assert!(!needs_read(0, None, &c, now), "never entered");
        assert!(needs_read(10, None, &c, now), "entered, never read");
        assert!(
            needs_read(now.0 - 10, Some(&row(now.0 - 20, None)), &c, now),
            "new access"
        );
        assert!(
            needs_read(now.0 - 10, Some(&row(now.0 - 10, None)), &c, now),
            "recent: cron may complete it"
        );
        assert!(
            !needs_read(now.0 - 90_000, Some(&row(now.0 - 90_000, None)), &c, now),
            "old access, read"
        );
        assert!(
            !needs_read(now.0 - 10, Some(&row(now.0 - 10, Some(5))), &c, now),
            "complete, no new access"
        );
        assert!(
            needs_read(now.0 - 5, Some(&row(now.0 - 10, Some(5))), &c, now),
            "complete, new access: retake?"
        );
    }
}
