//! Signing in and sessions. The cookie carries a random token; the store keeps only its
//! SHA-256, the session's CSRF token and its expiry, which use slides forward (idle timeout)
//! up to an absolute lifetime. Signing out, disabling a user, a role change or a new password
//! delete the rows, which ends the sessions on every replica at once.

use super::users::password_matches;
use crate::Engine;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mm_core::Timestamp;
use mm_store::{AdminUser, NewSession, StoreError};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::sync::LazyLock;
use subtle::ConstantTimeEq;

/// A session unused this long ends.
pub const SESSION_IDLE_SECS: i64 = 8 * 3600;
/// A session ends this long after sign-in, however much it is used.
pub const SESSION_MAX_SECS: i64 = 7 * 24 * 3600;
/// Use moves the expiry at most this often (one write a minute, not one per request).
const TOUCH_EVERY_SECS: i64 = 60;

/// A hash to check a password against when the email is unknown, so that the answer takes as
/// long as for a known one and does not tell which emails have accounts.
static DECOY_HASH: LazyLock<String> =
    LazyLock::new(|| super::users::hash_password(&SecretString::from(random_token())).unwrap_or_default());

/// A sign-in attempt.
pub struct SignIn {
    pub email: String,
    pub password: SecretString,
    pub address: Option<IpAddr>,
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("too many failed sign-ins: try again in {retry_after_secs} seconds")]
    Throttled { retry_after_secs: i64 },
    #[error("wrong email or password")]
    BadCredentials,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A signed-in user's session.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: AdminUser,
    /// The token every form of this session carries.
    pub csrf: String,
}

impl Session {
    /// Whether a submitted form token is this session's (in constant time).
    pub fn csrf_matches(&self, given: &str) -> bool {
        bool::from(self.csrf.as_bytes().ct_eq(given.as_bytes()))
    }
}

/// A new session: the token for the cookie (shown once, never stored) and the session.
pub struct NewSessionToken {
    pub token: SecretString,
    pub session: Session,
}

/// 256 random bits, URL-safe: session tokens, CSRF tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Engine {
    /// Checks the password (throttled per account and address) and opens a session.
    pub async fn sign_in(&self, attempt: SignIn) -> Result<NewSessionToken, SignInError> {
        let now = self.now();
        self.throttle
            .check(&attempt.email, attempt.address, now)
            .map_err(|retry_after_secs| SignInError::Throttled { retry_after_secs })?;
        let credentials = self.store.admin_credentials(&attempt.email).await?;
        let hash = credentials
            .as_ref()
            .map_or(DECOY_HASH.as_str(), |c| c.password_hash.as_str());
        let matches = password_matches(&attempt.password, hash);
        let user = match credentials {
            Some(c) if matches && !c.user.disabled => c.user,
            _ => {
                self.throttle.failed(&attempt.email, attempt.address, now);
                tracing::warn!(address = ?attempt.address, "failed sign-in");
                return Err(SignInError::BadCredentials);
            }
        };
        self.throttle.succeeded(&user.email);
        let token = random_token();
        let csrf = random_token();
        self.store
            .insert_session(&NewSession {
                token_hash: token_hash(&token),
                user_id: user.id,
                csrf: csrf.clone(),
                address: attempt.address.map(|a| a.to_string()),
                created_at: now,
                expires_at: Timestamp(now.0 + SESSION_IDLE_SECS),
                absolute_expiry: Timestamp(now.0 + SESSION_MAX_SECS),
            })
            .await?;
        self.record_action(
            &super::Actor::User(user.email.clone()),
            "session.sign_in",
            &user.email,
            None,
            true,
        )
        .await;
        Ok(NewSessionToken {
            token: SecretString::from(token),
            session: Session { user, csrf },
        })
    }

    /// The live session of a cookie's token, its expiry pushed forward.
    pub async fn session(&self, token: &SecretString) -> Result<Option<Session>, StoreError> {
        let now = self.now();
        let hash = token_hash(token.expose_secret());
        let Some(row) = self.store.session(&hash, now).await? else {
            return Ok(None);
        };
        if now.0 - row.last_seen.0 >= TOUCH_EVERY_SECS {
            let expires = (now.0 + SESSION_IDLE_SECS).min(row.absolute_expiry.0);
            self.store.touch_session(&hash, Timestamp(expires), now).await?;
        }
        Ok(Some(Session {
            user: row.user,
            csrf: row.csrf,
        }))
    }

    /// Ends the session of a cookie's token.
    pub async fn sign_out(&self, token: &SecretString) -> Result<(), StoreError> {
        self.store.delete_session(&token_hash(token.expose_secret())).await?;
        Ok(())
    }

    /// Ends every session of a user ("sign out everywhere", a lost laptop).
    pub async fn revoke_sessions(&self, email: &str, actor: &super::Actor) -> Result<u64, super::AdminError> {
        let user = self.admin_user(email).await?;
        let ended = self.store.delete_sessions_of(user.id).await?;
        self.record_action(
            actor,
            "session.revoke_all",
            &user.email,
            Some(format!("{ended} sessions")),
            true,
        )
        .await;
        Ok(ended)
    }
}
