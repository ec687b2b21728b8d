//! Time as plain data: the core never reads a clock, callers pass `now`.

use serde::{Deserialize, Serialize};

/// Seconds since the Unix epoch (UTC). Moodle speaks this unit on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub const fn seconds(self) -> i64 {
        self.0
    }

    /// `self + secs`, saturating instead of overflowing on absurd durations.
    pub const fn plus_seconds(self, secs: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(secs))
    }
}
