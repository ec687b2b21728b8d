//! The web server as an attacker sees it: every route × anonymous / wrong credentials / right
//! credentials, the security headers on every answer, the request size limit, and error bodies
//! that never reveal a stack trace, SQL, a file path or a secret.
//!
//! What is and is not protected today:
//! - the admin pages and the JSON API (`/enrolments`, `/api/*`) have no login yet: they answer
//!   everyone who can reach the port, whatever credentials are sent. Their protection is the
//!   bind address, which is loopback (`127.0.0.1:8080`) unless `server.listen` says otherwise;
//!   [`the_service_binds_to_loopback_by_default`] pins that down;
//! - `POST /webhooks/{source}` is the only route meant to be exposed: it needs a Standard
//!   Webhooks signature made with one of the source's `whsec_` secrets.

use crate::kit::http::{Answer, ERP_SECRET, SHOP_SECRET, call, session_cookie, signature};
use crate::kit::world;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use mm_demo::DemoWorld;
use mm_engine::config::Config;
use mm_engine::{Engine, clock::now};
use mm_webhook::{Secret, sign};
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;

// The `shop` source (kind = "webhook") is signed with `SHOP_SECRET`, the `erp` source's hints
// (FacturaScripts) with `ERP_SECRET`.
/// Well-formed, but configured nowhere.
const WRONG_SECRET: &str = "whsec_dGhpcyBpcyBub3QgdGhlIHNlY3JldCBhdCBhbGwh";
const LIMIT: usize = mm_web::webhooks::MAX_BODY_BYTES;

struct Env {
    world: DemoWorld,
    app: Arc<Engine>,
    dir: tempfile::TempDir,
}

async fn env() -> Env {
    let (dir, db) = world::sqlite("web.sqlite");
    let world = world::start(&db, "30s").await;
    // No [server] section: the defaults are what is tested.
    let toml = format!(
        "[database]\nurl = \"{db}\"\n\
         [[moodle]]\nname = \"main\"\nurl = \"{}\"\ntoken = \"{}\"\nallow_private_network = true\n\
         [[source]]\nkind = \"facturascripts\"\nname = \"erp\"\nurl = \"{}\"\ntoken = \"{}\"\nsecret = \"{ERP_SECRET}\"\nallow_private_network = true\n\
         [[source]]\nkind = \"webhook\"\nname = \"shop\"\nsecret = \"{SHOP_SECRET}\"\n\
         [[mapping]]\nproduct = \"PY-101\"\nmoodle = \"main\"\ncourse = \"PY101\"\nduration = \"30d\"\n",
        world.moodle_url,
        world.moodle.token(),
        world.fs_url,
        world.fs.token(),
    );
    let config = Config::from_toml(&toml, Path::new("web.toml"), |_| None).expect("config");
    let app = Engine::build(config).await.expect("app");
    Env { world, app, dir }
}

/// How a request authenticates itself.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cred {
    Anonymous,
    /// Admin routes: a bearer token and basic credentials nobody issued. Webhooks: a
    /// well-formed signature made with a secret that is not configured.
    Wrong,
    /// Webhooks: signed with the source's secret. Admin routes: none exists yet (= anonymous).
    Right,
}

fn webhook_request(path: &str, secret: Option<&str>, id: &str, body: Vec<u8>) -> Request<Body> {
    let mut b = Request::post(path).header(header::CONTENT_TYPE, "application/json");
    if let Some(secret) = secret {
        let (ts, sig) = signature(secret, id, &body);
        b = b
            .header("webhook-id", id)
            .header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", sig);
    }
    b.body(Body::from(body)).expect("request")
}

fn invoice(id: &str, number: &str, product: &str, email: &str) -> Value {
    json!({"type": "invoice.upserted", "data": {
        "id": id, "number": number, "paid": true, "currency": "EUR", "issued_at": "2026-11-25",
        "customer": {"id": "C1", "name": "Grace Hopper", "email": email},
        "lines": [{"id": "1", "product": product, "quantity": 1, "amount": 100.0}],
        "credit_note_for": null}})
}

fn hint(id: &str) -> Value {
    json!({"type": "invoice.hint", "data": {"id": id}})
}

