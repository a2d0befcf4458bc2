//! One `tools/call` through the policy pipeline: permission, rate budget,
//! argument contract, confirmation token, the handler (panic guard, timeout,
//! cancellation), dry-run settlement and audit.
//!
//! A [`ToolCall`] is a value: built by the dispatcher from the request, run
//! once, and its outcome returned.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;
use std::time::{Duration, SystemTime};

use futures::FutureExt;
use serde_json::Value;

use crate::confirm::{
    self, CONFIRMATION_TOKEN_ARGUMENT, Confirmation, Confirmer, Stage, Subject, Tag,
    take_confirmation_token,
};
use crate::context::{CallInner, Cancellation, RequestContext, ToolContext};
use crate::error::{ErrorCode, ToolError};
use crate::jsonrpc::RequestId;
use crate::policy::Policy;
use crate::rate::RateClass;
use crate::registry::RegisteredTool;
use crate::signing;
use crate::tool::{Effect, Output, Tool};

mod claim;

/// The calls that are waiting on something, by channel and request id, so
/// that `notifications/cancelled` can reach them.
#[derive(Default)]
pub(crate) struct InFlightCalls(Mutex<HashMap<(Arc<str>, RequestId), Cancellation>>);

impl InFlightCalls {
    /// Signals the call `id` of `channel`, if it is in flight.
    pub(crate) fn cancel(&self, channel: Arc<str>, id: RequestId) {
        if let Some(signal) = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&(channel, id))
        {
            signal.cancel();
        }
    }
}

/// One call of one tool, ready to run.
pub(crate) struct ToolCall<'a> {
    pub(crate) policy: &'a Policy,
    pub(crate) in_flight: &'a InFlightCalls,
    pub(crate) registered: &'a RegisteredTool,
    pub(crate) id: RequestId,
    pub(crate) progress_token: Option<Value>,
    pub(crate) cx: RequestContext,
    /// Told when the checks passed and the handler starts (tasks time their
    /// immediate window from there), with whether the call is a dry run.
    pub(crate) started: Option<tokio::sync::oneshot::Sender<bool>>,
}

/// What the checks before the handler settled.
struct Cleared<'a> {
    pii_clear: bool,
    confirmation: Option<(Confirmation, SubjectTags, &'a Confirmer)>,
}

