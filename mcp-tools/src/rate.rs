//! Rate policy: call budgets per caller or account, checked before a tool runs.
//!
//! A [`RateLimiter`] is asked once per `tools/call`, after the permission check
//! and before the arguments are validated or the tool runs. Over budget, the
//! call gets a `RateLimited` envelope saying when to retry, in seconds and as
//! an RFC 3339 time. Destructive tools draw on a second, smaller budget as
//! well; the dry run of a confirm tool draws only on the general one, so
//! previewing a write never uses up the budget for writing, and a confirmed
//! write draws on it only once its token verified. Refused confirmation
//! tokens draw on a budget of their own, which bounds guessing without letting
//! garbage tokens spend anyone's writes.
//!
//! [`WindowRateLimiter`] keeps fixed windows in memory, one per key, without
//! any timer: a window starts with the first call of its key and restarts with
//! the first call after it ends.
//!
//! The limiter is the only rate policy of a server: transports read and
//! consume it through [`crate::Server::admit`] and
//! [`crate::Server::rate_after`]. Admission counts every other protocol
//! request (`tools/list`, `initialize`, `ping`, …) as [`RateClass::Request`]
//! against the same general budget. A body holding one `tools/call` is taken
//! from at admission, with the class the call pipeline would use, and the
//! pipeline uses that answer instead of asking again; tool calls in a batch
//! are counted by the pipeline. Either way each call is counted once, and the
//! HTTP transport reports the status the latest take returned in
//! `X-Rate-Limit-*` headers. A limiter over a shared store is thus asked once
//! per call, twice for a confirmed write's confirmation.
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use std::time::Duration;
//! use mcp_tools::rate::WindowRateLimiter;
//! use mcp_tools::{Caller, Client, NoArguments, Server, Tool, ToolContext, ToolResult};
//!
//! let server = Server::builder("demo", "1.0.0")
//!     .rate_limiter(
//!         WindowRateLimiter::new(3000, Duration::from_secs(3600))
//!             .destructive_budget(2, Duration::from_secs(3600)),
//!     )
//!     .tool(Tool::builder("reset").description("Resets a counter.").destructive()
//!         .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok(()) }))
//!     .build()
//!     .unwrap();
//! let client = Client::new(server.clone()).with_caller(Caller::new("u1").with_account("acme"));
//! for _ in 0..2 {
//!     assert!(!client.call("reset", serde_json::json!({})).await.unwrap().is_error());
//! }
//! let third = client.call("reset", serde_json::json!({})).await.unwrap();
//! assert_eq!(third.error_code(), Some("RateLimited"));
//!
//! // What the HTTP transport puts in X-Rate-Limit-* headers. The refused call
//! // took nothing from the general budget.
//! let status = server.rate_status(client.context().caller()).await.unwrap();
//! assert_eq!((status.limit, status.remaining), (3000, 2998));
//! # });
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use crate::caller::Caller;
use crate::error::ToolError;
use crate::timestamp::{self, human_duration};

mod answer;
mod ledger;

pub use answer::{Acquired, RateFuture, RateRefusal};
pub(crate) use ledger::RateLedger;

/// Which budget a call draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RateClass {
    /// Any call: the general budget only.
    Call,
    /// A call of a destructive tool that acts (not a dry run): the general
    /// budget and the destructive budget.
    Destructive,
    /// A protocol request other than a tool call (`tools/list`, `initialize`,
    /// `ping`, …), counted by transports that budget every request: the
    /// general budget only. The dispatcher never uses it.
    Request,
    /// A call of a confirm tool carrying a confirmation token that verified:
    /// the general budget, and refused while the destructive budget or the
    /// failed-confirmation budget is spent, so that a caller whose refused
    /// tokens spent their budget gets no token accepted, right or wrong.
    Confirmation,
    /// The write of a confirmation token that verified, after
    /// [`Confirmation`](Self::Confirmation): the destructive budget only.
    /// Refused confirmations never reach this, so they cannot spend the
    /// write budget. [`RateLimiter::acquire_confirmed`] takes both.
    Confirmed,
    /// A confirmation token that was refused: the failed-confirmation budget
    /// only. Refused once that budget is spent.
    FailedConfirmation,
}

/// A budget's state for one key: what the HTTP transport puts in
/// `X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining` and `X-Rate-Limit-Reset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateStatus {
    /// Calls allowed per window.
    pub limit: u32,
    /// Calls left in the current window.
    pub remaining: u32,
    /// When the current window ends and the budget is whole again.
    pub reset_at: SystemTime,
    /// How long until then.
    pub reset_after: Duration,
    /// The length of the budget's window, when it has a fixed one (some
    /// services publish it instead of the count: `X-Rate-Limit-Limit: 1h`).
    pub window: Option<Duration>,
}

