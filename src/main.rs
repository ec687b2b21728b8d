//! `moodle-management`: the command line. It parses, wires and dispatches; what each command
//! does lives in [`commands`], and what the service does in the engine (`mm-engine`).

mod commands;
mod signal;
mod telemetry;

use clap::{Parser, Subcommand};
use commands::certificate::CertificateCommand;
use commands::secret::SecretCommand;
use commands::service::{self, JobsAction};
use commands::simulate::Simulator;
use commands::webhook::WebhookCommand;
use mm_engine::config::{Config, LogFormat};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: planning 100,000 entitlements is mostly small
/// allocations and frees (2.5 million of each), which it serves about three times faster.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Check the configuration, the database, each Moodle site (token, functions, capabilities,
    /// mapped courses' manual enrolment, roles), each source's key, SMTP and the certificate
    /// keys; print each finding with its fix. Exit 0 all good, 1 warnings, 2 errors. Changes
    /// nothing in Moodle or the sources; writes nothing to the store but its migrations and, when
    /// a source refuses the key, that refusal (FacturaScripts bans an IP after five).
    Doctor {
        #[arg(long, short)]
        config: Option<PathBuf>,
        /// The report as one JSON object, for scripts.
        #[arg(long)]
        json: bool,
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
    Bench(mm_bench::BenchArgs),
    /// Help for testing a webhook integration.
    Webhook {
        #[command(subcommand)]
        what: WebhookCommand,
    },
    /// Certificates: list, show, issue, revoke, reissue, resend, export; keygen; verify a PDF offline.
    Certificate {
        #[arg(long, short, global = true)]
        config: Option<PathBuf>,
        #[command(subcommand)]
        what: CertificateCommand,
    },
    /// The web admin's users: add (the first admin), list, password, role, disable, enable, sign-out.
    User {
        #[arg(long, short, global = true)]
        config: Option<PathBuf>,
        #[command(subcommand)]
        what: commands::user::UserCommand,
    },
    /// API tokens: create (shown once), list, revoke.
    Token {
        #[arg(long, short, global = true)]
        config: Option<PathBuf>,
        #[command(subcommand)]
        what: commands::token::TokenCommand,
    },
    /// Secrets encrypted at rest: make a key, seal a secret, re-seal a configuration under a new key.
    Secret {
        #[command(subcommand)]
        what: SecretCommand,
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
    let code = match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    };
    // The spans still batched go to the collector before the process ends.
    telemetry::shutdown();
    code
}

/// Loads the configuration and starts logging as it says (`--log-json` wins).
fn load_config(path: Option<&PathBuf>, log_json: bool) -> anyhow::Result<Config> {
    let mut config = Config::load(path.map(PathBuf::as_path))?;
    if log_json {
        config.log_format = LogFormat::Json;
    }
    telemetry::init_with_traces(config.log_format, &config.log_level, config.otlp.as_ref());
    Ok(config)
}

fn log_format(json: bool) -> LogFormat {
    if json { LogFormat::Json } else { LogFormat::Human }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let json = cli.log_json;
    match cli.command {
        Command::Serve { config } => service::serve(load_config(config.as_ref(), json)?).await,
        Command::Migrate { config } => service::migrate(load_config(config.as_ref(), json)?).await,
        Command::Reconcile { once: _, sweep, config } => {
            service::reconcile(load_config(config.as_ref(), json)?, sweep).await
        }
        Command::Plan {
            config,
            json: as_json,
            no_poll,
        } => service::plan(load_config(config.as_ref(), json)?, as_json, no_poll).await,
        Command::Doctor { config, json: as_json } => commands::doctor::run(config.as_deref(), as_json, json).await,
        Command::Jobs { config, action } => service::jobs(load_config(config.as_ref(), json)?, action).await,
        Command::Demo { listen, check } => {
            telemetry::init(log_format(json), if check { "warn" } else { "info" });
            if check {
                mm_demo::check().await
            } else {
                mm_demo::run(listen).await.map(|()| ExitCode::SUCCESS)
            }
        }
        Command::Bench(args) => {
            telemetry::init(LogFormat::Human, "warn");
            mm_bench::run(args).await
        }
        Command::Webhook { what } => commands::webhook::run(what).map(|()| ExitCode::SUCCESS),
        Command::Secret { what } => commands::secret::run(what),
        Command::Certificate { config, what } => {
            commands::certificate::run(what, || load_config(config.as_ref(), json)).await
        }
        Command::User { config, what } => commands::user::run(what, || load_config(config.as_ref(), json)).await,
        Command::Token { config, what } => commands::token::run(what, || load_config(config.as_ref(), json)).await,
        Command::Simulate { which } => {
            telemetry::init(log_format(json), "info");
            which.run().await.map(|()| ExitCode::SUCCESS)
        }
    }
}
