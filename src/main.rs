//! `moodle-management`: the command line. Thin on purpose; the logic lives in the library.

use anyhow::Context;
use clap::{Parser, Subcommand};
use mm_net::sealed::{self, SealError, SecretKey};
use moodle_management::app::App;
use moodle_management::config::{self, Config, ConfiguredKey, LogFormat};
use moodle_management::{demo, telemetry};
use secrecy::ExposeSecret;
use secrecy::zeroize::Zeroizing;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tokio_util::sync::CancellationToken;

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
    /// Secrets encrypted at rest: make a key, seal a secret, re-seal a configuration under a new key.
    Secret {
        #[command(subcommand)]
        what: SecretCommand,
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
enum SecretCommand {
    /// Print a new random key (32 bytes, base64) for MM_SECRET_KEY or a key file.
    Keygen {
        /// Write it to this new file (readable by its owner only) instead of printing it.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Seal the secret read from standard input (one per line): prints `enc:v1:…` to put in the
    /// configuration, a `*_file` or an MM_ variable.
    Seal {
        /// The key's file (else MM_SECRET_KEY, MM_SECRET_KEY_FILE or the configuration's
        /// `[secrets] key_file`).
        #[arg(long)]
        key_file: Option<PathBuf>,
        /// The configuration file whose `[secrets] key_file` holds the key.
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Re-seal every sealed secret of a configuration file, and of the `*_file` files it names,
    /// under a new key; each file is replaced atomically, comments and layout kept.
    Rotate {
        #[arg(long, short)]
        config: PathBuf,
        /// The new key's file (make one with `secret keygen --out FILE`).
        #[arg(long)]
        new_key_file: PathBuf,
        /// The current key's file (else MM_SECRET_KEY, MM_SECRET_KEY_FILE or `[secrets] key_file`).
        #[arg(long)]
        key_file: Option<PathBuf>,
        /// Also seal the secrets written in plaintext (tokens, webhook secrets, their files).
        #[arg(long)]
        seal_plaintext: bool,
        /// Count what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
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
            let preview = moodle_management::reconcile::preview(&app.store, moodle_management::app::now()).await?;
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
                    for mm_store::DeadJob { key, error } in store.dead_jobs().await? {
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
        Command::Secret { what } => secret_command(what),
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

// ---- `secret`: keys, sealing, rotation ------------------------------------------------------

fn secret_command(what: SecretCommand) -> anyhow::Result<ExitCode> {
    match what {
        SecretCommand::Keygen { out } => {
            let key = SecretKey::generate();
            match out {
                None => println!("{}", key.to_base64().expose_secret()),
                Some(path) => {
                    write_new_private_file(&path, &format!("{}\n", key.to_base64().expose_secret()))?;
                    eprintln!("wrote {} (readable by its owner only)", path.display());
                }
            }
            eprintln!(
                "key id {}: keep this key apart from the configuration and its backups; give it to the service \
                 in MM_SECRET_KEY, MM_SECRET_KEY_FILE or `[secrets] key_file`",
                key.id()
            );
        }
        SecretCommand::Seal { key_file, config } => {
            let key = current_key(key_file.as_deref(), config.as_deref())?
                .context("no key to seal with: set MM_SECRET_KEY or MM_SECRET_KEY_FILE, or give --key-file (make a key with `moodle-management secret keygen`)")?;
            if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                eprintln!("type or paste the secret (one per line), then Ctrl-D:");
            }
            let mut input = Zeroizing::new(String::new());
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut input).context("reading standard input")?;
            let lines: Vec<&str> = input.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            if lines.is_empty() {
                anyhow::bail!(
                    "nothing to seal: write the secret to standard input, e.g. `moodle-management secret seal < token.txt`"
                );
            }
            for line in lines {
                if sealed::is_sealed(line) {
                    anyhow::bail!(
                        "the input is already sealed (it starts with `enc:`); to change its key use `secret rotate`"
                    );
                }
                println!("{}", key.key.seal(line)?);
            }
            eprintln!("sealed with key {} ({})", key.key.id(), key.origin);
        }
        SecretCommand::Rotate {
            config,
            new_key_file,
            key_file,
            seal_plaintext,
            dry_run,
        } => rotate(&config, &new_key_file, key_file.as_deref(), seal_plaintext, dry_run)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The key to seal or open with: `--key-file`, else what the service would use
/// (`MM_SECRET_KEY`, `MM_SECRET_KEY_FILE`, the configuration's `[secrets] key_file`).
fn current_key(key_file: Option<&Path>, config: Option<&Path>) -> anyhow::Result<Option<ConfiguredKey>> {
    if let Some(path) = key_file {
        return Ok(Some(ConfiguredKey {
            key: read_key_file(path)?,
            origin: format!("--key-file {}", path.display()),
        }));
    }
    let from_config = match config {
        Some(c) => parse_toml_document(c)?
            .get("secrets")
            .and_then(|s| s.get("key_file"))
            .and_then(|f| f.as_str())
            .map(PathBuf::from),
        None => None,
    };
    Ok(config::secret_key(
        from_config.as_deref(),
        config.and_then(Path::parent),
        &|k| std::env::var(k).ok(),
    )?)
}

fn read_key_file(path: &Path) -> anyhow::Result<SecretKey> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path).with_context(|| format!("cannot read the key file {}", path.display()))?,
    );
    SecretKey::parse(&text).with_context(|| format!("the key file {}", path.display()))
}

/// Parses a TOML file for editing. A syntax error is reported by line, without quoting the
/// line (it may hold a secret).
fn parse_toml_document(path: &Path) -> anyhow::Result<toml_edit::DocumentMut> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.parse::<toml_edit::DocumentMut>().map_err(|e| {
        let line = e
            .span()
            .and_then(|s| text.get(..s.start))
            .map_or(1, |before| before.lines().count().max(1));
        anyhow::anyhow!(
            "{} is not valid TOML: line {line}: {}",
            path.display(),
            e.message().trim_end()
        )
    })
}

/// Keys whose plaintext value is a secret (`rotate --seal-plaintext` seals them).
fn is_secret_key(name: &str) -> bool {
    matches!(name, "token" | "secret") || name.ends_with("_token") || name.ends_with("_secret")
}

/// Keys naming a file that holds secrets (`token_file`, `secret_file`, `admin_token_file`…),
/// as opposed to `[secrets] key_file`, which holds the key.
fn is_secret_file_key(name: &str) -> bool {
    name.ends_with("token_file") || name.ends_with("secret_file")
}

/// Re-seals values under the new key, and counts what it did (never the values).
struct Resealer<'a> {
    old: Option<&'a ConfiguredKey>,
    new: &'a SecretKey,
    seal_plaintext: bool,
    resealed: usize,
    sealed_plaintext: usize,
    already_new: usize,
}

impl Resealer<'_> {
    /// The new text for a value at `place` (`moodle[0].token`), or `None` to leave it as it is.
    /// `secret_slot`: the value is a secret when in plaintext.
    fn reseal(&mut self, place: &str, text: &str, secret_slot: bool) -> anyhow::Result<Option<String>> {
        let new = self.new;
        let text = text.trim();
        let resealed = if sealed::is_sealed(text) {
            let header = sealed::sealed_header(text).with_context(|| place.to_string())?;
            if header.key_id == new.id() {
                self.already_new += 1;
                return Ok(None);
            }
            let Some(old) = self.old else {
                anyhow::bail!(
                    "{place}: sealed with key {}, but no current key is given: set MM_SECRET_KEY or \
                     MM_SECRET_KEY_FILE, or give --key-file",
                    header.key_id
                );
            };
            let plaintext = old.key.open(text).map_err(|e| match e {
                SealError::WrongKey { sealed_with, given } => anyhow::anyhow!(
                    "{place}: sealed with key {sealed_with}, but the current key ({}) is {given}: give the key \
                     it was sealed with (--key-file or MM_SECRET_KEY)",
                    old.origin
                ),
                other => anyhow::anyhow!("{place}: {other}"),
            })?;
            self.resealed += 1;
            new.seal(plaintext.expose_secret())?
        } else if self.seal_plaintext && secret_slot && !text.is_empty() {
            self.sealed_plaintext += 1;
            new.seal(text)?
        } else {
            return Ok(None);
        };
        // Never write what would not open.
        new.open(&resealed)
            .with_context(|| format!("{place}: re-sealed value does not open"))?;
        Ok(Some(resealed))
    }
}

