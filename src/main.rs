//! `moodle-management`: the command line. Thin on purpose; the logic lives in the library.

use anyhow::Context;
use clap::{Parser, Subcommand};
use moodle_management::app::App;
use moodle_management::config::{Config, LogFormat};
use moodle_management::{demo, telemetry};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
#[command(
    name = "moodle-management",
    version,
    about = "A paid invoice enrols its learner in Moodle, by itself."
)]
struct Cli {
    /// Log as JSON lines instead of human-readable text.
    #[arg(long, global = true)]
    log_json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service: pollers, workers, web server.
    Serve {
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Apply database migrations and exit.
    Migrate {
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// One full pass: poll every source, compute the desired state, converge Moodle.
    Reconcile {
        /// Run one pass and exit: 0 when Moodle matches the invoices, non-zero otherwise.
        #[arg(long, required = true)]
        once: bool,
        /// First read Moodle's real enrolments of mapped courses and repair drift.
        #[arg(long)]
        sweep: bool,
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Print what a pass would change in Moodle, per site, with the reason for each change;
    /// change nothing there. The safe first run against a real Moodle.
    Plan {
        #[arg(long, short)]
        config: Option<PathBuf>,
        /// One JSON object instead of text, for scripts.
        #[arg(long)]
        json: bool,
        /// Use the invoices already stored instead of polling the sources first.
        #[arg(long)]
        no_poll: bool,
    },
    /// The job queue: counts and dead jobs with their errors; `retry` queues dead jobs again.
    Jobs {
        #[arg(long, short, global = true)]
        config: Option<PathBuf>,
        #[command(subcommand)]
        action: Option<JobsAction>,
    },
    /// Run the whole loop against built-in simulators, with sample data.
    Demo {
        /// Where the web server listens.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Run the scenario headless and exit 0 once Moodle matches the desired state.
        #[arg(long)]
        check: bool,
    },
    /// Run one simulator on its own as an HTTP server.
    Simulate {
        #[command(subcommand)]
        which: Simulator,
    },
    /// Measure on this machine, against the simulators: bulk, steady, sweep or idle.
    Bench(moodle_management::bench::BenchArgs),
    /// Help for testing a webhook integration.
    Webhook {
        #[command(subcommand)]
        what: WebhookCommand,
    },
}

#[derive(Subcommand)]
enum WebhookCommand {
    /// Sign a payload (a file, or standard input) and print the Standard Webhooks headers,
    /// or a ready-to-run curl command with `--url`.
    Sign {
        /// The source's secret, `whsec_…` (or set MM_WEBHOOK_SECRET).
        #[arg(long, env = "MM_WEBHOOK_SECRET", hide_env_values = true)]
        secret: String,
        /// The delivery id (a new random one when omitted).
        #[arg(long)]
        id: Option<String>,
        /// Unix timestamp (now when omitted).
        #[arg(long)]
        timestamp: Option<i64>,
        /// Print a curl command posting to this URL, e.g. http://127.0.0.1:8080/webhooks/shop.
        #[arg(long)]
        url: Option<String>,
        /// The payload file; standard input when omitted.
        file: Option<PathBuf>,
    },
    /// Generate a new `whsec_…` secret.
    Secret,
}

#[derive(Subcommand)]
enum JobsAction {
    /// Queue dead jobs again, due now: all of them, or one key (`site/course/learner`).
    Retry {
        /// e.g. `main/PY101/ada@example.org`
        key: Option<String>,
    },
}

#[derive(Subcommand)]
enum Simulator {
    /// A stateful Moodle web-services simulator.
    Moodle {
        #[arg(long, default_value = "127.0.0.1:8081")]
        listen: SocketAddr,
        /// The admin token (random when omitted).
        #[arg(long)]
        token: Option<String>,
        /// A seed file (TOML or JSON): courses, users, completions.
        #[arg(long)]
        seed: Option<PathBuf>,
        /// Latency added to every call, e.g. 20ms.
        #[arg(long)]
        latency: Option<humantime::Duration>,
        /// Mount the /__admin endpoints (state dump, request counts, faults).
        #[arg(long)]
        admin: bool,
    },
    /// A stateful FacturaScripts api/3 simulator.
    Facturascripts {
        #[arg(long, default_value = "127.0.0.1:8082")]
        listen: SocketAddr,
        /// The API key (random when omitted).
        #[arg(long)]
        token: Option<String>,
        /// A seed file: a JSON array of admin operations (customers, products, invoices…)
        /// applied at start; the format is that of POST /__admin/op.
        #[arg(long)]
        seed: Option<PathBuf>,
        /// Mount the /__admin endpoints (scripted changes, state dump, faults).
        #[arg(long)]
        admin: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn load_config(path: Option<&PathBuf>, log_json: bool) -> anyhow::Result<Config> {
    let mut config = Config::load(path.map(PathBuf::as_path))?;
    if log_json {
        config.log_format = LogFormat::Json;
    }
    telemetry::init(config.log_format, &config.log_level);
    Ok(config)
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve { config } => {
            let config = load_config(config.as_ref(), cli.log_json)?;
            let app = App::build(config).await?;
            let shutdown = CancellationToken::new();
            tokio::spawn(stop_on_signal(shutdown.clone()));
            app.run(shutdown).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate { config } => {
            let config = load_config(config.as_ref(), cli.log_json)?;
            let store = mm_store::Store::connect(&config.database_url).await?;
            store.migrate().await.context("applying migrations")?;
            println!("database migrated");
            Ok(ExitCode::SUCCESS)
        }
        Command::Reconcile { once: _, sweep, config } => {
            let config = load_config(config.as_ref(), cli.log_json)?;
            let app = App::build(config).await?;
            for (site, r) in app.check_sites().await {
                if let Err(e) = r {
                    eprintln!("warning: Moodle `{site}`: {e}");
                }
            }
            if sweep {
                let drift = moodle_management::drift::sweep(&app).await?;
                println!(
                    "drift sweep: {} courses read in {} Moodle calls; {} repaired, {} enrolments without invoice",
                    drift.courses,
                    drift.moodle_calls,
                    drift.repaired.len(),
                    drift.unexpected.len()
                );
                for k in &drift.repaired {
                    println!("drift repaired: {k}");
                }
                for k in &drift.unexpected {
                    println!("enrolled without invoice: {k}");
                }
                for e in &drift.errors {
                    println!("drift error: {e}");
                }
            }
            let report = app.reconcile_once().await?;
            print!("{}", demo::describe_pass(&report));
            Ok(if report.converged() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            })
        }
        Command::Plan { config, json, no_poll } => {
            let config = load_config(config.as_ref(), cli.log_json)?;
            let app = App::build(config).await?;
            if !no_poll {
                for (source, r) in app.poll_all().await {
                    if let Err(e) = r {
                        eprintln!("warning: source `{source}` could not be read: {e}");
                    }
                }
            }
            let preview = moodle_management::reconcile::preview(&app.store).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&preview)?);
            } else {
                print!("{}", preview.describe());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Jobs { config, action } => {
            let config = load_config(config.as_ref(), cli.log_json)?;
            let store = mm_store::Store::connect(&config.database_url).await?;
            store.migrate().await?;
            match action {
                None => {
                    let c = store.job_counts().await?;
                    println!(
                        "jobs: {} queued, {} running, {} done, {} dead",
                        c.queued, c.running, c.done, c.dead
                    );
                    for (key, error) in store.dead_jobs().await? {
                        println!("dead {key}: {error}");
                    }
                }
                Some(JobsAction::Retry { key }) => {
                    let key = key.as_deref().map(parse_key).transpose()?;
                    let n = store.retry_dead(key.as_ref(), moodle_management::app::now()).await?;
                    println!("{n} dead jobs queued again");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { listen, check } => {
            telemetry::init(
                if cli.log_json {
                    LogFormat::Json
                } else {
                    LogFormat::Human
                },
                if check { "warn" } else { "info" },
            );
            if check {
                demo::check().await
            } else {
                demo::run(listen).await.map(|()| ExitCode::SUCCESS)
            }
        }
        Command::Bench(args) => moodle_management::bench::run(args).await,
        Command::Webhook { what } => {
            webhook_command(what)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Simulate { which } => {
            telemetry::init(
                if cli.log_json {
                    LogFormat::Json
                } else {
                    LogFormat::Human
                },
                "info",
            );
            match which {
                Simulator::Moodle {
                    listen,
                    token,
                    seed,
                    latency,
                    admin,
                } => {
                    let seed = seed
                        .map(|p| {
                            mm_sim_moodle::SimSeed::from_file(&p).with_context(|| format!("seed file {}", p.display()))
                        })
                        .transpose()?;
                    let mut faults = mm_sim_fault::FaultConfig::default();
                    if let Some(l) = latency {
                        faults.latency_fixed = l.into();
                    }
                    let opts = mm_sim_moodle::SimOptions {
                        token,
                        seed,
                        faults,
                        debug: false,
                        admin,
                    };
                    mm_sim_moodle::run_standalone(listen, opts).await?;
                }
                Simulator::Facturascripts {
                    listen,
                    token,
                    seed,
                    admin,
                } => {
                    let opts = mm_sim_facturascripts::FsSimOptions {
                        token,
                        admin,
                        script: seed,
                        ..Default::default()
                    };
                    mm_sim_facturascripts::run_standalone(listen, opts).await?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn webhook_command(what: WebhookCommand) -> anyhow::Result<()> {
    match what {
        WebhookCommand::Secret => {
            println!(
                "{}",
                mm_webhook::Secret::generate(&mut rand::rngs::OsRng).expose_whsec()
            );
        }
        WebhookCommand::Sign {
            secret,
            id,
            timestamp,
            url,
            file,
        } => {
            let secret = mm_webhook::Secret::parse(&secret).context("--secret")?;
            let body = match &file {
                Some(f) => std::fs::read(f).with_context(|| format!("reading {}", f.display()))?,
                None => {
                    let mut b = Vec::new();
                    std::io::Read::read_to_end(&mut std::io::stdin(), &mut b).context("reading standard input")?;
                    b
                }
            };
            let id = id.unwrap_or_else(|| format!("msg_{:032x}", rand::random::<u128>()));
            let timestamp = timestamp.unwrap_or_else(|| moodle_management::app::now().0);
            let signature = mm_webhook::sign(&secret, &id, timestamp, &body);
            match url {
                None => {
                    println!("webhook-id: {id}");
                    println!("webhook-timestamp: {timestamp}");
                    println!("webhook-signature: {signature}");
                }
                Some(url) => {
                    let data = match &file {
                        Some(f) => format!("@{}", f.display()),
                        None => String::from_utf8_lossy(&body).into_owned(),
                    };
                    println!(
                        "curl -sS -X POST '{url}' -H 'content-type: application/json' -H 'webhook-id: {id}' \\\n  -H 'webhook-timestamp: {timestamp}' -H 'webhook-signature: {signature}' \\\n  --data-binary '{}'",
                        data.replace('\'', "'\\''")
                    );
                }
            }
        }
    }
    Ok(())
}

/// `main/PY101/ada@example.org` → the key.
fn parse_key(text: &str) -> anyhow::Result<mm_core::EntitlementKey> {
    let mut parts = text.splitn(3, '/');
    let (Some(site), Some(course), Some(learner)) = (parts.next(), parts.next(), parts.next()) else {
        anyhow::bail!("`{text}` is not a key: write site/course/learner, e.g. main/PY101/ada@example.org");
    };
    Ok(mm_core::EntitlementKey {
        site: site.to_string(),
        course: mm_core::CourseRef::parse(course)?,
        learner: mm_core::Email::parse(learner)?,
    })
}

/// Cancels `token` on Ctrl-C or SIGTERM: jobs in flight finish, the rest are released.
async fn stop_on_signal(token: CancellationToken) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = ctrl_c.await;
                token.cancel();
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down: finishing jobs in flight");
    token.cancel();
}
