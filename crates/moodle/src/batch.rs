//! Batching of list calls and the error that says which part of a list failed.

use std::ops::Range;

use crate::error::MoodleError;
use crate::users::CreatedUser;

/// One failed request of a batched call.
#[derive(Debug, Clone)]
pub struct BatchFailure {
    /// Indices (into the caller's list) this request carried. Moodle rolls back the whole
    /// request on one bad item, so none of them took effect; bisect to find the culprit.
    pub range: Range<usize>,
    /// Why.
    pub error: MoodleError,
}

/// Some requests of a batched call failed; the others succeeded.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{} of {total} items failed in {} request(s); first error: {}", self.failed_count(), failures.len(), failures.first().map(|f| f.error.to_string()).unwrap_or_default())]
pub struct BatchError {
    /// Number of items in the call.
    pub total: usize,
    /// Failed requests, in input order.
    pub failures: Vec<BatchFailure>,
    /// For `create_users`: the users that the successful requests created (empty otherwise).
    pub created: Vec<CreatedUser>,
}

impl BatchError {
    /// How many input items failed.
    pub fn failed_count(&self) -> usize {
        self.failures.iter().map(|f| f.range.len()).sum()
    }

    /// Every failed input index.
    pub fn failed_indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.failures.iter().flat_map(|f| f.range.clone())
    }

    /// True when every failure is transient (the whole call may simply be retried later).
    pub fn is_retryable(&self) -> bool {
        self.failures.iter().all(|f| f.error.is_retryable())
    }
}

/// The outcome of each request of a batched call ([`crate::MoodleClient::call_batched`]), in
/// input order.
pub(crate) type ChunkResults<T> = Vec<(Range<usize>, Result<T, MoodleError>)>;

/// The successful answers in input order, and the failed requests.
pub(crate) fn partition<T>(results: ChunkResults<T>) -> (Vec<T>, Vec<BatchFailure>) {
    let mut ok = Vec::with_capacity(results.len());
    let mut failures = Vec::new();
    for (range, r) in results {
        match r {
            Ok(v) => ok.push(v),
            Err(error) => failures.push(BatchFailure { range, error }),
        }
    }
    (ok, failures)
}

/// The successful answers in input order, or a [`BatchError`] naming every failed request (for
/// calls that create nothing).
pub(crate) fn collect<T>(total: usize, results: ChunkResults<T>) -> Result<Vec<T>, BatchError> {
    let (ok, failures) = partition(results);
    if failures.is_empty() {
        return Ok(ok);
    }
    Err(BatchError {
        total,
        failures,
        created: Vec::new(),
    })
}

/// The answers concatenated in input order, or the first error (for reads, where a partial
/// answer is useless).
pub(crate) fn concat_or_first_error<T>(results: ChunkResults<Vec<T>>) -> Result<Vec<T>, MoodleError> {
    let mut out = Vec::new();
    for (_, r) in results {
        out.extend(r?);
    }
    Ok(out)
}

/// Split `0..len` into consecutive ranges of at most `size`.
pub(crate) fn chunks(len: usize, size: usize) -> Vec<Range<usize>> {
    let size = size.max(1);
    (0..len)
        .step_by(size)
        .map(|start| start..(start + size).min(len))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunking() {
        assert_eq!(chunks(250, 100), vec![0..100, 100..200, 200..250]);
        assert_eq!(chunks(0, 100), Vec::<Range<usize>>::new());
        assert_eq!(chunks(3, 0), vec![0..1, 1..2, 2..3]);
    }
}
