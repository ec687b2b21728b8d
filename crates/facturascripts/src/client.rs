//! The `api/3` client. Requests are built as plain [`ApiRequest`] values and responses are
//! classified by [`parse_response`], both pure, so tests can check them byte for byte; the
//! [`FsClient`] only moves them over HTTP, with the key in a `Token` header (never in a URL
//! or a log line) and a bounded retry for transient failures only.

use crate::error::BAN_BACKOFF;
use crate::error::{FsError, Result};
use crate::filter::ListQuery;
use crate::records::{
    Cliente, Contacto, EstadoDocumento, FacturaCliente, LineaFacturaCliente, Producto, ReciboCliente, Variante,
};
use chrono::NaiveDate;
use mm_net::{
    Call, CircuitBreaker, ExposeSecret, HttpClientConfig, Observer, RetryPolicy, SecretString, SsrfPolicy, System,
    build_http_client, validate_url,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// A request, before it meets the network. `path` is relative to the install root
/// (e.g. `/api/3/facturaclientes`); `form` is sent `application/x-www-form-urlencoded`
/// (the only body FacturaScripts reads on PUT).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiRequest {
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub form: Option<Vec<(String, String)>>,
}

impl ApiRequest {
    pub fn list(resource: &str, q: &ListQuery) -> Result<ApiRequest> {
        Ok(ApiRequest {
            method: Method::Get,
            path: format!("/api/3/{resource}"),
            query: q.to_pairs()?,
            form: None,
        })
    }
    /// `GET /api/3/{resource}/{id}`. The id goes into the path verbatim: FacturaScripts does not
    /// percent-decode path segments, so ids with characters outside `[A-Za-z0-9_+.-]` are refused.
    pub fn get(resource: &str, id: &str) -> Result<ApiRequest> {
        check_id(id)?;
        Ok(ApiRequest {
            method: Method::Get,
            path: format!("/api/3/{resource}/{id}"),
            query: vec![],
            form: None,
        })
    }
    /// `POST /api/3/pagarFacturaCliente/{id}` with `pagada=1|0` (never `true`/`false`: the
    /// server `(bool)`-casts, so `false` would pay).
    pub fn pay_invoice(idfactura: i64, paid: bool, fechapago: Option<NaiveDate>) -> ApiRequest {
        let mut form = vec![("pagada".to_string(), if paid { "1" } else { "0" }.to_string())];
        if let Some(d) = fechapago {
            form.push(("fechapago".to_string(), d.format("%d-%m-%Y").to_string()));
        }
        ApiRequest {
            method: Method::Post,
            path: format!("/api/3/pagarFacturaCliente/{idfactura}"),
            query: vec![],
            form: Some(form),
        }
    }
    /// `PUT /api/3/{resource}/{id}` with form fields.
    pub fn update(resource: &str, id: &str, form: Vec<(String, String)>) -> Result<ApiRequest> {
        check_id(id)?;
        Ok(ApiRequest {
            method: Method::Put,
            path: format!("/api/3/{resource}/{id}"),
            query: vec![],
            form: Some(form),
        })
    }
}

fn check_id(id: &str) -> Result<()> {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || "_+.-".contains(c)) {
        return Err(FsError::Invalid(format!("id {id:?} cannot be sent as a path segment")));
    }
    Ok(())
}

/// A response as received.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    /// `X-Total-Count`, on lists.
    pub total_count: Option<u64>,
    pub content_type: Option<String>,
    pub body: String,
    /// The api/3 resource the request named (`facturaclientes`), for the errors that concern
    /// it; empty when unknown.
    pub resource: String,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// `X-Total-Count`: rows matching the filters, ignoring limit/offset.
    pub total: Option<u64>,
}

