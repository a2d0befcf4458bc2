//! One `tools/call` through the policy pipeline: permission, rate budget,
//! argument contract, confirmation token, the handler (panic guard, timeout,
//! cancellation), dry-run settlement and audit.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;
use std::time::SystemTime;

use futures::FutureExt;
use serde_json::Value;

use crate::audit::{self, AuditGuard};
use crate::canonical;
use crate::confirm::{self, Confirmation, Confirmer, Stage, Subject, Tag};
use crate::context::{CallInner, Cancellation, RequestContext, ToolContext};
use crate::envelope::call_result;
use crate::error::{ErrorCode, ToolError};
use crate::jsonrpc::{ErrorObject, RequestId, Response};
use crate::rate::RateClass;
use crate::server::{CONFIRMATION_TOKEN_ARGUMENT, RegisteredTool, Server};
use crate::tool::{Effect, Output, Tool};
use crate::validate::arguments_object;

impl Server {
    pub(crate) async fn call_tool(
        &self,
        id: RequestId,
        params: Option<Value>,
        cx: RequestContext,
    ) -> Option<Response> {
        let Some(Value::Object(mut params)) = params else {
            return Some(Response::error(
                Some(id),
                ErrorObject::invalid_params(
                    "tools/call needs params {\"name\": …, \"arguments\": {…}}",
                ),
            ));
        };
        let Some(Value::String(name)) = params.remove("name") else {
            return Some(Response::error(
                Some(id),
                ErrorObject::invalid_params(
                    "tools/call needs \"name\", a string naming a tool from tools/list",
                ),
            ));
        };
        let Some(&index) = self.inner.by_name.get(name.as_str()) else {
            return Some(Response::error(
                Some(id),
                ErrorObject::invalid_params(format!(
                    "unknown tool {name:?}; call tools/list for the available tools"
                )),
            ));
        };
        let mut args = match arguments_object(params.remove("arguments")) {
            Ok(args) => args,
            Err(detail) => {
                return Some(Response::error(
                    Some(id),
                    ErrorObject::invalid_params(detail),
                ));
            }
        };
        let progress_token = params
            .get("_meta")
            .and_then(|m| m.get("progressToken"))
            .filter(|t| t.is_string() || t.is_number())
            .cloned();
        let registered = &self.inner.tools[index];
        let version = cx.protocol_version;
        let outcome = self
            .run(registered, &mut args, id.clone(), progress_token, cx)
            .await?;
        Some(Response::result(id, call_result(version, outcome)))
    }

    /// Runs one call through the policy pipeline. `None` means the client cancelled it.
    ///
    /// Permission → rate budget → argument contract → confirmation token →
    /// handler (panic guard, timeout, cancellation) → dry-run settlement. Calls
    /// of destructive and confirm tools are audited whichever way they end.
    async fn run(
        &self,
        registered: &RegisteredTool,
        args: &mut Value,
        id: RequestId,
        progress_token: Option<Value>,
        cx: RequestContext,
    ) -> Option<Result<Output, ToolError>> {
        let tool = &registered.tool;
        let token = take_confirmation_token(tool, args);
        let mut audit = match &self.inner.audit_sink {
            Some(sink) if audit::is_audited(tool) => Some(AuditGuard::new(
                sink.clone(),
                cx.caller.clone(),
                registered.name.clone(),
                id.clone(),
                canonical::digest(args),
            )),
            _ => None,
        };
        let mut dry_run = false;
        let outcome = self
            .pipeline(
                registered,
                args,
                token,
                id,
                progress_token,
                cx,
                &mut audit,
                &mut dry_run,
            )
            .await;
        if let (Some(guard), Some(outcome)) = (&mut audit, &outcome) {
            guard.finish(outcome.as_ref().map(|_| ()), dry_run);
        }
        // Dropping the guard writes the record (also when this future is dropped).
        drop(audit);
        outcome
    }

