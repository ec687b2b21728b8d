//! Moodle sites and invoice sources added in the web admin.
//!
//! Those declared in config.toml stay there and are shown read-only; these are stored in the
//! database with every secret sealed under the service's key (`[secrets]`, `MM_SECRET_KEY`),
//! and join the running service at once on the replica that saved them, within
//! [`REFRESH_EVERY`] on the others (`runtime::connections_loop`). A name is either the
//! configuration's or the admin's, never both: the configuration wins.

use crate::admin::Actor;
use crate::config::{MoodleSite, SiteDefaults, SourceConfig, is_valid_name, parse_http_url};
use crate::engine::Engine;
use crate::ingest::poll::Source;
use crate::ingest::webhook::Endpoint;
use crate::site::Site;
use crate::site_check::SiteCheck;
use mm_core::Timestamp;
use mm_store::{StoreError, StoredSecrets, StoredSite, StoredSource, StoredSourceKind};
use mm_webhook::Secret;
use secrecy::{ExposeSecret, SecretString};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

/// How often a replica looks for sites and sources another replica added or changed.
pub const REFRESH_EVERY: Duration = Duration::from_secs(15);

/// How long the secret a rotation replaced is still accepted: time to paste the new one
/// into the sender without losing a delivery.
pub const PREVIOUS_SECRET_ACCEPTED_FOR_SECS: i64 = 24 * 3600;

/// The shortest and longest poll interval accepted for a source added in the admin.
pub const POLL_SECS: std::ops::RangeInclusive<u64> = 10..=86_400;

/// Where a site or source is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A block of config.toml: read-only in the admin.
    Config,
    /// Added in the admin: stored in the database.
    Admin,
}

/// A site as the sites page lists it.
#[derive(Debug, Clone)]
pub struct SiteEntry {
    pub name: String,
    pub url: String,
    pub origin: Origin,
    pub allow_private_network: bool,
}

/// How a listed source delivers invoices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceEntryKind {
    Polled { url: String, every_secs: u64 },
    Pushed,
}

/// A source as the sources page lists it.
#[derive(Debug, Clone)]
pub struct SourceEntry {
    pub name: String,
    pub kind: SourceEntryKind,
    pub origin: Origin,
    /// Whether `/webhooks/{name}` takes signed deliveries for it.
    pub has_endpoint: bool,
    /// Until when the secret a rotation replaced is still accepted.
    pub previous_secret_until: Option<Timestamp>,
}

impl SourceEntry {
    /// The path its webhook deliveries are posted to, if it takes any.
    pub fn webhook_path(&self) -> Option<String> {
        self.has_endpoint.then(|| format!("/webhooks/{}", self.name))
    }
}

/// A site as the admin typed it. A `token` of `None` keeps the stored one (editing).
pub struct SiteDraft {
    pub name: String,
    pub url: String,
    pub token: Option<SecretString>,
    pub allow_private_network: bool,
}

/// A source as the admin typed it.
pub struct SourceDraft {
    pub name: String,
    pub kind: SourceDraftKind,
}

pub enum SourceDraftKind {
    /// A FacturaScripts `api/3`; a `token` of `None` keeps the stored one.
    FacturaScripts {
        url: String,
        token: Option<SecretString>,
        poll_secs: u64,
        allow_private_network: bool,
    },
    /// Any billing system that posts signed invoice events.
    Webhook,
}

/// A delivery an admin can send with `curl` to see the endpoint and its secret work: an
/// `invoice.hint`, which only asks to look at an invoice again, so sending it changes nothing.
#[derive(Debug, Clone)]
pub struct SignedExample {
    pub url: String,
    pub body: String,
    pub headers: Vec<ExampleHeader>,
    pub curl: String,
    /// The signature's timestamp is refused after this many seconds.
    pub valid_for_secs: i64,
}

#[derive(Debug, Clone)]
pub struct ExampleHeader {
    pub name: &'static str,
    pub value: String,
}

