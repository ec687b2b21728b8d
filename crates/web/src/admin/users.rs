//! The users page: who may sign in, with which role; an admin adds users, changes roles and
//! disables them (which ends their sessions).

use super::chrome::Chrome;
use crate::error::PageError;
use crate::session::{Administer, Posted, Read, User};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use mm_core::Role;
use mm_engine::Engine;
use mm_engine::admin::{AdminError, AdminUserUpdate};
use mm_store::AdminUser;
use secrecy::SecretString;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    c: Chrome,
    users: Vec<AdminUser>,
    roles: Vec<&'static str>,
    may_administer: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct UsersQuery {
    /// An [`AdminError`] code to explain.
    error: Option<String>,
}

pub async fn show(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
    Query(q): Query<UsersQuery>,
) -> Result<Html<String>, PageError> {
    let c = Chrome::new(&user, &headers, "/users");
    let error = q.error.map(|code| c.t(&format!("users-error-{code}")));
    let page = UsersPage {
        may_administer: user.session.user.role.may(mm_core::Permission::Administer),
        users: engine.admin_users().await?,
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        c,
        error,
    };
    Ok(Html(page.render()?))
}

/// A refused change goes back to the page with its translated reason; a failure is an error.
fn back(result: Result<AdminUser, AdminError>) -> Result<Response, PageError> {
    match result {
        Ok(_) => Ok(Redirect::to("/users").into_response()),
        Err(AdminError::Store(e)) => Err(e.into()),
        Err(e) => Ok(Redirect::to(&format!("/users?error={}", e.code())).into_response()),
    }
}

fn role_of(raw: &str) -> Result<Role, PageError> {
    raw.parse()
        .map_err(|e: mm_core::UnknownRole| PageError::bad_request(&format!("role: {e}")))
}

#[derive(Deserialize)]
pub struct NewUserForm {
    /// Absent counts as wrong: the CSRF page, not a parse error.
    #[serde(default)]
    csrf: String,
    email: String,
    role: String,
    password: String,
}

pub async fn add(
    State(engine): State<Arc<Engine>>,
    posted: Posted<Administer, NewUserForm>,
) -> Result<Response, PageError> {
    let f = &posted.form;
    let password = SecretString::from(f.password.clone());
    back(
        engine
            .add_admin_user(&f.email, role_of(&f.role)?, &password, &posted.user.actor())
            .await,
    )
}

#[derive(Deserialize)]
pub struct ChangeUserForm {
    /// Absent counts as wrong: the CSRF page, not a parse error.
    #[serde(default)]
    csrf: String,
    email: String,
    role: Option<String>,
    disabled: Option<bool>,
}

pub async fn change(
    State(engine): State<Arc<Engine>>,
    posted: Posted<Administer, ChangeUserForm>,
) -> Result<Response, PageError> {
    let f = &posted.form;
    let update = AdminUserUpdate {
        role: f.role.as_deref().map(role_of).transpose()?,
        disabled: f.disabled,
        ..AdminUserUpdate::default()
    };
    back(engine.change_admin_user(&f.email, update, &posted.user.actor()).await)
}

#[derive(Deserialize)]
pub struct LocaleForm {
    /// Absent counts as wrong: the CSRF page, not a parse error.
    #[serde(default)]
    csrf: String,
    locale: String,
}

/// The signed-in user's own language.
pub async fn set_locale(
    State(engine): State<Arc<Engine>>,
    headers: HeaderMap,
    posted: Posted<Read, LocaleForm>,
) -> Result<Response, PageError> {
    let locale: mm_i18n::Locale = posted
        .form
        .locale
        .parse()
        .map_err(|e: mm_i18n::UnknownLocale| PageError::bad_request(&e.to_string()))?;
    engine
        .set_own_locale(&posted.user.session.user.email, Some(locale.tag().to_owned()))
        .await?;
    let back = headers
        .get(axum::http::header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(url_path)
        .unwrap_or_else(|| "/".to_owned());
    Ok(Redirect::to(&back).into_response())
}

/// The path and query of a same-site referrer.
fn url_path(referer: &str) -> Option<String> {
    let parsed = url::Url::parse(referer).ok()?;
    let mut path = parsed.path().to_owned();
    if let Some(q) = parsed.query() {
        path = format!("{path}?{q}");
    }
    Some(path)
}

crate::session::csrf_form!(NewUserForm, ChangeUserForm, LocaleForm);
