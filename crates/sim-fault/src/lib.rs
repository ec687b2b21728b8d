//! mm-sim-fault — fault injection shared by the simulators (Moodle, FacturaScripts).
//!
//! A [`Faults`] handle (cheap to clone, `Arc` inside) holds a [`FaultConfig`] that can be
//! changed at run time. Every simulated request calls [`Faults::apply`] with a *key* (the
//! Moodle function name, a FacturaScripts resource, …) and gets back a [`FaultOutcome`]:
//!
//! 1. latency is always applied first: `latency_fixed` + uniform `0..=latency_jitter` +
//!    `per_key_latency[key]` (added);
//! 2. then, in this order: an active outage, a pending [`Faults::fail_next`] count, and the random
//!    `error_rate` (restricted to `error_keys` when that list is not empty) decide on a failure
//!    of kind `outage_kind` / `error_kind`;
//! 3. a request that went through may still have its *answer lost* ([`Faults::lose_response`],
//!    asked by the simulator after it did the work): a pending [`Faults::lose_next`] count or
//!    the random `response_loss_rate` (same `error_keys`). The client then sees a broken
//!    connection for a change that did happen — the case that duplicates accounts when a client
//!    repeats a creation blindly.
//!
//! What the outcomes really do on the wire (see [`outcome_response`]):
//! * `Respond(status)` — an HTTP response with that status and a short plain-text body.
//! * `Reset` — the response head is never completed: the handler returns a response whose body
//!   stream fails on its first poll, so hyper closes the connection. A client over real TCP sees
//!   "connection closed before message completed" / an incomplete-message error (not a TCP RST
//!   packet, which hyper cannot produce). In-process (`tower::ServiceExt::oneshot`) the error
//!   surfaces when the body is collected.
//! * `Hang(d)` — the request sleeps `d` and then behaves like `Reset`; a client with a timeout
//!   shorter than `d` sees its own timeout.
//!
//! Randomness comes from a `StdRng`; set `seed` for reproducible runs (the generator is re-seeded
//! each time a config with a seed is [`Faults::set`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// Serde helpers: a duration is written as a humantime string (`"20ms"`, `"1s 500ms"`) and read
/// from such a string or from an integer number of milliseconds.
pub mod duration_serde {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Millis(u64),
        Text(String),
    }

    /// Serialize as a humantime string.
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&humantime::format_duration(*d).to_string())
    }

    /// Deserialize from a humantime string or integer milliseconds.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        match Repr::deserialize(d)? {
            Repr::Millis(ms) => Ok(Duration::from_millis(ms)),
            Repr::Text(t) => parse(&t).map_err(serde::de::Error::custom),
        }
    }

    /// Parse `"20ms"`, `"1s"`, `"0"`.
    pub fn parse(t: &str) -> Result<Duration, String> {
        let t = t.trim();
        if t == "0" {
            return Ok(Duration::ZERO);
        }
        humantime::parse_duration(t).map_err(|e| format!("invalid duration {t:?}: {e}"))
    }

    /// Same for maps of durations.
    pub mod map {
        use std::collections::HashMap;
        use std::time::Duration;

        use serde::ser::SerializeMap;
        use serde::{Deserialize, Deserializer, Serializer};

        #[derive(Deserialize)]
        struct W(#[serde(with = "super")] Duration);

        pub fn serialize<S: Serializer>(m: &HashMap<String, Duration>, s: S) -> Result<S::Ok, S::Error> {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut map = s.serialize_map(Some(m.len()))?;
            for k in keys {
                if let Some(d) = m.get(k) {
                    map.serialize_entry(k, &humantime::format_duration(*d).to_string())?;
                }
            }
            map.end()
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<HashMap<String, Duration>, D::Error> {
            let raw: HashMap<String, W> = HashMap::deserialize(d)?;
            Ok(raw.into_iter().map(|(k, W(v))| (k, v)).collect())
        }
    }
}

/// The kind of failure injected.
///
/// Serialized as `"http500"`, `"http503"`, `"connection_reset"` or `{"timeout": "30s"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// HTTP 500 with a small text body.
    #[default]
    Http500,
    /// HTTP 503 with a small text body.
    Http503,
    /// The connection is closed before the response completes.
    ConnectionReset,
    /// The request hangs this long, then the connection is closed.
    Timeout(#[serde(with = "duration_serde")] Duration),
}

/// A planned outage, relative to the moment the config was [`Faults::set`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outage {
    /// Delay after `set` before the outage starts.
    #[serde(with = "duration_serde", default)]
    pub start_after: Duration,
    /// How long it lasts.
    #[serde(with = "duration_serde")]
    pub duration: Duration,
}

