//! The asynchronous rate limiter the core's trait should become.

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use mcp_tools::rate::{RateClass, RateExceeded, RateLimiter, RateStatus};
use mcp_tools::{Caller, ToolError};

/// A rate limiter that may need I/O to decide: the shape proposed for
/// [`mcp_tools::rate::RateLimiter`].
///
/// The core's trait is synchronous, which a limiter shared through Redis
/// cannot honour without blocking a runtime thread. This trait is what the
/// core's trait would become; until the core awaits its limiter, the
/// [`crate::RedisRateLimiter`] implements it here and is used directly.
/// Differences from the synchronous trait:
///
/// - both methods return futures, boxed like
///   [`ReplayStore`](mcp_tools::confirm::ReplayStore)'s so the trait stays
///   object safe;
/// - [`acquire`](Self::acquire) may admit a call without a budget reading
///   (`Ok(None)`, when the store is down and the call may go on), and may
///   refuse it because the store is down ([`RateRefusal::Unavailable`]), not
///   only because the budget is spent.
///
/// A synchronous limiter fits this trait through [`Immediate`].
pub trait AsyncRateLimiter: Send + Sync + 'static {
    /// Takes one call from the caller's budget(s), or refuses it. On success,
    /// the general budget's status after this call, if it could be read.
    fn acquire<'a>(
        &'a self,
        caller: Option<&'a Caller>,
        class: RateClass,
    ) -> BoxFuture<'a, Result<Option<RateStatus>, RateRefusal>>;

    /// The general budget's status for the caller, without taking anything;
    /// `None` when it cannot be read.
    fn status<'a>(&'a self, caller: Option<&'a Caller>) -> BoxFuture<'a, Option<RateStatus>>;
}

impl<L: AsyncRateLimiter + ?Sized> AsyncRateLimiter for Arc<L> {
    fn acquire<'a>(
        &'a self,
        caller: Option<&'a Caller>,
        class: RateClass,
    ) -> BoxFuture<'a, Result<Option<RateStatus>, RateRefusal>> {
        (**self).acquire(caller, class)
    }

    fn status<'a>(&'a self, caller: Option<&'a Caller>) -> BoxFuture<'a, Option<RateStatus>> {
        (**self).status(caller)
    }
}

/// Why a call was not admitted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateRefusal {
    /// The budget is spent: a `RateLimited` error and HTTP 429, as today.
    Exceeded(RateExceeded),
    /// The budget could not be read or taken from, and the call may not go
    /// on without it: a `ServiceUnavailable` error, and HTTP 503 with
    /// `Retry-After` for a transport that refuses before the call.
    Unavailable {
        /// The error the model reads.
        error: ToolError,
        /// When to try again.
        retry_after: Duration,
    },
}

impl RateRefusal {
    /// The tool error a model reads.
    pub fn to_tool_error(&self) -> ToolError {
        match self {
            Self::Exceeded(exceeded) => exceeded.to_tool_error(),
            Self::Unavailable { error, .. } => error.clone(),
        }
    }

    /// How long to wait before trying again: until the window resets, or a
    /// short pause for the store to come back.
    pub fn retry_after(&self) -> Duration {
        match self {
            Self::Exceeded(exceeded) => exceeded.status.reset_after,
            Self::Unavailable { retry_after, .. } => *retry_after,
        }
    }
}

impl From<RateExceeded> for RateRefusal {
    fn from(exceeded: RateExceeded) -> Self {
        Self::Exceeded(exceeded)
    }
}

/// A synchronous [`RateLimiter`] as an [`AsyncRateLimiter`]: its answers are
/// ready at once. How the core would keep accepting today's limiters, such as
/// [`WindowRateLimiter`](mcp_tools::rate::WindowRateLimiter), once it awaits
/// the asynchronous trait.
///
/// ```
/// # futures::executor::block_on(async {
/// use std::time::Duration;
/// use mcp_tools::Caller;
/// use mcp_tools::rate::{RateClass, WindowRateLimiter};
/// use mcp_tools_redis::rate::{AsyncRateLimiter, Immediate};
///
/// let limiter = Immediate(WindowRateLimiter::new(2, Duration::from_secs(60)));
/// let alice = Caller::new("alice");
/// let status = limiter.acquire(Some(&alice), RateClass::Call).await.unwrap().unwrap();
/// assert_eq!(status.remaining, 1);
/// assert_eq!(limiter.status(Some(&alice)).await.unwrap().remaining, 1);
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct Immediate<L>(pub L);

impl<L: RateLimiter> AsyncRateLimiter for Immediate<L> {
    fn acquire<'a>(
        &'a self,
        caller: Option<&'a Caller>,
        class: RateClass,
    ) -> BoxFuture<'a, Result<Option<RateStatus>, RateRefusal>> {
        let taken = self
            .0
            .acquire(caller, class)
            .map(Some)
            .map_err(RateRefusal::Exceeded);
        Box::pin(std::future::ready(taken))
    }

    fn status<'a>(&'a self, caller: Option<&'a Caller>) -> BoxFuture<'a, Option<RateStatus>> {
        Box::pin(std::future::ready(self.0.status(caller)))
    }
}
