//! Anti-SSRF: which URLs and addresses this service may connect to.
//!
//! Site URLs are entered by administrators and may be typed wrong or maliciously; a URL that
//! reaches `127.0.0.1`, the private network or `169.254.169.254` (cloud metadata, which hands out
//! credentials) must be refused. Two layers:
//!
//! 1. [`validate_url`] refuses bad schemes, `user@host` URLs and IP-literal hosts in forbidden
//!    ranges. The `url` crate already normalises the odd IPv4 spellings (`2130706433`,
//!    `0177.0.0.1`, `0x7f.1`) into a real address, so they are checked as what they are.
//!    This layer is required because reqwest does not call the DNS resolver for IP literals.
//! 2. [`SsrfResolver`], installed as reqwest's DNS resolver, resolves names and drops forbidden
//!    addresses; the connection is then made to an address that was checked, so a DNS answer that
//!    changes between a check and the connect (DNS rebinding) cannot slip through.

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use url::{Host, Url};

/// Which destinations are allowed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsrfPolicy {
    /// Allow loopback, private, link-local, CGNAT and unique-local addresses (a Moodle on the
    /// LAN, tests on 127.0.0.1). Even then, unspecified, multicast, broadcast and the cloud
    /// metadata addresses stay forbidden: no legitimate site lives there.
    pub allow_private_network: bool,
}

/// Why a destination was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SsrfError {
    /// Only `http` and `https`.
    #[error("URL scheme `{0}` is not allowed (only http and https)")]
    Scheme(String),
    /// `http://user@host/` is a classic way to disguise the real host.
    #[error("URLs with user information (user@host) are not allowed")]
    UserInfo,
    /// No host at all.
    #[error("URL has no host")]
    NoHost,
    /// The host is a name that is always local (`localhost`).
    #[error("host `{0}` is a local name")]
    LocalName(String),
    /// The address is in a forbidden range.
    #[error("address {0} is not allowed (loopback, private, link-local or reserved)")]
    ForbiddenAddress(IpAddr),
    /// Every resolved address was forbidden.
    #[error(
        "host `{host}` resolves only to forbidden addresses ({addrs:?}){}",
        resolver_fix(addrs)
    )]
    AllAddressesForbidden {
        /// The name.
        host: String,
        /// What it resolved to.
        addrs: Vec<IpAddr>,
    },
    /// The name did not resolve.
    #[error("host `{host}` could not be resolved: {reason}")]
    Resolve {
        /// The name.
        host: String,
        /// Resolver error text.
        reason: String,
    },
}

/// At request time the resolver does not know which block configured the host: name both.
fn resolver_fix(addrs: &[IpAddr]) -> &'static str {
    if addrs.iter().any(|ip| is_allowed(*ip, PRIVATE_NETWORK)) {
        "; if that host is on your network, set `allow_private_network = true` in its [[moodle]] or [[source]] block"
    } else {
        ""
    }
}

const PRIVATE_NETWORK: SsrfPolicy = SsrfPolicy {
    allow_private_network: true,
};

impl SsrfError {
    /// Would `allow_private_network = true` let this destination through?
    pub fn allowed_on_private_network(&self) -> bool {
        match self {
            SsrfError::LocalName(_) => true,
            SsrfError::ForbiddenAddress(ip) => is_allowed(*ip, PRIVATE_NETWORK),
            SsrfError::AllAddressesForbidden { addrs, .. } => addrs.iter().any(|ip| is_allowed(*ip, PRIVATE_NETWORK)),
            SsrfError::Scheme(_) | SsrfError::UserInfo | SsrfError::NoHost | SsrfError::Resolve { .. } => false,
        }
    }
}

/// The configuration block a destination URL comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigBlock {
    /// `[[moodle]]`, a Moodle site.
    Moodle,
    /// `[[source]]`, a billing system polled by this service.
    Source,
}

impl std::fmt::Display for ConfigBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ConfigBlock::Moodle => "[[moodle]]",
            ConfigBlock::Source => "[[source]]",
        })
    }
}

