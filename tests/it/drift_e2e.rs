//! Drift repair: changes made by hand in Moodle are found by the sweep and put right.

use crate::kit::world;
use mm_demo::DemoWorld;
use mm_engine::Engine;
use mm_sim_moodle::{EnrolStatus, NewSimUser};
use mm_store::testing::{backends, fresh};

fn status(world: &DemoWorld, email: &str, course: &str) -> Option<EnrolStatus> {
    world::enrolment(world, email, course).map(|(status, _, _)| status)
}

#[tokio::test]
async fn a_payer_unenrolled_or_suspended_by_hand_is_restored_by_the_sweep() {
    for b in backends() {
        let db = fresh(b).await.unwrap();
        let world = world::start(&db.url, "1s").await;
        world.seed_invoices().unwrap();
        let app = world::app(&world).await;
        assert!(app.reconcile_once().await.unwrap().converged());
        let enrolled = world.moodle.enrolments();
        let victim = enrolled
            .iter()
            .find(|e| e.status == EnrolStatus::Active)
            .unwrap()
            .clone();
        let other = enrolled
            .iter()
            .find(|e| e.status == EnrolStatus::Active && e.userid != victim.userid)
            .unwrap()
            .clone();

        // By hand in Moodle: one payer unenrolled, another suspended.
        world.moodle.unenrol_by_hand(victim.userid, victim.courseid);
        world.moodle.enrol_by_hand(
            other.userid,
            other.courseid,
            5,
            EnrolStatus::Suspended,
            other.timestart,
            other.timeend,
        );
        // The plan alone cannot see it (it compares with what we applied)...
        assert_eq!(app.reconcile_once().await.unwrap().worker.applied, 0);
        // ...the sweep reads Moodle: two calls per mapped course.
        let calls = world.moodle.total_requests();
        let report = app.sweep_drift().await.unwrap();
        let courses = mm_demo::COURSES.len();
        assert_eq!(report.courses, courses);
        assert_eq!(
            world.moodle.total_requests() - calls,
            2 * courses as u64,
            "{b}: {report:?}"
        );
        assert_eq!(report.repaired.len(), 2, "{b}: {report:?}");
        assert!(report.unexpected.is_empty(), "{b}: {report:?}");
        let pass = app.reconcile_once().await.unwrap();
        assert!(pass.converged(), "{b}");
        assert_eq!(
            status(&world, &victim.email, &victim.course_shortname),
            Some(EnrolStatus::Active),
            "{b}"
        );
        assert_eq!(
            status(&world, &other.email, &other.course_shortname),
            Some(EnrolStatus::Active),
            "{b}"
        );
        let drift: Vec<_> = app
            .store()
            .audit_log(50)
            .await
            .unwrap()
            .into_iter()
            .filter(|a| a.action == "drift")
            .collect();
        assert_eq!(drift.len(), 2, "{b}: drift is audited");
        // A second sweep finds nothing.
        assert!(app.sweep_drift().await.unwrap().repaired.is_empty(), "{b}");
    }
}

#[tokio::test]
async fn an_enrolment_nobody_paid_for_is_reported_and_revoked_only_when_asked() {
    let db = fresh("sqlite").await.unwrap();
    let world = world::start(&db.url, "1s").await;
    let freeloader = world.moodle.add_user(NewSimUser {
        username: "free".into(),
        firstname: "Free".into(),
        lastname: "Loader".into(),
        email: "free@example.org".into(),
        ..NewSimUser::default()
    });
    world.moodle.enrol_by_hand(
        freeloader,
        world.course_id("PY101").unwrap(),
        5,
        EnrolStatus::Active,
        0,
        0,
    );

    let app = world::app(&world).await;
    let report = app.sweep_drift().await.unwrap();
    assert_eq!(report.unexpected, vec!["main/PY101/free@example.org".to_string()]);
    app.reconcile_once().await.unwrap();
    assert_eq!(
        status(&world, "free@example.org", "PY101"),
        Some(EnrolStatus::Active),
        "default: only reported"
    );

    let mut config = world.config.clone();
    config.drift.repair_manual = true;
    let strict = Engine::build(config).await.unwrap();
    strict.sweep_drift().await.unwrap();
    assert!(strict.reconcile_once().await.unwrap().converged());
    assert_eq!(
        status(&world, "free@example.org", "PY101"),
        Some(EnrolStatus::Suspended),
        "repair_manual revokes"
    );
}

/// `reconcile --once --sweep` while Moodle cannot be read: the pass itself has nothing to do,
/// but the sweep saw nothing, so the pass is not converged, and no course counts as read.
#[tokio::test]
async fn a_sweep_that_could_not_read_moodle_is_not_a_converged_pass() {
    let db = fresh(backends()[0]).await.unwrap();
    let world = world::start(&db.url, "1s").await;
    world.seed_invoices().unwrap();
    let app = world::app(&world).await;
    assert!(app.reconcile_once().await.unwrap().converged());

    world.moodle.faults().outage_for(std::time::Duration::from_secs(600));
    let drift = app.sweep_drift().await.unwrap();
    world.moodle.faults().clear();
    assert_eq!(drift.courses, 0, "no course was read: {drift:?}");
    assert_eq!(drift.errors.len(), mm_demo::COURSES.len(), "{drift:?}");

    world.moodle.faults().outage_for(std::time::Duration::from_secs(600));
    let pass = app.reconcile_once_with_sweep().await.unwrap();
    assert!(pass.after.converged(), "the pass itself had nothing left to do");
    assert!(!pass.converged(), "but the sweep read nothing: {}", pass.describe());
    let text = pass.describe();
    assert!(text.contains("drift sweep: 0 courses read"), "{text}");
    assert!(text.contains("drift error: "), "{text}");
    assert!(text.contains("NOT converged"), "{text}");
}
