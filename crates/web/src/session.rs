//! Who is asking. Pages need a signed-in session ([`User`]); forms also carry the session's
//! CSRF token ([`Posted`]); JSON routes take a session or `[server] admin_token` as a bearer
//! token ([`ApiCaller`]). Each extractor also checks the caller's role may do what the route
//! does, so a handler that compiles with `User<Operate>` cannot run for a viewer.

use crate::error::{ApiError, PageError};
use axum::extract::{Form, FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use mm_core::Permission;
use mm_engine::Engine;
use mm_engine::admin::{Actor, Session, TOKEN_PREFIX};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use std::marker::PhantomData;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The session cookie: HttpOnly, SameSite=Strict, Secure when the public URL is https.
pub const SESSION_COOKIE: &str = "mm_session";

/// What a route needs, as a type.
pub trait Need: Send + Sync + 'static {
    const PERMISSION: Permission;
}

/// Read any page.
pub struct Read;
/// Act on jobs, enrolments, seats, certificates.
pub struct Operate;
/// Users, sites, settings.
pub struct Administer;

impl Need for Read {
    const PERMISSION: Permission = Permission::Read;
}
impl Need for Operate {
    const PERMISSION: Permission = Permission::Operate;
}
impl Need for Administer {
    const PERMISSION: Permission = Permission::Administer;
}

/// A signed-in user whose role allows `P`.
pub struct User<P: Need = Read> {
    pub session: Session,
    need: PhantomData<P>,
}

impl<P: Need> User<P> {
    pub fn actor(&self) -> Actor {
        Actor::User(self.session.user.email.clone())
    }
}

/// Why a page was refused: no session (to the sign-in page, then back) or a role too low.
pub enum Refusal {
    SignIn { next: String },
    Forbidden,
    Failed(PageError),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::SignIn { next } => {
                let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
                Redirect::to(&format!("/login?{query}")).into_response()
            }
            Refusal::Forbidden => PageError::forbidden().into_response(),
            Refusal::Failed(e) => e.into_response(),
        }
    }
}

pub(crate) fn session_token(parts: &Parts) -> Option<SecretString> {
    CookieJar::from_headers(&parts.headers)
        .get(SESSION_COOKIE)
        .map(|c| SecretString::from(c.value().to_owned()))
}

async fn session_of(parts: &Parts, engine: &Engine) -> Result<Option<Session>, mm_store::StoreError> {
    let Some(token) = session_token(parts) else {
        return Ok(None);
    };
    engine.session(&token).await
}

impl<P: Need> FromRequestParts<Arc<Engine>> for User<P> {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, engine: &Arc<Engine>) -> Result<Self, Refusal> {
        let Some(session) = session_of(parts, engine).await.map_err(|e| Refusal::Failed(e.into()))? else {
            let next = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
            return Err(Refusal::SignIn { next });
        };
        if !session.user.role.may(P::PERMISSION) {
            return Err(Refusal::Forbidden);
        }
        Ok(User {
            session,
            need: PhantomData,
        })
    }
}

/// A form that carries the session's CSRF token.
pub trait CsrfForm {
    fn csrf(&self) -> &str;
}

/// Implements [`CsrfForm`] for forms whose token is their `csrf` field.
macro_rules! csrf_form {
    ($($form:ty),+ $(,)?) => {
        $(impl $crate::session::CsrfForm for $form {
            fn csrf(&self) -> &str {
                &self.csrf
            }
        })+
    };
}
pub(crate) use csrf_form;

/// A form posted by a signed-in user whose role allows `P`, its CSRF token checked.
pub struct Posted<P: Need, T> {
    pub user: User<P>,
    pub form: T,
}

impl<P: Need, T: DeserializeOwned + CsrfForm + Send> FromRequest<Arc<Engine>> for Posted<P, T> {
    type Rejection = Refusal;

    async fn from_request(req: Request, engine: &Arc<Engine>) -> Result<Self, Refusal> {
        let (mut parts, body) = req.into_parts();
        let user = User::<P>::from_request_parts(&mut parts, engine).await?;
        let req = Request::from_parts(parts, body);
        let Form(form) = Form::<T>::from_request(req, engine)
            .await
            .map_err(|e| Refusal::Failed(PageError::bad_request(&e.body_text())))?;
        if !user.session.csrf_matches(form.csrf()) {
            return Err(Refusal::Failed(PageError::csrf()));
        }
        Ok(Posted { user, form })
    }
}

/// The caller of a JSON route: a session, or the admin token (which may do everything).
pub struct ApiCaller<P: Need = Read> {
    pub actor: Actor,
    need: PhantomData<P>,
}

impl<P: Need> FromRequestParts<Arc<Engine>> for ApiCaller<P> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, engine: &Arc<Engine>) -> Result<Self, ApiError> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if let Some(given) = bearer {
            if given.starts_with(TOKEN_PREFIX) {
                return ApiCaller::from_token(engine, given).await;
            }
            let expected = engine.config().admin_token.as_ref();
            return match expected {
                Some(t) if bool::from(given.as_bytes().ct_eq(t.expose_secret().as_bytes())) => Ok(ApiCaller {
                    actor: Actor::AdminToken,
                    need: PhantomData,
                }),
                _ => Err(ApiError::unauthorized("missing or wrong bearer token")),
            };
        }
        let session = session_of(parts, engine)
            .await
            .map_err(|e| ApiError::internal("session lookup", e))?
            .ok_or_else(|| {
                ApiError::unauthorized("sign in to the admin, or send `Authorization: Bearer <server.admin_token>`")
            })?;
        if !session.user.role.may(P::PERMISSION) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("your role ({}) may not do this", session.user.role),
            ));
        }
        Ok(ApiCaller {
            actor: Actor::User(session.user.email),
            need: PhantomData,
        })
    }
}

impl<P: Need> ApiCaller<P> {
    /// The caller of an API token (`mmt_…`): live, and with a scope that allows `P`.
    pub(crate) async fn from_token(engine: &Engine, given: &str) -> Result<ApiCaller<P>, ApiError> {
        let token = engine
            .authenticate_api_token(&SecretString::from(given.to_owned()))
            .await
            .map_err(|e| ApiError::internal("token lookup", e))?
            .ok_or_else(|| ApiError::unauthorized("this API token is unknown, expired or revoked"))?;
        if !token.scope.may(P::PERMISSION) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "insufficient-scope",
                format!(
                    "this token's scope ({}) may not do this: make one with a wider scope",
                    token.scope
                ),
            ));
        }
        Ok(ApiCaller {
            actor: Actor::ApiToken(token.name),
            need: PhantomData,
        })
    }
}

/// The session cookie for a new session.
pub fn session_cookie(token: &SecretString, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token.expose_secret().to_owned()))
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .path("/")
        .build()
}

/// A cookie that removes the session cookie.
pub fn cleared_cookie() -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, "")).path("/").removal().build()
}

/// The peer's address when the server records it (`serve` does; a test's `oneshot` may not).
pub struct PeerAddress(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for PeerAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(PeerAddress(peer))
    }
}
