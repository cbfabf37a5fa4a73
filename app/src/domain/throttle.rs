//! Login throttling with exponential back-off, per key (an account or an IP address). Pure:
//! the caller passes the time, so tests step the clock.

use std::collections::HashMap;

/// The back-off policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Failures allowed before the first lock.
    pub free_failures: u32,
    /// First lock length; each further failure doubles it.
    pub base_lock_ms: i64,
    /// Longest lock.
    pub max_lock_ms: i64,
    /// A key with no failure for this long starts afresh.
    pub forget_after_ms: i64,
}

impl Policy {
    /// Per account: 5 free failures, then 1 s, 2 s, 4 s … capped at 15 min.
    pub const ACCOUNT: Policy = Policy {
        free_failures: 5,
        base_lock_ms: 1_000,
        max_lock_ms: 15 * 60_000,
        forget_after_ms: 60 * 60_000,
    };
    /// Per IP: more room (offices share an address), same shape.
    pub const IP: Policy = Policy {
        free_failures: 20,
        base_lock_ms: 1_000,
        max_lock_ms: 15 * 60_000,
        forget_after_ms: 60 * 60_000,
    };
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    failures: u32,
    last_failure_ms: i64,
    locked_until_ms: i64,
}

/// Failure counts per key, bounded in memory.
#[derive(Debug)]
pub struct Throttle {
    policy: Policy,
    entries: HashMap<String, Entry>,
    capacity: usize,
}

impl Throttle {
    /// A throttle with `policy`, remembering at most `capacity` keys (the stalest are
    /// forgotten first when full).
    pub fn new(policy: Policy, capacity: usize) -> Throttle {
        Throttle {
            policy,
            entries: HashMap::new(),
            capacity: capacity.max(1),
        }
    }

    /// `Err(retry_after_ms)` while `key` is locked.
    pub fn check(&self, key: &str, now_ms: i64) -> Result<(), i64> {
        match self.entries.get(key) {
            Some(e) if e.locked_until_ms > now_ms => Err(e.locked_until_ms - now_ms),
            _ => Ok(()),
        }
    }

    /// Records a failed attempt; returns the lock now in force, if any, in ms.
    pub fn fail(&mut self, key: &str, now_ms: i64) -> Option<i64> {
        if !self.entries.contains_key(key) && self.entries.len() >= self.capacity {
            self.evict(now_ms);
        }
        let p = self.policy;
        let e = self.entries.entry(key.to_string()).or_insert(Entry {
            failures: 0,
            last_failure_ms: now_ms,
            locked_until_ms: 0,
        });
        if now_ms - e.last_failure_ms > p.forget_after_ms {
            e.failures = 0;
        }
        e.failures = e.failures.saturating_add(1);
        e.last_failure_ms = now_ms;
        if e.failures > p.free_failures {
            let doublings = (e.failures - p.free_failures - 1).min(30);
            let lock = p
                .base_lock_ms
                .saturating_mul(1 << doublings)
                .min(p.max_lock_ms);
            e.locked_until_ms = now_ms + lock;
            Some(lock)
        } else {
            None
        }
    }

    /// A successful sign-in clears the key.
    pub fn succeed(&mut self, key: &str) {
        self.entries.remove(key);
    }

    /// Number of keys remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn evict(&mut self, now_ms: i64) {
        let forget = self.policy.forget_after_ms;
        self.entries
            .retain(|_, e| now_ms - e.last_failure_ms <= forget || e.locked_until_ms > now_ms);
        if self.entries.len() >= self.capacity {
            // Still full: drop the stalest tenth.
            let mut ages: Vec<(i64, String)> = self
                .entries
                .iter()
                .map(|(k, e)| (e.last_failure_ms, k.clone()))
                .collect();
            ages.sort();
            for (_, k) in ages.into_iter().take(self.capacity / 10 + 1) {
                self.entries.remove(&k);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_are_free_then_locks_double_up_to_the_cap() {
        let mut t = Throttle::new(Policy::ACCOUNT, 100);
        for i in 0..5 {
            assert_eq!(t.fail("a", i), None);
            assert!(t.check("a", i).is_ok());
        }
        assert_eq!(t.fail("a", 10), Some(1_000));
        assert_eq!(t.check("a", 10), Err(1_000));
        assert_eq!(t.check("a", 1_010), Ok(()));
        assert_eq!(t.fail("a", 1_010), Some(2_000));
        assert_eq!(t.fail("a", 3_010), Some(4_000));
        for k in 0..20 {
            t.fail("a", 10_000 + k);
        }
        assert_eq!(t.fail("a", 20_000), Some(15 * 60_000));
    }

    #[test]
    fn success_clears_and_keys_are_independent() {
        let mut t = Throttle::new(Policy::ACCOUNT, 100);
        for i in 0..6 {
            t.fail("a", i);
        }
        assert!(t.check("a", 6).is_err());
        assert!(t.check("b", 6).is_ok());
        t.succeed("a");
        assert!(t.check("a", 6).is_ok());
    }

    #[test]
    fn an_hour_without_failures_forgets() {
        let mut t = Throttle::new(Policy::ACCOUNT, 100);
        for i in 0..5 {
            t.fail("a", i);
        }
        assert_eq!(t.fail("a", 2 * 60 * 60_000), None);
    }

    #[test]
    fn memory_stays_bounded_under_a_spray_of_keys() {
        let mut t = Throttle::new(Policy::IP, 1_000);
        for i in 0..50_000 {
            t.fail(&format!("ip{i}"), i);
        }
        assert!(t.len() <= 1_000);
    }
}