/// Classify a response: `Ok(json)` on 2xx, else the typed error (contract §0, §1.2, §2).
pub fn parse_response(raw: &RawResponse) -> Result<Value> {
    let json: Option<Value> = serde_json::from_str(&raw.body).ok();
    let status = raw.status;
    if (200..300).contains(&status) {
        return match json {
            Some(v) => Ok(v),
            None if raw.body.trim().is_empty() => Ok(Value::Null),
            None => Err(FsError::Decode(format!(
                "status {status} with a non-JSON body: {}",
                snippet(&raw.body)
            ))),
        };
    }
    let gate_msg = json.as_ref().and_then(|j| {
        (j.get("status").and_then(Value::as_str) == Some("error"))
            .then(|| j.get("message").and_then(Value::as_str).unwrap_or_default().to_string())
    });
    let model = json
        .as_ref()
        .and_then(|j| j.get("error").and_then(Value::as_str).map(str::to_string));
    if let Some(message) = gate_msg {
        return Err(match status {
            401 | 403 => FsError::Auth {
                status,
                message,
                resource: raw.resource.clone(),
            },
            429 => FsError::Banned { message },
            409 => FsError::Disabled { message },
            _ => FsError::Gate { status, message },
        });
    }
    if let Some(message) = model {
        let data = json.as_ref().and_then(|j| j.get("data")).cloned();
        return Err(FsError::Model { status, message, data });
    }
    Err(match status {
        401 | 403 => FsError::Auth {
            status,
            message: snippet(&raw.body),
            resource: raw.resource.clone(),
        },
        429 => FsError::Banned {
            message: snippet(&raw.body),
        },
        s if s >= 500 => FsError::Server {
            status,
            snippet: snippet(&raw.body),
        },
        _ => FsError::Decode(format!("status {status}: {}", snippet(&raw.body))),
    })
}

/// `/api/3/facturaclientes/12` → `facturaclientes`.
fn resource_of(path: &str) -> &str {
    path.trim_start_matches('/')
        .strip_prefix("api/3/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
}

/// Decode a list body into typed records.
pub fn parse_list<T: DeserializeOwned>(raw: &RawResponse) -> Result<Page<T>> {
    let v = parse_response(raw)?;
    let Value::Array(rows) = v else {
        return Err(FsError::Decode("list response is not a JSON array".into()));
    };
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.push(serde_json::from_value(row).map_err(|e| FsError::Decode(e.to_string()))?);
    }
    Ok(Page {
        items,
        total: raw.total_count,
    })
}

/// Decode a one-record body (plain object, `{"ok","data"}` or `{"doc"}`).
pub fn parse_record<T: DeserializeOwned>(raw: &RawResponse) -> Result<T> {
    let v = parse_response(raw)?;
    let inner = match &v {
        Value::Object(m) if m.contains_key("data") && m.contains_key("ok") => &m["data"],
        Value::Object(m) if m.contains_key("doc") => &m["doc"],
        _ => &v,
    };
    serde_json::from_value(inner.clone()).map_err(|e| FsError::Decode(e.to_string()))
}

fn snippet(body: &str) -> String {
    let s: String = body.chars().take(200).collect();
    s.replace('\n', " ")
}

pub struct FsClientConfig {
    /// The install root, e.g. `https://erp.example.com/` (the API is under `api/3/`).
    pub base_url: Url,
    pub token: SecretString,
    /// Used when `http` is `None` to build the shared anti-SSRF client (`mm_net::build_http_client`).
    pub http_config: HttpClientConfig,
    /// Transient failures only (transport, 5xx); POSTs are never retried.
    pub retry: RetryPolicy,
    pub breaker: Option<Arc<CircuitBreaker>>,
    /// A prepared client; `None` builds one from `http_config`.
    pub http: Option<reqwest::Client>,
    /// After a 401/403, send nothing for this long (every further refusal counts towards the
    /// IP ban); [`FsClient::clear_block`] lifts it once the key is fixed.
    pub auth_cooldown: Duration,
    /// The source's name, as the observer is told it (empty: `facturascripts`).
    pub name: String,
    /// Told of every request (the application's metrics).
    pub observer: Observer,
}

impl FsClientConfig {
    /// Defaults: 60 s timeout, the shared retry policy, no breaker, and private networks
    /// allowed (an ERP commonly lives on the LAN; its URL is set by an administrator).
    pub fn new(base_url: Url, token: SecretString) -> Self {
        let http_config = HttpClientConfig {
            ssrf: SsrfPolicy {
                allow_private_network: true,
            },
            timeout: Duration::from_secs(60),
            ..HttpClientConfig::default()
        };
        FsClientConfig {
            base_url,
            token,
            http_config,
            retry: RetryPolicy::default(),
            breaker: None,
            http: None,
            auth_cooldown: Duration::from_secs(600),
            name: String::new(),
            observer: None,
        }
    }
}

