//! `POST /webhooks/{source}`: the HTTP face of the engine's webhook ingest.

use crate::error::ApiError;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use mm_engine::Engine;
use mm_engine::ingest::webhook::DeliveryError;
use mm_webhook::Headers;
use serde_json::json;
use std::sync::Arc;

pub use mm_engine::ingest::webhook::MAX_BODY_BYTES;

pub async fn receive(
    State(engine): State<Arc<Engine>>,
    Path(source): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lookup = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let accepted = engine
        .receive_delivery(&source, &Headers::from_lookup(lookup), &body)
        .await
        .map_err(problem)?;
    let body = json!({"accepted": true, "duplicate": accepted.duplicate, "id": accepted.id});
    Ok((StatusCode::OK, Json(body)).into_response())
}

fn problem(e: DeliveryError) -> ApiError {
    let detail = e.to_string();
    match e {
        DeliveryError::UnknownSource(_) => ApiError::new(StatusCode::NOT_FOUND, "unknown-source", detail),
        DeliveryError::Refused(e) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
            ApiError::new(status, "delivery-refused", detail)
        }
        DeliveryError::Invalid(e) => {
            let problems: Vec<_> = e
                .problems()
                .iter()
                .map(|p| json!({"field": p.path, "problem": p.message}))
                .collect();
            let field = e.problems().first().map(|p| p.path.clone());
            let err =
                ApiError::new(StatusCode::BAD_REQUEST, "invalid-payload", detail).with("problems", json!(problems));
            match field {
                Some(f) => err.field(f),
                None => err,
            }
        }
        DeliveryError::Unavailable(_) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "store-unavailable", detail),
    }
}
