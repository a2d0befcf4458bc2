//! Who is calling, and the per-request and per-call context a tool can use.

use std::any::{Any, TypeId, type_name};
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use futures::future::BoxFuture;
use serde_json::{Value, json};
use tokio::sync::Notify;

pub(crate) use crate::caller::Caller;
use crate::error::ToolError;
use crate::jsonrpc::{ErrorObject, Notification, RequestId};
use crate::protocol::{LogLevel, ProtocolVersion, method};

/// The scope that lets a caller write personal data, kept in the server's
/// state map (so reading it costs nothing per call).
#[derive(Clone)]
pub(crate) struct PiiWriteScope(pub(crate) Arc<str>);

/// The client side of a connection, as the server sees it: where notifications
/// go, and where server-to-client requests (elicitation, sampling) are sent.
///
/// Transports implement it; the in-process [`crate::Client`] records notifications.
pub trait Peer: Send + Sync + 'static {
    /// Sends a notification (progress, log message) to the client.
    fn notify(&self, notification: Notification);

    /// Sends a request to the client and waits for its answer.
    ///
    /// The default answers that the transport cannot carry requests to the client.
    fn request(
        &self,
        method: &str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, ErrorObject>> {
        let method = method.to_owned();
        let _ = params;
        Box::pin(async move {
            Err(ErrorObject::new(
                crate::jsonrpc::code::METHOD_NOT_FOUND,
                format!("this connection cannot send {method} to the client"),
            ))
        })
    }

    /// Sends a request the call needs answered before it may become a task
    /// (see [`ToolContext::request_client_before_task`]). The default is
    /// [`Peer::request`]; only the peer of a task tells the two apart.
    fn request_before_task(
        &self,
        method: &str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, ErrorObject>> {
        self.request(method, params)
    }

    /// Sends a request the tool named `key`. On 2026-07-28 the key is the
    /// request's name in `inputRequests` and `inputResponses`; a transport
    /// that sends requests on a stream ignores it, which the default does.
    fn request_keyed(
        &self,
        key: &str,
        method: &str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, ErrorObject>> {
        let _ = key;
        self.request(method, params)
    }

    /// Whether the client is gone for good, so that a server may forget it
    /// (a subscription of an ended session). The default: never.
    fn is_closed(&self) -> bool {
        false
    }
}

/// A cancellation signal shared between a transport and a running call.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use mcp_tools::transport::Cancellation;
///
/// let signal = Cancellation::new();
/// let waiter = signal.clone();
/// signal.cancel();
/// waiter.cancelled().await; // returns at once
/// assert!(waiter.is_cancelled());
/// # });
/// ```
#[derive(Clone, Default)]
pub struct Cancellation(Arc<CancellationInner>);

#[derive(Default)]
struct CancellationInner {
    cancelled: AtomicBool,
    /// Fired by the server itself to stop a call at once (a 2026-07-28 call
    /// waiting for input): no grace period, the tool is waiting on us.
    stopped: AtomicBool,
    notify: Notify,
    /// A signal this one follows: when it fires, this one counts as fired.
    parent: Option<Cancellation>,
}

impl Cancellation {
    /// A signal that has not fired.
    pub fn new() -> Self {
        Self::default()
    }

    /// A signal that fires with this one, and can also fire on its own
    /// without firing this one (a 2026-07-28 call stopped for input).
    pub(crate) fn child(&self) -> Self {
        Self(Arc::new(CancellationInner {
            parent: Some(self.clone()),
            ..CancellationInner::default()
        }))
    }

    /// Fires the signal to stop the call at once, without the grace period a
    /// client's cancellation gives.
    pub(crate) fn stop(&self) {
        self.0.stopped.store(true, Ordering::Release);
        self.cancel();
    }

    /// Whether [`stop`](Self::stop) fired this signal.
    pub(crate) fn is_stopped(&self) -> bool {
        self.0.stopped.load(Ordering::Acquire)
    }

    /// Fires the signal; every waiter wakes.
    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::Release);
        self.0.notify.notify_waiters();
    }

    /// Whether the signal has fired.
    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::Acquire)
            || self
                .0
                .parent
                .as_ref()
                .is_some_and(Cancellation::is_cancelled)
    }

    /// Completes when the signal fires.
    pub async fn cancelled(&self) {
        match &self.0.parent {
            None => self.own_cancelled().await,
            Some(parent) => {
                let parent = Box::pin(parent.cancelled());
                tokio::select! {
                    () = self.own_cancelled() => {}
                    () = parent => {}
                }
            }
        }
    }

    async fn own_cancelled(&self) {
        loop {
            let notified = self.0.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.0.cancelled.load(Ordering::Acquire) {
                return;
            }
            notified.await;
        }
    }
}

