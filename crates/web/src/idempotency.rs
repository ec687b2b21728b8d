//! `Idempotency-Key` on the JSON routes that act: a client that is unsure whether its request
//! went through (a timeout, a dropped connection) sends it again with the same key and gets
//! the first answer again, with `Idempotency-Replayed: true`, instead of a second effect.
//!
//! [`guard`] is a middleware: `axum::middleware::from_fn_with_state(engine, idempotency::guard)`.
//! It acts on POST, PATCH and DELETE requests that carry the header and some credentials (a
//! request without any passes through, for the route to refuse). Keys are per caller (a hash of
//! its `Authorization` header or session cookie) and remembered a day. Kept and replayed: 2xx
//! and 4xx answers but 401, 403, 409 and 429 (those may change on their own); a 5xx frees the
//! key so a retry runs again. The same key for another request answers 422, and while its first request
//! still runs 409.

use crate::error::ApiError;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use mm_engine::Engine;
use mm_engine::idempotency::{
    Credentials, IdempotencyKey, IdempotencyStart, IdempotentRequest, KeyMismatch, StoredAnswer,
};
use std::sync::Arc;

/// The request header.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// The header on a replayed answer.
pub const IDEMPOTENCY_REPLAYED: &str = "idempotency-replayed";
/// A request with a key is read whole first (to compare it with the key's first use); at most
/// this much.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// An answer larger than this is sent but not kept (a retry then runs again).
const MAX_KEPT_ANSWER_BYTES: usize = 1 << 20;

/// The middleware (see the module's documentation).
pub async fn guard(State(engine): State<Arc<Engine>>, request: Request, next: Next) -> Response {
    if !matches!(*request.method(), Method::POST | Method::PATCH | Method::DELETE) {
        return next.run(request).await;
    }
    let Some(raw_key) = request.headers().get(IDEMPOTENCY_KEY) else {
        return next.run(request).await;
    };
    let Some(caller) = caller_of(request.headers()) else {
        return next.run(request).await;
    };
    let Some(key) = raw_key.to_str().ok().and_then(|k| IdempotencyKey::parse(k).ok()) else {
        return invalid_key();
    };
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY_BYTES).await else {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body-too-large",
            format!("a request with an Idempotency-Key may carry at most {MAX_BODY_BYTES} bytes"),
        )
        .into_response();
    };
    let path = parts.uri.path_and_query().map_or(parts.uri.path(), |p| p.as_str());
    let start = engine
        .begin_idempotent(IdempotentRequest {
            caller: &caller,
            key: &key,
            method: parts.method.as_str(),
            path,
            body: &body,
        })
        .await;
    match start {
        Ok(IdempotencyStart::New) => {
            let first = FirstUse {
                engine: &engine,
                caller: &caller,
                key: &key,
            };
            first.run(Request::from_parts(parts, Body::from(body)), next).await
        }
        Ok(IdempotencyStart::Replay(answer)) => replay(answer),
        Ok(IdempotencyStart::InProgress) => in_progress(),
        Ok(IdempotencyStart::Mismatch(what)) => reused(what),
        Err(e) => ApiError::internal("idempotency key", e).into_response(),
    }
}

/// The caller's name for its keys: a hash of the credentials it sent, if any.
fn caller_of(headers: &HeaderMap) -> Option<String> {
    if let Some(auth) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        return Some(Credentials::Authorization(auth).caller_id());
    }
    CookieJar::from_headers(headers)
        .get(crate::session::SESSION_COOKIE)
        .map(|c| Credentials::Session(c.value()).caller_id())
}

/// A key's first use: runs the request and keeps its answer when it is one to replay.
struct FirstUse<'a> {
    engine: &'a Engine,
    caller: &'a str,
    key: &'a IdempotencyKey,
}

