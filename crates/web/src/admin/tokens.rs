//! The API tokens page (admins): every token with its scope, last use and standing; make one
//! (shown once, on the answer page) or revoke one.

use super::chrome::Chrome;
use crate::error::PageError;
use crate::session::{Administer, Posted, User};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use mm_core::Scope;
use mm_engine::Engine;
use mm_engine::admin::{TokenError, TokenStanding, standing};
use secrecy::ExposeSecret;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    c: Chrome,
    tokens: Vec<TokenLine>,
    scopes: Vec<&'static str>,
    /// A token just made: its name and the token, shown this once.
    made: Option<(String, String)>,
    error: Option<String>,
}

struct TokenLine {
    name: String,
    scope: &'static str,
    prefix: String,
    created_at: i64,
    expires_at: Option<i64>,
    last_used_at: Option<i64>,
    /// `live`, `expired` or `revoked`.
    standing: &'static str,
}

#[derive(Deserialize, Default)]
pub struct TokensQuery {
    error: Option<String>,
}

async fn render(
    engine: &Engine,
    c: Chrome,
    made: Option<(String, String)>,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let now = engine.now();
    let tokens = engine
        .api_tokens()
        .await?
        .into_iter()
        .map(|t| TokenLine {
            standing: match standing(&t, now) {
                TokenStanding::Live => "live",
                TokenStanding::Expired => "expired",
                TokenStanding::Revoked => "revoked",
            },
            scope: t.scope.as_str(),
            created_at: t.created_at.0,
            expires_at: t.expires_at.map(|e| e.0),
            last_used_at: t.last_used_at.map(|u| u.0),
            name: t.name,
            prefix: t.prefix,
        })
        .collect();
    let page = TokensPage {
        c,
        tokens,
        scopes: Scope::ALL.iter().map(|s| s.as_str()).collect(),
        made,
        error,
    };
    Ok(Html(page.render()?))
}

pub async fn show(
    State(engine): State<Arc<Engine>>,
    user: User<Administer>,
    headers: HeaderMap,
    Query(q): Query<TokensQuery>,
) -> Result<Html<String>, PageError> {
    let c = Chrome::new(&user, &headers, "/tokens");
    let error = q.error.map(|code| c.t(&format!("tokens-error-{code}")));
    render(&engine, c, None, error).await
}

#[derive(Deserialize)]
pub struct CreateForm {
    /// Absent counts as wrong: the CSRF page, not a parse error.
    #[serde(default)]
    csrf: String,
    name: String,
    scope: String,
    /// Days until it ends; empty for never.
    #[serde(default)]
    expires_days: String,
}

#[derive(Deserialize)]
pub struct RevokeForm {
    /// Absent counts as wrong: the CSRF page, not a parse error.
    #[serde(default)]
    csrf: String,
    name: String,
}

crate::session::csrf_form!(CreateForm, RevokeForm);

fn refused(e: TokenError) -> Result<Response, PageError> {
    match e {
        TokenError::Store(e) => Err(e.into()),
        e => Ok(Redirect::to(&format!("/tokens?error={}", e.code())).into_response()),
    }
}

/// Makes a token and shows it, this once.
pub async fn create(
    State(engine): State<Arc<Engine>>,
    headers: HeaderMap,
    posted: Posted<Administer, CreateForm>,
) -> Result<Response, PageError> {
    let f = &posted.form;
    let scope: Scope = f
        .scope
        .parse()
        .map_err(|e: mm_core::UnknownScope| PageError::bad_request(&e.to_string()))?;
    let days = f.expires_days.trim();
    let expires = if days.is_empty() {
        None
    } else {
        let days: u64 = days
            .parse()
            .map_err(|_| PageError::bad_request("expires_days: a whole number of days, or empty"))?;
        Some(std::time::Duration::from_secs(days.saturating_mul(86_400)))
    };
    match engine
        .create_api_token(&posted.user.actor(), &f.name, scope, expires)
        .await
    {
        Ok(made) => {
            let c = Chrome::new(&posted.user, &headers, "/tokens");
            let shown = (made.row.name, made.token.expose_secret().to_owned());
            Ok(render(&engine, c, Some(shown), None).await?.into_response())
        }
        Err(e) => refused(e),
    }
}

pub async fn revoke(
    State(engine): State<Arc<Engine>>,
    posted: Posted<Administer, RevokeForm>,
) -> Result<Response, PageError> {
    match engine.revoke_api_token(&posted.user.actor(), &posted.form.name).await {
        Ok(()) => Ok(Redirect::to("/tokens").into_response()),
        Err(e) => refused(e),
    }
}
