//! Retry with exponential backoff and full jitter.
//!
//! Full jitter (`delay = random(0, min(max, base * 2^attempt))`, AWS architecture blog,
//! "Exponential Backoff And Jitter") spreads the retries of many workers that failed at the same
//! moment, so a recovering site is not hit by a synchronised wave.

use std::future::Future;
use std::time::Duration;

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::breaker::{CircuitBreaker, CircuitOpen};

/// An error that knows whether trying again can help.
///
/// Only transient failures (network, timeout, HTTP 5xx, "site in maintenance") should answer
/// `true`; retrying a permanent error (bad token, missing permission) only adds load and delay.
pub trait Retryable {
    /// `true` when the same request may succeed later.
    fn is_retryable(&self) -> bool;
    /// A server-given minimum wait (`Retry-After`), if any.
    fn retry_after(&self) -> Option<Duration> {
        None
    }
}

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// Total attempts including the first one; `1` means "never retry".
    pub max_attempts: u32,
    /// Base of the exponential schedule.
    pub base: Duration,
    /// Cap of a single delay.
    pub max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base: Duration::from_millis(200),
            max: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// A policy that makes exactly one attempt (for non-idempotent requests).
    pub fn no_retry() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The upper bound of the delay after failed attempt number `attempt` (0-based):
    /// `min(max, base * 2^attempt)`.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX);
        self.base.checked_mul(factor).map_or(self.max, |d| d.min(self.max))
    }

    /// The jittered delay after failed attempt number `attempt` (0-based): uniform in
    /// `[0, ceiling(attempt)]`.
    pub fn delay(&self, attempt: u32) -> Duration {
        let ceiling = self.ceiling(attempt);
        if ceiling.is_zero() {
            return ceiling;
        }
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rand::thread_rng().gen_range(0..=nanos))
    }

    /// The delay to wait given an optional server `Retry-After`: never shorter than what the
    /// server asked for. Returns `None` when the server asks for more than `max`: then waiting
    /// inside a request is the wrong place, and the caller's job queue should reschedule.
    pub fn delay_with_retry_after(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        let jittered = self.delay(attempt);
        match retry_after {
            Some(ra) if ra > self.max => None,
            Some(ra) => Some(jittered.max(ra)),
            None => Some(jittered),
        }
    }
}

