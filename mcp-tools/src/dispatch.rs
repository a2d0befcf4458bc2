//! The dispatcher: one JSON-RPC message in, at most one response out.

use std::sync::{Arc, OnceLock, Weak};

use futures::FutureExt;
use tracing::Instrument;

use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use crate::admission::Admission;
use crate::cache::CacheHints;
use crate::call::{InFlightCalls, ToolCall};
use crate::catalog::Catalog;
use crate::context::{Caller, Cancellation, LogLevelHandle, RequestContext};
use crate::envelope::{ResultShape, call_result};
use crate::input::{
    InputRound, StateSigner, call_digest, call_digest_of_canonical, can_be_asked,
    canonical_arguments,
};
use crate::jsonrpc::{
    ErrorObject, Message, Notification, Request, RequestId, RequestMeta, Response, code,
    map_member, member_mut, raw_json, take_member,
};
use crate::listing::Listing;
use crate::meta::{ServerStamp, check_request_meta};
use crate::policy::Policy;
use crate::protocol::ServerInfo;
use crate::protocol::{LogLevel, ProtocolVersion, UnsupportedVersion, method};
use crate::registry::Registry;
use crate::span::request_span;
use crate::task::{RunCall, TASKS_EXTENSION, TaskAnswer, TaskMode, TaskStart, Tasks};
use crate::validate::arguments_object;

/// What a server is made of once built: the registry, the policy and the
/// state of calls in flight. [`Server`](crate::Server) shares one.
pub(crate) struct Dispatcher {
    pub(crate) info: ServerInfo,
    /// The server's identity for 2026-07-28 result `_meta`.
    pub(crate) stamp: ServerStamp,
    pub(crate) instructions: Option<String>,
    pub(crate) discovery_cache: CacheHints,
    pub(crate) registry: Registry,
    pub(crate) listing: Listing,
    pub(crate) policy: Policy,
    pub(crate) in_flight: InFlightCalls,
    pub(crate) request_state: StateSigner,
    pub(crate) tasks: Tasks,
    /// The `Arc` this dispatcher lives in, for the work a task carries past
    /// its request.
    pub(crate) me: OnceLock<Weak<Dispatcher>>,
    pub(crate) catalog: Catalog,
    /// The notification bus shared with other replicas, if any.
    pub(crate) fanout: crate::bus::Fanout,
}

/// The answer to `initialize`, with the version it settled on.
#[derive(Debug)]
#[non_exhaustive]
pub struct Initialized {
    /// The JSON-RPC response to send.
    pub response: Response,
    /// The negotiated protocol version; `None` when `initialize` was refused.
    pub version: Option<ProtocolVersion>,
}

