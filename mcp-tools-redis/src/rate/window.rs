//! Fixed-window budgets shared by every replica through Redis.

use std::fmt;
use std::time::Duration;

use mcp_tools::confirm::TokenCharge;
use mcp_tools::rate::{
    Acquired, RateClass, RateExceeded, RateFuture, RateKey, RateLimiter, RateRefusal, RateStatus,
};
use mcp_tools::{Caller, ToolError};
use redis::{FromRedisValue, ParsingError, Script, Value};

use crate::connection::{Failure, Redis, ScriptCall};

const ACQUIRE: &str = include_str!("acquire.lua");
const STATUS: &str = include_str!("status.lua");

/// What to suggest waiting when Redis could not be asked: the `Retry-After`
/// of a call refused during an outage.
pub const RETRY_AFTER_OUTAGE: Duration = Duration::from_secs(2);

/// Refused confirmation tokens allowed per caller unless configured, as in
/// memory.
const DEFAULT_FAILED_CONFIRMATIONS: (u32, Duration) = (50, Duration::from_secs(3600));

/// A verified token's replay marker, as `RedisReplayStore` writes it
/// (itself, or through the take that charges the token): its key, this
/// attempt's id as its value, and its time to live.
#[derive(Debug)]
pub(crate) struct Marker {
    pub(crate) key: String,
    pub(crate) attempt: String,
    pub(crate) ttl_ms: u64,
}

/// What the take script answers: whether it took the call (1), refused it
/// (0) or found the token used (2); the budget it reports (1 general, 2
/// destructive, 3 refused confirmations, 4 destructive for a verified token);
/// that budget's count after the call; the milliseconds left in its window.
#[derive(Debug, PartialEq, Eq)]
struct TakeAnswer(u8, u8, u64, u64);

impl FromRedisValue for TakeAnswer {
    /// From the script's one string, `"taken budget used left_ms"`.
    fn from_redis_value(value: Value) -> Result<Self, ParsingError> {
        let text = String::from_redis_value(value)?;
        let mut fields = text.split(' ').map(str::parse::<u64>);
        let mut next = || fields.next().and_then(Result::ok);
        let answer = (next(), next(), next(), next());
        match (answer, fields.next()) {
            // The ranges make the narrowing casts exact.
            ((Some(taken @ 0..=2), Some(budget @ 0..=4), Some(used), Some(left_ms)), None) => {
                Ok(Self(taken as u8, budget as u8, used, left_ms))
            }
            _ => Err(ParsingError::from(format!(
                "the rate limiter's script answered {text:?}, not \"taken budget used left_ms\""
            ))),
        }
    }
}

/// Lua numbers are doubles: windows stay below 2^53 ms (285,000 years).
const MAX_WINDOW_MS: u64 = 1 << 53;

