//! A tiny axum stub of `webservice/rest/server.php` on 127.0.0.1:0, scripted per test.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use mm_moodle::{BreakerConfig, MoodleClient, RetryPolicy, SecretString, SiteConfig};

pub const TOKEN: &str = "s3cr3t-Token_9f8e7d6c5b4a";

/// What the stub answers.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    pub delay: Option<Duration>,
}

impl Reply {
    pub fn json(v: serde_json::Value) -> Self {
        Self {
            status: 200,
            content_type: "application/json".into(),
            body: v.to_string(),
            delay: None,
        }
    }
    pub fn raw(status: u16, content_type: &str, body: &str) -> Self {
        Self {
            status,
            content_type: content_type.into(),
            body: body.into(),
            delay: None,
        }
    }
    pub fn delayed(mut self, d: Duration) -> Self {
        self.delay = Some(d);
        self
    }
}

pub type Handler = Arc<dyn Fn(usize, &str) -> Reply + Send + Sync>;

#[derive(Clone)]
pub struct Stub {
    pub bodies: Arc<Mutex<Vec<String>>>,
    pub hits: Arc<AtomicUsize>,
    handler: Arc<Mutex<Handler>>,
    pub port: u16,
}

impl Stub {
    pub async fn start(handler: Handler) -> Self {
        let stub = Stub {
            bodies: Arc::new(Mutex::new(Vec::new())),
            hits: Arc::new(AtomicUsize::new(0)),
            handler: Arc::new(Mutex::new(handler)),
            port: 0,
        };
        let app = Router::new()
            .route("/webservice/rest/server.php", post(serve))
            .with_state(stub.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Stub { port, ..stub }
    }

    pub fn set_handler(&self, h: Handler) {
        *self.handler.lock().unwrap() = h;
    }

    pub fn url(&self) -> url::Url {
        url::Url::parse(&format!("http://127.0.0.1:{}/", self.port)).unwrap()
    }

    pub fn last_body(&self) -> Option<String> {
        self.bodies.lock().unwrap().last().cloned()
    }

    pub fn count(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

async fn serve(State(stub): State<Stub>, body: String) -> Response {
    let n = stub.hits.fetch_add(1, Ordering::SeqCst);
    stub.bodies.lock().unwrap().push(body.clone());
    let handler = stub.handler.lock().unwrap().clone();
    let reply = handler(n, &body);
    if let Some(d) = reply.delay {
        tokio::time::sleep(d).await;
    }
    let mut resp = (StatusCode::from_u16(reply.status).unwrap(), reply.body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&reply.content_type).unwrap(),
    );
    resp
}

pub fn config(stub: &Stub) -> SiteConfig {
    let mut c = SiteConfig::new("stub", stub.url(), SecretString::from(TOKEN));
    c.allow_private_network = true;
    c.retry = RetryPolicy {
        max_attempts: 3,
        base: Duration::from_millis(5),
        max: Duration::from_millis(20),
    };
    c.breaker = BreakerConfig {
        failure_threshold: 50,
        cool_down: Duration::from_secs(30),
    };
    c.timeout = Duration::from_secs(5);
    c
}

pub fn client(stub: &Stub) -> MoodleClient {
    MoodleClient::new(config(stub)).expect("client")
}

/// Decode a form body into pairs.
pub fn pairs(body: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub fn param<'a>(p: &'a [(String, String)], key: &str) -> Option<&'a str> {
    p.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}
