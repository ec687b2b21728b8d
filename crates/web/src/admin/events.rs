//! Outbound events: the subscribers page (admins: add, edit, remove, rotate or reveal the
//! signing secret, send a test event; config.toml's shown read-only) and the deliveries page
//! (everyone reads; operators redeliver), each delivery with its attempts.

use super::chrome::Chrome;
use crate::error::PageError;
use crate::session::{Administer, Operate, Posted, Read, User};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use mm_engine::Engine;
use mm_engine::events::{EVENT_TYPES, EventError, RevealedSecret, SubscriberDraft, SubscriberEntry, SubscriberOrigin};
use mm_store::{DeliveryFilter, DeliveryState, EventAttempt, EventDelivery};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;

/// Deliveries per page.
const PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "subscribers.html")]
struct SubscribersPage {
    c: Chrome,
    subscribers: Vec<SubscriberLine>,
    types: Vec<&'static str>,
    /// The subscriber being edited, if any (else the form adds one).
    editing: Option<SubscriberLine>,
    /// A secret shown this once (made, rotated) or on a reveal.
    shown: Option<RevealedSecret>,
    error: Option<String>,
    notice: Option<String>,
}

struct SubscriberLine {
    name: String,
    url: String,
    from_config: bool,
    events: Vec<String>,
    enabled: bool,
    allow_private_network: bool,
    previous_until: Option<i64>,
}

impl SubscriberLine {
    fn takes(&self, kind: &str) -> bool {
        self.events.iter().any(|e| e == kind)
    }
}

impl From<SubscriberEntry> for SubscriberLine {
    fn from(s: SubscriberEntry) -> SubscriberLine {
        SubscriberLine {
            from_config: s.origin == SubscriberOrigin::Config,
            previous_until: s.previous_secret_until.map(|t| t.0),
            name: s.name,
            url: s.url,
            events: s.events,
            enabled: s.enabled,
            allow_private_network: s.allow_private_network,
        }
    }
}

#[derive(Deserialize, Default)]
pub struct SubscribersQuery {
    edit: Option<String>,
    error: Option<String>,
    notice: Option<String>,
}

