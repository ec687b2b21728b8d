//! Right on a real install (#14): what a real Moodle's integration role lacks is said at start
//! and in the parked job's fix; accounts one letter case apart are held; an email change is not
//! drift; a sweep reads each course with two calls.

use crate::kit::world;
use mm_demo::DemoWorld;
use mm_engine::{Engine, SiteProblemCode};
use mm_moodle::{CAPABILITIES, Probe};
use mm_sim_moodle::{EnrolStatus, NewSimUser};
use mm_store::testing::{TestDb, fresh};
use std::sync::Arc;

async fn start() -> (DemoWorld, Arc<Engine>, TestDb) {
    let db = fresh("sqlite").await.unwrap();
    let world = world::start(&db.url, "1s").await;
    let app = world::app(&world).await;
    (world, app, db)
}

fn customer(world: &DemoWorld, i: usize) -> (String, String) {
    world.customers[i].clone()
}

fn paid(world: &DemoWorld, codcliente: &str, product: &str) {
    let id = world.invoice(codcliente, &[product]).unwrap();
    world.fs.pay(id, true).unwrap();
}

async fn dead_errors(app: &Engine) -> Vec<String> {
    app.store()
        .dead_jobs()
        .await
        .unwrap()
        .into_iter()
        .map(|j| j.error)
        .collect()
}

#[tokio::test]
async fn every_probeable_capability_the_token_user_lacks_is_named_at_start_with_its_fix() {
    let (world, app, _db) = start().await;
    let checks = app.check_sites().await;
    assert!(
        checks[0].is_ready(),
        "the simulator's token user has every capability: {checks:?}"
    );
    let probeable: Vec<_> = CAPABILITIES.iter().filter(|c| c.probe != Probe::NotProbeable).collect();
    assert!(probeable.len() >= 6, "{probeable:?}");
    for cap in probeable {
        world.moodle.remove_capability(cap.name);
        let check = app.check_sites().await.remove(0);
        world.moodle.restore_capability(cap.name);
        if cap.probe == Probe::SiteInfo {
            let e = check.result.expect_err(cap.name);
            assert!(e.contains(cap.name), "{}: {e}", cap.name);
            continue;
        }
        assert!(check.result.is_ok(), "{}: {check:?}", cap.name);
        assert_eq!(check.problems.len(), 1, "{}: {check:?}", cap.name);
        let problem = &check.problems[0];
        assert_eq!(problem.code, SiteProblemCode::MissingCapability, "{}", cap.name);
        assert!(problem.message.contains(cap.name), "{}: {problem}", cap.name);
        assert!(
            problem.fix.contains(cap.name) && problem.fix.contains("Define roles"),
            "{}: {problem}",
            cap.name
        );
    }
    assert!(app.check_sites().await[0].is_ready());
}

#[tokio::test]
async fn without_viewuseridentity_an_existing_learner_s_job_names_the_capability() {
    let (world, app, _db) = start().await;
    let (cod, email) = customer(&world, 3);
    world.moodle.add_user(NewSimUser::learner("existing", &email));
    world.moodle.remove_capability("moodle/site:viewuseridentity");
    let check = app.check_sites().await.remove(0);
    assert!(
        check
            .problems
            .iter()
            .any(|p| p.message.contains("moodle/site:viewuseridentity")),
        "{check:?}"
    );

    paid(&world, &cod, "PY-101");
    let report = app.reconcile_once().await.unwrap();
    assert!(!report.converged(), "{report:?}");
    let errors = dead_errors(&app).await;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("no account with that email was found")
            && errors[0].contains("moodle/site:viewuseridentity"),
        "{}",
        errors[0]
    );
    assert!(!errors[0].contains("turn on site debugging"), "{}", errors[0]);
    assert_eq!(
        world.moodle.users().iter().filter(|u| u.email == email).count(),
        1,
        "no second account"
    );

    // Fixed in Moodle, retried: the existing account is matched and enrolled.
    world.moodle.restore_capability("moodle/site:viewuseridentity");
    app.store().retry_dead(None, app.now()).await.unwrap();
    assert!(app.reconcile_once().await.unwrap().converged());
    assert_eq!(
        world::enrolment(&world, &email, "PY101").map(|e| e.0),
        Some(EnrolStatus::Active)
    );
}

