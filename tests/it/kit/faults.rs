//! For the fault tests (`outage`, `flaky`, `disk`): the service run in-process
//! (`mm_web::serve`, the same loops as `serve`) against the demo world's simulators, on a circuit
//! breaker clock that runs `SCALE` times faster than the wall clock, and the convergence checks
//! every fault test ends with.
//!
//! Time scale: a breaker cool-down of 30 s passes in 1 s, so "Moodle down for 5 minutes" is a
//! 10-second outage. The worker's job back-off is set in the test configuration (`retry_base`
//! 1 s, `retry_max` 2 s: 30 s to 60 s on the scaled clock; its floor is 1 s of wall time) and
//! the poll interval is 1 s (30 s scaled, the production default).

use mm_demo::{COURSES, DemoWorld};
use mm_engine::Engine;
use mm_engine::config::Config;
use mm_engine::ingest::poll::Source;
use mm_engine::site::{Site, Sites};
use mm_net::Clock;
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

pub use super::http::free_port;

/// How much faster the breakers' clock runs than the wall clock.
pub const SCALE: u32 = 30;

/// "5 minutes", scaled.
pub const FIVE_MINUTES: Duration = Duration::from_secs(300 / SCALE as u64);

/// A monotonic clock running `factor` times faster than the real one.
#[derive(Debug)]
pub struct ScaledClock {
    start: Instant,
    factor: u32,
}

impl ScaledClock {
    pub fn new(factor: u32) -> Arc<ScaledClock> {
        Arc::new(ScaledClock {
            start: Instant::now(),
            factor,
        })
    }
}

impl Clock for ScaledClock {
    fn now(&self) -> Instant {
        self.start + self.start.elapsed() * self.factor
    }
}

/// The fault tests' tunables on top of the demo configuration (see the module comment).
pub fn tune(config: &mut Config) {
    config.worker.retry_base = Duration::from_secs(1);
    config.worker.retry_max = Duration::from_secs(2);
    // A site paused while down is checked again every second, as the back-off retries.
    config.worker.paused_site_check = Duration::from_secs(1);
    // No drift sweep during a test: its reads would blur the request counts.
    config.drift.interval = Duration::ZERO;
}

/// One paid learner: `{prefix}{i}@example.org` bought `course` on invoice `invoice`.
#[derive(Debug, Clone)]
pub struct Learner {
    pub email: String,
    pub course: &'static str,
    pub invoice: i64,
}

/// Creates customers `prefix{i}` for `i` in `range`, each with one paid invoice for a course
/// (the four demo courses in turn).
pub fn paid_learners(world: &DemoWorld, prefix: &str, range: std::ops::Range<usize>) -> Vec<Learner> {
    range
        .map(|i| {
            let email = format!("{prefix}{i}@example.org");
            let cod = world.fs.add_customer(&format!("Learner {prefix}{i}"), &email);
            let (course, _, product, _) = COURSES[i % COURSES.len()];
            let invoice = world.invoice(&cod, &[product]).expect("invoice");
            world.fs.pay(invoice, true).expect("pay");
            Learner { email, course, invoice }
        })
        .collect()
}

/// The service, running in this process like `serve` does.
pub struct Service {
    pub app: Arc<Engine>,
    pub listen: SocketAddr,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Service {
    /// Builds the app with its Moodle sites' and pollers' breakers on `clock`, and runs it.
    pub async fn start(config: Config, clock: Arc<dyn Clock>) -> Service {
        let sites = config
            .moodle
            .iter()
            .map(|m| {
                Site::with_options(
                    m,
                    mm_moodle::ClientOptions {
                        clock: Some(clock.clone()),
                        ..Default::default()
                    },
                )
                .expect("Moodle site")
            })
            .collect::<Vec<_>>();
        let mut sources = Vec::new();
        for s in &config.sources {
            sources.extend(Source::from_config_with_clock(s, Some(clock.clone())).expect("source"));
        }
        let listen = config.listen;
        let app = Engine::build_with_parts(config, Sites::new(sites), sources)
            .await
            .expect("build the app");
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(mm_web::serve(app.clone(), shutdown.clone()));
        Service {
            app,
            listen,
            shutdown,
            task,
        }
    }

    /// The Moodle site `main`.
    pub fn site(&self) -> Site {
        self.app.sites().get("main").expect("site main")
    }

    /// `GET /readyz`: (status, its JSON body); `None` when the web server does not answer.
    pub async fn readyz(&self) -> Option<(u16, serde_json::Value)> {
        let r = reqwest::Client::new()
            .get(format!("http://{}/readyz", self.listen))
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .ok()?;
        let status = r.status().as_u16();
        Some((status, r.json().await.unwrap_or_default()))
    }

    /// Graceful stop (as on SIGTERM); fails the test if the service does not stop in 30 s.
    pub async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(30), self.task)
            .await
            .expect("the service stops within 30 s")
            .expect("service task")
            .expect("service result");
    }
}