/// Why a site or source could not be saved, tested or removed; each says the fix.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    #[error("`{0}` cannot be a name: use 1 to 64 letters, digits, - and _")]
    InvalidName(String),
    #[error("`{0}` is declared in config.toml: change it there, or pick another name")]
    DeclaredInConfig(String),
    #[error("the address is not usable: {0}")]
    InvalidUrl(String),
    #[error("the token is missing: paste the web-service token")]
    TokenRequired,
    #[error(
        "no secret key is configured to seal the token with: make one with `moodle-management secret keygen --out /etc/moodle-management/key`, set `[secrets] key_file` to it, and restart"
    )]
    NoSecretKey,
    #[error("the poll interval must be between {} and {} seconds", POLL_SECS.start(), POLL_SECS.end())]
    InvalidInterval,
    #[error("no site or source named `{0}` was added in the admin")]
    NotFound(String),
    #[error("{mappings} mapping(s) sell courses of `{name}`: remove them first")]
    InUse { name: String, mappings: usize },
    #[error("the client refused the address: {0}")]
    Refused(String),
    #[error("a stored secret cannot be opened or sealed: {0}")]
    Sealed(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ConnectionError {
    /// A stable code, for the API and the admin's translated messages.
    pub fn code(&self) -> &'static str {
        match self {
            ConnectionError::InvalidName(_) => "invalid-name",
            ConnectionError::DeclaredInConfig(_) => "declared-in-config",
            ConnectionError::InvalidUrl(_) => "invalid-url",
            ConnectionError::TokenRequired => "token-required",
            ConnectionError::NoSecretKey => "no-secret-key",
            ConnectionError::InvalidInterval => "invalid-interval",
            ConnectionError::NotFound(_) => "not-found",
            ConnectionError::InUse { .. } => "in-use",
            ConnectionError::Refused(_) => "refused",
            ConnectionError::Sealed(_) => "sealed",
            ConnectionError::Store(_) => "internal",
        }
    }

    /// The particular of the error a translated message shows beside its text: a name, a
    /// count, or the client's own words.
    pub fn detail(&self) -> String {
        match self {
            ConnectionError::InvalidName(s)
            | ConnectionError::DeclaredInConfig(s)
            | ConnectionError::InvalidUrl(s)
            | ConnectionError::NotFound(s)
            | ConnectionError::Refused(s)
            | ConnectionError::Sealed(s) => s.clone(),
            ConnectionError::InUse { mappings, .. } => mappings.to_string(),
            ConnectionError::TokenRequired | ConnectionError::NoSecretKey | ConnectionError::InvalidInterval => {
                String::new()
            }
            ConnectionError::Store(e) => e.to_string(),
        }
    }
}

/// What the admin stored, as this replica last loaded it.
#[derive(Default)]
pub(crate) struct Connections {
    /// The rows loaded, so a refresh rebuilds only what changed (a rebuilt poller starts afresh).
    loaded: Mutex<Loaded>,
    pollers: RwLock<BTreeMap<String, Arc<Source>>>,
    endpoints: RwLock<HashMap<String, Arc<Endpoint>>>,
}

#[derive(Default)]
struct Loaded {
    sites: HashMap<String, StoredSite>,
    sources: HashMap<String, StoredSource>,
}

impl Connections {
    pub(crate) fn endpoint(&self, source: &str) -> Option<Arc<Endpoint>> {
        read(&self.endpoints).get(source).cloned()
    }
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

impl Engine {
    /// Every site: the configuration's, then those added in the admin.
    pub async fn site_entries(&self) -> Result<Vec<SiteEntry>, StoreError> {
        let mut out: Vec<SiteEntry> = self
            .config
            .moodle
            .iter()
            .map(|m| SiteEntry {
                name: m.name.clone(),
                url: m.url.to_string(),
                origin: Origin::Config,
                allow_private_network: m.allow_private_network,
            })
            .collect();
        for s in self.store.stored_sites().await? {
            if !self.is_config_site(&s.name) {
                out.push(SiteEntry {
                    name: s.name,
                    url: s.url,
                    origin: Origin::Admin,
                    allow_private_network: s.allow_private_network,
                });
            }
        }
        Ok(out)
    }

