//! Progress sync: completion (Moodle's time), percentage and grade of active enrolments read
//! back from Moodle at the lowest call cost, the cron trap, revoked keys and retakes.

use crate::kit::world;
use mm_demo::DemoWorld;
use mm_sim_moodle::{EnrolStatus, SimEnrolment};
use mm_store::ProgressRow;
use mm_store::testing::{backends, fresh};

const USERS_COURSES: &str = "core_enrol_get_users_courses";
const STATUS: &str = "core_completion_get_course_completion_status";
const GRADES: &str = "gradereport_user_get_grade_items";
const ENROLLED: &str = "core_enrol_get_enrolled_users";

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn count(world: &DemoWorld, f: &str) -> u64 {
    world.moodle.request_counts().get(f).copied().unwrap_or(0)
}

/// The active enrolments of distinct learners, in Moodle.
fn active_learners(world: &DemoWorld) -> Vec<SimEnrolment> {
    let mut seen = std::collections::BTreeSet::new();
    world
        .moodle
        .enrolments()
        .into_iter()
        .filter(|e| e.status == EnrolStatus::Active && seen.insert(e.userid))
        .collect()
}

async fn stored(app: &mm_engine::Engine, e: &SimEnrolment) -> Option<ProgressRow> {
    app.store()
        .progress_of_site("main")
        .await
        .unwrap()
        .into_iter()
        .find(|r| {
            r.key.course.to_string() == e.course_shortname && r.key.learner.as_str().eq_ignore_ascii_case(&e.email)
        })
}