/// Every value that must never be shown to a caller.
fn secrets(env: &Env) -> Vec<String> {
    let mut s = vec![env.world.moodle.token(), env.world.fs.token().to_string()];
    for w in [SHOP_SECRET, ERP_SECRET] {
        s.push(w.to_string());
        s.push(w.trim_start_matches("whsec_").to_string());
    }
    s
}

/// The three headers every answer carries, whatever the route, status or error.
fn assert_security_headers(what: &str, a: &Answer) {
    let h = |n: header::HeaderName| a.headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
    let csp = h(header::CONTENT_SECURITY_POLICY);
    assert!(
        csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{what}: CSP `{csp}`"
    );
    assert_eq!(h(header::X_FRAME_OPTIONS), "DENY", "{what}");
    assert_eq!(h(header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{what}");
}

/// An error body says what the caller did wrong, or nothing: no internals, no secrets.
fn assert_clean(env: &Env, what: &str, a: &Answer) {
    for s in secrets(env) {
        assert!(!a.body.contains(&s), "{what}: a secret in the body: {}", a.body);
    }
    if a.status.is_client_error() || a.status.is_server_error() {
        let lower = a.body.to_lowercase();
        let dir = env.dir.path().display().to_string();
        for needle in [
            "panicked",
            "backtrace",
            ".rs:",
            "src/",
            "/root",
            "/home",
            "/tmp",
            dir.as_str(),
            "sqlx",
            "sqlite",
            "postgres",
            "mysql",
            "mariadb",
            "select ",
            "insert ",
            "update ",
            "delete from",
            "pool",
            "database is locked",
            "wstoken",
        ] {
            assert!(
                !lower.contains(needle),
                "{what}: `{needle}` in the error body: {}",
                a.body
            );
        }
        assert!(a.body.len() < 4096, "{what}: a long error body: {}", a.body);
    }
}

fn admin_request(method: Method, path: &str, cred: Cred) -> Request<Body> {
    signed_request(method, path, cred, None)
}

/// As [`admin_request`]; `Cred::Right` carries `session` (a signed-in user's cookie).
fn signed_request(method: Method, path: &str, cred: Cred, session: Option<&str>) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(path);
    match cred {
        Cred::Wrong => {
            b = b
                .header(header::AUTHORIZATION, "Bearer not-a-token")
                .header(header::COOKIE, "mm_session=forged");
        }
        Cred::Right => {
            if let Some(cookie) = session {
                b = b.header(header::COOKIE, cookie);
            }
        }
        Cred::Anonymous => {}
    }
    b.body(Body::empty()).expect("request")
}

/// Who may read a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Anyone (health checks).
    Public,
    /// A signed-in user; others are sent to the sign-in page.
    Page,
    /// A session or the admin token; others get 401.
    Api,
}