impl fmt::Debug for Cancellation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Cancellation")
            .field(&self.is_cancelled())
            .finish()
    }
}

/// The minimum level of log notifications a client wants, shared by the requests
/// of one session (`logging/setLevel` changes it).
///
/// A handle made with [`new`](Self::new), [`silent`](Self::silent) or
/// `default` is shared by its clones: a level set through one is seen by all.
#[derive(Clone)]
pub struct LogLevelHandle(Level);

/// Where a handle keeps its level.
enum Level {
    /// Shared by every clone (a session's level).
    Shared(Arc<AtomicU8>),
    /// One request's own level, which nothing outside the request reads: a
    /// 2026-07-28 request's, or one without a session. Kept in place, so that
    /// such a request allocates nothing for it; a clone copies the level.
    Own(AtomicU8),
}

impl Clone for Level {
    fn clone(&self) -> Self {
        match self {
            Self::Shared(level) => Self::Shared(Arc::clone(level)),
            Self::Own(level) => Self::Own(AtomicU8::new(level.load(Ordering::Relaxed))),
        }
    }
}

impl LogLevelHandle {
    /// A handle starting at `level`.
    pub fn new(level: LogLevel) -> Self {
        Self(Level::Shared(Arc::new(AtomicU8::new(level as u8))))
    }

    /// The level of one request, which no other request shares: nothing to
    /// allocate. `u8::MAX` lets nothing through.
    pub(crate) fn own(level: u8) -> Self {
        Self(Level::Own(AtomicU8::new(level)))
    }

    fn cell(&self) -> &AtomicU8 {
        match &self.0 {
            Level::Shared(level) => level,
            Level::Own(level) => level,
        }
    }

    /// The current minimum level.
    pub fn get(&self) -> LogLevel {
        LogLevel::from_u8(self.cell().load(Ordering::Relaxed))
    }

    /// Changes the minimum level.
    pub fn set(&self, level: LogLevel) {
        self.cell().store(level as u8, Ordering::Relaxed);
    }

    /// A handle that lets no log notification through, until [`set`](Self::set)
    /// names a level: a 2026-07-28 request that asked for no level gets none.
    /// Its [`get`](Self::get) reports `Emergency`.
    pub fn silent() -> Self {
        Self(Level::Shared(Arc::new(AtomicU8::new(u8::MAX))))
    }

    /// Whether a notification of `level` goes out.
    pub(crate) fn allows(&self, level: LogLevel) -> bool {
        level as u8 >= self.cell().load(Ordering::Relaxed)
    }
}

impl Default for LogLevelHandle {
    fn default() -> Self {
        Self::new(LogLevel::Info)
    }
}

impl fmt::Debug for LogLevelHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("LogLevelHandle").field(&self.get()).finish()
    }
}

/// What the transport knows about one incoming message.
///
/// ```
/// use mcp_tools::transport::RequestContext;
/// use mcp_tools::{Caller, ProtocolVersion};
///
/// let cx = RequestContext::new()
///     .with_caller(Caller::new("alice").with_scopes(["mcp:tools"]))
///     .with_protocol_version(ProtocolVersion::V2025_06_18);
/// assert_eq!(cx.caller().unwrap().id(), "alice");
/// ```
#[derive(Clone)]
pub struct RequestContext {
    pub(crate) caller: Option<Caller>,
    pub(crate) protocol_version: ProtocolVersion,
    pub(crate) peer: Option<Arc<dyn Peer>>,
    pub(crate) cancellation: Cancellation,
    pub(crate) log_level: LogLevelHandle,
    pub(crate) channel: Option<Arc<str>>,
    pub(crate) client_capabilities: Option<Arc<Value>>,
    pub(crate) session_peer: Option<Arc<dyn Peer>>,
    pub(crate) trace_headers: Option<Box<crate::trace::TraceHeaders>>,
    /// What admission learned of the request's rate budget (its take for a
    /// lone tool call), for the call pipeline.
    pub(crate) rate_ledger: Option<Arc<crate::rate::RateLedger>>,
}

