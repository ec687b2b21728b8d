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

/// The password of the users [`session_cookie`] makes.
pub const TEST_PASSWORD: &str = "correct horse battery staple";

/// A `Cookie` header value of a new session of a user of `role` (`<role>@test.example`,
/// added when missing).
pub async fn session_cookie(app: &Arc<Engine>, role: mm_core::Role) -> String {
    use mm_engine::admin::{Actor, SignIn};
    use secrecy::{ExposeSecret, SecretString};
    let email = format!("{role}@test.example");
    let password = SecretString::from(TEST_PASSWORD);
    if app.admin_user(&email).await.is_err() {
        app.add_admin_user(&email, role, &password, &Actor::Cli)
            .await
            .expect("add user");
    }
    let signed_in = app
        .sign_in(SignIn {
            email,
            password,
            address: None,
        })
        .await
        .expect("sign in");
    format!(
        "{}={}",
        mm_web::session::SESSION_COOKIE,
        signed_in.token.expose_secret()
    )
}

/// `GET path` as a signed-in user of `role`.
pub async fn get_as(app: &Arc<Engine>, path: &str, role: mm_core::Role) -> (StatusCode, HeaderMap, String) {
    get_with_cookie(app, path, &session_cookie(app, role).await).await
}

/// `GET path` with a session's `Cookie` header (see [`session_cookie`]).
pub async fn get_with_cookie(app: &Arc<Engine>, path: &str, cookie: &str) -> (StatusCode, HeaderMap, String) {
    let req = Request::get(path)
        .header(axum::http::header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request");
    let a = call(app, req).await;
    (a.status, a.headers, a.body)
}

/// The service's router on a loopback port of its own: its base URL (`http://127.0.0.1:…`) and
/// the server's task.
pub async fn serve(app: &Arc<Engine>) -> (String, tokio::task::JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let service = mm_web::router(app.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(axum::serve(listener, service).into_future());
    (base, task)
}

/// The Standard Webhooks headers of a delivery signed now with `secret`: (timestamp, signature).
pub fn signature(secret: &str, id: &str, body: &[u8]) -> (i64, String) {
    let ts = now().0;
    (ts, sign(&Secret::parse(secret).expect("secret"), id, ts, body))
}

/// The value of the first `name="csrf"` field of a page (a form's CSRF token).
pub fn csrf_of(page: &str) -> String {
    let field = r#"name="csrf" value=""#;
    let at = page.find(field).unwrap_or_else(|| panic!("no CSRF field in {page}"));
    let rest = &page[at + field.len()..];
    rest[..rest.find('"').expect("the field's closing quote")].to_owned()
}
