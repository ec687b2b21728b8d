//! Failed sign-ins counted per account and per address, so a password cannot be guessed by
//! trying many (per account) nor many accounts tried from one place (per address). Counts live
//! in this process: each replica counts its own, which multiplies an attacker's budget by the
//! number of replicas at most.

use mm_core::Timestamp;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Failures counted over this window, in seconds.
const WINDOW_SECS: i64 = 15 * 60;
/// Failed attempts on one account within the window before it is refused.
const PER_ACCOUNT: u32 = 5;
/// Failed attempts from one address within the window before it is refused.
const PER_ADDRESS: u32 = 20;
/// Entries kept before old windows are swept, so a flood of addresses cannot grow the map.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Subject {
    Account(String),
    Address(IpAddr),
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    since: Timestamp,
}

#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<Subject, Failures>>,
}

impl LoginThrottle {
    /// `Err(seconds)` to wait when the account or the address has failed too often.
    pub fn check(&self, email: &str, address: Option<IpAddr>, now: Timestamp) -> Result<(), i64> {
        let failures = self.lock();
        let wait = |subject: Subject, limit: u32| {
            failures
                .get(&subject)
                .filter(|f| f.count >= limit && now.0 - f.since.0 < WINDOW_SECS)
                .map(|f| f.since.0 + WINDOW_SECS - now.0)
        };
        let account = wait(Subject::Account(email.trim().to_lowercase()), PER_ACCOUNT);
        let address = address.and_then(|a| wait(Subject::Address(a), PER_ADDRESS));
        match account.max(address) {
            Some(seconds) => Err(seconds.max(1)),
            None => Ok(()),
        }
    }

    pub fn failed(&self, email: &str, address: Option<IpAddr>, now: Timestamp) {
        let mut failures = self.lock();
        if failures.len() > PRUNE_ABOVE {
            failures.retain(|_, f| now.0 - f.since.0 < WINDOW_SECS);
        }
        let subjects = [
            Some(Subject::Account(email.trim().to_lowercase())),
            address.map(Subject::Address),
        ];
        for subject in subjects.into_iter().flatten() {
            let entry = failures.entry(subject).or_insert(Failures { count: 0, since: now });
            if now.0 - entry.since.0 >= WINDOW_SECS {
                *entry = Failures { count: 0, since: now };
            }
            entry.count += 1;
        }
    }

    /// A correct password clears the account's count (not the address's: one right guess
    /// among many must not reopen the address).
    pub fn succeeded(&self, email: &str) {
        self.lock().remove(&Subject::Account(email.trim().to_lowercase()));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Subject, Failures>> {
        // A panic while holding the lock leaves counts that are still counts.
        self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Timestamp = Timestamp(1_800_000_000);

    fn at(secs: i64) -> Timestamp {
        Timestamp(T0.0 + secs)
    }

    #[test]
    fn an_account_is_refused_after_its_limit_until_the_window_passes() {
        let t = LoginThrottle::default();
        for i in 0..PER_ACCOUNT {
            assert_eq!(t.check("ana@example.com", None, at(i.into())), Ok(()));
            t.failed("Ana@Example.com", None, at(i.into()));
        }
        let wait = t.check("ana@example.com", None, at(10)).unwrap_err();
        assert_eq!(wait, WINDOW_SECS - 10);
        assert_eq!(
            t.check("bob@example.com", None, at(10)),
            Ok(()),
            "another account is not refused"
        );
        assert_eq!(t.check("ana@example.com", None, at(WINDOW_SECS)), Ok(()));
    }

    #[test]
    fn an_address_is_refused_after_trying_many_accounts_and_success_does_not_reopen_it() {
        let t = LoginThrottle::default();
        let ip: IpAddr = "203.0.113.9".parse().unwrap();
        for i in 0..PER_ADDRESS {
            t.failed(&format!("user{i}@example.com"), Some(ip), at(0));
        }
        t.succeeded("user0@example.com");
        assert!(t.check("new@example.com", Some(ip), at(1)).is_err());
        assert_eq!(
            t.check("new@example.com", Some("203.0.113.10".parse().unwrap()), at(1)),
            Ok(())
        );
    }

    #[test]
    fn a_success_clears_the_accounts_count() {
        let t = LoginThrottle::default();
        for _ in 0..PER_ACCOUNT - 1 {
            t.failed("ana@example.com", None, at(0));
        }
        t.succeeded("ana@example.com");
        t.failed("ana@example.com", None, at(1));
        assert_eq!(t.check("ana@example.com", None, at(2)), Ok(()));
    }
}
