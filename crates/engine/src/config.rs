//! Configuration: one TOML file, then `MM_`-prefixed environment overrides.
//!
//! Unknown keys, bad URLs and missing secrets are refused at start, naming the key and how
//! to fix it. Secrets may come from the file, an environment variable or a `*_file` path, and
//! each may be sealed (`enc:v1:…`, opened with `MM_SECRET_KEY` or a key file: see [`secret_key`]).

use mm_core::{CourseRef, Mapping, RemovalPolicy, RevokePolicy, StartsFrom};
use mm_net::sealed::{self, SealError, SecretKey};
use secrecy::SecretString;
use secrecy::zeroize::Zeroizing;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use url::Url;

mod certificates;
mod events;
pub use certificates::{CertificatesConfig, CourseCertificate, SiteCertificates, SmtpConfig, TemplateConfig};
pub use events::{EVENT_TYPES, EventsConfig, SubscriberConfig};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("configuration file {path} is invalid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("`{key}`: {message}")]
    Invalid { key: String, message: String },
}

fn invalid(key: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key: key.into(),
        message: message.into(),
    }
}

// ---- the file, as written -------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    server: RawServer,
    #[serde(default)]
    database: RawDatabase,
    #[serde(default)]
    log: RawLog,
    #[serde(default)]
    worker: RawWorker,
    #[serde(default)]
    drift: RawDrift,
    #[serde(default)]
    progress: RawProgress,
    #[serde(default)]
    secrets: RawSecrets,
    #[serde(default)]
    moodle: Vec<RawMoodle>,
    #[serde(default)]
    source: Vec<RawSource>,
    #[serde(default)]
    mapping: Vec<RawMapping>,
    #[serde(default)]
    certificates: certificates::RawCertificates,
    smtp: Option<certificates::RawSmtp>,
    #[serde(default)]
    subscriber: Vec<events::RawSubscriber>,
    #[serde(default)]
    events: events::RawEvents,
    #[serde(default)]
    telemetry: RawTelemetry,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTelemetry {
    /// An OpenTelemetry collector's OTLP/HTTP address (`http://collector:4318`); traces are
    /// exported only when it is set.
    otlp_endpoint: Option<String>,
    service_name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServer {
    listen: Option<String>,
    public_url: Option<String>,
    /// Bearer token of the JSON API's write routes (seats); unset = those routes are off.
    admin_token: Option<String>,
    admin_token_file: Option<PathBuf>,
    /// `/metrics` without signing in (for a Prometheus inside a trusted network).
    #[serde(default)]
    metrics_public: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDatabase {
    url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLog {
    format: Option<String>,
    level: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorker {
    batch_size: Option<i64>,
    lease: Option<String>,
    retry_base: Option<String>,
    retry_max: Option<String>,
    max_attempts: Option<i64>,
    paused_site_check: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDrift {
    interval: Option<String>,
    repair_manual: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProgress {
    interval: Option<String>,
    recheck_window: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSecrets {
    /// A file holding the key that opens sealed secrets (`MM_SECRET_KEY`, `MM_SECRET_KEY_FILE` win).
    key_file: Option<PathBuf>,
    /// Refuse secrets written in plaintext in this file.
    require_sealed: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMoodle {
    name: String,
    url: String,
    token: Option<String>,
    token_file: Option<PathBuf>,
    #[serde(default)]
    allow_private_network: bool,
    batch_size: Option<usize>,
    concurrency: Option<usize>,
    timeout: Option<String>,
    /// Defaults for this site's mappings (each mapping may say otherwise).
    on_revoke: Option<String>,
    grace: Option<String>,
    on_mapping_removed: Option<String>,
    /// What mapping durations count from: `payment` (default), `invoice` or `enrolment`.
    starts_from: Option<String>,
    /// How new Moodle accounts are named: `email` (default) or `prefix` (+ `username_prefix`).
    username: Option<String>,
    username_prefix: Option<String>,
    /// Certificates of this site's courses when access is taken back: `revoke` (default) or `keep`.
    on_revoke_certificate: Option<String>,
    /// How long this site's certificates hold (e.g. "730d"); default: they do not expire.
    valid_for: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    kind: String,
    name: String,
    url: Option<String>,
    token: Option<String>,
    token_file: Option<PathBuf>,
    poll_interval: Option<String>,
    #[serde(default)]
    allow_private_network: bool,
    /// Standard Webhooks secret(s) `whsec_…`: one, or a list during a rotation.
    secret: Option<OneOrMany>,
    secret_file: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    product: String,
    moodle: String,
    course: String,
    #[serde(default = "default_role")]
    role: String,
    duration: Option<String>,
    /// Fixed dates instead of a duration: `starts = "2027-01-11"`, `ends = "2027-03-31"` (UTC;
    /// access ends at the end of the `ends` day).
    starts: Option<String>,
    ends: Option<String>,
    on_revoke: Option<String>,
    /// Access survives an invoice unpaid again this long (e.g. "14d"); default: the site's, or none.
    grace: Option<String>,
    /// When this mapping is removed from the file: `keep` (default) or `revoke` its enrolments.
    on_remove: Option<String>,
    /// A course group (by name) the learner joins; created when missing.
    group: Option<String>,
    /// What `duration` counts from: `payment`, `invoice` or `enrolment`; default: the site's.
    starts_from: Option<String>,
    /// The course's certificates: `revoke` or `keep` them when access is taken back.
    on_revoke_certificate: Option<String>,
    /// How long the course's certificates hold (e.g. "730d").
    valid_for: Option<String>,
    /// The hours printed on the course's certificates.
    hours: Option<String>,
}

fn default_role() -> String {
    "student".to_string()
}

// ---- the validated configuration ------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub public_url: Url,
    /// `Authorization: Bearer …` of the API's write routes; `None` turns them off.
    pub admin_token: Option<SecretString>,
    /// `/metrics` answers without a session or the admin token (`[server] metrics_public`).
    pub metrics_public: bool,
    pub database_url: String,
    pub log_format: LogFormat,
    pub log_level: String,
    pub worker: WorkerConfig,
    pub drift: DriftConfig,
    pub progress: ProgressConfig,
    pub moodle: Vec<MoodleSite>,
    pub sources: Vec<SourceConfig>,
    pub mappings: Vec<Mapping>,
    pub certificates: CertificatesConfig,
    /// Where certificate mail goes out; `None`: no mail is sent.
    pub smtp: Option<SmtpConfig>,
    /// The key that seals secrets at rest (the certificate signing key among them), if one is set.
    pub secret_key: Option<Arc<SecretKey>>,
    /// `[[subscriber]]`: who hears about enrolments, completions and certificates.
    pub subscribers: Vec<SubscriberConfig>,
    /// `[events]`: how outbound deliveries are retried.
    pub events: EventsConfig,
    /// Where traces go (`[telemetry]`); `None`: they are not exported.
    pub otlp: Option<OtlpConfig>,
}

/// OpenTelemetry trace export over OTLP/HTTP (protobuf).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtlpConfig {
    /// The collector's base address; spans are posted to `{endpoint}/v1/traces`.
    pub endpoint: Url,
    /// The `service.name` resource attribute.
    pub service_name: String,
}

impl OtlpConfig {
    pub const DEFAULT_SERVICE_NAME: &str = "moodle-management";

    /// The address spans are posted to.
    pub fn traces_url(&self) -> String {
        format!("{}/v1/traces", self.endpoint.as_str().trim_end_matches('/'))
    }
}

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Jobs claimed per round; their Moodle calls are batched together.
    pub batch_size: i64,
    pub lease: Duration,
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// Retryable failures before a job is parked as dead.
    pub max_attempts: i64,
    /// How often a site paused by a site-wide failure (bad token, maintenance…) is checked
    /// again; its jobs resume once a check passes. Never zero.
    pub paused_site_check: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            batch_size: 400,
            lease: Duration::from_secs(120),
            retry_base: Duration::from_secs(10),
            retry_max: Duration::from_secs(3600),
            max_attempts: 20,
            paused_site_check: Duration::from_secs(60),
        }
    }
}

/// The drift sweep: reads Moodle's real enrolments of mapped courses and repairs differences.
#[derive(Debug, Clone)]
pub struct DriftConfig {
    /// How often `serve` sweeps (0 = never).
    pub interval: Duration,
    /// Also revoke active enrolments in mapped courses that no invoice pays for (default:
    /// only report them — they may come from another enrolment method on purpose).
    pub repair_manual: bool,
}

/// Progress sync: completion, percentage and grade of active enrolments read from Moodle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgressConfig {
    /// How often `serve` syncs (0 = never, and its functions are not required).
    pub interval: Duration,
    /// A learner who entered a course less than this long ago is read again at every sync
    /// until complete: Moodle's cron marks a course complete after the access that met its
    /// criteria, so the completion can appear with no new access.
    pub recheck_window: Duration,
}

impl ProgressConfig {
    /// Whether progress is synced at all.
    pub fn enabled(&self) -> bool {
        !self.interval.is_zero()
    }
}

impl Default for ProgressConfig {
    fn default() -> Self {
        ProgressConfig {
            interval: Duration::from_secs(3600),
            recheck_window: Duration::from_secs(24 * 3600),
        }
    }
}

#[derive(Debug, Clone)]
pub struct MoodleSite {
    pub name: String,
    pub url: Url,
    pub token: SecretString,
    pub allow_private_network: bool,
    pub batch_size: usize,
    pub concurrency: usize,
    pub timeout: Duration,
    pub usernames: UsernamePolicy,
    /// Defaults for the site's mappings.
    pub on_revoke: RevokePolicy,
    pub grace: Duration,
    pub on_mapping_removed: RemovalPolicy,
    pub starts_from: StartsFrom,
    pub certificates: SiteCertificates,
}

/// What a site's mappings get for the policies they leave unset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteDefaults {
    pub name: String,
    pub on_revoke: RevokePolicy,
    pub grace: Duration,
    pub on_mapping_removed: RemovalPolicy,
    pub starts_from: StartsFrom,
}

impl SiteDefaults {
    /// Those of a `[[moodle]]` block that sets none (and of a site added in the admin).
    pub fn built_in(name: &str) -> SiteDefaults {
        SiteDefaults {
            name: name.to_owned(),
            on_revoke: RevokePolicy::Suspend,
            grace: Duration::ZERO,
            on_mapping_removed: RemovalPolicy::Keep,
            starts_from: StartsFrom::Payment,
        }
    }
}

impl MoodleSite {
    pub const DEFAULT_BATCH_SIZE: usize = 100;
    pub const DEFAULT_CONCURRENCY: usize = 4;
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

    /// A site with every setting but its address at the default a `[[moodle]]` block without
    /// them gets (a site added in the web admin).
    pub fn with_defaults(name: String, url: Url, token: SecretString, allow_private_network: bool) -> MoodleSite {
        let defaults = SiteDefaults::built_in(&name);
        MoodleSite {
            name,
            url,
            token,
            allow_private_network,
            batch_size: Self::DEFAULT_BATCH_SIZE,
            concurrency: Self::DEFAULT_CONCURRENCY,
            timeout: Self::DEFAULT_TIMEOUT,
            usernames: UsernamePolicy::Email,
            on_revoke: defaults.on_revoke,
            grace: defaults.grace,
            on_mapping_removed: defaults.on_mapping_removed,
            starts_from: defaults.starts_from,
            certificates: SiteCertificates::default(),
        }
    }

    /// The policies this site's mappings get when they leave them unset.
    pub fn defaults(&self) -> SiteDefaults {
        SiteDefaults {
            name: self.name.clone(),
            on_revoke: self.on_revoke,
            grace: self.grace,
            on_mapping_removed: self.on_mapping_removed,
            starts_from: self.starts_from,
        }
    }
}

/// How the usernames of the Moodle accounts we create are chosen. Either way a taken name
/// is never reused: the next free one is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsernamePolicy {
    /// The learner's email, reduced to what Moodle accepts (`ada.lovelace@example.org`).
    Email,
    /// A prefix and a number (`learner1042`); the number is the lowest free one.
    Prefix(String),
}

