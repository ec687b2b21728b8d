//! Outages, on a 30x scaled breaker clock ("5 minutes" = 10 s; see `fault_support`):
//! Moodle down, FacturaScripts down, the database gone. Each time the service must not hammer
//! what is down (requests counted by the simulators' fault injectors), must keep working on what
//! is up, and must converge once everything is back: every paid learner enrolled exactly once,
//! no duplicate account, no action lost from the audit log.
//!
//! `MM_SOAK=1` runs the outages at their real length (5 minutes each, breakers on the real
//! clock).

mod fault_support;

use fault_support::{
    FIVE_MINUTES, SCALE, ScaledClock, Service, assert_converged, enrolled_count, free_port, paid_learners, tune,
    wait_converged, wait_for,
};
use mm_net::{BreakerConfig, BreakerState, Clock, SystemClock};
use mm_sim_fault::{ErrorKind, FaultConfig, Outage};
use moodle_management::demo::DemoWorld;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The outage length and the breakers' clock: scaled, or real with `MM_SOAK=1`.
fn outage_and_clock() -> (Duration, Arc<dyn Clock>, u32) {
    if std::env::var("MM_SOAK").is_ok_and(|v| v == "1") {
        (Duration::from_secs(300), Arc::new(SystemClock), 1)
    } else {
        (FIVE_MINUTES, ScaledClock::new(SCALE), SCALE)
    }
}

fn outage(duration: Duration, kind: ErrorKind) -> FaultConfig {
    FaultConfig {
        outage: Some(Outage {
            start_after: Duration::ZERO,
            duration,
        }),
        outage_kind: kind,
        ..FaultConfig::default()
    }
}

/// The most requests a client guarded by a breaker may send to a site that is down for
/// `outage`: up to `failure_threshold` failures open it, plus the attempts already in flight
/// when it opens (`in_flight`), then one probe per cool-down (wall-clock cool-down =
/// cool-down / scale), plus one for a probe straddling each end of the window.
fn breaker_bound(outage: Duration, scale: u32, in_flight: u64) -> u64 {
    let b = BreakerConfig::default();
    let cool_down = b.cool_down / scale;
    u64::from(b.failure_threshold) + in_flight + (outage.as_millis() / cool_down.as_millis()) as u64 + 2
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moodle_down_opens_the_breaker_without_a_retry_storm_and_everything_converges_after() {
    let (outage_len, clock, scale) = outage_and_clock();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("outage.sqlite").display());
    let world = DemoWorld::start(&db, free_port(), "1s").await.unwrap();
    let mut config = world.config.clone();
    tune(&mut config);
    let concurrency = config.moodle[0].concurrency as u64;

    // Business as usual first: 100 paid invoices converge.
    let before = paid_learners(&world, "mo", 0..100);
    let svc = Service::start(config, clock).await;
    wait_converged(&world, &svc.app, &before, Duration::from_secs(30)).await;

    // Moodle answers 503 to everything for "5 minutes"; meanwhile 200 more invoices are paid.
    let faults = world.moodle.faults();
    let injected_before = faults.stats().injected;
    let requests_before = world.moodle.total_requests();
    faults.set(outage(outage_len, ErrorKind::Http503));
    let started = Instant::now();
    let during = paid_learners(&world, "mo", 100..300);

    // The breaker opens, and stays open (but for its probes) while Moodle is down.
    wait_for("the Moodle breaker to open", outage_len, || async {
        matches!(svc.site().client.breaker_state(), BreakerState::Open { .. })
    })
    .await;
    let mut open_seen = 0u32;
    while started.elapsed() < outage_len {
        if matches!(svc.site().client.breaker_state(), BreakerState::Open { .. }) {
            open_seen += 1;
        }
        assert_eq!(
            enrolled_count(&world, &during),
            0,
            "nothing can be enrolled while Moodle is down"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let in_window = world.moodle.total_requests() - requests_before;
    let refused = faults.stats().injected - injected_before;
    let bound = breaker_bound(outage_len, scale, concurrency);
    assert!(refused > 0, "the service did try Moodle during the outage");
    assert!(
        refused <= bound,
        "retry storm: {refused} requests reached Moodle during a {outage_len:?} outage (bound {bound})"
    );

    // Moodle is back: everything converges, nothing twice.
    let all: Vec<_> = before.iter().chain(&during).cloned().collect();
    let recovery = wait_converged(&world, &svc.app, &all, Duration::from_secs(60)).await;
    assert_converged(&world, &svc.app, &all, &[]).await;
    svc.stop().await;
    eprintln!(
        "Moodle outage of {outage_len:?} (scale {scale}x): {refused} requests refused by Moodle \
         ({in_window} counted by the simulator during the window, bound {bound}); breaker seen open \
         {open_seen} times out of {} checks; 200 invoices paid meanwhile converged {recovery:?} after the outage",
        outage_len.as_millis() / 100
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facturascripts_down_the_poller_backs_off_resumes_and_loses_nothing() {
    let (outage_len, clock, scale) = outage_and_clock();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("outage.sqlite").display());
    let world = DemoWorld::start(&db, free_port(), "1s").await.unwrap();
    let mut config = world.config.clone();
    tune(&mut config);

    let before = paid_learners(&world, "fo", 0..100);
    let svc = Service::start(config, clock).await;
    wait_converged(&world, &svc.app, &before, Duration::from_secs(30)).await;

    // FacturaScripts closes every connection for "5 minutes". Meanwhile 200 invoices are paid
    // and one paid before is unpaid again.
    let injected_before = world.fs_faults.stats().injected;
    world.fs_faults.set(outage(outage_len, ErrorKind::ConnectionReset));
    let started = Instant::now();
    let during = paid_learners(&world, "fo", 100..300);
    let unpaid = before[7].clone();
    world.fs.pay(unpaid.invoice, false).unwrap();

    wait_for("the FacturaScripts breaker to open", outage_len, || async {
        matches!(svc.app.sources[0].breaker_state(), BreakerState::Open { .. })
    })
    .await;
    let moodle_before = world.moodle.total_requests();
    while started.elapsed() < outage_len {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let refused = world.fs_faults.stats().injected - injected_before;
    // One poller, one request at a time: nothing else is in flight when the breaker opens, but
    // the first failing request is retried by the client (4 attempts).
    let bound = breaker_bound(outage_len, scale, 3);
    assert!(refused > 0, "the poller did try during the outage");
    assert!(
        refused <= bound,
        "retry storm: {refused} requests reached FacturaScripts during a {outage_len:?} outage (bound {bound})"
    );
    assert_eq!(enrolled_count(&world, &during), 0, "nothing was polled while down");

    let paid: Vec<_> = before
        .iter()
        .chain(&during)
        .filter(|l| l.email != unpaid.email)
        .cloned()
        .collect();
    let recovery = wait_converged(&world, &svc.app, &paid, Duration::from_secs(60)).await;
    let moodle_calls = world.moodle.total_requests() - moodle_before;
    assert_converged(&world, &svc.app, &paid, std::slice::from_ref(&unpaid)).await;
    svc.stop().await;
    eprintln!(
        "FacturaScripts outage of {outage_len:?} (scale {scale}x): {refused} requests reached it (bound {bound}); \
         converged {recovery:?} after it, {moodle_calls} Moodle calls for the 200 new invoices and one revocation"
    );
}