impl FirstUse<'_> {
    async fn run(self, request: Request, next: Next) -> Response {
        let response = next.run(request).await;
        if !worth_keeping(response.status()) {
            self.abandon().await;
            return response;
        }
        let (parts, body) = response.into_parts();
        let body = match to_bytes(body, usize::MAX).await {
            Ok(b) => b,
            Err(e) => {
                self.abandon().await;
                return ApiError::internal("reading the answer to keep", e).into_response();
            }
        };
        if body.len() > MAX_KEPT_ANSWER_BYTES {
            self.abandon().await;
        } else {
            let answer = StoredAnswer {
                status: parts.status.as_u16(),
                content_type: header_text(&parts.headers, header::CONTENT_TYPE),
                location: header_text(&parts.headers, header::LOCATION),
                etag: header_text(&parts.headers, header::ETAG),
                body: body.to_vec(),
            };
            // The request acted: its answer goes out even if it cannot be kept; the key then
            // stays in progress until it is taken as stale.
            if let Err(e) = self.engine.complete_idempotent(self.caller, self.key, &answer).await {
                tracing::error!(error = %e, "keeping an idempotent request's answer failed");
            }
        }
        Response::from_parts(parts, Body::from(body))
    }

    async fn abandon(&self) {
        if let Err(e) = self.engine.abandon_idempotent(self.caller, self.key).await {
            tracing::error!(error = %e, "freeing an idempotency key failed");
        }
    }
}

/// Answers that say what the request did are replayed; failures the client may retry (5xx),
/// refusals that change on their own (409 conflict, 429 too many requests) and refusals of the
/// credentials (401, 403: they say nothing about the request, and keeping them would let
/// anyone without a valid token fill the table) are not.
fn worth_keeping(status: StatusCode) -> bool {
    const NOT_KEPT: [StatusCode; 4] = [
        StatusCode::UNAUTHORIZED,
        StatusCode::FORBIDDEN,
        StatusCode::CONFLICT,
        StatusCode::TOO_MANY_REQUESTS,
    ];
    status.is_success() || (status.is_client_error() && !NOT_KEPT.contains(&status))
}

fn header_text(headers: &HeaderMap, name: HeaderName) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// The kept answer again, marked as a replay.
fn replay(answer: StoredAnswer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut response = (status, Bytes::from(answer.body)).into_response();
    let headers = response.headers_mut();
    headers.remove(header::CONTENT_TYPE);
    for (name, value) in [
        (header::CONTENT_TYPE, answer.content_type),
        (header::LOCATION, answer.location),
        (header::ETAG, answer.etag),
    ] {
        if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            headers.insert(name, v);
        }
    }
    headers.insert(IDEMPOTENCY_REPLAYED, HeaderValue::from_static("true"));
    response
}

fn invalid_key() -> Response {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid-idempotency-key",
        "the Idempotency-Key header must be 1 to 255 printable ASCII characters (a UUID is a good choice)",
    )
    .field("Idempotency-Key")
    .into_response()
}

fn reused(what: KeyMismatch) -> Response {
    let differs = match what {
        KeyMismatch::Body => "body",
        KeyMismatch::Target => "method or path",
    };
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency-key-reused",
        format!(
            "this Idempotency-Key was used for a request with another {differs}: send a new key with a new request"
        ),
    )
    .field("Idempotency-Key")
    .into_response()
}

fn in_progress() -> Response {
    let mut response = ApiError::new(
        StatusCode::CONFLICT,
        "idempotency-key-in-progress",
        "a request with this Idempotency-Key is still running: retry in a moment to get its answer",
    )
    .field("Idempotency-Key")
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_answers_that_say_what_happened_are_kept() {
        for kept in [200, 201, 204, 400, 404, 413, 422] {
            assert!(worth_keeping(StatusCode::from_u16(kept).unwrap()), "{kept}");
        }
        for not in [302, 401, 403, 409, 429, 500, 502, 503] {
            assert!(!worth_keeping(StatusCode::from_u16(not).unwrap()), "{not}");
        }
    }

    #[test]
    fn callers_are_told_apart_by_their_credentials_and_never_named_by_them() {
        let mut a = HeaderMap::new();
        a.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer mmt_secret_a"));
        let mut b = HeaderMap::new();
        b.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer mmt_secret_b"));
        let mut s = HeaderMap::new();
        s.insert(header::COOKIE, HeaderValue::from_static("mm_session=mmt_secret_a"));
        let ids: Vec<String> = [&a, &b, &s].iter().filter_map(|h| caller_of(h)).collect();
        assert_eq!(ids.len(), 3);
        assert!(ids[0] != ids[1] && ids[0] != ids[2] && ids[1] != ids[2], "{ids:?}");
        assert!(ids.iter().all(|id| !id.contains("secret")), "{ids:?}");
        assert_eq!(caller_of(&HeaderMap::new()), None);
    }
}
