//! `Idempotency-Key` records (`idempotency_keys`): per (caller, key), the request it was first
//! used for (method, path, the body's SHA-256) and, once its handler answered, that answer, so a
//! retry gets it again instead of acting twice.

use crate::dialect::{opt_text, text};
use crate::{Store, StoreError};
use mm_core::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A key's first use, to record before its handler runs.
#[derive(Debug, Clone)]
pub struct NewIdempotencyKey {
    /// A stable name of the credentials (a hash), never the credentials.
    pub caller: String,
    pub key: String,
    pub method: String,
    pub path: String,
    /// Hex SHA-256 of the request body.
    pub body_sha256: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// The answer kept for a key: what a replay sends back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body: Vec<u8>,
}

/// A stored key: the request it stands for and, when its handler has answered, the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    pub method: String,
    pub path: String,
    pub body_sha256: String,
    /// `None` while the first request is still running.
    pub answer: Option<StoredAnswer>,
    pub created_at: Timestamp,
}

/// What recording a key's first use found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyClaim {
    /// The key was free: this request is its first use and runs.
    Claimed,
    /// The key was used before (and has not expired).
    Taken(IdempotencyRecord),
}

const IN_PROGRESS: &str = "in-progress";
const DONE: &str = "done";

impl Store {
    /// Records the key's first use, unless a live record holds it. A record that expired, or
    /// that stayed in progress since before `stale_before` (its request died), is replaced.
    pub async fn claim_idempotency_key(
        &self,
        new: &NewIdempotencyKey,
        stale_before: Timestamp,
    ) -> Result<KeyClaim, StoreError> {
        self.query(
            "DELETE FROM idempotency_keys WHERE caller = $1 AND idem_key = $2
             AND (expires_at <= $3 OR (state = 'in-progress' AND created_at < $4))",
        )
        .bind(&new.caller)
        .bind(&new.key)
        .bind(new.created_at.0)
        .bind(stale_before.0)
        .execute(&self.pool)
        .await?;
        let inserted = self
            .query(
                "INSERT INTO idempotency_keys (caller, idem_key, method, path, body_sha256, state, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (caller, idem_key) DO NOTHING",
            )
            .bind(&new.caller)
            .bind(&new.key)
            .bind(&new.method)
            .bind(&new.path)
            .bind(&new.body_sha256)
            .bind(IN_PROGRESS)
            .bind(new.created_at.0)
            .bind(new.expires_at.0)
            .execute(&self.pool)
            .await?;
        if inserted.rows_affected() > 0 {
            return Ok(KeyClaim::Claimed);
        }
        let row = self
            .query(
                "SELECT method, path, body_sha256, state, status, content_type, location, etag, body, created_at
                 FROM idempotency_keys WHERE caller = $1 AND idem_key = $2",
            )
            .bind(&new.caller)
            .bind(&new.key)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(r) => Ok(KeyClaim::Taken(record_from_row(&r)?)),
            // Released between our insert and this read: it is someone else's turn still.
            None => Ok(KeyClaim::Taken(IdempotencyRecord {
                method: new.method.clone(),
                path: new.path.clone(),
                body_sha256: new.body_sha256.clone(),
                answer: None,
                created_at: new.created_at,
            })),
        }
    }

    /// Keeps the answer of the key's first use; `Ok(false)` when the key is no longer in
    /// progress (purged or taken over as stale meanwhile).
    pub async fn complete_idempotency_key(
        &self,
        caller: &str,
        key: &str,
        answer: &StoredAnswer,
    ) -> Result<bool, StoreError> {
        let done = self
            .query(
                "UPDATE idempotency_keys SET state = $1, status = $2, content_type = $3, location = $4, etag = $5, body = $6
                 WHERE caller = $7 AND idem_key = $8 AND state = 'in-progress'",
            )
            .bind(DONE)
            .bind(i64::from(answer.status))
            .bind(answer.content_type.as_deref())
            .bind(answer.location.as_deref())
            .bind(answer.etag.as_deref())
            .bind(answer.body.as_slice())
            .bind(caller)
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Frees a key whose first use is not to be replayed (it failed and may be tried again).
    pub async fn release_idempotency_key(&self, caller: &str, key: &str) -> Result<(), StoreError> {
        self.query("DELETE FROM idempotency_keys WHERE caller = $1 AND idem_key = $2 AND state = 'in-progress'")
            .bind(caller)
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deletes the records that ended by `now`; how many.
    pub async fn purge_idempotency_keys(&self, now: Timestamp) -> Result<u64, StoreError> {
        let done = self
            .query("DELETE FROM idempotency_keys WHERE expires_at <= $1")
            .bind(now.0)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

fn record_from_row(r: &AnyRow) -> Result<IdempotencyRecord, StoreError> {
    let state: String = r.try_get("state")?;
    let answer = if state == DONE {
        let status: i64 = r.try_get("status")?;
        Some(StoredAnswer {
            status: u16::try_from(status).map_err(|_| StoreError::Corrupt(format!("HTTP status {status}")))?,
            content_type: opt_text(r, "content_type")?,
            location: opt_text(r, "location")?,
            etag: opt_text(r, "etag")?,
            body: r.try_get::<Option<Vec<u8>>, _>("body")?.unwrap_or_default(),
        })
    } else {
        None
    };
    Ok(IdempotencyRecord {
        method: r.try_get("method")?,
        path: text(r, "path")?,
        body_sha256: r.try_get("body_sha256")?,
        answer,
        created_at: Timestamp(r.try_get("created_at")?),
    })
}
