//! Single use of confirmation tokens across replicas.

use std::any::Any;
use std::fmt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;
use mcp_tools::confirm::{ReplayStore, TokenCharge, VerifiedToken};
use mcp_tools::rate::RateLimiter;
use mcp_tools::{Caller, ToolError};
use redis::Script;

use crate::connection::{Failure, Redis, ScriptCall, push_hex};
use crate::rate::{Marker, RedisRateLimiter};

/// How much longer than its token a marker lives when not set.
pub const DEFAULT_CLOCK_SKEW_ALLOWANCE: Duration = Duration::from_secs(60);

/// How long a replica keeps trying to withdraw a marker whose write went
/// unanswered, at most.
const WITHDRAW_FOR: Duration = Duration::from_secs(30);

/// Deletes the marker only if this attempt wrote it: never another replica's.
const WITHDRAW: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
";

/// A [`ReplayStore`] in Redis: a confirmation token used on one replica is
/// used on all of them.
///
/// Each used token leaves one key, `<prefix>replay:<nonce in hex>`, written
/// with `SET … NX PX`: Redis runs it atomically, so of any number of
/// concurrent confirmations of one token, on any replicas, exactly one
/// succeeds. The key expires with the token plus a
/// [clock-skew allowance](Self::clock_skew_allowance).
///
/// With a [`RedisRateLimiter`] on the same connection as the server's rate
/// limiter, the marker is written by the limiter's script that charges the
/// confirmation ([`ReplayStore::mark_used_charging`]): one round trip.
///
/// When Redis cannot answer, both checks fail closed with a retryable
/// [`ToolError::service_unavailable`]: the tool does not run. If the marker
/// may have been written although no answer came (a timeout, a dropped
/// connection), the replica withdraws it in the background, only if it is
/// still its own, so that the same token can be confirmed again once Redis is
/// back.
///
/// ```no_run
/// # async fn start() -> Result<(), Box<dyn std::error::Error>> {
/// use mcp_tools::Server;
/// use mcp_tools_redis::RedisReplayStore;
///
/// let redis = mcp_tools_redis::connect("redis://127.0.0.1:6379/").await?;
/// let server = Server::builder("crm", "1.0.0")
///     // Every replica signs with the same secret and shares used tokens.
///     .confirmation_secret(std::env::var("CONFIRMATION_SECRET")?.into_bytes())
///     .replay_store(RedisReplayStore::new(&redis))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisReplayStore {
    redis: Redis,
    allowance: Duration,
}

impl RedisReplayStore {
    /// A store writing through `redis`.
    pub fn new(redis: &Redis) -> Self {
        Self {
            redis: redis.clone(),
            allowance: DEFAULT_CLOCK_SKEW_ALLOWANCE,
        }
    }

    /// How long a marker outlives its token (default 60 s). Each replica
    /// judges expiry by its own clock; a replica whose clock runs behind by
    /// more than this could accept a token whose marker is already gone.
    pub fn clock_skew_allowance(mut self, allowance: Duration) -> Self {
        self.allowance = allowance;
        self
    }

    fn key(&self, nonce: &[u8]) -> String {
        // Appended, not formatted: a confirmation builds one on its path.
        let prefix = self.redis.key_prefix();
        let mut key = String::with_capacity(prefix.len() + 7 + 2 * nonce.len());
        key.push_str(prefix);
        key.push_str("replay:");
        push_hex(&mut key, nonce);
        key
    }

    /// The marker this attempt writes for the token `nonce` expiring at
    /// `expires_at`.
    fn marker(&self, nonce: &[u8], expires_at: SystemTime) -> Result<Marker, ToolError> {
        Ok(Marker {
            key: self.key(nonce),
            attempt: attempt_id()?,
            ttl_ms: marker_ttl_ms(expires_at, SystemTime::now(), self.allowance),
        })
    }

    async fn mark(&self, nonce: &[u8], expires_at: SystemTime) -> Result<bool, ToolError> {
        let marker = self.marker(nonce, expires_at)?;
        let mut set = redis::cmd("SET");
        set.arg(&marker.key)
            .arg(&marker.attempt)
            .arg("NX")
            .arg("PX")
            .arg(marker.ttl_ms);
        match self.redis.query::<Option<String>>(&set).await {
            Ok(written) => Ok(written.is_some()),
            Err(failure) => Err(self.not_recorded(marker, expires_at, &failure)),
        }
    }