impl Dispatcher {
    pub(crate) fn admission(&self) -> Admission<'_> {
        Admission {
            registry: &self.registry,
            policy: &self.policy,
        }
    }

    #[allow(
        clippy::manual_async_fn,
        reason = "an async fn would keep its arguments twice in its future"
    )]
    pub(crate) fn handle(
        &self,
        message: Message,
        cx: RequestContext,
    ) -> impl Future<Output = Option<Response>> {
        async move {
            match message {
                Message::Request(mut request) => {
                    // Parsed requests have it already; one built by hand may not.
                    request.lift_meta();
                    let span = request_span(&request, &cx);
                    self.handle_request(request, cx).instrument(span).await
                }
                Message::Notification(notification) => {
                    self.handle_notification(&notification, &cx);
                    None
                }
                Message::Response(_) => None,
            }
        }
    }

    fn handle_notification(&self, notification: &Notification, cx: &RequestContext) {
        if notification.method != method::CANCELLED {
            return;
        }
        if let Some(id) = notification
            .params
            .as_ref()
            .and_then(|p| p.get("requestId"))
            .and_then(|id| serde_json::from_value::<RequestId>(id.clone()).ok())
        {
            self.in_flight.cancel(cx.channel_key(), id);
        }
    }

    #[allow(
        clippy::manual_async_fn,
        reason = "an async fn would keep its arguments twice in its future"
    )]
    fn handle_request(
        &self,
        request: Request,
        mut cx: RequestContext,
    ) -> impl Future<Output = Option<Response>> {
        async move {
            if let Some(version) = request
                .meta
                .as_deref()
                .and_then(RequestMeta::protocol_version)
            {
                match version {
                    Ok(version) => cx.protocol_version = version,
                    Err(unsupported) => {
                        let e = UnsupportedVersion(unsupported.to_owned());
                        return Some(Response::error(
                        Some(request.id),
                        ErrorObject::new(code::UNSUPPORTED_PROTOCOL_VERSION, e.to_string())
                            .with_data(
                                json!({"supported": ProtocolVersion::ALL.map(ProtocolVersion::as_str)}),
                            ),
                    ));
                    }
                }
            }
            let version = cx.protocol_version;
            if version.is_stateless() {
                if let Err(error) = check_request_meta(&request) {
                    return Some(Response::error(Some(request.id), error));
                }
                // The request's own level: no allocation (`u8::MAX` lets nothing through).
                let level = request.meta.as_deref().and_then(RequestMeta::log_level);
                cx.log_level = LogLevelHandle::own(level.map_or(u8::MAX, |level| level as u8));
                let response = self.answer_request(request, cx).await?;
                return Some(match response.outcome {
                    Ok(result) => Response::result(response.id?, self.stamp.stamp(result)),
                    Err(_) => response,
                });
            }
            self.answer_request(request, cx).await
        }
    }

    #[allow(
        clippy::manual_async_fn,
        reason = "an async fn would keep its arguments twice in its future"
    )]
    fn answer_request(
        &self,
        request: Request,
        cx: RequestContext,
    ) -> impl Future<Output = Option<Response>> {
        async move {
            let Request {
                id,
                method,
                params,
                meta,
            } = request;
            let version = cx.protocol_version;
            // The rarer, larger futures are boxed: inline, their state would sit
            // in every request's future, which the transport moves several times
            // per request (memcpy of kilobytes on the hot path of `tools/call`).
            let outcome = match method.as_str() {
                method::TOOLS_CALL => {
                    let progress_token = meta.and_then(|meta| meta.progress_token().cloned());
                    return self.call_tool(id, params, progress_token, cx).await;
                }
                method::SUBSCRIPTIONS_LISTEN if version.is_stateless() => {
                    return match Box::pin(self.catalog.listen(&id, params.as_ref(), &cx)).await {
                        Ok(()) => None,
                        Err(error) => Some(Response::error(Some(id), error)),
                    };
                }
                method::TOOLS_LIST => {
                    self.listing
                        .list(&self.registry, &self.policy, params.as_ref(), &cx)
                }
                method::INITIALIZE if !version.is_stateless() => {
                    self.initialize(params.as_ref()).map(|(result, _)| result)
                }
                method::PING if !version.is_stateless() => Ok(raw_json("{}".into())),
                method::DISCOVER => Ok(self.discover()),
                method::TASKS_GET | method::TASKS_UPDATE | method::TASKS_CANCEL => {
                    Box::pin(self.tasks.handle(&method, params.as_ref(), &cx)).await
                }
                method::SET_LEVEL if !version.is_stateless() => set_level(params.as_ref(), &cx),
                method::PROMPTS_GET if version.is_stateless() => {
                    return Box::pin(self.get_prompt_in_rounds(id, params, cx)).await;
                }
                other => {
                    match Box::pin(self.catalog.handle(
                        other,
                        params.as_ref(),
                        &cx,
                        &self.policy.state,
                    ))
                    .await
                    {
                        Some(outcome) => outcome,
                        None => Err(ErrorObject::method_not_found(other)),
                    }
                }
            };
            Some(match outcome {
                Ok(result) => Response::result(id, result),
                Err(error) => Response::error(Some(id), error),
            })
        }
    }

    /// `prompts/get` on 2026-07-28: a prompt that asks the client something
    /// gets its answers from earlier rounds, or the request answers
    /// `input_required`, as a tool call does.
    async fn get_prompt_in_rounds(
        &self,
        id: RequestId,
        params: Option<Value>,
        mut cx: RequestContext,
    ) -> Option<Response> {
        let mut params = match params {
            Some(Value::Object(params)) => params,
            // The catalog says what is wrong with them.
            other => Map::from_iter(other.map(|p| ("params".to_owned(), p))),
        };
        let name = params
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let caller = cx.caller.as_ref().map(|c| c.id().to_owned());
        let (answers, digest) = match self.prior_answers(
            method::PROMPTS_GET,
            &name,
            &mut params,
            caller.as_deref(),
            &cx,
        ) {
            Ok(found) => found,
            Err(error) => return Some(Response::error(Some(id), error)),
        };
        let round = enter_round(&mut cx, answers, None);
        let stopped = cx.cancellation.clone();
        let params = Value::Object(params);
        let rendered = tokio::select! {
            outcome = self.catalog.handle(method::PROMPTS_GET, Some(&params), &cx, &self.policy.state) => {
                Some(outcome.unwrap_or_else(|| Err(ErrorObject::method_not_found(method::PROMPTS_GET))))
            }
            () = stopped.cancelled() => None,
        };
        if let Some(outcome) = rendered {
            return Some(match outcome {
                Ok(result) => Response::result(id, result),
                Err(error) => Response::error(Some(id), error),
            });
        }
        if let Some(refusal) = round.take_refusal() {
            return Some(Response::error(Some(id), refusal));
        }
        // Stopped without a question: the client cancelled the request.
        let asked = round.take_asked()?;
        Some(self.input_required(
            id,
            method::PROMPTS_GET,
            caller.as_deref(),
            &digest.get(&name),
            &round,
            asked,
        ))
    }

    /// Parses `tools/call` params and runs the call; on 2026-07-28, with the
    /// answers of earlier rounds, and `input_required` when the tool asks for more.
    #[allow(
        clippy::manual_async_fn,
        reason = "an async fn would keep its arguments twice in its future"
    )]
    fn call_tool(
        &self,
        id: RequestId,
        params: Option<Value>,
        progress_token: Option<Value>,
        mut cx: RequestContext,
    ) -> impl Future<Output = Option<Response>> {
        async move {
            let refuse = |detail: String| {
                Some(Response::error(
                    Some(id.clone()),
                    ErrorObject::invalid_params(detail),
                ))
            };
            let Some(Value::Object(mut params)) = params else {
                return refuse("tools/call needs params {\"name\": …, \"arguments\": {…}}".into());
            };
            // Taken without hashing: a slot is left behind (an empty name, a null
            // `arguments`) in a map nothing reads those members from again.
            let Some(Value::String(name)) = member_mut(&mut params, "name").map(Value::take) else {
                return refuse(
                    "tools/call needs \"name\", a string naming a tool from tools/list".into(),
                );
            };
            let Some(registered) = self.registry.get(&name) else {
                return refuse(format!(
                    "unknown tool {name:?}; call tools/list for the available tools"
                ));
            };
            let task_mode = Tasks::mode(registered.tool.task, &cx);
            if let TaskMode::Refuse(error) = task_mode {
                return Some(Response::error(Some(id), error));
            }
            let as_task = matches!(task_mode, TaskMode::Task);
            // Only a call run as a task has a signal of its own.
            let task_cancellation = as_task.then(Cancellation::new);
            let version = cx.protocol_version;
            let round = if version.is_stateless() {
                let caller = cx.caller.as_ref().map(Caller::id);
                let (answers, digest) =
                    match self.prior_answers(method::TOOLS_CALL, &name, &mut params, caller, &cx) {
                        Ok(found) => found,
                        Err(error) => return Some(Response::error(Some(id), error)),
                    };
                let round = enter_round(&mut cx, answers, task_cancellation.clone());
                Some((round, digest))
            } else {
                None
            };
            let args = match arguments_object(member_mut(&mut params, "arguments").map(Value::take))
            {
                Ok(args) => args,
                Err(detail) => return refuse(detail.to_string()),
            };
            let progress_token = progress_token.filter(|t| t.is_string() || t.is_number());
            // A clone of the caller is a few reference counts; its id is only
            // read when a state is signed.
            let caller = cx.caller.clone();
            if as_task {
                let start = (
                    name,
                    args,
                    task_cancellation.unwrap_or_default(),
                    registered.shape,
                );
                return Some(Box::pin(self.call_as_task(id, start, round, caller, cx)).await);
            }
            let call = ToolCall {
                policy: &self.policy,
                in_flight: &self.in_flight,
                registered,
                id: id.clone(),
                progress_token,
                cx,
                started: None,
            };
            match call.run(args).await {
                Some(outcome) => Some(Response::result(
                    id,
                    call_result(
                        version,
                        registered.shape,
                        outcome,
                        // Serialised in place: `handle_request` leaves it as it is.
                        version.is_stateless().then(|| self.stamp.meta_member()),
                    ),
                )),
                None => {
                    let (round, digest) = round?;
                    if let Some(refusal) = round.take_refusal() {
                        return Some(Response::error(Some(id), refusal));
                    }
                    let asked = round.take_asked()?;
                    Some(self.input_required(
                        id,
                        method::TOOLS_CALL,
                        caller.as_ref().map(Caller::id),
                        &digest.get(&name),
                        &round,
                        asked,
                    ))
                }
            }
        }
    }

    /// The `input_required` answer of a 2026-07-28 call whose tool asked
    /// something the request did not answer.
    fn input_required(
        &self,
        id: RequestId,
        request_method: &str,
        caller: Option<&str>,
        digest: &str,
        round: &InputRound,
        asked: Map<String, Value>,
    ) -> Response {
        let state =
            self.request_state
                .sign(caller, request_method, digest, round.answers().clone());
        let result = json!({
            "resultType": "input_required",
            "inputRequests": asked,
            "requestState": state,
        });
        Response::result(id, raw_json(result.to_string()))
    }

    /// Runs a call as a task (tasks extension): the call pipeline is the same,
    /// run by a worker that outlives the request.
    async fn call_as_task(
        &self,
        id: RequestId,
        (name, args, cancellation, shape): (String, Value, Cancellation, ResultShape),
        round: Option<(Arc<InputRound>, CallDigest)>,
        caller: Option<Caller>,
        cx: RequestContext,
    ) -> Response {
        let Some(this) = self.me.get().and_then(Weak::upgrade) else {
            return Response::error(
                Some(id),
                ErrorObject::new(code::INTERNAL_ERROR, "the server is shutting down"),
            );
        };
        let request_id = id.clone();
        let tool = name.clone();
        // The name a new `requestState` is bound to, should the task ask.
        let digest_name = round.as_ref().map(|_| name.clone()).unwrap_or_default();
        let run: RunCall = Box::new(move |cx, started| {
            async move {
                let registered = this.registry.get(&name)?;
                let call = ToolCall {
                    policy: &this.policy,
                    in_flight: &this.in_flight,
                    registered,
                    id: request_id,
                    // Progress of a task goes to its record, whatever the request asked.
                    progress_token: Some(Value::from("task")),
                    cx,
                    started: Some(started),
                };
                call.run(args).await
            }
            .boxed()
        });
        let start = TaskStart {
            tool,
            cx,
            cancellation,
            round: round.as_ref().map(|(round, _)| round.clone()),
            run,
            shape,
        };
        match self.tasks.call(start).await {
            TaskAnswer::Result(result) | TaskAnswer::Created(result) => {
                Response::result(id, result)
            }
            TaskAnswer::Error(error) => Response::error(Some(id), error),
            TaskAnswer::NeedsInput(asked) => match &round {
                Some((round, digest)) => self.input_required(
                    id,
                    method::TOOLS_CALL,
                    caller.as_ref().map(Caller::id),
                    &digest.get(&digest_name),
                    round,
                    asked,
                ),
                None => Response::error(
                    Some(id),
                    ErrorObject::new(
                        code::INTERNAL_ERROR,
                        "the tool asked for input before its task, outside the 2026-07-28 flow",
                    ),
                ),
            },
        }
    }

    /// The answers a 2026-07-28 retry brings: those signed into `requestState`
    /// plus the new `inputResponses`, and what a new `requestState` would be
    /// bound to.
    fn prior_answers(
        &self,
        request_method: &str,
        name: &str,
        params: &mut Map<String, Value>,
        caller: Option<&str>,
        cx: &RequestContext,
    ) -> Result<(Map<String, Value>, CallDigest), ErrorObject> {
        let (mut answers, digest) = match take_member(params, "requestState") {
            // A client that declared none of the capabilities a question needs
            // is never asked one: no `requestState` is signed for this call.
            None if !can_be_asked(cx.client_capabilities.as_deref()) => {
                (Map::new(), CallDigest::NeverAsked)
            }
            None => (Map::new(), CallDigest::of(map_member(params, "arguments"))),
            Some(Value::String(state)) => {
                let digest = call_digest(name, map_member(params, "arguments"));
                let answers = self
                    .request_state
                    .verify(&state, caller, request_method, &digest)?;
                (answers, CallDigest::Known(digest))
            }
            Some(_) => return Err(ErrorObject::invalid_params("requestState must be a string")),
        };
        match take_member(params, "inputResponses") {
            None => {}
            Some(Value::Object(responses)) => answers.extend(responses),
            Some(_) => {
                return Err(ErrorObject::invalid_params(
                    "inputResponses must be an object keyed by the inputRequests keys",
                ));
            }
        }
        Ok((answers, digest))
    }

    fn capabilities(&self, stateless: bool) -> Value {
        let mut capabilities = json!({"tools": {"listChanged": false}, "logging": {}});
        if let Value::Object(members) = &mut capabilities {
            self.catalog.declare(members, stateless);
        }
        capabilities
    }

    pub(crate) fn initialize(
        &self,
        params: Option<&Value>,
    ) -> Result<(Box<RawValue>, ProtocolVersion), ErrorObject> {
        let requested = params
            .and_then(|p| p.get("protocolVersion"))
            .and_then(Value::as_str)
            .ok_or_else(|| {
                ErrorObject::invalid_params("initialize needs \"protocolVersion\" (a string)")
            })?;
        let version = ProtocolVersion::negotiate(requested);
        let mut result = json!({
            "protocolVersion": version,
            "capabilities": self.capabilities(false),
            "serverInfo": self.info,
        });
        if let Some(instructions) = &self.instructions {
            result["instructions"] = instructions.clone().into();
        }
        Ok((raw_json(result.to_string()), version))
    }

    fn discover(&self) -> Box<RawValue> {
        let mut result = json!({
            "supportedVersions": ProtocolVersion::ALL.map(ProtocolVersion::as_str),
            "capabilities": self.capabilities(true),
            "serverInfo": self.info,
            "resultType": "complete",
        });
        if let Some(instructions) = &self.instructions {
            result["instructions"] = instructions.clone().into();
        }
        if self.tasks.offered {
            result["capabilities"]["extensions"][TASKS_EXTENSION] = json!({});
        }
        if let Value::Object(members) = &mut result {
            self.discovery_cache.insert_into(members);
        }
        raw_json(result.to_string())
    }
}