#[derive(Debug, Clone)]
pub enum SourceConfig {
    FacturaScripts {
        name: String,
        url: Url,
        token: SecretString,
        poll_interval: Duration,
        allow_private_network: bool,
        /// Secrets of the companion plugin's "poll now" hints; empty = no webhooks.
        webhook_secrets: Vec<mm_webhook::Secret>,
    },
    /// Any billing system posting signed invoice events to `/webhooks/{name}`.
    Webhook {
        name: String,
        secrets: Vec<mm_webhook::Secret>,
    },
}

impl SourceConfig {
    pub fn name(&self) -> &str {
        match self {
            SourceConfig::FacturaScripts { name, .. } | SourceConfig::Webhook { name, .. } => name,
        }
    }

    /// The secrets webhook deliveries to this source are checked against (empty: none accepted).
    pub fn webhook_secrets(&self) -> &[mm_webhook::Secret] {
        match self {
            SourceConfig::FacturaScripts { webhook_secrets, .. } => webhook_secrets,
            SourceConfig::Webhook { secrets, .. } => secrets,
        }
    }
}

impl Config {
    /// Loads `path` (or only defaults and the environment when `None`).
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        Self::load_with_env(path, |k| std::env::var(k).ok())
    }

    /// As [`Config::load`], with the environment given as a function (for tests).
    pub fn load_with_env(path: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let raw = match path {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|source| ConfigError::Read {
                    path: p.to_path_buf(),
                    source,
                })?;
                Self::parse_raw(&text, p)?
            }
            None => RawConfig::default(),
        };
        Self::validate(raw, &env, path.and_then(Path::parent))
    }

    /// Parses TOML text (errors name `origin`).
    pub fn from_toml(text: &str, origin: &Path, env: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        Self::validate(Self::parse_raw(text, origin)?, &env, origin.parent())
    }

    /// The parser's own message quotes the offending line, which may hold a secret (a token
    /// under a misspelt key): keep its reason and the line number only.
    fn parse_raw(text: &str, origin: &Path) -> Result<RawConfig, ConfigError> {
        toml::from_str(text).map_err(|e: toml::de::Error| {
            let line = e
                .span()
                .and_then(|s| text.get(..s.start))
                .map(|before| before.lines().count().max(1));
            let reason = e.message().trim_end();
            ConfigError::Parse {
                path: origin.to_path_buf(),
                message: match line {
                    Some(l) => format!("line {l}: {reason}"),
                    None => reason.to_string(),
                },
            }
        })
    }

    /// Each section in the order it always was, so that the first mistake reported is the same.
    fn validate(
        raw: RawConfig,
        env: &dyn Fn(&str) -> Option<String>,
        base_dir: Option<&Path>,
    ) -> Result<Config, ConfigError> {
        let (listen, public_url) = server_addresses(raw.server.listen, raw.server.public_url, env)?;
        let database_url = database_url(raw.database, env)?;
        let (log_format, log_level) = log_settings(raw.log, env)?;
        let worker = worker_config(&raw.worker)?;
        let drift = drift_config(&raw.drift)?;
        let progress = progress_config(&raw.progress)?;
        let keyring = Keyring::load(&raw.secrets, base_dir, env)?;
        let admin_token = admin_token(raw.server.admin_token, raw.server.admin_token_file, env, &keyring)?;
        let moodle = moodle_sites(raw.moodle, env, &keyring)?;
        let sources = sources(raw.source, env, &keyring)?;
        let course_rules = certificates::rules_of_mappings(&raw.mapping)?;
        let mappings = mappings(raw.mapping, &moodle)?;
        let certificates = certificates::certificates(
            raw.certificates,
            course_rules,
            public_url.host_str().unwrap_or("localhost"),
            &database_url,
            base_dir,
        )?;
        let smtp = certificates::smtp(raw.smtp, env, &keyring)?;
        let subscribers = events::subscribers(raw.subscriber, env, &keyring)?;
        let events = events::events_config(&raw.events)?;
        let otlp = otlp_config(raw.telemetry, env)?;
        let secret_key = keyring.key.map(|k| Arc::new(k.key));
        Ok(Config {
            listen,
            public_url,
            admin_token,
            metrics_public: raw.server.metrics_public,
            database_url,
            log_format,
            log_level,
            worker,
            drift,
            progress,
            moodle,
            sources,
            mappings,
            certificates,
            smtp,
            secret_key,
            subscribers,
            events,
            otlp,
        })
    }
}

