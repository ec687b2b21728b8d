//! The service's commands: `serve`, `migrate`, `reconcile --once`, `plan`, `jobs`. Each builds
//! what it needs, calls the engine's services and prints their answer; no rule lives here.

use anyhow::Context;
use clap::Subcommand;
use mm_core::{CourseRef, Email, EntitlementKey};
use mm_engine::Engine;
use mm_engine::config::Config;
use std::process::ExitCode;
use tokio_util::sync::CancellationToken;

#[derive(Subcommand)]
pub enum JobsAction {
    /// Queue dead jobs again, due now: all of them, or one key (`site/course/learner`).
    Retry {
        /// e.g. `main/PY101/ada@example.org`
        key: Option<String>,
    },
}

pub async fn serve(config: Config) -> anyhow::Result<ExitCode> {
    let engine = Engine::build(config).await?;
    let shutdown = CancellationToken::new();
    tokio::spawn(crate::signal::stop_on_signal(shutdown.clone()));
    mm_web::serve(engine, shutdown).await?;
    Ok(ExitCode::SUCCESS)
}

pub async fn migrate(config: Config) -> anyhow::Result<ExitCode> {
    let store = mm_store::Store::connect(&config.database_url).await?;
    store.migrate().await.context("applying migrations")?;
    // Closing checkpoints SQLite's WAL into the database file before the process exits.
    store.close().await;
    println!("database migrated");
    Ok(ExitCode::SUCCESS)
}

/// `reconcile --once [--sweep]`: 0 when Moodle matches the invoices, 2 with the reasons.
pub async fn reconcile(config: Config, sweep: bool) -> anyhow::Result<ExitCode> {
    let engine = Engine::build(config).await?;
    let checks = engine.check_sites().await;
    for check in &checks {
        if let Err(e) = &check.result {
            eprintln!("warning: Moodle `{}`: {e}", check.site);
        }
        for problem in &check.problems {
            eprintln!("warning: Moodle `{}`: {problem}", check.site);
        }
    }
    // A site that answers gets back what waited for it (a pause, an older version's dead jobs).
    engine.resume_checked_sites(&checks).await?;
    let report = if sweep {
        engine.reconcile_once_with_sweep().await?
    } else {
        engine.reconcile_once().await?
    };
    print!("{}", report.describe());
    Ok(if report.converged() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// `plan`: what a pass would change, with the reason for each change; changes nothing in Moodle.
pub async fn plan(config: Config, json: bool, no_poll: bool) -> anyhow::Result<ExitCode> {
    // A dry run leaves the store as it was: neither the configuration's mappings nor what the
    // sources say is recorded, so the next pass reads it again.
    let engine = Engine::build_dry_run(config).await?;
    let (polled, preview) = engine.plan(!no_poll).await?;
    for poll in polled {
        if let Err(e) = poll.result {
            eprintln!("warning: source `{}` could not be read: {e}", poll.source);
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&preview)?);
    } else {
        print!("{}", preview.describe());
    }
    Ok(ExitCode::SUCCESS)
}

/// `jobs [retry [KEY]]`: only the store is opened; the configuration's mappings are not
/// applied (a `jobs` run beside the service must not change what it grants).
pub async fn jobs(config: Config, action: Option<JobsAction>) -> anyhow::Result<ExitCode> {
    let store = mm_engine::open_store(&config.database_url).await?;
    match action {
        None => {
            let jobs = mm_engine::jobs::overview(&store).await?;
            let c = jobs.counts;
            println!(
                "jobs: {} queued, {} running, {} done, {} dead",
                c.queued, c.running, c.done, c.dead
            );
            for p in &jobs.paused {
                println!(
                    "{} (by `serve`)",
                    mm_engine::pause::describe_paused(p, config.worker.paused_site_check)
                );
            }
            for mm_store::DeadJob { key, error, .. } in jobs.dead {
                println!("dead {key}: {error}");
            }
            let m = jobs.mail;
            if m.queued + m.running + m.done + m.dead > 0 {
                println!(
                    "certificate mail: {} queued, {} sending, {} sent, {} parked",
                    m.queued, m.running, m.done, m.dead
                );
            }
            for f in &jobs.failing_mail {
                let state = if f.status == "dead" { "parked" } else { "retrying" };
                println!(
                    "mail {state} ({} of certificate {}): {}",
                    f.key.kind.as_str(),
                    f.key.code,
                    f.error
                );
            }
        }
        Some(JobsAction::Retry { key }) => {
            let key = key.as_deref().map(parse_key).transpose()?;
            let now = mm_engine::clock::now();
            let n = mm_engine::jobs::retry_dead(&store, key.as_ref(), now).await?;
            println!("{n} dead jobs queued again");
            if key.is_none() {
                let m = mm_engine::jobs::retry_dead_mail(&store, now).await?;
                if m > 0 {
                    println!("{m} parked certificate mails queued again");
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `main/PY101/ada@example.org` → the key.
pub fn parse_key(text: &str) -> anyhow::Result<EntitlementKey> {
    let mut parts = text.splitn(3, '/');
    let (Some(site), Some(course), Some(learner)) = (parts.next(), parts.next(), parts.next()) else {
        anyhow::bail!("`{text}` is not a key: write site/course/learner, e.g. main/PY101/ada@example.org");
    };
    Ok(EntitlementKey {
        site: site.to_string(),
        course: CourseRef::parse(course)?,
        learner: Email::parse(learner)?,
    })
}