impl<'a> ToolCall<'a> {
    /// Runs the call. `None` means the client cancelled it: nothing is to be
    /// answered, though the audit records how the tool ended.
    ///
    /// Calls of destructive and confirm tools are audited whichever way they
    /// end, also when this future is dropped.
    #[allow(
        clippy::manual_async_fn,
        reason = "an async fn would keep its arguments twice in its future"
    )]
    pub(crate) fn run(
        self,
        mut args: Value,
    ) -> impl Future<Output = Option<Result<Output, ToolError>>> {
        async move {
            let tool = &self.registered.tool;
            let token = take_confirmation_token(tool, &mut args);
            let mut audit =
                self.policy
                    .audit(self.registered, self.cx.caller.as_ref(), &self.id, || {
                        signing::digest(&args)
                    });
            let cleared = match self.clear(&mut args, token).await {
                Ok(cleared) => cleared,
                Err(refusal) => {
                    if let Some(guard) = &mut audit {
                        guard.finish(Err(&refusal), false);
                    }
                    return Some(Err(refusal));
                }
            };
            if let Some(guard) = &mut audit {
                guard.set_digest(signing::digest(&args));
            }
            let dry_run = cleared
                .confirmation
                .as_ref()
                .is_some_and(|(handle, _, _)| handle.is_dry_run());
            let Executed { outcome, cancelled } = self.execute(args, cleared).await;
            if let (Some(guard), Some(outcome)) = (&mut audit, &outcome) {
                guard.finish(outcome.as_ref().map(|_| ()), dry_run);
            }
            if cancelled { None } else { outcome }
        }
    }

    /// Permission → token shape → rate budget → argument contract →
    /// confirmation token. A call carrying a token is charged after the
    /// token is checked (and marked used), in one question to the limiter.
    async fn clear(
        &self,
        args: &mut Value,
        token: Option<Value>,
    ) -> Result<Cleared<'a>, ToolError> {
        let policy: &'a Policy = self.policy;
        let tool = &self.registered.tool;
        let caller = self.cx.caller.as_ref();
        self.policy
            .permission(tool, caller)
            .map_err(|denial| denial.to_tool_error(&tool.name))?;
        let Some(has_token) = carries_token(token.as_ref()) else {
            return Err(ToolError::invalid_arguments(format!(
                "Tool '{}': {CONFIRMATION_TOKEN_ARGUMENT} must be the ConfirmationToken string a dry run \
                 returned; leave it out to get a dry run and a token",
                tool.name
            )));
        };
        let token = match token {
            Some(Value::String(token)) if has_token => Some(token),
            _ => None,
        };
        let destructive = tool.effect == Some(Effect::Destructive);
        let ledger = self.cx.rate_ledger.as_deref();
        let class = rate_class(tool, has_token);
        // A call carrying a token is charged once the token is checked, below.
        if let Some(limiter) = &self.policy.rate_limiter
            && class != RateClass::Confirmation
        {
            // Admission took a lone call's budget already, and its ledger
            // holds the answer: claim it rather than ask again.
            let acquired = match ledger.and_then(|ledger| ledger.claim(class)) {
                Some(prepaid) => prepaid,
                None => {
                    let acquired = limiter.acquire(caller, class).await;
                    if let Some(ledger) = ledger {
                        ledger.record(&acquired);
                    }
                    acquired
                }
            };
            acquired.map_err(|refusal| refusal.to_tool_error())?;
        }
        self.registered.contract.check(args)?;
        let pii_clear = self.policy.pii_clear(caller);
        if !tool.confirm {
            return Ok(Cleared {
                pii_clear,
                confirmation: None,
            });
        }
        let Some(confirmer) = &policy.confirmer else {
            return Err(ToolError::internal(
                "the server has no confirmation authority; this is a server bug",
            ));
        };
        let tags = SubjectTags {
            tool: self.registered.confirm_tag,
            caller: confirm::caller_tag(caller),
            arguments: confirm::arguments_tag(&signing::digest(args)),
        };
        let stage = match token {
            None => Stage::DryRun,
            Some(token) => {
                let checked =
                    confirmer.verify(&token, &tags.subject(&tool.name), SystemTime::now());
                let limiter = self.policy.rate_limiter.as_deref();
                // Boxed: only a confirmed call claims, and inline its state
                // would be part of every call's future.
                let claims = Box::pin(claim::claim(
                    confirmer,
                    limiter,
                    ledger,
                    caller,
                    checked,
                    destructive,
                ))
                .await?;
                Stage::Confirmed(claims)
            }
        };
        let handle = Confirmation::new(stage, pii_clear);
        Ok(Cleared {
            pii_clear,
            confirmation: Some((handle, tags, confirmer)),
        })
    }

    /// The handler, guarded against panics, bounded by the timeout and
    /// stopped by cancellation; then a confirm tool's settlement.
    ///
    /// Cancellation is cooperative: the tool sees it (`ToolContext::cancelled`)
    /// and has the policy's grace period to wind down and return; only then is
    /// its future dropped. What it returned in the grace is settled and
    /// audited like any outcome, but not answered.
    async fn execute(self, args: Value, cleared: Cleared<'a>) -> Executed {
        let Self {
            policy,
            in_flight,
            registered,
            id,
            progress_token,
            cx,
            started,
        } = self;
        if let Some(started) = started {
            let dry_run = cleared
                .confirmation
                .as_ref()
                .is_some_and(|(handle, _, _)| handle.is_dry_run());
            let _ = started.send(dry_run);
        }
        let tool = &registered.tool;
        let cancellation = cx.cancellation.clone();
        let key = (cx.channel_key(), id.clone());
        let tool_cx = ToolContext {
            inner: Arc::new(CallInner {
                tool: registered.name.clone(),
                request: cx,
                request_id: id,
                progress_token,
                pii_clear: cleared.pii_clear,
                state: policy.state.clone(),
                attached: cleared
                    .confirmation
                    .as_ref()
                    .map(|(handle, _, _)| Box::new(handle.clone()) as _),
            }),
        };
        let started =
            std::panic::catch_unwind(AssertUnwindSafe(|| tool.handler.call(args, tool_cx)));
        let early = match started {
            Ok(Ok(future)) if !cancellation.is_cancelled() => Ok(future),
            Ok(Ok(_)) => Err(Executed::CANCELLED_BEFORE_START),
            Ok(Err(error)) => Err(Executed::answered(Err(error))),
            Err(panic) => Err(Executed::answered(Err(panicked(&tool.name, &*panic)))),
        };
        let future = match early {
            Ok(future) => future,
            Err(executed) => {
                if let Some((handle, _, confirmer)) = &cleared.confirmation {
                    Box::pin(give_back(confirmer, handle)).await;
                }
                return executed;
            }
        };
        // Most tools finish on their first poll. Only a tool that has to wait
        // pays for the in-flight entry, the timer and the cancellation watch,
        // in a box of their own: inline, their state would make every call's
        // future larger (it is moved and copied on every request).
        let mut guarded = std::pin::pin!(AssertUnwindSafe(future).catch_unwind());
        let (finished, cancelled) = match futures::poll!(guarded.as_mut()) {
            Poll::Ready(done) => (
                Some(done.unwrap_or_else(|panic| Err(panicked(&tool.name, &*panic)))),
                false,
            ),
            Poll::Pending => {
                Box::pin(wait_for(
                    guarded,
                    policy,
                    in_flight,
                    key,
                    cancellation,
                    tool,
                ))
                .await
            }
        };
        let outcome = match (finished, cleared.confirmation) {
            // Boxed, as below: only confirm tools get here.
            (Some(result), Some((handle, tags, confirmer))) => Some(
                Box::pin(settle(
                    confirmer,
                    &handle,
                    &tags.subject(&tool.name),
                    result,
                ))
                .await,
            ),
            (None, Some((handle, _, confirmer))) => {
                Box::pin(give_back(confirmer, &handle)).await;
                None
            }
            (finished, None) => finished,
        };
        Executed { outcome, cancelled }
    }
}

