//! A per-site circuit breaker.
//!
//! When a Moodle site is down, every queued job would otherwise spend its full timeout and retry
//! budget against it. The breaker counts consecutive retryable failures; at the threshold it
//! opens and calls fail at once with [`CircuitOpen`]. After the cool-down it goes half-open and
//! lets **exactly one** probe through (the state change happens under one lock, so concurrent
//! callers cannot both become the probe); the probe's success closes the circuit, its failure
//! re-opens it for another cool-down.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};

/// Tunables of a [`CircuitBreaker`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakerConfig {
    /// Consecutive retryable failures that open the circuit.
    pub failure_threshold: u32,
    /// How long the circuit stays open before one probe is allowed.
    pub cool_down: Duration,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        Self {
            failure_threshold: 5,
            cool_down: Duration::from_secs(30),
        }
    }
}

/// Observable state, for metrics and the admin UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum BreakerState {
    /// Requests flow.
    Closed,
    /// Requests are refused until `until` (wall-clock, for display).
    Open { until: SystemTime },
    /// The cool-down is over; one probe may run (or is running).
    HalfOpen,
}

/// Returned instead of running a request while the circuit is open (or a probe is in flight).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("circuit open: the remote site failed repeatedly; retry after the cool-down")]
pub struct CircuitOpen;

/// Monotonic time source; injectable so tests need not sleep through cool-downs.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current monotonic instant.
    fn now(&self) -> Instant;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that only moves when told to (tests).
#[derive(Debug)]
pub struct ManualClock {
    base: Instant,
    offset: Mutex<Duration>,
}

impl ManualClock {
    /// A clock frozen at the moment of creation.
    pub fn new() -> Self {
        Self {
            base: Instant::now(),
            offset: Mutex::new(Duration::ZERO),
        }
    }

    /// Move the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut o = self.offset.lock().unwrap_or_else(|p| p.into_inner());
        *o += by;
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.base + *self.offset.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[derive(Debug, Clone, Copy)]
enum Inner {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen { probe_in_flight: bool },
}

/// The breaker. Cheap to share behind an `Arc`; all methods take `&self`.
#[derive(Debug)]
pub struct CircuitBreaker {
    config: BreakerConfig,
    clock: Arc<dyn Clock>,
    inner: Mutex<Inner>,
}

impl CircuitBreaker {
    /// A breaker on the system clock.
    pub fn new(config: BreakerConfig) -> Self {
        Self::with_clock(config, Arc::new(SystemClock))
    }

    /// A breaker on an injected clock.
    pub fn with_clock(config: BreakerConfig, clock: Arc<dyn Clock>) -> Self {
        Self {
            config,
            clock,
            inner: Mutex::new(Inner::Closed { failures: 0 }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding this lock cannot leave the small state inconsistent.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The current state (an open circuit whose cool-down is over reports `HalfOpen`).
    pub fn state(&self) -> BreakerState {
        let now = self.clock.now();
        match *self.lock() {
            Inner::Closed { .. } => BreakerState::Closed,
            Inner::Open { until } if until > now => BreakerState::Open {
                until: SystemTime::now() + until.saturating_duration_since(now),
            },
            Inner::Open { .. } | Inner::HalfOpen { .. } => BreakerState::HalfOpen,
        }
    }

    /// Ask to send one request. The returned permit must be resolved with
    /// [`BreakerPermit::success`] or [`BreakerPermit::failure`]; dropping it unresolved (e.g. the
    /// request future was cancelled) releases a probe slot without changing the state.
    pub fn acquire(&self) -> Result<BreakerPermit<'_>, CircuitOpen> {
        let now = self.clock.now();
        let mut inner = self.lock();
        match *inner {
            Inner::Closed { .. } => Ok(BreakerPermit {
                breaker: self,
                probe: false,
                resolved: false,
            }),
            Inner::Open { until } if until > now => Err(CircuitOpen),
            Inner::Open { .. } | Inner::HalfOpen { probe_in_flight: false } => {
                *inner = Inner::HalfOpen { probe_in_flight: true };
                tracing::info!("circuit half-open: sending one probe");
                Ok(BreakerPermit {
                    breaker: self,
                    probe: true,
                    resolved: false,
                })
            }
            Inner::HalfOpen { probe_in_flight: true } => Err(CircuitOpen),
        }
    }

    fn on_success(&self, probe: bool) {
        let mut inner = self.lock();
        match *inner {
            Inner::HalfOpen { .. } if probe => {
                tracing::info!("circuit closed: probe succeeded");
                *inner = Inner::Closed { failures: 0 };
            }
            Inner::Closed { .. } => *inner = Inner::Closed { failures: 0 },
            // A late success of a request started before the circuit opened does not close it:
            // only the probe decides.
            _ => {}
        }
    }

    fn on_failure(&self, probe: bool) {
        let now = self.clock.now();
        let mut inner = self.lock();
        match *inner {
            Inner::HalfOpen { .. } if probe => {
                tracing::warn!("circuit re-opened: probe failed");
                *inner = Inner::Open {
                    until: now + self.config.cool_down,
                };
            }
            Inner::Closed { failures } => {
                let failures = failures + 1;
                if failures >= self.config.failure_threshold.max(1) {
                    tracing::warn!(failures, "circuit opened");
                    *inner = Inner::Open {
                        until: now + self.config.cool_down,
                    };
                } else {
                    *inner = Inner::Closed { failures };
                }
            }
            _ => {}
        }
    }

    fn on_abandon(&self, probe: bool) {
        if probe {
            let mut inner = self.lock();
            if let Inner::HalfOpen { .. } = *inner {
                *inner = Inner::HalfOpen { probe_in_flight: false };
            }
        }
    }
}

/// Permission to send one request; see [`CircuitBreaker::acquire`].
#[derive(Debug)]
#[must_use = "resolve the permit with success() or failure()"]
pub struct BreakerPermit<'a> {
    breaker: &'a CircuitBreaker,
    probe: bool,
    resolved: bool,
}

impl BreakerPermit<'_> {
    /// Is this the single half-open probe?
    pub fn is_probe(&self) -> bool {
        self.probe
    }