// ---- validation, section by section ---------------------------------------------------------

fn server_addresses(
    listen: Option<String>,
    public_url: Option<String>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(SocketAddr, Url), ConfigError> {
    let listen_s = env("MM_SERVER_LISTEN")
        .or(listen)
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let listen: SocketAddr = listen_s.parse().map_err(|_| {
        invalid(
            "server.listen",
            format!("`{listen_s}` is not an address like 127.0.0.1:8080"),
        )
    })?;
    let public_s = env("MM_SERVER_PUBLIC_URL")
        .or(public_url)
        .unwrap_or_else(|| format!("http://{listen}"));
    let public_url = parse_http_url("server.public_url", &public_s)?;
    Ok((listen, public_url))
}

fn database_url(raw: RawDatabase, env: &dyn Fn(&str) -> Option<String>) -> Result<String, ConfigError> {
    let database_url = env("MM_DATABASE_URL")
        .or(raw.url)
        .unwrap_or_else(|| "sqlite://data/moodle-management.sqlite".into());
    if !(database_url.starts_with("sqlite:")
        || database_url.starts_with("postgres://")
        || database_url.starts_with("postgresql://")
        || database_url.starts_with("mysql://")
        || database_url.starts_with("mariadb://"))
    {
        return Err(invalid(
            "database.url",
            "use sqlite://path/to/file.sqlite, postgres://user@host/db or mysql://user@host/db",
        ));
    }
    Ok(database_url)
}

fn log_settings(raw: RawLog, env: &dyn Fn(&str) -> Option<String>) -> Result<(LogFormat, String), ConfigError> {
    let log_format = match env("MM_LOG_FORMAT").or(raw.format).as_deref() {
        None | Some("human") => LogFormat::Human,
        Some("json") => LogFormat::Json,
        Some(other) => {
            return Err(invalid(
                "log.format",
                format!("`{other}`: expected \"human\" or \"json\""),
            ));
        }
    };
    let log_level = env("MM_LOG_LEVEL").or(raw.level).unwrap_or_else(|| "info".into());
    Ok((log_format, log_level))
}

/// `[telemetry]`: trace export when `otlp_endpoint` (or `MM_TELEMETRY_OTLP_ENDPOINT`) is set.
fn otlp_config(raw: RawTelemetry, env: &dyn Fn(&str) -> Option<String>) -> Result<Option<OtlpConfig>, ConfigError> {
    let service_name = env("MM_TELEMETRY_SERVICE_NAME").or(raw.service_name);
    let Some(endpoint) = env("MM_TELEMETRY_OTLP_ENDPOINT").or(raw.otlp_endpoint) else {
        if service_name.is_some() {
            return Err(invalid(
                "telemetry.service_name",
                "is used only with telemetry.otlp_endpoint: set the collector's address (e.g. \"http://collector:4318\") or remove it",
            ));
        }
        return Ok(None);
    };
    let endpoint = parse_http_url("telemetry.otlp_endpoint", endpoint.trim())?;
    if endpoint.path().trim_end_matches('/').ends_with("/v1/traces") {
        return Err(invalid(
            "telemetry.otlp_endpoint",
            format!(
                "`{endpoint}`: give the collector's base address (e.g. \"http://collector:4318\"); /v1/traces is added"
            ),
        ));
    }
    let service_name = service_name.unwrap_or_else(|| OtlpConfig::DEFAULT_SERVICE_NAME.to_owned());
    let valid = (1..=100).contains(&service_name.chars().count())
        && service_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if !valid {
        return Err(invalid(
            "telemetry.service_name",
            format!("`{service_name}`: use 1 to 100 letters, digits, -, _ and ."),
        ));
    }
    Ok(Some(OtlpConfig { endpoint, service_name }))
}

fn worker_config(raw: &RawWorker) -> Result<WorkerConfig, ConfigError> {
    let d = WorkerConfig::default();
    Ok(WorkerConfig {
        batch_size: positive("worker.batch_size", raw.batch_size.unwrap_or(d.batch_size))?,
        lease: opt_duration("worker.lease", raw.lease.as_deref())?.unwrap_or(d.lease),
        retry_base: opt_duration("worker.retry_base", raw.retry_base.as_deref())?.unwrap_or(d.retry_base),
        retry_max: opt_duration("worker.retry_max", raw.retry_max.as_deref())?.unwrap_or(d.retry_max),
        max_attempts: positive("worker.max_attempts", raw.max_attempts.unwrap_or(d.max_attempts))?,
        paused_site_check: match opt_duration("worker.paused_site_check", raw.paused_site_check.as_deref())? {
            Some(d) if d < Duration::from_secs(1) => {
                return Err(invalid("worker.paused_site_check", "must be at least 1s"));
            }
            Some(d) => d,
            None => d.paused_site_check,
        },
    })
}

fn drift_config(raw: &RawDrift) -> Result<DriftConfig, ConfigError> {
    Ok(DriftConfig {
        interval: opt_duration("drift.interval", raw.interval.as_deref())?.unwrap_or(Duration::from_secs(3600)),
        repair_manual: raw.repair_manual.unwrap_or(false),
    })
}

fn progress_config(raw: &RawProgress) -> Result<ProgressConfig, ConfigError> {
    let d = ProgressConfig::default();
    Ok(ProgressConfig {
        interval: opt_duration("progress.interval", raw.interval.as_deref())?.unwrap_or(d.interval),
        recheck_window: opt_duration("progress.recheck_window", raw.recheck_window.as_deref())?
            .unwrap_or(d.recheck_window),
    })
}

/// The API's bearer token, when one is set anywhere.
fn admin_token(
    inline: Option<String>,
    file: Option<PathBuf>,
    env: &dyn Fn(&str) -> Option<String>,
    keyring: &Keyring,
) -> Result<Option<SecretString>, ConfigError> {
    if inline.is_none() && file.is_none() && env("MM_SERVER_ADMIN_TOKEN").is_none() {
        return Ok(None);
    }
    let token = secret(
        "server.admin_token",
        inline,
        file,
        "MM_SERVER_ADMIN_TOKEN",
        env,
        keyring,
    )?;
    if secrecy::ExposeSecret::expose_secret(&token).len() < 24 {
        return Err(invalid(
            "server.admin_token",
            "too short: use at least 24 random characters (e.g. `openssl rand -hex 24`)",
        ));
    }
    Ok(Some(token))
}

fn moodle_sites(
    raw: Vec<RawMoodle>,
    env: &dyn Fn(&str) -> Option<String>,
    keyring: &Keyring,
) -> Result<Vec<MoodleSite>, ConfigError> {
    let mut moodle: Vec<MoodleSite> = Vec::new();
    for (i, m) in raw.into_iter().enumerate() {
        check_name(&format!("moodle[{i}].name"), &m.name)?;
        if moodle.iter().any(|s| s.name == m.name) {
            return Err(invalid(
                format!("moodle[{i}].name"),
                format!("site `{}` is declared twice", m.name),
            ));
        }
        moodle.push(moodle_site(i, m, env, keyring)?);
    }
    Ok(moodle)
}

fn moodle_site(
    i: usize,
    m: RawMoodle,
    env: &dyn Fn(&str) -> Option<String>,
    keyring: &Keyring,
) -> Result<MoodleSite, ConfigError> {
    let key = format!("moodle[{i}] ({})", m.name);
    let env_key = format!("MM_MOODLE_{}_TOKEN", env_segment(&m.name));
    let token = secret(&format!("{key}.token"), m.token, m.token_file, &env_key, env, keyring)?;
    let usernames = username_policy(&key, m.username.as_deref(), m.username_prefix)?;
    Ok(MoodleSite {
        usernames,
        on_revoke: revoke_policy(
            &format!("{key}.on_revoke"),
            m.on_revoke.as_deref(),
            RevokePolicy::Suspend,
        )?,
        grace: opt_duration(&format!("{key}.grace"), m.grace.as_deref())?.unwrap_or(Duration::ZERO),
        on_mapping_removed: removal_policy(
            &format!("{key}.on_mapping_removed"),
            m.on_mapping_removed.as_deref(),
            RemovalPolicy::Keep,
        )?,
        starts_from: starts_from(
            &format!("{key}.starts_from"),
            m.starts_from.as_deref(),
            StartsFrom::Payment,
        )?,
        url: parse_http_url(&format!("{key}.url"), &m.url)?,
        token,
        allow_private_network: m.allow_private_network,
        batch_size: m.batch_size.unwrap_or(MoodleSite::DEFAULT_BATCH_SIZE).clamp(1, 1000),
        concurrency: m.concurrency.unwrap_or(MoodleSite::DEFAULT_CONCURRENCY).clamp(1, 64),
        timeout: opt_duration(&format!("{key}.timeout"), m.timeout.as_deref())?.unwrap_or(MoodleSite::DEFAULT_TIMEOUT),
        certificates: certificates::site_certificates(
            &key,
            certificates::RawCertificateKeys {
                on_revoke_certificate: m.on_revoke_certificate,
                valid_for: m.valid_for,
                hours: None,
            },
        )?,
        name: m.name,
    })
}

/// `username` and `username_prefix` of a `[[moodle]]` block (`key` names the block).
fn username_policy(key: &str, username: Option<&str>, prefix: Option<String>) -> Result<UsernamePolicy, ConfigError> {
    match (username, prefix) {
        (None | Some("email"), None) => Ok(UsernamePolicy::Email),
        (None | Some("prefix"), Some(prefix)) => {
            let ok = !prefix.is_empty()
                && prefix.len() <= 40
                && prefix
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-.".contains(c));
            if !ok {
                return Err(invalid(
                    format!("{key}.username_prefix"),
                    "use 1 to 40 lower-case letters, digits, `_`, `-` or `.` (what Moodle accepts in usernames)",
                ));
            }
            Ok(UsernamePolicy::Prefix(prefix))
        }
        (Some("prefix"), None) => Err(invalid(
            format!("{key}.username_prefix"),
            "`username = \"prefix\"` needs a `username_prefix`, e.g. \"learner\"",
        )),
        (Some("email"), Some(_)) => Err(invalid(
            format!("{key}.username_prefix"),
            "only used with `username = \"prefix\"`",
        )),
        (Some(other), _) => Err(invalid(
            format!("{key}.username"),
            format!("`{other}`: expected email or prefix"),
        )),
    }
}

fn sources(
    raw: Vec<RawSource>,
    env: &dyn Fn(&str) -> Option<String>,
    keyring: &Keyring,
) -> Result<Vec<SourceConfig>, ConfigError> {
    let mut sources: Vec<SourceConfig> = Vec::new();
    for (i, s) in raw.into_iter().enumerate() {
        let key = format!("source[{i}] ({})", s.name);
        check_name(&format!("source[{i}].name"), &s.name)?;
        if sources.iter().any(|x| x.name() == s.name) {
            return Err(invalid(
                format!("source[{i}].name"),
                format!("source `{}` is declared twice", s.name),
            ));
        }
        let source = match s.kind.as_str() {
            "facturascripts" => facturascripts_source(&key, s, env, keyring)?,
            "webhook" => webhook_source(&key, s, env, keyring)?,
            other => {
                return Err(invalid(
                    format!("{key}.kind"),
                    format!("`{other}`: expected \"facturascripts\" or \"webhook\""),
                ));
            }
        };
        sources.push(source);
    }
    Ok(sources)
}

fn facturascripts_source(
    key: &str,
    s: RawSource,
    env: &dyn Fn(&str) -> Option<String>,
    keyring: &Keyring,
) -> Result<SourceConfig, ConfigError> {
    let url = s
        .url
        .ok_or_else(|| invalid(format!("{key}.url"), "required for kind = \"facturascripts\""))?;
    let env_key = format!("MM_SOURCE_{}_TOKEN", env_segment(&s.name));
    let token = secret(&format!("{key}.token"), s.token, s.token_file, &env_key, env, keyring)?;
    let poll_interval =
        opt_duration(&format!("{key}.poll_interval"), s.poll_interval.as_deref())?.unwrap_or(Duration::from_secs(30));
    if poll_interval < Duration::from_secs(1) {
        return Err(invalid(format!("{key}.poll_interval"), "must be at least 1s"));
    }
    let secret_env = format!("MM_SOURCE_{}_SECRET", env_segment(&s.name));
    let webhook_secrets = webhook_secrets(key, s.secret, s.secret_file, &secret_env, env, keyring, false)?;
    Ok(SourceConfig::FacturaScripts {
        url: parse_http_url(&format!("{key}.url"), &url)?,
        token,
        poll_interval,
        allow_private_network: s.allow_private_network,
        webhook_secrets,
        name: s.name,
    })
}

fn webhook_source(
    key: &str,
    s: RawSource,
    env: &dyn Fn(&str) -> Option<String>,
    keyring: &Keyring,
) -> Result<SourceConfig, ConfigError> {
    let unused = [
        ("url", s.url.is_some()),
        ("token", s.token.is_some()),
        ("poll_interval", s.poll_interval.is_some()),
    ];
    if let Some((field, _)) = unused.iter().find(|(_, set)| *set) {
        return Err(invalid(
            format!("{key}.{field}"),
            "not used by kind = \"webhook\" (events are pushed to /webhooks/NAME)",
        ));
    }
    let secret_env = format!("MM_SOURCE_{}_SECRET", env_segment(&s.name));
    let secrets = webhook_secrets(key, s.secret, s.secret_file, &secret_env, env, keyring, true)?;
    Ok(SourceConfig::Webhook { secrets, name: s.name })
}

fn mappings(raw: Vec<RawMapping>, moodle: &[MoodleSite]) -> Result<Vec<Mapping>, ConfigError> {
    raw.into_iter()
        .enumerate()
        .map(|(i, m)| mapping(i, m, moodle))
        .collect()
}

fn mapping(i: usize, m: RawMapping, moodle: &[MoodleSite]) -> Result<Mapping, ConfigError> {
    let key = format!("mapping[{i}] ({})", m.product);
    if m.product.trim().is_empty() {
        return Err(invalid(format!("{key}.product"), "must not be empty"));
    }
    let Some(site) = moodle.iter().find(|s| s.name == m.moodle) else {
        return Err(invalid(
            format!("{key}.moodle"),
            format!("no [[moodle]] site is named `{}`; declare it or fix the name", m.moodle),
        ));
    };
    let course = CourseRef::parse(&m.course).map_err(|e| invalid(format!("{key}.course"), e.to_string()))?;
    let duration_secs = opt_duration(&format!("{key}.duration"), m.duration.as_deref())?
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let on_revoke = revoke_policy(&format!("{key}.on_revoke"), m.on_revoke.as_deref(), site.on_revoke)?;
    let grace = opt_duration(&format!("{key}.grace"), m.grace.as_deref())?.unwrap_or(site.grace);
    let on_remove = removal_policy(
        &format!("{key}.on_remove"),
        m.on_remove.as_deref(),
        site.on_mapping_removed,
    )?;
    let window = fixed_window(&key, m.starts.as_deref(), m.ends.as_deref(), duration_secs.is_some())?;
    Ok(Mapping {
        product: m.product.trim().to_string(),
        site: m.moodle,
        course,
        role: m.role,
        duration_secs,
        window,
        on_revoke,
        grace_secs: i64::try_from(grace.as_secs()).unwrap_or(i64::MAX),
        on_remove,
        group: group_name(&key, m.group.as_deref())?,
        starts_from: starts_from(
            &format!("{key}.starts_from"),
            m.starts_from.as_deref(),
            site.starts_from,
        )?,
    })
}

/// A mapping's `starts`/`ends` (whole UTC days), which exclude a `duration`.
fn fixed_window(
    key: &str,
    starts: Option<&str>,
    ends: Option<&str>,
    has_duration: bool,
) -> Result<Option<(mm_core::Timestamp, mm_core::Timestamp)>, ConfigError> {
    match (starts, ends) {
        (None, None) => Ok(None),
        (Some(a), Some(b)) => {
            if has_duration {
                return Err(invalid(
                    format!("{key}.duration"),
                    "give either `duration` or `starts`/`ends` (fixed dates), not both",
                ));
            }
            let start = day_start(&format!("{key}.starts"), a)?;
            let end = day_start(&format!("{key}.ends"), b)?.plus_seconds(86_400);
            if end <= start {
                return Err(invalid(format!("{key}.ends"), "must not be before `starts`"));
            }
            Ok(Some((start, end)))
        }
        _ => Err(invalid(
            format!("{key}.starts"),
            "fixed dates need both `starts` and `ends`",
        )),
    }
}

fn group_name(key: &str, group: Option<&str>) -> Result<Option<String>, ConfigError> {
    match group.map(str::trim) {
        None => Ok(None),
        Some(g) if !g.is_empty() && g.chars().count() <= 254 => Ok(Some(g.to_string())),
        Some(_) => Err(invalid(
            format!("{key}.group"),
            "a group name must not be empty (at most 254 characters); omit the key for no group",
        )),
    }
}

pub(crate) fn parse_http_url(key: &str, s: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(s).map_err(|e| invalid(key, format!("`{s}` is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(key, format!("`{s}`: only http:// and https:// are allowed")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            key,
            "credentials in the URL are not allowed; use the token settings",
        ));
    }
    Ok(url)
}

fn opt_duration(key: &str, s: Option<&str>) -> Result<Option<Duration>, ConfigError> {
    s.map(|s| {
        humantime::parse_duration(s.trim())
            .map_err(|e| invalid(key, format!("`{s}` is not a duration like 30s, 5m, 365d ({e})")))
    })
    .transpose()
}

/// `2027-01-11` → midnight UTC of that day.
fn day_start(key: &str, s: &str) -> Result<mm_core::Timestamp, ConfigError> {
    let day = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| invalid(key, format!("`{s}` is not a date like 2027-01-11")))?;
    let midnight = day
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc().timestamp())
        .unwrap_or_default();
    Ok(mm_core::Timestamp(midnight))
}

