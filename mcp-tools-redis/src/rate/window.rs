//! Fixed-window budgets shared by every replica through Redis.

use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;
use mcp_tools::rate::{RateClass, RateExceeded, RateKey, RateStatus};
use mcp_tools::{Caller, ToolError};
use redis::Script;

use super::limiter::{AsyncRateLimiter, RateRefusal};
use crate::connection::{Failure, Redis};

const ACQUIRE: &str = include_str!("acquire.lua");
const STATUS: &str = include_str!("status.lua");

/// What to suggest waiting when Redis could not be asked.
const RETRY_AFTER_OUTAGE: Duration = Duration::from_secs(2);

/// Lua numbers are doubles: windows stay below 2^53 ms (285,000 years).
const MAX_WINDOW_MS: u64 = 1 << 53;

/// What a [`RedisRateLimiter`] does with a call when Redis cannot answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Outage {
    /// Refuse calls of destructive tools (dry runs of confirm tools
    /// excepted) with a retryable `ServiceUnavailable` error; admit every
    /// other call and request without counting it. The default: reads keep
    /// working while Redis is down, writes that could be abused do not.
    #[default]
    RefuseDestructive,
    /// Refuse every call and request with a retryable `ServiceUnavailable`
    /// error: no call goes uncounted.
    RefuseAll,
}

/// Fixed-window budgets in Redis, shared by every replica: the semantics of
/// [`WindowRateLimiter`](mcp_tools::rate::WindowRateLimiter), atomically
/// across processes.
///
/// Tool calls and other requests draw on the general budget; calls of
/// destructive tools on the destructive one as well, and a refused
/// destructive call takes nothing. Budgets are kept per account, else per
/// caller ([`RateKey`]); anonymous calls share one. A window starts with the
/// first call of its key and restarts with the first call after it ends. The
/// [`RateStatus`] values are those of the in-memory limiter, so
/// `X-Rate-Limit-*` headers and `Retry-After` read the same.
///
/// Each key is one Lua script run (`EVALSHA`) per call and one per status
/// read, on counters `<prefix>rate:{<key>}:c` (general) and `…:d`
/// (destructive) that expire with their windows. When Redis does not answer
/// within the command timeout, see [`Outage`].
///
/// It implements the proposed [`AsyncRateLimiter`], not the core's
/// synchronous [`RateLimiter`](mcp_tools::rate::RateLimiter), which it cannot
/// honour without blocking; see the crate's README.
///
/// ```no_run
/// # async fn start() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use mcp_tools::Caller;
/// use mcp_tools::rate::RateClass;
/// use mcp_tools_redis::RedisRateLimiter;
/// use mcp_tools_redis::rate::AsyncRateLimiter;
///
/// let redis = mcp_tools_redis::connect("redis://127.0.0.1:6379/").await?;
/// let limiter = RedisRateLimiter::new(&redis, 3000, Duration::from_secs(3600))
///     .destructive_budget(100, Duration::from_secs(3600));
/// let caller = Caller::new("u1").with_account("acme");
/// match limiter.acquire(Some(&caller), RateClass::Destructive).await {
///     Ok(status) => println!("{:?} calls left", status.map(|s| s.remaining)),
///     Err(refusal) => println!("{}", refusal.to_tool_error()),
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisRateLimiter {
    redis: Redis,
    calls: Budget,
    destructive: Option<Budget>,
    key: RateKey,
    outage: Outage,
    acquire: Script,
    status: Script,
}

#[derive(Debug, Clone, Copy)]
struct Budget {
    limit: u32,
    window: Duration,
    /// The window in whole milliseconds, at least 1: Redis's unit.
    window_ms: u64,
}

impl Budget {
    fn new(limit: u32, window: Duration) -> Self {
        let window_ms = u64::try_from(window.as_millis())
            .unwrap_or(u64::MAX)
            .clamp(1, MAX_WINDOW_MS);
        Self {
            limit,
            window,
            window_ms,
        }
    }

    fn status(self, used: u64, left_ms: u64) -> RateStatus {
        let used = u32::try_from(used).unwrap_or(u32::MAX);
        RateStatus::new(
            self.limit,
            self.limit.saturating_sub(used),
            Duration::from_millis(left_ms.min(self.window_ms)),
        )
        .with_window(self.window)
    }
}

impl RedisRateLimiter {
    /// At most `limit` calls per `window` for each key, destructive or not.
    /// Windows are counted in whole milliseconds, at least one.
    pub fn new(redis: &Redis, limit: u32, window: Duration) -> Self {
        Self {
            redis: redis.clone(),
            calls: Budget::new(limit, window),
            destructive: None,
            key: RateKey::default(),
            outage: Outage::default(),
            acquire: Script::new(ACQUIRE),
            status: Script::new(STATUS),
        }
    }

    /// Also at most `limit` calls of destructive tools per `window` (dry runs
    /// of confirm tools excepted). They count against the general budget too.
    pub fn destructive_budget(mut self, limit: u32, window: Duration) -> Self {
        self.destructive = Some(Budget::new(limit, window));
        self
    }

    /// Whose budget a call draws on (default: [`RateKey::AccountOrCaller`]).
    pub fn key_by(mut self, key: RateKey) -> Self {
        self.key = key;
        self
    }

    /// What to do with calls while Redis cannot answer (default:
    /// [`Outage::RefuseDestructive`]).
    pub fn on_outage(mut self, outage: Outage) -> Self {
        self.outage = outage;
        self
    }