    /// The site answered (including with a permanent error).
    pub fn success(mut self) {
        self.resolved = true;
        self.breaker.on_success(self.probe);
    }

    /// The request failed in a way that suggests the site is unhealthy.
    pub fn failure(mut self) {
        self.resolved = true;
        self.breaker.on_failure(self.probe);
    }
}

impl Drop for BreakerPermit<'_> {
    fn drop(&mut self) {
        if !self.resolved {
            self.breaker.on_abandon(self.probe);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker(threshold: u32) -> (Arc<CircuitBreaker>, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::new());
        let b = CircuitBreaker::with_clock(
            BreakerConfig {
                failure_threshold: threshold,
                cool_down: Duration::from_secs(10),
            },
            clock.clone(),
        );
        (Arc::new(b), clock)
    }

    #[test]
    fn opens_after_threshold_consecutive_failures() {
        let (b, _) = breaker(3);
        for _ in 0..2 {
            b.acquire().expect("closed").failure();
        }
        assert_eq!(b.state(), BreakerState::Closed);
        b.acquire().expect("closed").success(); // resets the count
        for _ in 0..2 {
            b.acquire().expect("closed").failure();
        }
        assert_eq!(b.state(), BreakerState::Closed);
        b.acquire().expect("closed").failure();
        assert!(matches!(b.state(), BreakerState::Open { .. }));
        assert_eq!(b.acquire().err(), Some(CircuitOpen));
    }

    #[test]
    fn half_open_probe_success_closes() {
        let (b, clock) = breaker(1);
        b.acquire().expect("closed").failure();
        assert!(b.acquire().is_err());
        clock.advance(Duration::from_secs(11));
        assert_eq!(b.state(), BreakerState::HalfOpen);
        let probe = b.acquire().expect("probe");
        assert!(probe.is_probe());
        assert!(b.acquire().is_err(), "second caller must not probe");
        probe.success();
        assert_eq!(b.state(), BreakerState::Closed);
        assert!(b.acquire().is_ok());
    }

    #[test]
    fn half_open_probe_failure_reopens() {
        let (b, clock) = breaker(1);
        b.acquire().expect("closed").failure();
        clock.advance(Duration::from_secs(11));
        b.acquire().expect("probe").failure();
        assert!(matches!(b.state(), BreakerState::Open { .. }));
        assert!(b.acquire().is_err());
        clock.advance(Duration::from_secs(11));
        b.acquire().expect("probe again").success();
        assert_eq!(b.state(), BreakerState::Closed);
    }

    #[test]
    fn abandoned_probe_frees_the_slot() {
        let (b, clock) = breaker(1);
        b.acquire().expect("closed").failure();
        clock.advance(Duration::from_secs(11));
        drop(b.acquire().expect("probe"));
        assert!(b.acquire().expect("slot freed").is_probe());
    }

    #[test]
    fn state_serializes() {
        let json = serde_json::to_string(&BreakerState::HalfOpen).unwrap();
        assert_eq!(json, r#"{"state":"half_open"}"#);
        let (b, _) = breaker(1);
        b.acquire().unwrap().failure();
        let json = serde_json::to_string(&b.state()).unwrap();
        assert!(json.contains("\"open\"") && json.contains("until"), "{json}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn exactly_one_probe_under_a_race() {
        for _round in 0..20 {
            let (b, clock) = breaker(1);
            b.acquire().expect("closed").failure();
            clock.advance(Duration::from_secs(11));
            let barrier = Arc::new(tokio::sync::Barrier::new(64));
            let mut tasks = Vec::new();
            for _ in 0..64 {
                let b = b.clone();
                let barrier = barrier.clone();
                tasks.push(tokio::spawn(async move {
                    barrier.wait().await;
                    match b.acquire() {
                        Ok(p) => {
                            // hold the probe across a yield so others race against it
                            tokio::task::yield_now().await;
                            let probe = p.is_probe();
                            std::mem::forget(p); // keep it "in flight" for the whole round
                            u32::from(probe)
                        }
                        Err(CircuitOpen) => 0,
                    }
                }));
            }
            let mut probes = 0;
            for t in tasks {
                probes += t.await.unwrap();
            }
            assert_eq!(probes, 1, "exactly one probe must pass");
        }
    }
}
