//! mm-net: the safety rails every outbound HTTP call of MoodleManagement runs on.
//!
//! Remote sites (Moodle, FacturaScripts) are configured by administrators, so their URLs are
//! untrusted input: a URL pointing at `127.0.0.1` or the cloud metadata address would turn this
//! service into a proxy into its own network (SSRF). And remote sites fail: they time out, go into
//! maintenance, or fall over under load. This crate gathers the answers in one place:
//!
//! - [`retry`]: exponential backoff with full jitter, `Retry-After` honoured, retrying only errors
//!   that declare themselves [`Retryable`];
//! - [`breaker`]: a per-site [`CircuitBreaker`] so a dead site is not hammered, with exactly one
//!   probe in the half-open state;
//! - [`ssrf`]: URL and IP validation, and a DNS resolver for reqwest that drops forbidden
//!   addresses, so the connection goes to the address that was checked (no DNS rebinding);
//! - [`client`]: [`build_http_client`], a reqwest client with all of the above and no redirects;
//! - [`secret`]: [`SecretString`] re-exported and [`redact`] for error texts;
//! - [`sealed`]: secrets encrypted at rest (`enc:v1:…`) under a [`SecretKey`] kept apart;
//! - [`observe`]: the [`CallObserver`] hook through which the clients report each request (metrics).

pub mod breaker;
pub mod client;
pub mod observe;
pub mod retry;
pub mod sealed;
pub mod secret;
pub mod ssrf;

pub use breaker::{
    BreakerConfig, BreakerPermit, BreakerState, CircuitBreaker, CircuitOpen, Clock, ManualClock, SystemClock,
};
pub use client::{HttpClientConfig, NetError, build_http_client};
pub use observe::{Call, CallObserver, Observer, System};
pub use retry::{RetryPolicy, Retryable, retry};
pub use sealed::{KeyError, KeyId, SealError, SecretKey, is_sealed};
pub use secret::{ExposeSecret, SecretString, redact};
pub use ssrf::{
    ConfigBlock, DnsLookup, FnLookup, RefusedUrl, SsrfError, SsrfPolicy, SsrfResolver, SystemLookup, address_kind,
    is_forbidden_ip, validate_configured_url, validate_url,
};