/// Fault configuration. Every field has a default (no faults), so `{}` is a valid config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultConfig {
    /// Added to every request.
    #[serde(with = "duration_serde")]
    pub latency_fixed: Duration,
    /// Uniform random extra latency in `0..=latency_jitter`.
    #[serde(with = "duration_serde")]
    pub latency_jitter: Duration,
    /// Extra latency per key (added to the fixed latency).
    #[serde(with = "duration_serde::map")]
    pub per_key_latency: HashMap<String, Duration>,
    /// Probability (0..=1) that a request fails with `error_kind`.
    pub error_rate: f64,
    /// What a random failure looks like.
    pub error_kind: ErrorKind,
    /// Restrict random failures (and `fail_next`, lost answers) to these keys; empty = every key.
    pub error_keys: Vec<String>,
    /// Probability (0..=1) that a request that was processed loses its answer (the connection
    /// is closed instead): the work is done, the client cannot know it.
    pub response_loss_rate: f64,
    /// A planned outage: every request fails with `outage_kind` during it.
    pub outage: Option<Outage>,
    /// What a request during an outage gets (default: HTTP 503).
    pub outage_kind: ErrorKind,
    /// Seed for the random generator (reproducible jitter and error draws).
    pub seed: Option<u64>,
}

impl Default for FaultConfig {
    fn default() -> Self {
        Self {
            latency_fixed: Duration::ZERO,
            latency_jitter: Duration::ZERO,
            per_key_latency: HashMap::new(),
            error_rate: 0.0,
            error_kind: ErrorKind::Http500,
            error_keys: Vec::new(),
            response_loss_rate: 0.0,
            outage: None,
            outage_kind: ErrorKind::Http503,
            seed: None,
        }
    }
}

/// Errors reading a config.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid fault config: {}", self.0)
    }
}

impl std::error::Error for ConfigError {}

impl FaultConfig {
    /// No faults at all.
    pub fn none() -> Self {
        Self::default()
    }

    /// Only a fixed latency.
    pub fn with_latency(latency: Duration) -> Self {
        Self {
            latency_fixed: latency,
            ..Self::default()
        }
    }

    /// Parse from JSON.
    pub fn from_json(s: &str) -> Result<Self, ConfigError> {
        let c: Self = serde_json::from_str(s).map_err(|e| ConfigError(e.to_string()))?;
        c.validate()?;
        Ok(c)
    }

    /// Check ranges (error_rate within 0..=1).
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (name, rate) in [
            ("error_rate", self.error_rate),
            ("response_loss_rate", self.response_loss_rate),
        ] {
            if !(0.0..=1.0).contains(&rate) || rate.is_nan() {
                return Err(ConfigError(format!("{name} must be within 0..=1, got {rate}")));
            }
        }
        Ok(())
    }

    fn key_selected(&self, key: &str) -> bool {
        self.error_keys.is_empty() || self.error_keys.iter().any(|k| k == key)
    }
}

/// What the caller must do with the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultOutcome {
    /// Handle the request normally.
    Proceed,
    /// Answer with this status (and a short text body) instead.
    Respond(StatusCode),
    /// Close the connection without a complete response.
    Reset,
    /// Hang this long, then close the connection.
    Hang(Duration),
}

impl FaultOutcome {
    fn from_kind(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::Http500 => Self::Respond(StatusCode::INTERNAL_SERVER_ERROR),
            ErrorKind::Http503 => Self::Respond(StatusCode::SERVICE_UNAVAILABLE),
            ErrorKind::ConnectionReset => Self::Reset,
            ErrorKind::Timeout(d) => Self::Hang(d),
        }
    }
}

/// Counters of injected faults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FaultStats {
    /// Requests seen by `apply`.
    pub requests: u64,
    /// Requests answered with a fault (any kind).
    pub injected: u64,
    /// Requests processed whose answer was then lost (not counted in `injected`).
    pub lost: u64,
}