async fn render(
    engine: &Engine,
    c: Chrome,
    edit: Option<&str>,
    shown: Option<RevealedSecret>,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Html<String>, PageError> {
    let subscribers: Vec<SubscriberLine> = engine.subscribers().await?.into_iter().map(Into::into).collect();
    let editing = edit.and_then(|name| {
        subscribers
            .iter()
            .find(|s| s.name == name && !s.from_config)
            .map(|s| SubscriberLine {
                name: s.name.clone(),
                url: s.url.clone(),
                from_config: false,
                events: s.events.clone(),
                enabled: s.enabled,
                allow_private_network: s.allow_private_network,
                previous_until: s.previous_until,
            })
    });
    let page = SubscribersPage {
        c,
        subscribers,
        types: EVENT_TYPES.to_vec(),
        editing,
        shown,
        error,
        notice,
    };
    Ok(Html(page.render()?))
}

pub async fn subscribers(
    State(engine): State<Arc<Engine>>,
    user: User<Administer>,
    headers: HeaderMap,
    Query(q): Query<SubscribersQuery>,
) -> Result<Html<String>, PageError> {
    let c = Chrome::new(&user, &headers, "/subscribers");
    let error = q.error.map(|code| c.t(&format!("events-error-{code}")));
    let notice = q.notice.map(|code| c.t(&format!("events-notice-{code}")));
    render(&engine, c, q.edit.as_deref(), None, error, notice).await
}

/// What the subscribers page posts: `op` is create, update, delete, rotate, reveal or ping.
/// Each event type is a checkbox named `event.<type>`; none checked: every type.
#[derive(Deserialize)]
pub struct SubscriberForm {
    /// Absent counts as wrong: the CSRF page, not a parse error.
    #[serde(default)]
    csrf: String,
    op: String,
    name: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    enabled: Option<String>,
    #[serde(default)]
    allow_private_network: Option<String>,
    #[serde(flatten)]
    checked: HashMap<String, String>,
}

impl SubscriberForm {
    fn draft(&self) -> SubscriberDraft {
        SubscriberDraft {
            name: self.name.trim().to_owned(),
            url: self.url.clone(),
            events: EVENT_TYPES
                .iter()
                .filter(|t| self.checked.contains_key(&format!("event.{t}")))
                .map(|t| (*t).to_owned())
                .collect(),
            enabled: self.enabled.is_some(),
            allow_private_network: self.allow_private_network.is_some(),
        }
    }
}

/// A redelivery: one delivery (`id`), or every delivered or dead one the filter takes.
#[derive(Deserialize)]
pub struct RedeliverForm {
    /// Absent counts as wrong: the CSRF page, not a parse error.
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: Option<i64>,
    #[serde(default)]
    subscriber: Option<String>,
    #[serde(default)]
    state: Option<String>,
}

crate::session::csrf_form!(SubscriberForm, RedeliverForm);

fn refused(e: EventError) -> Result<Response, PageError> {
    match e {
        EventError::Store(e) => Err(e.into()),
        e => Ok(Redirect::to(&format!("/subscribers?error={}", e.code())).into_response()),
    }
}

/// Adds, edits, removes a subscriber, rotates or reveals its secret, or sends it a test event.
pub async fn act_on_subscriber(
    State(engine): State<Arc<Engine>>,
    headers: HeaderMap,
    posted: Posted<Administer, SubscriberForm>,
) -> Result<Response, PageError> {
    let (actor, f) = (posted.user.actor(), &posted.form);
    let shown = match f.op.as_str() {
        "create" => engine.create_subscriber(&actor, f.draft()).await.map(Some),
        "update" => engine.update_subscriber(&actor, f.draft()).await.map(|()| None),
        "delete" => engine.delete_subscriber(&actor, &f.name).await.map(|()| None),
        "rotate" => engine.rotate_subscriber_secret(&actor, &f.name).await.map(Some),
        "reveal" => engine.reveal_subscriber_secret(&actor, &f.name).await.map(Some),
        "ping" => {
            return match engine.send_test_event(&actor, &f.name).await {
                Ok(id) => Ok(Redirect::to(&format!("/events/{id}")).into_response()),
                Err(e) => refused(e),
            };
        }
        _ => {
            return Err(PageError::bad_request(
                "op: create, update, delete, rotate, reveal or ping",
            ));
        }
    };
    match shown {
        Ok(Some(secret)) => {
            let c = Chrome::new(&posted.user, &headers, "/subscribers");
            Ok(render(&engine, c, None, Some(secret), None, None)
                .await?
                .into_response())
        }
        Ok(None) => Ok(Redirect::to("/subscribers?notice=saved").into_response()),
        Err(e) => refused(e),
    }
}

#[derive(Template)]
#[template(path = "events.html")]
struct EventsPage {
    c: Chrome,
    deliveries: Vec<EventDelivery>,
    subscribers: Vec<String>,
    states: Vec<&'static str>,
    subscriber: String,
    state: String,
    /// The link to the next page, if there is one.
    next: Option<String>,
    may_operate: bool,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct EventsQuery {
    subscriber: Option<String>,
    state: Option<String>,
    before: Option<i64>,
    redelivered: Option<u64>,
}

fn filter_of(subscriber: Option<&str>, state: Option<&str>) -> DeliveryFilter {
    DeliveryFilter {
        subscriber: subscriber.filter(|s| !s.is_empty()).map(str::to_owned),
        state: state.and_then(DeliveryState::parse),
    }
}

/// The deliveries, newest first, filtered by subscriber and state.
pub async fn deliveries(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
    Query(q): Query<EventsQuery>,
) -> Result<Html<String>, PageError> {
    let c = Chrome::new(&user, &headers, "/events");
    let filter = filter_of(q.subscriber.as_deref(), q.state.as_deref());
    let page = engine.event_deliveries(&filter, q.before, PAGE).await?;
    let subscriber = filter.subscriber.clone().unwrap_or_default();
    let state = filter.state.map(|s| s.as_str().to_owned()).unwrap_or_default();
    let next = page.next.map(|before| {
        let query = serde_urlencoded::to_string([
            ("subscriber", subscriber.as_str()),
            ("state", state.as_str()),
            ("before", &before.to_string()),
        ])
        .unwrap_or_default();
        format!("/events?{query}")
    });
    let notice = q.redelivered.map(|n| c.t1("events-redelivered", "count", &n));
    let view = EventsPage {
        subscribers: engine.subscribers().await?.into_iter().map(|s| s.name).collect(),
        states: DeliveryState::ALL.iter().map(|s| s.as_str()).collect(),
        deliveries: page.deliveries,
        may_operate: user.session.user.role.may(mm_core::Permission::Operate),
        c,
        subscriber,
        state,
        next,
        notice,
    };
    Ok(Html(view.render()?))
}

#[derive(Template)]
#[template(path = "event.html")]
struct EventPage {
    c: Chrome,
    item: EventDelivery,
    attempts: Vec<EventAttempt>,
    may_operate: bool,
}

/// One delivery: its payload and every attempt.
pub async fn delivery(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let c = Chrome::new(&user, &headers, "/events");
    let detail = match engine.event_delivery(id).await {
        Ok(d) => d,
        Err(EventError::Store(e)) => return Err(e.into()),
        Err(_) => return Err(PageError::not_found()),
    };
    let view = EventPage {
        may_operate: user.session.user.role.may(mm_core::Permission::Operate),
        c,
        item: detail.delivery,
        attempts: detail.attempts,
    };
    Ok(Html(view.render()?))
}

/// Redelivers one delivery, or every delivered or dead one matching the filter.
pub async fn redeliver(
    State(engine): State<Arc<Engine>>,
    posted: Posted<Operate, RedeliverForm>,
) -> Result<Response, PageError> {
    let (actor, f) = (posted.user.actor(), &posted.form);
    let result = match f.id {
        Some(id) => engine.redeliver_event(&actor, id).await.map(|()| 1),
        None => {
            engine
                .redeliver_events(&actor, &filter_of(f.subscriber.as_deref(), f.state.as_deref()))
                .await
        }
    };
    match result {
        Ok(n) => match f.id {
            Some(id) => Ok(Redirect::to(&format!("/events/{id}")).into_response()),
            None => Ok(Redirect::to(&format!("/events?redelivered={n}")).into_response()),
        },
        Err(EventError::Store(e)) => Err(e.into()),
        Err(_) => Err(PageError::not_found()),
    }
}