    #[allow(clippy::too_many_arguments)]
    async fn pipeline(
        &self,
        registered: &RegisteredTool,
        args: &mut Value,
        token: Option<Value>,
        id: RequestId,
        progress_token: Option<Value>,
        cx: RequestContext,
        audit: &mut Option<AuditGuard>,
        dry_run: &mut bool,
    ) -> Option<Result<Output, ToolError>> {
        let tool = &registered.tool;
        if let Err(refusal) = self.permission(tool, &cx) {
            return Some(Err(refusal));
        }
        let token = match token {
            None | Some(Value::Null) => None,
            Some(Value::String(token)) if !token.trim().is_empty() => Some(token),
            Some(_) => {
                return Some(Err(ToolError::invalid_arguments(format!(
                    "Tool '{}': {CONFIRMATION_TOKEN_ARGUMENT} must be the ConfirmationToken string a dry run \
                     returned; leave it out to get a dry run and a token",
                    tool.name
                ))));
            }
        };
        if let Some(limiter) = &self.inner.rate_limiter {
            let acts = !tool.confirm || token.is_some();
            let class = if acts && tool.effect == Some(Effect::Destructive) {
                RateClass::Destructive
            } else {
                RateClass::Call
            };
            if let Err(exceeded) = limiter.acquire(cx.caller.as_ref(), class) {
                return Some(Err(exceeded.to_tool_error()));
            }
        }
        if let Err(invalid) = registered.contract.check(args) {
            return Some(Err(invalid));
        }
        let pii_clear = match &self.inner.pii_read_scope {
            None => true,
            Some(scope) => cx.caller.as_ref().is_some_and(|c| c.has_scope(scope)),
        };
        let mut confirmation = None;
        if tool.confirm || audit.is_some() {
            let digest = canonical::digest(args);
            if let Some(guard) = audit {
                guard.set_digest(digest);
            }
            if tool.confirm {
                let Some(confirmer) = &self.inner.confirmer else {
                    return Some(Err(ToolError::internal(
                        "the server has no confirmation authority; this is a server bug",
                    )));
                };
                let tags = SubjectTags {
                    tool: registered.confirm_tag,
                    caller: confirm::caller_tag(cx.caller.as_ref()),
                    arguments: confirm::arguments_tag(&digest),
                };
                let stage = match token {
                    None => Stage::DryRun,
                    Some(token) => {
                        match verify(confirmer, &token, &tags.subject(&tool.name)).await {
                            Ok(claims) => Stage::Confirmed(claims),
                            Err(refusal) => return Some(Err(refusal)),
                        }
                    }
                };
                *dry_run = matches!(stage, Stage::DryRun);
                let handle = Confirmation::new(stage, pii_clear, confirmer.replay.clone());
                confirmation = Some((handle, tags, confirmer));
            }
        }
        let cancellation = cx.cancellation.clone();
        let key = (cx.channel_key(), id.clone());
        let tool_cx = ToolContext {
            inner: Arc::new(CallInner {
                tool: registered.name.clone(),
                request: cx,
                request_id: id,
                progress_token,
                pii_clear,
                state: self.inner.state.clone(),
                extensions: Mutex::default(),
            }),
        };
        if let Some((handle, _, _)) = &confirmation {
            tool_cx.insert_extension(handle.clone());
        }
        let started = std::panic::catch_unwind(AssertUnwindSafe(|| {
            tool.handler.call(std::mem::take(args), tool_cx)
        }));
        let future = match started {
            Ok(Ok(future)) => future,
            Ok(Err(error)) => return Some(Err(error)),
            Err(panic) => return Some(Err(panicked(&tool.name, &*panic))),
        };
        if cancellation.is_cancelled() {
            return None;
        }
        // Most tools finish on their first poll. Only a tool that has to wait
        // pays for the in-flight entry, the timer and the cancellation watch.
        let mut guarded = std::pin::pin!(AssertUnwindSafe(future).catch_unwind());
        let finished = match futures::poll!(guarded.as_mut()) {
            Poll::Ready(done) => {
                Some(done.unwrap_or_else(|panic| Err(panicked(&tool.name, &*panic))))
            }
            Poll::Pending => {
                let _in_flight =
                    InFlight::register(&self.inner.in_flight, key, cancellation.clone());
                let limit = tool.timeout.unwrap_or(self.inner.default_timeout);
                tokio::select! {
                    biased;
                    () = cancellation.cancelled() => None,
                    finished = tokio::time::timeout(limit, guarded) => Some(match finished {
                        Ok(Ok(result)) => result,
                        Ok(Err(panic)) => Err(panicked(&tool.name, &*panic)),
                        Err(_) => Err(ToolError::new(
                            ErrorCode::TIMEOUT,
                            format!(
                                "Tool '{}' did not finish within {} s and was stopped; it may have partly run, \
                                 so verify with a read before retrying",
                                tool.name,
                                limit.as_secs_f64()
                            ),
                        )),
                    }),
                }
            }
        };
        match (finished, confirmation) {
            (Some(result), Some((handle, tags, confirmer))) => {
                Some(settle(confirmer, &handle, &tags.subject(&tool.name), result).await)
            }
            (finished, _) => finished,
        }
    }
}

