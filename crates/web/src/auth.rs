//! Authentication as extractors: a handler that takes [`AdminToken`] runs only for a request
//! that carries `[server] admin_token` as its bearer token, or an API token whose scope may
//! act (`write` or `admin`).

use crate::error::ApiError;
use crate::session::{ApiCaller, Operate};
use axum::extract::FromRequestParts;
use axum::http::{StatusCode, header, request::Parts};
use mm_engine::Engine;
use mm_engine::admin::TOKEN_PREFIX;
use secrecy::ExposeSecret;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// Proof that the request carries the admin token.
#[derive(Debug, Clone, Copy)]
pub struct AdminToken;

impl FromRequestParts<Arc<Engine>> for AdminToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, engine: &Arc<Engine>) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if let Some(given) = bearer.filter(|b| b.starts_with(TOKEN_PREFIX)) {
            ApiCaller::<Operate>::from_token(engine, given).await?;
            return Ok(AdminToken);
        }
        let Some(expected) = &engine.config().admin_token else {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "write-routes-off",
                "write routes are off: set server.admin_token (or MM_SERVER_ADMIN_TOKEN) to use them",
            ));
        };
        let given = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if bool::from(given.as_bytes().ct_eq(expected.expose_secret().as_bytes())) {
            Ok(AdminToken)
        } else {
            Err(ApiError::unauthorized("missing or wrong bearer token"))
        }
    }
}
