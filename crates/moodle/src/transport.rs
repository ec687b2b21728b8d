//! The REST transport: one form POST to `{site}/webservice/rest/server.php`, and the
//! classification of whatever comes back.

use std::future::Future;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;
use mm_net::{
    BreakerState, Call, CircuitBreaker, ConfigBlock, ExposeSecret, HttpClientConfig, Observer, RetryPolicy,
    SecretString, SsrfPolicy, System, build_http_client, validate_configured_url,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::Semaphore;
use url::Url;

use crate::batch::{ChunkResults, chunks};
use crate::config::{ClientOptions, SiteConfig};
use crate::error::{MoodleError, MoodleException};
use crate::form::Form;

/// `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("MoodleManagement/", env!("CARGO_PKG_VERSION"));

/// Whether a call may be repeated automatically.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Reads, enrol/unenrol, cohort membership: repeating gives the same result.
    Idempotent,
    /// Creates, messages, uploads: one attempt only.
    Once,
}

struct Inner {
    name: String,
    endpoint: Url,
    token: SecretString,
    http: reqwest::Client,
    permits: Semaphore,
    breaker: CircuitBreaker,
    retry: RetryPolicy,
    batch_size: usize,
    concurrency: usize,
    requests: AtomicU64,
    observer: Observer,
}

/// A client for one Moodle site. Cheap to clone (shared connection pool, breaker, limits).
#[derive(Clone)]
pub struct MoodleClient {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for MoodleClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MoodleClient")
            .field("site", &self.inner.name)
            .field("endpoint", &self.inner.endpoint.as_str())
            .field("token", &"[REDACTED]")
            .field("batch_size", &self.inner.batch_size)
            .field("concurrency", &self.inner.concurrency)
            .finish()
    }
}

impl MoodleClient {
    /// Build a client; refuses a site URL that the anti-SSRF policy forbids.
    pub fn new(config: SiteConfig) -> Result<Self, MoodleError> {
        Self::with_options(config, ClientOptions::default())
    }

    /// Build a client with test hooks (fake DNS, manual clock).
    pub fn with_options(config: SiteConfig, options: ClientOptions) -> Result<Self, MoodleError> {
        let policy = SsrfPolicy {
            allow_private_network: config.allow_private_network,
        };
        validate_configured_url(ConfigBlock::Moodle, &config.name, &config.url, policy).map_err(MoodleError::Ssrf)?;
        if config.batch_size == 0 || config.concurrency == 0 {
            return Err(MoodleError::Config(
                "batch_size and concurrency must be at least 1".to_owned(),
            ));
        }
        if config.token.expose_secret().is_empty() {
            return Err(MoodleError::Config("the web-service token is empty".to_owned()));
        }
        let mut root = config.url.clone();
        root.set_query(None);
        root.set_fragment(None);
        if !root.path().ends_with('/') {
            let p = format!("{}/", root.path());
            root.set_path(&p);
        }
        let endpoint = root
            .join("webservice/rest/server.php")
            .map_err(|e| MoodleError::Config(format!("bad site URL: {e}")))?;
        let http = build_http_client(HttpClientConfig {
            connect_timeout: config.connect_timeout,
            timeout: config.timeout,
            user_agent: USER_AGENT.to_owned(),
            ssrf: policy,
            resolver: options.resolver,
        })
        .map_err(|e| MoodleError::Config(e.to_string()))?;
        let breaker = match options.clock {
            Some(clock) => CircuitBreaker::with_clock(config.breaker, clock),
            None => CircuitBreaker::new(config.breaker),
        };
        Ok(Self {
            inner: Arc::new(Inner {
                name: config.name,
                endpoint,
                token: config.token,
                http,
                permits: Semaphore::new(config.concurrency),
                breaker,
                retry: config.retry,
                batch_size: config.batch_size,
                concurrency: config.concurrency,
                requests: AtomicU64::new(0),
                observer: options.observer,
            }),
        })
    }

    /// Site name from the configuration.
    pub fn site_name(&self) -> &str {
        &self.inner.name
    }

    /// The REST endpoint (no token in it, ever).
    pub fn endpoint(&self) -> &Url {
        &self.inner.endpoint
    }

    /// State of this site's circuit breaker (metrics, admin UI).
    pub fn breaker_state(&self) -> BreakerState {
        self.inner.breaker.state()
    }

    /// Total HTTP requests sent by this client (and its clones).
    pub fn request_count(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }

    /// Configured batch size.
    pub fn batch_size(&self) -> usize {
        self.inner.batch_size
    }

    pub(crate) fn retry_policy(&self) -> RetryPolicy {
        self.inner.retry
    }

