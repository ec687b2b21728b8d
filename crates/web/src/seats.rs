//! Seats of company invoices, assigned to named learners through the JSON API.
//!
//! `GET /api/seats[?source=S&invoice=ID]` lists assignments; `POST /api/seats` assigns one
//! and `DELETE /api/seats` releases one, both with `Authorization: Bearer <server.admin_token>`.

use crate::auth::AdminToken;
use crate::error::ApiError;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mm_core::{Email, InvoiceKey};
use mm_engine::Engine;
use mm_engine::seats::{SeatRequest, describe_outcome};
use mm_store::SeatOutcome;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

/// The API's write routes accept at most this much JSON.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeatBody {
    /// The invoice's source, as named in the configuration (e.g. `erp`).
    source: String,
    /// The source's own invoice id (FacturaScripts' `idfactura`).
    invoice: String,
    /// The invoice line's id.
    line: String,
    email: String,
    /// The learner's full name for their Moodle account (optional).
    #[serde(default)]
    name: String,
}

#[derive(Debug, Deserialize)]
pub struct SeatFilter {
    source: Option<String>,
    invoice: Option<String>,
}

fn parse(body: &[u8]) -> Result<SeatRequest, ApiError> {
    let b: SeatBody = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-body",
            format!("expected {{\"source\", \"invoice\", \"line\", \"email\", \"name\"?}}: {e}"),
        )
    })?;
    let learner = Email::parse(&b.email)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-email", e.to_string()).field("email"))?;
    Ok(SeatRequest {
        invoice: InvoiceKey::new(b.source, b.invoice),
        line: b.line,
        learner,
        name: b.name,
    })
}

pub async fn list(
    State(engine): State<Arc<Engine>>,
    _caller: crate::session::ApiCaller,
    Query(filter): Query<SeatFilter>,
) -> Result<Response, ApiError> {
    let key = match (filter.source, filter.invoice) {
        (Some(s), Some(i)) => Some(InvoiceKey::new(s, i)),
        (None, None) => None,
        _ => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid-filter",
                "give both `source` and `invoice`, or neither",
            ));
        }
    };
    let seats = engine
        .seats(key.as_ref())
        .await
        .map_err(|e| ApiError::internal("seat request", e))?;
    Ok(Json(seats).into_response())
}

pub async fn assign(State(engine): State<Arc<Engine>>, _: AdminToken, body: Bytes) -> Result<Response, ApiError> {
    let req = parse(&body)?;
    let (seat, outcome) = engine
        .assign_seat(req)
        .await
        .map_err(|e| ApiError::internal("seat request", e))?;
    let status = match outcome {
        SeatOutcome::Assigned { .. } => StatusCode::CREATED,
        SeatOutcome::AlreadyAssigned => StatusCode::OK,
        SeatOutcome::Full { .. } => StatusCode::CONFLICT,
        SeatOutcome::UnknownLine => StatusCode::NOT_FOUND,
    };
    let message = describe_outcome(&seat, &outcome);
    Ok((status, Json(json!({"outcome": outcome, "message": message}))).into_response())
}

pub async fn release(State(engine): State<Arc<Engine>>, _: AdminToken, body: Bytes) -> Result<Response, ApiError> {
    let req = parse(&body)?;
    match engine.release_seat(&req).await {
        Ok(true) => Ok(StatusCode::NO_CONTENT.into_response()),
        Ok(false) => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no-seat",
            "this learner holds no seat on this line",
        )),
        Err(e) => Err(ApiError::internal("seat request", e)),
    }
}
