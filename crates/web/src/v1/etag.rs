//! Strong ETags on reads (the SHA-256 of the JSON body; `If-None-Match` → 304) and `If-Match`
//! on changes (missing while the resource exists → 428, stale → 412).

use crate::error::ApiError;
use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The strong ETag of a JSON answer.
pub fn of(value: &impl Serialize) -> Result<String, ApiError> {
    let body = serde_json::to_vec(value).map_err(super::problem::internal)?;
    let digest = Sha256::digest(&body);
    Ok(format!("\"{}\"", hex(&digest)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn matches(list: &HeaderValue, tag: &str) -> bool {
    list.to_str()
        .map(|l| l.split(',').map(str::trim).any(|t| t == "*" || t == tag))
        .unwrap_or(false)
}

/// A read's answer with its ETag, or 304 when the client's copy is current.
pub fn read(headers: &HeaderMap, value: &impl Serialize) -> Result<Response, ApiError> {
    let tag = of(value)?;
    let etag = [(header::ETAG, tag.clone())];
    if headers.get(header::IF_NONE_MATCH).is_some_and(|v| matches(v, &tag)) {
        return Ok((StatusCode::NOT_MODIFIED, etag).into_response());
    }
    Ok((etag, Json(value)).into_response())
}

/// A change to a resource that exists as `current`: only with an `If-Match` that is current.
pub fn check(headers: &HeaderMap, current: &impl Serialize) -> Result<(), ApiError> {
    let tag = of(current)?;
    match headers.get(header::IF_MATCH) {
        None => Err(ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition-required",
            "send If-Match with the ETag of the resource as you last read it",
        )
        .field("If-Match")),
        Some(v) if matches(v, &tag) => Ok(()),
        Some(_) => Err(ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition-failed",
            "the resource changed since you read it: read it again, then retry with its new ETag",
        )
        .field("If-Match")),
    }
}