impl RateStatus {
    /// A status resetting `reset_after` from now.
    pub fn new(limit: u32, remaining: u32, reset_after: Duration) -> Self {
        Self {
            limit,
            remaining,
            reset_at: SystemTime::now() + reset_after,
            reset_after,
            window: None,
        }
    }

    /// Records the budget's window length.
    pub fn with_window(mut self, window: Duration) -> Self {
        self.window = Some(window);
        self
    }

    /// Whole seconds until the reset, rounded up (for `Retry-After`).
    pub fn reset_after_secs(&self) -> u64 {
        self.reset_after.as_secs() + u64::from(self.reset_after.subsec_nanos() > 0)
    }

    /// The reset time as RFC 3339 in UTC.
    pub fn reset_at_rfc3339(&self) -> String {
        timestamp::rfc3339(self.reset_at)
    }
}

/// A call over budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateExceeded {
    /// The budget that ran out.
    pub class: RateClass,
    /// Its state: `remaining` is 0, and `reset_at` says when to retry.
    pub status: RateStatus,
    /// The budget's window length, for the message.
    pub window: Duration,
}

impl RateExceeded {
    /// A refusal of a call of `class` by a budget of `window`.
    pub fn new(class: RateClass, status: RateStatus, window: Duration) -> Self {
        Self {
            class,
            status,
            window,
        }
    }

    /// The `RateLimited` tool error a model reads.
    pub fn to_tool_error(&self) -> ToolError {
        let RateStatus {
            limit, reset_at, ..
        } = self.status;
        let which = match self.class {
            RateClass::Destructive | RateClass::Confirmed => "destructive calls",
            RateClass::Call => "calls",
            RateClass::Request => "requests",
            RateClass::Confirmation | RateClass::FailedConfirmation => {
                "refused confirmation tokens"
            }
        };
        let extra = match self.class {
            RateClass::Destructive | RateClass::Confirmed => {
                " Read-only tools still work meanwhile."
            }
            RateClass::Confirmation | RateClass::FailedConfirmation => {
                " Get a fresh token with a dry run (leave the token out) once the window ends."
            }
            RateClass::Call | RateClass::Request => "",
        };
        ToolError::rate_limited(format!(
            "Rate limit reached: at most {limit} {which} per {}. Nothing was done. \
             Retry in {} s, at {} or later.{extra}",
            human_duration(self.window),
            self.status.reset_after_secs(),
            timestamp::rfc3339(reset_at),
        ))
    }
}

/// Decides whether a call fits its caller's budget.
///
/// [`acquire`](Self::acquire) is called once per `tools/call` before the
/// tool runs ([`RateClass::Call`], [`RateClass::Destructive`] or, for a call
/// carrying a confirmation token, [`RateClass::Confirmation`]): by admission
/// for a request body holding that one call, by the call pipeline for calls
/// in a batch or served without admission (the in-process client). The
/// pipeline calls it once more when a token was checked
/// ([`RateClass::Confirmed`] or [`RateClass::FailedConfirmation`]).
/// Admission calls it with [`RateClass::Request`] for the other requests, and
/// [`status`](Self::status) only where nothing was taken: for batches, and
/// (through [`crate::Server::rate_status`]) for answers of requests that
/// carried no message. Implementations choose their key (caller, account).
///
/// Both methods answer with a [`RateFuture`]: a limiter that decides in
/// memory, such as [`WindowRateLimiter`], answers with
/// [`RateFuture::ready`] and costs no allocation; one that asks a store
/// shared by replicas (`mcp_tools_redis::RedisRateLimiter`) answers with
/// [`RateFuture::boxed`]. Such a limiter may admit a call without a reading
/// (`Ok(None)`) or refuse it because the store cannot answer
/// ([`RateRefusal::Unavailable`]); it must bound its own waiting.
///
/// ```
/// use mcp_tools::Caller;
/// use mcp_tools::rate::{Acquired, RateClass, RateFuture, RateLimiter, RateStatus};
///
/// /// Admits everything, and reports no budget.
/// struct Unlimited;
///
/// impl RateLimiter for Unlimited {
///     fn acquire<'a>(&'a self, _: Option<&'a Caller>, _: RateClass) -> RateFuture<'a, Acquired> {
///         RateFuture::ready(Ok(None))
///     }
///
///     fn status<'a>(&'a self, _: Option<&'a Caller>) -> RateFuture<'a, Option<RateStatus>> {
///         RateFuture::ready(None)
///     }
/// }
/// # let _ = mcp_tools::Server::builder("s", "1").rate_limiter(Unlimited);
/// ```
pub trait RateLimiter: Send + Sync + 'static {
    /// Takes one call of `class` from the caller's budget(s), or refuses it.
    /// On success, the general budget's status after this call, if it could
    /// be read.
    fn acquire<'a>(
        &'a self,
        caller: Option<&'a Caller>,
        class: RateClass,
    ) -> RateFuture<'a, Acquired>;

    /// The general budget's status for the caller, without taking anything;
    /// `None` when there is none or it cannot be read.
    fn status<'a>(&'a self, caller: Option<&'a Caller>) -> RateFuture<'a, Option<RateStatus>>;

    /// Takes a confirmed write from the caller's budgets once its token
    /// verified: [`RateClass::Confirmation`], then [`RateClass::Confirmed`].
    /// The default asks [`acquire`](Self::acquire) twice; a limiter over a
    /// shared store answers both in one round trip.
    fn acquire_confirmed<'a>(&'a self, caller: Option<&'a Caller>) -> RateFuture<'a, Acquired> {
        RateFuture::boxed(async move {
            let call = self.acquire(caller, RateClass::Confirmation).await?;
            let write = self.acquire(caller, RateClass::Confirmed).await?;
            Ok(write.or(call))
        })
    }
}

