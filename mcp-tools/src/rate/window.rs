//! [`WindowRateLimiter`]: fixed-window budgets in memory, the default limiter.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use super::{
    Acquired, RateClass, RateExceeded, RateFuture, RateKey, RateLimiter, RateRefusal, RateStatus,
};
use crate::caller::Caller;

/// Fixed-window budgets in memory, per account (or per caller).
///
/// Tool calls and, when a transport counts them, other requests
/// ([`RateClass::Request`]) draw on the general budget; calls of destructive
/// tools on the destructive one as well. Anonymous calls (no caller) share one
/// budget. Keys whose windows have all
/// ended are pruned as the map grows, so memory follows the active callers.
pub struct WindowRateLimiter {
    calls: Budget,
    destructive: Option<Budget>,
    failed_confirmations: Budget,
    key: RateKey,
    buckets: Mutex<Buckets>,
}

/// Refused confirmation tokens allowed per key unless configured.
const DEFAULT_FAILED_CONFIRMATIONS: Budget = Budget {
    limit: 50,
    window: Duration::from_secs(3600),
};

#[derive(Debug, Clone, Copy)]
struct Budget {
    limit: u32,
    window: Duration,
}

#[derive(Default)]
struct Buckets {
    by_key: HashMap<BucketKey, Bucket, BuildHasherDefault<DigestHasher>>,
    prune_at: usize,
}

/// Whose bucket: an account or a caller, with the keyed digest of its name
/// the [`Caller`] carries (so a look-up hashes nothing), or the anonymous one.
#[derive(Debug, Clone)]
enum BucketKey {
    Account(Arc<str>, u64),
    Caller(Arc<str>, u64),
    Anonymous,
}

impl PartialEq for BucketKey {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Account(a, _), Self::Account(b, _))
            | (Self::Caller(a, _), Self::Caller(b, _)) => a == b,
            (Self::Anonymous, Self::Anonymous) => true,
            _ => false,
        }
    }
}

impl Eq for BucketKey {}

impl Hash for BucketKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Equal names have equal digests; an account and a caller of the
        // same name land apart.
        state.write_u64(match self {
            Self::Account(_, digest) => *digest,
            Self::Caller(_, digest) => !*digest,
            Self::Anonymous => 0,
        });
    }
}

/// The hasher of [`BucketKey`]s: their digest is already a keyed hash, so it
/// is taken as it is.
#[derive(Default)]
struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Not called by `BucketKey`; mixes anything else in all the same.
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, digest: u64) {
        self.0 ^= digest;
    }
}

/// One budget's window: when it ends, and what was used of it. Kept as its
/// end rather than its start, so that telling whether it is over is a
/// comparison rather than a subtraction.
#[derive(Debug, Clone, Copy)]
struct Window {
    ends: Instant,
    used: u32,
}

impl Window {
    /// A window that is over: the first call after it starts a new one.
    fn ended(now: Instant) -> Self {
        Window { ends: now, used: 0 }
    }

    /// The window `now` falls in: this one, or a new one starting now.
    fn current(&mut self, budget: Budget, now: Instant) -> &mut Self {
        if now >= self.ends {
            *self = Window {
                ends: now + budget.window,
                used: 0,
            };
        }
        self
    }

    /// The status of the window [`current`](Self::current) returned.
    fn status(&self, budget: Budget, now: Instant, wall: SystemTime) -> RateStatus {
        let reset_after = self.ends.saturating_duration_since(now);
        RateStatus {
            limit: budget.limit,
            remaining: budget.limit.saturating_sub(self.used),
            reset_at: wall + reset_after,
            reset_after,
            window: Some(budget.window),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    calls: Window,
    destructive: Window,
    failed_confirmations: Window,
}

impl WindowRateLimiter {
    /// At most `limit` calls per `window` for each key, destructive or not.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            calls: Budget { limit, window },
            destructive: None,
            failed_confirmations: DEFAULT_FAILED_CONFIRMATIONS,
            key: RateKey::default(),
            buckets: Mutex::default(),
        }
    }

    /// Also at most `limit` calls of destructive tools per `window` (dry runs
    /// of confirm tools excepted). They count against the general budget too.
    pub fn destructive_budget(mut self, limit: u32, window: Duration) -> Self {
        self.destructive = Some(Budget { limit, window });
        self
    }

    /// At most `limit` refused confirmation tokens per `window` for each
    /// caller, whatever the key (default: 50 per hour). Once spent, the
    /// caller's calls carrying a token are refused whatever the token, right
    /// or wrong, so a token cannot be guessed by trying; dry runs, other
    /// tools and other callers of the account still work.
    pub fn failed_confirmation_budget(mut self, limit: u32, window: Duration) -> Self {
        self.failed_confirmations = Budget { limit, window };
        self
    }

