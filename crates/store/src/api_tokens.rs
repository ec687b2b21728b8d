//! API tokens (`api_tokens`): a name, a scope, the SHA-256 of the token (never the token), when
//! it was last used, and its end (expiry or revocation).

use crate::dialect::{opt_text, text};
use crate::{Store, StoreError};
use mm_core::{Scope, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A token to store.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub name: String,
    pub scope: Scope,
    /// Hex SHA-256 of the token.
    pub token_hash: String,
    /// Its first characters, to tell tokens apart in lists.
    pub prefix: String,
    pub created_by: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
}

/// A stored token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRow {
    pub id: i64,
    pub name: String,
    pub scope: Scope,
    pub prefix: String,
    pub created_by: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

impl Store {
    /// Stores a token; `Ok(false)` when the name is taken.
    pub async fn insert_api_token(&self, t: &NewApiToken) -> Result<bool, StoreError> {
        let done = self
            .query(
                "INSERT INTO api_tokens (name, scope, token_hash, prefix, created_by, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING",
            )
            .bind(&t.name)
            .bind(t.scope.as_str())
            .bind(&t.token_hash)
            .bind(&t.prefix)
            .bind(&t.created_by)
            .bind(t.created_at.0)
            .bind(t.expires_at.map(|e| e.0))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Every token, newest first.
    pub async fn api_tokens(&self) -> Result<Vec<ApiTokenRow>, StoreError> {
        let rows = self
            .query(
                "SELECT id, name, scope, prefix, created_by, created_at, expires_at, last_used_at, revoked_at
                 FROM api_tokens ORDER BY id DESC",
            )
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(token_from_row).collect()
    }

    /// The token with this hash, if one is stored (live or not).
    pub async fn api_token_by_hash(&self, token_hash: &str) -> Result<Option<ApiTokenRow>, StoreError> {
        let row = self
            .query(
                "SELECT id, name, scope, prefix, created_by, created_at, expires_at, last_used_at, revoked_at
                 FROM api_tokens WHERE token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(token_from_row).transpose()
    }

    /// Notes a use of the token (callers write it at most once a minute).
    pub async fn touch_api_token(&self, id: i64, at: Timestamp) -> Result<(), StoreError> {
        self.query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(at.0)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Revokes the live token named `name`; `Ok(false)` when there is none.
    pub async fn revoke_api_token(&self, name: &str, at: Timestamp) -> Result<bool, StoreError> {
        let done = self
            .query("UPDATE api_tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL")
            .bind(at.0)
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

fn token_from_row(r: &AnyRow) -> Result<ApiTokenRow, StoreError> {
    let scope = text(r, "scope")?;
    Ok(ApiTokenRow {
        id: r.try_get("id")?,
        name: text(r, "name")?,
        scope: scope
            .parse()
            .map_err(|e: mm_core::UnknownScope| StoreError::Corrupt(e.to_string()))?,
        prefix: text(r, "prefix")?,
        created_by: opt_text(r, "created_by")?.unwrap_or_default(),
        created_at: Timestamp(r.try_get("created_at")?),
        expires_at: r.try_get::<Option<i64>, _>("expires_at")?.map(Timestamp),
        last_used_at: r.try_get::<Option<i64>, _>("last_used_at")?.map(Timestamp),
        revoked_at: r.try_get::<Option<i64>, _>("revoked_at")?.map(Timestamp),
    })
}
