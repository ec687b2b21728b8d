//! The web admin's people (`admin_users`), their sessions (`admin_sessions`) and what they did
//! (`operator_actions`). Passwords arrive hashed and session tokens arrive as their SHA-256:
//! nothing here can open a session from what it stores.

use crate::dialect::{opt_text, text};
use crate::{Store, StoreError};
use mm_core::{Role, Timestamp};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A person who signs in to the admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdminUser {
    pub id: i64,
    /// Lower-case.
    pub email: String,
    pub role: Role,
    /// Their chosen locale tag; `None` follows the browser's `Accept-Language`.
    pub locale: Option<String>,
    pub disabled: bool,
    pub created_at: Timestamp,
}

/// A user with the hash their password is checked against.
#[derive(Debug, Clone)]
pub struct AdminCredentials {
    pub user: AdminUser,
    /// An argon2id PHC string.
    pub password_hash: String,
}

/// A session to store: the token's SHA-256 (hex), never the token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token_hash: String,
    pub user_id: i64,
    pub csrf: String,
    pub address: Option<String>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub absolute_expiry: Timestamp,
}

/// A live session with its user.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub user: AdminUser,
    pub csrf: String,
    pub last_seen: Timestamp,
    pub expires_at: Timestamp,
    pub absolute_expiry: Timestamp,
}

/// Something a person did through the admin, the API or the CLI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorAction {
    /// Who: a user's email, `cli`, or `api-token`.
    pub actor: String,
    /// A stable name: `job.retry`, `certificate.revoke`, `user.add`, `session.sign_in`, …
    pub action: String,
    /// What it acted on, as people read it (a key, a certificate number, an email).
    pub object: String,
    pub detail: Option<String>,
    pub ok: bool,
}

/// A stored [`OperatorAction`] with its id and time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperatorActionRecord {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub detail: Option<String>,
    pub ok: bool,
}

const USER_COLUMNS: &str = "u.id, u.email, u.role, u.locale, u.disabled, u.created_at";

fn user_of(r: &AnyRow) -> Result<AdminUser, StoreError> {
    let role: String = text(r, "role")?;
    Ok(AdminUser {
        id: r.try_get("id")?,
        email: text(r, "email")?,
        role: role
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("admin_users.role: {e}")))?,
        locale: opt_text(r, "locale")?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
        created_at: Timestamp(r.try_get("created_at")?),
    })
}

impl Store {
    /// Adds a user; `None` when one with that email exists already.
    pub async fn insert_admin_user(
        &self,
        email: &str,
        role: Role,
        password_hash: &str,
        now: Timestamp,
    ) -> Result<Option<AdminUser>, StoreError> {
        let done = self
            .query(
                "INSERT INTO admin_users (email, role, password_hash, disabled, created_at, updated_at)
                 VALUES ($1, $2, $3, 0, $4, $5) ON CONFLICT (email) DO NOTHING",
            )
            .bind(email.trim().to_lowercase())
            .bind(role.as_str())
            .bind(password_hash)
            .bind(now.0)
            .bind(now.0)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        Ok(self.admin_credentials(email).await?.map(|c| c.user))
    }