/// A configured URL the policy refuses, told as the administrator wrote it: which block,
/// which URL, why, and the fix when one exists.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{block} `{name}`: url {url} {}", self.reason())]
pub struct RefusedUrl {
    /// The block the URL is in.
    pub block: ConfigBlock,
    /// The block's `name`.
    pub name: String,
    /// The URL as configured (its text: keeps the error small).
    pub url: String,
    /// Why it is refused. Not a `source()`: the message already says it, once.
    pub error: SsrfError,
}

impl RefusedUrl {
    fn reason(&self) -> String {
        let what = match &self.error {
            SsrfError::ForbiddenAddress(ip) => format!("is {}", address_kind(*ip)),
            SsrfError::LocalName(host) => format!("names this machine (`{host}`)"),
            other => return format!("is refused (anti-SSRF): {other}"),
        };
        if self.error.allowed_on_private_network() {
            format!(
                "{what}, refused (anti-SSRF); fix: set `allow_private_network = true` in that {} block if it is on your network",
                self.block
            )
        } else {
            format!("{what}, refused (anti-SSRF) even with `allow_private_network = true`: no site lives there")
        }
    }
}

/// [`validate_url`] for a URL read from the configuration: the error names the block.
pub fn validate_configured_url(
    block: ConfigBlock,
    name: &str,
    url: &Url,
    policy: SsrfPolicy,
) -> Result<(), RefusedUrl> {
    validate_url(url, policy).map_err(|error| RefusedUrl {
        block,
        name: name.to_owned(),
        url: url.to_string(),
        error,
    })
}

/// What kind of non-public address `ip` is, for messages ("a loopback address (127.0.0.1)").
pub fn address_kind(ip: IpAddr) -> String {
    format!("{} ({ip})", address_class(ip))
}

fn address_class(ip: IpAddr) -> &'static str {
    if is_never_allowed(ip) {
        return "a metadata, multicast, broadcast or unspecified address";
    }
    if let Some(v4) = embedded_v4(ip) {
        let o = v4.octets();
        return if v4.is_loopback() {
            "a loopback address"
        } else if v4.is_private() {
            "a private-network address"
        } else if v4.is_link_local() {
            "a link-local address"
        } else if o[0] == 100 && (o[1] & 0xc0) == 64 {
            "a shared (CGNAT) address"
        } else if forbidden_v4(v4) {
            "a reserved address"
        } else {
            "a public address"
        };
    }
    let IpAddr::V6(v6) = ip else {
        return "a public address";
    };
    let first = v6.segments()[0];
    if v6.is_loopback() {
        "a loopback address"
    } else if (first & 0xfe00) == 0xfc00 {
        "a unique-local (private) address"
    } else if (first & 0xffc0) == 0xfe80 {
        "a link-local address"
    } else if forbidden_v6(v6) {
        "a reserved address"
    } else {
        "a public address"
    }
}

/// Check a URL before any request is made to it.
pub fn validate_url(url: &Url, policy: SsrfPolicy) -> Result<(), SsrfError> {
    match url.scheme() {
        "http" | "https" => {}
        other => return Err(SsrfError::Scheme(other.to_owned())),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(SsrfError::UserInfo);
    }
    match url.host() {
        None => Err(SsrfError::NoHost),
        Some(Host::Ipv4(v4)) => check_ip(IpAddr::V4(v4), policy),
        Some(Host::Ipv6(v6)) => check_ip(IpAddr::V6(v6), policy),
        Some(Host::Domain(name)) => {
            let lower = name.trim_end_matches('.').to_ascii_lowercase();
            if !policy.allow_private_network && (lower == "localhost" || lower.ends_with(".localhost")) {
                return Err(SsrfError::LocalName(name.to_owned()));
            }
            Ok(())
        }
    }
}

fn check_ip(ip: IpAddr, policy: SsrfPolicy) -> Result<(), SsrfError> {
    if is_allowed(ip, policy) {
        Ok(())
    } else {
        Err(SsrfError::ForbiddenAddress(ip))
    }
}

/// Is `ip` allowed under `policy`?
pub fn is_allowed(ip: IpAddr, policy: SsrfPolicy) -> bool {
    if is_never_allowed(ip) {
        return false;
    }
    policy.allow_private_network || !is_forbidden_ip(ip)
}

