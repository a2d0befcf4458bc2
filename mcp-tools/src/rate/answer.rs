//! What a [`RateLimiter`](super::RateLimiter) answers with: a future that is
//! ready at once for limiters in memory, and boxed only for limiters that
//! need I/O; and the refusals, a spent budget or a store that cannot answer.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::future::{self, BoxFuture, Either, Ready};

use super::{RateExceeded, RateStatus};
use crate::error::ToolError;

/// The answer of a [`RateLimiter`](super::RateLimiter): a future that
/// resolves to `T`.
///
/// A limiter that decides in memory answers with [`RateFuture::ready`]: no
/// allocation, and awaiting it returns at once. One that asks a shared store
/// (Redis) answers with [`RateFuture::boxed`].
///
/// ```
/// # futures::executor::block_on(async {
/// use mcp_tools::rate::RateFuture;
///
/// assert_eq!(RateFuture::ready(7).await, 7);
/// assert_eq!(RateFuture::boxed(async { 8 }).await, 8);
/// # });
/// ```
#[must_use = "a rate answer does nothing unless awaited"]
pub struct RateFuture<'a, T> {
    inner: Either<Ready<T>, BoxFuture<'a, T>>,
}

impl<'a, T> RateFuture<'a, T> {
    /// An answer known at once.
    pub fn ready(value: T) -> Self {
        Self {
            inner: Either::Left(future::ready(value)),
        }
    }

    /// An answer that needs waiting for, such as a round trip to a store.
    pub fn boxed(future: impl Future<Output = T> + Send + 'a) -> Self {
        Self {
            inner: Either::Right(Box::pin(future)),
        }
    }
}

impl<T> Future for RateFuture<'_, T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        Pin::new(&mut self.inner).poll(cx)
    }
}

impl<T> fmt::Debug for RateFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.inner {
            Either::Left(_) => "RateFuture::Ready",
            Either::Right(_) => "RateFuture::Boxed",
        })
    }
}

/// Why a limiter did not admit a call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateRefusal {
    /// The budget is spent: a `RateLimited` error, HTTP 429 with the rate
    /// headers and `Retry-After` at the window's end.
    Exceeded(RateExceeded),
    /// The budget could not be read or taken from (its shared store is
    /// unreachable or slow), and the call may not go on without it: a
    /// retryable `ServiceUnavailable` error; at HTTP admission, 503 with
    /// `Retry-After`. Nothing was done.
    Unavailable {
        /// The error the model reads: what failed, that nothing was done,
        /// when to retry.
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

    /// How long to wait before trying again: until the window ends, or a
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

/// What [`RateLimiter::acquire`](super::RateLimiter::acquire) resolves to:
/// the general budget's status after the call (`None` when it could not be
/// read but the call may go on), or the refusal.
pub type Acquired = Result<Option<RateStatus>, RateRefusal>;
