//! The admin's services over outbound events: subscribers (config.toml's read-only, the admin's
//! with a sealed `whsec_` secret, rotated with a 24-hour overlap in which both sign), their
//! deliveries with every attempt, redelivery, and a test `ping`. Every change and every reveal
//! is written to the operator audit log.

use super::{EVENT_TYPES, PING, body, event_id};
use crate::admin::Actor;
use crate::config::is_valid_name;
use crate::connections::PREVIOUS_SECRET_ACCEPTED_FOR_SECS;
use crate::engine::Engine;
use mm_core::Timestamp;
use mm_store::{
    DeliveryFilter, EventAttempt, EventDelivery, EventSubscriber, NewEvent, ORIGIN_ADMIN, ORIGIN_CONFIG, StoreError,
};
use mm_webhook::Secret;
use secrecy::ExposeSecret;
use serde_json::json;

/// The most deliveries one page lists.
pub const PAGE_MAX: i64 = 200;

/// Where a subscriber is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SubscriberOrigin {
    /// A `[[subscriber]]` block of config.toml: read-only here.
    Config,
    /// Added in the admin or the API.
    Admin,
}

/// A subscriber as the admin sees it (never its secret).
#[derive(Debug, Clone, serde::Serialize)]
pub struct SubscriberEntry {
    pub name: String,
    pub url: String,
    pub origin: SubscriberOrigin,
    /// Empty: every type.
    pub events: Vec<String>,
    pub enabled: bool,
    pub allow_private_network: bool,
    /// Until when the secret a rotation replaced still signs too.
    pub previous_secret_until: Option<Timestamp>,
    pub updated_at: Timestamp,
}

/// A subscriber as the admin typed it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SubscriberDraft {
    pub name: String,
    pub url: String,
    /// Empty: every type.
    #[serde(default)]
    pub events: Vec<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub allow_private_network: bool,
}

fn yes() -> bool {
    true
}

/// A signing secret, shown once (created, rotated) or on an audited reveal.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RevealedSecret {
    pub subscriber: String,
    /// `whsec_…`
    pub secret: String,
}

/// A page of deliveries, newest first; `next` is the `before` of the following page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeliveryPage {
    pub deliveries: Vec<EventDelivery>,
    pub next: Option<i64>,
}

/// One delivery with every attempt.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeliveryDetail {
    pub delivery: EventDelivery,
    pub attempts: Vec<EventAttempt>,
}

/// Why a subscriber could not be saved, changed or read; each says the fix.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("`{0}` cannot be a name: use 1 to 64 letters, digits, - and _")]
    InvalidName(String),
    #[error("`{0}` is declared in config.toml: change it there, or pick another name")]
    DeclaredInConfig(String),
    #[error("a subscriber named `{0}` already exists: pick another name or edit it")]
    Exists(String),
    #[error("the address is not usable: {0}")]
    InvalidUrl(String),
    #[error("`{0}` is not an event type: use some of {types}", types = EVENT_TYPES.join(", "))]
    UnknownEventType(String),
    #[error("no subscriber named `{0}` was added in the admin")]
    NotFound(String),
    #[error(
        "there is no event delivery {0}: list the deliveries on the admin's /events page or at GET /api/v1/event-deliveries"
    )]
    NoDelivery(i64),
    #[error(
        "no secret key is configured to seal the signing secret with: make one with `moodle-management secret keygen --out /etc/moodle-management/key`, set `[secrets] key_file` to it, and restart"
    )]
    NoSecretKey,
    #[error("a stored secret cannot be opened or sealed: {0}")]
    Sealed(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl EventError {
    /// A stable code, for the API and the admin's translated messages.
    pub fn code(&self) -> &'static str {
        match self {
            EventError::InvalidName(_) => "invalid-name",
            EventError::DeclaredInConfig(_) => "declared-in-config",
            EventError::Exists(_) => "exists",
            EventError::InvalidUrl(_) => "invalid-url",
            EventError::UnknownEventType(_) => "unknown-event-type",
            EventError::NotFound(_) => "not-found",
            EventError::NoDelivery(_) => "no-delivery",
            EventError::NoSecretKey => "no-secret-key",
            EventError::Sealed(_) => "sealed",
            EventError::Store(_) => "internal",
        }
    }

    /// The field at fault, when one is.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            EventError::InvalidName(_) | EventError::DeclaredInConfig(_) | EventError::Exists(_) => Some("name"),
            EventError::InvalidUrl(_) => Some("url"),
            EventError::UnknownEventType(_) => Some("events"),
            _ => None,
        }
    }
}