/// Run `op` until it succeeds, fails permanently, or `policy.max_attempts` is reached.
///
/// With a `breaker`, every attempt first asks it for a permit; when the circuit is open the call
/// fails at once with `E::from(CircuitOpen)` (no waiting: the caller's queue retries later). A
/// retryable failure counts against the breaker; a permanent one proves the site answered, so it
/// counts as a success for the breaker.
pub async fn retry<T, E, F, Fut>(policy: &RetryPolicy, breaker: Option<&CircuitBreaker>, mut op: F) -> Result<T, E>
where
    E: Retryable + From<CircuitOpen>,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let attempts = policy.max_attempts.max(1);
    let mut attempt = 0u32;
    loop {
        let permit = match breaker {
            Some(b) => Some(b.acquire().map_err(E::from)?),
            None => None,
        };
        let result = op(attempt).await;
        match result {
            Ok(v) => {
                if let Some(p) = permit {
                    p.success();
                }
                return Ok(v);
            }
            Err(e) => {
                let retryable = e.is_retryable();
                if let Some(p) = permit {
                    if retryable { p.failure() } else { p.success() }
                }
                if !retryable || attempt + 1 >= attempts {
                    return Err(e);
                }
                let Some(wait) = policy.delay_with_retry_after(attempt, e.retry_after()) else {
                    return Err(e);
                };
                tracing::debug!(
                    attempt,
                    wait_ms = wait.as_millis() as u64,
                    "retrying after transient error"
                );
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[derive(Debug)]
    enum E {
        Transient,
        Permanent,
        Open,
    }
    impl Retryable for E {
        fn is_retryable(&self) -> bool {
            matches!(self, E::Transient)
        }
    }
    impl From<CircuitOpen> for E {
        fn from(_: CircuitOpen) -> Self {
            E::Open
        }
    }

    fn fast() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            base: Duration::from_millis(1),
            max: Duration::from_millis(5),
        }
    }

    #[test]
    fn ceiling_is_exponential_and_capped() {
        let p = RetryPolicy {
            max_attempts: 10,
            base: Duration::from_millis(100),
            max: Duration::from_secs(1),
        };
        assert_eq!(p.ceiling(0), Duration::from_millis(100));
        assert_eq!(p.ceiling(1), Duration::from_millis(200));
        assert_eq!(p.ceiling(3), Duration::from_millis(800));
        assert_eq!(p.ceiling(4), Duration::from_secs(1));
        assert_eq!(p.ceiling(40), Duration::from_secs(1));
        assert_eq!(p.ceiling(u32::MAX), Duration::from_secs(1));
    }

    #[test]
    fn jitter_stays_in_range_and_varies() {
        let p = RetryPolicy {
            max_attempts: 10,
            base: Duration::from_millis(100),
            max: Duration::from_secs(1),
        };
        for attempt in 0..8 {
            let mut seen = std::collections::HashSet::new();
            for _ in 0..200 {
                let d = p.delay(attempt);
                assert!(d <= p.ceiling(attempt), "{d:?} > ceiling");
                seen.insert(d);
            }
            assert!(seen.len() > 50, "full jitter should spread values");
        }
        // Full jitter: some delays are in the lower half of the range.
        assert!((0..200).any(|_| p.delay(3) < p.ceiling(3) / 2));
    }

    #[test]
    fn retry_after_is_honoured() {
        let p = RetryPolicy {
            max_attempts: 3,
            base: Duration::from_millis(1),
            max: Duration::from_secs(5),
        };
        assert!(
            p.delay_with_retry_after(0, Some(Duration::from_secs(2)))
                .is_some_and(|d| d >= Duration::from_secs(2))
        );
        assert_eq!(p.delay_with_retry_after(0, Some(Duration::from_secs(60))), None);
    }

    #[tokio::test]
    async fn retries_transient_then_succeeds() {
        let n = Arc::new(AtomicU32::new(0));
        let n2 = n.clone();
        let r: Result<u32, E> = retry(&fast(), None, move |_| {
            let n = n2.clone();
            async move {
                let k = n.fetch_add(1, Ordering::SeqCst);
                if k < 2 { Err(E::Transient) } else { Ok(k) }
            }
        })
        .await;
        assert_eq!(r.ok(), Some(2));
        assert_eq!(n.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn permanent_is_not_retried() {
        let n = Arc::new(AtomicU32::new(0));
        let n2 = n.clone();
        let r: Result<(), E> = retry(&fast(), None, move |_| {
            let n = n2.clone();
            async move {
                n.fetch_add(1, Ordering::SeqCst);
                Err(E::Permanent)
            }
        })
        .await;
        assert!(matches!(r, Err(E::Permanent)));
        assert_eq!(n.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn gives_up_after_max_attempts() {
        let n = Arc::new(AtomicU32::new(0));
        let n2 = n.clone();
        let r: Result<(), E> = retry(&fast(), None, move |_| {
            let n = n2.clone();
            async move {
                n.fetch_add(1, Ordering::SeqCst);
                Err(E::Transient)
            }
        })
        .await;
        assert!(matches!(r, Err(E::Transient)));
        assert_eq!(n.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn open_breaker_fails_fast() {
        let clock = Arc::new(crate::breaker::ManualClock::new());
        let b = CircuitBreaker::with_clock(
            crate::breaker::BreakerConfig {
                failure_threshold: 2,
                cool_down: Duration::from_secs(30),
            },
            clock,
        );
        let n = Arc::new(AtomicU32::new(0));
        let n2 = n.clone();
        let r: Result<(), E> = retry(&fast(), Some(&b), move |_| {
            let n = n2.clone();
            async move {
                n.fetch_add(1, Ordering::SeqCst);
                Err(E::Transient)
            }
        })
        .await;
        // two failures open the breaker; the third attempt is refused without calling op
        assert!(matches!(r, Err(E::Open)));
        assert_eq!(n.load(Ordering::SeqCst), 2);
    }
}