impl Default for RequestContext {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for RequestContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestContext")
            .field("caller", &self.caller)
            .field("protocol_version", &self.protocol_version)
            .field("peer", &self.peer.is_some())
            .field("cancellation", &self.cancellation)
            .field("log_level", &self.log_level)
            .field("channel", &self.channel)
            .finish()
    }
}

impl RequestContext {
    /// An anonymous request speaking the version assumed when none is announced.
    ///
    /// Its log level is shared by its clones: a context cloned for each
    /// request (as [`crate::Client`] does) keeps what `logging/setLevel` set.
    pub fn new() -> Self {
        Self::with_level(LogLevelHandle::default())
    }

    fn with_level(log_level: LogLevelHandle) -> Self {
        Self {
            caller: None,
            protocol_version: ProtocolVersion::DEFAULT_UNANNOUNCED,
            peer: None,
            cancellation: Cancellation::new(),
            log_level,
            channel: None,
            client_capabilities: None,
            session_peer: None,
            trace_headers: None,
            rate_ledger: None,
        }
    }

    /// Like [`new`](Self::new), for a context that serves one request and is
    /// not a template for others: its log level is its own, so that making it
    /// allocates nothing for the level. A clone copies the level rather than
    /// sharing it, and `logging/setLevel` answered with it reaches no other
    /// request; a transport that keeps a session's level hands it over with
    /// [`with_log_level`](Self::with_log_level).
    ///
    /// ```
    /// use mcp_tools::transport::RequestContext;
    /// use mcp_tools::ProtocolVersion;
    ///
    /// let cx = RequestContext::per_request().with_protocol_version(ProtocolVersion::V2025_06_18);
    /// assert_eq!(cx.protocol_version(), ProtocolVersion::V2025_06_18);
    /// ```
    pub fn per_request() -> Self {
        Self::with_level(LogLevelHandle::own(LogLevel::Info as u8))
    }

    /// Sets where notifications that outlive this request go (a session's
    /// event stream): `notifications/resources/updated` of subscriptions.
    pub fn with_session_peer(mut self, peer: Arc<dyn Peer>) -> Self {
        self.session_peer = Some(peer);
        self
    }

    /// Sets the authenticated caller.
    pub fn with_caller(mut self, caller: Caller) -> Self {
        self.caller = Some(caller);
        self
    }

    /// Sets the negotiated protocol version.
    pub fn with_protocol_version(mut self, version: ProtocolVersion) -> Self {
        self.protocol_version = version;
        self
    }

    /// Sets where notifications and server-to-client requests go.
    pub fn with_peer(mut self, peer: Arc<dyn Peer>) -> Self {
        self.peer = Some(peer);
        self
    }

    /// Sets the cancellation signal the transport fires (for example when the
    /// client closes the request's stream).
    pub fn with_cancellation(mut self, cancellation: Cancellation) -> Self {
        self.cancellation = cancellation;
        self
    }

    /// Shares a session's log level between its requests.
    pub fn with_log_level(mut self, level: LogLevelHandle) -> Self {
        self.log_level = level;
        self
    }

    /// Names the channel (session or connection) the request arrived on, so that
    /// `notifications/cancelled` only cancels requests of the same channel.
    pub fn with_channel(mut self, channel: impl Into<Arc<str>>) -> Self {
        self.channel = Some(channel.into());
        self
    }

    /// Records the capabilities the client declared (`initialize` or `_meta`):
    /// a `Value`, or one already shared
    /// ([`RequestMeta::shared_client_capabilities`](crate::transport::jsonrpc::RequestMeta::shared_client_capabilities)).
    pub fn with_client_capabilities(mut self, capabilities: impl Into<Arc<Value>>) -> Self {
        self.client_capabilities = Some(capabilities.into());
        self
    }

    /// The authenticated caller, if any.
    pub fn caller(&self) -> Option<&Caller> {
        self.caller.as_ref()
    }

    /// The protocol version of this request.
    pub fn protocol_version(&self) -> ProtocolVersion {
        self.protocol_version
    }

