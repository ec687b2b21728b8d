//! Site-wide failures (#14 point 3): a wrong token, a function missing from the token's
//! service, a site in maintenance are the site's fault, not the job's. The site is paused, its
//! jobs wait queued (never dead, attempts not spent), and they run again by themselves once
//! the site answers: no `jobs retry`.

use crate::kit::faults::wait_for;
use crate::kit::world;
use mm_engine::Engine;
use mm_engine::pause::PauseCheck;
use mm_sim_moodle::EnrolStatus;
use mm_store::JobFailure;
use secrecy::SecretString;
use std::time::Duration;

/// A wrong token pauses the site at the first failure; with the token fixed (and the service
/// started again, as an admin does after editing the configuration) the learner is enrolled
/// without `jobs retry`. Before pauses the job was dead at once and stayed dead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_pauses_the_site_and_the_fixed_token_enrols_without_jobs_retry() {
    let (_dir, db) = world::sqlite("pause.sqlite");
    let world = world::start(&db, "1s").await;
    let (cod, email) = world.customers[0].clone();
    let id = world.invoice(&cod, &["PY-101"]).expect("invoice");
    world.fs.pay(id, true).expect("pay");

    let mut wrong = world.config.clone();
    wrong.moodle[0].token = SecretString::from("0123456789abcdef0123456789abcdef".to_string());
    let app = Engine::build(wrong).await.expect("build");
    let report = app.reconcile_once().await.expect("pass with a wrong token");
    let text = report.describe();
    assert!(!report.converged(), "{text}");
    let jobs = app.jobs().await.expect("jobs");
    assert_eq!(jobs.counts.dead, 0, "no job is dead for the site's fault: {text}");
    assert!(jobs.counts.queued > 0, "{text}");
    assert_eq!(jobs.paused.len(), 1, "{text}");
    assert_eq!(jobs.paused[0].pause.code, "invalid_token", "{text}");
    assert!(
        text.contains("site `main` paused: invalid token")
            && text.contains("create a new one")
            && text.contains("resume by themselves once the site answers — checked every 60 s"),
        "the pass says what is wrong, the fix, and what happens next: {text}"
    );
    assert!(
        !text.contains("failing: "),
        "the site's jobs are reported once, with the pause: {text}"
    );
    // A second pass (as `serve` would) neither kills the jobs nor repeats the calls.
    let requests = world.moodle.total_requests();
    let report = app.reconcile_once().await.expect("second pass");
    assert_eq!(app.jobs().await.expect("jobs").counts.dead, 0, "{}", report.describe());
    assert_eq!(
        world.moodle.total_requests() - requests,
        1,
        "a paused site gets only its check (one site info), not its jobs' calls"
    );
    assert_eq!(world::enrolment(&world, &email, "PY101"), None);
    app.stop().await;

    // The admin fixes the token and starts the service again: no `jobs retry`.
    let app = Engine::build(world.config.clone()).await.expect("build");
    let report = app.reconcile_once().await.expect("pass with the right token");
    assert!(report.converged(), "{}", report.describe());
    assert!(app.paused_sites().await.expect("paused").is_empty());
    assert_eq!(
        world::enrolment(&world, &email, "PY101").map(|e| e.0),
        Some(EnrolStatus::Active),
        "the learner is enrolled once the token is fixed"
    );
}

/// A function missing from the token's service, added by the admin in Moodle while `serve`
/// runs: the paused site is checked every `worker.paused_site_check` and the learner is
/// enrolled with no restart and no `jobs retry`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_added_to_the_service_resumes_the_paused_site_while_serving() {
    let (_dir, db) = world::sqlite("pause-serve.sqlite");
    let world = world::start_on(&db, crate::kit::http::free_port(), "1s").await;
    let mut functions: Vec<&str> = mm_engine::site::REQUIRED_FUNCTIONS.to_vec();
    functions.retain(|f| *f != "enrol_manual_enrol_users");
    let token = world.moodle.add_token(2, Some(&functions));
    let mut config = world.config.clone();
    config.moodle[0].token = SecretString::from(token.clone());
    config.worker.paused_site_check = Duration::from_secs(1);
    config.drift.interval = Duration::ZERO;
    // The token holds the enrolment functions only: progress (and its functions) off.
    config.progress.interval = Duration::ZERO;
    let (cod, email) = world.customers[1].clone();
    let id = world.invoice(&cod, &["JS-101"]).expect("invoice");
    world.fs.pay(id, true).expect("pay");

    let svc = crate::kit::faults::Service::start(config, std::sync::Arc::new(mm_net::SystemClock)).await;
    wait_for("the site to be paused", Duration::from_secs(30), || async {
        svc.app.paused_sites().await.expect("paused").len() == 1
    })
    .await;
    let jobs = svc.app.jobs().await.expect("jobs");
    assert_eq!(jobs.counts.dead, 0);
    assert_eq!(jobs.paused[0].pause.code, "access_refused", "{:?}", jobs.paused);
    assert_eq!(world::enrolment(&world, &email, "JS101"), None);

    world
        .moodle
        .add_service_functions(&token, &["enrol_manual_enrol_users"]);
    wait_for("the learner to be enrolled", Duration::from_secs(30), || async {
        world::enrolment(&world, &email, "JS101").is_some_and(|e| e.0 == EnrolStatus::Active)
    })
    .await;
    assert!(svc.app.paused_sites().await.expect("paused").is_empty());
    assert_eq!(svc.app.jobs().await.expect("jobs").counts.dead, 0);
    svc.stop().await;
}

