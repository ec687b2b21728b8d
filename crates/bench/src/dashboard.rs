//! `bench dashboard`: the web admin's dashboard and enrolment list at N enrolments. The store is
//! seeded directly (invoices with amounts, the desired state the engine computes from them,
//! what Moodle holds, jobs, progress, certificates), then `Engine::dashboard` and
//! `Engine::enrolment_page` (first page, a filtered page, a deep page) are timed N times each.
//! On SQLite, and on PostgreSQL when `--postgres <url>` names a server (a fresh database is
//! created there and dropped after).

use super::{engine_toml, percentile};
use anyhow::Context;
use mm_core::{
    Amount, AppliedEnrolment, Customer, EnrolmentStatus, InvoiceKey, InvoiceLine, InvoiceSnapshot, Timestamp,
};
use mm_engine::dashboard::DashboardFilter;
use mm_engine::{Engine, EnrolmentQuery};
use mm_store::{
    AppliedChange, AuditEntry, EnrolmentFilter, EnrolmentSort, JobFailure, JobState, MoodleEnrolment, NewCertificate,
    ProgressRow, SortDirection, Store,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Connection;
use std::path::Path;
use std::time::Instant;

const COURSES: usize = 50;
const DAY: i64 = 86_400;

/// p50/p95 of one timed call, in milliseconds.
struct Timing {
    name: &'static str,
    p50: f64,
    p95: f64,
}

/// Seeds `enrolments` on SQLite (and PostgreSQL when `postgres` is given) and prints the timings.
pub(crate) async fn dashboard(enrolments: usize, runs: usize, postgres: Option<&str>) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let sqlite = format!("sqlite://{}", dir.path().join("dash.sqlite").display());
    print_timings("sqlite", &measure(&sqlite, enrolments, runs).await?);
    if let Some(admin) = postgres {
        let name = format!("mm_bench_{:08x}", rand::random::<u32>());
        let mut conn = sqlx::PgConnection::connect(admin)
            .await
            .context("connecting to PostgreSQL")?;
        sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str()).await?;
        let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
        let result = measure(&format!("{base}/{name}"), enrolments, runs).await;
        sqlx::Executor::execute(&mut conn, format!("DROP DATABASE {name} WITH (FORCE)").as_str()).await?;
        print_timings("postgres", &result?);
    }
    Ok(())
}

fn print_timings(backend: &str, timings: &[Timing]) {
    for t in timings {
        println!(
            "{backend:<9} {:<34} p50 {:>8.2} ms   p95 {:>8.2} ms",
            t.name, t.p50, t.p95
        );
    }
}

