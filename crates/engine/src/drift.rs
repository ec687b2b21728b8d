//! Drift repair: read what Moodle really holds for every mapped course (two calls per course,
//! not per learner: a course we enrolled someone in is read by the id we stored, not looked
//! up again) and queue again every key where it differs from what we applied — a payer
//! unenrolled or suspended by hand, an enrolment reactivated by hand. Enrolments nobody paid
//! for are reported, and revoked only when `repair_manual` is set.

use crate::config::DriftConfig;
use crate::job_error::{MoodleFailure, MoodleStep};
use crate::site::{Site, Sites};
use futures::StreamExt;
use mm_core::Timestamp;
use mm_core::{AppliedEnrolment, CourseRef, Email, EnrolmentStatus, EntitlementKey};
use mm_moodle::EnrolledUsersOptions;
use mm_store::{AuditEntry, MoodleEnrolment, Store, StoreError};
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct DriftReport {
    /// Mapped courses whose enrolments were read (a failed read is in `errors` instead).
    pub courses: usize,
    pub moodle_calls: u64,
    /// Keys whose Moodle state differed from what we applied; queued again.
    pub repaired: Vec<String>,
    /// Active enrolments in mapped courses that no invoice pays for.
    pub unexpected: Vec<String>,
    /// Courses that could not be read, with the reason: the sweep did not see them.
    pub errors: Vec<String>,
    /// Keys queued for the worker.
    #[serde(skip)]
    pub queued: usize,
}

/// Reads every mapped course of `sites` and queues again what differs from what we applied.
pub async fn sweep(
    store: &Store,
    sites: &Sites,
    config: &DriftConfig,
    t: Timestamp,
) -> Result<DriftReport, StoreError> {
    let mut report = DriftReport::default();
    let calls_before = sites.request_count();
    let mappings = store.mappings().await?;
    let courses: BTreeSet<(String, CourseRef)> = mappings.iter().map(|m| (m.site.clone(), m.course.clone())).collect();
    let applied = store.applied().await?;
    let accounts = store.applied_accounts().await?;
    let known_ids = store.applied_course_ids().await?;
    let desired_active: BTreeSet<(String, String, String)> = store
        .active_keys()
        .await?
        .into_iter()
        .map(|k| (k.site, k.course, k.learner))
        .collect();
    let mut to_queue = Vec::new();

    let reads = read_courses(sites, courses, &known_ids).await;
    let mut by_course: HashMap<(&str, &CourseRef), Vec<(&EntitlementKey, &AppliedEnrolment)>> = HashMap::new();
    for (k, a) in &applied {
        by_course.entry((k.site.as_str(), &k.course)).or_default().push((k, a));
    }

    for (site_name, course, read) in reads {
        let (course_id, observed) = match read {
            Ok(r) => r,
            Err(e) => {
                report.errors.push(e.to_string());
                continue;
            }
        };
        // Only what was really read counts: a course whose read failed says nothing of Moodle.
        report.courses += 1;
        let ours: BTreeMap<&EntitlementKey, &AppliedEnrolment> = by_course
            .get(&(site_name.as_str(), &course))
            .into_iter()
            .flatten()
            .copied()
            .collect();
        let seen = CourseState {
            site: &site_name,
            course: &course,
            course_id,
            observed: &observed,
            ours: &ours,
            accounts: &accounts,
        };
        repair_ours(store, &seen, t, &mut report, &mut to_queue).await?;
        let repair = config.repair_manual;
        report_unpaid(store, &seen, &desired_active, repair, t, &mut report, &mut to_queue).await?;
    }
    if !to_queue.is_empty() {
        crate::recompute::recompute(store, t).await?;
        store.enqueue(&to_queue, true, t).await?;
        report.queued = to_queue.len();
    }
    report.moodle_calls = sites.request_count() - calls_before;
    Ok(report)
}

type CourseRead = Result<(i64, HashMap<String, (i64, bool)>), ReadCourseError>;

/// Reads every mapped course's enrolments; the client keeps to each site's concurrency.
async fn read_courses(
    sites: &Sites,
    courses: BTreeSet<(String, CourseRef)>,
    known_ids: &BTreeMap<(String, CourseRef), i64>,
) -> Vec<(String, CourseRef, CourseRead)> {
    futures::stream::iter(courses.into_iter().filter_map(|(site_name, course)| {
        let site = sites.get(&site_name)?.clone();
        let known = known_ids.get(&(site_name.clone(), course.clone())).copied();
        Some(async move {
            let r = read_course(&site, &course, known).await;
            (site_name, course, r)
        })
    }))
    .buffer_unordered(16)
    .collect::<Vec<_>>()
    .await
}

