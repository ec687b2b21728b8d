//! Invoice sources. A poll only records what the source says now; it never acts on Moodle.
//! Changed invoices change the desired state, which queues the keys to look at again.

use crate::config::SourceConfig;
use mm_core::Timestamp;
use mm_facturascripts::poller::{SnapshotSink, TickError};
use mm_facturascripts::{FsClient, FsClientConfig, FsError, PollCursor, Poller, PollerConfig};
use mm_net::{
    BreakerConfig, BreakerState, CircuitBreaker, Clock, ConfigBlock, RefusedUrl, SsrfPolicy, validate_configured_url,
};
use mm_store::{SourceRefusal, Store, StoreError};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("source `{source_name}`: {error}")]
    FacturaScripts { source_name: String, error: FsError },
    #[error("source `{source_name}`: cannot build its HTTP client: {message}")]
    Setup { source_name: String, message: String },
    /// The URL is refused by the anti-SSRF policy; the text names the block and the fix.
    #[error("{0}")]
    RefusedUrl(RefusedUrl),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("source `{source_name}`: its stored cursor is unreadable ({error}); it will restart with a full sweep")]
    Cursor {
        source_name: String,
        error: serde_json::Error,
    },
    #[error(
        "source `{source_name}`: not asked until {until} UTC, after it refused us: {message}",
        until = fmt_time(*until)
    )]
    CoolingDown {
        source_name: String,
        until: Timestamp,
        message: String,
    },
}

