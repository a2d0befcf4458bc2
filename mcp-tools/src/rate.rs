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
//! per call. A confirmation is charged once its token verified, after the
//! replay store marked the token, or in the same step when the store can
//! (`ReplayStore::mark_used_charging`, in the `confirm` module).
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

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::caller::Caller;
use crate::error::ToolError;
use crate::timestamp::{self, human_duration};

mod answer;
mod ledger;
mod window;

pub use answer::{Acquired, RateFuture, RateRefusal};
pub(crate) use ledger::RateLedger;
pub use window::WindowRateLimiter;

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
///
/// A limiter is [`Any`](std::any::Any), so that a replay store keeping its
/// marks in the same place can recognise it and charge a confirmation in the
/// step that marks its token
/// (`ReplayStore::mark_used_charging`, in the `confirm` module).
pub trait RateLimiter: std::any::Any + Send + Sync {
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