/// One course as the sweep sees it: what Moodle holds and what we applied.
struct CourseState<'a> {
    site: &'a str,
    course: &'a CourseRef,
    course_id: i64,
    /// Email → (user id, active now).
    observed: &'a HashMap<String, (i64, bool)>,
    ours: &'a BTreeMap<&'a EntitlementKey, &'a AppliedEnrolment>,
    /// The Moodle account of each key we applied.
    accounts: &'a BTreeMap<EntitlementKey, i64>,
}

impl CourseState<'_> {
    /// The address under which another key of ours holds `key`'s account in this course: the
    /// learner's email changed and the account followed it, so the key under the old address
    /// is what we knew before, not a change made by hand.
    fn moved_to(&self, key: &EntitlementKey) -> Option<&str> {
        let account = *self.accounts.get(key)?;
        self.observed
            .iter()
            .find(|(email, (id, _))| {
                *id == account
                    && email.as_str() != key.learner.as_str()
                    && self.ours.keys().any(|k| k.learner.as_str() == email.as_str())
            })
            .map(|(email, _)| email.as_str())
    }
}

/// Records what Moodle really holds for every key we applied in the course where it differs,
/// and queues the key again.
async fn repair_ours(
    store: &Store,
    observed: &CourseState<'_>,
    t: Timestamp,
    report: &mut DriftReport,
    to_queue: &mut Vec<EntitlementKey>,
) -> Result<(), StoreError> {
    for (key, was) in observed.ours {
        let seen = observed.observed.get(key.learner.as_str()).copied();
        if seen.is_none()
            && let Some(new) = observed.moved_to(key)
        {
            forget_old_address(store, key, was, new, t).await?;
            continue;
        }
        // Moodle counts an enrolment past its end as inactive: that is what we asked for.
        let expired = was.timeend != 0 && was.timeend < t.0;
        let now_is: Option<EnrolmentStatus> = match seen {
            None => None,
            Some((_, true)) => Some(EnrolmentStatus::Active),
            Some((_, false)) if expired && was.status == EnrolmentStatus::Active => Some(EnrolmentStatus::Active),
            Some((_, false)) => Some(EnrolmentStatus::Suspended),
        };
        if now_is == Some(was.status) {
            continue;
        }
        let after = now_is.map(|status| AppliedEnrolment {
            status,
            ..(*was).clone()
        });
        let audit = AuditEntry {
            key: (*key).clone(),
            action: "drift".into(),
            before: serde_json::to_string(was).ok(),
            after: after.as_ref().and_then(|a| serde_json::to_string(a).ok()),
            reason: match &after {
                None => "found unenrolled in Moodle by hand".into(),
                Some(a) => format!("found {} in Moodle by hand", status_word(a.status)),
            },
            job: "drift sweep".into(),
            ok: true,
            error: None,
        };
        let user_id = seen.map_or(0, |(id, _)| id);
        store
            .record_applied(
                key,
                after.map(|enrolment| MoodleEnrolment {
                    enrolment,
                    user_id,
                    course_id: observed.course_id,
                }),
                &audit,
                None,
                t,
            )
            .await?;
        report.repaired.push(key.to_string());
        to_queue.push((*key).clone());
    }
    Ok(())
}

/// Drops what we knew of a key whose account now serves its learner under a new address
/// (audited; not a repair, nothing to queue).
async fn forget_old_address(
    store: &Store,
    key: &EntitlementKey,
    was: &AppliedEnrolment,
    new: &str,
    t: Timestamp,
) -> Result<(), StoreError> {
    let audit = AuditEntry {
        key: key.clone(),
        action: "change_email".into(),
        before: serde_json::to_string(was).ok(),
        after: None,
        reason: format!("the learner's Moodle account now has the address {new}; the enrolment is kept under it"),
        job: "drift sweep".into(),
        ok: true,
        error: None,
    };
    store.record_applied(key, None, &audit, None, t).await
}

