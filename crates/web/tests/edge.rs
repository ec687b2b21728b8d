//! The HTTP edge on its own: one error shape (RFC 9457) for JSON routes, the HTML error page,
//! the embedded stylesheet and a CSP without `'unsafe-inline'`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use mm_engine::Engine;
use mm_engine::config::Config;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;

async fn engine(dir: &Path, admin_token: Option<&str>) -> Arc<Engine> {
    let token = admin_token.map_or(String::new(), |t| format!("admin_token = \"{t}\"\n"));
    let text = format!(
        "[server]\nlisten = \"127.0.0.1:0\"\n{token}\n[database]\nurl = \"sqlite://{}/mm.sqlite\"\n",
        dir.display()
    );
    let config = Config::from_toml(&text, &dir.join("config.toml"), |_| None).expect("a valid configuration");
    Engine::build(config).await.expect("an engine")
}

struct Answer {
    status: StatusCode,
    content_type: String,
    csp: String,
    body: String,
}

async fn call(engine: &Arc<Engine>, method: &str, uri: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = mm_web::router(engine.clone())
        .oneshot(req.body(Body::from(body.to_string())).expect("a request"))
        .await
        .expect("an answer");
    let header_text = |name| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (status, content_type, csp) = (
        res.status(),
        header_text(header::CONTENT_TYPE),
        header_text(header::CONTENT_SECURITY_POLICY),
    );
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20).await.expect("a body");
    Answer {
        status,
        content_type,
        csp,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn problem(a: &Answer) -> Value {
    assert_eq!(a.content_type, "application/problem+json", "{}", a.body);
    serde_json::from_str(&a.body).expect("a JSON problem")
}

#[tokio::test]
async fn refusals_are_problem_documents_with_a_stable_type_and_the_old_error_member() {
    let dir = tempfile::tempdir().expect("a folder");
    let off = engine(dir.path(), None).await;
    let a = call(&off, "POST", "/api/seats", &[], "{}").await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let p = problem(&a);
    assert_eq!(p["type"], "urn:moodle-management:problem:write-routes-off");
    assert_eq!(p["status"], 403);
    assert_eq!(p["detail"], p["error"], "the `error` member keeps answering as before");
    assert!(
        p["detail"].as_str().is_some_and(|d| d.contains("server.admin_token")),
        "{p}"
    );

    let dir = tempfile::tempdir().expect("a folder");
    let token = "a-token-of-at-least-24-characters";
    let on = engine(dir.path(), Some(token)).await;
    let a = call(&on, "POST", "/api/seats", &[("authorization", "Bearer wrong")], "{}").await;
    assert_eq!(problem(&a)["type"], "urn:moodle-management:problem:unauthorized");
    let bearer = format!("Bearer {token}");
    let body = r#"{"source":"erp","invoice":"1","line":"1","email":"not an email"}"#;
    let a = call(&on, "POST", "/api/seats", &[("authorization", &bearer)], body).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = problem(&a);
    assert_eq!(p["type"], "urn:moodle-management:problem:invalid-email");
    assert_eq!(p["field"], "email", "the field at fault is named: {p}");

    let a = call(&on, "POST", "/webhooks/nowhere", &[], "{}").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(problem(&a)["type"], "urn:moodle-management:problem:unknown-source");
}

#[tokio::test]
async fn pages_use_the_embedded_stylesheet_under_a_policy_without_unsafe_inline() {
    let dir = tempfile::tempdir().expect("a folder");
    let engine = engine(dir.path(), None).await;
    let page = call(&engine, "GET", "/login", &[], "").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"<link rel="stylesheet" href="/assets/app.css">"#),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("<style") && !page.body.contains("style="),
        "no inline styles"
    );
    assert!(page.csp.contains("default-src 'self'"), "{}", page.csp);
    assert!(!page.csp.contains("unsafe-inline"), "{}", page.csp);

    let css = call(&engine, "GET", "/assets/app.css", &[], "").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.content_type.starts_with("text/css"), "{}", css.content_type);
    assert!(
        css.body.contains("border-collapse"),
        "the stylesheet is the embedded file"
    );
}
