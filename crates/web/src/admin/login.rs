//! Signing in and out. The sign-in form carries a CSRF token of its own (a cookie and a hidden
//! field that must match), since there is no session yet to hold one.

use super::chrome::locale_of;
use crate::error::PageError;
use crate::session::{self, PeerAddress, Posted, Read};
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use mm_engine::Engine;
use mm_engine::admin::{SignIn, SignInError};
use mm_i18n::{Locale, text};
use secrecy::SecretString;
use serde::Deserialize;
use std::sync::Arc;
use subtle::ConstantTimeEq;

const LOGIN_CSRF_COOKIE: &str = "mm_login_csrf";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    lang: &'static str,
    locale: Locale,
    csrf: String,
    next: String,
    email: String,
    error: Option<String>,
    no_users: bool,
}

impl LoginPage {
    fn t(&self, key: &str) -> String {
        text(self.locale, key, &[])
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

/// Only a path on this site is a place to go back to (no `//evil.example`).
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

fn secure(engine: &Engine) -> bool {
    engine.config().public_url.scheme() == "https"
}

async fn render(
    engine: &Engine,
    headers: &HeaderMap,
    jar: CookieJar,
    status: StatusCode,
    page: LoginPageParts,
) -> Result<Response, PageError> {
    let csrf = mm_engine::admin::random_token();
    let cookie = Cookie::build((LOGIN_CSRF_COOKIE, csrf.clone()))
        .http_only(true)
        .secure(secure(engine))
        .same_site(SameSite::Strict)
        .path("/login")
        .build();
    let locale = locale_of(headers);
    let page = LoginPage {
        lang: locale.tag(),
        locale,
        csrf,
        next: safe_next(&page.next),
        email: page.email,
        error: page.error,
        no_users: !engine.has_admin_users().await?,
    };
    Ok((status, jar.add(cookie), Html(page.render()?)).into_response())
}

struct LoginPageParts {
    next: String,
    email: String,
    error: Option<String>,
}

pub async fn show(
    State(engine): State<Arc<Engine>>,
    headers: HeaderMap,
    jar: CookieJar,
    Query(q): Query<NextQuery>,
) -> Result<Response, PageError> {
    let parts = LoginPageParts {
        next: q.next.unwrap_or_default(),
        email: String::new(),
        error: None,
    };
    render(&engine, &headers, jar, StatusCode::OK, parts).await
}

pub async fn submit(
    State(engine): State<Arc<Engine>>,
    PeerAddress(peer): PeerAddress,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let locale = locale_of(&headers);
    let expected = jar
        .get(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    let csrf_ok = !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(form.csrf.as_bytes()));
    let refused = |error: String| LoginPageParts {
        next: form.next.clone(),
        email: form.email.clone(),
        error: Some(error),
    };
    if !csrf_ok {
        let parts = refused(text(locale, "login-error-csrf", &[]));
        return render(&engine, &headers, jar, StatusCode::FORBIDDEN, parts).await;
    }
    let attempt = SignIn {
        email: form.email.clone(),
        password: SecretString::from(form.password.clone()),
        address: peer,
    };
    match engine.sign_in(attempt).await {
        Ok(new) => {
            let jar = jar
                .remove(Cookie::build(LOGIN_CSRF_COOKIE).path("/login"))
                .add(session::session_cookie(&new.token, secure(&engine)));
            Ok((jar, Redirect::to(&safe_next(&form.next))).into_response())
        }
        Err(SignInError::BadCredentials) => {
            let parts = refused(text(locale, "login-error-credentials", &[]));
            render(&engine, &headers, jar, StatusCode::UNAUTHORIZED, parts).await
        }
        Err(SignInError::Throttled { retry_after_secs }) => {
            let minutes = (retry_after_secs + 59) / 60;
            let parts = refused(text(
                locale,
                "login-error-throttled",
                &[("minutes", &minutes.to_string())],
            ));
            render(&engine, &headers, jar, StatusCode::TOO_MANY_REQUESTS, parts).await
        }
        Err(SignInError::Store(e)) => Err(e.into()),
    }
}

/// The sign-out form: only its CSRF token.
#[derive(Deserialize)]
pub struct CsrfOnly {
    /// Absent counts as wrong: the CSRF page, not a parse error.
    #[serde(default)]
    csrf: String,
}

pub async fn sign_out(
    State(engine): State<Arc<Engine>>,
    jar: CookieJar,
    _posted: Posted<Read, CsrfOnly>,
) -> Result<Response, PageError> {
    if let Some(cookie) = jar.get(session::SESSION_COOKIE) {
        engine.sign_out(&SecretString::from(cookie.value().to_owned())).await?;
    }
    Ok((jar.add(session::cleared_cookie()), Redirect::to("/login")).into_response())
}

crate::session::csrf_form!(CsrfOnly);