    /// The request's cancellation signal.
    pub fn cancellation(&self) -> &Cancellation {
        &self.cancellation
    }

    pub(crate) fn channel_key(&self) -> Arc<str> {
        match (&self.channel, &self.caller) {
            (Some(channel), _) => channel.clone(),
            (None, Some(caller)) => caller.id_arc().clone(),
            // One shared empty key: an anonymous call made a new `Arc` here.
            (None, None) => {
                static ANONYMOUS: std::sync::OnceLock<Arc<str>> = std::sync::OnceLock::new();
                ANONYMOUS.get_or_init(|| Arc::from("")).clone()
            }
        }
    }
}

/// Everything a running tool can reach: the caller, shared state, progress and
/// log notifications, cancellation and server-to-client requests.
///
/// Cheap to clone. Tools written with `#[tool]` take it as a parameter; tools
/// built with [`crate::ToolBuilder`] get it as the handler's second argument.
#[derive(Clone)]
pub struct ToolContext {
    pub(crate) inner: Arc<CallInner>,
}

pub(crate) struct CallInner {
    pub(crate) tool: Arc<str>,
    pub(crate) request: RequestContext,
    pub(crate) request_id: RequestId,
    pub(crate) progress_token: Option<Value>,
    pub(crate) pii_clear: bool,
    pub(crate) state: Arc<StateMap>,
    /// What the call pipeline hands to extractors (a confirm tool's
    /// `Confirmation`), type-erased so that this module stays below `confirm`.
    pub(crate) attached: Option<Box<dyn Any + Send + Sync>>,
}

impl fmt::Debug for ToolContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToolContext")
            .field("tool", &self.inner.tool)
            .field("request_id", &self.inner.request_id)
            .field("request", &self.inner.request)
            .finish()
    }
}

impl ToolContext {
    /// The name of the running tool.
    pub fn tool_name(&self) -> &str {
        &self.inner.tool
    }

    /// The id of the `tools/call` request.
    pub fn request_id(&self) -> &RequestId {
        &self.inner.request_id
    }

    /// The authenticated caller, if any.
    pub fn caller(&self) -> Option<&Caller> {
        self.inner.request.caller.as_ref()
    }

    /// The negotiated protocol version.
    pub fn protocol_version(&self) -> ProtocolVersion {
        self.inner.request.protocol_version
    }