/// Takes the confirmation token out of a confirm tool's arguments; other
/// tools keep it, so their argument contract refuses it as unknown.
pub(crate) fn take_confirmation_token(tool: &Tool, args: &mut Value) -> Option<Value> {
    if tool.confirm {
        args.as_object_mut()
            .and_then(|a| a.remove(CONFIRMATION_TOKEN_ARGUMENT))
    } else {
        None
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

/// Verifies a token and checks it was not used yet.
async fn verify(
    confirmer: &Confirmer,
    token: &str,
    subject: &Subject<'_>,
) -> Result<confirm::Claims, ToolError> {
    let claims = confirmer.verify(token, subject, SystemTime::now())?;
    confirmer.check_unused(&claims).await?;
    Ok(claims)
}

/// Turns the end of a confirm tool's call into its outcome: a dry run's preview
/// becomes the dry-run result with a fresh token; an execution that never
/// called `preview` still uses up its token.
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
    if result.is_ok() {
        match handle.consume_if_unused().await {
            Ok(true) => {}
            Ok(false) => tracing::warn!(
                tool,
                "a confirmation token was used twice by a tool that never called Confirmation::preview"
            ),
            Err(error) => tracing::warn!(tool, %error, "could not mark a confirmation token used"),
        }
    }
    result
}

impl Server {
    /// Whether the caller may call the tool: authenticated when the server
    /// requires it, and holding every scope the tool declares.
    pub(crate) fn permission(&self, tool: &Tool, cx: &RequestContext) -> Result<(), ToolError> {
        if !tool.requires_auth {
            return Ok(());
        }
        let caller = match &cx.caller {
            Some(caller) => Some(caller),
            None if self.inner.authentication_required => {
                return Err(ToolError::unauthorized(format!(
                    "Tool '{}' needs an authenticated caller; send credentials with the request",
                    tool.name
                )));
            }
            None => None,
        };
        let missing: Vec<&str> = tool
            .scopes()
            .filter(|s| !caller.is_some_and(|c| c.has_scope(s)))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(ToolError::forbidden(format!(
                "Tool '{}' needs the scope(s) {}, which this connection does not have; \
                 reconnect with credentials that grant them, or ask an administrator",
                tool.name,
                missing.join(", ")
            )))
        }
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
    map: &'a Mutex<HashMap<(Arc<str>, RequestId), Cancellation>>,
    key: Option<(Arc<str>, RequestId)>,
}

impl<'a> InFlight<'a> {
    fn register(
        map: &'a Mutex<HashMap<(Arc<str>, RequestId), Cancellation>>,
        key: (Arc<str>, RequestId),
        signal: Cancellation,
    ) -> Self {
        map.lock()
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
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&key);
        }
    }
}