impl From<crate::connections::ConnectionError> for EventError {
    fn from(e: crate::connections::ConnectionError) -> EventError {
        match e {
            crate::connections::ConnectionError::NoSecretKey => EventError::NoSecretKey,
            crate::connections::ConnectionError::Store(s) => EventError::Store(s),
            other => EventError::Sealed(other.to_string()),
        }
    }
}

impl Engine {
    /// Makes the stored `[[subscriber]]` rows those of config.toml (at start).
    pub(crate) async fn sync_config_subscribers(&self) -> Result<(), StoreError> {
        let now = self.now();
        let declared: Vec<EventSubscriber> = self
            .config
            .subscribers
            .iter()
            .map(|c| EventSubscriber {
                name: c.name.clone(),
                url: c.url.to_string(),
                origin: ORIGIN_CONFIG.into(),
                secret: None,
                previous_secret: None,
                previous_until: None,
                event_types: c.events.clone(),
                enabled: true,
                allow_private_network: c.allow_private_network,
                created_at: now,
                updated_at: now,
            })
            .collect();
        self.store.replace_config_subscribers(&declared).await
    }

    /// Every subscriber, config.toml's first.
    pub async fn subscribers(&self) -> Result<Vec<SubscriberEntry>, StoreError> {
        let mut out: Vec<SubscriberEntry> = self
            .store
            .event_subscribers()
            .await?
            .into_iter()
            .map(|s| SubscriberEntry {
                origin: if s.origin == ORIGIN_CONFIG {
                    SubscriberOrigin::Config
                } else {
                    SubscriberOrigin::Admin
                },
                name: s.name,
                url: s.url,
                events: s.event_types,
                enabled: s.enabled,
                allow_private_network: s.allow_private_network,
                previous_secret_until: s.previous_until,
                updated_at: s.updated_at,
            })
            .collect();
        out.sort_by_key(|s| (s.origin == SubscriberOrigin::Admin, s.name.clone()));
        Ok(out)
    }

    /// Adds a subscriber; its new signing secret is returned, once.
    pub async fn create_subscriber(&self, actor: &Actor, draft: SubscriberDraft) -> Result<RevealedSecret, EventError> {
        let result = async {
            self.check_subscriber_draft(&draft)?;
            if self.admin_subscriber(&draft.name).await?.is_some() {
                return Err(EventError::Exists(draft.name.clone()));
            }
            let secret = Secret::generate(&mut rand::rngs::OsRng).expose_whsec();
            let now = self.now();
            self.store
                .save_event_subscriber(&EventSubscriber {
                    name: draft.name.clone(),
                    url: draft.url.trim().to_owned(),
                    origin: ORIGIN_ADMIN.into(),
                    secret: Some(self.seal_subscriber_secret(&secret)?),
                    previous_secret: None,
                    previous_until: None,
                    event_types: draft.events.clone(),
                    enabled: draft.enabled,
                    allow_private_network: draft.allow_private_network,
                    created_at: now,
                    updated_at: now,
                })
                .await?;
            Ok(RevealedSecret {
                subscriber: draft.name.clone(),
                secret,
            })
        }
        .await;
        self.record_event_action(actor, "subscriber.create", &draft.name, result.as_ref().map(|_| ()))
            .await;
        result
    }