    /// Low-level: call `function` with a raw form, once (breaker applies, no retry), and return
    /// the JSON answer. For diagnostics and for requests the typed API deliberately cannot
    /// produce.
    pub async fn call_raw(&self, function: &str, params: &Form) -> Result<Value, MoodleError> {
        self.call_value(function, params, Mode::Once).await
    }

    /// The one call-and-decode of the typed API: `function` with `params` (retried on transient
    /// errors when `mode` is [`Mode::Idempotent`]), the answer classified, then decoded as `T`
    /// (a decoding error names `function` and never quotes the token).
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        function: &str,
        params: &Form,
        mode: Mode,
    ) -> Result<T, MoodleError> {
        let value = self.call_value(function, params, mode).await?;
        decode(function, value, &self.inner.token)
    }

    async fn call_value(&self, function: &str, params: &Form, mode: Mode) -> Result<Value, MoodleError> {
        let policy = match mode {
            Mode::Idempotent => self.inner.retry,
            Mode::Once => RetryPolicy::no_retry(),
        };
        let result = mm_net::retry(&policy, Some(&self.inner.breaker), |attempt| {
            self.send_once(function, params, attempt)
        })
        .await;
        if let Err(e) = &result {
            tracing::warn!(site = %self.inner.name, function, error = %e, retryable = e.is_retryable(), "moodle call failed");
            if matches!(e, MoodleError::CircuitOpen(_)) {
                self.observe(function, e.outcome(), None);
            }
        }
        result
    }

    /// Tells the observer, if any, of one request (`elapsed` `None`: refused before sending).
    fn observe(&self, function: &str, outcome: &'static str, elapsed: Option<Duration>) {
        if let Some(observer) = &self.inner.observer {
            observer.observe(&Call {
                system: System::Moodle,
                peer: &self.inner.name,
                function,
                outcome,
                elapsed,
            });
        }
    }

    /// Exactly one HTTP request.
    async fn send_once(&self, function: &str, params: &Form, attempt: u32) -> Result<Value, MoodleError> {
        let _permit = self
            .inner
            .permits
            .acquire()
            .await
            .map_err(|_| MoodleError::Config("request limiter closed".to_owned()))?;
        let body = self.encode_body(function, params);
        self.inner.requests.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(site = %self.inner.name, function, attempt, params = params.pairs().len(), "moodle request");
        let started = Instant::now();
        let result = self.post(function, body).await;
        let outcome = result.as_ref().map_or_else(MoodleError::outcome, |_| "ok");
        self.observe(function, outcome, Some(started.elapsed()));
        result.map_err(|e| e.redacted(&self.inner.token))
    }

    /// `wstoken`, `moodlewsrestformat=json`, `wsfunction`, then the parameters, in that order.
    /// Synchronous on purpose: the serializer is not `Send` and must not live across an await.
    fn encode_body(&self, function: &str, params: &Form) -> String {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        ser.append_pair("wstoken", self.inner.token.expose_secret());
        ser.append_pair("moodlewsrestformat", "json");
        ser.append_pair("wsfunction", function);
        params.append_to(&mut ser);
        ser.finish()
    }

    async fn post(&self, function: &str, body: String) -> Result<Value, MoodleError> {
        let response = self
            .inner
            .http
            .post(self.inner.endpoint.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let bytes = response.bytes().await.map_err(transport_error)?;
        parse_response(function, status, &content_type, retry_after, &bytes)
    }

    /// The batched form of [`MoodleClient::call`]: `function` once per chunk of `len` items (the
    /// site's batch size, at most `concurrency` requests in flight), the chunk's parameters from
    /// `form`, each answer decoded as `T`; results in input order.
    pub(crate) async fn call_batched<T: DeserializeOwned>(
        &self,
        function: &str,
        mode: Mode,
        len: usize,
        form: impl Fn(Range<usize>) -> Form,
    ) -> ChunkResults<T> {
        self.per_chunk(len, |range| {
            let f = form(range);
            async move { self.call::<T>(function, &f, mode).await }
        })
        .await
    }

    /// Run one future per chunk of `len` items, at most `concurrency` at a time, results in input
    /// order.
    pub(crate) async fn per_chunk<R, F, Fut>(&self, len: usize, f: F) -> ChunkResults<R>
    where
        F: Fn(Range<usize>) -> Fut,
        Fut: Future<Output = Result<R, MoodleError>>,
    {
        futures::stream::iter(chunks(len, self.inner.batch_size))
            .map(|range| {
                let fut = f(range.clone());
                async move { (range, fut.await) }
            })
            .buffered(self.inner.concurrency)
            .collect()
            .await
    }
}