/// Calls `f(place, key name, value)` for every scalar value of the document.
fn visit_values(
    item: &mut toml_edit::Item,
    place: &str,
    name: &str,
    f: &mut dyn FnMut(&str, &str, &mut toml_edit::Value) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    match item {
        toml_edit::Item::Table(t) => {
            for (k, v) in t.iter_mut() {
                let sub = if place.is_empty() {
                    k.get().to_string()
                } else {
                    format!("{place}.{}", k.get())
                };
                visit_values(v, &sub, k.get(), f)?;
            }
        }
        toml_edit::Item::ArrayOfTables(a) => {
            for (i, t) in a.iter_mut().enumerate() {
                for (k, v) in t.iter_mut() {
                    visit_values(v, &format!("{place}[{i}].{}", k.get()), k.get(), f)?;
                }
            }
        }
        toml_edit::Item::Value(v) => visit_value(v, place, name, f)?,
        toml_edit::Item::None => {}
    }
    Ok(())
}

fn visit_value(
    v: &mut toml_edit::Value,
    place: &str,
    name: &str,
    f: &mut dyn FnMut(&str, &str, &mut toml_edit::Value) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    match v {
        toml_edit::Value::Array(a) => {
            for (i, e) in a.iter_mut().enumerate() {
                visit_value(e, &format!("{place}[{i}]"), name, f)?;
            }
        }
        toml_edit::Value::InlineTable(t) => {
            for (k, e) in t.iter_mut() {
                visit_value(e, &format!("{place}.{}", k.get()), k.get(), f)?;
            }
        }
        other => f(place, name, other)?,
    }
    Ok(())
}