    /// Every source: the configuration's, then those added in the admin.
    pub async fn source_entries(&self) -> Result<Vec<SourceEntry>, StoreError> {
        let mut out: Vec<SourceEntry> = self.config.sources.iter().map(config_source_entry).collect();
        for s in self.store.stored_sources().await? {
            if !self.is_config_source(&s.name) {
                out.push(stored_source_entry(s));
            }
        }
        Ok(out)
    }

    /// Checks a site as typed, before it is saved: its name and release, or what is missing
    /// (functions of the token's service, capabilities of its user) with the fix.
    pub async fn test_site(&self, draft: &SiteDraft) -> Result<SiteCheck, ConnectionError> {
        let token = match &draft.token {
            Some(t) => t.clone(),
            None => self.stored_site_token(&draft.name).await?,
        };
        let site = build_site(&draft.name, &draft.url, token, draft.allow_private_network)?;
        Ok(self.check_site(&site).await)
    }

    /// Adds or edits a site of the admin's; it is used at once.
    pub async fn save_site(&self, actor: &Actor, draft: SiteDraft) -> Result<(), ConnectionError> {
        let result = self.store_site(&draft).await;
        self.record_outcome(actor, "site.save", &draft.name, &result).await;
        result
    }

    async fn store_site(&self, draft: &SiteDraft) -> Result<(), ConnectionError> {
        let name = draft.name.clone();
        self.check_new_name(&name, self.is_config_site(&name))?;
        let token = match &draft.token {
            Some(t) => t.clone(),
            None => self.stored_site_token(&name).await?,
        };
        // Built once here so a bad address is refused before anything is stored.
        build_site(&name, &draft.url, token.clone(), draft.allow_private_network)?;
        let site = StoredSite {
            url: draft.url.trim().to_owned(),
            token: self.seal(&token)?,
            allow_private_network: draft.allow_private_network,
            updated_at: self.now(),
            name,
        };
        self.store.save_stored_site(&site).await?;
        self.refresh_connections().await?;
        Ok(())
    }

    /// Removes a site of the admin's that no mapping sells.
    pub async fn remove_site(&self, actor: &Actor, name: &str) -> Result<(), ConnectionError> {
        let result = self.unstore_site(name).await;
        self.record_outcome(actor, "site.remove", name, &result).await;
        result
    }

    async fn unstore_site(&self, name: &str) -> Result<(), ConnectionError> {
        if self.is_config_site(name) {
            return Err(ConnectionError::DeclaredInConfig(name.to_owned()));
        }
        let mappings = self.store.mappings().await?.iter().filter(|m| m.site == name).count();
        if mappings > 0 {
            return Err(ConnectionError::InUse {
                name: name.to_owned(),
                mappings,
            });
        }
        if !self.store.remove_stored_site(name).await? {
            return Err(ConnectionError::NotFound(name.to_owned()));
        }
        self.refresh_connections().await?;
        Ok(())
    }

    /// Adds or edits a source of the admin's. A new one gets its webhook signing secret.
    pub async fn save_source(&self, actor: &Actor, draft: SourceDraft) -> Result<(), ConnectionError> {
        let result = self.store_source(&draft).await;
        self.record_outcome(actor, "source.save", &draft.name, &result).await;
        result
    }