/// Polls `condition` every 50 ms until it holds; panics naming `what` after `timeout`.
/// Returns how long it took.
pub async fn wait_for<F, Fut>(what: &str, timeout: Duration, mut condition: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if condition().await {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// How many of `learners` hold an active enrolment in their course in Moodle now.
pub fn enrolled_count(world: &DemoWorld, learners: &[Learner]) -> usize {
    let active: HashSet<(String, String)> = world
        .moodle
        .enrolments()
        .into_iter()
        .filter(|e| e.status == mm_sim_moodle::EnrolStatus::Active)
        .map(|e| (e.email.to_lowercase(), e.course_shortname))
        .collect();
    learners
        .iter()
        .filter(|l| active.contains(&(l.email.clone(), l.course.to_string())))
        .count()
}

/// Waits until every one of `learners` is enrolled and Moodle matches the desired state;
/// on timeout, fails with what is missing (enrolments, job counts, failing jobs).
pub async fn wait_converged(world: &DemoWorld, app: &Engine, learners: &[Learner], timeout: Duration) -> Duration {
    let start = Instant::now();
    loop {
        let enrolled = enrolled_count(world, learners);
        let diffs = world.differences(app).await.map(|d| d.len());
        let counts = app.store().job_counts().await;
        let idle = counts.as_ref().is_ok_and(|c| c.queued == 0 && c.running == 0);
        if enrolled == learners.len() && diffs.as_ref().is_ok_and(|d| *d == 0) && idle {
            return start.elapsed();
        }
        if start.elapsed() >= timeout {
            let failing = app
                .store()
                .failing_jobs()
                .await
                .map(|f| f.into_iter().take(3).collect::<Vec<_>>());
            panic!(
                "not converged after {timeout:?}: {enrolled}/{} enrolled, differences {diffs:?}, jobs {counts:?}, \
                 failing {failing:?}",
                learners.len()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The end state every fault test asserts once converged:
/// * each of `paid` has exactly one enrolment in its course, active, with the student role;
/// * each of `revoked` has no active enrolment;
/// * one Moodle account per learner (no duplicate, in any letter case);
/// * exactly one `enrol` action in the audit log per paid learner (none done twice, none lost);
/// * Moodle matches the desired state; no job dead or left running.
pub async fn assert_converged(world: &DemoWorld, app: &Engine, paid: &[Learner], revoked: &[Learner]) {
    let ours: HashSet<String> = paid.iter().chain(revoked).map(|l| l.email.clone()).collect();
    let enrolments: Vec<_> = world
        .moodle
        .enrolments()
        .into_iter()
        .filter(|e| ours.contains(&e.email.to_lowercase()))
        .collect();
    let mut per_key: HashMap<(String, String), Vec<_>> = HashMap::new();
    for e in &enrolments {
        per_key
            .entry((e.email.to_lowercase(), e.course_shortname.clone()))
            .or_default()
            .push(e);
    }
    for l in paid {
        let got = per_key
            .get(&(l.email.clone(), l.course.to_string()))
            .map(Vec::as_slice)
            .unwrap_or_default();
        assert_eq!(got.len(), 1, "{} in {}: {got:?}", l.email, l.course);
        assert_eq!(got[0].status, mm_sim_moodle::EnrolStatus::Active, "{}", l.email);
        assert_eq!(got[0].roleids, vec![5], "{}: one student role", l.email);
    }
    for l in revoked {
        let active = per_key
            .get(&(l.email.clone(), l.course.to_string()))
            .is_some_and(|es| es.iter().any(|e| e.status == mm_sim_moodle::EnrolStatus::Active));
        assert!(!active, "{} still has access to {}", l.email, l.course);
    }
    let accounts: Vec<String> = world
        .moodle
        .users()
        .into_iter()
        .map(|u| u.email.to_lowercase())
        .filter(|e| ours.contains(e))
        .collect();
    let distinct: HashSet<&String> = accounts.iter().collect();
    assert_eq!(accounts.len(), distinct.len(), "duplicate Moodle accounts");
    assert_eq!(distinct.len(), ours.len(), "one account per learner");

    let audit = app.store().audit_log(1_000_000).await.expect("audit log");
    let mut enrols: HashMap<(String, String), usize> = HashMap::new();
    for a in audit.iter().filter(|a| a.action == "enrol") {
        *enrols.entry((a.learner.clone(), a.course.clone())).or_default() += 1;
    }
    for l in paid.iter().chain(revoked) {
        let n = enrols
            .get(&(l.email.clone(), l.course.to_string()))
            .copied()
            .unwrap_or(0);
        assert_eq!(n, 1, "{} in {}: {n} `enrol` audit entries", l.email, l.course);
    }
    let diffs = world.differences(app).await.expect("differences");
    assert!(diffs.is_empty(), "Moodle differs from the desired state: {diffs:?}");
    let counts = app.store().job_counts().await.expect("job counts");
    assert_eq!((counts.dead, counts.running, counts.queued), (0, 0, 0), "{counts:?}");
}