impl From<std::convert::Infallible> for SourceError {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

pub(crate) fn fmt_time(t: Timestamp) -> String {
    chrono::DateTime::from_timestamp(t.0, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// What a dry run read from a source, recorded nowhere.
#[derive(Debug, Default)]
pub struct SourceRead {
    pub snapshots: Vec<mm_core::InvoiceSnapshot>,
    /// Ids found deleted.
    pub deleted: Vec<String>,
    /// On a full sweep: every id that exists (the others of this source are deleted).
    pub full_sweep_ids: Option<Vec<String>>,
    pub requests: u64,
}

/// What one poll changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PollSummary {
    pub seen: usize,
    pub changed: usize,
    pub deleted: usize,
    pub requests: u64,
}

pub struct FacturaScriptsSource {
    pub name: String,
    pub interval: Duration,
    poller: Poller,
    /// The client's breaker (shared with it): while FacturaScripts is down, polls fail at once
    /// without a request, and one probe per cool-down finds out when it is back.
    breaker: Arc<CircuitBreaker>,
}

pub enum Source {
    FacturaScripts(FacturaScriptsSource),
}

impl Source {
    /// The poller of a source; `None` for sources that only receive webhooks.
    pub fn from_config(cfg: &SourceConfig) -> Result<Option<Source>, SourceError> {
        Self::from_config_with_clock(cfg, None)
    }

    /// As [`Source::from_config`], with the circuit breaker on another clock (fault tests run
    /// a scaled clock, so that a cool-down of 30 s passes in one second).
    pub fn from_config_with_clock(
        cfg: &SourceConfig,
        breaker_clock: Option<Arc<dyn Clock>>,
    ) -> Result<Option<Source>, SourceError> {
        match cfg {
            SourceConfig::Webhook { .. } => Ok(None),
            SourceConfig::FacturaScripts {
                name,
                url,
                token,
                poll_interval,
                allow_private_network,
                ..
            } => {
                let setup = |message: String| SourceError::Setup {
                    source_name: name.clone(),
                    message,
                };
                let policy = SsrfPolicy {
                    allow_private_network: *allow_private_network,
                };
                validate_configured_url(ConfigBlock::Source, name, url, policy).map_err(SourceError::RefusedUrl)?;
                let mut client_cfg = FsClientConfig::new(url.clone(), token.clone());
                client_cfg.http_config.ssrf = policy;
                client_cfg.http_config.user_agent = format!("MoodleManagement/{}", env!("CARGO_PKG_VERSION"));
                let breaker = Arc::new(match breaker_clock {
                    Some(clock) => CircuitBreaker::with_clock(BreakerConfig::default(), clock),
                    None => CircuitBreaker::new(BreakerConfig::default()),
                });
                client_cfg.breaker = Some(breaker.clone());
                client_cfg.name = name.clone();
                client_cfg.observer = Some(crate::metrics::Metrics::global());
                let client = FsClient::new(client_cfg).map_err(|e| setup(e.to_string()))?;
                Ok(Some(Source::FacturaScripts(FacturaScriptsSource {
                    name: name.clone(),
                    interval: *poll_interval,
                    poller: Poller::new(client, PollerConfig::new(name.clone())),
                    breaker,
                })))
            }
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Source::FacturaScripts(s) => &s.name,
        }
    }

    pub fn interval(&self) -> Duration {
        match self {
            Source::FacturaScripts(s) => s.interval,
        }
    }

    pub fn request_count(&self) -> u64 {
        match self {
            Source::FacturaScripts(s) => s.poller.client().request_count(),
        }
    }

    /// State of the source's circuit breaker (closed, open while the source is down).
    pub fn breaker_state(&self) -> BreakerState {
        match self {
            Source::FacturaScripts(s) => s.breaker.state(),
        }
    }

    /// Reads what changed since the last poll and records it. The cursor is saved after the
    /// invoices, so a crash in between only means reading a few invoices twice.
    pub async fn poll(&self, store: &Store, now: Timestamp) -> Result<PollSummary, SourceError> {
        match self {
            Source::FacturaScripts(s) => s.poll(store, now).await,
        }
    }

    /// Reads what changed since the last poll without recording it (a dry run): the stored
    /// cursor stays where it is. Only a refusal is recorded, as every poll does: the source
    /// counts it towards banning our IP whoever asked.
    pub async fn read(&self, store: &Store, now: Timestamp) -> Result<SourceRead, SourceError> {
        match self {
            Source::FacturaScripts(s) => s.read(store, now).await,
        }
    }
}

/// The `api/3` resources a poll reads (`crate::doctor` checks the key may read each).
pub const POLLED_RESOURCES: &[&str] = &[
    "facturaclientes",
    "lineafacturaclientes",
    "clientes",
    "contactos",
    mm_facturascripts::poller::RECEIPTS,
];

/// Why a source's key cannot be used, as [`Source::check_key`] found out.
#[derive(Debug)]
pub enum KeyCheck {
    /// A refusal recorded earlier is in force: nothing was asked.
    CoolingDown(SourceRefusal),
    /// Asking `resource` failed (a refusal is recorded, as a poll's is).
    Failed {
        resource: &'static str,
        error: FsError,
    },
    Store(StoreError),
}

impl Source {
    /// Reads one record of each resource a poll reads, stopping at the first failure: a wrong
    /// key costs one refusal, not one per resource (five in ten minutes ban our IP). A refusal
    /// in force is respected (nothing is asked) and a new one recorded, as a poll does.
    pub async fn check_key(&self, store: &Store, now: Timestamp) -> Result<(), KeyCheck> {
        let Source::FacturaScripts(s) = self;
        if let Some(r) = store.source_refusal(&s.name, now).await.map_err(KeyCheck::Store)? {
            return Err(KeyCheck::CoolingDown(r));
        }
        let one = mm_facturascripts::ListQuery::new().limit(1);
        for resource in POLLED_RESOURCES {
            let read = s.poller.client().list::<serde_json::Value>(resource, &one).await;
            let Err(error) = read else { continue };
            if let Some(wait) = refusal_wait(&error, s.poller.client().auth_cooldown()) {
                let refusal = SourceRefusal {
                    until: now.plus_seconds(i64::try_from(wait.as_secs()).unwrap_or(i64::MAX)),
                    message: error.to_string(),
                };
                store
                    .set_source_refusal(&s.name, &refusal, now)
                    .await
                    .map_err(KeyCheck::Store)?;
            }
            return Err(KeyCheck::Failed { resource, error });
        }
        Ok(())
    }
}

impl FacturaScriptsSource {
    async fn read(&self, store: &Store, now: Timestamp) -> Result<SourceRead, SourceError> {
        let mut cursor = self.stored_cursor(store).await?;
        let mut snapshots = Vec::new();
        let tick = self.guarded_tick(store, now, &mut cursor, &mut snapshots).await?;
        Ok(SourceRead {
            snapshots,
            deleted: tick.deleted,
            full_sweep_ids: tick.full_sweep_ids,
            requests: tick.requests,
        })
    }

    /// One tick, unless the source refused us recently (then no request at all: the refusal
    /// is kept in the store, so a `reconcile --once` started by cron every few minutes does
    /// not spend one of the five refusals that ban our IP each time). A new refusal is stored.
    async fn guarded_tick<S: SnapshotSink<Error = E>, E: Into<SourceError>>(
        &self,
        store: &Store,
        now: Timestamp,
        cursor: &mut PollCursor,
        sink: &mut S,
    ) -> Result<mm_facturascripts::TickOutput, SourceError> {
        if let Some(r) = store.source_refusal(&self.name, now).await? {
            return Err(SourceError::CoolingDown {
                source_name: self.name.clone(),
                until: r.until,
                message: r.message,
            });
        }
        match self.poller.tick_into(cursor, sink).await {
            Ok(tick) => Ok(tick),
            Err(TickError::Source(error)) => {
                if let Some(wait) = refusal_wait(&error, self.poller.client().auth_cooldown()) {
                    let refusal = SourceRefusal {
                        until: now.plus_seconds(i64::try_from(wait.as_secs()).unwrap_or(i64::MAX)),
                        message: error.to_string(),
                    };
                    store.set_source_refusal(&self.name, &refusal, now).await?;
                }
                Err(SourceError::FacturaScripts {
                    source_name: self.name.clone(),
                    error,
                })
            }
            Err(TickError::Sink(e)) => Err(e.into()),
        }
    }

    async fn stored_cursor(&self, store: &Store) -> Result<PollCursor, SourceError> {
        Ok(match store.cursor(&self.name).await? {
            Some(json) => match serde_json::from_str(&json) {
                Ok(c) => c,
                Err(error) => {
                    tracing::warn!(
                        "{}",
                        SourceError::Cursor {
                            source_name: self.name.clone(),
                            error
                        }
                    );
                    PollCursor::default()
                }
            },
            None => PollCursor::default(),
        })
    }

    async fn poll(&self, store: &Store, now: Timestamp) -> Result<PollSummary, SourceError> {
        let mut cursor = self.stored_cursor(store).await?;
        // Stored a batch at a time as the poller reads them (a first import brings them all).
        let mut sink = StoreSink { store, now, changed: 0 };
        let tick = self.guarded_tick(store, now, &mut cursor, &mut sink).await?;
        let mut summary = PollSummary {
            seen: tick.reported,
            changed: sink.changed,
            requests: tick.requests,
            ..Default::default()
        };
        for id in &tick.deleted {
            if store.mark_invoice_deleted(&self.name, id, now).await? {
                summary.deleted += 1;
            }
        }
        if let Some(ids) = &tick.full_sweep_ids {
            summary.deleted += store.mark_missing_deleted(&self.name, ids, now).await?.len();
        }
        let json = serde_json::to_string(&cursor).map_err(|error| SourceError::Cursor {
            source_name: self.name.clone(),
            error,
        })?;
        store.set_cursor(&self.name, &json, now).await?;
        Ok(summary)
    }
}

/// Stores each batch of snapshots a poll reads, counting those that changed something.
struct StoreSink<'a> {
    store: &'a Store,
    now: Timestamp,
    changed: usize,
}

impl SnapshotSink for StoreSink<'_> {
    type Error = StoreError;