pub struct FsClient {
    base: Url,
    token: SecretString,
    http: reqwest::Client,
    retry: RetryPolicy,
    breaker: Option<Arc<CircuitBreaker>>,
    requests: AtomicU64,
    auth_cooldown: Duration,
    /// After a 401/403 or a 429, no request is sent until this passes (returns the same error).
    blocked: Mutex<Option<(Instant, FsError)>>,
    name: String,
    observer: Observer,
}

impl std::fmt::Debug for FsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FsClient")
            .field("base", &self.base.as_str())
            .field("token", &"[redacted]")
            .finish()
    }
}

impl FsClient {
    pub fn new(cfg: FsClientConfig) -> Result<FsClient> {
        let mut base = cfg.base_url;
        if !base.path().ends_with('/') {
            let p = format!("{}/", base.path());
            base.set_path(&p);
        }
        validate_url(&base, cfg.http_config.ssrf).map_err(|e| FsError::Invalid(format!("FacturaScripts URL: {e}")))?;
        let http = match cfg.http {
            Some(h) => h,
            None => build_http_client(cfg.http_config).map_err(|e| FsError::Invalid(e.to_string()))?,
        };
        Ok(FsClient {
            base,
            token: cfg.token,
            http,
            retry: cfg.retry,
            breaker: cfg.breaker,
            requests: AtomicU64::new(0),
            auth_cooldown: cfg.auth_cooldown,
            blocked: Mutex::new(None),
            name: if cfg.name.is_empty() {
                "facturascripts".to_owned()
            } else {
                cfg.name
            },
            observer: cfg.observer,
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// How long nothing is sent after the key is refused (401/403).
    pub fn auth_cooldown(&self) -> Duration {
        self.auth_cooldown
    }

    /// HTTP requests sent so far (retries included).
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    fn url_for(&self, req: &ApiRequest) -> Result<Url> {
        let rel = req.path.trim_start_matches('/');
        let mut url = self.base.join(rel).map_err(|e| FsError::Invalid(format!("url: {e}")))?;
        if !req.query.is_empty() {
            url.query_pairs_mut().extend_pairs(req.query.iter());
        }
        Ok(url)
    }

    async fn send_once(&self, req: &ApiRequest) -> Result<RawResponse> {
        let url = self.url_for(req)?;
        let method = match req.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut token = reqwest::header::HeaderValue::from_str(self.token.expose_secret())
            .map_err(|_| FsError::Invalid("API key is not a valid header value".into()))?;
        token.set_sensitive(true);
        let mut rb = self
            .http
            .request(method, url)
            .header("Token", token)
            .header("Accept", "application/json");
        if let Some(form) = &req.form {
            rb = rb.form(form);
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        let resp = rb
            .send()
            .await
            .map_err(|e| FsError::Transport(e.without_url().to_string()))?;
        let status = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let total_count = header("x-total-count").and_then(|v| v.trim().parse().ok());
        let content_type = header("content-type");
        let body = resp
            .text()
            .await
            .map_err(|e| FsError::Transport(e.without_url().to_string()))?;
        Ok(RawResponse {
            status,
            total_count,
            content_type,
            body: without_key(body, &self.token),
            resource: resource_of(&req.path).to_string(),
        })
    }

    /// Send with the shared retry (`mm_net::retry`) for transient failures (transport, 5xx).
    /// POSTs are sent once. 401/403 are never retried; a 429 is returned at once (its
    /// `retry_after` of 10 minutes exceeds any in-request wait): the caller must back off.
    pub async fn send(&self, req: &ApiRequest) -> Result<RawResponse> {
        if let Some(e) = self.blocked() {
            return Err(e);
        }
        let policy = if req.method == Method::Post {
            RetryPolicy::no_retry()
        } else {
            self.retry
        };
        let out = mm_net::retry(&policy, self.breaker.as_deref(), |attempt| async move {
            if attempt > 0 {
                tracing::warn!(path = %req.path, attempt, "retrying FacturaScripts request");
            }
            let started = Instant::now();
            let raw = self
                .send_once(req)
                .await
                .inspect_err(|e| self.observe(req, e.outcome(), Some(started.elapsed())))?;
            let parsed = parse_response(&raw);
            let outcome = parsed.as_ref().map_or_else(FsError::outcome, |_| "ok");
            self.observe(req, outcome, Some(started.elapsed()));
            match parsed {
                Err(e) if e.is_retryable() => Err(e),
                _ => Ok(raw),
            }
        })
        .await;
        if let Err(e @ FsError::CircuitOpen) = &out {
            self.observe(req, e.outcome(), None);
        }
        let failure = match &out {
            Err(e) => Some(e.clone()),
            Ok(raw) => parse_response(raw).err(),
        };
        match failure {
            Some(e @ FsError::Banned { .. }) => {
                tracing::error!(error = %e, "FacturaScripts IP ban: no request for 10 minutes");
                self.block(e, BAN_BACKOFF);
            }
            Some(e @ FsError::Auth { .. }) => {
                tracing::error!(error = %e, cooldown_s = self.auth_cooldown.as_secs(), "FacturaScripts refused the key: no request until the cooldown ends");
                self.block(e, self.auth_cooldown);
            }
            _ => {}
        }
        out
    }

    /// Tells the observer, if any, of one request (`elapsed` `None`: refused before sending).
    fn observe(&self, req: &ApiRequest, outcome: &'static str, elapsed: Option<Duration>) {
        if let Some(observer) = &self.observer {
            observer.observe(&Call {
                system: System::FacturaScripts,
                peer: &self.name,
                function: resource_of(&req.path),
                outcome,
                elapsed,
            });
        }
    }

    fn blocked(&self) -> Option<FsError> {
        let mut g = self.blocked.lock().unwrap_or_else(|p| p.into_inner());
        match &*g {
            Some((until, e)) if Instant::now() < *until => Some(e.clone()),
            Some(_) => {
                *g = None;
                None
            }
            None => None,
        }
    }

    fn block(&self, e: FsError, d: Duration) {
        *self.blocked.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now() + d, e));
    }

    /// Lift the block set by a 401/403/429 (e.g. after an administrator fixed the key).
    pub fn clear_block(&self) {
        *self.blocked.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// Until when requests are withheld, and why.
    pub fn blocked_until(&self) -> Option<(Instant, FsError)> {
        self.blocked.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub async fn list<T: DeserializeOwned>(&self, resource: &str, q: &ListQuery) -> Result<Page<T>> {
        let raw = self.send(&ApiRequest::list(resource, q)?).await?;
        parse_list(&raw)
    }

    /// Every row matching `q`, paged with `page_size` (the query must carry a unique sort for
    /// stable paging). Stops at the first short page.
    pub async fn list_all<T: DeserializeOwned>(&self, resource: &str, q: &ListQuery, page_size: u64) -> Result<Vec<T>> {
        let page_size = page_size.max(1);
        let mut out = Vec::new();
        let mut offset = q.offset;
        loop {
            let page: Page<T> = self.list(resource, &q.clone().offset(offset).limit(page_size)).await?;
            let n = page.items.len() as u64;
            out.extend(page.items);
            if n < page_size {
                return Ok(out);
            }
            offset += n;
        }
    }

    /// One record, `None` on 404.
    pub async fn get<T: DeserializeOwned>(&self, resource: &str, id: &str) -> Result<Option<T>> {
        let raw = self.send(&ApiRequest::get(resource, id)?).await?;
        match parse_record(&raw) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn list_invoices(&self, q: &ListQuery) -> Result<Page<FacturaCliente>> {
        self.list("facturaclientes", q).await
    }
    pub async fn list_lines(&self, q: &ListQuery) -> Result<Page<LineaFacturaCliente>> {
        self.list("lineafacturaclientes", q).await
    }
    pub async fn list_customers(&self, q: &ListQuery) -> Result<Page<Cliente>> {
        self.list("clientes", q).await
    }
    pub async fn list_contacts(&self, q: &ListQuery) -> Result<Page<Contacto>> {
        self.list("contactos", q).await
    }
    pub async fn list_products(&self, q: &ListQuery) -> Result<Page<Producto>> {
        self.list("productos", q).await
    }
    pub async fn list_variants(&self, q: &ListQuery) -> Result<Page<Variante>> {
        self.list("variantes", q).await
    }
    pub async fn list_receipts(&self, q: &ListQuery) -> Result<Page<ReciboCliente>> {
        self.list("reciboclientes", q).await
    }
    pub async fn list_statuses(&self, q: &ListQuery) -> Result<Page<EstadoDocumento>> {
        self.list("estadodocumentos", q).await
    }
    pub async fn get_invoice(&self, idfactura: i64) -> Result<Option<FacturaCliente>> {
        self.get("facturaclientes", &idfactura.to_string()).await
    }
    pub async fn get_customer(&self, codcliente: &str) -> Result<Option<Cliente>> {
        self.get("clientes", codcliente).await
    }
    pub async fn get_contact(&self, idcontacto: i64) -> Result<Option<Contacto>> {
        self.get("contactos", &idcontacto.to_string()).await
    }
    /// Mark every receipt of an invoice paid or unpaid; returns the invoice as the server
    /// answered (its `pagada` may be stale: read it again if it matters).
    pub async fn pay_invoice(
        &self,
        idfactura: i64,
        paid: bool,
        fechapago: Option<NaiveDate>,
    ) -> Result<FacturaCliente> {
        let raw = self.send(&ApiRequest::pay_invoice(idfactura, paid, fechapago)).await?;
        parse_record(&raw)
    }
}

/// A server (or a proxy's error page) that echoes the request would put the API key into our
/// error messages, and from there into logs: it is taken out of every body at reception.
fn without_key(body: String, key: &secrecy::SecretString) -> String {
    let raw = key.expose_secret();
    let encoded: String = url::form_urlencoded::byte_serialize(raw.as_bytes()).collect();
    if raw.is_empty() || !(body.contains(raw) || body.contains(&encoded)) {
        return body;
    }
    mm_net::secret::redact(&body, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_echoed_api_key_never_reaches_an_error() {
        let key = secrecy::SecretString::from("k3y/with+odd chars".to_string());
        for body in [
            r#"{"status":"error","message":"API key k3y/with+odd chars is not valid"}"#.to_string(),
            "<html>GET /api/3/facturaclientes?token=k3y%2Fwith%2Bodd+chars</html>".to_string(),
        ] {
            let clean = without_key(body, &key);
            for status in [401, 500] {
                let e = parse_response(&raw(status, &clean)).unwrap_err().to_string();
                assert!(!e.contains("k3y"), "{e}");
            }
        }
        let untouched = r#"[{"idfactura":1}]"#.to_string();
        assert_eq!(without_key(untouched.clone(), &key), untouched);
    }

    fn raw(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status,
            total_count: None,
            content_type: None,
            body: body.into(),
            resource: String::new(),
        }
    }

    #[test]
    fn a_refusal_names_the_resource_the_key_may_not_read() {
        assert_eq!(resource_of("/api/3/facturaclientes/12"), "facturaclientes");
        assert_eq!(resource_of("/api/3/contactos"), "contactos");
        let mut r = raw(403, r#"{"status":"error","message":"Forbidden"}"#);
        r.resource = "contactos".into();
        let e = parse_response(&r).unwrap_err().to_string();
        assert!(
            e.contains("403") && e.contains("for resource `contactos`, on which the key has no permission"),
            "{e}"
        );
        assert!(e.contains("api_access"), "{e}");
    }

    #[test]
    fn errors_are_typed() {
        assert!(matches!(
            parse_response(&raw(401, r#"{"status":"error","message":"x"}"#)),
            Err(FsError::Auth { status: 401, .. })
        ));
        let e = parse_response(&raw(429, r#"{"status":"error","message":"x"}"#)).unwrap_err();
        assert!(e.is_retryable() && e.retry_after() >= Some(Duration::from_secs(600)));
        assert!(
            parse_response(&raw(404, r#"{"error":"Record not found"}"#))
                .unwrap_err()
                .is_not_found()
        );
        assert!(matches!(
            parse_response(&raw(500, "<html>fatal</html>")),
            Err(FsError::Server { status: 500, .. })
        ));
        assert!(
            !parse_response(&raw(403, r#"{"status":"error","message":"x"}"#))
                .unwrap_err()
                .is_retryable()
        );
    }

    #[test]
    fn ids_with_unsafe_characters_are_refused() {
        assert!(ApiRequest::get("clientes", "A+B").is_ok());
        assert!(ApiRequest::get("clientes", "A B").is_err());
        assert!(ApiRequest::get("clientes", "../x").is_err());
    }
}