    /// The user with this email (any case) and their password hash.
    pub async fn admin_credentials(&self, email: &str) -> Result<Option<AdminCredentials>, StoreError> {
        let row = self
            .query(
                "SELECT u.id, u.email, u.role, u.locale, u.disabled, u.created_at, u.password_hash
                 FROM admin_users u WHERE u.email = $1",
            )
            .bind(email.trim().to_lowercase())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(AdminCredentials {
                user: user_of(&r)?,
                password_hash: text(&r, "password_hash")?,
            })
        })
        .transpose()
    }

    pub async fn admin_users(&self) -> Result<Vec<AdminUser>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM admin_users u ORDER BY u.email");
        let rows = sqlx::query(&crate::dialect::sql(self.backend, &sql))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(user_of).collect()
    }

    /// Users who can sign in (not disabled).
    pub async fn count_enabled_admin_users(&self) -> Result<i64, StoreError> {
        let row = self
            .query("SELECT COUNT(*) AS n FROM admin_users WHERE disabled = 0")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// Changes a user's role, enabled state, password or locale; `false` when no such user.
    pub async fn update_admin_user(
        &self,
        id: i64,
        change: &AdminUserChange,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let done = self
            .query(
                "UPDATE admin_users SET
                   role = COALESCE($1, role),
                   disabled = COALESCE($2, disabled),
                   password_hash = COALESCE($3, password_hash),
                   locale = CASE WHEN $4 = 1 THEN $5 ELSE locale END,
                   updated_at = $6
                 WHERE id = $7",
            )
            .bind(change.role.map(Role::as_str))
            .bind(change.disabled.map(i64::from))
            .bind(change.password_hash.as_deref())
            .bind(i64::from(change.locale.is_some()))
            .bind(change.locale.clone().flatten())
            .bind(now.0)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn insert_session(&self, s: &NewSession) -> Result<(), StoreError> {
        self.query(
            "INSERT INTO admin_sessions (token_hash, user_id, csrf, address, created_at, last_seen, expires_at, absolute_expiry)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&s.token_hash)
        .bind(s.user_id)
        .bind(&s.csrf)
        .bind(s.address.as_deref())
        .bind(s.created_at.0)
        .bind(s.created_at.0)
        .bind(s.expires_at.0)
        .bind(s.absolute_expiry.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The session of a token's hash, if it has not expired and its user is enabled.
    pub async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<SessionRow>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, s.csrf, s.last_seen, s.expires_at, s.absolute_expiry
             FROM admin_sessions s JOIN admin_users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0"
        );
        let row = sqlx::query(&crate::dialect::sql(self.backend, &sql))
            .bind(token_hash)
            .bind(now.0)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(SessionRow {
                user: user_of(&r)?,
                csrf: text(&r, "csrf")?,
                last_seen: Timestamp(r.try_get("last_seen")?),
                expires_at: Timestamp(r.try_get("expires_at")?),
                absolute_expiry: Timestamp(r.try_get("absolute_expiry")?),
            })
        })
        .transpose()
    }

    /// Pushes a session's expiry forward after use.
    pub async fn touch_session(
        &self,
        token_hash: &str,
        expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.query("UPDATE admin_sessions SET last_seen = $1, expires_at = $2 WHERE token_hash = $3")
            .bind(now.0)
            .bind(expires_at.0)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<bool, StoreError> {
        let done = self
            .query("DELETE FROM admin_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Ends every session of a user (disabled, password changed, "sign out everywhere").
    pub async fn delete_sessions_of(&self, user_id: i64) -> Result<u64, StoreError> {
        let done = self
            .query("DELETE FROM admin_sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Forgets sessions that have expired.
    pub async fn delete_expired_sessions(&self, now: Timestamp) -> Result<u64, StoreError> {
        let done = self
            .query("DELETE FROM admin_sessions WHERE expires_at <= $1")
            .bind(now.0)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    pub async fn record_operator_action(&self, a: &OperatorAction, now: Timestamp) -> Result<(), StoreError> {
        self.query(
            "INSERT INTO operator_actions (at, actor, action, object, detail, ok) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(now.0)
        .bind(&a.actor)
        .bind(&a.action)
        .bind(&a.object)
        .bind(a.detail.as_deref())
        .bind(i64::from(a.ok))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The operator's audit log, newest first, optionally filtered by a search (in the actor,
    /// the action or the object, any case).
    pub async fn operator_actions(
        &self,
        search: Option<&str>,
        limit: i64,
    ) -> Result<Vec<OperatorActionRecord>, StoreError> {
        self.operator_actions_before(search, None, limit).await
    }

    /// As [`Store::operator_actions`], older than the entry `before` (the next page of a log).
    pub async fn operator_actions_before(
        &self,
        search: Option<&str>,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<OperatorActionRecord>, StoreError> {
        let pattern = search
            .filter(|s| !s.trim().is_empty())
            .map(|s| format!("%{}%", s.trim().to_lowercase()));
        let mut conditions = Vec::new();
        let mut n = 0;
        let mut next = || {
            n += 1;
            n
        };
        if pattern.is_some() {
            let (a, b, c) = (next(), next(), next());
            conditions.push(format!(
                "(LOWER(actor) LIKE ${a} OR LOWER(action) LIKE ${b} OR LOWER(object) LIKE ${c})"
            ));
        }
        if before.is_some() {
            conditions.push(format!("id < ${}", next()));
        }
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT id, at, actor, action, object, detail, ok FROM operator_actions {filter} ORDER BY id DESC LIMIT ${}",
            next()
        );
        let sql = crate::dialect::sql(self.backend, &sql);
        let mut q = sqlx::query(&sql);
        if let Some(p) = &pattern {
            q = q.bind(p.clone()).bind(p.clone()).bind(p.clone());
        }
        if let Some(id) = before {
            q = q.bind(id);
        }
        let rows = q.bind(limit).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(OperatorActionRecord {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor: text(r, "actor")?,
                    action: text(r, "action")?,
                    object: text(r, "object")?,
                    detail: opt_text(r, "detail")?,
                    ok: r.try_get::<i64, _>("ok")? != 0,
                })
            })
            .collect()
    }
}

/// What [`Store::update_admin_user`] changes; `None` fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct AdminUserChange {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub password_hash: Option<String>,
    /// `Some(None)` clears the locale (follow the browser).
    pub locale: Option<Option<String>>,
}
