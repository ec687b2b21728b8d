//! The web server: health checks, the enrolments page and its JSON API.
//! (The full admin comes later; this is the plain page an admin can already read.)

use crate::app::App;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::fmt::Write;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::to("/enrolments") }))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/enrolments", get(enrolments_page))
        .route("/api/enrolments", get(enrolments_json))
        .route("/api/holds", get(holds_json))
        .route("/api/jobs", get(jobs_json))
        .route("/api/audit", get(audit_json))
        .route(
            "/api/seats",
            get(crate::seats::list)
                .post(crate::seats::assign)
                .delete(crate::seats::release)
                .layer(DefaultBodyLimit::max(crate::seats::MAX_BODY_BYTES)),
        )
        .route(
            "/webhooks/{source}",
            post(crate::webhooks::receive).layer(DefaultBodyLimit::max(crate::webhooks::MAX_BODY_BYTES)),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .with_state(app)
}

/// Internal errors are logged in full and answered opaquely.
struct WebError(anyhow::Error);

impl<E: Into<anyhow::Error>> From<E> for WebError {
    fn from(e: E) -> Self {
        WebError(e.into())
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        tracing::error!(error = %self.0, "request failed");
        (StatusCode::INTERNAL_SERVER_ERROR, "internal error; see the service log").into_response()
    }
}

async fn readyz(State(app): State<Arc<App>>) -> Response {
    match app.store.ping().await {
        // A database that answers may still refuse writes (disk full, read-only file): the
        // loops report it; the reason is a fixed phrase, never the database's own message.
        Ok(()) => match app.db_health.refusal() {
            None => (StatusCode::OK, "ready").into_response(),
            Some(reason) => (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("database not writable: {reason}"),
            )
                .into_response(),
        },
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

async fn enrolments_json(State(app): State<Arc<App>>) -> Result<Response, WebError> {
    Ok(Json(app.store.entitlement_rows().await?).into_response())
}

async fn holds_json(State(app): State<Arc<App>>) -> Result<Response, WebError> {
    Ok(Json(app.store.holds().await?).into_response())
}

async fn audit_json(State(app): State<Arc<App>>) -> Result<Response, WebError> {
    Ok(Json(app.store.audit_log(200).await?).into_response())
}

async fn jobs_json(State(app): State<Arc<App>>) -> Result<Response, WebError> {
    let counts = app.store.job_counts().await?;
    let dead: Vec<_> = app
        .store
        .dead_jobs()
        .await?
        .into_iter()
        .map(|mm_store::DeadJob { key: k, error: e }| serde_json::json!({"site": k.site, "course": k.course.to_string(), "learner": k.learner, "error": e}))
        .collect();
    Ok(Json(serde_json::json!({"counts": counts, "dead": dead})).into_response())
}

async fn enrolments_page(State(app): State<Arc<App>>) -> Result<Html<String>, WebError> {
    let rows = app.store.entitlement_rows().await?;
    let holds = app.store.holds().await?;
    let counts = app.store.job_counts().await?;
    let mut h = String::with_capacity(4096 + rows.len() * 300);
    h.push_str(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Enrolments · MoodleManagement</title>\
         <meta http-equiv=\"refresh\" content=\"5\"><style>body{font-family:system-ui,sans-serif;margin:2rem}\
         table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;\
         text-align:left;vertical-align:top}.active{color:#0a6b2d}.revoked,.err{color:#a11}small{color:#666}</style>\
         </head><body><h1>Enrolments</h1>",
    );
    let _ = write!(
        h,
        "<p>{} entitlements · jobs: {} queued, {} running, {} done, {} dead</p>",
        rows.len(),
        counts.queued,
        counts.running,
        counts.done,
        counts.dead
    );
    h.push_str(
        "<table><thead><tr><th>Learner</th><th>Site</th><th>Course</th><th>Desired</th><th>In Moodle</th>\
         <th>Cause</th><th>Job</th></tr></thead><tbody>",
    );
    for r in &rows {
        let causes = r
            .entitlement
            .get("causes")
            .and_then(|c| c.as_array())
            .map(|cs| {
                cs.iter()
                    .map(|c| {
                        format!(
                            "{} line {} ({})",
                            c.get("invoice_number").and_then(|v| v.as_str()).unwrap_or("?"),
                            c.get("line").and_then(|v| v.as_str()).unwrap_or("?"),
                            c.get("state")
                                .and_then(|s| s.get("state"))
                                .and_then(|v| v.as_str())
                                .unwrap_or("?")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("<br>")
            })
            .unwrap_or_default();
        let applied = match (&r.applied_status, r.applied_timeend) {
            (Some(s), Some(end)) if end > 0 => format!("{s} until {}", date(end)),
            (Some(s), _) => s.clone(),
            (None, _) => "—".into(),
        };
        let job = match (&r.job_status, &r.job_error) {
            (Some(s), Some(e)) => format!("{} <small class=\"err\">{}</small>", esc(s), esc(e)),
            (Some(s), None) => esc(s),
            _ => String::new(),
        };
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.learner),
            esc(&r.site),
            esc(&r.course),
            esc(&r.desired),
            esc(&r.desired),
            esc(&applied),
            esc_keep_br(&causes),
            job
        );
    }
    h.push_str("</tbody></table>");
    if !holds.is_empty() {
        h.push_str("<h2>Held or ignored invoice lines</h2><ul>");
        for hold in &holds {
            let _ = write!(
                h,
                "<li class=\"{}\">{}</li>",
                if hold.is_error { "err" } else { "" },
                esc(&hold.message)
            );
        }
        h.push_str("</ul>");
    }
    h.push_str("</body></html>");
    Ok(Html(h))
}

fn date(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn esc_keep_br(s: &str) -> String {
    s.split("<br>").map(esc).collect::<Vec<_>>().join("<br>")
}
