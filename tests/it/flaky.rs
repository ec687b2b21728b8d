//! A slow and flaky Moodle: 2 s per request and 30 % of requests failing, some of them *after*
//! Moodle did the work (the answer is lost, the client sees a broken connection: the case that
//! duplicates accounts or enrolments when a client repeats blindly). The service must converge
//! with one account per learner and one enrolment (one `enrol` action) per paid course.
//!
//! `MM_SOAK=1` runs 200 learners instead of 20.

use crate::kit::faults::{
    SCALE, ScaledClock, Service, assert_converged, free_port, paid_learners, tune, wait_converged,
};
use crate::kit::world;
use mm_demo::DemoWorld;
use mm_sim_fault::{ErrorKind, FaultConfig};
use std::collections::BTreeMap;
use std::time::Duration;

/// Requests per (function, outcome) in the Moodle simulator's request log.
fn outcomes(world: &DemoWorld) -> BTreeMap<(String, String), usize> {
    let mut m = BTreeMap::new();
    for e in world.moodle.request_log() {
        *m.entry((e.function, e.outcome)).or_default() += 1;
    }
    m
}

fn count(m: &BTreeMap<(String, String), usize>, function: &str, outcome: &str) -> usize {
    m.get(&(function.to_string(), outcome.to_string()))
        .copied()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_flaky_moodle_converges_with_no_duplicate_account_or_enrolment() {
    let soak = std::env::var("MM_SOAK").is_ok_and(|v| v == "1");
    let learners = if soak { 200 } else { 20 };
    let (_dir, db) = world::sqlite("flaky.sqlite");
    let world = world::start_on(&db, free_port(), "1s").await;
    let mut config = world.config.clone();
    tune(&mut config);
    // Small batches: more requests, so more of them fail, in every kind of call.
    config.moodle[0].batch_size = 5;

    // 30 % of requests fail: 20 % refused before Moodle acts (HTTP 500), and of the rest one in
    // eight (10 % of all) processed, then the answer lost. Every request takes 2 s. Seeded, so a
    // run's draws are reproducible.
    world.moodle.faults().set(FaultConfig {
        latency_fixed: Duration::from_secs(2),
        error_rate: 0.2,
        error_kind: ErrorKind::Http500,
        response_loss_rate: 0.125,
        seed: Some(9),
        ..FaultConfig::default()
    });
    let paid = paid_learners(&world, "fl", 0..learners);
    let started = std::time::Instant::now();
    let svc = Service::start(config, ScaledClock::new(SCALE)).await;
    let took = wait_converged(
        &world,
        &svc.app,
        &paid,
        Duration::from_secs(if soak { 600 } else { 55 }),
    )
    .await;
    assert_converged(&world, &svc.app, &paid, &[]).await;
    svc.stop().await;

    let stats = world.moodle.faults().stats();
    let log = outcomes(&world);
    let total: usize = log.values().sum();
    let failed = log
        .iter()
        .filter(|((_, o), _)| o == "fault" || o.starts_with("lost:"))
        .map(|(_, n)| n)
        .sum::<usize>();
    // The faults did happen, of both kinds, and on the calls that could duplicate something.
    assert!(stats.injected > 0 && stats.lost > 0, "{stats:?}");
    assert_eq!(failed as u64, stats.injected + stats.lost, "{log:?}");
    eprintln!(
        "{learners} learners, Moodle at 2 s per request, {failed} of {total} requests failed ({} refused, {} \
         answers lost after the work was done); converged in {took:?} ({:?} since start) with one account and \
         one enrolment each. Requests by function and outcome: {log:?}",
        stats.injected,
        stats.lost,
        started.elapsed()
    );
}

/// Deterministic: the answer to the first account creation and to the first enrolment are
/// lost after Moodle did the work. The next round finds the accounts by email instead of
/// creating them again; the enrolment is repeated, which changes nothing in Moodle.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_answers_to_account_creation_and_enrolment_duplicate_nothing() {
    let (_dir, db) = world::sqlite("lost.sqlite");
    let world = world::start_on(&db, free_port(), "1s").await;
    let mut config = world.config.clone();
    tune(&mut config);
    let faults = world.moodle.faults();
    faults.set(FaultConfig {
        error_keys: vec!["core_user_create_users".into(), "enrol_manual_enrol_users".into()],
        ..FaultConfig::default()
    });
    faults.lose_next(2);
    let paid = paid_learners(&world, "lo", 0..30);
    let svc = Service::start(config, ScaledClock::new(SCALE)).await;
    let took = wait_converged(&world, &svc.app, &paid, Duration::from_secs(30)).await;
    assert_converged(&world, &svc.app, &paid, &[]).await;
    svc.stop().await;

    let log = outcomes(&world);
    assert_eq!(count(&log, "core_user_create_users", "lost:ok"), 1, "{log:?}");
    assert_eq!(count(&log, "enrol_manual_enrol_users", "lost:ok"), 1, "{log:?}");
    assert_eq!(
        count(&log, "core_user_create_users", "ok"),
        0,
        "the accounts made by the lost creation were found, not created again: {log:?}"
    );
    eprintln!("lost answers to a creation of 30 accounts and to their enrolment: converged in {took:?}; {log:?}");
}
