//! `Idempotency-Key` (issue #17): a retried request with the same key and body acts once and
//! gets the first answer again, byte for byte; the same key for another body is refused (422);
//! two callers' keys never meet; a failure (5xx) is not kept, so a retry runs again; a duplicate
//! that arrives while the first still runs is told to wait (409).

use crate::kit::world;
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use axum::routing::post;
use mm_core::Scope;
use mm_engine::Engine;
use mm_engine::admin::Actor;
use mm_web::idempotency::{IDEMPOTENCY_KEY, IDEMPOTENCY_REPLAYED, guard};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;
use tower::ServiceExt;

const ADMIN_TOKEN: &str = "test-admin-token-0123456789abcdef";

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn replayed(&self) -> bool {
        self.headers.get(IDEMPOTENCY_REPLAYED).is_some_and(|v| v == "true")
    }
}

async fn send(router: Router, method: Method, uri: &str, token: &str, key: Option<&str>, body: &Value) -> Answer {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if let Some(k) = key {
        req = req.header(IDEMPOTENCY_KEY, k);
    }
    let res = router
        .oneshot(req.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap().to_vec();
    Answer { status, headers, body }
}

/// The service with the admin token set, over the demo world; a company invoice of 3 seats of
/// PY-101, paid and polled: (the world, the service, the invoice, its line).
async fn seat_world(db: &str) -> (mm_demo::DemoWorld, Arc<Engine>, i64, i64) {
    let w = world::start(db, "1s").await;
    let mut config = w.config.clone();
    config.admin_token = Some(SecretString::from(ADMIN_TOKEN.to_string()));
    let app = Engine::build(config).await.unwrap();
    let buyer = w.fs.add_customer("Acme Training SL", "purchasing@acme.example");
    let invoice = w.fs.create_invoice(&buyer, &[("PY-101", 3.0, 120.0)]).unwrap();
    w.fs.pay(invoice, true).unwrap();
    let line = w.fs.lines_of(invoice)[0];
    app.reconcile_once().await.unwrap();
    (w, app, invoice, line)
}

fn seat(invoice: i64, line: i64, email: &str) -> Value {
    json!({"source": "erp", "invoice": invoice.to_string(), "line": line.to_string(), "email": email})
}

async fn seat_holders(app: &Engine) -> Vec<String> {
    let mut held: Vec<String> = app
        .store()
        .seats(None)
        .await
        .unwrap()
        .iter()
        .map(|s| s.learner.to_string())
        .collect();
    held.sort();
    held
}

#[tokio::test]
async fn a_retried_seat_assignment_acts_once_and_answers_the_same_bytes() {
    let (_dir, db) = world::sqlite("idempotency.sqlite");
    let (_w, app, invoice, line) = seat_world(&db).await;
    let router = mm_web::router(app.clone());
    let writer = app
        .create_api_token(&Actor::Cli, "crm", Scope::Write, None)
        .await
        .unwrap();
    let writer = writer.token.expose_secret().to_owned();
    let eve = seat(invoice, line, "eve@acme.example");

    let first = send(
        router.clone(),
        Method::POST,
        "/api/seats",
        &writer,
        Some("order-1"),
        &eve,
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.json());
    assert!(!first.replayed());
    let again = send(
        router.clone(),
        Method::POST,
        "/api/seats",
        &writer,
        Some("order-1"),
        &eve,
    )
    .await;
    assert_eq!(again.status, first.status);
    assert_eq!(again.body, first.body, "the same answer, byte for byte");
    assert_eq!(
        again.headers.get(header::CONTENT_TYPE),
        first.headers.get(header::CONTENT_TYPE)
    );
    assert!(again.replayed(), "{:?}", again.headers);
    assert_eq!(seat_holders(&app).await, ["eve@acme.example"], "one seat assigned");
    // Without a key the route answers afresh: the seat is held already (200, not 201).
    let fresh = send(router.clone(), Method::POST, "/api/seats", &writer, None, &eve).await;
    assert_eq!(fresh.status, StatusCode::OK, "{:?}", fresh.json());
    assert!(!fresh.replayed());

    // The same key with another body is refused, naming the header, and does nothing.
    let gil = seat(invoice, line, "gil@acme.example");
    let reused = send(
        router.clone(),
        Method::POST,
        "/api/seats",
        &writer,
        Some("order-1"),
        &gil,
    )
    .await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reused.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/problem+json"
    );
    let problem = reused.json();
    assert_eq!(problem["field"], "Idempotency-Key", "{problem}");
    assert_eq!(
        problem["type"], "urn:moodle-management:problem:idempotency-key-reused",
        "{problem}"
    );
    // So is the same key on another route or method.
    let release = send(
        router.clone(),
        Method::DELETE,
        "/api/seats",
        &writer,
        Some("order-1"),
        &eve,
    )
    .await;
    assert_eq!(release.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(seat_holders(&app).await, ["eve@acme.example"]);

    // Another caller's same key is its own.
    let admin = send(
        router.clone(),
        Method::POST,
        "/api/seats",
        ADMIN_TOKEN,
        Some("order-1"),
        &gil,
    )
    .await;
    assert_eq!(admin.status, StatusCode::CREATED, "{:?}", admin.json());
    assert!(!admin.replayed());
    assert_eq!(seat_holders(&app).await, ["eve@acme.example", "gil@acme.example"]);

    // A malformed key is refused, naming the header.
    let long = "k".repeat(256);
    let bad = send(router.clone(), Method::POST, "/api/seats", &writer, Some(&long), &gil).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["field"], "Idempotency-Key");

    // A refusal of the request itself (4xx) is kept too: the same retry gets it again.
    let unknown = seat(invoice, 999_999, "hal@acme.example");
    let refused = send(
        router.clone(),
        Method::POST,
        "/api/seats",
        &writer,
        Some("order-2"),
        &unknown,
    )
    .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let refused_again = send(
        router.clone(),
        Method::POST,
        "/api/seats",
        &writer,
        Some("order-2"),
        &unknown,
    )
    .await;
    assert_eq!(
        (refused_again.status, &refused_again.body),
        (refused.status, &refused.body)
    );
    assert!(refused_again.replayed());

    // Identical requests at once: one acts, each of the others gets its answer or is told to
    // wait (409), and one seat is assigned.
    let finn = seat(invoice, line, "finn@acme.example");
    let at_once: Vec<Answer> = futures::future::join_all((0..6).map(|_| {
        send(
            router.clone(),
            Method::POST,
            "/api/seats",
            &writer,
            Some("order-4"),
            &finn,
        )
    }))
    .await;
    let created: Vec<&Answer> = at_once.iter().filter(|a| a.status == StatusCode::CREATED).collect();
    assert!(!created.is_empty());
    assert_eq!(created.iter().filter(|a| !a.replayed()).count(), 1, "one ran");
    assert!(created.iter().all(|a| a.body == created[0].body));
    assert!(
        at_once
            .iter()
            .all(|a| a.status == StatusCode::CREATED || a.status == StatusCode::CONFLICT),
        "{:?}",
        at_once.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    assert_eq!(
        seat_holders(&app).await,
        ["eve@acme.example", "finn@acme.example", "gil@acme.example"]
    );

    // A wrong token's refusal is not kept: the key stays free for the caller who holds it.
    let wrong = send(
        router.clone(),
        Method::POST,
        "/api/seats",
        "mmt_not-a-token",
        Some("order-5"),
        &finn,
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let wrong_again = send(
        router.clone(),
        Method::POST,
        "/api/seats",
        "mmt_not-a-token",
        Some("order-5"),
        &finn,
    )
    .await;
    assert!(!wrong_again.replayed());

    // A request without credentials passes through to the route, which refuses it.
    let res = router
        .clone()
        .oneshot(
            Request::post("/api/seats")
                .header(IDEMPOTENCY_KEY, "order-3")
                .body(Body::from(eve.to_string()))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

/// How often the counting route's handler was entered and finished.
#[derive(Default)]
struct Runs {
    entered: AtomicUsize,
    finished: AtomicUsize,
}

/// A route under the guard whose handler fails the first time, then creates; it counts its runs
/// and, when `hold` has no permits, waits for one.
fn counting_route(app: &Arc<Engine>, runs: Arc<Runs>, hold: Arc<Semaphore>) -> Router {
    let handler = move || {
        let runs = runs.clone();
        let hold = hold.clone();
        async move {
            runs.entered.fetch_add(1, Ordering::SeqCst);
            let _permit = hold.acquire().await.unwrap();
            let n = runs.finished.fetch_add(1, Ordering::SeqCst) + 1;
            if n == 1 {
                (StatusCode::INTERNAL_SERVER_ERROR, format!("failure {n}"))
            } else {
                (StatusCode::CREATED, format!("created by run {n}"))
            }
        }
    };
    Router::new()
        .route("/act", post(handler))
        .layer(axum::middleware::from_fn_with_state(app.clone(), guard))
}

#[tokio::test]
async fn a_failure_is_not_kept_and_a_duplicate_in_flight_does_not_run_twice() {
    let (_dir, db) = world::sqlite("idempotency-guard.sqlite");
    let w = world::start(&db, "30s").await;
    let app = world::app(&w).await;
    let runs = Arc::new(Runs::default());
    let hold = Arc::new(Semaphore::new(100));
    let router = counting_route(&app, runs.clone(), hold.clone());
    let body = json!({"do": "it"});

    // A 5xx frees the key: the retry runs the handler again, and its answer is then kept.
    let failed = send(router.clone(), Method::POST, "/act", "any-caller", Some("k1"), &body).await;
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    let retried = send(router.clone(), Method::POST, "/act", "any-caller", Some("k1"), &body).await;
    assert_eq!(retried.status, StatusCode::CREATED);
    assert_eq!(retried.body, b"created by run 2");
    assert!(!retried.replayed());
    let replayed = send(router.clone(), Method::POST, "/act", "any-caller", Some("k1"), &body).await;
    assert_eq!(
        (replayed.status, replayed.body.as_slice()),
        (StatusCode::CREATED, &b"created by run 2"[..])
    );
    assert!(replayed.replayed());
    assert_eq!(
        runs.finished.load(Ordering::SeqCst),
        2,
        "the replay did not run the handler"
    );

    // A duplicate while the first is held in its handler: 409, told to retry; the first's
    // answer is then replayed, and the handler ran once for the two.
    let held = hold.acquire_many(100).await.unwrap();
    let first = tokio::spawn({
        let (router, body) = (router.clone(), body.clone());
        async move { send(router, Method::POST, "/act", "any-caller", Some("k2"), &body).await }
    });
    for _ in 0..500 {
        if runs.entered.load(Ordering::SeqCst) == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(runs.entered.load(Ordering::SeqCst), 3, "the first is in its handler");
    let duplicate = send(router.clone(), Method::POST, "/act", "any-caller", Some("k2"), &body).await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    assert_eq!(runs.entered.load(Ordering::SeqCst), 3, "the duplicate did not run");
    assert_eq!(
        duplicate.json()["type"],
        "urn:moodle-management:problem:idempotency-key-in-progress"
    );
    assert!(duplicate.headers.contains_key(header::RETRY_AFTER));
    drop(held);
    let first = first.await.unwrap();
    assert_eq!(first.status, StatusCode::CREATED);
    let after = send(router.clone(), Method::POST, "/act", "any-caller", Some("k2"), &body).await;
    assert_eq!((after.status, &after.body), (first.status, &first.body));
    assert!(after.replayed());
    assert_eq!(runs.finished.load(Ordering::SeqCst), 3);

    // Without a key, every request runs.
    send(router.clone(), Method::POST, "/act", "any-caller", None, &body).await;
    assert_eq!(runs.finished.load(Ordering::SeqCst), 4);
    // Keys are forgotten by the purge only once a day old.
    assert_eq!(app.purge_idempotency_keys().await.unwrap(), 0);
}