fn set_level(params: Option<&Value>, cx: &RequestContext) -> Result<Box<RawValue>, ErrorObject> {
    let level = params
        .and_then(|p| p.get("level"))
        .cloned()
        .and_then(|l| serde_json::from_value::<LogLevel>(l).ok())
        .ok_or_else(|| {
            ErrorObject::invalid_params(
                "logging/setLevel needs \"level\": one of debug, info, notice, warning, error, critical, alert, emergency",
            )
        })?;
    cx.log_level.set(level);
    Ok(raw_json("{}".into()))
}

/// The digest of a call's name and arguments that a 2026-07-28
/// `requestState` is bound to. Most calls never sign or verify a state, so
/// it is computed only when one is: hashing costs far more than keeping the
/// arguments' canonical JSON, which costs less than a copy of them.
enum CallDigest {
    /// Computed, to verify the state the request brought.
    Known(String),
    /// The canonical JSON of the arguments as they arrived, before the call
    /// changed them (defaults, the confirmation token).
    Deferred(Vec<u8>),
    /// For a client that cannot be asked anything (see [`can_be_asked`]):
    /// its call never answers `input_required`, so no state is bound to it.
    NeverAsked,
}

impl CallDigest {
    fn of(arguments: Option<&Value>) -> Self {
        Self::Deferred(canonical_arguments(arguments))
    }

    /// The digest, for the call of `name` this digest was made for.
    fn get(&self, name: &str) -> std::borrow::Cow<'_, str> {
        match self {
            Self::Known(digest) => digest.into(),
            Self::Deferred(arguments) => call_digest_of_canonical(name, arguments).into(),
            // Not reached (no question is recorded for such a client); the
            // digest of no arguments binds a state no retry of this call
            // verifies against, should it ever be.
            Self::NeverAsked => call_digest_of_canonical(name, b"").into(),
        }
    }
}

/// Puts the request of `cx` in a 2026-07-28 input round with the `answers`
/// it brought: a child cancellation (the round stops this request, never the
/// transport's signal), and a peer whose questions go through the round. An
/// unanswered question fires `stops`, or the request's own signal.
fn enter_round(
    cx: &mut RequestContext,
    answers: Map<String, Value>,
    stops: Option<Cancellation>,
) -> Arc<InputRound> {
    cx.cancellation = cx.cancellation.child();
    let round = Arc::new(
        InputRound::new(
            answers,
            cx.client_capabilities.clone(),
            stops.unwrap_or_else(|| cx.cancellation.clone()),
        )
        .with_transport(cx.peer.take()),
    );
    cx.peer = Some(round.clone());
    round
}