fn positive(key: &str, n: i64) -> Result<i64, ConfigError> {
    if n > 0 {
        Ok(n)
    } else {
        Err(invalid(key, "must be a positive number"))
    }
}

/// Whether `name` may name a site or a source: letters, digits, `-` and `_` (it appears in
/// URLs such as `/webhooks/{name}` and in environment variable names).
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn check_name(key: &str, name: &str) -> Result<(), ConfigError> {
    if is_valid_name(name) {
        Ok(())
    } else {
        Err(invalid(key, format!("`{name}`: use letters, digits, - and _ only")))
    }
}

/// `main-lms` → `MAIN_LMS`, for `MM_MOODLE_<NAME>_TOKEN`.
fn env_segment(name: &str) -> String {
    name.to_ascii_uppercase().replace('-', "_")
}

fn revoke_policy(key: &str, raw: Option<&str>, default: RevokePolicy) -> Result<RevokePolicy, ConfigError> {
    match raw {
        None => Ok(default),
        Some("suspend") => Ok(RevokePolicy::Suspend),
        Some("unenrol") => Ok(RevokePolicy::Unenrol),
        Some(other) => Err(invalid(
            key.to_string(),
            format!("`{other}`: expected suspend or unenrol"),
        )),
    }
}

fn starts_from(key: &str, raw: Option<&str>, default: StartsFrom) -> Result<StartsFrom, ConfigError> {
    match raw {
        None => Ok(default),
        Some(text) => StartsFrom::parse(text).ok_or_else(|| {
            invalid(
                key.to_string(),
                format!("`{text}`: expected payment (the day it was paid), invoice (the invoice date) or enrolment (when this service first saw it paid)"),
            )
        }),
    }
}