    /// Changes a subscriber of the admin's (its secret stays).
    pub async fn update_subscriber(&self, actor: &Actor, draft: SubscriberDraft) -> Result<(), EventError> {
        let result = async {
            self.check_subscriber_draft(&draft)?;
            let mut s = self
                .admin_subscriber(&draft.name)
                .await?
                .ok_or_else(|| EventError::NotFound(draft.name.clone()))?;
            s.url = draft.url.trim().to_owned();
            s.event_types = draft.events.clone();
            s.enabled = draft.enabled;
            s.allow_private_network = draft.allow_private_network;
            s.updated_at = self.now();
            self.store.save_event_subscriber(&s).await?;
            Ok(())
        }
        .await;
        self.record_event_action(actor, "subscriber.update", &draft.name, result.as_ref().map(|_| ()))
            .await;
        result
    }

    /// Removes a subscriber of the admin's with its deliveries.
    pub async fn delete_subscriber(&self, actor: &Actor, name: &str) -> Result<(), EventError> {
        let result = async {
            self.admin_subscriber(name)
                .await?
                .ok_or_else(|| EventError::NotFound(name.to_owned()))?;
            self.store.remove_event_subscriber(name).await?;
            Ok(())
        }
        .await;
        self.record_event_action(actor, "subscriber.delete", name, result.as_ref().map(|_| ()))
            .await;
        result
    }

    /// A new signing secret, returned once; the one it replaces still signs too for
    /// [`PREVIOUS_SECRET_ACCEPTED_FOR_SECS`], so the receiver can switch without a refusal.
    pub async fn rotate_subscriber_secret(&self, actor: &Actor, name: &str) -> Result<RevealedSecret, EventError> {
        let result = async {
            let mut s = self
                .admin_subscriber(name)
                .await?
                .ok_or_else(|| EventError::NotFound(name.to_owned()))?;
            let secret = Secret::generate(&mut rand::rngs::OsRng).expose_whsec();
            let now = self.now();
            s.previous_secret = s.secret.take();
            s.previous_until = Some(now.plus_seconds(PREVIOUS_SECRET_ACCEPTED_FOR_SECS));
            s.secret = Some(self.seal_subscriber_secret(&secret)?);
            s.updated_at = now;
            self.store.save_event_subscriber(&s).await?;
            Ok(RevealedSecret {
                subscriber: name.to_owned(),
                secret,
            })
        }
        .await;
        self.record_event_action(actor, "subscriber.rotate_secret", name, result.as_ref().map(|_| ()))
            .await;
        result
    }

    /// The current signing secret of a subscriber of the admin's; each reveal is audited.
    pub async fn reveal_subscriber_secret(&self, actor: &Actor, name: &str) -> Result<RevealedSecret, EventError> {
        let result = async {
            let s = self
                .admin_subscriber(name)
                .await?
                .ok_or_else(|| EventError::NotFound(name.to_owned()))?;
            let sealed = s.secret.ok_or_else(|| EventError::NotFound(name.to_owned()))?;
            Ok(RevealedSecret {
                subscriber: name.to_owned(),
                secret: self.open(&sealed)?.expose_secret().to_owned(),
            })
        }
        .await;
        self.record_event_action(actor, "subscriber.reveal_secret", name, result.as_ref().map(|_| ()))
            .await;
        result
    }

    /// A page of deliveries matching `filter`, newest first, after the delivery `before`.
    pub async fn event_deliveries(
        &self,
        filter: &DeliveryFilter,
        before: Option<i64>,
        limit: i64,
    ) -> Result<DeliveryPage, StoreError> {
        let limit = limit.clamp(1, PAGE_MAX);
        let mut deliveries = self.store.event_deliveries(filter, before, limit + 1).await?;
        let more = deliveries.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        deliveries.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next = more.then(|| deliveries.last().map(|d| d.id)).flatten();
        Ok(DeliveryPage { deliveries, next })
    }

    /// One delivery with its attempts.
    pub async fn event_delivery(&self, id: i64) -> Result<DeliveryDetail, EventError> {
        let (delivery, attempts) = self.store.event_delivery(id).await?.ok_or(EventError::NoDelivery(id))?;
        Ok(DeliveryDetail { delivery, attempts })
    }