    /// The error of a marker write that failed, after arranging for the
    /// marker to be withdrawn if it may have been written anyway.
    fn not_recorded(&self, marker: Marker, expires_at: SystemTime, failure: &Failure) -> ToolError {
        tracing::warn!(
            redis = self.redis.address(),
            error = %failure,
            "cannot mark a confirmation token used; the call is refused"
        );
        if failure.is_ambiguous() {
            self.withdraw_later(marker.key, marker.attempt, expires_at);
        }
        unavailable(
            "The confirmation could not be recorded",
            failure,
            "The confirmationToken normally stays valid until it expires: retry the \
             same call with it in a few seconds",
        )
    }

    /// Marks a verified token and charges its call in `limiter`'s one
    /// script run; see [`ReplayStore::mark_used_charging`].
    async fn mark_charging(
        &self,
        token: VerifiedToken<'_>,
        caller: Option<&Caller>,
        limiter: &RedisRateLimiter,
    ) -> Result<TokenCharge, ToolError> {
        let marker = self.marker(token.nonce, token.expires_at)?;
        match limiter
            .take_marking(caller, token.destructive, &marker)
            .await
        {
            Ok(charge) => Ok(charge),
            Err(failure) => Err(self.not_recorded(marker, token.expires_at, &failure)),
        }
    }

    async fn check(&self, nonce: &[u8]) -> Result<bool, ToolError> {
        let mut exists = redis::cmd("EXISTS");
        exists.arg(self.key(nonce));
        self.redis
            .query::<u32>(&exists)
            .await
            .map(|n| n > 0)
            .map_err(|failure| {
                tracing::warn!(
                    redis = self.redis.address(),
                    error = %failure,
                    "cannot check whether a confirmation token was used; the call is refused"
                );
                unavailable(
                    "The confirmationToken could not be checked",
                    &failure,
                    "Retry the same call with the same token in a few seconds",
                )
            })
    }

    /// Deletes a marker this replica wrote for a call that never reached its
    /// write. Unconditional: the marker was written with `NX`, so until it
    /// expires it can only be this call's own (and a token past its expiry
    /// is refused whatever the store says).
    async fn release(&self, nonce: &[u8]) -> Result<(), ToolError> {
        let mut delete = redis::cmd("DEL");
        delete.arg(self.key(nonce));
        self.redis
            .query::<u32>(&delete)
            .await
            .map(drop)
            .map_err(|failure| {
                unavailable(
                    "The confirmationToken could not be given back",
                    &failure,
                    "It stays used: call again without confirmationToken for a new preview and token",
                )
            })
    }

    /// Deletes the marker `attempt` may have written, retrying with back-off
    /// while Redis stays unreachable, for a bounded time. Without it, a write
    /// that reached Redis although its answer was lost would leave the token
    /// refused as used while nothing ran.
    fn withdraw_later(&self, key: String, attempt: String, expires_at: SystemTime) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::warn!("no tokio runtime to withdraw an unconfirmed replay marker");
            return;
        };
        let redis = self.redis.clone();
        let give_up_at = tokio::time::Instant::now()
            + expires_at
                .duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO)
                .min(WITHDRAW_FOR);
        runtime.spawn(async move {
            let script = Script::new(WITHDRAW);
            let mut delay = Duration::from_millis(50);
            loop {
                // Sent after the write on the same connection, so Redis sees
                // the write first when both arrive.
                let mut withdraw = ScriptCall::new(&script, 1);
                withdraw.arg(&key).arg(&attempt);
                match redis.run::<u32>(&withdraw).await {
                    Ok(_) => return,
                    Err(failure) if tokio::time::Instant::now() + delay < give_up_at => {
                        tracing::debug!(error = %failure, "retrying to withdraw a replay marker");
                        tokio::time::sleep(delay).await;
                        delay = (delay * 2).min(Duration::from_secs(2));
                    }
                    Err(failure) => {
                        tracing::warn!(
                            redis = redis.address(),
                            error = %failure,
                            "gave up withdrawing a replay marker; its token may be refused as used"
                        );
                        return;
                    }
                }
            }
        });
    }
}