    /// The hash tag of a key's counters: both live in one slot, so a script
    /// may touch both on a Redis Cluster too. An account and a caller id with
    /// the same text stay apart by their `a:`/`c:` mark.
    fn bucket(&self, caller: Option<&Caller>) -> String {
        let id = match (caller, self.key) {
            (None, _) => return self.redis.key("rate:{-}"),
            (Some(caller), RateKey::AccountOrCaller) => match caller.account() {
                Some(account) => format!("a:{account}"),
                None => format!("c:{}", caller.id()),
            },
            (Some(caller), _) => format!("c:{}", caller.id()),
        };
        self.redis.key(format_args!("rate:{{{id}}}"))
    }

    async fn take(
        &self,
        caller: Option<&Caller>,
        class: RateClass,
    ) -> Result<Option<RateStatus>, RateRefusal> {
        let bucket = self.bucket(caller);
        let destructive = matches!(class, RateClass::Destructive);
        let (d_limit, d_window_ms) = self
            .destructive
            .map_or((-1, 1), |d| (i64::from(d.limit), d.window_ms));
        let mut invocation = self.acquire.key(format!("{bucket}:c"));
        invocation
            .key(format!("{bucket}:d"))
            .arg(self.calls.limit)
            .arg(self.calls.window_ms)
            .arg(d_limit)
            .arg(d_window_ms)
            .arg(if destructive { "1" } else { "0" });
        let (taken, which, used, left_ms) =
            match self.redis.invoke::<(u8, u8, u64, u64)>(&invocation).await {
                Ok(answer) => answer,
                Err(failure) => return self.unavailable(class, &failure),
            };
        match (taken, which, self.destructive) {
            (1, _, _) => Ok(Some(self.calls.status(used, left_ms))),
            (_, 2, Some(budget)) => Err(RateRefusal::Exceeded(RateExceeded::new(
                RateClass::Destructive,
                budget.status(used, left_ms),
                budget.window,
            ))),
            _ => Err(RateRefusal::Exceeded(RateExceeded::new(
                RateClass::Call,
                self.calls.status(used, left_ms),
                self.calls.window,
            ))),
        }
    }

    fn unavailable(
        &self,
        class: RateClass,
        failure: &Failure,
    ) -> Result<Option<RateStatus>, RateRefusal> {
        let destructive = matches!(class, RateClass::Destructive);
        if !destructive && self.outage == Outage::RefuseDestructive {
            tracing::warn!(
                redis = self.redis.address(),
                error = %failure,
                "rate budget unavailable; the call goes on uncounted"
            );
            return Ok(None);
        }
        tracing::warn!(
            redis = self.redis.address(),
            error = %failure,
            "rate budget unavailable; the call is refused"
        );
        let meanwhile = if destructive && self.outage == Outage::RefuseDestructive {
            " Read-only tools still work meanwhile."
        } else {
            ""
        };
        Err(RateRefusal::Unavailable {
            error: ToolError::service_unavailable(format!(
                "The rate limit could not be checked: the shared state store (Redis) {}. \
                 Nothing was done. Retry in {} s.{meanwhile}",
                failure.reason(),
                RETRY_AFTER_OUTAGE.as_secs(),
            )),
            retry_after: RETRY_AFTER_OUTAGE,
        })
    }

    async fn read(&self, caller: Option<&Caller>) -> Option<RateStatus> {
        let mut invocation = self.status.key(format!("{}:c", self.bucket(caller)));
        invocation.arg(self.calls.window_ms);
        match self.redis.invoke::<(u64, u64)>(&invocation).await {
            Ok((used, left_ms)) => Some(self.calls.status(used, left_ms)),
            Err(failure) => {
                tracing::warn!(
                    redis = self.redis.address(),
                    error = %failure,
                    "rate budget unavailable; reported without it"
                );
                None
            }
        }
    }
}

impl fmt::Debug for RedisRateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisRateLimiter")
            .field("redis", &self.redis)
            .field("calls", &self.calls)
            .field("destructive", &self.destructive)
            .field("key", &self.key)
            .field("outage", &self.outage)
            .finish_non_exhaustive()
    }
}

impl AsyncRateLimiter for RedisRateLimiter {
    fn acquire<'a>(
        &'a self,
        caller: Option<&'a Caller>,
        class: RateClass,
    ) -> BoxFuture<'a, Result<Option<RateStatus>, RateRefusal>> {
        Box::pin(self.take(caller, class))
    }

    fn status<'a>(&'a self, caller: Option<&'a Caller>) -> BoxFuture<'a, Option<RateStatus>> {
        Box::pin(self.read(caller))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_whole_milliseconds_within_lua_precision() {
        assert_eq!(Budget::new(1, Duration::ZERO).window_ms, 1);
        assert_eq!(Budget::new(1, Duration::from_micros(1500)).window_ms, 1);
        assert_eq!(
            Budget::new(1, Duration::from_secs(3600)).window_ms,
            3_600_000
        );
        assert_eq!(Budget::new(1, Duration::MAX).window_ms, MAX_WINDOW_MS);
    }

    #[test]
    fn status_counts_down_and_never_below_zero() {
        let hour = Duration::from_secs(3600);
        let budget = Budget::new(5, hour);
        let status = budget.status(2, 1_000);
        assert_eq!((status.limit, status.remaining), (5, 3));
        assert_eq!(status.reset_after, Duration::from_secs(1));
        assert_eq!(status.window, Some(hour));
        assert_eq!(budget.status(9, 0).remaining, 0);
        assert_eq!(budget.status(u64::MAX, 0).remaining, 0);
        // A clock jump in Redis cannot report a reset beyond the window.
        assert_eq!(budget.status(0, u64::MAX).reset_after, hour);
    }
}
