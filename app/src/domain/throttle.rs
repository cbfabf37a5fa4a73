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
    /// Per account across every address: a distributed guess needs many addresses, so this
    /// lock is wide, and a known address (one the account signed in from) passes it.
    pub const ACCOUNT_WIDE: Policy = Policy {
        free_failures: 50,
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

    /// Takes back one failure of `key` (an attempt reserved as a failure that succeeded),
    /// without clearing the others.
    pub fn forgive(&mut self, key: &str) {
        if let Some(e) = self.entries.get_mut(key) {
            e.failures = e.failures.saturating_sub(1);
        }
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

/// Sign-in throttling per OWASP's advice: the back-off is keyed on the account *and* the
/// address, so a stranger's failures lock the stranger out, not the account's owner. The
/// per-address and account-wide locks (against one address guessing many accounts, and many
/// addresses guessing one) do not apply to an address the account has signed in from before.
///
/// An attempt is reserved *before* the password is checked, and counts as a failure until
/// [`SignInGuard::succeeded`] clears it: parallel guesses see each other, so 60 at once are
/// throttled exactly as 60 in a row.
#[derive(Debug)]
pub struct SignInGuard {
    pair: Throttle,
    account: Throttle,
    ip: Throttle,
    /// `account|address` pairs that signed in, with the time; bounded like the throttles.
    known: HashMap<String, i64>,
    capacity: usize,
}

/// How long an address stays known to an account after its last successful sign-in.
const KNOWN_FOR_MS: i64 = 90 * 86_400_000;

impl SignInGuard {
    /// A guard remembering at most `capacity` keys per kind.
    pub fn new(capacity: usize) -> SignInGuard {
        SignInGuard {
            pair: Throttle::new(Policy::ACCOUNT, capacity),
            account: Throttle::new(Policy::ACCOUNT_WIDE, capacity),
            ip: Throttle::new(Policy::IP, capacity),
            known: HashMap::new(),
            capacity: capacity.max(1),
        }
    }

    fn pair_key(account: &str, ip: &str) -> String {
        format!("{account}|{ip}")
    }

    /// Whether `account` signed in from `ip` within the last 90 days.
    pub fn is_known(&self, account: &str, ip: &str, now_ms: i64) -> bool {
        self.known
            .get(&Self::pair_key(account, ip))
            .is_some_and(|t| now_ms - t <= KNOWN_FOR_MS)
    }

    /// Reserves one attempt, counted as a failure from now on; `Err(retry_after_ms)` when a
    /// lock in force refuses it (nothing is counted then).
    pub fn reserve(&mut self, account: &str, ip: &str, now_ms: i64) -> Result<(), i64> {
        let pair = Self::pair_key(account, ip);
        let known = self.is_known(account, ip, now_ms);
        let mut wait = self.pair.check(&pair, now_ms).err();
        if !known {
            wait = wait
                .max(self.account.check(account, now_ms).err())
                .max(self.ip.check(ip, now_ms).err());
        }
        if let Some(w) = wait {
            return Err(w);
        }
        self.pair.fail(&pair, now_ms);
        self.account.fail(account, now_ms);
        self.ip.fail(ip, now_ms);
        Ok(())
    }

    /// The reserved attempt was right: its failure is taken back and the address becomes
    /// known to the account.
    pub fn succeeded(&mut self, account: &str, ip: &str, now_ms: i64) {
        let pair = Self::pair_key(account, ip);
        self.pair.succeed(&pair);
        self.account.succeed(account);
        self.ip.forgive(ip);
        if !self.known.contains_key(&pair) && self.known.len() >= self.capacity {
            self.known.retain(|_, t| now_ms - *t <= KNOWN_FOR_MS);
            if self.known.len() >= self.capacity {
                let oldest = self
                    .known
                    .iter()
                    .min_by_key(|(_, t)| **t)
                    .map(|(k, _)| k.clone());
                if let Some(k) = oldest {
                    self.known.remove(&k);
                }
            }
        }
        self.known.insert(pair, now_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_guesses_are_throttled_like_sequential_ones() {
        let mut g = SignInGuard::new(100);
        // 60 attempts reserved before any finishes: only the free ones and the first
        // locking one get through.
        let through = (0..60)
            .filter(|_| g.reserve("acct", "1.1.1.1", 0).is_ok())
            .count();
        assert_eq!(through, 6);
    }

    #[test]
    fn a_stranger_cannot_lock_the_owner_out_of_a_known_address() {
        let mut g = SignInGuard::new(100);
        g.reserve("acct", "10.0.0.1", 0).unwrap();
        g.succeeded("acct", "10.0.0.1", 0);
        // An attacker fails 200 times from many addresses and from the owner's NAT.
        for i in 0..200 {
            let _ = g.reserve("acct", &format!("6.6.6.{i}"), 1_000 + i);
            let _ = g.reserve(&format!("other{i}"), "10.0.0.1", 1_000 + i);
        }
        assert!(
            g.reserve("acct", "6.6.6.250", 2_000).is_err(),
            "account-wide lock"
        );
        assert!(
            g.reserve("someone", "10.0.0.1", 2_000).is_err(),
            "address lock"
        );
        // The owner, from the address it signed in from, still gets to try.
        assert!(g.reserve("acct", "10.0.0.1", 2_000).is_ok());
        // But its own address's back-off on its own account still holds after failures.
        for t in 0..10 {
            let _ = g.reserve("acct", "10.0.0.1", 3_000 + t);
        }
        assert!(g.reserve("acct", "10.0.0.1", 3_100).is_err());
    }

    #[test]
    fn known_addresses_are_bounded_and_expire() {
        let mut g = SignInGuard::new(3);
        for i in 0..10 {
            g.succeeded("a", &format!("ip{i}"), i);
        }
        assert!(g.known.len() <= 3);
        assert!(g.is_known("a", "ip9", 10));
        assert!(!g.is_known("a", "ip9", 10 + KNOWN_FOR_MS + 1));
    }

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