    /// Whose budget a call draws on (default: [`RateKey::AccountOrCaller`]).
    pub fn key_by(mut self, key: RateKey) -> Self {
        self.key = key;
        self
    }

    fn key_of(&self, caller: Option<&Caller>) -> BucketKey {
        let Some(caller) = caller else {
            return BucketKey::Anonymous;
        };
        match (self.key, caller.account_arc()) {
            (RateKey::AccountOrCaller, Some(account)) => {
                BucketKey::Account(account.clone(), caller.account_digest())
            }
            _ => BucketKey::Caller(caller.id_arc().clone(), caller.id_digest()),
        }
    }

    fn caller_key(caller: Option<&Caller>) -> BucketKey {
        caller.map_or(BucketKey::Anonymous, |c| {
            BucketKey::Caller(c.id_arc().clone(), c.id_digest())
        })
    }

    fn fresh(now: Instant) -> Bucket {
        let window = Window::ended(now);
        Bucket {
            calls: window,
            destructive: window,
            failed_confirmations: window,
        }
    }

    /// Whether a bucket holds nothing a new one would not: every window
    /// either ended or never used.
    fn idle(&self, bucket: &Bucket, now: Instant) -> bool {
        // A window of a budget the limiter does not have is never used.
        let spent = |window: &Window| window.used > 0 && now < window.ends;
        !(spent(&bucket.calls) || spent(&bucket.destructive) || spent(&bucket.failed_confirmations))
    }

    pub(crate) fn acquire_at(
        &self,
        caller: Option<&Caller>,
        class: RateClass,
        now: Instant,
        wall: SystemTime,
    ) -> Result<RateStatus, RateExceeded> {
        let key = self.key_of(caller);
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.by_key.len() >= buckets.prune_at {
            buckets.by_key.retain(|_, b| !self.idle(b, now));
            buckets.prune_at = (buckets.by_key.len() * 2).max(1024);
        }
        // Refused tokens are counted per caller whatever the key, so that one
        // caller's garbage cannot lock the rest of its account out of writing.
        if matches!(
            class,
            RateClass::Confirmation | RateClass::FailedConfirmation
        ) {
            let budget = self.failed_confirmations;
            let failed = &mut buckets
                .by_key
                .entry(Self::caller_key(caller))
                .or_insert_with(|| Self::fresh(now))
                .failed_confirmations;
            if class == RateClass::FailedConfirmation {
                Self::take(failed, class, budget, now, wall)?;
            } else if failed.current(budget, now).used >= budget.limit {
                return Err(RateExceeded::new(
                    RateClass::FailedConfirmation,
                    failed.status(budget, now, wall),
                    budget.window,
                ));
            }
        }
        let bucket = buckets
            .by_key
            .entry(key)
            .or_insert_with(|| Self::fresh(now));
        if matches!(class, RateClass::Confirmed | RateClass::FailedConfirmation) {
            if let (RateClass::Confirmed, Some(budget)) = (class, self.destructive) {
                Self::take(&mut bucket.destructive, class, budget, now, wall)?;
            }
            let mut calls = bucket.calls;
            return Ok(calls.current(self.calls, now).status(self.calls, now, wall));
        }
        let calls = *bucket.calls.current(self.calls, now);
        if calls.used >= self.calls.limit {
            return Err(RateExceeded::new(
                RateClass::Call,
                calls.status(self.calls, now, wall),
                self.calls.window,
            ));
        }
        if let (RateClass::Confirmation, Some(budget)) = (class, self.destructive) {
            // Checked, not taken: the write is charged once its token
            // verified, but one that cannot run should not cost a call.
            let destructive = bucket.destructive.current(budget, now);
            if destructive.used >= budget.limit {
                return Err(RateExceeded::new(
                    RateClass::Destructive,
                    destructive.status(budget, now, wall),
                    budget.window,
                ));
            }
        }
        if let (RateClass::Destructive, Some(budget)) = (class, self.destructive) {
            Self::take(&mut bucket.destructive, class, budget, now, wall)?;
        }
        bucket.calls.used += 1;
        Ok(bucket.calls.status(self.calls, now, wall))
    }

    /// Takes one from `window` of `budget`, or refuses `class`.
    fn take(
        window: &mut Window,
        class: RateClass,
        budget: Budget,
        now: Instant,
        wall: SystemTime,
    ) -> Result<(), RateExceeded> {
        let current = window.current(budget, now);
        if current.used >= budget.limit {
            return Err(RateExceeded::new(
                class,
                current.status(budget, now, wall),
                budget.window,
            ));
        }
        current.used += 1;
        Ok(())
    }

