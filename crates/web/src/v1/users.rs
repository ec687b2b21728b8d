//! The admin's users (admin scope): the list, one, and a change of role or enabled state under
//! `If-Match`.

use super::etag;
use super::pagination::Page;
use super::problem::{Body, internal};
use crate::error::ApiError;
use crate::session::{Administer, ApiCaller};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mm_core::Role;
use mm_engine::Engine;
use mm_engine::admin::{AdminError, AdminUserUpdate};
use mm_store::AdminUser;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct UserView {
    email: String,
    /// `viewer`, `operator` or `admin`.
    role: String,
    /// Their chosen language; absent: the browser's.
    locale: Option<String>,
    disabled: bool,
    /// Unix seconds.
    created_at: i64,
}

fn view(u: AdminUser) -> UserView {
    UserView {
        email: u.email,
        role: u.role.to_string(),
        locale: u.locale,
        disabled: u.disabled,
        created_at: u.created_at.0,
    }
}

fn refusal(e: AdminError) -> ApiError {
    let status = match e {
        AdminError::NoSuchUser(_) => StatusCode::NOT_FOUND,
        AdminError::LastAdmin(_) => StatusCode::CONFLICT,
        AdminError::Hash(_) | AdminError::Store(_) => return internal(e),
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let code = match e {
        AdminError::NoSuchUser(_) => "not-found",
        _ => e.code(),
    };
    ApiError::new(status, code, e.to_string())
}

/// The admin's users (one page: `next_cursor` is null).
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    responses(
        (status = 200, description = "The users", body = Page<UserView>),
    ))]
pub async fn list(
    State(engine): State<Arc<Engine>>,
    _caller: ApiCaller<Administer>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let users = engine.admin_users().await.map_err(internal)?;
    let body = Page {
        items: users.into_iter().map(view).collect(),
        next_cursor: None,
    };
    etag::read(&headers, &body)
}

/// One user; its ETag is what a change's `If-Match` sends.
#[utoipa::path(get, path = "/api/v1/users/{email}", tag = "users",
    params(("email" = String, Path, description = "The user's email")),
    responses(
        (status = 200, description = "The user", body = UserView),
        (status = 404, description = "No such user", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn one(
    State(engine): State<Arc<Engine>>,
    _caller: ApiCaller<Administer>,
    headers: HeaderMap,
    Path(email): Path<String>,
) -> Result<Response, ApiError> {
    let user = engine.admin_user(&email.trim().to_lowercase()).await.map_err(refusal)?;
    etag::read(&headers, &view(user))
}

/// What to change; absent members stay as they are.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"disabled": false}))]
pub struct UserChange {
    /// `viewer`, `operator` or `admin`.
    #[schema(value_type = Option<String>)]
    role: Option<Role>,
    disabled: Option<bool>,
}

/// Changes a user's role or enabled state (disabling or demoting ends their sessions; the
/// last enabled admin stays one). Send `If-Match` with the user's ETag.
#[utoipa::path(patch, path = "/api/v1/users/{email}", tag = "users", request_body = UserChange,
    params(
        ("email" = String, Path, description = "The user's email"),
        ("If-Match" = String, Header, description = "The ETag of the user as last read"),
    ),
    responses(
        (status = 200, description = "The user as changed", body = UserView),
        (status = 404, description = "No such user", body = super::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last enabled admin would be lost", body = super::Problem, content_type = "application/problem+json"),
        (status = 412, description = "The user changed since read: read again", body = super::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A member does not parse; `field` names it", body = super::Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn change(
    State(engine): State<Arc<Engine>>,
    caller: ApiCaller<Administer>,
    headers: HeaderMap,
    Path(email): Path<String>,
    Body(change): Body<UserChange>,
) -> Result<axum::Json<UserView>, ApiError> {
    let email = email.trim().to_lowercase();
    // The precondition is HTTP's: the user as the caller last read it.
    let current = engine.admin_user(&email).await.map_err(refusal)?;
    etag::check(&headers, &view(current))?;
    let update = AdminUserUpdate {
        role: change.role,
        disabled: change.disabled,
        password: None,
        locale: None,
    };
    let changed = engine
        .change_admin_user(&email, update, &caller.actor)
        .await
        .map_err(refusal)?;
    Ok(axum::Json(view(changed)))
}