    async fn store_source(&self, draft: &SourceDraft) -> Result<(), ConnectionError> {
        self.check_new_name(&draft.name, self.is_config_source(&draft.name))?;
        let existing = self.stored_source(&draft.name).await?;
        let kind = match &draft.kind {
            SourceDraftKind::FacturaScripts {
                url,
                token,
                poll_secs,
                allow_private_network,
            } => {
                if !POLL_SECS.contains(poll_secs) {
                    return Err(ConnectionError::InvalidInterval);
                }
                let token = match (token, &existing) {
                    (Some(t), _) => self.seal(t)?,
                    (
                        None,
                        Some(StoredSource {
                            kind: StoredSourceKind::FacturaScripts { token, .. },
                            ..
                        }),
                    ) => token.clone(),
                    (None, _) => return Err(ConnectionError::TokenRequired),
                };
                let kind = StoredSourceKind::FacturaScripts {
                    url: url.trim().to_owned(),
                    token,
                    poll_secs: i64::try_from(*poll_secs).unwrap_or(i64::MAX),
                    allow_private_network: *allow_private_network,
                };
                // Built once here so a bad address is refused before anything is stored.
                self.build_poller(&draft.name, &kind)?;
                kind
            }
            SourceDraftKind::Webhook => StoredSourceKind::Webhook,
        };
        let secrets = match existing {
            Some(s) => s.secrets,
            None => StoredSecrets {
                current: Some(self.seal(&SecretString::from(new_secret().expose_whsec()))?),
                ..StoredSecrets::default()
            },
        };
        let source = StoredSource {
            name: draft.name.clone(),
            kind,
            secrets,
            updated_at: self.now(),
        };
        self.store.save_stored_source(&source).await?;
        self.sources_changed().await
    }

    /// Reloads what the admin stored and wakes the loop that runs the stored pollers, so a
    /// poller starts, stops or restarts now rather than at the loop's next look. (Only changes
    /// made here wake it: the loop's own reloads must not, or it would spin.)
    async fn sources_changed(&self) -> Result<(), ConnectionError> {
        self.refresh_connections().await?;
        self.signals.connections_changed();
        Ok(())
    }

    /// Removes a source of the admin's: its poller stops and its endpoint refuses deliveries.
    /// The invoices it delivered stay, as they would for a source removed from config.toml.
    pub async fn remove_source(&self, actor: &Actor, name: &str) -> Result<(), ConnectionError> {
        let result = async {
            if self.is_config_source(name) {
                return Err(ConnectionError::DeclaredInConfig(name.to_owned()));
            }
            if !self.store.remove_stored_source(name).await? {
                return Err(ConnectionError::NotFound(name.to_owned()));
            }
            self.sources_changed().await
        }
        .await;
        self.record_outcome(actor, "source.remove", name, &result).await;
        result
    }

    /// A new signing secret for a source of the admin's; the one it replaces is still accepted
    /// for [`PREVIOUS_SECRET_ACCEPTED_FOR_SECS`].
    pub async fn rotate_source_secret(&self, actor: &Actor, name: &str) -> Result<(), ConnectionError> {
        let result = async {
            let mut source = self
                .stored_source(name)
                .await?
                .ok_or_else(|| ConnectionError::NotFound(name.to_owned()))?;
            let now = self.now();
            source.secrets = StoredSecrets {
                current: Some(self.seal(&SecretString::from(new_secret().expose_whsec()))?),
                previous: source.secrets.current,
                previous_until: Some(Timestamp(now.0 + PREVIOUS_SECRET_ACCEPTED_FOR_SECS)),
            };
            source.updated_at = now;
            self.store.save_stored_source(&source).await?;
            self.sources_changed().await
        }
        .await;
        self.record_outcome(actor, "source.rotate_secret", name, &result).await;
        result
    }

    /// The current signing secret of a source of the admin's (`whsec_…`), for an admin to
    /// paste into the sender. Each reveal is written to the operator's audit log.
    pub async fn reveal_source_secret(&self, actor: &Actor, name: &str) -> Result<SecretString, ConnectionError> {
        let result = self.current_secret(name).await;
        let said = result.as_ref().map(|_| ()).map_err(|e| e.to_string());
        self.record_action(actor, "source.reveal_secret", name, said.clone().err(), said.is_ok())
            .await;
        result
    }

