//! Sending the deliveries: claimed with a lease (the first undelivered one of each subscriber and
//! ordering key), signed with every live secret of the subscriber (Standard Webhooks), posted,
//! and recorded with their attempt. 2xx is delivered; 408, 429, 5xx and no answer are retried
//! with back-off; another 4xx is retried too but shown as failing; after `[events]
//! max_attempts` the delivery is dead, which releases the ones behind it.

use crate::config::WorkerConfig;
use crate::engine::Engine;
use crate::worker::backoff;
use futures::StreamExt;
use mm_core::Timestamp;
use mm_net::{HttpClientConfig, SsrfPolicy};
use mm_store::{AttemptOutcome, AttemptRecord, DeliveryState, EventDelivery, ORIGIN_CONFIG};
use mm_webhook::Secret;
use secrecy::ExposeSecret;
use std::collections::HashMap;
use std::time::Instant;

/// Deliveries sent at once (each the head of its own order, so they never overtake each other).
const IN_FLIGHT: usize = 8;
/// Deliveries claimed per round.
const CLAIM: i64 = 50;

/// What one round of deliveries did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct EventRound {
    pub delivered: usize,
    pub retrying: usize,
    pub failing: usize,
    pub dead: usize,
}

impl EventRound {
    fn add(&mut self, r: &EventRound) {
        self.delivered += r.delivered;
        self.retrying += r.retrying;
        self.failing += r.failing;
        self.dead += r.dead;
    }
}

/// Where and how a subscriber's deliveries go.
struct Target {
    url: url::Url,
    secrets: Vec<Secret>,
    client: reqwest::Client,
    policy: SsrfPolicy,
}

/// What one post got back.
enum Answer {
    Status(u16),
    Error(String),
}

impl Engine {
    /// Sends the due deliveries once; returns what happened.
    pub async fn run_event_round(&self) -> anyhow::Result<EventRound> {
        let lease = i64::try_from(self.config.worker.lease.as_secs()).unwrap_or(120);
        let claimed = self
            .store
            .claim_event_deliveries(&self.worker_id, CLAIM, lease, self.now())
            .await?;
        let mut round = EventRound::default();
        if claimed.is_empty() {
            return Ok(round);
        }
        let targets = self.event_targets().await?;
        let attempts: Vec<_> = claimed.iter().map(|d| self.attempt(d, &targets)).collect();
        let results = futures::stream::iter(attempts)
            .buffer_unordered(IN_FLIGHT)
            .collect::<Vec<_>>()
            .await;
        for (d, answer, took) in results {
            let record = self.judge_attempt(d, answer, i64::try_from(took.as_millis()).unwrap_or(i64::MAX));
            let word = match &record.outcome {
                AttemptOutcome::Delivered => {
                    round.delivered += 1;
                    "delivered"
                }
                AttemptOutcome::Retry {
                    state: DeliveryState::Failing,
                    ..
                } => {
                    round.failing += 1;
                    "failing"
                }
                AttemptOutcome::Retry { .. } => {
                    round.retrying += 1;
                    "retrying"
                }
                AttemptOutcome::Dead => {
                    round.dead += 1;
                    "dead"
                }
            };
            self.metrics.webhook_sent(word);
            if word != "delivered" {
                tracing::warn!(subscriber = d.subscriber, event = d.event_id, kind = d.event_type, status = ?record.status, error = record.error.as_deref().unwrap_or(""), outcome = word, "event not delivered");
            }
            self.store
                .finish_event_attempt(d.id, &self.worker_id, &record, self.now())
                .await?;
        }
        Ok(round)
    }

