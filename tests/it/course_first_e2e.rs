//! The course is checked before anyone's account is made for it (#14 point 7): a course that
//! cannot take enrolments (Manual enrolments disabled or deleted: `wsnoinstance`) leaves no
//! learner with a Moodle account and no enrolment.

use crate::kit::world;
use mm_sim_moodle::{EnrolStatus, ManualInstance};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_account_is_created_for_a_course_without_manual_enrolments() {
    let (_dir, db) = world::sqlite("course-first.sqlite");
    let world = world::start(&db, "1s").await;
    let course = world.course_id("PY101").expect("PY101");
    assert!(world.moodle.set_manual_instance(course, ManualInstance::Disabled));
    let email = "newcomer@example.org";
    let cod = world.fs.add_customer("Newcomer Learner", email);
    let id = world.invoice(&cod, &["PY-101"]).expect("invoice");
    world.fs.pay(id, true).expect("pay");
    let has_account = || world.moodle.users().iter().any(|u| u.email.eq_ignore_ascii_case(email));

    let app = world::app(&world).await;
    let report = app.reconcile_once().await.expect("pass");
    assert!(!report.converged(), "{}", report.describe());
    assert!(
        report
            .failing
            .iter()
            .any(|f| f.contains(email) && f.contains("wsnoinstance")),
        "{}",
        report.describe()
    );
    assert!(
        !has_account(),
        "an account was made for a course that cannot enrol: {}",
        report.describe()
    );

    // The admin enables Manual enrolments and retries: now the account is made and enrolled.
    assert!(world.moodle.set_manual_instance(course, ManualInstance::Enabled));
    assert_eq!(
        app.retry_dead_jobs(&mm_engine::jobs::DeadJobs::All, &mm_engine::admin::Actor::Cli)
            .await
            .expect("retry"),
        1
    );
    let report = app.reconcile_once().await.expect("pass");
    assert!(report.converged(), "{}", report.describe());
    assert!(has_account());
    assert_eq!(
        world::enrolment(&world, email, "PY101").map(|e| e.0),
        Some(EnrolStatus::Active)
    );
}