    /// A signed `invoice.hint` for a source of the admin's, ready to send with `curl`.
    pub async fn signed_example(&self, name: &str) -> Result<SignedExample, ConnectionError> {
        let secret = Secret::parse(self.current_secret(name).await?.expose_secret())
            .map_err(|e| ConnectionError::Sealed(e.to_string()))?;
        let now = self.now().0;
        let id = format!("msg_example_{now}");
        let body = format!(r#"{{"type":"invoice.hint","timestamp":null,"data":{{"id":"EXAMPLE-{now}"}}}}"#);
        let signature = mm_webhook::sign(&secret, &id, now, body.as_bytes());
        let url = self
            .config
            .public_url
            .join(&format!("webhooks/{name}"))
            .map_err(|e| ConnectionError::InvalidUrl(e.to_string()))?
            .to_string();
        let headers = vec![
            ExampleHeader {
                name: "content-type",
                value: "application/json".into(),
            },
            ExampleHeader {
                name: mm_webhook::HEADER_ID,
                value: id,
            },
            ExampleHeader {
                name: mm_webhook::HEADER_TIMESTAMP,
                value: now.to_string(),
            },
            ExampleHeader {
                name: mm_webhook::HEADER_SIGNATURE,
                value: signature,
            },
        ];
        let curl = curl_command(&url, &headers, &body);
        Ok(SignedExample {
            url,
            body,
            headers,
            curl,
            valid_for_secs: mm_webhook::DEFAULT_TOLERANCE_SECS,
        })
    }

    /// Loads what the admin stored and rebuilds the sites, pollers and endpoints that changed.
    /// A row that cannot be used (no key to open its secret, an address refused) is logged
    /// and left out; the others are used.
    pub async fn refresh_connections(&self) -> Result<(), StoreError> {
        let sites = self.store.stored_sites().await?;
        let sources = self.store.stored_sources().await?;
        let mut loaded = self.connections.loaded.lock().unwrap_or_else(PoisonError::into_inner);
        self.refresh_sites(&mut loaded, sites);
        self.refresh_sources(&mut loaded, sources);
        Ok(())
    }

    fn refresh_sites(&self, loaded: &mut Loaded, rows: Vec<StoredSite>) {
        let rows: HashMap<String, StoredSite> = rows
            .into_iter()
            .filter(|s| !self.is_config_site(&s.name))
            .map(|s| (s.name.clone(), s))
            .collect();
        for gone in loaded.sites.keys().filter(|n| !rows.contains_key(*n)) {
            self.sites.remove(gone);
        }
        for (name, row) in &rows {
            if loaded.sites.get(name) == Some(row) {
                continue;
            }
            let built = self
                .open(&row.token)
                .and_then(|token| build_site(name, &row.url, token, row.allow_private_network));
            match built {
                Ok(site) => self.sites.insert(site),
                Err(e) => {
                    self.sites.remove(name);
                    tracing::error!(site = name, error = %e, "a site added in the admin cannot be used");
                }
            }
        }
        loaded.sites = rows;
    }

    fn refresh_sources(&self, loaded: &mut Loaded, rows: Vec<StoredSource>) {
        let rows: HashMap<String, StoredSource> = rows
            .into_iter()
            .filter(|s| !self.is_config_source(&s.name))
            .map(|s| (s.name.clone(), s))
            .collect();
        let (mut pollers, mut endpoints) = (write(&self.connections.pollers), write(&self.connections.endpoints));
        pollers.retain(|n, _| rows.contains_key(n));
        endpoints.retain(|n, _| rows.contains_key(n));
        for (name, row) in &rows {
            if loaded.sources.get(name) == Some(row) {
                continue;
            }
            pollers.remove(name);
            match self.build_poller(name, &row.kind) {
                Ok(Some(poller)) => {
                    pollers.insert(name.clone(), poller);
                }
                Ok(None) => {}
                Err(e) => tracing::error!(source = name, error = %e, "a source added in the admin cannot be polled"),
            }
            endpoints.remove(name);
            match self.endpoint_of(&row.secrets) {
                Ok(endpoint) => {
                    endpoints.insert(name.clone(), Arc::new(endpoint));
                }
                Err(e) => {
                    tracing::error!(source = name, error = %e, "a source added in the admin cannot take webhooks")
                }
            }
        }
        loaded.sources = rows;
    }

    /// The policies a site's mappings get when they leave them unset: its `[[moodle]]` block's,
    /// or the built-in ones for a site added in the admin; `None` for a site not in use.
    pub fn site_defaults(&self, name: &str) -> Option<SiteDefaults> {
        match self.config.moodle.iter().find(|m| m.name == name) {
            Some(m) => Some(m.defaults()),
            None => self.sites.get(name).map(|_| SiteDefaults::built_in(name)),
        }
    }

    /// The names of every source: the configuration's and those added in the admin.
    pub fn source_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.config.sources.iter().map(|s| s.name().to_owned()).collect();
        let loaded = self.connections.loaded.lock().unwrap_or_else(PoisonError::into_inner);
        names.extend(loaded.sources.keys().cloned());
        names.sort();
        names.dedup();
        names
    }

