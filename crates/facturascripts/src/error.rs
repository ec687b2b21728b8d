//! Typed errors of the FacturaScripts API, classified as retryable or permanent.

use std::time::Duration;

/// How long FacturaScripts keeps an IP banned after five refused requests (contract §1.3).
pub const BAN_BACKOFF: Duration = Duration::from_secs(600);

pub type Result<T, E = FsError> = std::result::Result<T, E>;

/// The body shape an error response came with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// `{"status":"error","message":...}` from the gate or a special endpoint.
    Gate,
    /// `{"error":...}` from a model endpoint.
    Model,
    /// A non-JSON body (PHP fatal error page) or an unexpected JSON shape.
    Other,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum FsError {
    /// 401 (bad key) or 403 (key lacks the resource/method). Never retried: five of these in ten
    /// minutes ban the caller's IP for every request.
    #[error(
        "FacturaScripts refused the API key ({status}){}: {message}; not retried, since 5 refusals in 10 minutes ban this IP. Fix the key or its api_access rows",
        refused_for(*status, resource)
    )]
    Auth {
        status: u16,
        message: String,
        /// The resource of the refused request (empty when unknown).
        resource: String,
    },
    /// 429: this IP is banned. Every request fails until the incidents age out.
    #[error(
        "FacturaScripts has banned this IP (429: {message}); backing off for at least 10 minutes. Check the API key and its permissions before it retries"
    )]
    Banned { message: String },
    /// 409: the API is disabled in the FacturaScripts settings.
    #[error("FacturaScripts API is disabled (409): {message}; enable it in the control panel")]
    Disabled { message: String },
    /// Any other gate-shaped error (400 version, 404 resource, 405/422 of special endpoints).
    #[error("FacturaScripts gate error {status}: {message}")]
    Gate { status: u16, message: String },
    /// Model error `{"error": ...}` (400 / 404 / 500 `API-ERROR: ...`).
    #[error("FacturaScripts error {status}: {message}")]
    Model {
        status: u16,
        message: String,
        data: Option<serde_json::Value>,
    },
    /// A 5xx that is not a model error, e.g. the PHP HTML error page.
    #[error("FacturaScripts server error {status}: {snippet}")]
    Server { status: u16, snippet: String },
    #[error("transport error talking to FacturaScripts: {0}")]
    Transport(String),
    #[error("unexpected FacturaScripts response: {0}")]
    Decode(String),
    /// The circuit breaker for this installation is open: not even tried.
    #[error("FacturaScripts circuit breaker is open; not calling it for now")]
    CircuitOpen,
    /// A response we refuse to believe (e.g. a mass disappearance after an empty `200 []`).
    #[error("suspicious FacturaScripts response, not trusted: {0}")]
    Suspicious(String),
    /// A request we refuse to send (bad field name, bad configuration).
    #[error("invalid FacturaScripts request: {0}")]
    Invalid(String),
}

impl FsError {
    /// HTTP status of the response, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            FsError::Auth { status, .. }
            | FsError::Gate { status, .. }
            | FsError::Model { status, .. }
            | FsError::Server { status, .. } => Some(*status),
            FsError::Banned { .. } => Some(429),
            FsError::Disabled { .. } => Some(409),
            FsError::Transport(_)
            | FsError::Decode(_)
            | FsError::Invalid(_)
            | FsError::CircuitOpen
            | FsError::Suspicious(_) => None,
        }
    }

    /// The outcome class of a failed request, a fixed word for metrics (never the server's
    /// text): `auth`, `banned`, `disabled`, `gate`, `model`, `server`, `transport`, `decode`,
    /// `circuit_open`, `suspicious`, `invalid`.
    pub fn outcome(&self) -> &'static str {
        match self {
            FsError::Auth { .. } => "auth",
            FsError::Banned { .. } => "banned",
            FsError::Disabled { .. } => "disabled",
            FsError::Gate { .. } => "gate",
            FsError::Model { .. } => "model",
            FsError::Server { .. } => "server",
            FsError::Transport(_) => "transport",
            FsError::Decode(_) => "decode",
            FsError::CircuitOpen => "circuit_open",
            FsError::Suspicious(_) => "suspicious",
            FsError::Invalid(_) => "invalid",
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            FsError::Auth { .. } | FsError::Banned { .. } | FsError::Disabled { .. } | FsError::Gate { .. } => {
                ErrorKind::Gate
            }
            FsError::Model { .. } => ErrorKind::Model,
            _ => ErrorKind::Other,
        }
    }

    /// Worth trying again later (transient). Auth failures, bad requests and 404s are not.
    pub fn is_retryable(&self) -> bool {
        match self {
            FsError::Transport(_)
            | FsError::Server { .. }
            | FsError::Banned { .. }
            | FsError::CircuitOpen
            | FsError::Suspicious(_) => true,
            FsError::Model { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// The least time to wait before the next request to this installation, if known.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FsError::Banned { .. } => Some(BAN_BACKOFF),
            _ => None,
        }
    }

    /// A model 404 (`{"error":"Record not found"}`). Branches on status, never on the
    /// (translated) message text.
    pub fn is_not_found(&self) -> bool {
        matches!(self, FsError::Model { status: 404, .. })
    }
}

impl mm_net::Retryable for FsError {
    fn is_retryable(&self) -> bool {
        FsError::is_retryable(self)
    }
    fn retry_after(&self) -> Option<Duration> {
        FsError::retry_after(self)
    }
}

impl From<mm_net::CircuitOpen> for FsError {
    fn from(_: mm_net::CircuitOpen) -> Self {
        FsError::CircuitOpen
    }
}

/// What a 403 concerns: a key that authenticates but may not use one resource.
fn refused_for(status: u16, resource: &str) -> String {
    if status == 403 && !resource.is_empty() {
        format!(" for resource `{resource}`, on which the key has no permission")
    } else {
        String::new()
    }
}