/// Reports the course's active enrolments that no invoice pays for; with `repair_manual`,
/// records them as ours so that the next recompute revokes them.
async fn report_unpaid(
    store: &Store,
    observed: &CourseState<'_>,
    desired_active: &BTreeSet<(String, String, String)>,
    repair_manual: bool,
    t: Timestamp,
    report: &mut DriftReport,
    to_queue: &mut Vec<EntitlementKey>,
) -> Result<(), StoreError> {
    let (site_name, course) = (observed.site, observed.course);
    for (email, (user_id, is_active)) in observed.observed {
        if !is_active || desired_active.contains(&(site_name.to_string(), course.to_string(), email.clone())) {
            continue;
        }
        let Ok(learner) = Email::parse(email) else { continue };
        let key = EntitlementKey {
            site: site_name.to_string(),
            course: course.clone(),
            learner,
        };
        if observed.ours.contains_key(&key) {
            continue;
        }
        report.unexpected.push(key.to_string());
        if repair_manual {
            // Recorded as ours: the next recompute finds no invoice for it and revokes it.
            let a = AppliedEnrolment {
                status: EnrolmentStatus::Active,
                role: "student".into(),
                timestart: 0,
                timeend: 0,
            };
            let audit = AuditEntry {
                key: key.clone(),
                action: "drift".into(),
                before: None,
                after: serde_json::to_string(&a).ok(),
                reason: "enrolled in Moodle without an invoice".into(),
                job: "drift sweep".into(),
                ok: true,
                error: None,
            };
            store
                .record_applied(
                    &key,
                    Some(MoodleEnrolment {
                        enrolment: a,
                        user_id: *user_id,
                        course_id: observed.course_id,
                    }),
                    &audit,
                    None,
                    t,
                )
                .await?;
            to_queue.push(key);
        }
    }
    Ok(())
}

/// Why a course could not be read; the text is what the sweep reports.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ReadCourseError {
    #[error("{site}/{course}: the course does not exist in Moodle")]
    CourseMissing { site: String, course: String },
    #[error(transparent)]
    Moodle(MoodleFailure),
}

/// A course's Moodle id and its enrolled users: email → (user id, active now). A course is
/// read by the id we stored (or the one its reference names), else looked up; a stored id that
/// names no course any more is looked up again.
async fn read_course(site: &Site, course: &CourseRef, known: Option<i64>) -> CourseRead {
    let known = known.or(match course {
        CourseRef::Id(id) => Some(*id),
        _ => None,
    });
    if let Some(id) = known {
        match read_enrolments(site, id).await {
            Err(ReadCourseError::Moodle(f)) if f.error.errorcode() == Some("invalidrecord") => {}
            r => return r.map(|observed| (id, observed)),
        }
    }
    let course_id = match site.course_id(course).await {
        Ok(Some(id)) => id,
        Ok(None) => {
            return Err(ReadCourseError::CourseMissing {
                site: site.name.clone(),
                course: course.to_string(),
            });
        }
        Err(e) => {
            return Err(ReadCourseError::Moodle(MoodleFailure::new(
                &site.name,
                MoodleStep::LookUpCourse,
                &e,
            )));
        }
    };
    Ok((course_id, read_enrolments(site, course_id).await?))
}

/// Every enrolment of a course (two calls: all of them, and the active ones).
async fn read_enrolments(site: &Site, course_id: i64) -> Result<HashMap<String, (i64, bool)>, ReadCourseError> {
    // Only the id and the email: by default Moodle also lists every course each participant is
    // enrolled in (`enrolledcourses`), which makes a course's answer grow with courses × learners.
    let fields = Some(vec!["id".to_string(), "email".to_string()]);
    let everyone = EnrolledUsersOptions {
        userfields: fields.clone(),
        ..Default::default()
    };
    let only_active = EnrolledUsersOptions {
        only_active: true,
        userfields: fields,
        ..Default::default()
    };
    let (all, active) = futures::join!(
        site.client.enrolled_users(course_id, &everyone),
        site.client.enrolled_users(course_id, &only_active)
    );
    let (all, active) = match (all, active) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            let failure = MoodleFailure::new(&site.name, MoodleStep::ReadEnrolments, &e);
            return Err(ReadCourseError::Moodle(failure));
        }
    };
    let mut observed = HashMap::new();
    for u in &all {
        if let Some(e) = &u.email {
            observed.insert(e.trim().to_lowercase(), (u.id, false));
        }
    }
    for u in &active {
        if let Some(e) = &u.email {
            observed.insert(e.trim().to_lowercase(), (u.id, true));
        }
    }
    Ok(observed)
}

fn status_word(s: EnrolmentStatus) -> &'static str {
    match s {
        EnrolmentStatus::Active => "active",
        EnrolmentStatus::Suspended => "suspended",
    }
}