    pub(crate) fn status_at(
        &self,
        caller: Option<&Caller>,
        now: Instant,
        wall: SystemTime,
    ) -> RateStatus {
        let key = self.key_of(caller);
        let buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        match buckets.by_key.get(&key) {
            Some(bucket) => {
                let mut calls = bucket.calls;
                calls.current(self.calls, now).status(self.calls, now, wall)
            }
            // A caller not seen yet: its window would start now, whole.
            None => {
                let mut calls = Window::ended(now);
                calls.current(self.calls, now).status(self.calls, now, wall)
            }
        }
    }
}

impl fmt::Debug for WindowRateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WindowRateLimiter")
            .field("calls", &self.calls)
            .field("destructive", &self.destructive)
            .field("failed_confirmations", &self.failed_confirmations)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl RateLimiter for WindowRateLimiter {
    fn acquire<'a>(
        &'a self,
        caller: Option<&'a Caller>,
        class: RateClass,
    ) -> RateFuture<'a, Acquired> {
        RateFuture::ready(
            self.acquire_at(caller, class, Instant::now(), SystemTime::now())
                .map(Some)
                .map_err(RateRefusal::Exceeded),
        )
    }

    fn status<'a>(&'a self, caller: Option<&'a Caller>) -> RateFuture<'a, Option<RateStatus>> {
        RateFuture::ready(Some(self.status_at(
            caller,
            Instant::now(),
            SystemTime::now(),
        )))
    }

    fn acquire_confirmed<'a>(&'a self, caller: Option<&'a Caller>) -> RateFuture<'a, Acquired> {
        let (now, wall) = (Instant::now(), SystemTime::now());
        RateFuture::ready(
            self.acquire_at(caller, RateClass::Confirmation, now, wall)
                .and_then(|_| self.acquire_at(caller, RateClass::Confirmed, now, wall))
                .map(Some)
                .map_err(RateRefusal::Exceeded),
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn budget_runs_out_and_resets_with_the_window() {
        let limiter = WindowRateLimiter::new(2, HOUR);
        let alice = Caller::new("alice");
        let t0 = Instant::now();
        let wall = SystemTime::now();
        let first = limiter
            .acquire_at(Some(&alice), RateClass::Call, t0, wall)
            .unwrap();
        assert_eq!((first.limit, first.remaining), (2, 1));
        limiter
            .acquire_at(Some(&alice), RateClass::Call, t0, wall)
            .unwrap();
        let later = t0 + Duration::from_secs(600);
        let refused = limiter
            .acquire_at(Some(&alice), RateClass::Call, later, wall)
            .unwrap_err();
        assert_eq!(refused.class, RateClass::Call);
        assert_eq!(refused.status.remaining, 0);
        assert_eq!(refused.status.reset_after, Duration::from_secs(3000));
        assert_eq!(refused.status.reset_at, wall + Duration::from_secs(3000));
        let message = refused.to_tool_error();
        assert!(message.message().contains("Retry in 3000 s"), "{message}");
        // A new window.
        let next = t0 + HOUR;
        let ok = limiter
            .acquire_at(Some(&alice), RateClass::Call, next, wall)
            .unwrap();
        assert_eq!(ok.remaining, 1);
    }

    #[test]
    fn a_caller_not_seen_yet_has_a_whole_window() {
        let limiter = WindowRateLimiter::new(5, HOUR);
        let now = Instant::now();
        let wall = SystemTime::now();
        let status = limiter.status_at(Some(&Caller::new("new")), now, wall);
        assert_eq!((status.limit, status.remaining), (5, 5));
        assert_eq!(status.reset_after, HOUR);
        assert_eq!(status.reset_at, wall + HOUR);
    }

    #[test]
    fn destructive_budget_is_separate_and_counts_as_a_call() {
        let limiter = WindowRateLimiter::new(10, HOUR).destructive_budget(1, HOUR);
        let bob = Caller::new("bob");
        let now = Instant::now();
        let wall = SystemTime::now();
        limiter
            .acquire_at(Some(&bob), RateClass::Destructive, now, wall)
            .unwrap();
        let refused = limiter
            .acquire_at(Some(&bob), RateClass::Destructive, now, wall)
            .unwrap_err();
        assert_eq!(refused.class, RateClass::Destructive);
        // Other calls go on; the refused destructive call took nothing.
        let status = limiter
            .acquire_at(Some(&bob), RateClass::Call, now, wall)
            .unwrap();
        assert_eq!(status.remaining, 8);
    }

    #[test]
    fn keys_by_account_or_caller() {
        let shared = WindowRateLimiter::new(1, HOUR);
        let a1 = Caller::new("a1").with_account("acme");
        let a2 = Caller::new("a2").with_account("acme");
        let now = Instant::now();
        let wall = SystemTime::now();
        shared
            .acquire_at(Some(&a1), RateClass::Call, now, wall)
            .unwrap();
        assert!(
            shared
                .acquire_at(Some(&a2), RateClass::Call, now, wall)
                .is_err()
        );
        // An account and a caller id with the same text are different keys.
        assert!(
            shared
                .acquire_at(Some(&Caller::new("acme")), RateClass::Call, now, wall)
                .is_ok()
        );

        let per_caller = WindowRateLimiter::new(1, HOUR).key_by(RateKey::Caller);
        per_caller
            .acquire_at(Some(&a1), RateClass::Call, now, wall)
            .unwrap();
        assert!(
            per_caller
                .acquire_at(Some(&a2), RateClass::Call, now, wall)
                .is_ok()
        );
        // Anonymous calls share one budget.
        per_caller
            .acquire_at(None, RateClass::Call, now, wall)
            .unwrap();
        assert!(
            per_caller
                .acquire_at(None, RateClass::Call, now, wall)
                .is_err()
        );
    }

    #[test]
    fn requests_draw_on_the_general_budget_only() {
        let limiter = WindowRateLimiter::new(2, HOUR).destructive_budget(1, HOUR);
        let c = Caller::new("c");
        let now = Instant::now();
        let wall = SystemTime::now();
        let status = limiter
            .acquire_at(Some(&c), RateClass::Request, now, wall)
            .unwrap();
        assert_eq!((status.remaining, status.window), (1, Some(HOUR)));
        limiter
            .acquire_at(Some(&c), RateClass::Destructive, now, wall)
            .unwrap();
        let refused = limiter
            .acquire_at(Some(&c), RateClass::Request, now, wall)
            .unwrap_err();
        assert_eq!(refused.class, RateClass::Call);
        assert!(
            refused
                .to_tool_error()
                .message()
                .contains("2 calls per 1 h")
        );
    }

    #[test]
    fn status_peeks_without_taking() {
        let limiter = WindowRateLimiter::new(5, HOUR);
        let c = Caller::new("c");
        let now = Instant::now();
        let wall = SystemTime::now();
        assert_eq!(limiter.status_at(Some(&c), now, wall).remaining, 5);
        limiter
            .acquire_at(Some(&c), RateClass::Call, now, wall)
            .unwrap();
        assert_eq!(limiter.status_at(Some(&c), now, wall).remaining, 4);
        assert_eq!(limiter.status_at(Some(&c), now, wall).remaining, 4);
        assert_eq!(limiter.status_at(Some(&c), now + HOUR, wall).remaining, 5);
    }

    #[test]
    fn refused_tokens_are_counted_per_caller_and_spare_the_write_budget() {
        let limiter = WindowRateLimiter::new(100, HOUR)
            .destructive_budget(1, HOUR)
            .failed_confirmation_budget(2, HOUR);
        let alice = Caller::new("alice").with_account("acme");
        let bob = Caller::new("bob").with_account("acme");
        let now = Instant::now();
        let wall = SystemTime::now();
        let take = |caller: &Caller, class| limiter.acquire_at(Some(caller), class, now, wall);
        for _ in 0..2 {
            take(&alice, RateClass::Confirmation).unwrap();
            take(&alice, RateClass::FailedConfirmation).unwrap();
        }
        let refused = take(&alice, RateClass::Confirmation).unwrap_err();
        assert_eq!(refused.class, RateClass::FailedConfirmation);
        assert!(
            refused
                .to_tool_error()
                .message()
                .contains("2 refused confirmation tokens")
        );
        // Bob of the same account still confirms, and the account's one
        // write is still there for him.
        take(&bob, RateClass::Confirmation).unwrap();
        take(&bob, RateClass::Confirmed).unwrap();
        let spent = take(&bob, RateClass::Confirmed).unwrap_err();
        assert_eq!(spent.class, RateClass::Confirmed);
        // A spent write budget refuses a token before it is looked at.
        let early = take(&bob, RateClass::Confirmation).unwrap_err();
        assert_eq!(early.class, RateClass::Destructive);
    }

    #[test]
    fn idle_keys_are_pruned() {
        let limiter = WindowRateLimiter::new(5, Duration::from_secs(1));
        let t0 = Instant::now();
        let wall = SystemTime::now();
        for n in 0..2000 {
            let caller = Caller::new(format!("c{n}"));
            limiter
                .acquire_at(Some(&caller), RateClass::Call, t0, wall)
                .unwrap();
        }
        let later = t0 + Duration::from_secs(5);
        for n in 0..1100 {
            let caller = Caller::new(format!("d{n}"));
            limiter
                .acquire_at(Some(&caller), RateClass::Call, later, wall)
                .unwrap();
        }
        let len = limiter.buckets.lock().unwrap().by_key.len();
        assert!(len <= 1100, "{len} buckets");
    }
}