    /// Sends a delivered or dead delivery again (a new pending attempt, due now).
    pub async fn redeliver_event(&self, actor: &Actor, id: i64) -> Result<(), EventError> {
        let result = async {
            self.store.event_delivery(id).await?.ok_or(EventError::NoDelivery(id))?;
            self.store
                .redeliver_events(Some(id), &DeliveryFilter::default(), self.now())
                .await?;
            Ok(())
        }
        .await;
        self.record_event_action(actor, "event.redeliver", &id.to_string(), result.as_ref().map(|_| ()))
            .await;
        result
    }

    /// Sends again every delivered or dead delivery matching `filter`; how many.
    pub async fn redeliver_events(&self, actor: &Actor, filter: &DeliveryFilter) -> Result<u64, EventError> {
        let result = self
            .store
            .redeliver_events(None, filter, self.now())
            .await
            .map_err(EventError::from);
        let object = format!(
            "subscriber={} state={}",
            filter.subscriber.as_deref().unwrap_or("*"),
            filter.state.map_or("*", |s| s.as_str())
        );
        self.record_event_action(actor, "event.redeliver_all", &object, result.as_ref().map(|_| ()))
            .await;
        result
    }

    /// Queues a `ping` to one subscriber (whatever its filter); the delivery's id.
    pub async fn send_test_event(&self, actor: &Actor, name: &str) -> Result<i64, EventError> {
        let result = async {
            if !self.store.event_subscribers().await?.iter().any(|s| s.name == name) {
                return Err(EventError::NotFound(name.to_owned()));
            }
            let now = self.now();
            let cause = format!("{PING}:{name}:{}:{}", now.0, rand::random::<u64>());
            let id = event_id(&cause);
            let e = NewEvent {
                id: id.clone(),
                event_type: PING.into(),
                payload: body(PING, now, json!({ "subscriber": name })),
                ordering_key: id,
            };
            let delivery = self.store.insert_event_for(name, &e, now).await?;
            self.signals.events_queued();
            Ok(delivery)
        }
        .await;
        self.record_event_action(actor, "subscriber.ping", name, result.as_ref().map(|_| ()))
            .await;
        result
    }

    fn check_subscriber_draft(&self, d: &SubscriberDraft) -> Result<(), EventError> {
        if !is_valid_name(&d.name) {
            return Err(EventError::InvalidName(d.name.clone()));
        }
        if self.config.subscribers.iter().any(|c| c.name == d.name) {
            return Err(EventError::DeclaredInConfig(d.name.clone()));
        }
        if let Some(bad) = d.events.iter().find(|e| !EVENT_TYPES.contains(&e.as_str())) {
            return Err(EventError::UnknownEventType(bad.clone()));
        }
        let url =
            crate::config::parse_http_url("url", d.url.trim()).map_err(|e| EventError::InvalidUrl(e.to_string()))?;
        let policy = mm_net::SsrfPolicy {
            allow_private_network: d.allow_private_network,
        };
        mm_net::validate_url(&url, policy).map_err(|e| EventError::InvalidUrl(e.to_string()))?;
        Ok(())
    }

    async fn admin_subscriber(&self, name: &str) -> Result<Option<EventSubscriber>, StoreError> {
        Ok(self
            .store
            .event_subscribers()
            .await?
            .into_iter()
            .find(|s| s.name == name && s.origin == ORIGIN_ADMIN))
    }

    fn seal_subscriber_secret(&self, whsec: &str) -> Result<String, EventError> {
        let key = self.config.secret_key.as_ref().ok_or(EventError::NoSecretKey)?;
        key.seal(whsec).map_err(|e| EventError::Sealed(e.to_string()))
    }

    async fn record_event_action(&self, actor: &Actor, action: &str, object: &str, result: Result<(), &EventError>) {
        let detail = result.err().map(ToString::to_string);
        self.record_action(actor, action, object, detail, result.is_ok()).await;
    }
}