struct Inner {
    config: RwLock<(FaultConfig, Instant)>,
    rng: Mutex<StdRng>,
    fail_next: AtomicU64,
    lose_next: AtomicU64,
    requests: AtomicU64,
    injected: AtomicU64,
    lost: AtomicU64,
}

/// Shared, run-time changeable fault injector.
#[derive(Clone)]
pub struct Faults {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Faults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Faults").field("config", &self.get()).finish()
    }
}

impl Default for Faults {
    fn default() -> Self {
        Self::new(FaultConfig::default())
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Faults {
    /// A new injector with this config.
    pub fn new(config: FaultConfig) -> Self {
        let rng = match config.seed {
            Some(s) => StdRng::seed_from_u64(s),
            None => StdRng::from_entropy(),
        };
        Self {
            inner: Arc::new(Inner {
                config: RwLock::new((config, Instant::now())),
                rng: Mutex::new(rng),
                fail_next: AtomicU64::new(0),
                lose_next: AtomicU64::new(0),
                requests: AtomicU64::new(0),
                injected: AtomicU64::new(0),
                lost: AtomicU64::new(0),
            }),
        }
    }

    /// No faults.
    pub fn none() -> Self {
        Self::default()
    }

    /// Replace the config (the outage clock restarts; the generator is re-seeded if `seed` is set).
    pub fn set(&self, config: FaultConfig) {
        if let Some(s) = config.seed {
            *lock(&self.inner.rng) = StdRng::seed_from_u64(s);
        }
        let mut w = self.inner.config.write().unwrap_or_else(|e| e.into_inner());
        *w = (config, Instant::now());
    }

    /// Change the config in place.
    pub fn update(&self, f: impl FnOnce(&mut FaultConfig)) {
        let mut c = self.get();
        f(&mut c);
        self.set(c);
    }

    /// The current config.
    pub fn get(&self) -> FaultConfig {
        self.inner.config.read().unwrap_or_else(|e| e.into_inner()).0.clone()
    }

    /// Back to no faults (also cancels `fail_next` and `lose_next`).
    pub fn clear(&self) {
        self.inner.fail_next.store(0, Ordering::SeqCst);
        self.inner.lose_next.store(0, Ordering::SeqCst);
        self.set(FaultConfig::default());
    }

    /// The next `n` requests (with a key in `error_keys`, if set) fail with `error_kind`.
    pub fn fail_next(&self, n: u64) {
        self.inner.fail_next.store(n, Ordering::SeqCst);
    }

    /// The next `n` processed requests (with a key in `error_keys`, if set) lose their answer.
    pub fn lose_next(&self, n: u64) {
        self.inner.lose_next.store(n, Ordering::SeqCst);
    }

    /// Asked by a simulator after it processed a request: must its answer be lost (the
    /// connection closed instead, see [`reset_response`])? A pending [`Faults::lose_next`] count
    /// first, then the random `response_loss_rate`.
    pub fn lose_response(&self, key: &str) -> bool {
        let guard = self.inner.config.read().unwrap_or_else(|e| e.into_inner());
        let c = &guard.0;
        if !c.key_selected(key) {
            return false;
        }
        let lose = self
            .inner
            .lose_next
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
            || (c.response_loss_rate > 0.0 && lock(&self.inner.rng).r#gen::<f64>() < c.response_loss_rate);
        if lose {
            self.inner.lost.fetch_add(1, Ordering::Relaxed);
        }
        lose
    }

    /// Start an outage now, lasting `duration`.
    pub fn outage_for(&self, duration: Duration) {
        self.update(|c| {
            c.outage = Some(Outage {
                start_after: Duration::ZERO,
                duration,
            })
        });
    }

    /// Counters.
    pub fn stats(&self) -> FaultStats {
        FaultStats {
            requests: self.inner.requests.load(Ordering::Relaxed),
            injected: self.inner.injected.load(Ordering::Relaxed),
            lost: self.inner.lost.load(Ordering::Relaxed),
        }
    }

    /// Decide the outcome without sleeping; returns `(latency, outcome)`.
    pub fn decide(&self, key: &str) -> (Duration, FaultOutcome) {
        self.inner.requests.fetch_add(1, Ordering::Relaxed);
        let guard = self.inner.config.read().unwrap_or_else(|e| e.into_inner());
        let (c, since) = &*guard;
        let mut latency = c.latency_fixed;
        if let Some(extra) = c.per_key_latency.get(key) {
            latency += *extra;
        }
        let needs_rng = !c.latency_jitter.is_zero() || c.error_rate > 0.0;
        let (jitter, roll) = if needs_rng {
            let mut rng = lock(&self.inner.rng);
            let j = if c.latency_jitter.is_zero() {
                Duration::ZERO
            } else {
                let nanos = u64::try_from(c.latency_jitter.as_nanos()).unwrap_or(u64::MAX);
                Duration::from_nanos(rng.gen_range(0..=nanos))
            };
            let r: f64 = if c.error_rate > 0.0 { rng.r#gen() } else { 1.0 };
            (j, r)
        } else {
            (Duration::ZERO, 1.0)
        };
        latency += jitter;

        let outcome = if let Some(o) = c.outage {
            let elapsed = since.elapsed();
            if elapsed >= o.start_after && elapsed < o.start_after + o.duration {
                Some(FaultOutcome::from_kind(c.outage_kind))
            } else {
                None
            }
        } else {
            None
        };
        let outcome = outcome.or_else(|| {
            if !c.key_selected(key) {
                return None;
            }
            let took = self
                .inner
                .fail_next
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if took || roll < c.error_rate {
                Some(FaultOutcome::from_kind(c.error_kind))
            } else {
                None
            }
        });
        let outcome = outcome.unwrap_or(FaultOutcome::Proceed);
        if outcome != FaultOutcome::Proceed {
            self.inner.injected.fetch_add(1, Ordering::Relaxed);
        }
        (latency, outcome)
    }

    /// Apply latency for `key` (sleeping), then decide whether the request proceeds.
    /// For `Hang(d)` the caller is expected to sleep `d` (see [`outcome_response`]).
    pub async fn apply(&self, key: &str) -> FaultOutcome {
        let (latency, outcome) = self.decide(key);
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        outcome
    }
}

#[derive(Debug)]
struct ResetError;

impl std::fmt::Display for ResetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("simulated connection reset")
    }
}

impl std::error::Error for ResetError {}

/// A response that makes hyper abort the connection: its body fails on first poll.
pub fn reset_response() -> Response {
    let stream = futures::stream::once(async { Err::<bytes::Bytes, ResetError>(ResetError) });
    Response::new(Body::from_stream(stream))
}

/// Turn a non-`Proceed` outcome into the response to send (sleeping first for `Hang`).
/// Returns `None` for `Proceed`.
pub async fn outcome_response(outcome: FaultOutcome) -> Option<Response> {
    match outcome {
        FaultOutcome::Proceed => None,
        FaultOutcome::Respond(status) => Some(
            (
                status,
                [("content-type", "text/plain; charset=utf-8")],
                format!("simulated fault: {status}\n"),
            )
                .into_response(),
        ),
        FaultOutcome::Reset => Some(reset_response()),
        FaultOutcome::Hang(d) => {
            tokio::time::sleep(d).await;
            Some(reset_response())
        }
    }
}

/// How the generic middleware derives a key from a request.
pub type KeyFn = Arc<dyn Fn(&Request) -> String + Send + Sync>;

/// State for [`fault_middleware`].
#[derive(Clone)]
pub struct FaultLayerState {
    /// The injector.
    pub faults: Faults,
    /// Key extractor.
    pub key: KeyFn,
}

/// Default key: the request path (e.g. `/api/3/facturaclientes`).
pub fn path_key(req: &Request) -> String {
    req.uri().path().to_owned()
}

/// Middleware for `axum::middleware::from_fn_with_state(FaultLayerState, fault_middleware)`.
pub async fn fault_middleware(State(st): State<FaultLayerState>, req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/__admin/") {
        return next.run(req).await;
    }
    let key = (st.key)(&req);
    let outcome = st.faults.apply(&key).await;
    match outcome_response(outcome).await {
        Some(r) => r,
        None => next.run(req).await,
    }
}

/// Wrap a router so each request passes through the injector, keyed by the request path.
/// Paths under `/__admin/` are never faulted.
pub fn wrap<S: Clone + Send + Sync + 'static>(router: Router<S>, faults: Faults) -> Router<S> {
    wrap_with_key(router, faults, path_key)
}