/// Addresses refused even with `allow_private_network`.
fn is_never_allowed(ip: IpAddr) -> bool {
    match embedded_v4(ip) {
        Some(v4) => {
            v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4 == Ipv4Addr::new(169, 254, 169, 254)
                || v4 == Ipv4Addr::new(169, 254, 170, 2) // ECS task metadata
        }
        None => match ip {
            IpAddr::V6(v6) => {
                v6.is_unspecified() || v6.is_multicast() || v6 == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254) // AWS IMDS over IPv6
            }
            IpAddr::V4(_) => false,
        },
    }
}

/// The IPv4 address an address really designates: itself, or the IPv4 embedded in an
/// IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96`) or
/// 6to4 (`2002::/16`) IPv6 address. `None` for other IPv6 addresses.
fn embedded_v4(ip: IpAddr) -> Option<Ipv4Addr> {
    match ip {
        IpAddr::V4(v4) => Some(v4),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let low = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
            // IPv4-mapped `::ffff:0:0/96`; IPv4-compatible `::/96` (deprecated; `::` and `::1`
            // themselves are IPv6 addresses); NAT64 well-known prefix `64:ff9b::/96`.
            let mapped = s[0..5] == [0, 0, 0, 0, 0] && s[5] == 0xffff;
            let compatible = s[0..6] == [0, 0, 0, 0, 0, 0] && !(s[6] == 0 && s[7] <= 1);
            let nat64 = s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0];
            if mapped || compatible || nat64 {
                Some(low)
            } else if s[0] == 0x2002 {
                // 6to4: the IPv4 address sits in segments 1 and 2.
                Some(Ipv4Addr::new(
                    (s[1] >> 8) as u8,
                    s[1] as u8,
                    (s[2] >> 8) as u8,
                    s[2] as u8,
                ))
            } else {
                None
            }
        }
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    ip.is_unspecified()
        || o[0] == 0 // 0.0.0.0/8 "this network"
        || ip.is_loopback() // 127/8
        || ip.is_private() // 10/8, 172.16/12, 192.168/16
        || ip.is_link_local() // 169.254/16 incl. metadata
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // 100.64/10 CGNAT
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // 192.0.0.0/24 IETF protocol assignments
        || ip.is_documentation() // 192.0.2/24, 198.51.100/24, 203.0.113/24
        || (o[0] == 192 && o[1] == 88 && o[2] == 99) // 6to4 relay anycast
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // 198.18/15 benchmarking
        || ip.is_multicast() // 224/4
        || o[0] >= 240 // 240/4 reserved, incl. 255.255.255.255 broadcast
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast() // ff00::/8
        || (s[0] & 0xfe00) == 0xfc00 // fc00::/7 unique local
        || (s[0] & 0xffc0) == 0xfe80 // fe80::/10 link-local
        || (s[0] & 0xffc0) == 0xfec0 // fec0::/10 site-local (deprecated)
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x3fff && s[1] < 0x1000) // 3fff::/20 documentation (RFC 9637)
        || (s[0] == 0x2001 && s[1] < 0x0200) // 2001::/23 IETF protocol assignments, incl. Teredo
        || (s[0] == 0x0064 && s[1] == 0xff9b && s[2] == 1) // 64:ff9b:1::/48 local-use NAT64
        || (s[0] == 0x0100 && s[1..4] == [0, 0, 0]) // 100::/64 discard
        || s[0] == 0 // ::/16 other reserved (the embedded-v4 forms were handled before)
}

/// Is `ip` outside the public internet (loopback, private, link-local, CGNAT, multicast,
/// broadcast, unspecified, documentation/reserved, unique-local, or an IPv6 form embedding such an
/// IPv4 address)?
pub fn is_forbidden_ip(ip: IpAddr) -> bool {
    match embedded_v4(ip) {
        Some(v4) => forbidden_v4(v4),
        None => match ip {
            IpAddr::V6(v6) => forbidden_v6(v6),
            IpAddr::V4(v4) => forbidden_v4(v4),
        },
    }
}

/// A future returned by [`DnsLookup::lookup`].
pub type LookupFuture = Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send>>;

