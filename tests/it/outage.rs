//! Outages, on a 30x scaled breaker clock ("5 minutes" = 10 s; see `kit::faults`):
//! Moodle down, FacturaScripts down, the database gone. Each time the service must not hammer
//! what is down (requests counted by the simulators' fault injectors), must keep working on what
//! is up, and must converge once everything is back: every paid learner enrolled exactly once,
//! no duplicate account, no action lost from the audit log.
//!
//! `MM_SOAK=1` runs the outages at their real length (5 minutes each, breakers on the real
//! clock).

use crate::kit::faults::{
    FIVE_MINUTES, SCALE, ScaledClock, Service, assert_converged, enrolled_count, free_port, paid_learners, tune,
    wait_converged, wait_for,
};
use crate::kit::world;
use mm_net::{BreakerConfig, BreakerState, Clock, SystemClock};
use mm_sim_fault::{ErrorKind, FaultConfig, Outage};
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
/// `outage`: `failure_threshold` failures open it, plus the attempts that were already under
/// way when it opened (`in_flight`), then one probe per cool-down (wall-clock cool-down =
/// cool-down / scale), plus one for a probe straddling each end of the window. Without the
/// breaker every round would spend each call's 4 attempts, every second or two.
fn breaker_bound(outage: Duration, scale: u32, in_flight: u64) -> u64 {
    let b = BreakerConfig::default();
    let cool_down = b.cool_down / scale;
    u64::from(b.failure_threshold) + in_flight + (outage.as_millis() / cool_down.as_millis()) as u64 + 2
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moodle_down_opens_the_breaker_without_a_retry_storm_and_everything_converges_after() {
    let (outage_len, clock, scale) = outage_and_clock();
    let (_dir, db) = world::sqlite("outage.sqlite");
    let world = world::start_on(&db, free_port(), "1s").await;
    let mut config = world.config.clone();
    tune(&mut config);
    // Fewer attempts than the outage lasts back-offs (about 7 here), as a real outage of a few
    // hours outlasts the default 20: failures while the site is down must not park jobs as dead.
    config.worker.max_attempts = 3;
    let concurrency = config.moodle[0].concurrency as u64;

    // Business as usual first: 100 paid invoices converge.
    let before = paid_learners(&world, "mo", 0..100);
    let svc = Service::start(config, clock).await;
    wait_converged(&world, &svc.app, &before, Duration::from_secs(30)).await;

    // Moodle answers 503 to everything for "5 minutes"; meanwhile 200 more invoices are paid.
    let faults = world.moodle.faults();
    let injected_before = faults.stats().injected;
    let requests_before = world.moodle.total_requests();
    // Taken before the outage starts, so that `started + outage_len` is inside it.
    let started = Instant::now();
    faults.set(outage(outage_len, ErrorKind::Http503));
    let during = paid_learners(&world, "mo", 100..300);

    // The breaker opens, and stays open (but for its probes) while Moodle is down.
    wait_for("the Moodle breaker to open", outage_len, || async {
        matches!(svc.site().client.breaker_state(), BreakerState::Open { .. })
    })
    .await;
    let mut open_seen = 0u32;
    let mut in_window = 0;
    while started.elapsed() < outage_len {
        in_window = world.moodle.total_requests() - requests_before;
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
    let refused = faults.stats().injected - injected_before;
    let bound = breaker_bound(outage_len, scale, concurrency);
    assert!(refused > 0, "the service did try Moodle during the outage");
    assert!(
        refused <= bound,
        "retry storm: {refused} requests reached Moodle during a {outage_len:?} outage (bound {bound})"
    );

    // Every request Moodle received during the outage was refused (and counted by both).
    assert!(in_window <= refused, "{in_window} requests arrived, {refused} refused");

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
    let (_dir, db) = world::sqlite("outage.sqlite");
    let world = world::start_on(&db, free_port(), "1s").await;
    let mut config = world.config.clone();
    tune(&mut config);

    let before = paid_learners(&world, "fo", 0..100);
    let svc = Service::start(config, clock).await;
    wait_converged(&world, &svc.app, &before, Duration::from_secs(30)).await;

    // FacturaScripts closes every connection for "5 minutes". Meanwhile 200 invoices are paid
    // and one paid before is unpaid again.
    let injected_before = world.fs_faults.stats().injected;
    let started = Instant::now();
    world.fs_faults.set(outage(outage_len, ErrorKind::ConnectionReset));
    let during = paid_learners(&world, "fo", 100..300);
    let unpaid = before[7].clone();
    world.fs.pay(unpaid.invoice, false).unwrap();

    wait_for("the FacturaScripts breaker to open", outage_len, || async {
        matches!(svc.app.sources()[0].breaker_state(), BreakerState::Open { .. })
    })
    .await;
    let moodle_before = world.moodle.total_requests();
    while started.elapsed() < outage_len {
        assert_eq!(
            enrolled_count(&world, &during),
            0,
            "nothing can be polled while FacturaScripts is down"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let refused = world.fs_faults.stats().injected - injected_before;
    // One poller, one request at a time; the request under way when the breaker opens may
    // still spend its remaining attempts.
    let attempts = u64::from(mm_net::RetryPolicy::default().max_attempts);
    let bound = breaker_bound(outage_len, scale, attempts - 1);
    assert!(refused > 0, "the poller did try during the outage");
    assert!(
        refused <= bound,
        "retry storm: {refused} requests reached FacturaScripts during a {outage_len:?} outage (bound {bound})"
    );

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

/// The service's PostgreSQL database goes away for "5 minutes" while a worker round is between
/// its Moodle calls and its commit: every connection is terminated (`pg_terminate_backend`, in
/// a loop) and new ones are refused (`ALLOW_CONNECTIONS false`). The database is a dedicated one
/// on the test cluster, which stays usable for the other tests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_gone_mid_round_and_back_loses_nothing_and_duplicates_nothing() {
    if !mm_store::testing::backends().contains(&"postgres") {
        eprintln!("skipped: MM_TEST_POSTGRES_URL is not set (scripts/test.sh starts PostgreSQL and sets it)");
        return;
    }
    let (outage_len, clock, scale) = outage_and_clock();
    let db = mm_store::testing::fresh("postgres").await.unwrap();
    let name = db.url.rsplit('/').next().unwrap().to_string();
    let admin_url = std::env::var("MM_TEST_POSTGRES_URL").unwrap();
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url)
        .await
        .unwrap();
    let world = world::start_on(&db.url, free_port(), "1s").await;
    let mut config = world.config.clone();
    tune(&mut config);
    let lease = config.worker.lease;
    let batch_size = config.moodle[0].batch_size;

    let before = paid_learners(&world, "do", 0..100);
    let svc = Service::start(config, clock).await;
    wait_converged(&world, &svc.app, &before, Duration::from_secs(30)).await;
    assert_eq!(svc.readyz().await.map(|r| r.0), Some(200));

    // 200 more paid invoices; Moodle is slow enough that the database can be cut while the
    // worker's round is under way: after the accounts are created, before anything is recorded.
    world
        .moodle
        .faults()
        .set(FaultConfig::with_latency(Duration::from_millis(300)));
    let creations = || {
        world
            .moodle
            .request_counts()
            .get("core_user_create_users")
            .copied()
            .unwrap_or(0)
    };
    let created_before = creations();
    let during = paid_learners(&world, "do", 100..300);
    wait_for(
        "the worker to create the new learners' accounts",
        Duration::from_secs(30),
        || async { creations() > created_before },
    )
    .await;
    sqlx::query(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
        .execute(&mut admin)
        .await
        .unwrap();
    let started = Instant::now();
    let mut terminated = 0u64;
    let mut not_ready_after = None;
    let mut moodle_at_first_refusal = None;
    while started.elapsed() < outage_len {
        let killed: Vec<(bool,)> = sqlx::query_as(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        )
        .bind(&name)
        .fetch_all(&mut admin)
        .await
        .unwrap();
        terminated += killed.len() as u64;
        if not_ready_after.is_none() && svc.readyz().await.is_some_and(|(s, _)| s == 503) {
            not_ready_after = Some(started.elapsed());
            moodle_at_first_refusal = Some(world.moodle.total_requests());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The round in flight did reach Moodle after the database was gone: its results could not
    // be recorded (the case under test).
    let enrolled_unrecorded = enrolled_count(&world, &during);
    assert!(
        enrolled_unrecorded > 0,
        "the cut did not land between Moodle calls and their commit"
    );
    let not_ready_after = not_ready_after.expect("/readyz answered 503 while the database was gone");
    let moodle_during =
        world.moodle.total_requests() - moodle_at_first_refusal.expect("measured with the first refusal");
    sqlx::query(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .execute(&mut admin)
        .await
        .unwrap();
    world.moodle.faults().clear();
    // Without its database the service cannot claim work: besides the calls the round in
    // flight still makes (its creations and enrolments, one per batch), Moodle hears nothing.
    let batches = during.len().div_ceil(batch_size) as u64;
    assert!(
        moodle_during <= 2 * batches,
        "{moodle_during} Moodle requests while the database was gone (the round in flight: {batches} batches)"
    );

    let all: Vec<_> = before.iter().chain(&during).cloned().collect();
    // The jobs of the interrupted round must not wait for their lease to expire.
    let recovery = wait_converged(&world, &svc.app, &all, lease.min(Duration::from_secs(60))).await;
    wait_for("/readyz to answer 200 again", Duration::from_secs(10), || async {
        svc.readyz().await.is_some_and(|(s, _)| s == 200)
    })
    .await;
    assert_converged(&world, &svc.app, &all, &[]).await;
    svc.stop().await;
    eprintln!(
        "database gone for {outage_len:?} (scale {scale}x) in the middle of a round: {terminated} connections \
         terminated, /readyz 503 after {not_ready_after:?}, {enrolled_unrecorded} enrolments made in Moodle \
         but not recorded, {moodle_during} Moodle requests meanwhile; converged {recovery:?} after it came back (lease {lease:?})"
    );
}
