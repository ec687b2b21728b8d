//! Invoice sources. A poll only records what the source says now; it never acts on Moodle.
//! Changed invoices change the desired state, which queues the keys to look at again.

use crate::config::SourceConfig;
use mm_core::Timestamp;
use mm_facturascripts::poller::{SnapshotSink, TickError};
use mm_facturascripts::{FsClient, FsClientConfig, FsError, PollCursor, Poller, PollerConfig};
use mm_net::{
    BreakerConfig, BreakerState, CircuitBreaker, Clock, ConfigBlock, RefusedUrl, SsrfPolicy, validate_configured_url,
};
use mm_store::{Store, StoreError};
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
}

impl FacturaScriptsSource {
    async fn poll(&self, store: &Store, now: Timestamp) -> Result<PollSummary, SourceError> {
        let mut cursor: PollCursor = match store.cursor(&self.name).await? {
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
        };
        // Stored a batch at a time as the poller reads them (a first import brings them all).
        let mut sink = StoreSink { store, now, changed: 0 };
        let tick = match self.poller.tick_into(&mut cursor, &mut sink).await {
            Ok(tick) => tick,
            Err(TickError::Source(error)) => {
                return Err(SourceError::FacturaScripts {
                    source_name: self.name.clone(),
                    error,
                });
            }
            Err(TickError::Sink(e)) => return Err(e.into()),
        };
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