/// What a [`RedisRateLimiter`] does with a call when Redis cannot answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Outage {
    /// Refuse calls of destructive tools (dry runs of confirm tools
    /// excepted), confirmations included, with a retryable
    /// `ServiceUnavailable` error; admit every other call and request
    /// without counting it. The default: reads keep working while Redis is
    /// down, writes that could be abused do not.
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
/// destructive call takes nothing. A confirmed write is charged to the
/// destructive budget once its token verified; refused tokens draw on a
/// budget of their own, per caller. Budgets are kept per account, else per
/// caller ([`RateKey`]); anonymous calls share one. A window starts with the
/// first call of its key and restarts with the first call after it ends. The
/// [`RateStatus`] values are those of the in-memory limiter, so
/// `X-Rate-Limit-*` headers and `Retry-After` read the same.
///
/// Each key is one Lua script run (`EVALSHA`) per call and one per status
/// read, on counters `<prefix>rate:{<key>}:c` (general), `…:d`
/// (destructive) and `…:f:<caller>` (refused confirmation tokens) that
/// expire with their windows. When Redis does not answer within the command
/// timeout (or this limiter's own, [`timeout`](Self::timeout)), see
/// [`Outage`].
///
/// It is the core's [`RateLimiter`]: give it to
/// [`ServerBuilder::rate_limiter`](mcp_tools::ServerBuilder::rate_limiter).
///
/// ```no_run
/// # async fn start() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use mcp_tools::Server;
/// use mcp_tools_redis::RedisRateLimiter;
///
/// let redis = mcp_tools_redis::connect("redis://127.0.0.1:6379/").await?;
/// let server = Server::builder("crm", "1.0.0")
///     .rate_limiter(
///         RedisRateLimiter::new(&redis, 3000, Duration::from_secs(3600))
///             .destructive_budget(100, Duration::from_secs(3600))
///             .timeout(Duration::from_millis(200)),
///     )
///     .build()?;
/// # let _ = server;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisRateLimiter {
    redis: Redis,
    calls: Budget,
    destructive: Option<Budget>,
    failed_confirmations: Budget,
    key: RateKey,
    outage: Outage,
    timeout: Option<Duration>,
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
            failed_confirmations: Budget::new(
                DEFAULT_FAILED_CONFIRMATIONS.0,
                DEFAULT_FAILED_CONFIRMATIONS.1,
            ),
            key: RateKey::default(),
            outage: Outage::default(),
            timeout: None,
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

    /// At most `limit` refused confirmation tokens per `window` for each
    /// caller, whatever the key (default: 50 per hour), as
    /// [`WindowRateLimiter::failed_confirmation_budget`](mcp_tools::rate::WindowRateLimiter::failed_confirmation_budget).
    pub fn failed_confirmation_budget(mut self, limit: u32, window: Duration) -> Self {
        self.failed_confirmations = Budget::new(limit, window);
        self
    }

    /// How long one budget check may wait for Redis before the call is
    /// treated as during an outage ([`Outage`]); default: the connection's
    /// [command timeout](crate::RedisBuilder::command_timeout) (500 ms
    /// unless set), which also bounds this one. A rate check runs before
    /// every call, so a tighter bound keeps a slow Redis from slowing every
    /// call by as much.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
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

    /// The hash tag of a key's counters, in parts: both live in one slot, so
    /// a script may touch both on a Redis Cluster too. An account and a
    /// caller id with the same text stay apart by their `a:`/`c:` mark.
    ///
    /// Parts rather than a string: every call's check writes its keys
    /// straight into the command ([`ScriptCall::joined_arg`]).
    fn bucket<'a>(&'a self, caller: Option<&'a Caller>) -> [&'a str; 5] {
        let (mark, id) = match (caller, self.key) {
            (None, _) => ("", "-"),
            (Some(caller), RateKey::AccountOrCaller) => match caller.account() {
                Some(account) => ("a:", account),
                None => ("c:", caller.id()),
            },
            (Some(caller), _) => ("c:", caller.id()),
        };
        [self.redis.key_prefix(), "rate:{", mark, id, "}"]
    }

    /// Runs a command within this limiter's own bound, if it has one.
    async fn bounded<T>(
        &self,
        command: impl Future<Output = Result<T, Failure>>,
    ) -> Result<T, Failure> {
        match self.timeout {
            None => command.await,
            Some(limit) => tokio::time::timeout(limit, command)
                .await
                .unwrap_or(Err(Failure::Timeout(limit))),
        }
    }

    /// Takes one call of `class` (the script's `code` for it; `v` takes a
    /// verified token's call and write at once, and fails as
    /// [`RateClass::Confirmed`] would when Redis cannot answer).
    async fn take(&self, caller: Option<&Caller>, class: RateClass, code: &str) -> Acquired {
        match self.run(caller, code, None).await {
            Ok(answer) => self.acquired(answer),
            Err(failure) => self.unavailable(class, &failure),
        }
    }

    /// Charges the call of a verified token (and its write, for a
    /// destructive tool) and writes its replay marker, in one script run:
    /// what the server would otherwise ask the replay store and this limiter
    /// in turn. A token whose marker exists is refused and counted as such.
    /// `Err` when Redis did not answer: the marker may have been written.
    pub(crate) async fn take_marking(
        &self,
        caller: Option<&Caller>,
        destructive: bool,
        marker: &Marker,
    ) -> Result<TokenCharge, Failure> {
        let code = if destructive { "v" } else { "n" };
        let answer = self.run(caller, code, Some(marker)).await?;
        Ok(match answer {
            TakeAnswer(2, _, used, left_ms) => {
                TokenCharge::AlreadyUsed(Some(self.calls.status(used, left_ms)))
            }
            answer => TokenCharge::Charged(self.acquired(answer)),
        })
    }

    /// Whether this limiter writes through `redis`'s connection, so that one
    /// script may keep a replay store's markers with its counters.
    pub(crate) fn writes_through(&self, redis: &Redis) -> bool {
        self.redis.is(redis)
    }

    /// One run of the take script.
    async fn run(
        &self,
        caller: Option<&Caller>,
        code: &str,
        marker: Option<&Marker>,
    ) -> Result<TakeAnswer, Failure> {
        let bucket = self.bucket(caller);
        let (d_limit, d_window_ms) = self
            .destructive
            .map_or((-1, 1), |d| (i64::from(d.limit), d.window_ms));
        let mut call = ScriptCall::new(&self.acquire, if marker.is_some() { 4 } else { 3 });
        call.joined_arg(bucket.into_iter().chain([":c"]))
            .joined_arg(bucket.into_iter().chain([":d"]));
        // Refused tokens count per caller whatever the key, under the hash
        // tag of the caller's bucket so that the script touches one slot.
        match caller {
            Some(caller) => call.joined_arg(bucket.into_iter().chain([":f:", caller.id()])),
            None => call.joined_arg(bucket.into_iter().chain([":f"])),
        };
        if let Some(marker) = marker {
            call.arg(&marker.key);
        }
        call.arg(self.calls.limit)
            .arg(self.calls.window_ms)
            .arg(d_limit)
            .arg(d_window_ms)
            .arg(self.failed_confirmations.limit)
            .arg(self.failed_confirmations.window_ms)
            .arg(code);
        if let Some(marker) = marker {
            call.arg(&marker.attempt).arg(marker.ttl_ms);
        }
        self.bounded(self.redis.run(&call)).await
    }

    /// What a run of the take script says, as a limiter's answer.
    fn acquired(&self, TakeAnswer(taken, which, used, left_ms): TakeAnswer) -> Acquired {
        let refused = |class: RateClass, budget: Budget| {
            Err(RateRefusal::Exceeded(RateExceeded::new(
                class,
                budget.status(used, left_ms),
                budget.window,
            )))
        };
        match (taken, which, self.destructive) {
            (1, _, _) => Ok(Some(self.calls.status(used, left_ms))),
            (_, 2, Some(budget)) => refused(RateClass::Destructive, budget),
            (_, 4, Some(budget)) => refused(RateClass::Confirmed, budget),
            (_, 3, _) => refused(RateClass::FailedConfirmation, self.failed_confirmations),
            _ => refused(RateClass::Call, self.calls),
        }
    }

    fn unavailable(&self, class: RateClass, failure: &Failure) -> Acquired {
        // Whatever may lead to a write; a refused token (`FailedConfirmation`)
        // is no write, and its call fails on the token anyway.
        let destructive = matches!(
            class,
            RateClass::Destructive | RateClass::Confirmation | RateClass::Confirmed
        );
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
        let mut call = ScriptCall::new(&self.status, 1);
        call.joined_arg(self.bucket(caller).into_iter().chain([":c"]))
            .arg(self.calls.window_ms);
        match self.bounded(self.redis.run::<(u64, u64)>(&call)).await {
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
            .field("failed_confirmations", &self.failed_confirmations)
            .field("key", &self.key)
            .field("outage", &self.outage)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RateLimiter for RedisRateLimiter {
    fn acquire<'a>(
        &'a self,
        caller: Option<&'a Caller>,
        class: RateClass,
    ) -> RateFuture<'a, Acquired> {
        let code = match class {
            RateClass::Destructive => "d",
            RateClass::Confirmation => "n",
            RateClass::Confirmed => "y",
            RateClass::FailedConfirmation => "f",
            _ => "c",
        };
        RateFuture::boxed(self.take(caller, class, code))
    }

    fn status<'a>(&'a self, caller: Option<&'a Caller>) -> RateFuture<'a, Option<RateStatus>> {
        RateFuture::boxed(self.read(caller))
    }

    /// One script for the call and the write of a verified token: one round
    /// trip where the default would make two.
    fn acquire_confirmed<'a>(&'a self, caller: Option<&'a Caller>) -> RateFuture<'a, Acquired> {
        RateFuture::boxed(self.take(caller, RateClass::Confirmed, "v"))
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
    fn the_take_script_answers_four_numbers_in_one_string() {
        let answer = |text: &str| TakeAnswer::from_redis_value(Value::BulkString(text.into()));
        assert_eq!(
            answer("1 1 7 3600000").unwrap(),
            TakeAnswer(1, 1, 7, 3_600_000)
        );
        assert_eq!(
            answer("2 1 0 9007199254740992").unwrap(),
            TakeAnswer(2, 1, 0, 1 << 53)
        );
        for wrong in [
            "",
            "1 1 7",
            "1 1 7 5 9",
            "3 1 0 0",
            "1 5 0 0",
            "1 1 -1 0",
            "a b c d",
        ] {
            let error = answer(wrong).unwrap_err().to_string();
            assert!(
                error.contains("taken budget used left_ms"),
                "{wrong:?}: {error}"
            );
        }
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
