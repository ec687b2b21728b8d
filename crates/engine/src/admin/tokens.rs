//! API tokens: made by an admin (the UI) or on the server (`token create`), shown once, kept
//! only as their SHA-256, revocable, each with a scope (`read`, `write`, `admin`) and its last
//! use. `[server] admin_token` keeps working beside them.

use super::Actor;
use super::sessions::{random_token, token_hash};
use crate::engine::Engine;
use mm_core::{Scope, Timestamp};
use mm_store::{ApiTokenRow, NewApiToken, StoreError};
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// What every token starts with, so a leaked one is recognisable (secret scanners, logs).
pub const TOKEN_PREFIX: &str = "mmt_";

/// A token's use is written at most this often.
const TOUCH_EVERY_SECS: i64 = 60;

/// A token just made: the token itself (shown once, never stored) and its row.
pub struct NewToken {
    pub token: SecretString,
    pub row: ApiTokenRow,
}

/// Why a token could not be made or revoked.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("`{0}` cannot name a token: use 1 to 100 letters, digits, spaces, - and _")]
    InvalidName(String),
    #[error("a token named `{0}` exists already: revoke it or pick another name")]
    NameTaken(String),
    #[error("no live token is named `{0}`: list them with `moodle-management token list`")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl TokenError {
    /// A stable code, for the API and the admin's translated messages.
    pub fn code(&self) -> &'static str {
        match self {
            TokenError::InvalidName(_) => "invalid-name",
            TokenError::NameTaken(_) => "name-taken",
            TokenError::NotFound(_) => "not-found",
            TokenError::Store(_) => "internal",
        }
    }
}

/// How a stored token stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStanding {
    Live,
    Expired,
    Revoked,
}

pub fn standing(row: &ApiTokenRow, now: Timestamp) -> TokenStanding {
    if row.revoked_at.is_some() {
        TokenStanding::Revoked
    } else if row.expires_at.is_some_and(|e| e <= now) {
        TokenStanding::Expired
    } else {
        TokenStanding::Live
    }
}

fn valid_name(name: &str) -> bool {
    let n = name.chars().count();
    (1..=100).contains(&n) && name.chars().all(|c| c.is_alphanumeric() || " -_".contains(c))
}

impl Engine {
    /// Makes a token; it is shown once, in the answer.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        name: &str,
        scope: Scope,
        expires_in: Option<Duration>,
    ) -> Result<NewToken, TokenError> {
        let result = self.make_token(actor, name.trim(), scope, expires_in).await;
        let detail = match &result {
            Ok(t) => Some(format!("scope {}", t.row.scope)),
            Err(e) => Some(e.to_string()),
        };
        self.record_action(actor, "token.create", name.trim(), detail, result.is_ok())
            .await;
        result
    }

    async fn make_token(
        &self,
        actor: &Actor,
        name: &str,
        scope: Scope,
        expires_in: Option<Duration>,
    ) -> Result<NewToken, TokenError> {
        if !valid_name(name) {
            return Err(TokenError::InvalidName(name.to_owned()));
        }
        let token = format!("{TOKEN_PREFIX}{}", random_token());
        let now = self.now();
        let new = NewApiToken {
            name: name.to_owned(),
            scope,
            token_hash: token_hash(&token),
            prefix: token.chars().take(TOKEN_PREFIX.len() + 4).collect(),
            created_by: actor.to_string(),
            created_at: now,
            expires_at: expires_in
                .map(|d| Timestamp(now.0.saturating_add(i64::try_from(d.as_secs()).unwrap_or(i64::MAX)))),
        };
        if !self.store.insert_api_token(&new).await? {
            return Err(TokenError::NameTaken(name.to_owned()));
        }
        let row = self
            .store
            .api_token_by_hash(&new.token_hash)
            .await?
            .ok_or_else(|| TokenError::NotFound(name.to_owned()))?;
        Ok(NewToken {
            token: SecretString::from(token),
            row,
        })
    }

    /// Every token, newest first, live or not.
    pub async fn api_tokens(&self) -> Result<Vec<ApiTokenRow>, StoreError> {
        self.store.api_tokens().await
    }

    /// Ends a token at once.
    pub async fn revoke_api_token(&self, actor: &Actor, name: &str) -> Result<(), TokenError> {
        let result = match self.store.revoke_api_token(name, self.now()).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(TokenError::NotFound(name.to_owned())),
            Err(e) => Err(e.into()),
        };
        let detail = result.as_ref().err().map(ToString::to_string);
        self.record_action(actor, "token.revoke", name, detail, result.is_ok())
            .await;
        result
    }

    /// The live token a request carries, its use noted; `None` for an unknown, expired or
    /// revoked one.
    pub async fn authenticate_api_token(&self, given: &SecretString) -> Result<Option<ApiTokenRow>, StoreError> {
        let Some(row) = self.store.api_token_by_hash(&token_hash(given.expose_secret())).await? else {
            return Ok(None);
        };
        let now = self.now();
        if standing(&row, now) != TokenStanding::Live {
            return Ok(None);
        }
        if row.last_used_at.is_none_or(|t| now.0 - t.0 >= TOUCH_EVERY_SECS) {
            self.store.touch_api_token(row.id, now).await?;
        }
        Ok(Some(row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_words_and_a_token_ends_when_revoked_or_expired() {
        assert!(valid_name("CRM sync_2026-q1"));
        assert!(!valid_name("") && !valid_name("a/b") && !valid_name(&"x".repeat(101)));
        let row = ApiTokenRow {
            id: 1,
            name: "crm".into(),
            scope: Scope::Read,
            prefix: "mmt_abcd".into(),
            created_by: "cli".into(),
            created_at: Timestamp(0),
            expires_at: Some(Timestamp(100)),
            last_used_at: None,
            revoked_at: None,
        };
        assert_eq!(standing(&row, Timestamp(99)), TokenStanding::Live);
        assert_eq!(standing(&row, Timestamp(100)), TokenStanding::Expired);
        let revoked = ApiTokenRow {
            revoked_at: Some(Timestamp(5)),
            ..row
        };
        assert_eq!(standing(&revoked, Timestamp(6)), TokenStanding::Revoked);
    }
}
