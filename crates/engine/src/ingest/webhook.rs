//! Signed invoice events from any billing system (Standard Webhooks), and "poll now" hints
//! from the FacturaScripts companion plugin.
//!
//! Order: verify the signature on the raw bytes, parse, store the delivery (deduplicated by
//! `webhook-id`), apply it, then accept. A crash after the store but before applying is healed
//! at the next start by [`Engine::apply_pending_deliveries`]. A delivery never acts on Moodle:
//! it only records invoices and asks for a recompute.

use crate::config::Config;
use crate::engine::Engine;
use mm_store::StoreError;
use mm_webhook::{Event, Headers, PayloadError, SecretError, Verifier, VerifyError, parse_event};
use std::collections::HashMap;
use std::sync::Arc;

/// Largest delivery accepted (HTTP 413 above).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// A source's webhook endpoint.
pub struct Endpoint {
    pub verifier: Verifier,
}

impl Endpoint {
    /// An endpoint accepting deliveries signed with any of `secrets`.
    pub fn new(secrets: Vec<mm_webhook::Secret>) -> Result<Endpoint, SecretError> {
        Ok(Endpoint {
            verifier: Verifier::new(secrets)?.with_max_body_bytes(MAX_BODY_BYTES),
        })
    }
}

/// One endpoint per configured source that has webhook secrets, by source name.
pub struct Endpoints(HashMap<String, Arc<Endpoint>>);

impl Endpoints {
    pub fn from_config(config: &Config) -> Result<Endpoints, SecretError> {
        let mut out = HashMap::new();
        for s in &config.sources {
            if s.webhook_secrets().is_empty() {
                continue;
            }
            out.insert(
                s.name().to_string(),
                Arc::new(Endpoint::new(s.webhook_secrets().to_vec())?),
            );
        }
        Ok(Endpoints(out))
    }

    pub fn get(&self, source: &str) -> Option<Arc<Endpoint>> {
        self.0.get(source).cloned()
    }
}

/// A delivery taken: stored and applied (or a duplicate of one that was).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub id: String,
    pub duplicate: bool,
}

