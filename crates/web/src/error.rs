//! One error type for the whole HTTP edge. JSON routes answer RFC 9457
//! `application/problem+json` with a stable `type` per error and, where one field is at
//! fault, its name; the routes that answered `{"error": …}` before keep that member, so their
//! clients read the same text. Pages answer an HTML error page.

use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use mm_engine::Engine;
use mm_i18n::Locale;
use serde_json::{Value, json};
use std::sync::Arc;

/// A refused or failed JSON request: its status, a stable code and a message that says how to
/// fix it.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: String,
    field: Option<String>,
    /// Further members of the problem (e.g. a payload's `problems`).
    extra: serde_json::Map<String, Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            detail: detail.into(),
            field: None,
            extra: serde_json::Map::new(),
        }
    }

    /// The request field at fault.
    pub fn field(mut self, name: impl Into<String>) -> ApiError {
        self.field = Some(name.into());
        self
    }

    pub fn with(mut self, member: &str, value: Value) -> ApiError {
        self.extra.insert(member.to_string(), value);
        self
    }

    pub fn unauthorized(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    /// An internal failure: logged in full, answered opaquely.
    pub fn internal(context: &str, e: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %e, "{context} failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error; see the service log",
        )
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    fn body(&self) -> Value {
        let mut body = json!({
            "type": format!("urn:moodle-management:problem:{}", self.code),
            "title": self.status.canonical_reason().unwrap_or("Error"),
            "status": self.status.as_u16(),
            "detail": self.detail,
            "error": self.detail,
        });
        if let Some(map) = body.as_object_mut() {
            if let Some(f) = &self.field {
                map.insert("field".into(), Value::String(f.clone()));
            }
            map.extend(self.extra.clone());
        }
        body
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let content_type = [(header::CONTENT_TYPE, "application/problem+json")];
        let body = Json(self.body());
        if self.status == StatusCode::UNAUTHORIZED {
            (self.status, content_type, [(header::WWW_AUTHENTICATE, "Bearer")], body).into_response()
        } else {
            (self.status, content_type, body).into_response()
        }
    }
}

/// A page that failed or was refused, answered with the HTML error page. An internal failure
/// is logged in full and shown opaquely; a refusal says what to do.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    /// The catalogue keys of the page's title and message.
    title: &'static str,
    message: &'static str,
    /// Logged, never shown (internal failures), or shown after the message (bad input).
    detail: Option<String>,
}

impl<E: std::fmt::Display> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            title: "error-internal-title",
            message: "error-internal-message",
            detail: Some(e.to_string()),
        }
    }
}

impl PageError {
    fn refusal(status: StatusCode, title: &'static str, message: &'static str) -> PageError {
        PageError {
            status,
            title,
            message,
            detail: None,
        }
    }

    /// The signed-in user's role may not do this.
    pub fn forbidden() -> PageError {
        PageError::refusal(
            StatusCode::FORBIDDEN,
            "error-forbidden-title",
            "error-forbidden-message",
        )
    }

    /// A form without this session's CSRF token (an old tab, or a forged request).
    pub fn csrf() -> PageError {
        PageError::refusal(StatusCode::FORBIDDEN, "error-csrf-title", "error-csrf-message")
    }

    pub fn not_found() -> PageError {
        PageError::refusal(
            StatusCode::NOT_FOUND,
            "error-not-found-title",
            "error-not-found-message",
        )
    }

    /// A malformed request; `detail` (e.g. which field) is shown.
    pub fn bad_request(detail: &str) -> PageError {
        PageError {
            detail: Some(detail.to_owned()),
            ..PageError::refusal(
                StatusCode::BAD_REQUEST,
                "error-bad-request-title",
                "error-bad-request-message",
            )
        }
    }
}

/// What an error page says, kept on its response so [`localize`] can say it again in the
/// reader's language (the error is made where the locale is unknown).
#[derive(Debug, Clone)]
struct ErrorPageText {
    title: &'static str,
    message: &'static str,
    /// Shown after the message (never an internal failure's).
    detail: Option<String>,
}

impl ErrorPageText {
    fn render(&self, locale: Locale) -> String {
        let page = crate::pages::ErrorPage {
            lang: locale.tag(),
            title: &mm_i18n::text(locale, self.title, &[]),
            message: &mm_i18n::text(locale, self.message, &[]),
            detail: self.detail.as_deref(),
            home: &mm_i18n::text(locale, "nav-dashboard", &[]),
        };
        askama::Template::render(&page).unwrap_or_else(|_| "internal error; see the service log".into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let shown_detail = if self.status.is_server_error() {
            if let Some(d) = &self.detail {
                tracing::error!(error = %d, "page failed");
            }
            None
        } else {
            self.detail.clone()
        };
        let text = ErrorPageText {
            title: self.title,
            message: self.message,
            detail: shown_detail,
        };
        // In the fallback language here; `localize` says it again in the reader's.
        let mut response = (self.status, Html(text.render(Locale::FALLBACK))).into_response();
        response.extensions_mut().insert(text);
        response
    }
}

/// Middleware: an error page speaks its reader's language — the signed-in user's choice, else
/// the browser's `Accept-Language` — as every other page does (see `admin::Chrome`).
pub async fn localize(State(engine): State<Arc<Engine>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let headers = parts.headers.clone();
    let token = crate::session::session_token(&parts);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    let Some(text) = response.extensions_mut().remove::<ErrorPageText>() else {
        return response;
    };
    let chosen = match token {
        Some(token) => engine.session(&token).await.ok().flatten().and_then(|s| s.user.locale),
        None => None,
    };
    let locale = crate::admin::reader_locale(chosen.as_deref(), &headers);
    if locale == Locale::FALLBACK {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    // The new body has its own length.
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(text.render(locale)))
}