/// Re-seals every sealed value of `config` and of the secret files it names under the key in
/// `new_key_file`. Everything is opened and re-sealed in memory first: one value that does not
/// open stops the rotation before any file is written. Then each file is replaced atomically.
fn rotate(
    config_path: &Path,
    new_key_file: &Path,
    key_file: Option<&Path>,
    seal_plaintext: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    let new_key = read_key_file(new_key_file)?;
    let old_key = current_key(key_file, Some(config_path))?;
    if let Some(old) = &old_key
        && old.key.id() == new_key.id()
    {
        anyhow::bail!(
            "the new key is the current key ({}, id {}): make a new one with `moodle-management secret keygen --out FILE`",
            old.origin,
            old.key.id()
        );
    }
    let mut doc = parse_toml_document(config_path)?;
    let base_dir = config_path.parent().unwrap_or(Path::new("."));
    let mut resealer = Resealer {
        old: old_key.as_ref(),
        new: &new_key,
        seal_plaintext,
        resealed: 0,
        sealed_plaintext: 0,
        already_new: 0,
    };

    // 1. The configuration file's own values, and the secret files it names.
    let mut secret_files: Vec<(String, PathBuf)> = Vec::new();
    visit_values(doc.as_item_mut(), "", "", &mut |place, name, value| {
        let Some(text) = value.as_str().map(str::to_string) else {
            return Ok(());
        };
        if is_secret_file_key(name) && !text.trim().is_empty() {
            let f = Path::new(text.trim());
            secret_files.push((place.to_string(), base_dir.join(f)));
        }
        if let Some(new_text) = resealer.reseal(place, &text, is_secret_key(name))? {
            let decor = value.decor().clone();
            *value = toml_edit::Value::from(new_text);
            *value.decor_mut() = decor;
        }
        Ok(())
    })?;
    let in_config = resealer.resealed + resealer.sealed_plaintext;

    // 2. The secret files: each line may be a sealed value (or, with --seal-plaintext, a secret).
    let mut writes: Vec<(PathBuf, Zeroizing<String>)> = Vec::new();
    for (place, path) in &secret_files {
        let real = std::fs::canonicalize(path).with_context(|| {
            format!(
                "{place}: cannot read {} (run the rotation where the secret files are)",
                path.display()
            )
        })?;
        if writes.iter().any(|(p, _)| *p == real) {
            continue;
        }
        let text = Zeroizing::new(
            std::fs::read_to_string(&real).with_context(|| format!("{place}: cannot read {}", path.display()))?,
        );
        let mut out = Zeroizing::new(String::with_capacity(text.len() * 2));
        let mut changed = false;
        for (n, line) in text.split_inclusive('\n').enumerate() {
            let body = line.trim_end_matches(['\n', '\r']);
            let eol = &line[body.len()..];
            let lead = &body[..body.len() - body.trim_start().len()];
            let trail = &body[body.trim_end().len()..];
            let where_ = format!("{place} ({} line {})", path.display(), n + 1);
            match resealer.reseal(&where_, body, true)? {
                Some(new_text) => {
                    out.push_str(lead);
                    out.push_str(&new_text);
                    out.push_str(trail);
                    out.push_str(eol);
                    changed = true;
                }
                None => out.push_str(line),
            }
        }
        if changed {
            writes.push((real, out));
        }
    }
    let in_files = resealer.resealed + resealer.sealed_plaintext - in_config;
    let secret_file_count = writes.len();
    if in_config > 0 {
        let real =
            std::fs::canonicalize(config_path).with_context(|| format!("cannot read {}", config_path.display()))?;
        writes.push((real, Zeroizing::new(doc.to_string())));
    }

    // 3. Write: secret files first, the configuration last, each replaced in one rename.
    if !dry_run {
        for (path, text) in &writes {
            write_atomically(path, text)?;
        }
    }
    let changed = resealer.resealed + resealer.sealed_plaintext;
    println!(
        "{} {} secret(s) under key {}: {in_config} in {}, {in_files} in {secret_file_count} secret file(s){}{}",
        if dry_run { "would re-seal" } else { "re-sealed" },
        changed,
        new_key.id(),
        config_path.display(),
        if resealer.sealed_plaintext > 0 {
            format!(" ({} of them were plaintext)", resealer.sealed_plaintext)
        } else {
            String::new()
        },
        if resealer.already_new > 0 {
            format!("; {} already under that key", resealer.already_new)
        } else {
            String::new()
        },
    );
    if !dry_run && changed > 0 {
        println!(
            "next: give the service the new key (MM_SECRET_KEY, MM_SECRET_KEY_FILE or `[secrets] key_file`) and \
             restart it; the old key opens none of these values any more"
        );
    }
    // Environment variables cannot be rewritten from here: name those sealed under another key.
    let mut stale: Vec<String> = std::env::vars()
        .filter(|(k, v)| {
            k.starts_with("MM_")
                && sealed::sealed_header(v)
                    .map(|h| h.key_id != new_key.id())
                    .unwrap_or(false)
        })
        .map(|(k, _)| k)
        .collect();
    stale.sort();
    for k in stale {
        eprintln!(
            "warning: {k} holds a value sealed under another key: seal it again under the new one with \
             `moodle-management secret seal --key-file {}`",
            new_key_file.display()
        );
    }
    Ok(())
}

/// Replaces `path` by `text` in one rename (a reader sees the old file or the new one, never
/// half of it), keeping the file's permissions (and owner, where allowed).
fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".mm-rotate-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", tmp.path().display()))?;
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file()
            .set_permissions(meta.permissions())
            .with_context(|| format!("cannot set the permissions of {}", tmp.path().display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // Best effort: only root may give a file away.
            let _ = std::os::unix::fs::fchown(tmp.as_file(), Some(meta.uid()), Some(meta.gid()));
        }
    }
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("cannot write {}", tmp.path().display()))?;
    tmp.persist(path)
        .map_err(|e| anyhow::anyhow!("cannot replace {}: {}", path.display(), e.error))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Creates `path` readable by its owner only; refuses to overwrite.
fn write_new_private_file(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path).with_context(|| {
        format!(
            "cannot create {} (an existing file is never overwritten)",
            path.display()
        )
    })?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}