#[tokio::test]
async fn progress_is_read_at_the_lowest_cost_and_finds_cron_completions_and_retakes() {
    for b in backends() {
        let db = fresh(b).await.unwrap();
        let world = world::start(&db.url, "1s").await;
        let paid = world.seed_invoices().unwrap();
        let app = world::app(&world).await;
        let first = app.reconcile_once().await.unwrap();
        assert!(first.converged(), "{b}");
        let p = first.progress.as_ref().expect("reconcile --once syncs progress");
        assert_eq!(p.learners_checked, 0, "{b}: nobody entered a course yet: {p:?}");
        assert!(
            first.describe().contains("progress (as of Moodle's last cron run): "),
            "{b}: {}",
            first.describe()
        );

        let learners = active_learners(&world);
        let (done, idle, late) = (&learners[0], &learners[1], &learners[2]);
        let t = now();
        // One learner entered, completed (cron ran) and got a grade; one never came; one
        // entered but the cron has not completed them yet.
        let course = world.course_id(&done.course_shortname).unwrap();
        world.moodle.with_state(|st| {
            st.courses
                .get_mut(&course)
                .unwrap()
                .activities
                .push(mm_sim_moodle::state::Activity {
                    cmid: 9001,
                    modname: "quiz".into(),
                    instance: 1,
                    tracking: 2,
                    name: String::new(),
                })
        });
        world.moodle.record_course_access(done.userid, done.courseid, t - 600);
        world.moodle.set_activity_completion(done.userid, 9001, 1, t - 590);
        world.moodle.mark_course_complete(done.userid, done.courseid, t - 500);
        world.moodle.set_grade(done.userid, done.courseid, 88.0);
        world.moodle.record_course_access(late.userid, late.courseid, t - 300);
        world.moodle.reset_counts();

        let r = app.sync_progress().await.unwrap();
        assert!(r.errors.is_empty(), "{b}: {r:?}");
        assert_eq!(r.learners_checked, 2, "{b}: only those who entered: {r:?}");
        assert_eq!(count(&world, USERS_COURSES), 2, "{b}");
        assert_eq!(count(&world, STATUS), 1, "{b}: the completion time, once");
        assert_eq!(
            count(&world, GRADES),
            1,
            "{b}: the grade, once, on completion, per course"
        );
        let courses: std::collections::BTreeSet<_> = app
            .store()
            .active_keys()
            .await
            .unwrap()
            .into_iter()
            .map(|k| (k.site, k.course))
            .collect();
        assert_eq!(
            (count(&world, ENROLLED) as usize, r.courses_read),
            (courses.len(), courses.len()),
            "{b}: one access read per course with active enrolments"
        );
        let row = stored(&app, done).await.unwrap();
        assert_eq!(row.completed_at, Some(t - 500), "{b}: Moodle's time");
        assert_eq!(row.grade.as_deref(), Some("88.00"), "{b}");
        assert_eq!(row.percent, Some(100.0), "{b}");
        assert_eq!(r.completed_now.len(), 1, "{b}");
        assert_eq!(stored(&app, idle).await.and_then(|r| r.completed_at), None, "{b}");

        // The cron trap: `late` completes an hour later without coming back; a classmate who
        // entered and completed meanwhile costs no second grade read (one per course).
        let peer = world
            .moodle
            .enrolments()
            .into_iter()
            .find(|e| {
                e.status == EnrolStatus::Active
                    && e.courseid == late.courseid
                    && ![done.userid, idle.userid, late.userid].contains(&e.userid)
            })
            .expect("a second learner in late's course");
        world.moodle.record_course_access(peer.userid, peer.courseid, t - 200);
        world.moodle.mark_course_complete(peer.userid, peer.courseid, t - 150);
        world.moodle.set_grade(peer.userid, peer.courseid, 75.0);
        world.moodle.mark_course_complete(late.userid, late.courseid, t - 100);
        world.moodle.reset_counts();
        let r = app.sync_progress().await.unwrap();
        assert!(r.errors.is_empty(), "{b}: {r:?}");
        let late_row = stored(&app, late).await.unwrap();
        assert_eq!(late_row.completed_at, Some(t - 100), "{b}: {r:?}");
        assert_eq!(late_row.grade, None, "{b}: ungraded");
        assert_eq!(
            stored(&app, &peer).await.unwrap().grade.as_deref(),
            Some("75.00"),
            "{b}"
        );
        assert_eq!(r.completed_now.len(), 2, "{b}: {r:?}");
        assert_eq!(
            count(&world, USERS_COURSES),
            2,
            "{b}: `late` and `peer`; `done` is complete and did not come back"
        );
        assert_eq!(count(&world, STATUS), 2, "{b}: one completion time each");
        assert_eq!(count(&world, GRADES), 1, "{b}: one grade read for the course");

        // A retake: reset, then completed again; both completions are in the history.
        world.moodle.reset_course_completion(done.userid, done.courseid);
        world.moodle.record_course_access(done.userid, done.courseid, t - 50);
        app.sync_progress().await.unwrap();
        assert_eq!(
            stored(&app, done).await.unwrap().completed_at,
            None,
            "{b}: reset clears it"
        );
        world.moodle.mark_course_complete(done.userid, done.courseid, t - 10);
        app.sync_progress().await.unwrap();
        let row = stored(&app, done).await.unwrap();
        assert_eq!(row.completed_at, Some(t - 10), "{b}");
        let history = app.store().progress_history(&row.key).await.unwrap();
        let times: Vec<i64> = history.iter().filter_map(|h| h.completed_at).collect();
        assert_eq!(times, vec![t - 500, t - 10], "{b}: {history:?}");

        // A revoked enrolment is not read, even after an access.
        world.fs.credit(paid[0], None).unwrap();
        assert!(app.reconcile_once().await.unwrap().converged(), "{b}");
        let revoked = world
            .moodle
            .enrolments()
            .into_iter()
            .find(|e| e.status == EnrolStatus::Suspended)
            .expect("a suspended enrolment");
        let others_active = world
            .moodle
            .enrolments()
            .iter()
            .any(|e| e.userid == revoked.userid && e.status == EnrolStatus::Active);
        world
            .moodle
            .record_course_access(revoked.userid, revoked.courseid, now());
        world.moodle.reset_counts();
        let r = app.sync_progress().await.unwrap();
        if !others_active {
            assert_eq!(count(&world, USERS_COURSES), 0, "{b}: {r:?}");
        }
        let row = stored(&app, &revoked).await;
        assert!(
            row.is_none_or(|r| r.last_access.is_none_or(|a| a < t)),
            "{b}: not read: {r:?}"
        );
    }
}
