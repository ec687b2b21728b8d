//! The web server, called in-process (the router, one request at a time) or over loopback.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use mm_engine::Engine;
use mm_engine::clock::now;
use mm_webhook::{Secret, sign};
use std::net::SocketAddr;
use std::sync::Arc;
use tower::ServiceExt;

/// The `shop` source's webhook secret (kind = "webhook"), as the tests configure it.
pub const SHOP_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// A second webhook secret: the `erp` source's hint secret, or the older one of a rotation.
pub const ERP_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

/// A loopback address nobody listens on yet.
pub fn free_port() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("local address")
}

/// An answer of the router.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

/// One request through the service's router, in-process (`tower::ServiceExt::oneshot`).
pub async fn call(app: &Arc<Engine>, req: Request<Body>) -> Answer {
    let res = mm_web::router(app.clone())
        .oneshot(req)
        .await
        .expect("the router is infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), 8 << 20).await.expect("body");
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// `GET path` through the router: (status, headers, body).
pub async fn get(app: &Arc<Engine>, path: &str) -> (StatusCode, HeaderMap, String) {
    let a = call(app, Request::get(path).body(Body::empty()).expect("request")).await;
    (a.status, a.headers, a.body)
}

/// The service's router on a loopback port of its own: its base URL (`http://127.0.0.1:…`) and
/// the server's task.
pub async fn serve(app: &Arc<Engine>) -> (String, tokio::task::JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let task = tokio::spawn(axum::serve(listener, mm_web::router(app.clone())).into_future());
    (base, task)
}

/// The Standard Webhooks headers of a delivery signed now with `secret`: (timestamp, signature).
pub fn signature(secret: &str, id: &str, body: &[u8]) -> (i64, String) {
    let ts = now().0;
    (ts, sign(&Secret::parse(secret).expect("secret"), id, ts, body))
}
