//! `Idempotency-Key`: a client that retries a request it is unsure about (a timeout, a dropped
//! connection) sends the same key, and gets the first answer again instead of a second effect.
//!
//! [`Engine::begin_idempotent`] records the key's first use before the request runs;
//! [`Engine::complete_idempotent`] keeps its answer, or [`Engine::abandon_idempotent`] frees the
//! key when the answer should not be replayed (a failure the client may retry). Keys are per
//! caller and live a day; the same key for another request (body, method or path) is refused.

use crate::engine::Engine;
use mm_core::Timestamp;
use mm_store::{KeyClaim, NewIdempotencyKey, StoreError};
use sha2::{Digest, Sha256};

pub use mm_store::StoredAnswer;

/// How long a key is remembered.
pub const KEY_LIFETIME_SECS: i64 = 24 * 60 * 60;

/// A first use still in progress after this long is taken to have died with its request (the
/// process stopped, the client went away), and the key is free again.
pub const IN_PROGRESS_STALE_SECS: i64 = 120;

/// The longest key accepted.
pub const MAX_KEY_LEN: usize = 255;

/// A well-formed `Idempotency-Key`: 1 to 255 printable ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

/// Why a key is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the Idempotency-Key must be 1 to 255 printable ASCII characters (a UUID is a good choice)")]
pub struct InvalidIdempotencyKey;

impl IdempotencyKey {
    pub fn parse(key: &str) -> Result<IdempotencyKey, InvalidIdempotencyKey> {
        let printable = key.bytes().all(|b| (b' '..=b'~').contains(&b));
        if key.is_empty() || key.len() > MAX_KEY_LEN || !printable {
            return Err(InvalidIdempotencyKey);
        }
        Ok(IdempotencyKey(key.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The credentials a request came with, as the web edge found them (not checked here: the
/// route's own authentication refuses bad ones).
#[derive(Debug, Clone, Copy)]
pub enum Credentials<'a> {
    /// The `Authorization` header's value.
    Authorization(&'a str),
    /// The admin session cookie's value.
    Session(&'a str),
}

impl Credentials<'_> {
    /// A stable name of the caller that does not reveal the credentials: their SHA-256.
    pub fn caller_id(&self) -> String {
        match self {
            Credentials::Authorization(v) => format!("authorization:{}", hex_sha256(v.as_bytes())),
            Credentials::Session(v) => format!("session:{}", hex_sha256(v.as_bytes())),
        }
    }
}

/// A request that carries a key.
#[derive(Debug, Clone, Copy)]
pub struct IdempotentRequest<'a> {
    /// A stable, non-secret name of the caller's credentials (see the web edge), so two
    /// callers' keys never meet.
    pub caller: &'a str,
    pub key: &'a IdempotencyKey,
    pub method: &'a str,
    /// The path and query.
    pub path: &'a str,
    pub body: &'a [u8],
}

/// What to do with a request that carries a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyStart {
    /// The key's first use: run the request, then complete or abandon it.
    New,
    /// The same request was answered before: send this answer again.
    Replay(StoredAnswer),
    /// The same request is still running: the client should wait and retry.
    InProgress,
    /// The key was used for a different request.
    Mismatch(KeyMismatch),
}

/// What differs from the key's first use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMismatch {
    Body,
    /// The method or the path.
    Target,
}

impl Engine {
    /// Records the key's first use, or says how it was used before.
    pub async fn begin_idempotent(&self, request: IdempotentRequest<'_>) -> Result<IdempotencyStart, StoreError> {
        let now = self.now();
        let body_sha256 = hex_sha256(request.body);
        let new = NewIdempotencyKey {
            caller: request.caller.to_owned(),
            key: request.key.as_str().to_owned(),
            method: request.method.to_owned(),
            path: request.path.to_owned(),
            body_sha256,
            created_at: now,
            expires_at: Timestamp(now.0 + KEY_LIFETIME_SECS),
        };
        let stale_before = Timestamp(now.0 - IN_PROGRESS_STALE_SECS);
        let record = match self.store.claim_idempotency_key(&new, stale_before).await? {
            KeyClaim::Claimed => return Ok(IdempotencyStart::New),
            KeyClaim::Taken(record) => record,
        };
        Ok(if record.method != new.method || record.path != new.path {
            IdempotencyStart::Mismatch(KeyMismatch::Target)
        } else if record.body_sha256 != new.body_sha256 {
            IdempotencyStart::Mismatch(KeyMismatch::Body)
        } else {
            match record.answer {
                Some(answer) => IdempotencyStart::Replay(answer),
                None => IdempotencyStart::InProgress,
            }
        })
    }

    /// Keeps the answer of a key's first use, to replay.
    pub async fn complete_idempotent(
        &self,
        caller: &str,
        key: &IdempotencyKey,
        answer: &StoredAnswer,
    ) -> Result<(), StoreError> {
        if !self
            .store
            .complete_idempotency_key(caller, key.as_str(), answer)
            .await?
        {
            tracing::warn!(
                "an idempotency key was taken over before its answer was kept (its request ran over two minutes)"
            );
        }
        Ok(())
    }

    /// Frees a key whose first use is not to be replayed, so a retry runs again.
    pub async fn abandon_idempotent(&self, caller: &str, key: &IdempotencyKey) -> Result<(), StoreError> {
        self.store.release_idempotency_key(caller, key.as_str()).await
    }

    /// Forgets the keys older than a day; how many (called by a periodic loop).
    pub async fn purge_idempotency_keys(&self) -> Result<u64, StoreError> {
        self.store.purge_idempotency_keys(self.now()).await
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_one_to_255_printable_ascii_characters() {
        for good in [
            "a",
            "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "with space ~",
            &"k".repeat(255),
        ] {
            assert_eq!(IdempotencyKey::parse(good).map(|k| k.as_str().len()), Ok(good.len()));
        }
        for bad in ["", &"k".repeat(256), "tab\there", "new\nline", "é", "\u{7f}"] {
            assert_eq!(IdempotencyKey::parse(bad), Err(InvalidIdempotencyKey), "{bad:?}");
        }
    }

    #[test]
    fn a_body_is_known_by_its_sha256() {
        assert_eq!(
            hex_sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
