//! Per-site configuration.

use std::sync::Arc;
use std::time::Duration;

use mm_net::{BreakerConfig, Clock, DnsLookup, Observer, RetryPolicy, SecretString};
use url::Url;

/// One Moodle site as configured by the admin.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// Display name (logs, metrics).
    pub name: String,
    /// The Moodle root (`https://lms.example.org/` or `https://example.org/moodle/`).
    pub url: Url,
    /// Web-service token. Sent in the POST body only.
    pub token: SecretString,
    /// A Moodle on the LAN (or a test stub on 127.0.0.1).
    pub allow_private_network: bool,
    /// Items per request for list calls. Moodle processes a batch in one transaction and one
    /// PHP request, so very large batches hit PHP's time and input-variable limits
    /// (`max_input_vars`, default 1000: 100 users × ~6 keys fits).
    pub batch_size: usize,
    /// Requests in flight to this site at once.
    pub concurrency: usize,
    /// TCP/TLS connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Retry schedule for idempotent calls.
    pub retry: RetryPolicy,
    /// Circuit breaker of this site.
    pub breaker: BreakerConfig,
}

impl SiteConfig {
    /// A site with the default tunables.
    pub fn new(name: impl Into<String>, url: Url, token: SecretString) -> Self {
        Self {
            name: name.into(),
            url,
            token,
            allow_private_network: false,
            batch_size: 100,
            concurrency: 4,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            breaker: BreakerConfig::default(),
        }
    }
}

/// Test and embedding hooks.
#[derive(Clone, Default)]
pub struct ClientOptions {
    /// Replace DNS (the SSRF filter still applies).
    pub resolver: Option<Arc<dyn DnsLookup>>,
    /// Clock of the circuit breaker.
    pub clock: Option<Arc<dyn Clock>>,
    /// Told of every request (the application's metrics).
    pub observer: Observer,
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("resolver", &self.resolver.is_some())
            .field("clock", &self.clock)
            .field("observer", &self.observer.is_some())
            .finish()
    }
}
