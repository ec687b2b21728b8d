//! Seats of company invoices, assigned to named learners through the JSON API.
//!
//! `GET /api/seats[?source=S&invoice=ID]` lists assignments; `POST /api/seats` assigns one
//! and `DELETE /api/seats` releases one, both with `Authorization: Bearer <server.admin_token>`.
//! A change only asks for a recompute: the desired state decides what Moodle gets.

use crate::app::{App, now};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mm_core::{Email, InvoiceKey, SeatAssignment};
use mm_store::SeatOutcome;
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The API's write routes accept at most this much JSON.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeatRequest {
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

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    ApiError::new(status, message).into_response()
}

/// A refused request: its status and a message that says how to fix it.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(json!({ "error": self.message }));
        if self.status == StatusCode::UNAUTHORIZED {
            (self.status, [(header::WWW_AUTHENTICATE, "Bearer")], body).into_response()
        } else {
            (self.status, body).into_response()
        }
    }
}

/// Whether the request carries the admin token.
fn authorise(app: &App, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = &app.config.admin_token else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "write routes are off: set server.admin_token (or MM_SERVER_ADMIN_TOKEN) to use them",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if bool::from(given.as_bytes().ct_eq(expected.expose_secret().as_bytes())) {
        Ok(())
    } else {
        Err(ApiError::new(StatusCode::UNAUTHORIZED, "missing or wrong bearer token"))
    }
}

fn parse(body: &[u8]) -> Result<(SeatRequest, Email), ApiError> {
    let req: SeatRequest = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("expected {{\"source\", \"invoice\", \"line\", \"email\", \"name\"?}}: {e}"),
        )
    })?;
    let email = Email::parse(&req.email).map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    Ok((req, email))
}

pub async fn list(State(app): State<Arc<App>>, Query(filter): Query<SeatFilter>) -> Response {
    let key = match (filter.source, filter.invoice) {
        (Some(s), Some(i)) => Some(InvoiceKey::new(s, i)),
        (None, None) => None,
        _ => return error(StatusCode::BAD_REQUEST, "give both `source` and `invoice`, or neither"),
    };
    match app.store.seats(key.as_ref()).await {
        Ok(seats) => Json(seats).into_response(),
        Err(e) => internal(e),
    }
}

pub async fn assign(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(e) = authorise(&app, &headers) {
        return e.into_response();
    }
    let (req, email) = match parse(&body) {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let seat = SeatAssignment {
        invoice: InvoiceKey::new(req.source, req.invoice),
        line: req.line,
        learner: email,
        name: req.name.trim().to_string(),
        assigned_at: now(),
    };
    let outcome = match app.store.assign_seat(&seat).await {
        Ok(o) => o,
        Err(e) => return internal(e),
    };
    let status = match outcome {
        SeatOutcome::Assigned { .. } => {
            tracing::info!(invoice = %seat.invoice, line = %seat.line, "seat assigned");
            app.recompute_needed.notify_one();
            StatusCode::CREATED
        }
        SeatOutcome::AlreadyAssigned => StatusCode::OK,
        SeatOutcome::Full { .. } => StatusCode::CONFLICT,
        SeatOutcome::UnknownLine => StatusCode::NOT_FOUND,
    };
    let message = match outcome {
        SeatOutcome::Assigned { free } => format!("seat assigned; {free} seat(s) left on this line"),
        SeatOutcome::AlreadyAssigned => "this learner already holds a seat on this line".into(),
        SeatOutcome::Full { seats } => {
            format!("all {seats} seat(s) of this line are assigned; release one first (DELETE /api/seats)")
        }
        SeatOutcome::UnknownLine => format!(
            "no line `{}` on a live invoice `{}` of source `{}`",
            seat.line, seat.invoice.id, seat.invoice.source
        ),
    };
    (status, Json(json!({"outcome": outcome, "message": message}))).into_response()
}

pub async fn release(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(e) = authorise(&app, &headers) {
        return e.into_response();
    }
    let (req, email) = match parse(&body) {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    match app
        .store
        .release_seat(&InvoiceKey::new(req.source, req.invoice), &req.line, &email)
        .await
    {
        Ok(true) => {
            app.recompute_needed.notify_one();
            StatusCode::NO_CONTENT.into_response()
        }
        Ok(false) => error(StatusCode::NOT_FOUND, "this learner holds no seat on this line"),
        Err(e) => internal(e),
    }
}

fn internal(e: mm_store::StoreError) -> Response {
    tracing::error!(error = %e, "seat request failed");
    (StatusCode::INTERNAL_SERVER_ERROR, "internal error; see the service log").into_response()
}