fn removal_policy(key: &str, raw: Option<&str>, default: RemovalPolicy) -> Result<RemovalPolicy, ConfigError> {
    match raw {
        None => Ok(default),
        Some("keep") => Ok(RemovalPolicy::Keep),
        Some("revoke") => Ok(RemovalPolicy::Revoke),
        Some(other) => Err(invalid(key.to_string(), format!("`{other}`: expected keep or revoke"))),
    }
}

// ---- secrets: inline, `*_file` or the environment, each possibly sealed ---------------------

/// The key that opens sealed secrets, and where it came from (named in error messages).
#[derive(Debug)]
pub struct ConfiguredKey {
    pub key: SecretKey,
    /// `MM_SECRET_KEY`, `MM_SECRET_KEY_FILE (/etc/mm/key)` or `secrets.key_file (/etc/mm/key)`.
    pub origin: String,
}

/// The key that opens sealed secrets (`enc:v1:…`), from, in order: `MM_SECRET_KEY` (the key's
/// text), `MM_SECRET_KEY_FILE` (a file holding it), `[secrets] key_file` (relative to the
/// configuration file's folder). `None` when none is set. A key that is set but unreadable,
/// short or malformed is an error, whether or not anything sealed needs it.
pub fn secret_key(
    key_file: Option<&Path>,
    base_dir: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<ConfiguredKey>, ConfigError> {
    if let Some(text) = env("MM_SECRET_KEY").map(Zeroizing::new)
        && !text.trim().is_empty()
    {
        let key = SecretKey::parse(&text).map_err(|e| invalid("MM_SECRET_KEY", e.to_string()))?;
        return Ok(Some(ConfiguredKey {
            key,
            origin: "MM_SECRET_KEY".into(),
        }));
    }
    let (name, path) = match env("MM_SECRET_KEY_FILE").filter(|v| !v.trim().is_empty()) {
        Some(p) => ("MM_SECRET_KEY_FILE", PathBuf::from(p.trim())),
        None => match key_file {
            Some(f) => (
                "secrets.key_file",
                match base_dir {
                    Some(b) if f.is_relative() => b.join(f),
                    _ => f.to_path_buf(),
                },
            ),
            None => return Ok(None),
        },
    };
    let text = Zeroizing::new(
        std::fs::read_to_string(&path)
            .map_err(|e| invalid(name, format!("cannot read the key file {}: {e}", path.display())))?,
    );
    let key = SecretKey::parse(&text).map_err(|e| invalid(name, format!("{}: {e}", path.display())))?;
    Ok(Some(ConfiguredKey {
        key,
        origin: format!("{name} ({})", path.display()),
    }))
}

/// What reading a secret needs beyond its value: where `*_file` paths start, the key that opens
/// sealed values, and whether plaintext in the configuration file is refused.
struct Keyring<'a> {
    base_dir: Option<&'a Path>,
    key: Option<ConfiguredKey>,
    require_sealed: bool,
}