/// Why a delivery was not taken; each says what the sender should do.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("no webhook source is named `{0}`")]
    UnknownSource(String),
    #[error(transparent)]
    Refused(#[from] VerifyError),
    #[error(transparent)]
    Invalid(#[from] PayloadError),
    /// Stored or not, it could not be applied now: the sender retries, and a stored one is
    /// applied at the next start at the latest.
    #[error("the delivery could not be stored; retry later")]
    Unavailable(#[source] StoreError),
}

impl DeliveryError {
    /// The outcome, as the metrics say it.
    fn outcome(&self) -> &'static str {
        match self {
            DeliveryError::UnknownSource(_) => "unknown_source",
            DeliveryError::Refused(_) => "refused",
            DeliveryError::Invalid(_) => "invalid",
            DeliveryError::Unavailable(_) => "unavailable",
        }
    }
}

impl Engine {
    /// Takes one delivery to `source`: verifies, stores and applies it. Counted in the metrics
    /// by outcome (an unknown source's name is the caller's, so it is not a label).
    pub async fn receive_delivery(
        &self,
        source: &str,
        headers: &Headers<'_>,
        body: &[u8],
    ) -> Result<Accepted, DeliveryError> {
        let result = self.take_delivery(source, headers, body).await;
        let (known, outcome) = match &result {
            Ok(a) => (true, if a.duplicate { "duplicate" } else { "accepted" }),
            Err(e) => (!matches!(e, DeliveryError::UnknownSource(_)), e.outcome()),
        };
        self.metrics.webhook_received(known.then_some(source), outcome);
        result
    }

    async fn take_delivery(&self, source: &str, headers: &Headers<'_>, body: &[u8]) -> Result<Accepted, DeliveryError> {
        let endpoint = self
            .webhooks
            .get(source)
            .or_else(|| self.connections.endpoint(source))
            .ok_or_else(|| DeliveryError::UnknownSource(source.to_string()))?;
        let delivery = endpoint.verifier.verify(headers, body, self.now().0).inspect_err(|e| {
            tracing::warn!(source, error = %e, "webhook refused");
        })?;
        let event = parse_event(source, body)?;
        let text = String::from_utf8_lossy(body);
        let stored = self
            .store
            .record_delivery(source, &delivery.id, &text, delivery.timestamp, self.now())
            .await
            .map_err(unavailable)?;
        if !stored {
            // A retry of a delivery we stored but could not apply (we answered 503): apply it
            // now rather than waiting for the next start.
            if self
                .store
                .delivery_processed(source, &delivery.id)
                .await
                .map_err(unavailable)?
                == Some(false)
            {
                self.apply_delivery(source, &delivery.id, delivery.timestamp, &event)
                    .await
                    .map_err(unavailable)?;
            }
            return Ok(Accepted {
                id: delivery.id,
                duplicate: true,
            });
        }
        self.apply_delivery(source, &delivery.id, delivery.timestamp, &event)
            .await
            .map_err(unavailable)?;
        tracing::info!(source, id = %delivery.id, event = event.type_name(), invoice = event.invoice_id(), secret = delivery.secret_index, "webhook accepted");
        Ok(Accepted {
            id: delivery.id,
            duplicate: false,
        })
    }

    /// Records what the event says, then asks for a recompute (or a poll, for a hint).
    /// `version` is the delivery's signed timestamp: an event older than what is stored for its
    /// invoice arrived out of order and is ignored.
    async fn apply_delivery(&self, source: &str, id: &str, version: i64, event: &Event) -> Result<(), StoreError> {
        let t = self.now();
        match event {
            Event::Upserted(snapshot) => {
                let stale = self
                    .store
                    .upsert_invoice_versioned(snapshot, t, Some(version))
                    .await?
                    .stale;
                if stale {
                    tracing::info!(source, id, invoice = %snapshot.key.id, "older than the stored invoice: ignored");
                }
                self.metrics.invoices_seen(source, "webhook", 1);
            }
            Event::Deleted { id } => {
                self.store
                    .mark_invoice_deleted_versioned(source, id, t, Some(version))
                    .await?;
            }
            // A source that is only pushed to has no poller to wake: the hint is just recorded.
            Event::Hint { .. } => {
                self.signals.poll_now(source);
            }
        }
        self.store.mark_delivery_processed(source, id).await?;
        self.request_recompute();
        Ok(())
    }

    /// Applies deliveries that were stored but not applied (a crash between the two).
    pub async fn apply_pending_deliveries(&self) -> Result<usize, StoreError> {
        let pending = self.store.pending_deliveries().await?;
        let mut applied = 0;
        for d in pending {
            match parse_event(&d.source, d.body.as_bytes()) {
                Ok(event) => {
                    self.apply_delivery(&d.source, &d.id, d.version, &event).await?;
                    applied += 1;
                }
                Err(e) => {
                    tracing::error!(source = d.source, id = d.id, error = %e, "a stored delivery no longer parses; skipped");
                    self.store.mark_delivery_processed(&d.source, &d.id).await?;
                }
            }
        }
        Ok(applied)
    }
}

fn unavailable(e: StoreError) -> DeliveryError {
    tracing::error!(error = %e, "storing a webhook delivery failed");
    DeliveryError::Unavailable(e)
}

impl Engine {
    /// The newest webhook deliveries received, applied or waiting.
    pub async fn webhook_deliveries(&self, limit: i64) -> Result<Vec<mm_store::DeliveryRecord>, StoreError> {
        self.store.recent_deliveries(limit).await
    }

    /// Applies a stored delivery again (after a mapping was fixed, say): its invoice is read
    /// again from the stored body and the desired state recomputed. Idempotent.
    pub async fn reapply_delivery(
        &self,
        source: &str,
        id: &str,
        actor: &crate::admin::Actor,
    ) -> Result<bool, StoreError> {
        let found = self.store.mark_delivery_pending(source, id).await?;
        if found {
            self.apply_pending_deliveries().await?;
        }
        self.record_action(actor, "delivery.reapply", &format!("{source}/{id}"), None, found)
            .await;
        Ok(found)
    }
}