async fn measure(url: &str, enrolments: usize, runs: usize) -> anyhow::Result<Vec<Timing>> {
    let courses: Vec<(String, String)> = (0..COURSES).map(|c| (format!("C{c:03}"), format!("P{c:03}"))).collect();
    let toml = engine_toml(
        url,
        "127.0.0.1:0".parse()?,
        "http://127.0.0.1:9/",
        "bench-token",
        "",
        &courses,
        false,
    );
    let config = mm_engine::config::Config::from_toml(&toml, Path::new("bench.toml"), |_| None)?;
    let app = Engine::build(config).await?;
    let started = Instant::now();
    seed(&app, enrolments).await?;
    if url.starts_with("postgres") {
        // What autovacuum does soon after such a load in service: statistics, and the
        // visibility map that lets the counts read indexes alone.
        let mut conn = sqlx::PgConnection::connect(url).await?;
        sqlx::Executor::execute(&mut conn, "VACUUM ANALYZE").await?;
    }
    eprintln!(
        "seeded {enrolments} enrolments on {url} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // The admin's range: whole days, the last one today's (its filter picks dates).
    let now = mm_engine::clock::now();
    let tomorrow = now.0 - now.0.rem_euclid(DAY) + DAY;
    let filter = DashboardFilter {
        site: None,
        from: Timestamp(tomorrow - 365 * DAY),
        to: Timestamp(tomorrow),
    };
    let page = |filter: EnrolmentFilter, page: u32| EnrolmentQuery {
        filter,
        sort: EnrolmentSort::Learner,
        direction: SortDirection::Asc,
        page,
        per_page: 50,
    };
    let filtered = EnrolmentFilter {
        course: Some("C007".into()),
        job: Some(JobState::Settled),
        learner: Some("l0001".into()),
        ..EnrolmentFilter::default()
    };
    let deep = u32::try_from(enrolments / 50 * 9 / 10).unwrap_or(1).max(1);
    let mut timings = Vec::new();
    timings.push(time("dashboard (last 12 months)", runs, || app.dashboard(&filter)).await?);
    let first = page(EnrolmentFilter::default(), 1);
    timings.push(time("enrolment page 1", runs, || app.enrolment_page(&first)).await?);
    let filtered = page(filtered, 1);
    timings.push(time("enrolment page, filtered", runs, || app.enrolment_page(&filtered)).await?);
    let deep = page(EnrolmentFilter::default(), deep);
    timings.push(time("enrolment page at 90 %", runs, || app.enrolment_page(&deep)).await?);
    app.stop().await;
    Ok(timings)
}

async fn time<T, E, F, Fut>(name: &'static str, runs: usize, mut call: F) -> anyhow::Result<Timing>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
    E: std::error::Error + Send + Sync + 'static,
{
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        call().await?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    Ok(Timing {
        name,
        p50: percentile(&ms, 50.0),
        p95: percentile(&ms, 95.0),
    })
}

/// Invoices (the engine computes the desired state and queues jobs from them), then what
/// Moodle holds, finished and failed jobs, progress and certificates, through the store.
async fn seed(app: &Engine, n: usize) -> anyhow::Result<()> {
    let store = app.store();
    let now = mm_engine::clock::now();
    let mut rng = StdRng::seed_from_u64(16);
    let snapshots: Vec<InvoiceSnapshot> = (0..n).map(|i| invoice(i, &mut rng, now)).collect();
    for chunk in snapshots.chunks(10_000) {
        store.upsert_invoices(chunk, now).await?;
    }
    app.recompute().await?;
    settle_jobs(store, now).await?;
    let keys = store.active_keys().await?;
    let mut applied = Vec::new();
    let mut progress = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let key = mm_core::EntitlementKey {
            site: k.site.clone(),
            course: mm_core::CourseRef::parse(&k.course)?,
            learner: mm_core::Email::parse(&k.learner)?,
        };
        let start = now.0 - rng.gen_range(0..730) * DAY;
        applied.push(applied_change(&key, start, i));
        if i % 5 < 3 {
            let completed = (i % 5 == 0).then(|| start + rng.gen_range(1..200) * DAY);
            progress.push(progress_row(&key, rng.gen_range(0.0..=100.0), completed, now));
        }
    }
    for chunk in applied.chunks(5000) {
        store.record_applied_many(chunk, now).await?;
    }
    store.record_progress(&progress).await?;
    for (i, p) in progress.iter().filter(|p| p.completed_at.is_some()).enumerate() {
        store.insert_certificate(&certificate(p, i), false, now).await?;
    }
    Ok(())
}

fn invoice(i: usize, rng: &mut StdRng, now: Timestamp) -> InvoiceSnapshot {
    let paid_on = Timestamp(now.0 - rng.gen_range(0..730) * DAY);
    InvoiceSnapshot {
        key: InvoiceKey::new("erp", i.to_string()),
        number: format!("F{i}"),
        customer: Customer {
            id: format!("C{i}"),
            name: format!("Learner{i:06} Bench"),
            email: Some(format!("l{i:06}@bench.example")),
            given_names: None,
        },
        lines: vec![InvoiceLine {
            id: "1".into(),
            product: Some(format!("P{:03}", i % COURSES)),
            quantity: 1.0,
            credits_line: None,
            amount: Some(Amount(rng.gen_range(5_000..90_000))),
        }],
        paid: true,
        credit_note_for: None,
        paid_on: Some(paid_on),
        issued_on: Some(paid_on),
        currency: Some(if i.is_multiple_of(10) { "USD" } else { "EUR" }.into()),
    }
}

/// Completes every queued job but 1 % (retrying) and 0.5 % (dead).
async fn settle_jobs(store: &Store, now: Timestamp) -> anyhow::Result<()> {
    // The recompute queued them at the engine's clock, a little after `now`.
    let now = Timestamp(now.0 + 3600);
    let mut n = 0usize;
    loop {
        let claimed = store.claim_jobs("bench", 5000, 600, now).await?;
        if claimed.is_empty() {
            return Ok(());
        }
        let mut done = Vec::new();
        for job in &claimed {
            n += 1;
            match n % 200 {
                0 | 1 => {
                    store
                        .fail_job(job, "timeout", JobFailure::RetryAt(Timestamp(now.0 + 3600)), now)
                        .await?
                }
                2 => store.fail_job(job, "bad user", JobFailure::Dead, now).await?,
                _ => done.push(job),
            }
        }
        store.complete_jobs(&done, now).await?;
    }
}

fn applied_change(key: &mm_core::EntitlementKey, start: i64, i: usize) -> AppliedChange {
    AppliedChange {
        key: key.clone(),
        after: Some(MoodleEnrolment {
            enrolment: AppliedEnrolment {
                status: EnrolmentStatus::Active,
                role: "student".into(),
                timestart: start,
                timeend: start + 365 * DAY,
            },
            user_id: i64::try_from(i).unwrap_or(0) + 1,
            course_id: 1,
        }),
        audit: AuditEntry {
            key: key.clone(),
            action: "enrol".into(),
            before: None,
            after: None,
            reason: "bench".into(),
            job: "bench".into(),
            ok: true,
            error: None,
        },
        job: None,
    }
}

fn progress_row(key: &mm_core::EntitlementKey, percent: f64, completed: Option<i64>, now: Timestamp) -> ProgressRow {
    ProgressRow {
        key: key.clone(),
        last_access: Some(now.0 - DAY),
        last_checked_access: None,
        percent: Some(if completed.is_some() { 100.0 } else { percent }),
        completed_at: completed,
        grade: None,
        synced_at: now,
    }
}

fn certificate(p: &ProgressRow, i: usize) -> NewCertificate {
    let at = Timestamp(p.completed_at.unwrap_or(p.synced_at.0));
    NewCertificate {
        code: format!("bench{i:08}"),
        number: format!("MM-B-{i:08}"),
        key: p.key.clone(),
        version: 1,
        learner_name: "Bench Learner".into(),
        course_name: "Bench Course".into(),
        hours: None,
        lang: "en-GB".into(),
        completed_at: at,
        issued_at: at,
        valid_until: None,
        cause: "completion".into(),
        token: "bench".into(),
        kid: "bench".into(),
    }
}
