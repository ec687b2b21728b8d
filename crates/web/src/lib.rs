//! The HTTP edge: routes, extractors, error answers and pages over the engine's services.
//! No business rule lives here: each handler parses, calls one [`Engine`] service, answers.

mod admin;
mod api;
pub mod auth;
mod charts;
pub mod error;
pub mod idempotency;
mod pages;
pub mod seats;
pub mod session;
pub mod v1;
pub mod verify;
pub mod webhooks;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use axum::routing::{get, post};
use mm_engine::Engine;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Styles are a file of our own (`/assets/app.css`), never inline, so the policy needs no
/// `'unsafe-inline'`.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; frame-ancestors 'none'";

/// The public certificate routes, rate-limited per address.
fn certificate_routes() -> Router<Arc<Engine>> {
    let limiter = Arc::new(verify::RateLimiter::default());
    Router::new()
        .route(
            "/verify/{code}",
            get(verify::show)
                .post(verify::upload)
                .layer(DefaultBodyLimit::max(verify::MAX_UPLOAD_BYTES)),
        )
        .route("/verify/{code}/image.png", get(verify::image))
        .route("/verify/{code}/credential.jwt", get(verify::credential))
        .route("/.well-known/moodle-management/keys.json", get(verify::keys))
        .route("/certificates/{code}/download", get(verify::download))
        .layer(axum::middleware::from_fn(move |req, next| {
            verify::rate_limit(limiter.clone(), req, next)
        }))
}

/// The span of one request, named by its route (`GET /api/seats`), never by the path itself,
/// which may carry a certificate code or an address; its status is recorded when it answers.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    tracing::info_span!(
        "http.request",
        otel.name = %format!("{} {route}", request.method()),
        otel.kind = "server",
        http.request.method = %request.method(),
        http.route = route,
        http.response.status_code = tracing::field::Empty,
    )
}

pub fn router(engine: Arc<Engine>) -> Router {
    Router::new()
        .merge(certificate_routes())
        .merge(admin::routes())
        .merge(v1::routes().layer(axum::middleware::from_fn_with_state(engine.clone(), idempotency::guard)))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(api::readyz))
        .route("/metrics", get(api::metrics))
        .route("/assets/app.css", get(pages::stylesheet))
        .route("/assets/charts.css", get(pages::chart_stylesheet))
        .route("/assets/template-editor.js", get(pages::template_editor_script))
        .route("/api/enrolments", get(api::enrolments))
        .route("/api/holds", get(api::holds))
        .route("/api/jobs", get(api::jobs))
        .route("/api/audit", get(api::audit))
        .route(
            "/api/seats",
            get(seats::list)
                .post(seats::assign)
                .delete(seats::release)
                .layer(DefaultBodyLimit::max(seats::MAX_BODY_BYTES))
                .layer(axum::middleware::from_fn_with_state(engine.clone(), idempotency::guard)),
        )
        .route(
            "/webhooks/{source}",
            post(webhooks::receive).layer(DefaultBodyLimit::max(webhooks::MAX_BODY_BYTES)),
        )
        .fallback(|| async { error::PageError::not_found() })
        .layer(axum::middleware::from_fn_with_state(engine.clone(), error::localize))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(|res: &Response, _: std::time::Duration, span: &tracing::Span| {
                    span.record("http.response.status_code", res.status().as_u16());
                })
                .on_failure(()),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .with_state(engine)
}

/// The service: the engine's loops and the web server on `[server] listen`, until `shutdown`;
/// then jobs in flight finish and the rest are handed back.
pub async fn serve(engine: Arc<Engine>, shutdown: CancellationToken) -> anyhow::Result<()> {
    use anyhow::Context;
    mm_engine::runtime::log_site_checks(&engine).await;
    let listen = engine.config().listen;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    tracing::info!("web server on http://{}", listener.local_addr()?);
    let mut tasks = tokio::task::JoinSet::new();
    mm_engine::runtime::spawn_loops(&engine, &mut tasks, &shutdown);
    let router = router(engine.clone());
    let web_shutdown = shutdown.clone();
    tasks.spawn(async move {
        let app = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(web_shutdown.cancelled_owned())
            .await
        {
            tracing::error!(error = %e, "web server stopped");
        }
    });
    while tasks.join_next().await.is_some() {}
    engine.stop().await;
    Ok(())
}