impl<'a> Keyring<'a> {
    fn load(
        raw: &RawSecrets,
        base_dir: Option<&'a Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Keyring<'a>, ConfigError> {
        Ok(Keyring {
            base_dir,
            key: secret_key(raw.key_file.as_deref(), base_dir, env)?,
            require_sealed: raw.require_sealed.unwrap_or(false),
        })
    }

    fn path(&self, f: &Path) -> PathBuf {
        match self.base_dir {
            Some(b) if f.is_relative() => b.join(f),
            _ => f.to_path_buf(),
        }
    }

    /// The secret `text` stands for: opened when sealed, as it is otherwise. `key` is where the
    /// text came from (named in errors, which never quote the text); `in_file` says it is written
    /// in the configuration file itself.
    fn reveal(&self, key: &str, text: &str, in_file: bool) -> Result<SecretString, ConfigError> {
        let text = text.trim();
        if !sealed::is_sealed(text) {
            if in_file && self.require_sealed {
                return Err(invalid(
                    key,
                    "is written in plaintext, but `[secrets] require_sealed = true`: seal it with \
                     `moodle-management secret seal` (or `secret rotate --seal-plaintext`), or move it to a \
                     `*_file` or the environment",
                ));
            }
            return Ok(SecretString::from(text));
        }
        let Some(k) = &self.key else {
            let header = sealed::sealed_header(text).map_err(|e| invalid(key, e.to_string()))?;
            return Err(invalid(
                key,
                format!(
                    "is sealed with key {}, but no key is configured to open it: set MM_SECRET_KEY to the key, \
                     or MM_SECRET_KEY_FILE or `[secrets] key_file` to a file holding it",
                    header.key_id
                ),
            ));
        };
        let opened = k.key.open(text).map_err(|e| match e {
            SealError::WrongKey { sealed_with, given } => invalid(
                key,
                format!(
                    "is sealed with key {sealed_with}, but {} is key {given}: configure the key it was sealed \
                     with, or re-seal the configuration under this key with `moodle-management secret rotate`",
                    k.origin
                ),
            ),
            other => invalid(key, other.to_string()),
        })?;
        if secrecy::ExposeSecret::expose_secret(&opened).trim().is_empty() {
            return Err(invalid(key, "is sealed, but the secret inside is empty"));
        }
        Ok(opened)
    }
}

/// A secret from, in order: the environment, `*_file`, the file's inline value. Each may be
/// sealed.
fn secret(
    key: &str,
    inline: Option<String>,
    file: Option<PathBuf>,
    env_key: &str,
    env: &dyn Fn(&str) -> Option<String>,
    keyring: &Keyring,
) -> Result<SecretString, ConfigError> {
    if let Some(v) = env(env_key).filter(|v| !v.trim().is_empty()) {
        return keyring.reveal(env_key, &v, false);
    }
    if let Some(f) = file {
        let path = keyring.path(&f);
        let v = std::fs::read_to_string(&path)
            .map_err(|e| invalid(format!("{key}_file"), format!("cannot read {}: {e}", path.display())))?;
        let v = v.trim();
        if v.is_empty() {
            return Err(invalid(format!("{key}_file"), format!("{} is empty", path.display())));
        }
        return keyring.reveal(&format!("{key}_file"), v, false);
    }
    match inline.filter(|v| !v.trim().is_empty()) {
        Some(v) => keyring.reveal(key, &v, true),
        None => Err(invalid(
            key,
            format!("missing: set it in the file, in `{key}_file`, or in the environment as {env_key}"),
        )),
    }
}

/// Webhook secrets from the environment (space-separated), `secret_file` (one per line) or
/// `secret` (a string or a list). Several secrets are accepted at once during a rotation. Each
/// may be sealed.
fn webhook_secrets(
    key: &str,
    inline: Option<OneOrMany>,
    file: Option<PathBuf>,
    env_key: &str,
    env: &dyn Fn(&str) -> Option<String>,
    keyring: &Keyring,
    required: bool,
) -> Result<Vec<mm_webhook::Secret>, ConfigError> {
    let (origin, in_file, texts): (String, bool, Vec<String>) =
        if let Some(v) = env(env_key).filter(|v| !v.trim().is_empty()) {
            (
                env_key.to_string(),
                false,
                v.split_whitespace().map(str::to_string).collect(),
            )
        } else if let Some(f) = file {
            let path = keyring.path(&f);
            let v = std::fs::read_to_string(&path).map_err(|e| {
                invalid(
                    format!("{key}.secret_file"),
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            (
                format!("{key}.secret_file"),
                false,
                v.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect(),
            )
        } else {
            let texts = match inline {
                Some(OneOrMany::One(s)) => vec![s],
                Some(OneOrMany::Many(v)) => v,
                None => Vec::new(),
            };
            (format!("{key}.secret"), true, texts)
        };
    if texts.is_empty() {
        return if required {
            Err(invalid(
                format!("{key}.secret"),
                format!("missing: set a whsec_… secret in the file, in secret_file, or in {env_key}"),
            ))
        } else {
            Ok(Vec::new())
        };
    }
    texts
        .iter()
        .map(|t| {
            let opened = keyring.reveal(&origin, t, in_file)?;
            mm_webhook::Secret::parse(secrecy::ExposeSecret::expose_secret(&opened)).map_err(|e| {
                invalid(
                    &origin,
                    format!("{e} (generate one with `moodle-management webhook secret`)"),
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn load(text: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_toml(text, Path::new("test.toml"), move |k| {
            env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        })
    }

    const GOOD: &str = r#"
[server]
listen = "127.0.0.1:9000"
[database]
url = "sqlite://x.sqlite"
[[moodle]]
name = "main"
url = "https://lms.example.org"
token = "abc"
[[source]]
kind = "facturascripts"
name = "erp"
url = "https://erp.example.org"
token = "k"
poll_interval = "45s"
[[mapping]]
product = "REF-001"
moodle = "main"
course = "PY101"
duration = "365d"
"#;

    #[test]
    fn a_complete_file_loads() {
        let c = load(GOOD, &[]).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:9000");
        assert_eq!(c.moodle[0].token.expose_secret(), "abc");
        assert_eq!(c.mappings[0].duration_secs, Some(365 * 86400));
        assert_eq!(c.mappings[0].role, "student");
        match &c.sources[0] {
            SourceConfig::FacturaScripts {
                poll_interval,
                webhook_secrets,
                ..
            } => {
                assert_eq!(*poll_interval, Duration::from_secs(45));
                assert!(webhook_secrets.is_empty());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn metrics_are_private_unless_the_server_block_says_public() {
        assert!(!load(GOOD, &[]).unwrap().metrics_public, "private by default");
        let public = GOOD.replace("[server]\n", "[server]\nmetrics_public = true\n");
        assert!(load(&public, &[]).unwrap().metrics_public);
        let wrong = GOOD.replace("[server]\n", "[server]\nmetrics_public = \"yes\"\n");
        let e = load(&wrong, &[]).unwrap_err().to_string();
        assert!(e.contains("line 3") && e.contains("expected a boolean"), "{e}");
    }

    #[test]
    fn traces_are_exported_only_to_a_configured_collector() {
        assert_eq!(load(GOOD, &[]).unwrap().otlp, None, "off by default");
        let with = |block: &str| format!("{GOOD}\n[telemetry]\n{block}\n");
        let c = load(&with("otlp_endpoint = \"http://collector:4318\""), &[]).unwrap();
        let otlp = c.otlp.unwrap();
        assert_eq!(otlp.traces_url(), "http://collector:4318/v1/traces");
        assert_eq!(otlp.service_name, "moodle-management");
        let named = with("otlp_endpoint = \"https://otel.example/base/\"\nservice_name = \"mm-eu\"");
        let otlp = load(&named, &[]).unwrap().otlp.unwrap();
        assert_eq!(
            (otlp.traces_url().as_str(), otlp.service_name.as_str()),
            ("https://otel.example/base/v1/traces", "mm-eu")
        );
        let from_env = load(GOOD, &[("MM_TELEMETRY_OTLP_ENDPOINT", "http://127.0.0.1:4318")]).unwrap();
        assert!(from_env.otlp.is_some());
        for (block, key, fix) in [
            ("otlp_endpoint = \"collector:4318\"", "telemetry.otlp_endpoint", "http"),
            (
                "otlp_endpoint = \"http://c:4318/v1/traces\"",
                "telemetry.otlp_endpoint",
                "/v1/traces is added",
            ),
            ("service_name = \"mm\"", "telemetry.service_name", "otlp_endpoint"),
            (
                "otlp_endpoint = \"http://c:4318\"\nservice_name = \"a b\"",
                "telemetry.service_name",
                "letters",
            ),
            ("otlp_endpont = \"http://c:4318\"", "otlp_endpont", "unknown field"),
        ] {
            let e = load(&with(block), &[]).unwrap_err().to_string();
            assert!(e.contains(key) && e.contains(fix), "{block}: {e}");
        }
    }

    #[test]
    fn environment_overrides_the_file() {
        let c = load(
            GOOD,
            &[
                ("MM_DATABASE_URL", "postgres://db/x"),
                ("MM_MOODLE_MAIN_TOKEN", "from-env"),
            ],
        )
        .unwrap();
        assert_eq!(c.database_url, "postgres://db/x");
        assert_eq!(c.moodle[0].token.expose_secret(), "from-env");
    }

    #[test]
    fn mysql_and_mariadb_urls_are_accepted() {
        for url in ["mysql://mm:secret@db.example.org/mm", "mariadb://mm@127.0.0.1:3306/mm"] {
            let c = load(GOOD, &[("MM_DATABASE_URL", url), ("MM_MOODLE_MAIN_TOKEN", "t")]).unwrap();
            assert_eq!(c.database_url, url);
        }
    }

    #[test]
    fn mistakes_name_the_key_and_the_fix() {
        let cases: &[(&str, &str)] = &[
            ("[server]\nlisten = \"x\"\n", "server.listen"),
            ("[server]\nlistn = \"x\"\n", "unknown field `listn`"),
            (
                "[[moodle]]\nname = \"main\"\nurl = \"ftp://x\"\ntoken = \"t\"\n",
                "only http:// and https://",
            ),
            (
                "[[moodle]]\nname = \"main\"\nurl = \"https://x.org\"\n",
                "MM_MOODLE_MAIN_TOKEN",
            ),
            (
                "[[moodle]]\nname = \"main\"\nurl = \"https://x.org\"\ntoken_file = \"/nonexistent/t\"\n",
                "token_file",
            ),
            (
                "[[mapping]]\nproduct = \"A\"\nmoodle = \"nope\"\ncourse = \"C\"\n",
                "no [[moodle]] site is named `nope`",
            ),
            ("[database]\nurl = \"mysql2://x\"\n", "database.url"),
            (
                "[[source]]\nkind = \"stripe\"\nname = \"s\"\n",
                "expected \"facturascripts\"",
            ),
        ];
        for (text, want) in cases {
            let err = load(text, &[]).unwrap_err().to_string();
            assert!(err.contains(want), "{text:?}: `{err}` should mention `{want}`");
        }
        let with_bad_duration = GOOD.replace("365d", "forever");
        assert!(
            load(&with_bad_duration, &[])
                .unwrap_err()
                .to_string()
                .contains("mapping[0] (REF-001).duration")
        );
    }

    #[test]
    fn fixed_dates_are_whole_utc_days() {
        let text = GOOD.replace("duration = \"365d\"", "starts = \"2027-01-11\"\nends = \"2027-03-31\"");
        let c = load(&text, &[]).unwrap();
        let (start, end) = c.mappings[0].window.unwrap();
        assert_eq!(start.0, 1_799_625_600, "2027-01-11T00:00:00Z");
        assert_eq!(end.0, 1_806_537_600, "the end of 2027-03-31 is 2027-04-01T00:00:00Z");
        for (bad, want) in [
            ("starts = \"2027-01-11\"", "both `starts` and `ends`"),
            ("starts = \"2027-03-31\"\nends = \"2027-01-11\"", "must not be before"),
            ("starts = \"11/01/2027\"\nends = \"2027-03-31\"", "not a date"),
            (
                "duration = \"30d\"\nstarts = \"2027-01-11\"\nends = \"2027-03-31\"",
                "not both",
            ),
        ] {
            let text = GOOD.replace("duration = \"365d\"", bad);
            let err = load(&text, &[]).unwrap_err().to_string();
            assert!(err.contains(want), "{bad}: {err}");
        }
    }

    #[test]
    fn webhook_sources_take_one_or_several_secrets() {
        let one =
            "[[source]]\nkind = \"webhook\"\nname = \"shop\"\nsecret = \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"\n";
        assert_eq!(load(one, &[]).unwrap().sources[0].webhook_secrets().len(), 1);
        let two = "[[source]]\nkind = \"webhook\"\nname = \"shop\"\nsecret = [\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\", \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSx\"]\n";
        assert_eq!(load(two, &[]).unwrap().sources[0].webhook_secrets().len(), 2);
        let from_env = "[[source]]\nkind = \"webhook\"\nname = \"shop\"\n";
        let c = load(
            from_env,
            &[("MM_SOURCE_SHOP_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")],
        )
        .unwrap();
        assert_eq!(c.sources[0].webhook_secrets().len(), 1);
    }

    #[test]
    fn the_example_file_is_valid() {
        let text = include_str!("../../../config.example.toml");
        load(text, &[]).unwrap();
    }
}