#[tokio::test]
async fn two_accounts_whose_emails_differ_only_in_letter_case_are_held() {
    let (world, app, _db) = start().await;
    let (cod, email) = customer(&world, 4);
    let lower = world.moodle.add_user(NewSimUser::learner("lower", &email));
    let upper = world
        .moodle
        .add_user(NewSimUser::learner("upper", &email.to_uppercase()));
    paid(&world, &cod, "PY-101");
    let report = app.reconcile_once().await.unwrap();
    assert!(!report.converged(), "{report:?}");
    assert!(
        world
            .moodle
            .enrolments()
            .iter()
            .all(|e| e.userid != lower && e.userid != upper),
        "neither account is guessed"
    );
    let errors = dead_errors(&app).await;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains(&format!("user ids {lower}, {upper}")) && errors[0].contains("share the email"),
        "{}",
        errors[0]
    );
}

#[tokio::test]
async fn a_mapping_with_a_group_needs_the_group_functions_at_start() {
    let db = fresh("sqlite").await.unwrap();
    let world = world::start(&db.url, "1s").await;
    let mut config = world.config.clone();
    config.mappings[0].group = Some("Spring".into());
    let app = Engine::build(config).await.unwrap();
    let e = app
        .check_sites()
        .await
        .remove(0)
        .result
        .expect_err("group functions missing");
    for f in mm_moodle::site::GROUP_FUNCTIONS {
        assert!(e.contains(f), "{f}: {e}");
    }
    world.moodle.enable_group_functions();
    assert!(app.check_sites().await[0].is_ready());
}

#[tokio::test]
async fn an_email_change_is_not_reported_as_drift() {
    let (world, app, _db) = start().await;
    let (cod, old) = customer(&world, 7);
    paid(&world, &cod, "SQL-101");
    assert!(app.reconcile_once().await.unwrap().converged());
    let new = "moved.learner@example.org";
    world.fs.set_customer_email(&cod, new);
    let contact = world.fs.billing_contact_of(&cod).unwrap();
    world.fs.set_contact_email(contact, new);
    for _ in 0..3 {
        app.reconcile_once().await.unwrap();
        if world::enrolment(&world, new, "SQL101").is_some() {
            break;
        }
    }
    assert!(app.reconcile_once().await.unwrap().converged());
    assert_eq!(
        world::enrolment(&world, new, "SQL101").map(|e| e.0),
        Some(EnrolStatus::Active),
        "{old} → {new}"
    );
    let sweep = app.sweep_drift().await.unwrap();
    assert!(sweep.repaired.is_empty(), "nothing was changed by hand: {sweep:?}");
    assert!(sweep.unexpected.is_empty(), "{sweep:?}");
    assert!(app.sweep_drift().await.unwrap().repaired.is_empty());
}

#[tokio::test]
async fn a_sweep_in_a_fresh_process_reads_each_course_with_two_calls() {
    let (world, app, _db) = start().await;
    world.seed_invoices().unwrap();
    assert!(app.reconcile_once().await.unwrap().converged());
    let enrolled: std::collections::BTreeSet<i64> = world.moodle.enrolments().iter().map(|e| e.courseid).collect();
    assert_eq!(
        enrolled.len(),
        mm_demo::COURSES.len(),
        "every demo course has a learner"
    );

    // A new process knows no course id but the ones it stored.
    let fresh_app = Engine::build(world.config.clone()).await.unwrap();
    let calls = world.moodle.total_requests();
    let report = fresh_app.sweep_drift().await.unwrap();
    let made = world.moodle.total_requests() - calls;
    assert_eq!(report.courses, mm_demo::COURSES.len(), "{report:?}");
    assert_eq!(
        made,
        2 * mm_demo::COURSES.len() as u64,
        "{:?}",
        world.moodle.request_counts()
    );
    assert_eq!(report.moodle_calls, made);
    eprintln!("drift sweep: {made} Moodle calls for {} courses", report.courses);
}