/// Maintenance mode pauses the site (its breaker opens too: maintenance is retried); the
/// check fails while it lasts, and the learner is enrolled by itself once it ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maintenance_pauses_the_site_until_it_ends() {
    let (_dir, db) = world::sqlite("pause-maintenance.sqlite");
    let world = world::start_on(&db, crate::kit::http::free_port(), "1s").await;
    // Maintenance refuses every token but a site admin's: the service's token user is not one.
    let user = world.moodle.add_user(mm_sim_moodle::NewSimUser {
        username: "integration".into(),
        firstname: "Integration".into(),
        lastname: "User".into(),
        email: "integration@example.org".into(),
        // Everything the integration role needs (README), so only maintenance stands in the way.
        capabilities: mm_moodle::CAPABILITIES.iter().map(|c| c.name.to_string()).collect(),
        ..Default::default()
    });
    let token = world.moodle.add_token(user, None);
    let mut config = world.config.clone();
    config.moodle[0].token = SecretString::from(token);
    crate::kit::faults::tune(&mut config);
    config.worker.paused_site_check = Duration::from_secs(1);
    world.moodle.set_maintenance(true);
    let (cod, email) = world.customers[2].clone();
    let id = world.invoice(&cod, &["SQL-101"]).expect("invoice");
    world.fs.pay(id, true).expect("pay");
    let clock = crate::kit::faults::ScaledClock::new(crate::kit::faults::SCALE);
    let svc = crate::kit::faults::Service::start(config, clock).await;

    wait_for("the site to be paused", Duration::from_secs(30), || async {
        !svc.app.paused_sites().await.expect("paused").is_empty()
    })
    .await;
    let paused = svc.app.paused_sites().await.expect("paused");
    // Maintenance is retried by the client, so the breaker may have opened on it first (at the
    // start check) and the round saw only "circuit open".
    assert!(
        ["maintenance", "unreachable"].contains(&paused[0].pause.code.as_str()),
        "{paused:?}"
    );
    let checks = svc.app.check_paused_sites().await.expect("check");
    assert!(
        matches!(&checks[..], [PauseCheck::StillPaused { .. }]),
        "the check fails while maintenance lasts: {checks:?}"
    );
    assert_eq!(svc.app.jobs().await.expect("jobs").counts.dead, 0);

    world.moodle.set_maintenance(false);
    wait_for("the learner to be enrolled", Duration::from_secs(30), || async {
        world::enrolment(&world, &email, "SQL101").is_some_and(|e| e.0 == EnrolStatus::Active)
    })
    .await;
    assert!(svc.app.paused_sites().await.expect("paused").is_empty());
    svc.stop().await;
}

/// A job an older version parked as dead for a site-wide reason (its text is all it has) is
/// queued again when its site passes the start check: the learner is enrolled with no
/// `jobs retry`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_an_older_version_parked_for_a_bad_token_resumes_when_the_site_answers() {
    let (_dir, db) = world::sqlite("pause-legacy.sqlite");
    let world = world::start(&db, "1s").await;
    let (cod, email) = world.customers[3].clone();
    let id = world.invoice(&cod, &["DATA-201"]).expect("invoice");
    world.fs.pay(id, true).expect("pay");
    let app = Engine::build(world.config.clone()).await.expect("build");
    app.poll_all().await;
    app.recompute().await.expect("recompute");
    // What the older version stored: the job dead with the invalid token's message.
    let store = app.store();
    let now = app.now();
    let claimed = store.claim_jobs("old", 10, 60, now).await.expect("claim");
    assert_eq!(claimed.len(), 1);
    let old = "looking up the course on Moodle `main` failed: Moodle refused core_course_get_courses_by_field: \
               Invalid token - token not found (invalidtoken) — fix: the token is invalid or expired: create a new \
               one in Site administration > Server > Web services > Manage tokens";
    store
        .fail_job(&claimed[0], old, JobFailure::Dead, now)
        .await
        .expect("park");
    assert_eq!(app.jobs().await.expect("jobs").counts.dead, 1);

    let checks = app.check_sites().await;
    assert_eq!(app.resume_checked_sites(&checks).await.expect("resume"), 1);
    let report = app.reconcile_once().await.expect("pass");
    assert!(report.converged(), "{}", report.describe());
    assert_eq!(
        world::enrolment(&world, &email, "DATA201").map(|e| e.0),
        Some(EnrolStatus::Active)
    );
}
