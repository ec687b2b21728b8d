//! The read-only JSON routes of `/api/*` and the readiness check.

use crate::error::ApiError;
use crate::session::ApiCaller;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use mm_engine::Engine;
use mm_store::DeadJob;
use serde_json::json;
use std::sync::Arc;

type EngineState = State<Arc<Engine>>;

/// Each dependency's state as JSON; 503 only when the database is not ready (a database that
/// answers may still refuse writes: disk full, read-only file). The texts are fixed phrases,
/// never the database's own message.
pub async fn readyz(State(engine): EngineState) -> Response {
    let report = engine.readiness_report().await;
    let status = if report.is_ready() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(report)).into_response()
}

/// Prometheus metrics: public with `[server] metrics_public = true`, else a session or the
/// admin token, as `/api/*`.
pub async fn metrics(State(engine): EngineState, mut parts: axum::http::request::Parts) -> Result<Response, ApiError> {
    if !engine.config().metrics_public {
        <ApiCaller as axum::extract::FromRequestParts<Arc<Engine>>>::from_request_parts(&mut parts, &engine).await?;
    }
    let text = engine.render_metrics().await;
    Ok(([(header::CONTENT_TYPE, mm_engine::metrics::CONTENT_TYPE)], text).into_response())
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal("request", e)
}

pub async fn enrolments(State(engine): EngineState, _caller: ApiCaller) -> Result<Response, ApiError> {
    Ok(Json(engine.enrolments().await.map_err(internal)?).into_response())
}

pub async fn holds(State(engine): EngineState, _caller: ApiCaller) -> Result<Response, ApiError> {
    Ok(Json(engine.holds().await.map_err(internal)?).into_response())
}

pub async fn audit(State(engine): EngineState, _caller: ApiCaller) -> Result<Response, ApiError> {
    Ok(Json(engine.audit_log(200).await.map_err(internal)?).into_response())
}

pub async fn jobs(State(engine): EngineState, _caller: ApiCaller) -> Result<Response, ApiError> {
    let jobs = engine.jobs().await.map_err(internal)?;
    let dead: Vec<_> = jobs
        .dead
        .into_iter()
        .map(|DeadJob { key: k, error, code, .. }| json!({"site": k.site, "course": k.course.to_string(), "learner": k.learner, "error": error, "code": code}))
        .collect();
    let every = engine.config().worker.paused_site_check;
    let paused: Vec<_> = jobs
        .paused
        .iter()
        .map(|p| {
            json!({
                "site": p.pause.site,
                "code": p.pause.code,
                "reason": p.pause.reason,
                "fix": p.pause.fix,
                "since": p.pause.paused_at.0,
                "waiting": p.waiting,
                "last_check": p.last_check,
                "check_every_secs": every.as_secs(),
                "message": mm_engine::pause::describe_paused(p, every),
            })
        })
        .collect();
    let mail: Vec<_> = jobs
        .failing_mail
        .iter()
        .map(|f| json!({"certificate": f.key.code, "kind": f.key.kind.as_str(), "status": f.status, "error": f.error}))
        .collect();
    Ok(Json(json!({
        "counts": jobs.counts,
        "dead": dead,
        "paused": paused,
        "mail": {"counts": jobs.mail, "failing": mail},
    }))
    .into_response())
}
