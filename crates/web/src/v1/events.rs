//! Outbound events: the subscribers, the deliveries with their state, and sending them again.

use super::etag;
use super::jobs::Touched;
use super::pagination::{Keyset, Page};
use super::problem::{Body, internal, invalid};
use crate::error::ApiError;
use crate::session::{ApiCaller, Operate, Read};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mm_engine::Engine;
use mm_engine::events::EventError;
use mm_engine::events::subscribers::SubscriberEntry;
use mm_store::{DeliveryFilter, DeliveryState, EventDelivery};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// Who hears about enrolments, completions and certificates.
#[derive(Serialize, ToSchema)]
pub struct SubscriberView {
    name: String,
    url: String,
    /// `config` (config.toml, read-only) or `admin`.
    origin: String,
    /// The event types it receives; empty: every type.
    events: Vec<String>,
    enabled: bool,
    allow_private_network: bool,
    /// Unix seconds until which the secret before the last rotation still signs too.
    previous_secret_until: Option<i64>,
    /// Unix seconds.
    updated_at: i64,
}

fn subscriber(s: SubscriberEntry) -> SubscriberView {
    SubscriberView {
        origin: serde_json::to_value(s.origin)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        name: s.name,
        url: s.url,
        events: s.events,
        enabled: s.enabled,
        allow_private_network: s.allow_private_network,
        previous_secret_until: s.previous_secret_until.map(|t| t.0),
        updated_at: s.updated_at.0,
    }
}

/// The event subscribers, config.toml's and the admin's (one page: `next_cursor` is null).
#[utoipa::path(get, path = "/api/v1/subscribers", tag = "events",
    responses(
        (status = 200, description = "The subscribers", body = Page<SubscriberView>),
    ))]
pub async fn subscribers(
    State(engine): State<Arc<Engine>>,
    _caller: ApiCaller<Read>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let all = engine.subscribers().await.map_err(internal)?;
    let body = Page {
        items: all.into_iter().map(subscriber).collect(),
        next_cursor: None,
    };
    etag::read(&headers, &body)
}

/// One event sent (or to send) to one subscriber.
#[derive(Serialize, ToSchema)]
pub struct DeliveryView {
    id: i64,
    subscriber: String,
    /// The `webhook-id` the receiver sees: the same on every attempt.
    event_id: String,
    #[schema(example = "enrolment.activated")]
    event_type: String,
    /// The signed body, as sent.
    payload: String,
    /// `pending`, `failing`, `delivered` or `dead`.
    state: String,
    attempts: i64,
    /// Unix seconds.
    next_attempt_at: i64,
    /// The receiver's last HTTP status.
    last_status: Option<i64>,
    last_error: Option<String>,
    created_at: i64,
    delivered_at: Option<i64>,
}

fn delivery(d: EventDelivery) -> DeliveryView {
    DeliveryView {
        id: d.id,
        subscriber: d.subscriber,
        event_id: d.event_id,
        event_type: d.event_type,
        payload: d.payload,
        state: d.state.as_str().to_owned(),
        attempts: d.attempts,
        next_attempt_at: d.next_attempt_at.0,
        last_status: d.last_status,
        last_error: d.last_error,
        created_at: d.created_at.0,
        delivered_at: d.delivered_at.map(|t| t.0),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryParams {
    /// Only this subscriber's.
    subscriber: Option<String>,
    /// `pending`, `failing`, `delivered` or `dead`.
    state: Option<String>,
    /// Page size, 1–500 (default 50).
    limit: Option<String>,
    /// `next_cursor` of the page before.
    cursor: Option<String>,
}

/// A delivery state as a request names it.
fn state_of(given: Option<&str>) -> Result<Option<DeliveryState>, String> {
    let Some(s) = given.filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    DeliveryState::parse(s)
        .map(Some)
        .ok_or_else(|| format!("`{s}` is not a state: use pending, failing, delivered or dead"))
}

fn subscriber_of(given: Option<String>) -> Option<String> {
    given.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The deliveries, newest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/event-deliveries", tag = "events", params(DeliveryParams),
    responses(
        (status = 200, description = "A page of deliveries", body = Page<DeliveryView>),
        (status = 400, description = "A parameter does not parse; `field` names it", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn deliveries(
    State(engine): State<Arc<Engine>>,
    _caller: ApiCaller<Read>,
    headers: HeaderMap,
    Query(p): Query<DeliveryParams>,
) -> Result<Response, ApiError> {
    let at = Keyset::parse(p.cursor.as_deref(), p.limit.as_deref())?;
    let filter = DeliveryFilter {
        subscriber: subscriber_of(p.subscriber),
        state: state_of(p.state.as_deref()).map_err(|e| invalid("state", e))?,
    };
    let page = engine
        .event_deliveries(&filter, at.before, i64::from(at.limit))
        .await
        .map_err(internal)?;
    let body = Page {
        next_cursor: page.next.map(Keyset::cursor_after),
        items: page.deliveries.into_iter().map(delivery).collect(),
    };
    etag::read(&headers, &body)
}

/// Which deliveries to send again; nothing named: every delivered or dead one.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"state": "dead"}))]
pub struct RedeliveryTarget {
    subscriber: Option<String>,
    /// `delivered` or `dead` (the others are on their way already).
    state: Option<String>,
}

/// Sends again the delivered or dead deliveries that match (each a new pending attempt, due
/// now, in order behind its learner's and course's earlier events).
#[utoipa::path(post, path = "/api/v1/event-deliveries/redeliver", tag = "events", request_body = RedeliveryTarget,
    responses(
        (status = 200, description = "How many were queued again", body = Touched),
        (status = 422, description = "A field does not parse; `field` names it", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn redeliver(
    State(engine): State<Arc<Engine>>,
    caller: ApiCaller<Operate>,
    Body(target): Body<RedeliveryTarget>,
) -> Result<Json<Touched>, ApiError> {
    let state = state_of(target.state.as_deref())
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-body", e).field("state"))?;
    let filter = DeliveryFilter {
        subscriber: subscriber_of(target.subscriber),
        state,
    };
    let count = engine
        .redeliver_events(&caller.actor, &filter)
        .await
        .map_err(event_error)?;
    Ok(Json(Touched { count }))
}

fn event_error(e: EventError) -> ApiError {
    match e {
        EventError::Store(e) => internal(e),
        other => {
            let error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, other.code(), other.to_string());
            match other.field() {
                Some(f) => error.field(f),
                None => error,
            }
        }
    }
}