    /// The pollers of the sources added in the admin, by name.
    pub(crate) fn stored_pollers(&self) -> BTreeMap<String, Arc<Source>> {
        read(&self.connections.pollers).clone()
    }

    fn build_poller(&self, name: &str, kind: &StoredSourceKind) -> Result<Option<Arc<Source>>, ConnectionError> {
        let StoredSourceKind::FacturaScripts {
            url,
            token,
            poll_secs,
            allow_private_network,
        } = kind
        else {
            return Ok(None);
        };
        let config = SourceConfig::FacturaScripts {
            name: name.to_owned(),
            url: parse_http_url("url", url).map_err(|e| ConnectionError::InvalidUrl(e.to_string()))?,
            token: self.open(token)?,
            poll_interval: Duration::from_secs(u64::try_from(*poll_secs).unwrap_or(60)),
            allow_private_network: *allow_private_network,
            webhook_secrets: Vec::new(),
        };
        let source = Source::from_config(&config).map_err(|e| ConnectionError::Refused(e.to_string()))?;
        Ok(source.map(Arc::new))
    }

    /// The endpoint of a stored source: its current secret, and the one a rotation replaced
    /// while it is still accepted.
    fn endpoint_of(&self, secrets: &StoredSecrets) -> Result<Endpoint, ConnectionError> {
        let still_accepted = secrets.previous_until.is_some_and(|until| until > self.now());
        let sealed = secrets
            .current
            .iter()
            .chain(secrets.previous.iter().filter(|_| still_accepted));
        let mut parsed = Vec::new();
        for s in sealed {
            let text = self.open(s)?;
            parsed.push(Secret::parse(text.expose_secret()).map_err(|e| ConnectionError::Sealed(e.to_string()))?);
        }
        Endpoint::new(parsed).map_err(|e| ConnectionError::Sealed(e.to_string()))
    }

    async fn stored_source(&self, name: &str) -> Result<Option<StoredSource>, StoreError> {
        Ok(self.store.stored_sources().await?.into_iter().find(|s| s.name == name))
    }

    async fn stored_site_token(&self, name: &str) -> Result<SecretString, ConnectionError> {
        let site = self.store.stored_sites().await?.into_iter().find(|s| s.name == name);
        match site {
            Some(s) => self.open(&s.token),
            None => Err(ConnectionError::TokenRequired),
        }
    }

    async fn current_secret(&self, name: &str) -> Result<SecretString, ConnectionError> {
        let source = self
            .stored_source(name)
            .await?
            .ok_or_else(|| ConnectionError::NotFound(name.to_owned()))?;
        let sealed = source
            .secrets
            .current
            .ok_or_else(|| ConnectionError::NotFound(name.to_owned()))?;
        self.open(&sealed)
    }

    fn check_new_name(&self, name: &str, in_config: bool) -> Result<(), ConnectionError> {
        if !is_valid_name(name) {
            return Err(ConnectionError::InvalidName(name.to_owned()));
        }
        if in_config {
            return Err(ConnectionError::DeclaredInConfig(name.to_owned()));
        }
        Ok(())
    }