/// Name resolution, pluggable so tests can answer anything (including a different answer on
/// each call, to simulate DNS rebinding).
pub trait DnsLookup: Send + Sync {
    /// Resolve `host` to addresses.
    fn lookup(&self, host: &str) -> LookupFuture;
}

/// The operating system's resolver (via tokio).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemLookup;

impl DnsLookup for SystemLookup {
    fn lookup(&self, host: &str) -> LookupFuture {
        let host = host.to_owned();
        Box::pin(async move {
            let addrs = tokio::net::lookup_host((host.as_str(), 0)).await?;
            Ok(addrs.map(|a| a.ip()).collect())
        })
    }
}

/// A resolver made of a closure (tests, fixed host tables).
pub struct FnLookup<F>(pub F);

impl<F> DnsLookup for FnLookup<F>
where
    F: Fn(&str) -> io::Result<Vec<IpAddr>> + Send + Sync,
{
    fn lookup(&self, host: &str) -> LookupFuture {
        let r = (self.0)(host);
        Box::pin(async move { r })
    }
}

/// A reqwest DNS resolver that filters out forbidden addresses.
#[derive(Clone)]
pub struct SsrfResolver {
    lookup: Arc<dyn DnsLookup>,
    policy: SsrfPolicy,
}

impl std::fmt::Debug for SsrfResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsrfResolver")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl SsrfResolver {
    /// Wrap a lookup with a policy.
    pub fn new(lookup: Arc<dyn DnsLookup>, policy: SsrfPolicy) -> Self {
        Self { lookup, policy }
    }

    /// Resolve and keep only allowed addresses; an error if none is left.
    pub async fn resolve_checked(&self, host: &str) -> Result<Vec<IpAddr>, SsrfError> {
        let trimmed = host.trim_end_matches('.').to_ascii_lowercase();
        if !self.policy.allow_private_network && (trimmed == "localhost" || trimmed.ends_with(".localhost")) {
            return Err(SsrfError::LocalName(host.to_owned()));
        }
        let addrs = self.lookup.lookup(host).await.map_err(|e| SsrfError::Resolve {
            host: host.to_owned(),
            reason: e.to_string(),
        })?;
        let allowed: Vec<IpAddr> = addrs
            .iter()
            .copied()
            .filter(|ip| is_allowed(*ip, self.policy))
            .collect();
        if allowed.is_empty() {
            tracing::warn!(host, ?addrs, "refused: host resolves only to forbidden addresses");
            return Err(SsrfError::AllAddressesForbidden {
                host: host.to_owned(),
                addrs,
            });
        }
        if allowed.len() < addrs.len() {
            tracing::warn!(host, ?addrs, "dropped forbidden addresses from DNS answer");
        }
        Ok(allowed)
    }
}