impl<L: RateLimiter + ?Sized> RateLimiter for Arc<L> {
    fn acquire<'a>(
        &'a self,
        caller: Option<&'a Caller>,
        class: RateClass,
    ) -> RateFuture<'a, Acquired> {
        (**self).acquire(caller, class)
    }

    fn status<'a>(&'a self, caller: Option<&'a Caller>) -> RateFuture<'a, Option<RateStatus>> {
        (**self).status(caller)
    }

    fn acquire_confirmed<'a>(&'a self, caller: Option<&'a Caller>) -> RateFuture<'a, Acquired> {
        (**self).acquire_confirmed(caller)
    }
}

/// Whose budget a call draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RateKey {
    /// The caller's account when it has one, else the caller's identity (the
    /// default): every connection of an account shares one budget.
    #[default]
    AccountOrCaller,
    /// The caller's identity, whatever its account.
    Caller,
}

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
    by_key: HashMap<BucketKey, Bucket>,
    prune_at: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum BucketKey {
    Account(Arc<str>),
    Caller(Arc<str>),
    Anonymous,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    used: u32,
}

impl Window {
    fn current(&mut self, budget: Budget, now: Instant) -> &mut Self {
        if now.duration_since(self.started) >= budget.window {
            *self = Window {
                started: now,
                used: 0,
            };
        }
        self
    }

    fn ends(&self, budget: Budget) -> Instant {
        self.started + budget.window
    }

    fn status(&self, budget: Budget, now: Instant, wall: SystemTime) -> RateStatus {
        let reset_after = self.ends(budget).saturating_duration_since(now);
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
            (RateKey::AccountOrCaller, Some(account)) => BucketKey::Account(account.clone()),
            _ => BucketKey::Caller(caller.id_arc().clone()),
        }
    }

    fn caller_key(caller: Option<&Caller>) -> BucketKey {
        caller.map_or(BucketKey::Anonymous, |c| {
            BucketKey::Caller(c.id_arc().clone())
        })
    }

    fn fresh(now: Instant) -> Bucket {
        let window = Window {
            started: now,
            used: 0,
        };
        Bucket {
            calls: window,
            destructive: window,
            failed_confirmations: window,
        }
    }

    /// Whether a bucket holds nothing a new one would not: every window
    /// either ended or never used.
    fn idle(&self, bucket: &Bucket, now: Instant) -> bool {
        let spent = |window: &Window, budget: Budget| {
            window.used > 0 && now.duration_since(window.started) < budget.window
        };
        !(spent(&bucket.calls, self.calls)
            || self
                .destructive
                .is_some_and(|budget| spent(&bucket.destructive, budget))
            || spent(&bucket.failed_confirmations, self.failed_confirmations))
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
        let guesser = Self::caller_key(caller);
        if matches!(
            class,
            RateClass::Confirmation | RateClass::FailedConfirmation
        ) {
            let budget = self.failed_confirmations;
            let failed = &mut buckets
                .by_key
                .entry(guesser)
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
            None => Self::fresh(now).calls.status(self.calls, now, wall),
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