/// A handler that did not finish on its first poll, run to its end: bounded
/// by the tool's timeout and stopped by cancellation (with the policy's grace
/// period), while it is listed among the calls in flight. Also says whether
/// the client cancelled it.
async fn wait_for<F>(
    guarded: std::pin::Pin<&mut F>,
    policy: &Policy,
    in_flight: &InFlightCalls,
    key: (Arc<str>, RequestId),
    cancellation: Cancellation,
    tool: &Tool,
) -> (Option<Result<Output, ToolError>>, bool)
where
    F: Future<Output = std::thread::Result<Result<Output, ToolError>>>,
{
    let mut guarded = guarded;
    let mut cancelled = false;
    let _in_flight = InFlight::register(in_flight, key, cancellation.clone());
    let limit = tool.timeout.unwrap_or(policy.default_timeout);
    let run = tokio::time::timeout(limit, guarded.as_mut());
    let finished = tokio::select! {
        biased;
        () = cancellation.cancelled() => {
            cancelled = true;
            let grace = if cancellation.is_stopped() {
                Duration::ZERO
            } else {
                policy.cancellation_grace
            };
            tokio::time::timeout(grace, guarded).await.ok()
        }
        finished = run => finished.ok(),
    };
    let outcome = match finished {
        Some(Ok(result)) => Some(result),
        Some(Err(panic)) => Some(Err(panicked(&tool.name, &*panic))),
        None if cancelled => None,
        None => Some(Err(ToolError::new(
            ErrorCode::TIMEOUT,
            format!(
                "Tool '{}' did not finish within {} s and was stopped; it may have partly run, \
                     so verify with a read before retrying",
                tool.name,
                limit.as_secs_f64()
            ),
        ))),
    };
    (outcome, cancelled)
}

/// Whether a confirm tool's call carries a confirmation token: `Some(false)`
/// without one (absent or `null`), `Some(true)` with a non-blank string,
/// `None` when the value cannot be a token (the call is refused before its
/// budget is touched).
pub(crate) fn carries_token(token: Option<&Value>) -> Option<bool> {
    match token {
        None | Some(Value::Null) => Some(false),
        Some(Value::String(token)) if !token.trim().is_empty() => Some(true),
        Some(_) => None,
    }
}