/// Like [`wrap`] with a custom key function.
pub fn wrap_with_key<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    faults: Faults,
    key: impl Fn(&Request) -> String + Send + Sync + 'static,
) -> Router<S> {
    let st = FaultLayerState {
        faults,
        key: Arc::new(key),
    };
    router.layer(axum::middleware::from_fn_with_state(st, fault_middleware))
}

async fn admin_get(State(f): State<Faults>) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "config": f.get(), "stats": f.stats() }))
}

async fn admin_put(State(f): State<Faults>, body: axum::body::Bytes) -> Response {
    match std::str::from_utf8(&body)
        .map_err(|e| ConfigError(e.to_string()))
        .and_then(FaultConfig::from_json)
    {
        Ok(c) => {
            f.set(c);
            (StatusCode::OK, Json(f.get())).into_response()
        }
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({ "error": e.to_string() })),
        )
            .into_response(),
    }
}

async fn admin_delete(State(f): State<Faults>) -> StatusCode {
    f.clear();
    StatusCode::NO_CONTENT
}

/// `GET /__admin/faults` → `{"config":…,"stats":…}`; `PUT /__admin/faults` with a JSON
/// [`FaultConfig`] replaces it; `DELETE /__admin/faults` clears all faults.
/// Mount it only when the simulator runs with `--admin`.
pub fn faults_admin_router<S: Clone + Send + Sync + 'static>(faults: Faults) -> Router<S> {
    Router::new()
        .route("/__admin/faults", get(admin_get).put(admin_put).delete(admin_delete))
        .with_state(faults)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request as HttpRequest;
    use tower::ServiceExt;

    #[test]
    fn parses_json_and_toml() {
        let c = FaultConfig::from_json(
            r#"{"latency_fixed":"20ms","latency_jitter":5,"per_key_latency":{"core_user_create_users":"1s"},
               "error_rate":0.5,"error_kind":{"timeout":"30s"},"outage":{"duration":"10s"},"seed":7}"#,
        )
        .unwrap();
        assert_eq!(c.latency_fixed, Duration::from_millis(20));
        assert_eq!(c.latency_jitter, Duration::from_millis(5));
        assert_eq!(c.per_key_latency["core_user_create_users"], Duration::from_secs(1));
        assert_eq!(c.error_kind, ErrorKind::Timeout(Duration::from_secs(30)));
        assert_eq!(c.outage.unwrap().duration, Duration::from_secs(10));
        let t: FaultConfig =
            toml::from_str("latency_fixed = \"20ms\"\nerror_rate = 0.1\nerror_kind = \"connection_reset\"\n").unwrap();
        assert_eq!(t.error_kind, ErrorKind::ConnectionReset);
        let back = serde_json::to_string(&c).unwrap();
        assert_eq!(FaultConfig::from_json(&back).unwrap(), c);
        assert!(FaultConfig::from_json(r#"{"error_rate":2}"#).is_err());
        assert!(FaultConfig::from_json(r#"{"nope":1}"#).is_err());
    }

    #[tokio::test]
    async fn seeded_runs_are_reproducible() {
        let cfg = FaultConfig {
            error_rate: 0.3,
            seed: Some(42),
            ..FaultConfig::default()
        };
        let run = |f: Faults| async move {
            let mut v = Vec::new();
            for _ in 0..200 {
                v.push(f.apply("k").await);
            }
            v
        };
        let a = run(Faults::new(cfg.clone())).await;
        let b = run(Faults::new(cfg)).await;
        assert_eq!(a, b);
        let fails = a.iter().filter(|o| **o != FaultOutcome::Proceed).count();
        assert!((30..=90).contains(&fails), "{fails}");
    }

    #[tokio::test]
    async fn fail_next_keys_and_clear() {
        let f = Faults::none();
        assert_eq!(f.apply("a").await, FaultOutcome::Proceed);
        f.update(|c| {
            c.error_kind = ErrorKind::Http503;
            c.error_keys = vec!["b".into()];
        });
        f.fail_next(2);
        assert_eq!(f.apply("a").await, FaultOutcome::Proceed);
        assert_eq!(
            f.apply("b").await,
            FaultOutcome::Respond(StatusCode::SERVICE_UNAVAILABLE)
        );
        assert_eq!(
            f.apply("b").await,
            FaultOutcome::Respond(StatusCode::SERVICE_UNAVAILABLE)
        );
        assert_eq!(f.apply("b").await, FaultOutcome::Proceed);
        assert_eq!(f.stats().injected, 2);
        f.outage_for(Duration::from_secs(60));
        assert_eq!(
            f.apply("a").await,
            FaultOutcome::Respond(StatusCode::SERVICE_UNAVAILABLE)
        );
        f.clear();
        assert_eq!(f.apply("a").await, FaultOutcome::Proceed);
    }

    #[test]
    fn lost_answers_follow_lose_next_then_the_rate_and_the_keys() {
        let f = Faults::none();
        assert!(!f.lose_response("a"));
        f.update(|c| c.error_keys = vec!["create".into()]);
        f.lose_next(2);
        assert!(!f.lose_response("read"), "other keys keep their answers");
        assert!(f.lose_response("create"));
        assert!(f.lose_response("create"));
        assert!(!f.lose_response("create"), "only the next two");
        f.set(FaultConfig {
            response_loss_rate: 0.5,
            seed: Some(3),
            ..FaultConfig::default()
        });
        let lost = (0..400).filter(|_| f.lose_response("x")).count();
        assert!((120..=280).contains(&lost), "{lost}");
        assert_eq!(f.stats().lost, 2 + lost as u64);
        assert_eq!(f.stats().injected, 0, "lost answers are not injected failures");
        assert!(FaultConfig::from_json(r#"{"response_loss_rate":1.5}"#).is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn latency_is_applied() {
        let f = Faults::new(FaultConfig {
            latency_fixed: Duration::from_millis(100),
            per_key_latency: HashMap::from([("slow".to_string(), Duration::from_secs(1))]),
            ..FaultConfig::default()
        });
        let t = tokio::time::Instant::now();
        f.apply("slow").await;
        assert!(t.elapsed() >= Duration::from_millis(1100));
    }

    fn app(f: &Faults) -> Router {
        let r = Router::new().route("/x", get(|| async { "ok" }));
        wrap(r, f.clone()).merge(faults_admin_router(f.clone()))
    }

    #[tokio::test]
    async fn middleware_and_admin() {
        let f = Faults::none();
        let resp = app(&f)
            .oneshot(HttpRequest::get("/x").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let put = HttpRequest::put("/__admin/faults")
            .body(Body::from(r#"{"error_rate":1,"error_kind":"http500"}"#))
            .unwrap();
        assert_eq!(app(&f).oneshot(put).await.unwrap().status(), StatusCode::OK);
        let resp = app(&f)
            .oneshot(HttpRequest::get("/x").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        // admin is never faulted
        let resp = app(&f)
            .oneshot(HttpRequest::get("/__admin/faults").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        f.set(FaultConfig {
            error_rate: 1.0,
            error_kind: ErrorKind::ConnectionReset,
            ..FaultConfig::default()
        });
        let resp = app(&f)
            .oneshot(HttpRequest::get("/x").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert!(axum::body::to_bytes(resp.into_body(), 1024).await.is_err());
        let bad = HttpRequest::put("/__admin/faults").body(Body::from("{")).unwrap();
        assert_eq!(app(&f).oneshot(bad).await.unwrap().status(), StatusCode::BAD_REQUEST);
    }

    #[tokio::test]
    async fn reset_closes_real_connection() {
        let f = Faults::new(FaultConfig {
            error_rate: 1.0,
            error_kind: ErrorKind::ConnectionReset,
            ..FaultConfig::default()
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = app(&f);
        tokio::spawn(async move { axum::serve(listener, router).await });
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /x HTTP/1.1\r\nhost: x\r\n\r\n").await.unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf).await;
        let text = String::from_utf8_lossy(&buf);
        // never a complete response
        assert!(!text.contains("\r\n0\r\n\r\n"), "{text}");
    }
}