    fn is_config_site(&self, name: &str) -> bool {
        self.config.moodle.iter().any(|m| m.name == name)
    }

    fn is_config_source(&self, name: &str) -> bool {
        self.config.sources.iter().any(|s| s.name() == name)
    }

    fn seal(&self, secret: &SecretString) -> Result<String, ConnectionError> {
        let key = self.config.secret_key.as_ref().ok_or(ConnectionError::NoSecretKey)?;
        key.seal(secret.expose_secret())
            .map_err(|e| ConnectionError::Sealed(e.to_string()))
    }

    pub(crate) fn open(&self, sealed: &str) -> Result<SecretString, ConnectionError> {
        let key = self.config.secret_key.as_ref().ok_or(ConnectionError::NoSecretKey)?;
        key.open(sealed).map_err(|e| ConnectionError::Sealed(e.to_string()))
    }

    async fn record_outcome(&self, actor: &Actor, action: &str, object: &str, result: &Result<(), ConnectionError>) {
        let detail = result.as_ref().err().map(ToString::to_string);
        self.record_action(actor, action, object, detail, result.is_ok()).await;
    }
}

fn build_site(
    name: &str,
    url: &str,
    token: SecretString,
    allow_private_network: bool,
) -> Result<Site, ConnectionError> {
    if token.expose_secret().trim().is_empty() {
        return Err(ConnectionError::TokenRequired);
    }
    let url = parse_http_url("url", url.trim()).map_err(|e| ConnectionError::InvalidUrl(e.to_string()))?;
    let config = MoodleSite::with_defaults(name.to_owned(), url, token, allow_private_network);
    Site::new(&config).map_err(|e| ConnectionError::Refused(e.to_string()))
}

fn new_secret() -> Secret {
    Secret::generate(&mut rand::rngs::OsRng)
}

fn config_source_entry(s: &SourceConfig) -> SourceEntry {
    let kind = match s {
        SourceConfig::FacturaScripts { url, poll_interval, .. } => SourceEntryKind::Polled {
            url: url.to_string(),
            every_secs: poll_interval.as_secs(),
        },
        SourceConfig::Webhook { .. } => SourceEntryKind::Pushed,
    };
    SourceEntry {
        name: s.name().to_owned(),
        kind,
        origin: Origin::Config,
        has_endpoint: !s.webhook_secrets().is_empty(),
        previous_secret_until: None,
    }
}

fn stored_source_entry(s: StoredSource) -> SourceEntry {
    let kind = match s.kind {
        StoredSourceKind::FacturaScripts { url, poll_secs, .. } => SourceEntryKind::Polled {
            url,
            every_secs: u64::try_from(poll_secs).unwrap_or_default(),
        },
        StoredSourceKind::Webhook => SourceEntryKind::Pushed,
    };
    SourceEntry {
        name: s.name,
        kind,
        origin: Origin::Admin,
        has_endpoint: s.secrets.current.is_some(),
        previous_secret_until: s.secrets.previous_until,
    }
}

/// A `curl` command line; each value is single-quoted for a POSIX shell.
fn curl_command(url: &str, headers: &[ExampleHeader], body: &str) -> String {
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut out = format!("curl -sS -X POST {}", quote(url));
    for h in headers {
        out.push_str(&format!(" \\\n  -H {}", quote(&format!("{}: {}", h.name, h.value))));
    }
    out.push_str(&format!(" \\\n  --data-raw {}", quote(body)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curl_example_quotes_every_value_for_the_shell() {
        let headers = [ExampleHeader {
            name: "webhook-id",
            value: "it's".into(),
        }];
        let curl = curl_command("https://x.example/webhooks/shop", &headers, r#"{"a":"b'c"}"#);
        assert!(
            curl.starts_with("curl -sS -X POST 'https://x.example/webhooks/shop'"),
            "{curl}"
        );
        assert!(curl.contains(r"-H 'webhook-id: it'\''s'"), "{curl}");
        assert!(curl.ends_with(r#"--data-raw '{"a":"b'\''c"}'"#), "{curl}");
    }
}