#[tokio::test]
async fn every_route_by_credential() {
    let env = env().await;
    // Some data on the pages: one paid invoice, pushed by the shop.
    let body = serde_json::to_vec(&invoice("INV-1", "2026-1", "PY-101", "grace@example.org")).expect("json");
    let a = call(
        &env.app,
        webhook_request("/webhooks/shop", Some(SHOP_SECRET), "msg_seed", body),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(env.app.reconcile_once().await.expect("pass").converged());

    // (path, who may read it, expected content type, a text the body contains).
    let admin: &[(&str, Access, &str, &str)] = &[
        ("/", Access::Page, "text/html", "grace@example.org"),
        ("/healthz", Access::Public, "text/plain", "ok"),
        // A JSON body per dependency (the sites' breakers, SMTP), 200 while the database is ready.
        ("/readyz", Access::Public, "application/json", r#""status":"ready""#),
        // Private unless `[server] metrics_public` (tests/metrics.rs covers that).
        (
            "/metrics",
            Access::Api,
            "application/openmetrics-text",
            "moodle_management_build_info",
        ),
        ("/enrolments", Access::Page, "text/html", "grace@example.org"),
        ("/learners", Access::Page, "text/html", "grace@example.org"),
        ("/learners.csv", Access::Page, "text/csv", "grace@example.org"),
        ("/learners/grace%40example.org", Access::Page, "text/html", "PY101"),
        ("/api/enrolments", Access::Api, "application/json", "grace@example.org"),
        ("/api/holds", Access::Api, "application/json", "["),
        ("/api/jobs", Access::Api, "application/json", "\"counts\""),
        ("/api/audit", Access::Api, "application/json", "grace@example.org"),
    ];
    let cookie = session_cookie(&env.app, mm_core::Role::Viewer).await;
    for (path, access, ctype, contains) in admin {
        for cred in [Cred::Anonymous, Cred::Wrong, Cred::Right] {
            let what = format!("GET {path} {cred:?}");
            let a = call(&env.app, signed_request(Method::GET, path, cred, Some(&cookie))).await;
            assert_security_headers(&what, &a);
            assert_clean(&env, &what, &a);
            let allowed = *access == Access::Public || cred == Cred::Right;
            if !allowed && *access == Access::Page {
                assert_eq!(a.status, StatusCode::SEE_OTHER, "{what}: {}", a.body);
                let to = a
                    .headers
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                assert!(to.starts_with("/login?next="), "{what}: sent to {to}");
                continue;
            }
            if !allowed {
                assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{what}: {}", a.body);
                assert!(!a.body.contains("grace@example.org"), "{what}: {}", a.body);
                continue;
            }
            assert_eq!(a.status, StatusCode::OK, "{what}: {}", a.body);
            let ct = a
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            assert!(ct.starts_with(ctype), "{what}: content type {ct}");
            if *path != "/" {
                assert!(a.body.contains(contains), "{what}: {}", a.body);
            }
        }
        // Only GET (and the HEAD axum derives from it) is routed.
        for method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
            let what = format!("{method} {path}");
            let a = call(&env.app, admin_request(method, path, Cred::Anonymous)).await;
            assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{what}");
            assert_security_headers(&what, &a);
            assert_clean(&env, &what, &a);
        }
    }

    // Seats: reads as the other API routes; writes are off while no server.admin_token is set
    // (tests/policies_e2e.rs covers them with a token: missing or wrong → 401, right → 201).
    for cred in [Cred::Anonymous, Cred::Wrong, Cred::Right] {
        let what = format!("GET /api/seats {cred:?}");
        let a = call(&env.app, signed_request(Method::GET, "/api/seats", cred, Some(&cookie))).await;
        let expected = if cred == Cred::Right {
            StatusCode::OK
        } else {
            StatusCode::UNAUTHORIZED
        };
        assert_eq!(a.status, expected, "{what}: {}", a.body);
        assert_security_headers(&what, &a);
        assert_clean(&env, &what, &a);
        for method in [Method::POST, Method::DELETE] {
            let what = format!("{method} /api/seats {cred:?}");
            let a = call(&env.app, admin_request(method, "/api/seats", cred)).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{what}: {}", a.body);
            assert!(a.body.contains("server.admin_token"), "{what}: {}", a.body);
            assert_security_headers(&what, &a);
            assert_clean(&env, &what, &a);
        }
    }
    for method in [Method::PUT, Method::PATCH] {
        let a = call(&env.app, admin_request(method.clone(), "/api/seats", Cred::Anonymous)).await;
        assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{method} /api/seats");
    }

    // Webhooks: (source, the right secret, a valid event).
    let sources = [
        (
            "shop",
            SHOP_SECRET,
            invoice("INV-2", "2026-2", "PY-101", "ada@example.org"),
        ),
        ("erp", ERP_SECRET, hint("17")),
    ];
    for (source, right, event) in &sources {
        let path = format!("/webhooks/{source}");
        let body = serde_json::to_vec(event).expect("json");
        for (i, cred) in [Cred::Anonymous, Cred::Wrong, Cred::Right].into_iter().enumerate() {
            let what = format!("POST {path} {cred:?}");
            let secret = match cred {
                Cred::Anonymous => None,
                Cred::Wrong => Some(WRONG_SECRET),
                Cred::Right => Some(*right),
            };
            let id = format!("msg_{source}_{i}");
            let a = call(&env.app, webhook_request(&path, secret, &id, body.clone())).await;
            let expected = match cred {
                Cred::Anonymous => StatusCode::BAD_REQUEST,
                Cred::Wrong => StatusCode::UNAUTHORIZED,
                Cred::Right => StatusCode::OK,
            };
            assert_eq!(a.status, expected, "{what}: {}", a.body);
            assert_security_headers(&what, &a);
            assert_clean(&env, &what, &a);
            let v: Value = serde_json::from_str(&a.body).expect("JSON answer");
            match cred {
                Cred::Anonymous => assert!(a.body.contains("missing header"), "{what}: {}", a.body),
                Cred::Wrong => assert_eq!(v["error"], "no signature matches a configured secret", "{what}"),
                Cred::Right => assert_eq!(v["accepted"], true, "{what}"),
            }
        }
        // A secret of another source does not open this one.
        let other = if *source == "shop" { ERP_SECRET } else { SHOP_SECRET };
        let a = call(&env.app, webhook_request(&path, Some(other), "msg_cross", body.clone())).await;
        assert_eq!(
            a.status,
            StatusCode::UNAUTHORIZED,
            "{path} with the other source's secret"
        );
        for method in [Method::GET, Method::PUT, Method::DELETE] {
            let what = format!("{method} {path}");
            let a = call(&env.app, admin_request(method, &path, Cred::Anonymous)).await;
            assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{what}");
            assert_security_headers(&what, &a);
        }
    }
    // Only the invoice signed with the right secret was recorded.
    let invoices = env.app.store().invoices().await.expect("invoices");
    let mut ids: Vec<_> = invoices.iter().map(|i| i.key.id.clone()).collect();
    ids.sort();
    assert_eq!(ids, ["INV-1", "INV-2"], "{invoices:?}");

    // Unknown webhook sources and paths: 404 with the headers, and nothing revealed.
    for (what, req) in [
        (
            "unknown source, signed",
            webhook_request("/webhooks/nope", Some(SHOP_SECRET), "msg_x", b"{}".to_vec()),
        ),
        (
            "unknown source, anonymous",
            webhook_request("/webhooks/nope", None, "", b"{}".to_vec()),
        ),
        (
            "a traversal as source",
            webhook_request("/webhooks/..%2F..%2Fetc%2Fpasswd", None, "", b"{}".to_vec()),
        ),
        ("unknown path", admin_request(Method::GET, "/admin", Cred::Anonymous)),
        (
            "nested unknown path",
            admin_request(Method::GET, "/api/enrolments/1", Cred::Anonymous),
        ),
        (
            "webhooks without a source",
            admin_request(Method::POST, "/webhooks/", Cred::Anonymous),
        ),
    ] {
        let a = call(&env.app, req).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{what}: {}", a.body);
        assert_security_headers(what, &a);
        assert_clean(&env, what, &a);
    }
}

#[test]
fn the_service_binds_to_loopback_by_default() {
    // Without a [server] section, and with the example configuration, the admin pages (which
    // have no login yet) are reachable from this machine only.
    let c = Config::from_toml("", Path::new("empty.toml"), |_| None).expect("empty config");
    assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
    assert!(c.listen.ip().is_loopback());
    let example = include_str!("../../config.example.toml");
    let c = Config::from_toml(example, Path::new("config.example.toml"), |_| None).expect("example config");
    assert!(
        c.listen.ip().is_loopback(),
        "config.example.toml listens on {}",
        c.listen
    );
}

#[tokio::test]
async fn the_admin_pages_escape_what_invoices_say() {
    let env = env().await;
    let xss = "<script>alert(1)</script>";
    let product = "<img src=x onerror=alert(2)>";
    let body = serde_json::to_vec(&invoice("INV-X", xss, product, "grace@example.org")).expect("json");
    let a = call(
        &env.app,
        webhook_request("/webhooks/shop", Some(SHOP_SECRET), "msg_xss", body),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    env.app.reconcile_once().await.expect("pass");
    let cookie = session_cookie(&env.app, mm_core::Role::Viewer).await;
    let page = call(
        &env.app,
        signed_request(Method::GET, "/enrolments", Cred::Right, Some(&cookie)),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("<script>") && !page.body.contains("<img"),
        "markup from an invoice reached the page: {}",
        page.body
    );
    assert!(
        page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the hold is shown, escaped: {}",
        page.body
    );
    // The JSON API answers JSON (with nosniff), never HTML.
    let api = call(
        &env.app,
        signed_request(Method::GET, "/api/holds", Cred::Right, Some(&cookie)),
    )
    .await;
    assert!(api.body.contains(xss), "{}", api.body);
    assert_eq!(
        api.headers.get(header::CONTENT_TYPE).map(|v| v.as_bytes()),
        Some(&b"application/json"[..])
    );
    assert_security_headers("/api/holds", &api);
}

#[tokio::test]
async fn webhook_bodies_over_256_kib_are_refused_with_413() {
    let env = env().await;
    // Exactly at the limit: read and verified (here: not JSON → 400, not 413).
    let at_limit = vec![b' '; LIMIT];
    let a = call(
        &env.app,
        webhook_request("/webhooks/shop", Some(SHOP_SECRET), "msg_at", at_limit),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert_clean(&env, "at the limit", &a);

    for (what, len, signed) in [
        ("one byte over, signed", LIMIT + 1, true),
        ("one byte over, anonymous", LIMIT + 1, false),
        ("10 MiB, anonymous", 10 << 20, false),
    ] {
        let body = vec![b'x'; len];
        let a = call(
            &env.app,
            webhook_request("/webhooks/shop", signed.then_some(SHOP_SECRET), "msg_big", body),
        )
        .await;
        assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{what}: {}", a.body);
        assert_security_headers(what, &a);
        assert_clean(&env, what, &a);
    }

    // Without a Content-Length (chunked): the limit holds while reading.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..40).map(|_| Ok(vec![b'x'; 8 * 1024])).collect();
    let req = Request::post("/webhooks/shop")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(futures::stream::iter(chunks)))
        .expect("request");
    let a = call(&env.app, req).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "chunked: {}", a.body);
    assert_security_headers("chunked", &a);
    assert_clean(&env, "chunked", &a);

    // Nothing of it was recorded.
    assert_eq!(env.app.store().invoices().await.expect("invoices").len(), 0);
}

#[tokio::test]
async fn malformed_webhooks_get_a_short_answer_without_internals() {
    let env = env().await;
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("not JSON", b"hello".to_vec()),
        ("truncated JSON", br#"{"type": "invoice.upserted", "data": {"#.to_vec()),
        ("invalid UTF-8", vec![0xff, 0xfe, b'{', 0xc3, 0x28, b'}']),
        ("a JSON array", b"[1,2,3]".to_vec()),
        (
            "an unknown type",
            br#"{"type": "invoice.exploded", "data": {"id": "1"}}"#.to_vec(),
        ),
        (
            "wrong field types",
            br#"{"type": "invoice.upserted", "data": {"id": 1, "paid": "yes", "lines": {}}}"#.to_vec(),
        ),
        (
            "a number beyond f64",
            br#"{"type": "invoice.hint", "data": {"id": 1e999}}"#.to_vec(),
        ),
        ("deep nesting", deep.into_bytes()),
        (
            "a NUL byte",
            b"{\"type\": \"invoice.hint\", \"data\": {\"id\": \"\0\"}}".to_vec(),
        ),
        (
            "SQL in fields",
            serde_json::to_vec(&invoice("1'; DROP TABLE invoices; --", "x", "PY-101", "a@b.c")).expect("json"),
        ),
    ];
    for (i, (what, body)) in bodies.into_iter().enumerate() {
        let a = call(
            &env.app,
            webhook_request("/webhooks/shop", Some(SHOP_SECRET), &format!("msg_m{i}"), body),
        )
        .await;
        assert!(
            a.status == StatusCode::BAD_REQUEST || (what == "SQL in fields" && a.status == StatusCode::OK),
            "{what}: {} {}",
            a.status,
            a.body
        );
        assert_security_headers(what, &a);
        assert_clean(&env, what, &a);
        if a.status == StatusCode::BAD_REQUEST {
            let v: Value = serde_json::from_str(&a.body).expect("a JSON answer");
            assert!(v["error"].is_string(), "{what}: {}", a.body);
        }
    }
    // The SQL-looking id is stored as data.
    let invoices = env.app.store().invoices().await.expect("invoices");
    assert!(invoices.iter().any(|i| i.key.id == "1'; DROP TABLE invoices; --"));

    // Malformed headers on a well-formed body.
    let body = serde_json::to_vec(&hint("1")).expect("json");
    let ts = now().0;
    let good_sig = sign(&Secret::parse(SHOP_SECRET).expect("secret"), "msg_h", ts, &body);
    let long_id = "x".repeat(1000);
    let cases: Vec<(&str, &str, String, String, StatusCode)> = vec![
        (
            "timestamp not a number",
            "msg_h",
            "soon".into(),
            good_sig.clone(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "timestamp an hour old",
            "msg_h",
            (ts - 3600).to_string(),
            good_sig.clone(),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "timestamp far ahead",
            "msg_h",
            (ts + 3600).to_string(),
            good_sig.clone(),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "signature garbage",
            "msg_h",
            ts.to_string(),
            "v1,!!!".into(),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "signature empty",
            "msg_h",
            ts.to_string(),
            String::new(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "signature of v2 only",
            "msg_h",
            ts.to_string(),
            "v2,abc".into(),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "id too long",
            &long_id,
            ts.to_string(),
            good_sig.clone(),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (what, id, ts, sig, expected) in cases {
        let req = Request::post("/webhooks/shop")
            .header("webhook-id", id)
            .header("webhook-timestamp", ts)
            .header("webhook-signature", sig)
            .body(Body::from(body.clone()))
            .expect("request");
        let a = call(&env.app, req).await;
        assert_eq!(a.status, expected, "{what}: {}", a.body);
        assert_security_headers(what, &a);
        assert_clean(&env, what, &a);
    }
}

#[tokio::test]
async fn a_closed_database_answers_opaquely() {
    let env = env().await;
    let cookie = session_cookie(&env.app, mm_core::Role::Viewer).await;
    env.app.store().close().await;
    let cases: &[(&str, StatusCode)] = &[
        ("/", StatusCode::INTERNAL_SERVER_ERROR),
        ("/healthz", StatusCode::OK),
        ("/readyz", StatusCode::SERVICE_UNAVAILABLE),
        ("/enrolments", StatusCode::INTERNAL_SERVER_ERROR),
        ("/api/enrolments", StatusCode::INTERNAL_SERVER_ERROR),
        ("/api/holds", StatusCode::INTERNAL_SERVER_ERROR),
        ("/api/jobs", StatusCode::INTERNAL_SERVER_ERROR),
        ("/api/audit", StatusCode::INTERNAL_SERVER_ERROR),
    ];
    for (path, status) in cases {
        let a = call(&env.app, signed_request(Method::GET, path, Cred::Right, Some(&cookie))).await;
        assert_eq!(a.status, *status, "{path}: {}", a.body);
        assert_security_headers(path, &a);
        assert_clean(&env, path, &a);
    }
    // A valid delivery cannot be stored: 503 so that the sender retries, and nothing else.
    let body = serde_json::to_vec(&invoice("INV-9", "2026-9", "PY-101", "ada@example.org")).expect("json");
    let a = call(
        &env.app,
        webhook_request("/webhooks/shop", Some(SHOP_SECRET), "msg_closed", body),
    )
    .await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.body);
    assert_security_headers("webhook, closed database", &a);
    assert_clean(&env, "webhook, closed database", &a);
    assert!(a.body.contains("retry later"), "{}", a.body);
}

#[tokio::test]
async fn deliveries_are_listed_and_an_operator_applies_one_again() {
    let env = env().await;
    let body = serde_json::to_vec(&invoice("INV-7", "2026-7", "PY-101", "ida@example.org")).expect("json");
    let a = call(
        &env.app,
        webhook_request("/webhooks/shop", Some(SHOP_SECRET), "msg_seven", body),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let viewer = session_cookie(&env.app, mm_core::Role::Viewer).await;
    let page = call(
        &env.app,
        signed_request(Method::GET, "/deliveries", Cred::Right, Some(&viewer)),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"data-delivery="msg_seven""#), "{}", page.body);
    assert!(
        !page.body.contains(r#"data-action="reapply""#),
        "a viewer has no button"
    );

    let operator = session_cookie(&env.app, mm_core::Role::Operator).await;
    let page = call(
        &env.app,
        signed_request(Method::GET, "/deliveries", Cred::Right, Some(&operator)),
    )
    .await;
    let csrf = page
        .body
        .split(r#"name="csrf" value=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("csrf");
    let form = format!("csrf={csrf}&source=shop&id=msg_seven");
    let req = Request::post("/deliveries")
        .header(header::COOKIE, &operator)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .expect("request");
    let a = call(&env.app, req).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let logged = env
        .app
        .operator_actions(Some("delivery.reapply"), 5)
        .await
        .expect("log");
    assert_eq!(
        logged.first().map(|l| (l.actor.as_str(), l.ok)),
        Some(("operator@test.example", true))
    );
}
