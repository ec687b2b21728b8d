//! `bench progress`: one progress sync over N courses × M learners when a share of them entered
//! their course since the last sync, against the naive path (one completion call per learner).

use super::{Measure, SourceKind, World, converge, proc_status_mb, sqlite_url};
use anyhow::bail;
use futures::StreamExt;
use mm_engine::Engine;
use mm_sim_fault::FaultConfig;
use std::time::{Duration, Instant};

/// Share of learners who entered their course since the last sync.
const ACTIVE_SHARE: f64 = 0.05;

/// (ours, naive) for `courses` × `learners` enrolments, each learner in one course.
pub(crate) async fn progress(courses: usize, learners: usize, latency: Duration) -> anyhow::Result<(Measure, Measure)> {
    let setup = Instant::now();
    let mut world = World::start(courses.max(1), Duration::ZERO).await?;
    for c in 0..world.courses.len() {
        for l in 0..learners {
            let email = format!("p{c:03}x{l:05}@bench.example");
            let cod = world.fs.add_customer(&format!("Progress Learner {c}/{l}"), &email);
            world.paid_invoice(&cod, &email, &[c])?;
        }
    }
    let dir = tempfile::tempdir()?;
    let config = world.config(
        &sqlite_url(dir.path()),
        "127.0.0.1:0".parse()?,
        SourceKind::FacturaScripts { poll_interval: "30s" },
        false,
    )?;
    let app = Engine::build(config.clone()).await?;
    converge(&app, 5).await?;
    // The previous sync: nobody had entered a course yet.
    app.sync_progress().await?;
    let enrolled = world.moodle.enrolments();
    let now = mm_engine::clock::now().0;
    let step = (1.0 / ACTIVE_SHARE).round() as usize;
    for (i, e) in enrolled.iter().enumerate().filter(|(i, _)| i % step == 0) {
        world.moodle.record_course_access(e.userid, e.courseid, now - 600);
        if i % (2 * step) == 0 {
            // Half of them completed the course (Moodle's cron ran).
            world.moodle.mark_course_complete(e.userid, e.courseid, now - 300);
            world.moodle.set_grade(e.userid, e.courseid, 75.0);
        }
    }
    let setup_seconds = setup.elapsed().as_secs_f64();
    world.moodle.faults().set(FaultConfig::with_latency(latency));

    let before = world.moodle.total_requests();
    let started = Instant::now();
    let report = app.sync_progress().await?;
    let ours = Measure {
        invoices: world.invoices,
        enrolments: enrolled.len(),
        seconds: started.elapsed().as_secs_f64(),
        moodle_calls: world.moodle.total_requests() - before,
        peak_rss_mb: proc_status_mb(None, "VmHWM").unwrap_or(0.0),
        setup_seconds,
        ..Measure::default()
    };
    if !report.errors.is_empty() || report.completed_now.is_empty() {
        bail!("the progress sync failed or found no completion: {}", report.describe());
    }

    // Naive: one completion call per active enrolment, with the same client and concurrency.
    let Some(site) = app.sites().all().into_iter().next() else {
        bail!("no Moodle site configured");
    };
    let before = world.moodle.total_requests();
    let started = Instant::now();
    let results: Vec<bool> = futures::stream::iter(enrolled.iter().map(|e| {
        let client = &site.client;
        async move { client.course_completion_status(e.courseid, e.userid).await.is_ok() }
    }))
    .buffer_unordered(16)
    .collect()
    .await;
    let naive = Measure {
        invoices: world.invoices,
        enrolments: enrolled.len(),
        seconds: started.elapsed().as_secs_f64(),
        moodle_calls: world.moodle.total_requests() - before,
        ..Measure::default()
    };
    if results.iter().any(|ok| !ok) {
        bail!("the naive completion reads failed");
    }
    app.store().close().await;
    Ok((ours, naive))
}