    /// The shared state of type `T` registered with [`crate::ServerBuilder::state`].
    pub fn state<T: Clone + Send + Sync + 'static>(&self) -> Option<T> {
        self.inner.state.get::<T>().cloned()
    }

    /// Whether the client cancelled this call. Long loops should check it.
    pub fn is_cancelled(&self) -> bool {
        self.inner.request.cancellation.is_cancelled()
    }

    /// Completes when the client cancels this call.
    pub async fn cancelled(&self) {
        self.inner.request.cancellation.cancelled().await;
    }

    /// Reports progress if the client asked for it (it sent a `progressToken`);
    /// otherwise does nothing. `progress` must increase from call to call.
    pub fn progress(&self, progress: f64, total: Option<f64>, message: Option<&str>) {
        let (Some(token), Some(peer)) = (&self.inner.progress_token, &self.inner.request.peer)
        else {
            return;
        };
        let mut params = json!({"progressToken": token, "progress": progress});
        if let Some(total) = total {
            params["total"] = total.into();
        }
        if let Some(message) = message {
            params["message"] = message.into();
        }
        peer.notify(Notification::new(method::PROGRESS, params));
    }

    /// Sends a log notification if the client's level lets it through; on
    /// 2026-07-28 only when the request named a level in its `_meta`.
    /// Never put secrets or personal data in `data`.
    pub fn log(&self, level: LogLevel, data: impl Into<Value>) {
        let Some(peer) = &self.inner.request.peer else {
            return;
        };
        if !self.inner.request.log_level.allows(level) {
            return;
        }
        peer.notify(Notification::new(
            method::MESSAGE,
            json!({"level": level, "logger": &*self.inner.tool, "data": data.into()}),
        ));
    }

    /// Whether the client declared a capability, such as `"elicitation"` or `"sampling"`.
    pub fn client_supports(&self, capability: &str) -> bool {
        self.inner
            .request
            .client_capabilities
            .as_deref()
            .is_some_and(|c| c.get(capability).is_some())
    }

    /// Sends a request to the client (elicitation, sampling, roots) on this
    /// call's stream and waits for the answer.
    ///
    /// On 2026-07-28 there is no stream to ask on: the call stops, the client
    /// gets an `input_required` result with the question under `input-0`,
    /// `input-1`, … (or the key given to
    /// [`request_client_keyed`](Self::request_client_keyed)), and its retry
    /// runs the tool again with the answer. A question needing a capability
    /// the client did not declare ends the request with -32021 (check
    /// [`client_supports`](Self::client_supports) first to do without), and
    /// an answer of the wrong shape ends it with -32602.
    pub fn request_client(
        &self,
        method: &str,
        params: Value,
    ) -> impl Future<Output = Result<Value, ErrorObject>> + Send + 'static {
        let request = self
            .inner
            .request
            .peer
            .as_ref()
            .map(|peer| peer.request(method, params));
        client_answer(request, method)
    }

    /// Like [`request_client`](Self::request_client), under a key the tool
    /// chooses. On 2026-07-28 the question goes out in an `input_required`
    /// result under `inputRequests[key]` and the answer comes back in the
    /// retry's `inputResponses[key]`; on earlier revisions the key is not sent.
    ///
    /// The request is made when this is called, not when the future is first
    /// polled, so questions created together go out in the same round:
    ///
    /// ```no_run
    /// # async fn f(cx: mcp_tools::ToolContext) {
    /// use serde_json::json;
    ///
    /// let name = cx.request_client_keyed("name", "elicitation/create", json!({
    ///     "message": "Your name?",
    ///     "requestedSchema": {"type": "object", "properties": {"name": {"type": "string"}}}
    /// }));
    /// let roots = cx.request_client_keyed("roots", "roots/list", json!({}));
    /// let (name, roots) = futures::join!(name, roots);
    /// # let _ = (name, roots);
    /// # }
    /// ```
    pub fn request_client_keyed(
        &self,
        key: &str,
        method: &str,
        params: Value,
    ) -> impl Future<Output = Result<Value, ErrorObject>> + Send + 'static {
        let request = self
            .inner
            .request
            .peer
            .as_ref()
            .map(|peer| peer.request_keyed(key, method, params));
        client_answer(request, method)
    }

    /// Like [`request_client`](Self::request_client), for questions the call
    /// must settle before it is handed to the client as a task (tasks
    /// extension). When the call may become a task, the question goes back in
    /// the request through the 2026-07-28 multi-round-trip flow
    /// (`input_required`), and the task is only created on the retry that
    /// brings every answer; once the client holds a task, it becomes one of
    /// the task's `inputRequests`. Outside tasks it is `request_client`.
    ///
    /// Ask these before any side effect: the retry runs the tool again.
    pub fn request_client_before_task(
        &self,
        method: &str,
        params: Value,
    ) -> impl Future<Output = Result<Value, ErrorObject>> + Send + 'static {
        let request = self
            .inner
            .request
            .peer
            .as_ref()
            .map(|peer| peer.request_before_task(method, params));
        client_answer(request, method)
    }

    /// Whether personal data in this call's output goes out in clear (the
    /// caller holds the server's PII-read scope, or the server has none).
    pub fn may_read_pii(&self) -> bool {
        self.inner.pii_clear
    }

    /// Whether the caller may change personal data: it holds the scope set with
    /// [`crate::ServerBuilder::pii_write_scope`], or the server sets none.
    pub fn may_write_pii(&self) -> bool {
        match self.inner.state.get::<PiiWriteScope>() {
            None => true,
            Some(PiiWriteScope(scope)) => self.caller().is_some_and(|c| c.has_scope(scope)),
        }
    }

    /// Refuses the call with `Forbidden`, naming the PII-write scope, unless the
    /// caller may change personal data. Call it when (and only when) this call
    /// would change personal fields, before any side effect:
    ///
    /// ```
    /// # use mcp_tools::{ToolContext, ToolResult};
    /// # struct UpdateContact { email: Option<String>, tags: Vec<String> }
    /// async fn update_contact(args: UpdateContact, cx: ToolContext) -> ToolResult<()> {
    ///     if args.email.is_some() {
    ///         cx.require_pii_write()?;
    ///     }
    ///     // … apply the update
    ///     Ok(())
    /// }
    /// ```
    pub fn require_pii_write(&self) -> Result<(), ToolError> {
        match self.inner.state.get::<PiiWriteScope>() {
            Some(PiiWriteScope(scope)) if !self.caller().is_some_and(|c| c.has_scope(scope)) => {
                Err(ToolError::forbidden(format!(
                    "Tool '{}' would change personal data (such as names or email addresses), which needs \
                     the scope {scope}; this connection does not have it, and nothing was changed. Leave the \
                     personal fields out of the call, or ask an administrator to grant {scope}",
                    self.tool_name()
                )))
            }
            _ => Ok(()),
        }
    }

    /// The confirmation state the call pipeline attached to a confirm tool's call.
    pub(crate) fn attached<T: 'static>(&self) -> Option<&T> {
        self.inner.attached.as_deref()?.downcast_ref()
    }
}