    /// Posts one delivery to its subscriber: the answer and how long it took.
    async fn attempt<'a>(
        &self,
        d: &'a EventDelivery,
        targets: &HashMap<String, Result<Target, String>>,
    ) -> (&'a EventDelivery, Answer, std::time::Duration) {
        let started = Instant::now();
        let answer = match targets.get(&d.subscriber) {
            Some(Ok(t)) => post(t, d, self.now()).await,
            Some(Err(e)) => Answer::Error(e.clone()),
            None => Answer::Error("the subscriber is gone".into()),
        };
        (d, answer, started.elapsed())
    }

    /// Runs rounds until nothing is due (tests, `reconcile --once`).
    pub async fn drain_events(&self) -> anyhow::Result<EventRound> {
        let mut total = EventRound::default();
        loop {
            let r = self.run_event_round().await?;
            total.add(&r);
            if r.delivered == 0 {
                return Ok(total);
            }
        }
    }

    /// Where a delivery stands after an attempt's answer.
    fn judge_attempt(&self, d: &EventDelivery, answer: Answer, duration_ms: i64) -> AttemptRecord {
        let (status, error, delivered, refused) = match answer {
            Answer::Status(s) if (200..300).contains(&s) => (Some(s), None, true, false),
            Answer::Status(s) => {
                let transient = s == 408 || s == 429 || s >= 500;
                (Some(s), None, false, !transient)
            }
            Answer::Error(e) => (None, Some(e), false, false),
        };
        let outcome = if delivered {
            AttemptOutcome::Delivered
        } else if d.attempts >= self.config.events.max_attempts {
            AttemptOutcome::Dead
        } else {
            let retry = WorkerConfig {
                retry_base: self.config.events.retry_base,
                retry_max: self.config.events.retry_max,
                ..WorkerConfig::default()
            };
            let delay = i64::try_from(backoff(&retry, d.attempts).as_secs()).unwrap_or(3600);
            AttemptOutcome::Retry {
                at: self.now().plus_seconds(delay),
                state: if refused {
                    DeliveryState::Failing
                } else {
                    DeliveryState::Pending
                },
            }
        };
        AttemptRecord {
            status: status.map(i64::from),
            error,
            duration_ms,
            outcome,
        }
    }

    /// Every subscriber's destination and live secrets, or why it cannot be sent to.
    async fn event_targets(&self) -> anyhow::Result<HashMap<String, Result<Target, String>>> {
        let now = self.now();
        let mut out = HashMap::new();
        for s in self.store.event_subscribers().await? {
            let secrets = if s.origin == ORIGIN_CONFIG {
                Ok(self
                    .config
                    .subscribers
                    .iter()
                    .find(|c| c.name == s.name)
                    .map(|c| c.secrets.clone())
                    .unwrap_or_default())
            } else {
                self.subscriber_secrets(&s, now)
            };
            let target = secrets.and_then(|secrets| self.event_target(&s.url, s.allow_private_network, secrets));
            out.insert(s.name, target);
        }
        Ok(out)
    }

    /// The current secret and, until it expires, the one a rotation replaced.
    fn subscriber_secrets(&self, s: &mm_store::EventSubscriber, now: Timestamp) -> Result<Vec<Secret>, String> {
        let still = s.previous_until.is_some_and(|until| until > now);
        s.secret
            .iter()
            .chain(s.previous_secret.iter().filter(|_| still))
            .map(|sealed| {
                let text = self.open(sealed).map_err(|e| e.to_string())?;
                Secret::parse(text.expose_secret()).map_err(|e| e.to_string())
            })
            .collect()
    }

    fn event_target(&self, url: &str, allow_private_network: bool, secrets: Vec<Secret>) -> Result<Target, String> {
        if secrets.is_empty() {
            return Err("the subscriber has no signing secret".into());
        }
        let url = url::Url::parse(url).map_err(|e| e.to_string())?;
        let policy = SsrfPolicy { allow_private_network };
        let client = mm_net::build_http_client(HttpClientConfig {
            timeout: self.config.events.timeout,
            connect_timeout: self.config.events.timeout.min(std::time::Duration::from_secs(10)),
            ssrf: policy,
            ..HttpClientConfig::default()
        })
        .map_err(|e| e.to_string())?;
        Ok(Target {
            url,
            secrets,
            client,
            policy,
        })
    }
}

/// Posts one delivery, signed with each live secret (one `v1,` signature per secret).
async fn post(t: &Target, d: &EventDelivery, now: Timestamp) -> Answer {
    // An address written as an IP skips the resolver's check: check it here.
    if let Err(e) = mm_net::validate_url(&t.url, t.policy) {
        return Answer::Error(e.to_string());
    }
    let signature = t
        .secrets
        .iter()
        .map(|s| mm_webhook::sign(s, &d.event_id, now.0, d.payload.as_bytes()))
        .collect::<Vec<_>>()
        .join(" ");
    let sent = t
        .client
        .post(t.url.clone())
        .header("content-type", "application/json")
        .header(mm_webhook::HEADER_ID, &d.event_id)
        .header(mm_webhook::HEADER_TIMESTAMP, now.0.to_string())
        .header(mm_webhook::HEADER_SIGNATURE, signature)
        .body(d.payload.clone())
        .send()
        .await;
    match sent {
        Ok(r) => Answer::Status(r.status().as_u16()),
        Err(e) => Answer::Error(describe(&e)),
    }
}

/// A transport error in a few words, without the URL (it may carry a secret path).
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "the request failed"
    };
    let mut source = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        what.to_owned()
    } else {
        format!("{what}: {detail}")
    }
}
