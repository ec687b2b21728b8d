//! The problem answers (RFC 9457) as the document describes them, and the request parts that
//! fail as one: a JSON body that does not parse names its field, as a query parameter does.

use crate::error::ApiError;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;
use utoipa::openapi::{ContentBuilder, Ref, Response, ResponseBuilder};

/// An error, as `application/problem+json` (RFC 9457).
#[derive(ToSchema)]
#[allow(dead_code)] // documents what `ApiError` writes
pub struct Problem {
    /// A stable URN per error: `urn:moodle-management:problem:<code>`.
    #[schema(example = "urn:moodle-management:problem:not-found")]
    r#type: String,
    title: String,
    status: u16,
    /// What went wrong and how to fix it.
    detail: String,
    /// The same text as `detail`, for the clients of the first `/api/*` routes.
    error: String,
    /// The request field at fault, when one is.
    field: Option<String>,
}

/// A documented problem answer.
pub fn response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

/// A query or body value that does not parse.
pub fn invalid(field: &str, detail: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid-parameter", detail).field(field)
}

pub fn not_found(what: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not-found", what)
}

pub fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal("API request", e)
}

/// A path under `/api/v1/` that names no operation.
pub async fn no_route() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no-route",
        "no such API operation; see /api/v1/openapi.json",
    )
}

/// A JSON body; one that does not parse answers 422 naming the field at fault.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| invalid("body", e.body_text()))?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de).map(Body).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let field = if path == "." {
                missing_field(&inner.to_string()).unwrap_or_else(|| "body".to_owned())
            } else {
                path
            };
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-body", inner.to_string()).field(field)
        })
    }
}

/// The field serde names in "missing field `x`".
fn missing_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `")?;
    Some(rest[..rest.find('`')?].to_owned())
}