impl fmt::Debug for RedisReplayStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisReplayStore")
            .field("redis", &self.redis)
            .field("clock_skew_allowance", &self.allowance)
            .finish()
    }
}

impl ReplayStore for RedisReplayStore {
    fn is_used<'a>(&'a self, nonce: &'a [u8]) -> BoxFuture<'a, Result<bool, ToolError>> {
        Box::pin(self.check(nonce))
    }

    fn mark_used<'a>(
        &'a self,
        nonce: &'a [u8],
        expires_at: SystemTime,
    ) -> BoxFuture<'a, Result<bool, ToolError>> {
        Box::pin(self.mark(nonce, expires_at))
    }

    fn release<'a>(&'a self, nonce: &'a [u8]) -> BoxFuture<'a, Result<(), ToolError>> {
        Box::pin(self.release(nonce))
    }

    /// One script run when the server's limiter is a [`RedisRateLimiter`]
    /// on this store's connection: the marker is written by the script that
    /// charges the call, so a confirmation asks Redis once.
    fn mark_used_charging<'a>(
        &'a self,
        token: VerifiedToken<'a>,
        caller: Option<&'a Caller>,
        limiter: &'a dyn RateLimiter,
    ) -> Option<BoxFuture<'a, Result<TokenCharge, ToolError>>> {
        let limiter: &dyn Any = limiter;
        let limiter = limiter
            .downcast_ref::<RedisRateLimiter>()
            .filter(|limiter| limiter.writes_through(&self.redis))?;
        Some(Box::pin(self.mark_charging(token, caller, limiter)))
    }
}

/// How long the marker of a token expiring at `expires_at` lives, in
/// milliseconds: at least 1, as Redis refuses a zero expiry.
fn marker_ttl_ms(expires_at: SystemTime, now: SystemTime, allowance: Duration) -> u64 {
    let left = expires_at.duration_since(now).unwrap_or(Duration::ZERO);
    u64::try_from((left + allowance).as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

/// A value only this attempt writes, so that withdrawing it never deletes
/// another replica's marker: this process's random start, counted up by one
/// per attempt. Distinct within a process by the count, across processes by
/// their random starts, and without asking the OS for randomness on every
/// confirmation.
fn attempt_id() -> Result<String, ToolError> {
    static START: OnceLock<u64> = OnceLock::new();
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let start = match START.get() {
        Some(start) => *start,
        None => {
            let mut bytes = [0u8; 8];
            getrandom::fill(&mut bytes).map_err(|e| {
                tracing::error!(error = %e, "no OS randomness for a replay marker");
                ToolError::service_unavailable(
                    "The confirmation could not be recorded: the server has no randomness \
                     right now. Nothing was done. Retry in a few seconds",
                )
            })?;
            *START.get_or_init(|| u64::from_be_bytes(bytes))
        }
    };
    let attempt = start.wrapping_add(COUNT.fetch_add(1, Ordering::Relaxed));
    let mut id = String::with_capacity(16);
    push_hex(&mut id, &attempt.to_be_bytes());
    Ok(id)
}

fn unavailable(what: &str, failure: &Failure, next: &str) -> ToolError {
    ToolError::service_unavailable(format!(
        "{what}: the shared state store (Redis) {}. Nothing was done. {next}.",
        failure.reason()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_differ_and_are_sixteen_hex_digits() {
        let ids: std::collections::HashSet<String> =
            (0..1000).map(|_| attempt_id().unwrap()).collect();
        assert_eq!(ids.len(), 1000);
        for id in &ids {
            assert_eq!(id.len(), 16, "{id}");
            assert!(
                id.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            );
        }
    }

    #[test]
    fn marker_outlives_its_token_by_the_allowance() {
        let now = SystemTime::now();
        let minute = Duration::from_secs(60);
        assert_eq!(marker_ttl_ms(now + 5 * minute, now, minute), 360_000);
        // A token that expired meanwhile still leaves a marker for the allowance.
        assert_eq!(marker_ttl_ms(now - minute, now, minute), 60_000);
        // Redis refuses a zero expiry.
        assert_eq!(marker_ttl_ms(now, now, Duration::ZERO), 1);
    }
}
