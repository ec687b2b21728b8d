//! The demo world (the Moodle and FacturaScripts simulators on loopback, seeded with the demo's
//! courses and customers) and the service built against it.

use mm_demo::DemoWorld;
use mm_engine::Engine;
use mm_sim_moodle::EnrolStatus;
use std::net::SocketAddr;
use std::sync::Arc;

/// The simulators for a service on `database_url` polling every `poll_interval`, its web
/// server on any free loopback port.
pub async fn start(database_url: &str, poll_interval: &str) -> DemoWorld {
    start_on(database_url, "127.0.0.1:0".parse().expect("addr"), poll_interval).await
}

/// The same, with the service's web server configured on `listen`.
pub async fn start_on(database_url: &str, listen: SocketAddr, poll_interval: &str) -> DemoWorld {
    DemoWorld::start(database_url, listen, poll_interval)
        .await
        .expect("the simulators start")
}

/// A SQLite database file `file` in a new temporary folder: (the folder, the database URL).
pub fn sqlite(file: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let db = format!("sqlite://{}", dir.path().join(file).display());
    (dir, db)
}

/// The service as the demo configures it, built (not running).
pub async fn app(world: &DemoWorld) -> Arc<Engine> {
    Engine::build(world.config.clone()).await.expect("build the app")
}

/// (status, timestart, timeend) of the learner's enrolment in the course in Moodle, if any
/// (the email in any letter case).
pub fn enrolment(world: &DemoWorld, email: &str, course: &str) -> Option<(EnrolStatus, i64, i64)> {
    world
        .moodle
        .enrolments()
        .into_iter()
        .find(|e| e.email.eq_ignore_ascii_case(email) && e.course_shortname == course)
        .map(|e| (e.status, e.timestart, e.timeend))
}
