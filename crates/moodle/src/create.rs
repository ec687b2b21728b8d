//! Creation of rows Moodle cannot create twice (users, groups): a request is sent once, and
//! after an *ambiguous* failure the rows are looked up before anything is created again.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;

use serde::de::DeserializeOwned;

use crate::error::MoodleError;
use crate::form::Form;
use crate::transport::{Mode, MoodleClient};

/// One kind of row that a non-idempotent `*_create_*` function creates.
pub(crate) trait Creatable: Sync + Sized {
    /// What identifies a row before and after creation (username; course and name).
    type Key: Eq + Hash + Send;
    /// The row as Moodle returns it.
    type Created: DeserializeOwned + Clone + Send;
    /// The web-service function.
    const FUNCTION: &'static str;
    /// The row's noun in the error when Moodle does not return every row.
    const NOUN: &'static str;
    /// The warning logged before looking rows up after an ambiguous failure.
    const AMBIGUOUS: &'static str;

    /// The key of a row to create.
    fn key(&self) -> Self::Key;
    /// The key of a created row.
    fn created_key(created: &Self::Created) -> Self::Key;
    /// The parameters creating `rows`.
    fn form(rows: &[&Self]) -> Form;
    /// The rows of these keys that exist on the site.
    fn look_up(
        client: &MoodleClient,
        keys: Vec<Self::Key>,
    ) -> impl Future<Output = Result<Vec<Self::Created>, MoodleError>> + Send;
}

impl MoodleClient {
    /// Creates `chunk` with one request of `I::FUNCTION` (not idempotent, so sent once); after
    /// an *ambiguous* failure (timeout, broken connection, HTTP 5xx: Moodle may have committed
    /// the request) looks the rows up and creates only the ones still missing, up to the retry
    /// policy's attempts. The created rows in input order; a row found by the look-up counts as
    /// created.
    pub(crate) async fn create_once_or_look_up<I: Creatable>(
        &self,
        chunk: &[I],
    ) -> Result<Vec<I::Created>, MoodleError> {
        let policy = self.retry_policy();
        let attempts = policy.max_attempts.max(1);
        let mut done: HashMap<I::Key, I::Created> = HashMap::new();
        let mut attempt = 0;
        loop {
            let remaining: Vec<&I> = chunk.iter().filter(|r| !done.contains_key(&r.key())).collect();
            if remaining.is_empty() {
                break;
            }
            let e = match self
                .call::<Vec<I::Created>>(I::FUNCTION, &I::form(&remaining), Mode::Once)
                .await
            {
                Ok(list) => {
                    done.extend(list.into_iter().map(|c| (I::created_key(&c), c)));
                    break;
                }
                Err(e) if matches!(e, MoodleError::CircuitOpen(_)) || !e.is_retryable() => return Err(e),
                Err(e) => e,
            };
            if e.is_ambiguous() {
                tracing::warn!(site = %self.site_name(), error = %e, "{}", I::AMBIGUOUS);
                let keys = remaining.iter().map(|r| r.key()).collect();
                let found = I::look_up(self, keys).await?;
                done.extend(found.into_iter().map(|c| (I::created_key(&c), c)));
                if chunk.iter().all(|r| done.contains_key(&r.key())) {
                    break;
                }
            }
            attempt += 1;
            if attempt >= attempts {
                return Err(e);
            }
            tokio::time::sleep(policy.delay(attempt - 1)).await;
        }
        chunk
            .iter()
            .map(|r| done.get(&r.key()).cloned())
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| MoodleError::Decode {
                function: I::FUNCTION.to_owned(),
                detail: format!("Moodle did not return every created {}", I::NOUN),
            })
    }
}