fn transport_error(e: reqwest::Error) -> MoodleError {
    let text = error_chain(&e);
    if e.is_timeout() {
        MoodleError::Timeout
    } else if e.is_connect() {
        MoodleError::Connect(text)
    } else {
        MoodleError::Network(text)
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(src) = cur {
        s.push_str(": ");
        s.push_str(&src.to_string());
        cur = src.source();
    }
    s
}

fn snippet(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.chars().take(300).collect()
}

/// The typed answer of `function` from its classified JSON value (what [`MoodleClient`]'s typed
/// methods do after [`parse_response`]); shared with the fuzzing entry point in `fuzz.rs`.
///
/// The decoder's message quotes the value it refused (`invalid type: string "…"`), which may be
/// an answer echoing the request, token included: redacted like the transport's errors (found
/// by the `moodle_response` fuzz target).
pub(crate) fn decode<T: DeserializeOwned>(
    function: &str,
    value: Value,
    token: &SecretString,
) -> Result<T, MoodleError> {
    serde_json::from_value(value).map_err(|e| {
        MoodleError::Decode {
            function: function.to_owned(),
            detail: e.to_string(),
        }
        .redacted(token)
    })
}

/// Classify an HTTP answer of the REST server: the JSON value on success, else the right
/// [`MoodleError`] (exception body, web services disabled, HTTP error, not JSON).
pub fn parse_response(
    function: &str,
    status: u16,
    content_type: &str,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Result<Value, MoodleError> {
    if status == 403 && body.iter().all(u8::is_ascii_whitespace) {
        return Err(MoodleError::WebServicesDisabled);
    }
    if !(200..300).contains(&status) {
        return Err(MoodleError::Http {
            status,
            retry_after,
            body_snippet: snippet(body),
        });
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => {
            return Err(MoodleError::NotJson {
                content_type: content_type.to_owned(),
                snippet: snippet(body),
            });
        }
    };
    if let Value::Object(map) = &value {
        if map.get("exception").is_some_and(Value::is_string) {
            let exception: MoodleException =
                serde_json::from_value(value.clone()).map_err(|e| MoodleError::Decode {
                    function: function.to_owned(),
                    detail: e.to_string(),
                })?;
            return Err(MoodleError::Exception {
                function: function.to_owned(),
                exception,
            });
        }
        // The AJAX error shape of webservice/upload.php.
        if map.get("error").is_some_and(Value::is_string) && map.contains_key("errorcode") {
            let s = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_owned);
            return Err(MoodleError::Exception {
                function: function.to_owned(),
                exception: MoodleException {
                    exception: "ajax_error".to_owned(),
                    errorcode: s("errorcode"),
                    message: s("error").unwrap_or_default(),
                    debuginfo: s("debuginfo"),
                },
            });
        }
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The engine spawns these futures on a multi-threaded runtime: they must be `Send`.
    #[allow(dead_code)]
    fn futures_are_send(c: &MoodleClient) {
        fn send<T: Send>(_: T) {}
        send(c.site_info());
        send(c.create_users(&[]));
        send(c.enrol_users(&[]));
        send(c.enrol_users_isolating(&[]));
        send(c.get_users_by_field(crate::UserField::Id, &[]));
        send(c.find_users_by_email_ci(""));
        send(c.call_raw("f", &Form::new()));
    }

    #[test]
    fn classify() {
        let f = "f";
        assert!(matches!(
            parse_response(f, 403, "text/html", None, b""),
            Err(MoodleError::WebServicesDisabled)
        ));
        assert!(matches!(
            parse_response(f, 200, "application/xml", None, b"<?xml ?>"),
            Err(MoodleError::NotJson { .. })
        ));
        assert!(matches!(
            parse_response(f, 503, "", Some(Duration::from_secs(3)), b"x"),
            Err(MoodleError::Http { status: 503, .. })
        ));
        let e = parse_response(f, 200, "", None, br#"{"exception":"Error","message":"boom"}"#).unwrap_err();
        assert_eq!(e.errorcode(), None);
        assert!(e.exception().is_some());
        assert_eq!(parse_response(f, 200, "", None, b"null").unwrap(), Value::Null);
    }

    /// Regression (fuzz target `moodle_response`): an answer of the wrong shape that echoes the
    /// token was quoted, token included, by the decoding error.
    #[test]
    fn decoding_errors_do_not_quote_the_token() {
        let token = SecretString::from("0f1e2d3c4b5a69788796a5b4c3d2e1f0");
        let echo = Value::String("<EXCEPTION>wstoken=0f1e2d3c4b5a69788796a5b4c3d2e1f0</EXCEPTION>".into());
        let e = decode::<crate::SiteInfo>("core_webservice_get_site_info", echo, &token).unwrap_err();
        assert!(matches!(e, MoodleError::Decode { .. }), "{e:?}");
        assert!(!e.to_string().contains("0f1e2d3c4b5a69788796a5b4c3d2e1f0"), "{e}");
        assert!(e.to_string().contains("[REDACTED]"), "{e}");
    }
}