/// The budget a call of `tool` draws on. A call carrying a confirmation token
/// ([`RateClass::Confirmation`]) is charged only once its token is checked,
/// with its write ([`RateLimiter::acquire_confirmed`]), in [`ToolCall::clear`].
///
/// [`RateLimiter::acquire_confirmed`]: crate::rate::RateLimiter::acquire_confirmed
pub(crate) fn rate_class(tool: &Tool, has_token: bool) -> RateClass {
    match (tool.confirm, has_token) {
        (true, true) => RateClass::Confirmation,
        (false, _) if tool.effect == Some(Effect::Destructive) => RateClass::Destructive,
        _ => RateClass::Call,
    }
}

/// How the handler ended.
struct Executed {
    /// What it returned; `None` when it was dropped (cancelled and past the
    /// grace period, or cancelled before it started).
    outcome: Option<Result<Output, ToolError>>,
    /// Whether the client cancelled the call: then nothing is answered.
    cancelled: bool,
}

impl Executed {
    const CANCELLED_BEFORE_START: Self = Self {
        outcome: None,
        cancelled: true,
    };

    fn answered(outcome: Result<Output, ToolError>) -> Self {
        Self {
            outcome: Some(outcome),
            cancelled: false,
        }
    }
}

/// The tags a confirmation token of one call is bound to.
struct SubjectTags {
    tool: Tag,
    caller: Tag,
    arguments: Tag,
}

impl SubjectTags {
    fn subject<'a>(&self, tool: &'a str) -> Subject<'a> {
        Subject {
            tool,
            tool_tag: self.tool,
            caller_tag: self.caller,
            arguments_tag: self.arguments,
        }
    }
}

/// Turns the end of a confirm tool's call into its outcome: a dry run's preview
/// becomes the dry-run result with a fresh token. An execution that failed
/// before its preview gives its token back; one that succeeded keeps it used,
/// also when it never called `preview`.
async fn settle(
    confirmer: &Confirmer,
    handle: &Confirmation,
    subject: &Subject<'_>,
    result: Result<Output, ToolError>,
) -> Result<Output, ToolError> {
    let tool = subject.tool;
    let preview = handle.take_preview();
    if handle.is_dry_run() {
        return match (result, preview) {
            (Err(_), Some(preview)) => {
                let issued = confirmer.issue(subject, SystemTime::now())?;
                confirm::dry_run_data(tool, &preview, &issued).map(Output::Data)
            }
            (Err(error), None) => Err(error),
            (Ok(_), preview) => {
                let what = if preview.is_some() {
                    "went on after Confirmation::preview"
                } else {
                    "never called Confirmation::preview"
                };
                tracing::error!(tool, "a confirm tool {what} in a dry run");
                Err(ToolError::internal(format!(
                    "Tool '{tool}' is declared confirm() but {what} in a dry run, so its result was withheld. \
                     It may have made changes: verify with a read tool before retrying. This is a server bug; \
                     report it to the server's maintainers"
                )))
            }
        };
    }
    if result.is_err() {
        give_back(confirmer, handle).await;
    }
    result
}

/// Gives back the token of a confirmed call whose tool never passed its
/// preview, so never began its write: the client may use it again.
async fn give_back(confirmer: &Confirmer, handle: &Confirmation) {
    if let Some(claims) = handle.unexecuted() {
        confirmer.release(&claims).await;
    }
}

fn panicked(tool: &str, panic: &(dyn std::any::Any + Send)) -> ToolError {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    tracing::error!(tool, panic = %detail, "tool panicked");
    ToolError::internal(format!(
        "Tool '{tool}' failed unexpectedly and did not finish; the failure was logged. \
         Retry a read; verify state before retrying a write"
    ))
}

struct InFlight<'a> {
    map: &'a InFlightCalls,
    key: Option<(Arc<str>, RequestId)>,
}

impl<'a> InFlight<'a> {
    fn register(map: &'a InFlightCalls, key: (Arc<str>, RequestId), signal: Cancellation) -> Self {
        map.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.clone(), signal);
        Self {
            map,
            key: Some(key),
        }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.map
                .0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&key);
        }
    }
}