    async fn put(&mut self, batch: Vec<mm_core::InvoiceSnapshot>) -> Result<(), StoreError> {
        self.changed += self.store.upsert_invoices(&batch, self.now).await?;
        Ok(())
    }
}

/// How long to send nothing after `error`: a refused key (401/403) for the client's
/// cool-down, a banned IP (429) for the ban; `None` for any other failure.
fn refusal_wait(error: &FsError, auth_cooldown: Duration) -> Option<Duration> {
    match error {
        FsError::Auth { .. } => Some(auth_cooldown),
        FsError::Banned { .. } => Some(error.retry_after().unwrap_or(mm_facturascripts::error::BAN_BACKOFF)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(url: &str, allow_private_network: bool) -> SourceConfig {
        SourceConfig::FacturaScripts {
            name: "fs".into(),
            url: url::Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}")),
            token: secrecy::SecretString::from("k".repeat(32)),
            poll_interval: Duration::from_secs(30),
            allow_private_network,
            webhook_secrets: Vec::new(),
        }
    }

    #[test]
    fn a_loopback_facturascripts_is_refused_naming_the_block_and_the_key_once() {
        let Err(err) = Source::from_config(&source("http://127.0.0.1:8081/", false)) else {
            panic!("a loopback URL without allow_private_network must be refused");
        };
        let text = err.to_string();
        assert!(
            text.starts_with("[[source]] `fs`: url http://127.0.0.1:8081/ is a loopback address"),
            "{text}"
        );
        assert_eq!(
            text.matches("set `allow_private_network = true` in that [[source]] block")
                .count(),
            1,
            "{text}"
        );
        assert!(
            std::error::Error::source(&err).is_none(),
            "not said again as a cause: {text}"
        );
        assert!(matches!(
            Source::from_config(&source("http://127.0.0.1:8081/", true)),
            Ok(Some(_))
        ));
    }
}
