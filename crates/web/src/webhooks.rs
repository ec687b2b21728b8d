//! `POST /webhooks/{source}`: signed invoice events from any billing system (Standard
//! Webhooks), and "poll now" hints from the FacturaScripts companion plugin.
//!
//! Order: verify the signature on the raw bytes, parse, store the delivery (deduplicated by
//! `webhook-id`), apply it, then answer 2xx. A crash after the store but before applying is
//! healed at the next start by [`apply_pending`]. A delivery never acts on Moodle: it only
//! records invoices and asks for a recompute.

use crate::app::{App, now};
use crate::config::Config;
use crate::sources::Source;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use mm_store::StoreError;
use mm_webhook::{Event, Headers, SecretError, Verifier, parse_event};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

/// Largest delivery accepted (HTTP 413 above).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

pub struct Endpoint {
    pub verifier: Verifier,
    /// Index of the source's poller, for hints.
    pub poller: Option<usize>,
}

/// One endpoint per source that has webhook secrets.
pub fn endpoints(config: &Config, pollers: &[Source]) -> Result<HashMap<String, Endpoint>, SecretError> {
    let mut out = HashMap::new();
    for s in &config.sources {
        if s.webhook_secrets().is_empty() {
            continue;
        }
        let verifier = Verifier::new(s.webhook_secrets().to_vec())?.with_max_body_bytes(MAX_BODY_BYTES);
        let poller = pollers.iter().position(|p| p.name() == s.name());
        out.insert(s.name().to_string(), Endpoint { verifier, poller });
    }
    Ok(out)
}

fn answer(status: StatusCode, body: serde_json::Value) -> Response {
    (status, Json(body)).into_response()
}

pub async fn receive(
    State(app): State<Arc<App>>,
    Path(source): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(endpoint) = app.webhooks.get(&source) else {
        return answer(
            StatusCode::NOT_FOUND,
            json!({"error": format!("no webhook source is named `{source}`")}),
        );
    };
    let lookup = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let delivery = match endpoint.verifier.verify(&Headers::from_lookup(lookup), &body, now().0) {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(source, error = %e, "webhook refused");
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
            return answer(status, json!({"error": e.to_string()}));
        }
    };
    let event = match parse_event(&source, &body) {
        Ok(e) => e,
        Err(e) => {
            let problems: Vec<_> = e
                .problems()
                .iter()
                .map(|p| json!({"field": p.path, "problem": p.message}))
                .collect();
            return answer(
                StatusCode::BAD_REQUEST,
                json!({"error": e.to_string(), "problems": problems}),
            );
        }
    };
    let text = String::from_utf8_lossy(&body);
    match app
        .store
        .record_delivery(&source, &delivery.id, &text, delivery.timestamp, now())
        .await
    {
        Ok(true) => {}
        Ok(false) => {
            // A retry of a delivery we stored but could not apply (we answered 503): apply it
            // now rather than waiting for the next start.
            match app.store.delivery_processed(&source, &delivery.id).await {
                Ok(Some(false)) => {
                    if let Err(e) = apply(&app, &source, &delivery.id, delivery.timestamp, &event).await {
                        return store_failure(e);
                    }
                }
                Ok(_) => {}
                Err(e) => return store_failure(e),
            }
            return answer(
                StatusCode::OK,
                json!({"accepted": true, "duplicate": true, "id": delivery.id}),
            );
        }
        Err(e) => return store_failure(e),
    }
    if let Err(e) = apply(&app, &source, &delivery.id, delivery.timestamp, &event).await {
        // Stored: it is applied at the next start at the latest. The sender may retry too.
        return store_failure(e);
    }
    tracing::info!(source, id = %delivery.id, event = event.type_name(), invoice = event.invoice_id(), secret = delivery.secret_index, "webhook accepted");
    answer(
        StatusCode::OK,
        json!({"accepted": true, "duplicate": false, "id": delivery.id}),
    )
}

fn store_failure(e: StoreError) -> Response {
    tracing::error!(error = %e, "storing a webhook delivery failed");
    answer(
        StatusCode::SERVICE_UNAVAILABLE,
        json!({"error": "the delivery could not be stored; retry later"}),
    )
}

/// Records what the event says, then asks for a recompute (or a poll, for a hint).
/// `version` is the delivery's signed timestamp: an event older than what is stored for its
/// invoice arrived out of order and is ignored.
async fn apply(app: &App, source: &str, id: &str, version: i64, event: &Event) -> Result<(), StoreError> {
    let t = now();
    match event {
        Event::Upserted(snapshot) => {
            if app
                .store
                .upsert_invoice_versioned(snapshot, t, Some(version))
                .await?
                .stale
            {
                tracing::info!(source, id, invoice = %snapshot.key.id, "older than the stored invoice: ignored");
            }
        }
        Event::Deleted { id } => {
            app.store
                .mark_invoice_deleted_versioned(source, id, t, Some(version))
                .await?;
        }
        Event::Hint { .. } => {
            if let Some(i) = app.webhooks.get(source).and_then(|e| e.poller) {
                app.poll_now[i].notify_one();
            }
        }
    }
    app.store.mark_delivery_processed(source, id).await?;
    app.recompute_needed.notify_one();
    Ok(())
}

/// Applies deliveries that were stored but not applied (a crash between the two).
pub async fn apply_pending(app: &App) -> Result<usize, StoreError> {
    let pending = app.store.pending_deliveries().await?;
    let mut applied = 0;
    for d in pending {
        match parse_event(&d.source, d.body.as_bytes()) {
            Ok(event) => {
                apply(app, &d.source, &d.id, d.version, &event).await?;
                applied += 1;
            }
            Err(e) => {
                tracing::error!(source = d.source, id = d.id, error = %e, "a stored delivery no longer parses; skipped");
                app.store.mark_delivery_processed(&d.source, &d.id).await?;
            }
        }
    }
    Ok(applied)
}