impl reqwest::dns::Resolve for SsrfResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let this = self.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let ips = this
                .resolve_checked(&host)
                .await
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?;
            let addrs: reqwest::dns::Addrs = Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const DENY: SsrfPolicy = SsrfPolicy {
        allow_private_network: false,
    };
    const ALLOW: SsrfPolicy = SsrfPolicy {
        allow_private_network: true,
    };

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    /// URLs refused by validate_url itself (scheme, userinfo, IP literal, local name).
    const REFUSED_URLS: &[&str] = &[
        "http://127.0.0.1/",
        "http://127.1/",
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://0x7f.1/",
        "http://0x7f000001/",
        "http://017700000001/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://[::1]/",
        "http://[::]/",
        "http://[::127.0.0.1]/",
        "http://[64:ff9b::127.0.0.1]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[2002:7f00:1::]/",
        "http://user@127.0.0.1/",
        "http://evil.com@127.0.0.1/",
        "http://user:pass@example.com/",
        "http://example.com@example.org/",
        "ftp://example.com/",
        "file:///etc/passwd",
        "gopher://example.com/",
        "http://169.254.169.254/latest/meta-data",
        "http://[fd00:ec2::254]/",
        "http://100.64.0.1",
        "http://100.127.255.254/",
        "http://[fe80::1]",
        "http://[fc00::1]/",
        "http://[fd12:3456::1]/",
        "http://0.0.0.0",
        "http://0/",
        "http://0.1.2.3/",
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://172.31.255.255/",
        "http://192.168.1.1/",
        "http://224.0.0.1/",
        "http://255.255.255.255/",
        "http://240.0.0.1/",
        "http://192.0.2.1/",
        "http://198.51.100.7/",
        "http://203.0.113.9/",
        "http://198.18.0.1/",
        "http://[2001:db8::1]/",
        "http://[ff02::1]/",
        "http://localhost/",
        "http://LOCALHOST./",
        "http://foo.localhost/",
    ];

    const PUBLIC_URLS: &[&str] = &[
        "https://moodle.example.com/",
        "http://93.184.216.34/",
        "https://8.8.8.8/webservice/rest/server.php",
        "http://[2606:4700:4700::1111]/",
        "http://[::ffff:8.8.8.8]/",
        "https://172.32.0.1/",
        "https://100.128.0.1/",
        "https://lms.example.org:8443/moodle/",
    ];

    #[test]
    fn refused_corpus() {
        assert!(REFUSED_URLS.len() >= 30);
        for u in REFUSED_URLS {
            assert!(validate_url(&url(u), DENY).is_err(), "{u} should be refused");
        }
    }

    #[test]
    fn public_corpus_accepted() {
        for u in PUBLIC_URLS {
            assert_eq!(validate_url(&url(u), DENY), Ok(()), "{u} should be accepted");
        }
    }

    fn refused(block: ConfigBlock, name: &str, u: &str) -> String {
        validate_configured_url(block, name, &url(u), DENY)
            .expect_err("refused")
            .to_string()
    }

    #[test]
    fn a_refused_configured_url_names_its_block_and_the_fix_once() {
        let text = refused(ConfigBlock::Source, "fs", "http://127.0.0.1:8081/");
        assert_eq!(
            text,
            "[[source]] `fs`: url http://127.0.0.1:8081/ is a loopback address (127.0.0.1), refused (anti-SSRF); \
             fix: set `allow_private_network = true` in that [[source]] block if it is on your network"
        );
        for (block, u) in [
            (ConfigBlock::Moodle, "http://192.168.1.20/moodle"),
            (ConfigBlock::Moodle, "http://localhost/"),
            (ConfigBlock::Source, "http://[fd00::5]/"),
            (ConfigBlock::Source, "http://10.0.0.5:8080/"),
        ] {
            let text = refused(block, "site", u);
            assert!(text.starts_with(&format!("{block} `site`: url ")), "{text}");
            assert!(text.contains(&format!("in that {block} block")), "{text}");
            assert_eq!(text.matches("allow_private_network = true").count(), 1, "{text}");
            assert_eq!(text.matches("refused").count(), 1, "said once: {text}");
        }
    }

    #[test]
    fn a_configured_url_the_key_cannot_fix_does_not_offer_it() {
        for u in [
            "http://169.254.169.254/",
            "ftp://lms.example.org/",
            "http://user@lms.example.org/",
        ] {
            let text = refused(ConfigBlock::Moodle, "main", u);
            assert!(text.starts_with("[[moodle]] `main`: url "), "{text}");
            assert!(!text.contains("fix: set"), "{u}: {text}");
        }
        // allowed with the key, the URL passes
        assert_eq!(
            validate_configured_url(ConfigBlock::Source, "fs", &url("http://127.0.0.1:8081/"), ALLOW),
            Ok(())
        );
    }

    #[test]
    fn a_host_resolving_to_the_lan_names_the_key() {
        let lan = SsrfError::AllAddressesForbidden {
            host: "erp.lan".into(),
            addrs: vec![IpAddr::V4(Ipv4Addr::new(192, 168, 1, 5))],
        };
        assert!(
            lan.to_string()
                .contains("set `allow_private_network = true` in its [[moodle]] or [[source]] block")
        );
        let metadata = SsrfError::AllAddressesForbidden {
            host: "evil.example".into(),
            addrs: vec![IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254))],
        };
        assert!(!metadata.to_string().contains("allow_private_network"), "{metadata}");
    }

    #[test]
    fn allow_private_network_relaxes_private_only() {
        for u in [
            "http://127.0.0.1:8080/",
            "http://[::1]/",
            "http://10.1.2.3/",
            "http://localhost/",
            "http://[fe80::1]/",
        ] {
            assert_eq!(validate_url(&url(u), ALLOW), Ok(()), "{u}");
        }
        // still refused: scheme, userinfo, metadata, unspecified, multicast, broadcast
        for u in [
            "ftp://127.0.0.1/",
            "http://user@127.0.0.1/",
            "http://169.254.169.254/",
            "http://[::ffff:169.254.169.254]/",
            "http://0.0.0.0/",
            "http://224.0.0.1/",
            "http://255.255.255.255/",
        ] {
            assert!(validate_url(&url(u), ALLOW).is_err(), "{u}");
        }
    }

    #[test]
    fn odd_ipv4_forms_normalise_to_loopback() {
        for u in ["http://2130706433/", "http://0177.0.0.1/", "http://0x7f.1/"] {
            assert_eq!(url(u).host(), Some(Host::Ipv4(Ipv4Addr::LOCALHOST)), "{u}");
        }
    }

    #[test]
    fn ip_classification() {
        let forbidden = [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "0.255.0.1",
            "224.0.0.251",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "ff02::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b:1::1",
            "2001:db8::1",
            "2001::1",
        ];
        for s in forbidden {
            let ip: IpAddr = s.parse().unwrap();
            assert!(is_forbidden_ip(ip), "{s} should be forbidden");
        }
        let public = [
            "8.8.8.8",
            "1.1.1.1",
            "93.184.216.34",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ];
        for s in public {
            let ip: IpAddr = s.parse().unwrap();
            assert!(!is_forbidden_ip(ip), "{s} should be public");
        }
    }

    fn fixed(ips: &'static [&'static str]) -> Arc<dyn DnsLookup> {
        Arc::new(FnLookup(move |_h: &str| {
            Ok(ips.iter().map(|s| s.parse().unwrap()).collect())
        }))
    }

    #[tokio::test]
    async fn resolver_refuses_local_answers() {
        let r = SsrfResolver::new(fixed(&["127.0.0.1"]), DENY);
        assert!(matches!(
            r.resolve_checked("evil.example").await,
            Err(SsrfError::AllAddressesForbidden { .. })
        ));
        let r = SsrfResolver::new(fixed(&["127.0.0.1", "::1"]), DENY);
        assert!(r.resolve_checked("localhost").await.is_err());
        let r = SsrfResolver::new(fixed(&["::ffff:169.254.169.254"]), DENY);
        assert!(r.resolve_checked("metadata.example").await.is_err());
        // with private allowed, loopback passes
        let r = SsrfResolver::new(fixed(&["127.0.0.1"]), ALLOW);
        assert_eq!(
            r.resolve_checked("localhost").await,
            Ok(vec!["127.0.0.1".parse().unwrap()])
        );
    }

    #[tokio::test]
    async fn resolver_drops_forbidden_keeps_public() {
        let r = SsrfResolver::new(fixed(&["10.0.0.5", "93.184.216.34"]), DENY);
        assert_eq!(
            r.resolve_checked("mixed.example").await,
            Ok(vec!["93.184.216.34".parse().unwrap()])
        );
    }

    #[tokio::test]
    async fn resolver_defeats_rebinding() {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let lookup = Arc::new(FnLookup(move |_h: &str| {
            let n = c.fetch_add(1, Ordering::SeqCst);
            let ip: IpAddr = if n == 0 {
                "93.184.216.34".parse().unwrap()
            } else {
                "127.0.0.1".parse().unwrap()
            };
            Ok(vec![ip])
        }));
        let r = SsrfResolver::new(lookup, DENY);
        assert!(r.resolve_checked("rebind.example").await.is_ok());
        assert!(
            r.resolve_checked("rebind.example").await.is_err(),
            "second answer is loopback"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn resolver_error_is_reported() {
        let lookup = Arc::new(FnLookup(|_h: &str| {
            Err(io::Error::new(io::ErrorKind::NotFound, "nxdomain"))
        }));
        let r = SsrfResolver::new(lookup, DENY);
        assert!(matches!(
            r.resolve_checked("nx.example").await,
            Err(SsrfError::Resolve { .. })
        ));
    }
}