/// Shared values registered on the server, looked up by type.
#[derive(Default)]
pub(crate) struct StateMap {
    values: Vec<(TypeId, &'static str, Box<dyn Any + Send + Sync>)>,
}

impl StateMap {
    pub(crate) fn insert<T: Send + Sync + 'static>(&mut self, value: T) {
        let id = TypeId::of::<T>();
        self.values.retain(|(t, _, _)| *t != id);
        self.values.push((id, type_name::<T>(), Box::new(value)));
    }

    pub(crate) fn get<T: 'static>(&self) -> Option<&T> {
        let id = TypeId::of::<T>();
        self.values
            .iter()
            .find(|(t, _, _)| *t == id)
            .and_then(|(_, _, v)| v.downcast_ref())
    }

    pub(crate) fn contains(&self, id: TypeId) -> bool {
        self.values.iter().any(|(t, _, _)| *t == id)
    }
}

/// Shared server state handed to a tool: `State(workspace): State<Workspace>`.
///
/// Register the value with [`crate::ServerBuilder::state`]; the server refuses to
/// build if a tool needs state that was not registered.
#[derive(Debug, Clone, Copy, Default)]
pub struct State<T>(pub T);

impl<T> std::ops::Deref for State<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// A value a `#[tool]` function can take as a parameter besides its arguments.
pub trait FromToolContext: Sized {
    /// Extracts the value from the call's context.
    fn from_tool_context(cx: &ToolContext) -> Result<Self, ToolError>;

    /// The shared state type this extractor needs, checked when the server is built.
    fn required_state() -> Option<(TypeId, &'static str)> {
        None
    }
}

impl<T: Clone + Send + Sync + 'static> FromToolContext for State<T> {
    fn from_tool_context(cx: &ToolContext) -> Result<Self, ToolError> {
        cx.state::<T>().map(State).ok_or_else(|| {
            ToolError::internal(format!(
                "the server has no shared state of type {}; register it with ServerBuilder::state",
                type_name::<T>()
            ))
        })
    }

    fn required_state() -> Option<(TypeId, &'static str)> {
        Some((TypeId::of::<T>(), type_name::<T>()))
    }
}

impl FromToolContext for ToolContext {
    fn from_tool_context(cx: &ToolContext) -> Result<Self, ToolError> {
        Ok(cx.clone())
    }
}

impl FromToolContext for Option<Caller> {
    fn from_tool_context(cx: &ToolContext) -> Result<Self, ToolError> {
        Ok(cx.caller().cloned())
    }
}

impl FromToolContext for Caller {
    fn from_tool_context(cx: &ToolContext) -> Result<Self, ToolError> {
        cx.caller().cloned().ok_or_else(|| {
            ToolError::unauthorized("this tool needs an authenticated caller; send credentials")
        })
    }
}

/// The answer to a request sent to the client, or why there is no client to
/// ask (a context without a connection, as in some tests).
pub(crate) fn client_answer(
    request: Option<BoxFuture<'static, Result<Value, ErrorObject>>>,
    method: &str,
) -> impl Future<Output = Result<Value, ErrorObject>> + Send + 'static {
    let method = method.to_owned();
    async move {
        match request {
            Some(future) => future.await,
            None => Err(ErrorObject::new(
                crate::jsonrpc::code::METHOD_NOT_FOUND,
                format!("no client connection to send {method} to"),
            )),
        }
    }
}

#[cfg(test)]
mod tests;
