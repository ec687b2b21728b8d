//! [`build_http_client`]: the one way this service builds an outbound reqwest client.

use std::sync::Arc;
use std::time::Duration;

use crate::ssrf::{DnsLookup, SsrfPolicy, SsrfResolver, SystemLookup};

/// Settings of an outbound client (one per remote site).
#[derive(Clone)]
pub struct HttpClientConfig {
    /// TCP + TLS connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// `User-Agent` header, e.g. `MoodleManagement/0.1.0`.
    pub user_agent: String,
    /// Destination policy.
    pub ssrf: SsrfPolicy,
    /// Replace the system DNS lookup (tests; the SSRF filter still applies on top).
    pub resolver: Option<Arc<dyn DnsLookup>>,
}

impl std::fmt::Debug for HttpClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClientConfig")
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("ssrf", &self.ssrf)
            .field("resolver", &self.resolver.as_ref().map(|_| "custom"))
            .finish()
    }
}

impl Default for HttpClientConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            user_agent: concat!("MoodleManagement/", env!("CARGO_PKG_VERSION")).to_owned(),
            ssrf: SsrfPolicy::default(),
            resolver: None,
        }
    }
}

/// Building the client failed.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// reqwest refused the configuration (e.g. TLS backend init).
    #[error("cannot build HTTP client: {0}")]
    Build(String),
}

/// Build a reqwest client that:
/// - resolves names through [`SsrfResolver`] (forbidden addresses dropped, connect to the
///   checked address);
/// - never follows redirects (a redirect to `http://127.0.0.1/` would bypass the URL check, and a
///   Moodle endpoint never legitimately redirects a web-service POST);
/// - ignores `HTTP(S)_PROXY` environment variables (with a proxy, the resolver would check the
///   proxy's name, not the destination's);
/// - uses rustls, pooled keep-alive connections and the given timeouts.
///
/// IP-literal URLs bypass the resolver: check them with [`crate::validate_url`] first.
pub fn build_http_client(config: HttpClientConfig) -> Result<reqwest::Client, NetError> {
    let lookup: Arc<dyn DnsLookup> = config.resolver.clone().unwrap_or_else(|| Arc::new(SystemLookup));
    let resolver = SsrfResolver::new(lookup, config.ssrf);
    reqwest::Client::builder()
        .use_rustls_tls()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(Arc::new(resolver))
        .connect_timeout(config.connect_timeout)
        .timeout(config.timeout)
        .user_agent(config.user_agent)
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_max_idle_per_host(8)
        .build()
        .map_err(|e| NetError::Build(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssrf::FnLookup;
    use std::net::IpAddr;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn tiny_server() -> (u16, tokio::task::JoinHandle<()>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let h = tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                let mut buf = [0u8; 2048];
                let _ = s.read(&mut buf).await;
                let _ = s
                    .write_all(b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                    .await;
            }
        });
        (port, h)
    }

    fn lookup_loopback() -> Arc<dyn DnsLookup> {
        Arc::new(FnLookup(|_h: &str| Ok(vec![IpAddr::from([127, 0, 0, 1])])))
    }

    #[tokio::test]
    async fn name_resolving_to_loopback_is_refused() {
        let (port, h) = tiny_server().await;
        let client = build_http_client(HttpClientConfig {
            resolver: Some(lookup_loopback()),
            ssrf: SsrfPolicy {
                allow_private_network: false,
            },
            ..HttpClientConfig::default()
        })
        .unwrap();
        let r = client.get(format!("http://innocent.example:{port}/")).send().await;
        assert!(r.is_err(), "connection to loopback via DNS must fail");
        h.abort();
    }

    #[tokio::test]
    async fn allowed_when_private_network_allowed_and_no_redirects() {
        let (port, h) = tiny_server().await;
        let client = build_http_client(HttpClientConfig {
            resolver: Some(lookup_loopback()),
            ssrf: SsrfPolicy {
                allow_private_network: true,
            },
            ..HttpClientConfig::default()
        })
        .unwrap();
        let r = client
            .get(format!("http://innocent.example:{port}/"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 302, "redirects are not followed");
        h.abort();
    }
}
